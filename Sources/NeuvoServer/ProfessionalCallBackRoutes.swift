import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The professional's call list under `/api/v1/pro/call-backs`.
///
/// Who may call: a signed-in professional, for the queues they belong to; a
/// call-back of another queue, or another's to record attempts on, is 404.
/// The resident's number shows only to the one who picked the call-back.
struct ProfessionalCallBackRoutes: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let auth: ProfessionalAuth

    func register(in routes: inout RouteTable) {
        let pro = Caller.professional(auth)
        routes.get("/api/v1/pro/call-backs", pro) { request, signedIn in
            let me = signedIn.professional
            let list = try clinic.callBackList(queues: me.queues, language: request.readerLanguage)
            return .respond(.json(.object(["callBacks": .array(list.map { $0.json(viewer: me.id) })])))
        }
        routes.post("/api/v1/pro/call-backs/{id}/pick", pro, takes: .unread(limit: 1024), answers: [.notFound, .conflict("case_taken")]) {
            request, signedIn in
            let picked = try await clinic.pickCallBack(id: try Self.id(request), professional: signedIn.professional)
            hub.publish(streams: EventStreams.touched(by: picked.events))
            return .respond(.json(Self.mine(picked.callBack)))
        }
        routes.post("/api/v1/pro/call-backs/{id}/attempts", pro, takes: .json(limit: 1024),
                    answers: [.notFound, .invalid("result"), .conflict("call_back_ended")]) { request, signedIn in
            guard let result = try request.jsonBody()["result"]?.stringValue.flatMap(CallAttemptResult.init(rawValue:)) else {
                throw HTTPError(.unprocessableContent, code: "invalid_result", message: "result must be reached, noAnswer or wrongNumber.", field: "result")
            }
            let recorded = try await clinic.recordCallAttempt(id: try Self.id(request), professional: signedIn.professional, result: result)
            hub.publish(streams: EventStreams.touched(by: recorded.events))
            return .respond(.json(Self.mine(recorded.callBack)))
        }
    }

    /// The call-back with the conversation it belongs to, for the one calling.
    static func mine(_ callBack: CallBack) -> JSONValue {
        var json = callBack.json.objectValue ?? JSONObject()
        json["conversationId"] = .string(callBack.conversationID)
        return .object(json)
    }

    static func id(_ request: Request) throws -> String {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        return id
    }
}

extension CallBackCase {
    /// The number only for the professional who picked it.
    func json(viewer: Int64) -> JSONValue {
        var json = callBack.json.objectValue ?? JSONObject()
        if professionalID != viewer { json["phone"] = .null }
        json["conversationId"] = .string(callBack.conversationID)
        json["urgency"] = .string(urgency.rawValue)
        json["serviceId"] = serviceID.map { .string($0) } ?? .null
        json["subjectKind"] = subjectKind.map { .string($0) } ?? .null
        json["summary"] = .string(summary)
        json["maxAttempts"] = .int(maxAttempts)
        json["mine"] = .bool(professionalID == viewer)
        return .object(json)
    }
}
