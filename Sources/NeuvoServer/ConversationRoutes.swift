import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The resident's conversation API (DESIGN.md §4).
///
/// Who may call: the resident session that opened the conversation. Anyone
/// else, with or without a session, gets 404, so conversation ids cannot be probed.
struct ConversationRoutes: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let auth: ResidentAuth
    /// Longest long-poll wait a client may ask for.
    static let maxWaitSeconds = 30

    func register(in routes: inout RouteTable) {
        // Anyone: a first conversation starts the resident's session. The chat's own routes are quick
        // (a few rows read, a commit awaited): they run on the connection's event loop.
        routes.post("/api/v1/conversations", .visitor(auth), takes: .json(limit: 16 * 1024), answers: [.invalid("body")],
                    quick: true) { request, session in
            try await open(request, session: session)
        }
        routes.post("/api/v1/conversations/{id}/messages", .resident(auth), takes: .json(limit: 32 * 1024),
                    answers: [.invalid("clientId"), .invalid("text"), .conflict("client_id_reused"), .conflict("conversation_closed"),
                              .conflict("waiting_for_call")], quick: true) {
            request, session in try await postMessage(request, session: session)
        }
        routes.get("/api/v1/conversations/{id}/events", .resident(auth),
                   answers: [.badQuery("after"), .badQuery("wait"), .badQuery("position")], quick: true) { request, session in
            try events(request, session: session)
        }
    }

    /// `POST /api/v1/conversations` → 201 `{"id", "status", "createdAt"}`; a new
    /// resident also gets a session cookie.
    func open(_ request: Request, session existing: ResidentSession?) async throws -> HandlerResult {
        guard case .object = try request.jsonBody() else {
            throw HTTPError(.unprocessableContent, code: "invalid_body", message: "The body must be a JSON object.")
        }
        let fresh = existing == nil ? Cookies.newToken() : nil
        let opened = try await clinic.openConversation(session: existing, newSessionTokenHash: fresh?.hash)
        // A new session opened behind the proxy is identified from the start.
        if existing == nil, let identity = try auth.verifiedIdentity(request) {
            _ = try await clinic.identify(session: opened.session, as: identity)
        }
        hub.publish(streams: EventStreams.touched(by: opened.events))
        var headers = HTTPHeaders()
        if let fresh { headers.add(name: "set-cookie", value: auth.setCookie(token: fresh.token)) }
        headers.add(name: "location", value: "/api/v1/conversations/\(opened.conversation.id)")
        return .respond(.json(status: .created, opened.conversation.json, headers: headers))
    }

    /// `POST /api/v1/conversations/{id}/messages` with `{"clientId", "text"}` →
    /// 201 with the message, or 200 with the original on a retry.
    func postMessage(_ request: Request, session: ResidentSession) async throws -> HandlerResult {
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        guard let clientID = body["clientId"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_clientId", message: "clientId (a UUID string) is required.")
        }
        guard let text = body["text"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_text", message: "text (a string) is required.")
        }
        let posted = try await clinic.postMessage(conversationID: id, author: .resident(session), clientID: clientID, text: text)
        hub.publish(streams: EventStreams.touched(by: posted.events))
        return .respond(.json(status: posted.created ? .created : .ok, posted.message.json))
    }

    /// `GET /api/v1/conversations/{id}/events?after=SEQ&wait=S&position=P&estimate=K`:
    /// events after SEQ, or the queue position or wait estimate when they differ
    /// from P and K, at once; else a park of up to S seconds until one changes.
    ///
    /// One read checks that the conversation is the session's and reads its progress (a poll per
    /// message, so a second read showed in profiles). It listens to the conversation before that
    /// read, and to the queue's standing once the read finds the conversation waiting.
    func events(_ request: Request, session: ResidentSession) throws -> HandlerResult {
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let after = Int64(try Self.integer(request, "after", default: 0, range: 0...Int(Int64.max)))
        let wait = try Self.integer(request, "wait", default: 0, range: 0...Self.maxWaitSeconds)
        let seen = request.queryValue("position") == nil ? nil : try Self.integer(request, "position", default: 0, range: 0...1_000_000)
        let seenEstimate = request.queryValue("estimate")
        let clinic = self.clinic
        let poll = StreamPoll(hub: hub, streams: [EventStreams.conversation(id)]) {
            // Another session's conversation, or none, is not there.
            guard let progress = try clinic.progress(conversationID: id, after: after, ownedBy: session) else { throw HTTPError.notFound() }
            // Queue news only for a client that said what it last saw.
            let moved = (seen != nil && progress.position != seen) || (seenEstimate != nil && progress.estimate?.key != seenEstimate)
            return (Self.eventsResponse(after: after, progress: progress), !progress.events.isEmpty || moved,
                    progress.waitingIn.map { [EventStreams.standing($0)] } ?? [])
        }
        return try poll.answer(wait: wait)
    }

    /// `{"events": [...], "next": N, "status": "...", "position": P, "estimate": {...}}`;
    /// `next` is the cursor for the following poll; `position` and `estimate` are
    /// present while queued.
    static func eventsResponse(after: Int64, progress: ConversationProgress?) -> Response {
        let events = progress?.events ?? []
        var object = JSONObject([("events", .array(events.map(\.json))), ("next", .int64(events.last?.seq ?? after))])
        if let progress {
            object["status"] = .string(progress.status.rawValue)
            if let position = progress.position { object["position"] = .int(position) }
            if let estimate = progress.estimate { object["estimate"] = estimate.json }
        }
        return .json(.object(object))
    }

    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws(HTTPError) -> Int {
        guard let text = request.queryValue(name) else { return value }
        guard text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(text), range.contains(number) else {
            throw HTTPError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).",
                                       code: "invalid_\(name)")
        }
        return number
    }
}
