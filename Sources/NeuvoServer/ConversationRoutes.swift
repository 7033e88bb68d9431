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

    func register(in router: inout Router) {
        router.post("/api/v1/conversations", bodyLimit: 16 * 1024) { request in try await open(request) }
        router.post("/api/v1/conversations/{id}/messages", bodyLimit: 32 * 1024) { request in try await postMessage(request) }
        router.get("/api/v1/conversations/{id}/events") { request in try await events(request) }
    }

    /// `POST /api/v1/conversations` → 201 `{"id", "status", "createdAt"}`; a new
    /// resident also gets a session cookie.
    func open(_ request: Request) async throws -> HandlerResult {
        try ResidentAuth.checkCSRF(request)
        guard case .object = try request.jsonBody() else {
            throw HTTPError(.unprocessableContent, code: "invalid_body", message: "The body must be a JSON object.")
        }
        let existing = try auth.session(of: request)
        let fresh = existing == nil ? ResidentAuth.newToken() : nil
        let opened = try await mappingErrors {
            try await clinic.openConversation(session: existing, newSessionTokenHash: fresh?.hash)
        }
        hub.publish(streams: opened.events.map(\.conversationID))
        var headers = HTTPHeaders()
        if let fresh { headers.add(name: "set-cookie", value: auth.setCookie(token: fresh.token)) }
        headers.add(name: "location", value: "/api/v1/conversations/\(opened.conversation.id)")
        return .respond(.json(status: .created, opened.conversation.json, headers: headers))
    }

    /// `POST /api/v1/conversations/{id}/messages` with `{"clientId", "text"}` →
    /// 201 with the message, or 200 with the original on a retry.
    func postMessage(_ request: Request) async throws -> HandlerResult {
        try ResidentAuth.checkCSRF(request)
        guard let session = try auth.session(of: request), let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        guard let clientID = body["clientId"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_clientId", message: "clientId (a UUID string) is required.")
        }
        guard let text = body["text"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_text", message: "text (a string) is required.")
        }
        let posted = try await mappingErrors {
            try await clinic.postMessage(conversationID: id, session: session, clientID: clientID, text: text)
        }
        hub.publish(streams: posted.events.map(\.conversationID))
        return .respond(.json(status: posted.created ? .created : .ok, posted.message.json))
    }

    /// `GET /api/v1/conversations/{id}/events?after=SEQ&wait=S`: events after
    /// SEQ at once, or a park of up to S seconds until one is committed.
    func events(_ request: Request) async throws -> HandlerResult {
        guard let session = try auth.session(of: request), let id = request.parameters["id"],
              try clinic.conversation(id: id, ownedBy: session) != nil else { throw HTTPError.notFound() }
        let after = try Self.integer(request, "after", default: 0, range: 0...Int(Int64.max))
        let wait = try Self.integer(request, "wait", default: 0, range: 0...Self.maxWaitSeconds)
        let poll = EventPoll(clinic: clinic, hub: hub, conversationID: id, after: Int64(after))
        if wait > 0 { poll.subscribe() }
        let events = try clinic.events(conversationID: id, after: Int64(after))
        if !events.isEmpty || wait == 0 {
            if wait > 0 { poll.unsubscribe() }
            return .respond(EventPoll.response(events: events, after: Int64(after)))
        }
        return .park(Park(timeout: .seconds(wait), fallback: EventPoll.response(events: [], after: Int64(after)),
                          attach: { parked in poll.attach(parked) }))
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
