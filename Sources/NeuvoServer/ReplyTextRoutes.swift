import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// "Text me when the nurse answers" under `/api/v1/conversations/{id}/reply-text`.
///
/// Who may call: the resident session that opened the conversation; anyone
/// else gets 404. The text itself goes through the notification outbox.
struct ReplyTextRoutes: Sendable {
    let clinic: Clinic
    let auth: ResidentAuth

    func register(in routes: inout RouteTable) {
        let resident = Caller.resident(auth)
        routes.get("/api/v1/conversations/{id}/reply-text", resident) { request, session in
            .respond(.json(Self.json(try clinic.replyText(conversationID: try CallBackRoutes.id(request), session: session))))
        }
        routes.post("/api/v1/conversations/{id}/reply-text", resident, takes: .json(limit: 1024),
                    answers: [.invalid("phone"), .invalid("language"), .conflict("conversation_closed"), .conflict("phone_limit")]) {
            request, session in
            let body = try request.jsonBody()
            let language = try body.languageField() ?? .fi
            let set = try await clinic.setReplyText(conversationID: try CallBackRoutes.id(request), session: session,
                                                    phone: body["phone"]?.stringValue, language: language)
            return .respond(.json(Self.json(set)))
        }
        routes.post("/api/v1/conversations/{id}/reply-text/remove", resident, takes: .unread(limit: 1024)) { request, session in
            try await clinic.removeReplyText(conversationID: try CallBackRoutes.id(request), session: session)
            return .respond(.json(Self.json(nil)))
        }
    }

    static func json(_ reply: ReplyText?) -> JSONValue {
        .object(["replyText": reply.map { .object(["phone": .string($0.phone.e164), "language": .string($0.language.rawValue)]) } ?? .null])
    }
}
