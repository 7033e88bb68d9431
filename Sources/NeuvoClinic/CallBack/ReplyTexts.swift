import NeuvoStore

/// "Text me when the nurse answers": a resident's mobile number for one
/// conversation, and whether the next professional message sends a text.
public struct ReplyText: Sendable, Equatable {
    public let phone: PhoneNumber
    public let language: Language
}

extension Clinic {
    /// The reply text the resident asked for in this conversation, if any. 404 if it is not the session's.
    public func replyText(conversationID: String, session: ResidentSession) throws -> ReplyText? {
        try store.read { db in
            guard try db.row("SELECT id FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id) != nil else {
                throw ClinicError.notFound
            }
            return try db.row("SELECT phone, language FROM reply_texts WHERE conversation_id = ?", conversationID).flatMap(Self.replyText)
        }
    }

    /// Asks for a text message to `rawPhone` when a professional next writes,
    /// and after each message of the resident's that gets an answer. Replaces an
    /// earlier number. Only while the matter has not ended; a mobile number only.
    public func setReplyText(conversationID: String, session: ResidentSession, phone rawPhone: String?, language: Language) async throws -> ReplyText {
        guard let phone = rawPhone.flatMap(PhoneNumber.init), phone.isMobile else {
            throw ClinicError.invalid(field: "phone", message: "phone must be a Finnish mobile number, e.g. 040 123 4567.")
        }
        let now = self.now()
        return try await store.write { db in
            guard let row = try db.row("SELECT status FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id) else {
                throw ClinicError.notFound
            }
            guard row.conversationStatus?.hasEnded != true else {
                throw ClinicError.conflict(code: "conversation_closed", message: "The conversation has ended.")
            }
            // One number may be given in a few matters a day, not used to flood someone with texts.
            // Counted from the log of every number given, so changing or removing one gives nothing back.
            let others = try db.row("""
                SELECT COUNT(DISTINCT conversation_id) AS n FROM reply_text_numbers WHERE phone = ? AND conversation_id != ? AND at > ?
                """, phone.e164, conversationID, now.millis - 24 * 3_600_000)?.int("n") ?? 0
            guard others < 3 else {
                throw ClinicError.conflict(code: "phone_limit", message: "This number has been given for text messages in three matters today.")
            }
            try db.run("INSERT INTO reply_text_numbers (phone, conversation_id, at) VALUES (?, ?, ?)", phone.e164, conversationID, now.millis)
            try db.run("""
                INSERT INTO reply_texts (conversation_id, phone, language, armed, created_at) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (conversation_id) DO UPDATE SET phone = excluded.phone, language = excluded.language, armed = 1
                """, conversationID, phone.e164, language.rawValue, now.millis)
            return ReplyText(phone: phone, language: language)
        }
    }

    /// The resident no longer wants texts: the number is deleted.
    public func removeReplyText(conversationID: String, session: ResidentSession) async throws {
        try await store.write { db in
            guard try db.row("SELECT id FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id) != nil else {
                throw ClinicError.notFound
            }
            try db.run("DELETE FROM reply_texts WHERE conversation_id = ?", conversationID)
        }
    }

    /// A resident's message: the next answer sends a text again.
    static func armReplyText(_ db: Database, conversationID: String) throws {
        try db.run("UPDATE reply_texts SET armed = 1 WHERE conversation_id = ? AND armed = 0", conversationID)
    }

    /// A professional's message: one text, if the resident asked and it is armed;
    /// in this transaction, so the text and the message commit together.
    func sendReplyText(_ db: Database, conversationID: String, at now: Timestamp) throws {
        guard let row = try db.row("SELECT phone, language FROM reply_texts WHERE conversation_id = ? AND armed = 1", conversationID),
              let reply = Self.replyText(row) else { return }
        try db.run("UPDATE reply_texts SET armed = 0 WHERE conversation_id = ?", conversationID)
        let service = try Self.serviceTitle(db, conversationID: conversationID, catalog: try activeCatalog(db), language: reply.language)
        try Self.queueNotification(db, conversationID: conversationID, kind: .professionalReplied, phone: reply.phone, language: reply.language,
                                   text: NotificationText.professionalReplied(service: service, reply.language), at: now)
    }

    private static func replyText(_ row: Row) -> ReplyText? {
        guard let phone = row.string("phone").flatMap(PhoneNumber.init) else { return nil }
        return ReplyText(phone: phone, language: row.string("language").flatMap(Language.init(rawValue:)) ?? .fi)
    }
}
