import NeuvoJSON
import NeuvoStore

/// Why a professional opens a case; every opening is audited with one.
public enum AccessReason: String, Sendable {
    case picked, consulted, transferred, admin, opened
}

/// A case as a professional sees it when they open it (an audited reading).
public struct CaseView: Sendable {
    public let conversation: Conversation
    /// The strongly identified resident: the whole personal identity code, for the record and a call back.
    public let residentIdentity: IdentifiedResident?
    /// The service chosen, its title in the reader's language.
    public let service: (id: String, title: String)?
    public let answers: [AnsweredQuestion]
    /// Why it was routed to its queue, in the reader's language.
    public let routingReason: String?
    public let earlierRedFlags: [EarlierRedFlag]
    public let messages: [Message]
    public let photos: [Photo]
    public let notes: [InternalNote]
    /// How the reader may act on it; nil for an administrator's read-only look.
    public let access: CaseAccess?
    /// For the handler: the summary to start closing from, and the queue's ready replies.
    public let summaryDraft: String?
    public let cannedReplies: [String]?
    /// The matter's call-back, if it became one, and the tries its queue allows.
    public internal(set) var callBack: (request: CallBack, maxAttempts: Int)?

    public struct IdentifiedResident: Sendable {
        public let personalIdentityCode: String
        public let method: String
        public let name: String?
    }

    /// One pre-question and its answer: the raw value and as the reader reads it.
    public struct AnsweredQuestion: Sendable {
        public let questionID: String
        public let question: String
        public let answer: JSONValue
        public let shown: String
    }

    /// A red flag the same visit hit just before this case was queued (or while it waited).
    public struct EarlierRedFlag: Sendable {
        public let at: Timestamp
        public let redFlag: String
        public let service: String?
        public let action: PreQuestionnaire.RedFlag.Action?
        public let message: String?
    }
}

extension Clinic {
    /// The case as its professional sees it: whose matter, the pre-question
    /// answers with the questions in `language`, the routing, and the messages.
    /// Writes an audit entry for the opening.
    ///
    /// `asAdmin` opens any case, in any state, read-only and audited as `admin`
    /// (complaints, supervision); the caller has checked the role.
    public func openCase(conversationID: String, professional: Professional, language: Language = .fi,
                         asAdmin: Bool = false) async throws -> CaseView {
        let now = self.now()
        guard Identifier.isWellFormed(conversationID) else { throw ClinicError.notFound }
        let professionalID = professional.id
        let opened = try await store.write { db in
            try Self.caseRows(db, conversationID: conversationID, professionalID: professionalID, asAdmin: asAdmin, at: now)
        }
        let row = opened.row, access = opened.access
        let conversation = Conversation(row: row)
        let usedCatalog = try row.string("catalog_version").flatMap { try self.catalog(version: $0) }
        let service = conversation.serviceID.flatMap { usedCatalog?.service($0) }
        let answers = row.string("answers").flatMap { try? JSONValue.parse($0) }?.objectValue
        let answered = (service?.questionnaire?.questions ?? []).compactMap { question -> CaseView.AnsweredQuestion? in
            guard let value = answers?[question.id] else { return nil }
            return .init(questionID: question.id, question: question.text[language], answer: value,
                         shown: Self.readable(value, for: question, language: language))
        }
        // Reading the whole code is part of the audited opening.
        let identity = row.string("identity_code").map {
            CaseView.IdentifiedResident(personalIdentityCode: $0, method: row.string("identity_method") ?? "proxy", name: row.string("identity_name"))
        }
        // The same visit stopped at a red flag before these answers queued it: the nurse should know
        // the resident was told to call, and may have answered again differently.
        let earlier = try opened.earlierRedFlags.map { earlier in
            let catalog = try earlier.string("catalog_version").flatMap { try self.catalog(version: $0) }
            let service = earlier.string("service_id").flatMap { catalog?.service($0) }
            let flag = service?.questionnaire?.redFlags.first { $0.id == earlier.string("red_flag") }
            return CaseView.EarlierRedFlag(at: Timestamp(millis: earlier.int64("updated_at") ?? 0), redFlag: earlier.string("red_flag") ?? "",
                                           service: service?.title[language], action: flag?.action, message: flag?.message[language])
        }
        let handling = access == .handler
        let queue = conversation.queueID.flatMap { usedCatalog?.queue($0) }
        var view = CaseView(
            conversation: conversation, residentIdentity: identity,
            service: service.map { ($0.id, $0.title[language]) }, answers: answered,
            routingReason: row.string("routing_reason").flatMap { try? JSONValue.parse($0) }?[language.rawValue]?.stringValue,
            earlierRedFlags: earlier, messages: opened.messages.map(Message.init(row:)), photos: opened.photos.map(Photo.init(row:)),
            notes: opened.notes.map { InternalNote(row: $0, author: .init(displayName: $0.string("display_name") ?? "", title: $0.string("title") ?? "")) },
            access: access,
            summaryDraft: handling ? Self.summaryDraft(service: service, answers: answers, subject: conversation.subject,
                                                        language: conversation.language ?? .fi) : nil,
            // Ready replies go to the resident: in their language when their page said it.
            cannedReplies: handling ? queue?.cannedReplies.map { $0[conversation.language ?? language] } : nil)
        if let callBack = try store.read({ db in
            try db.row("SELECT * FROM call_backs WHERE conversation_id = ? ORDER BY created_at DESC LIMIT 1", conversationID)
        }).map(CallBack.init(row:)) {
            let plan = try activeCatalog()?.queue(callBack.queueID)?.callBack
            view.callBack = (callBack, plan?.attempts ?? 2)
        }
        return view
    }

    /// What opening a case reads, in the transaction that audits it.
    struct OpenedCase {
        /// The conversation, with its resident session's verified identity (if any).
        let row: Row
        /// nil for an administrator's reading.
        let access: CaseAccess?
        let messages: [Row]
        let photos: [Row]
        let notes: [Row]
        let earlierRedFlags: [Row]
    }

    /// Audits the opening (why: picked, transferred to me, consulted, admin) and
    /// reads the case's row, messages, photos, internal notes and red flags.
    static func caseRows(_ db: Database, conversationID: String, professionalID: Int64, asAdmin: Bool, at now: Timestamp)
        throws -> OpenedCase {
        let access = asAdmin ? nil : try access(db, conversationID: conversationID, professionalID: professionalID)
        guard asAdmin || access != nil, let row = try db.row("""
            SELECT c.*, s.identity_code, s.identity_name, s.identity_method FROM conversations c
            JOIN resident_sessions s ON s.id = c.resident_session_id WHERE c.id = ?
            """, conversationID) else {
            throw ClinicError.notFound
        }
        // The pick logs itself; the first opening after a transfer or a consultation request says why
        // the case came to them; every later opening of one's own case is `opened`.
        let role = access == .consultant ? "consultant" : "handler"
        let seenBefore = try db.row("""
            SELECT 1 AS seen FROM audit_log a JOIN case_participants p ON p.conversation_id = a.conversation_id
                AND p.professional_id = a.professional_id AND p.role = ?
            WHERE a.professional_id = ? AND a.conversation_id = ? AND a.at >= p.since LIMIT 1
            """, role, professionalID, conversationID) != nil
        let reason: AccessReason = switch access {
        case nil: .admin
        case .consultant: seenBefore ? .opened : .consulted
        case .handler where seenBefore: .opened
        case .handler: row.string("handled_via") == "transferred" ? .transferred : .picked
        }
        try db.run("INSERT INTO audit_log (professional_id, conversation_id, reason, at) VALUES (?, ?, ?, ?)",
                   professionalID, conversationID, reason.rawValue, now.millis)
        let messages = try db.rows("SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq", conversationID)
        let photos = try db.rows("""
            SELECT id, conversation_id, author, media_type, width, height, size, created_at FROM photos
            WHERE conversation_id = ? ORDER BY created_at, rowid
            """, conversationID)
        let notes = try db.rows("""
            SELECT n.*, p.display_name, p.title FROM internal_notes n JOIN professionals p ON p.id = n.professional_id
            WHERE n.conversation_id = ? ORDER BY n.created_at, n.rowid
            """, conversationID)
        // In the same browser session, for the same person (the same whose-matter details), from two hours
        // before queueing on: also one hit while waiting (symptoms got worse), the most urgent to know.
        // A shared computer's other users, or a parent's own matter in a child's case, stay out.
        let queuedAt = row.int64("queued_at") ?? row.int64("updated_at") ?? 0
        let redFlags = try db.rows("""
            SELECT service_id, catalog_version, red_flag, updated_at FROM conversations
            WHERE resident_session_id = ? AND outcome = 'redFlag' AND subject = ? AND updated_at >= ? AND id != ?
            ORDER BY updated_at
            """, row.int64("resident_session_id") ?? 0, row.string("subject") ?? "", queuedAt - 2 * 3_600_000, conversationID)
        return OpenedCase(row: row, access: access, messages: messages, photos: photos, notes: notes, earlierRedFlags: redFlags)
    }

    static func readable(_ value: JSONValue, for question: Question, language: Language) -> String {
        switch (question.kind, value) {
        case (.singleChoice(let options), .string(let id)): return options.first { $0.id == id }?.label[language] ?? id
        case (.multipleChoice(let options), .array(let ids)):
            return ids.compactMap { id in options.first { $0.id == id.stringValue }?.label[language] }.joined(separator: ", ")
        case (.yesNo, .bool(let b)):
            switch language {
            case .fi: return b ? "Kyllä" : "Ei"
            case .sv: return b ? "Ja" : "Nej"
            case .en: return b ? "Yes" : "No"
            }
        case (.number(_, _, _, let unit), .number(let d)): return Question.format(d) + (unit.map { " " + $0 } ?? "")
        case (.text, .string(let s)): return s
        default: return value.text
        }
    }
}
