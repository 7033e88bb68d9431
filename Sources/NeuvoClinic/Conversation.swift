import NeuvoJSON
import NeuvoStore

/// A resident's matter, from opening to closing.
public struct Conversation: Sendable, Equatable {
    public let id: String
    public let residentSessionID: Int64
    public let status: ConversationStatus
    public let createdAt: Timestamp
    public let serviceID: String?
    public let subject: Subject?
    /// `queued` or `redFlag`, once the pre-questions are answered.
    public let outcome: String?
    public let queueID: String?
    public let urgency: Urgency?
    public let queuedAt: Timestamp?
    /// The resident's language, as their page said when they answered the pre-questions.
    public let language: Language?

    init(row: Row) {
        id = row.string("id") ?? ""
        residentSessionID = row.int64("resident_session_id") ?? 0
        status = row.string("status").flatMap(ConversationStatus.init(rawValue:)) ?? .open
        createdAt = Timestamp(millis: row.int64("created_at") ?? 0)
        serviceID = row.string("service_id")
        subject = row.string("subject").flatMap { try? JSONValue.parse($0) }.flatMap(Subject.init(stored:))
        outcome = row.string("outcome")
        queueID = row.string("queue_id")
        urgency = row.int("urgency_rank").flatMap { rank in Urgency.allCases.first { $0.rank == rank } }
        queuedAt = row.int64("queued_at").map(Timestamp.init(millis:))
        language = row.string("language").flatMap(Language.init(rawValue:))
    }
}

extension Clinic {
    /// Opens a conversation for a resident: for an existing session, or for a
    /// new one created in the same transaction from `newSessionTokenHash`.
    public func openConversation(session: ResidentSession?, newSessionTokenHash: [UInt8]?) async throws
        -> (conversation: Conversation, session: ResidentSession, events: [ClinicEvent]) {
        let now = self.now()
        let id = Identifier.random()
        return try await store.write { db in
            let owner: ResidentSession
            if let session {
                owner = session
            } else if let newSessionTokenHash {
                owner = try ResidentSession.create(db, tokenHash: newSessionTokenHash, now: now)
            } else {
                throw ClinicError.invalid(field: "session", message: "A session is needed to open a conversation.")
            }
            try db.run("""
                INSERT INTO conversations (id, resident_session_id, status, created_at, updated_at)
                VALUES (?, ?, 'open', ?, ?)
                """, id, owner.id, now.millis, now.millis)
            let event = try ClinicEvent.append(db, conversationID: id, type: .status,
                                               data: .object(["status": .string(ConversationStatus.open.rawValue)]), at: now)
            let conversation = Conversation(row: try db.row("SELECT * FROM conversations WHERE id = ?", id)!)
            return (conversation, owner, [event])
        }
    }

    /// The pre-question answers the resident gave (their own; a re-answer starts from them), if any.
    public func residentAnswers(conversationID: String, session: ResidentSession) throws -> JSONValue? {
        guard Identifier.isWellFormed(conversationID) else { return nil }
        return try store.read { db in
            try db.row("SELECT answers FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id)?
                .string("answers").flatMap { try? JSONValue.parse($0) }
        }
    }

    /// The conversation `id` if `session` owns it; nil otherwise (the caller answers 404 either way).
    public func conversation(id: String, ownedBy session: ResidentSession) throws -> Conversation? {
        guard Identifier.isWellFormed(id) else { return nil }
        return try store.read { db in
            try db.row("SELECT * FROM conversations WHERE id = ? AND resident_session_id = ?", id, session.id)
                .map(Conversation.init(row:))
        }
    }
}
