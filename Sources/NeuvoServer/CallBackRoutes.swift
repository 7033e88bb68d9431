import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// Call-backs on the resident's side, and the notification outbox the SMS gateway pulls.
///
/// Who may call: the resident session that opened the conversation (anyone
/// else gets 404); the outbox, the SMS gateway with a key of the notifications
/// scope (401 otherwise; a record-system key reaches none of it, nor this key
/// the records).
struct CallBackRoutes: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let auth: ResidentAuth
    let keys: RecordSystemKeys

    func register(in routes: inout RouteTable) {
        let resident = Caller.resident(auth)
        routes.get("/api/v1/conversations/{id}/call-back", resident) { request, session in
            let offer = try clinic.callBackOffer(conversationID: try Self.id(request), session: session)
            return .respond(.json(offer.json))
        }
        routes.post("/api/v1/conversations/{id}/call-back", resident, takes: .json(limit: 4096),
                    answers: [.invalid("phone"), .invalid("windowStart"), .invalid("language"), .conflict("no_call_backs"),
                              .conflict("call_back_exists"), .conflict("call_back_not_offered"), .conflict("not_waiting"),
                              .conflict("window_full"), .conflict("phone_limit")]) { request, session in
            let body = try request.jsonBody()
            let language = try body.languageField() ?? .fi
            let made = try await clinic.requestCallBack(conversationID: try Self.id(request), session: session,
                                                        phone: body["phone"]?.stringValue, windowStart: body["windowStart"]?.stringValue,
                                                        notify: body["notify"]?.boolValue ?? false, language: language)
            hub.publish(streams: EventStreams.touched(by: made.events))
            return .respond(.json(status: .created, made.callBack.json))
        }
        routes.post("/api/v1/conversations/{id}/call-back/cancel", resident, takes: .unread(limit: 1024),
                    answers: [.conflict("call_in_progress"), .conflict("call_back_ended")]) { request, session in
            let cancelled = try await clinic.cancelCallBack(conversationID: try Self.id(request), session: session)
            hub.publish(streams: EventStreams.touched(by: cancelled.events))
            return .respond(.json(cancelled.callBack.json))
        }

        let gateway = Caller.smsGateway(keys)
        routes.get("/api/v1/notifications", gateway, answers: [.badQuery("after"), .badQuery("limit"), .badQuery("unacknowledged")]) {
            request, _ in
            let (after, limit, unacknowledged) = try RecordExportRoutes.pullQuery(request)
            let page = try clinic.notifications(after: after, limit: limit, unacknowledgedOnly: unacknowledged)
            return .respond(.json(.object(["notifications": .array(page.map(\.json)), "next": .int64(page.last?.seq ?? after)])))
        }
        routes.post("/api/v1/notifications/{id}/ack", gateway, takes: .unread(limit: 1024)) { request, _ in
            guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
            return .respond(.json(try await clinic.acknowledgeNotification(id: id).json))
        }
    }

    static func id(_ request: Request) throws -> String {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        return id
    }
}
