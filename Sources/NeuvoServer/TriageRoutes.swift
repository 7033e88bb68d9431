import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The service catalog and the resident's pre-questionnaire.
struct TriageRoutes: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let auth: ResidentAuth

    func register(in routes: inout RouteTable) {
        // Anyone: the catalog is what the service offers, not personal data.
        routes.get("/api/v1/catalog", .anyone, answers: [Answer(.serviceUnavailable, "no_catalog")]) { _, _ in try catalog() }
        routes.get("/api/v1/conversations/{id}", .resident(auth)) { request, session in try conversation(request, session: session) }
        // This browser's matters, newest first, with what the resident was told: to list and print.
        routes.get("/api/v1/conversations", .resident(auth)) { _, session in
            .respond(.json(.object(["conversations": .array(try clinic.residentMatters(session: session).map(\.json))])))
        }
        routes.post("/api/v1/conversations/{id}/pre-questionnaire", .resident(auth), takes: .json(limit: 64 * 1024),
                    answers: [.invalid("serviceId"), .invalid("subject"), .invalid("answers"), Answer(.unprocessableContent, "invalid_answer"),
                              .invalid("language"),
                              .conflict("already_submitted"), .conflict("no_catalog")]) { request, session in
            try await submit(request, session: session)
        }
        routes.post("/api/v1/conversations/{id}/retriage", .resident(auth), takes: .json(limit: 64 * 1024),
                    answers: [.invalid("answers"), Answer(.unprocessableContent, "invalid_answer"), .conflict("not_waiting")]) {
            request, session in
            guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
            let answered = try await clinic.retriage(conversationID: id, session: session, answers: try request.jsonBody()["answers"])
            hub.publish(streams: EventStreams.touched(by: answered.events))
            return .respond(.json(Self.json(answered.result)))
        }
        routes.post("/api/v1/conversations/{id}/withdraw", .resident(auth), takes: .unread(limit: 1024),
                    answers: [.conflict("not_withdrawable")]) { request, session in
            try await withdraw(request, session: session)
        }
        routes.post("/api/v1/conversations/{id}/feedback", .resident(auth), takes: .json(limit: 8 * 1024),
                    answers: [.invalid("score"), .invalid("comment"), .conflict("not_closed"), .conflict("feedback_given")]) {
            request, session in try await feedback(request, session: session)
        }
    }

    /// `{"score": 0–10, "comment"?}` once the matter is handled → 201; a second time → 409.
    func feedback(_ request: Request, session: ResidentSession) async throws -> HandlerResult {
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        guard let score = body["score"]?.intValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_score", message: "score must be a whole number from 0 to 10.", field: "score")
        }
        if let comment = body["comment"], comment != .null, comment.stringValue == nil {
            throw HTTPError(.unprocessableContent, code: "invalid_comment", message: "comment must be text.", field: "comment")
        }
        let given = try await clinic.giveFeedback(conversationID: id, session: session, score: score, comment: body["comment"]?.stringValue)
        return .respond(.json(status: .created, given.json))
    }

    /// Takes the matter out of the queue: `200` with the conversation.
    func withdraw(_ request: Request, session: ResidentSession) async throws -> HandlerResult {
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let withdrawn = try await clinic.withdraw(conversationID: id, session: session)
        hub.publish(streams: EventStreams.touched(by: withdrawn.events))
        return .respond(.json(withdrawn.conversation.json))
    }

    func catalog() throws -> HandlerResult {
        guard let catalog = try clinic.activeCatalog() else {
            throw HTTPError(.serviceUnavailable, code: "no_catalog", message: "No service catalog has been imported yet.")
        }
        return .respond(.json(catalog.publicJSON))
    }

    func conversation(_ request: Request, session: ResidentSession) throws -> HandlerResult {
        guard let id = request.parameters["id"], let conversation = try clinic.conversation(id: id, ownedBy: session) else { throw HTTPError.notFound() }
        let progress = try clinic.progress(conversationID: id, after: nil)
        var json = conversation.json(position: progress?.position)
        if case .object(var object) = json {
            if let estimate = progress?.estimate { object["estimate"] = estimate.json }
            // Their own answers, so "my condition has changed" starts from them after a reload too.
            if let answers = try clinic.residentAnswers(conversationID: id, session: session) { object["answers"] = answers }
            json = .object(object)
        }
        return .respond(.json(json))
    }

    /// `{"serviceId", "subject", "answers"}` → `{"outcome": "redFlag", …}` or `{"outcome": "queued", …}`.
    func submit(_ request: Request, session: ResidentSession) async throws -> HandlerResult {
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        guard let serviceID = body["serviceId"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_serviceId", message: "serviceId is required.", field: "serviceId")
        }
        // The page's language (optional): the professional sees it and writes in it.
        let language = try body.languageField()
        let submitted = try await clinic.submitPreQuestionnaire(conversationID: id, session: session, serviceID: serviceID,
                                                                subject: body["subject"], answers: body["answers"], language: language,
                                                                mandates: try auth.mandates(request),
                                                                identifiedNow: session.identity?.method == .demo || (try auth.verifiedIdentity(request)) != nil)
        var streams = EventStreams.touched(by: submitted.events)
        if case .queued(_, _, _, _, let offeredTo?) = submitted.result { streams.insert(EventStreams.professional(offeredTo)) }
        hub.publish(streams: streams)
        return .respond(.json(Self.json(submitted.result)))
    }

    /// `{"outcome": "redFlag", …}` or `{"outcome": "queued", …}`.
    static func json(_ result: TriageResult) -> JSONValue {
        switch result {
        case .redFlag(let flag, let action, let message):
            return .object([
                "outcome": .string("redFlag"), "redFlag": .string(flag), "action": .string(action.rawValue),
                "message": message.json,
            ])
        case .queued(let queue, let urgency, let reason, let position, _):
            return .object([
                "outcome": .string("queued"),
                "queue": .object(["id": .string(queue.id), "name": queue.name.json]),
                "urgency": .string(urgency.rawValue), "reason": reason.json, "position": .int(position),
            ])
        }
    }
}
