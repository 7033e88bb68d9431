import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The professional's workspace API under `/api/v1/pro`.
///
/// Who may call: a signed-in professional (cookie `neuvo_pro`), and only for
/// the queues they belong to and the cases they handle; anything else is 404.
/// A resident session reaches none of it (401).
struct ProfessionalRoutes: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let auth: ProfessionalAuth
    /// Slowed sign-in attempts, one at a time per address and account.
    let pacer = LoginPacer()

    func register(in routes: inout RouteTable) {
        let pro = Caller.professional(auth), page = Caller.professional(auth, byThePage: true), admin = Caller.admin(auth)
        let caseGone: [Answer] = [.notFound]
        // Anyone may try to sign in; the throttle and the password decide.
        routes.post("/api/v1/pro/login", .anyone, takes: .json(limit: 4096),
                    answers: [Answer(.unauthorized, "invalid_credentials"), .invalid("credentials"), Answer(.tooManyRequests, "throttled")]) {
            request, _ in try await login(request)
        }
        let account = Caller.account(auth)
        routes.post("/api/v1/pro/logout", account, takes: .unread(limit: 1024)) { _, signedIn in try await logout(signedIn) }
        routes.get("/api/v1/pro/me", account) { _, signedIn in .respond(.json(signedIn.professional.json)) }
        routes.post("/api/v1/pro/shifts", pro, takes: .json(limit: 1024), answers: [.invalid("shift"), .notFound]) { request, signedIn in
            try await shift(request, signedIn.professional)
        }
        routes.get("/api/v1/pro/queue", page) { request, signedIn in try queue(request, signedIn.professional) }
        routes.post("/api/v1/pro/pick", pro, takes: .json(limit: 1024),
                    answers: [.invalid("conversationId"), .notFound, .conflict("case_taken"), .conflict("queue_empty")]) { request, signedIn in
            try await pick(request, signedIn.professional)
        }
        routes.get("/api/v1/pro/cases/{id}", pro) { request, signedIn in try await openCase(request, signedIn.professional) }
        routes.post("/api/v1/pro/cases/{id}/messages", pro, takes: .json(limit: 32 * 1024),
                    answers: caseGone + [.invalid("message"), .invalid("clientId"), .invalid("text"), .conflict("client_id_reused")],
                    quick: true) { request, signedIn in
            try await postMessage(request, signedIn.professional)
        }
        routes.get("/api/v1/pro/events", page, answers: [.badQuery("after"), .badQuery("wait")]) { request, signedIn in
            try events(request, signedIn.professional)
        }
        routes.get("/api/v1/pro/colleagues", pro) { _, signedIn in try colleagues(signedIn.professional) }
        routes.get("/api/v1/pro/cases", pro) { _, signedIn in try myCases(signedIn.professional) }
        routes.get("/api/v1/pro/admin/professionals", admin) { _, _ in try adminList() }
        routes.post("/api/v1/pro/admin/professionals/{username}/queues", admin, takes: .json(limit: 4096),
                    answers: [.invalid("queues"), .conflict("no_catalog")]) { request, _ in try await adminSetQueues(request) }
        routes.get("/api/v1/pro/admin/cases/{id}", admin) { request, admin in try await adminOpenCase(request, admin) }
        routes.post("/api/v1/pro/cases/{id}/notes", pro, takes: .json(limit: 32 * 1024),
                    answers: [.invalid("note"), .invalid("clientId"), .invalid("text"), .conflict("client_id_reused")]) { request, signedIn in
            try await addNote(request, signedIn.professional)
        }
        // 16 KiB: a 2,000-character note of ä's and ö's, escaped, with room to spare.
        routes.post("/api/v1/pro/cases/{id}/transfer", pro, takes: .json(limit: 16 * 1024),
                    answers: [.invalid("transfer"), .invalid("queueId"), .invalid("professionalId"), .invalid("note")]) { request, signedIn in
            try await transfer(request, signedIn.professional)
        }
        routes.post("/api/v1/pro/cases/{id}/consult", pro, takes: .json(limit: 1024),
                    answers: [.invalid("consultation"), .invalid("professionalId")]) { request, signedIn in
            try await consult(request, signedIn.professional)
        }
        routes.post("/api/v1/pro/cases/{id}/close", pro, takes: .json(limit: 64 * 1024),
                    answers: [.invalid("outcome"), .invalid("closing"), .invalid("instructions"), .invalid("summary"),
                              .invalid("serviceEvent")]) { request, signedIn in
            try await close(request, signedIn.professional)
        }
    }

    /// The cases I handle or was consulted on, so any browser can restore the workspace.
    func myCases(_ professional: Professional) throws -> HandlerResult {
        let cases = try clinic.activeCaseSummaries(professionalID: professional.id)
        return .respond(.json(.object(["cases": .array(cases.map(\.json))])))
    }

    /// Every account with its queues and shifts, and the catalog's queues to choose from.
    func adminList() throws -> HandlerResult {
        let queues = try clinic.activeCatalog()?.queues.map { JSONValue.object(["id": .string($0.id), "name": $0.name.json]) } ?? []
        var list: [JSONValue] = []
        for professional in try clinic.professionals() {
            var json = professional.json.objectValue ?? JSONObject()
            json["disabled"] = .bool(professional.disabled)
            list.append(.object(json))
        }
        return .respond(.json(.object(["professionals": .array(list), "queues": .array(queues)])))
    }

    /// `{"queues": ["nurse-general", …]}` sets exactly which queues the account works in.
    func adminSetQueues(_ request: Request) async throws -> HandlerResult {
        guard let username = request.parameters["username"] else { throw HTTPError.notFound() }
        guard let items = try request.jsonBody()["queues"]?.arrayValue, items.count <= 50 else {
            throw HTTPError(.unprocessableContent, code: "invalid_queues", message: "queues must be a list of queue ids.", field: "queues")
        }
        let queues = items.compactMap(\.stringValue)
        guard queues.count == items.count else {
            throw HTTPError(.unprocessableContent, code: "invalid_queues", message: "queues must be a list of queue ids.", field: "queues")
        }
        let before = try clinic.professional(username: username)?.professional.queues ?? []
        let updated = try await clinic.setQueues(username: username.lowercased(), queues: queues)
        // Someone on shift joining or leaving a queue changes its residents' estimate.
        hub.publish(streams: Set(before + updated.queues).map(EventStreams.standing) + [EventStreams.overview])
        return .respond(.json(updated.json))
    }

    /// Any case, read-only, audited with the reason `admin`.
    func adminOpenCase(_ request: Request, _ admin: Professional) async throws -> HandlerResult {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        let view = try await clinic.openCase(conversationID: id, professional: admin, language: request.readerLanguage, asAdmin: true)
        return .respond(.json(view.json))
    }

    /// Who a case can be passed or shown to: every other active account that takes cases.
    func colleagues(_ me: Professional) throws -> HandlerResult {
        let others = try clinic.professionals().filter { $0.takesCases && $0.id != me.id }
        return .respond(.json(.object(["professionals": .array(others.map { p in
            .object(["id": .int64(p.id), "displayName": .string(p.displayName), "title": .string(p.title),
                     "queues": .array(p.queues.map { .string($0) }),
                     // Who is on shift where: the transfer and consult dialogs show it.
                     "onShift": .array(p.onShift.sorted().map { .string($0) })])
        })])))
    }

    /// `{"clientId", "text"}`: an internal note the resident never sees (handler or consultant).
    func addNote(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        guard let clientID = body["clientId"]?.stringValue, let text = body["text"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_note", message: "clientId and text are required.")
        }
        let added = try await clinic.addNote(conversationID: id, professional: professional, clientID: clientID, text: text)
        hub.publish(streams: EventStreams.touched(by: added.events))
        return .respond(.json(status: added.created ? .created : .ok, added.note.json))
    }

    /// `{"queueId"}` back to waiting there, or `{"professionalId"}` straight to a colleague.
    func transfer(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        let target: TransferTarget
        if let queue = body["queueId"]?.stringValue {
            target = .queue(queue)
        } else if let colleague = body["professionalId"]?.intValue {
            target = .professional(Int64(colleague))
        } else {
            throw HTTPError(.unprocessableContent, code: "invalid_transfer", message: "Give queueId or professionalId.")
        }
        if let note = body["note"], note != .null, note.stringValue == nil {
            throw HTTPError(.unprocessableContent, code: "invalid_note", message: "note must be text.", field: "note")
        }
        let moved = try await clinic.transfer(conversationID: id, professional: professional, to: target, note: body["note"]?.stringValue)
        var streams = EventStreams.touched(by: moved.events)
        if case .professional(let colleague) = target { streams.insert(EventStreams.professional(colleague)) }
        if let left = moved.leftQueue { streams.insert(EventStreams.standing(left)) }
        hub.publish(streams: streams)
        return .respond(.json(moved.conversation.json))
    }

    /// `{"professionalId"}`: that colleague may then read the case and write notes.
    func consult(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        guard let colleague = try request.jsonBody()["professionalId"]?.intValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_consultation", message: "professionalId is required.")
        }
        let events = try await clinic.consult(conversationID: id, professional: professional, consultantID: Int64(colleague))
        hub.publish(streams: EventStreams.touched(by: events))
        return .respond(Response(status: .noContent))
    }

    /// `{"outcome", "instructions", "summary", "serviceEvent"?}` closes the case and writes its record export.
    func close(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        guard let outcome = body["outcome"]?.stringValue.flatMap(ClosingOutcome.init(rawValue:)) else {
            throw HTTPError(.unprocessableContent, code: "invalid_outcome",
                            message: "outcome must be adviceGiven, appointmentArranged, referred or noCareNeed.", field: "outcome")
        }
        guard let instructions = body["instructions"]?.stringValue, let summary = body["summary"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_closing", message: "instructions and summary are required.")
        }
        let serviceEvent = body["serviceEvent"]
        guard serviceEvent == nil || serviceEvent == .null || serviceEvent?.stringValue != nil else {
            throw HTTPError(.unprocessableContent, code: "invalid_serviceEvent", message: "serviceEvent must be a string (an OID).", field: "serviceEvent")
        }
        let closed = try await clinic.close(conversationID: id, professional: professional, outcome: outcome, instructions: instructions,
                                            summary: summary, serviceEvent: serviceEvent?.stringValue)
        hub.publish(streams: EventStreams.touched(by: closed.events))
        return .respond(.json(closed.conversation.json))
    }

    /// 429 `throttled` with `Retry-After`.
    static func throttled(_ message: String, retryAfter seconds: Int) -> HandlerResult {
        var response = HTTPError(.tooManyRequests, code: "throttled", message: message).response
        response.headers.add(name: "retry-after", value: String(seconds))
        return .respond(response)
    }

    /// `{"username", "password"}` → `200` with the professional and a session
    /// cookie; `401` for any wrong combination; `429` after repeated failures.
    func login(_ request: Request) async throws -> HandlerResult {
        let body = try request.jsonBody()
        guard let username = body["username"]?.stringValue, let password = body["password"]?.stringValue,
              username.utf8.count <= 64 else {
            throw HTTPError(.unprocessableContent, code: "invalid_credentials", message: "username and password are required.")
        }
        let keys = LoginThrottle.Keys(username: username, address: ClientAddress.of(request, trustedProxies: auth.trustedProxies))
        switch try await clinic.registerLoginAttempt(keys) {
        case .refuse(let seconds):
            return Self.throttled("Too many wrong passwords for this account from here. Try again in \((seconds + 59) / 60) minutes, or ask an administrator.",
                                  retryAfter: seconds)
        case .slow(let millis):
            // Guessing from here, or at this account from many places: attempts wait their turn.
            guard let wait = pacer.wait(keys: [keys.addressKey, keys.account], delayMillis: UInt64(millis)) else {
                return Self.throttled("Too many sign-in attempts from here just now. Try again in a minute.", retryAfter: 60)
            }
            try await Task.sleep(for: .milliseconds(Int(wait)))
        case .check:
            break
        }
        let account = try clinic.professional(username: username)
        // Verify even for a missing account, so timing does not reveal which usernames exist.
        let matches = PasswordHasher.verify(password, against: account?.passwordHash ?? PasswordHasher.decoy)
        guard let account, matches, !account.professional.disabled else {
            throw HTTPError(.unauthorized, code: "invalid_credentials", message: "The username or password is wrong.")
        }
        try await clinic.loginSucceeded(keys)
        let (token, hash) = Cookies.newToken()
        _ = try await clinic.startProfessionalSession(professionalID: account.professional.id, tokenHash: hash)
        var headers = HTTPHeaders()
        headers.add(name: "set-cookie", value: auth.setCookie(token: token))
        headers.add(name: "set-cookie", value: auth.clearOldCookie)
        return .respond(.json(account.professional.json, headers: headers))
    }

    func logout(_ signedIn: SignedIn) async throws -> HandlerResult {
        let session = signedIn.session
        try await clinic.endProfessionalSession(id: session.id)
        var headers = HTTPHeaders()
        headers.add(name: "set-cookie", value: auth.clearCookie)
        headers.add(name: "set-cookie", value: auth.clearOldCookie)
        return .respond(Response(status: .noContent, headers: headers))
    }

    /// `{"queueId", "onShift": true|false}` → the professional with their shifts.
    func shift(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        let body = try request.jsonBody()
        guard let queue = body["queueId"]?.stringValue, let onShift = body["onShift"]?.boolValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_shift", message: "queueId and onShift are required.")
        }
        let updated = try await clinic.setShift(professionalID: professional.id, queueID: queue, onShift: onShift)
        hub.publish(streams: EventStreams.touched(by: updated.events).union([EventStreams.queue(queue), EventStreams.standing(queue), EventStreams.overview]))
        return .respond(.json(updated.professional.json))
    }

    /// The waiting cases of my queues: urgency first, then waiting time.
    func queue(_ request: Request, _ professional: Professional) throws -> HandlerResult {
        // The cursor lets the page follow the stream from this snapshot on. Read first: an event
        // committed in between is then in both (harmless), never in neither.
        let cursor = try clinic.latestEventSeq()
        let waiting = try clinic.waitingCases(queues: professional.queues, professionalID: professional.id, language: request.readerLanguage)
        return .respond(.json(.object(JSONObject([("cases", .array(waiting.cases.map(\.json))), ("total", .int(waiting.total)),
                                                  ("cursor", .int64(cursor))]))))
    }

    /// `{}` picks the next case; `{"conversationId"}` picks that one. `409` if taken.
    func pick(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        let body = try request.jsonBody()
        if let given = body["conversationId"], given.stringValue == nil {
            throw HTTPError(.unprocessableContent, code: "invalid_conversationId", message: "conversationId must be a string.",
                            field: "conversationId")
        }
        let wanted = body["conversationId"]?.stringValue
        if let wanted, !Identifier.isWellFormed(wanted) { throw HTTPError.notFound() }
        let picked = try await clinic.pick(professional: professional, conversationID: wanted)
        hub.publish(streams: EventStreams.touched(by: picked.events))
        return .respond(.json(picked.conversation.json))
    }

    func openCase(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
        let view = try await clinic.openCase(conversationID: id, professional: professional, language: request.readerLanguage)
        return .respond(.json(view.json))
    }

    func postMessage(_ request: Request, _ professional: Professional) async throws -> HandlerResult {
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let body = try request.jsonBody()
        guard let clientID = body["clientId"]?.stringValue, let text = body["text"]?.stringValue else {
            throw HTTPError(.unprocessableContent, code: "invalid_message", message: "clientId and text are required.")
        }
        let posted = try await clinic.postMessage(conversationID: id, author: .professional(professional), clientID: clientID, text: text)
        hub.publish(streams: EventStreams.touched(by: posted.events))
        return .respond(.json(status: posted.created ? .created : .ok, posted.message.json))
    }

    /// One stream per professional: their queues' changes and their own cases.
    func events(_ request: Request, _ professional: Professional) throws -> HandlerResult {
        let after = try ConversationRoutes.integer(request, "after", default: 0, range: 0...Int(Int64.max))
        let wait = try ConversationRoutes.integer(request, "wait", default: 0, range: 0...ConversationRoutes.maxWaitSeconds)
        let clinic = self.clinic
        var streams = professional.queues.map(EventStreams.queue) + [EventStreams.professional(professional.id)]
        streams += try clinic.activeCases(professionalID: professional.id).map(EventStreams.conversation)
        let auth = self.auth
        let language = request.readerLanguage
        let poll = StreamPoll(hub: hub, streams: streams, reading: {
            // Parked for up to 30 s: a session signed out or an account disabled meanwhile gets nothing more.
            guard try auth.isLive(request) else { return (ProfessionalAuth.notSignedIn.response, true) }
            let events = try clinic.professionalEvents(professional: professional, after: Int64(after))
            guard !events.isEmpty else { return (Self.response(events: [], after: Int64(after)), false) }
            // A case joining my queue comes with its list row as it is now, so the page need not fetch
            // the whole queue for each arrival; none when it is no longer waiting for me.
            let joining = events.filter { Self.joiningTypes.contains($0.type) }.map(\.conversationID)
            let rows = joining.isEmpty ? [] : try clinic.waitingCases(queues: professional.queues, professionalID: professional.id,
                                                                      language: language, only: Array(Set(joining))).cases
            return (Self.response(events: events, after: Int64(after),
                                  cases: Dictionary(rows.map { ($0.conversationID, $0.json) }, uniquingKeysWith: { a, _ in a })), true)
        })
        return try poll.answer(wait: wait)
    }

    /// Events by which a case may join a professional's queue; on their stream they carry its list row.
    static let joiningTypes: Set<EventKind> = [.queued, .offerEnded, .transferred, .retriaged]

    static func response(events: [ClinicEvent], after: Int64, cases: [String: JSONValue] = [:]) -> Response {
        let items = events.map { event -> JSONValue in
            guard joiningTypes.contains(event.type), let row = cases[event.conversationID],
                  case .object(var object) = event.json else { return event.json }
            object["case"] = row
            return .object(object)
        }
        return .json(.object(["events": .array(items), "next": .int64(events.last?.seq ?? after)]))
    }
}

extension Request {
    /// The language a professional reads texts from the catalog in: `?lang=fi|sv|en`, else Finnish.
    var readerLanguage: Language { queryValue("lang").flatMap(Language.init(rawValue:)) ?? .fi }
}
