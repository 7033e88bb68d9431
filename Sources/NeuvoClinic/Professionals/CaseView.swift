import NeuvoJSON
import NeuvoStore

/// Why a professional opens a case; every opening is audited with one.
public enum AccessReason: String, Sendable {
    case picked, consulted, transferred, admin, opened
}

extension Clinic {
    /// The case as its professional sees it: whose matter, the pre-question
    /// answers with the questions in `language`, the routing, and the messages.
    /// Writes an audit entry for the opening.
    ///
    /// `asAdmin` opens any case, in any state, read-only and audited as `admin`
    /// (complaints, supervision); the caller has checked the role.
    public func openCase(conversationID: String, professional: Professional, language: Language = .fi,
                         asAdmin: Bool = false) async throws -> JSONValue {
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
        var answered: [JSONValue] = []
        for question in service?.questionnaire?.questions ?? [] {
            guard let value = answers?[question.id] else { continue }
            answered.append(.object(["questionId": .string(question.id), "question": .string(question.text[language]),
                                     "answer": value, "shown": .string(Self.readable(value, for: question, language: language))]))
        }
        var object = JSONObject([("conversation", conversation.json)])
        // Who is writing, when strongly identified: the professional needs the whole code to find the
        // patient record or call back. Reading it is part of the audited opening.
        if let code = row.string("identity_code") {
            var who = JSONObject([("personalIdentityCode", .string(code)),
                                  ("method", .string(row.string("identity_method") ?? "proxy"))])
            if let name = row.string("identity_name") { who["name"] = .string(name) }
            object["residentIdentity"] = .object(who)
        }
        if let service { object["service"] = .object(["id": .string(service.id), "title": .string(service.title[language])]) }
        object["answers"] = .array(answered)
        if let reason = row.string("routing_reason").flatMap({ try? JSONValue.parse($0) }) {
            object["routingReason"] = reason[language.rawValue] ?? .null
        }
        // The same visit stopped at a red flag before these answers queued it: the nurse should know
        // the resident was told to call, and may have answered again differently.
        object["earlierRedFlags"] = .array(try opened.earlierRedFlags.map { earlier in
            let catalog = try earlier.string("catalog_version").flatMap { try self.catalog(version: $0) }
            let service = earlier.string("service_id").flatMap { catalog?.service($0) }
            let flag = service?.questionnaire?.redFlags.first { $0.id == earlier.string("red_flag") }
            var json = JSONObject([("at", .string(Timestamp(millis: earlier.int64("updated_at") ?? 0).rfc3339)),
                                   ("redFlag", .string(earlier.string("red_flag") ?? ""))])
            if let service { json["service"] = .string(service.title[language]) }
            if let flag {
                json["action"] = .string(flag.action.rawValue)
                json["message"] = .string(flag.message[language])
            }
            return .object(json)
        })
        object["messages"] = .array(opened.messages.map { Message(row: $0).json })
        object["photos"] = .array(opened.photos.map { Photo(row: $0).json })
        object["notes"] = .array(opened.notes.map { note in
            var json = Self.noteJSON(note, author: nil).objectValue ?? JSONObject()
            json["professional"] = .object(["displayName": .string(note.string("display_name") ?? ""), "title": .string(note.string("title") ?? "")])
            return .object(json)
        })
        object["access"] = .string(access.map { $0 == .handler ? "handler" : "consultant" } ?? "admin")
        if access == .handler {
            let subject = conversation.subject
            object["summaryDraft"] = .string(Self.summaryDraft(service: service, answers: answers, subject: subject))
            if let queue = conversation.queueID.flatMap({ usedCatalog?.queue($0) }) {
                object["cannedReplies"] = .array(queue.cannedReplies.map { .string($0[language]) })
            }
        }
        return .object(object)
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
        let reason: AccessReason = switch access {
        case nil: .admin
        case .consultant: .consulted
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

    /// Events a professional's stream carries: changes to the waiting cases of
    /// their queues (queued, picked, withdrawn, transferred) and everything on the
    /// cases they handle or consult on while those are active. A closed case's
    /// content is reachable only by opening it, which is audited.
    public func professionalEvents(professional: Professional, after: Int64, limit: Int = 200) throws -> [ClinicEvent] {
        let queues = professional.queues
        let placeholders = Array(repeating: "?", count: max(queues.count, 1)).joined(separator: ", ")
        return try store.read { db in
            let statement = try db.statement("""
                SELECT e.seq, e.conversation_id, e.type, e.at, e.data FROM events e
                JOIN conversations c ON c.id = e.conversation_id
                WHERE e.seq > ? AND (c.professional_id = ? AND c.status = 'active'
                    OR c.status = 'active' AND e.conversation_id IN (SELECT conversation_id FROM consultations WHERE professional_id = ?)
                    OR (e.type IN ('queued', 'picked', 'withdrawn', 'transferred', 'offerEnded')
                        AND json_extract(e.data, '$.queue.id') IN (\(placeholders)))
                    OR (e.type = 'queued' AND c.offered_to = ?))
                ORDER BY e.seq LIMIT ?
                """)
            var arguments: [DatabaseValueConvertible] = [after, professional.id, professional.id]
            arguments += queues.isEmpty ? [""] : queues
            arguments.append(professional.id)
            arguments.append(limit)
            try statement.bind(arguments)
            var events: [ClinicEvent] = []
            defer { statement.reset() }
            while try statement.step() { events.append(try ClinicEvent(row: statement.row())) }
            return events
        }
    }

    /// The cases a professional is handling or consulting on now, newest first,
    /// without opening them (no audit entry: nothing of the case is shown).
    public func activeCaseSummaries(professionalID: Int64) throws -> [JSONValue] {
        try store.read { db in
            try db.rows("""
                SELECT id, service_id, queue_id, urgency_rank, picked_at, 'handler' AS access FROM conversations
                WHERE professional_id = ? AND status = 'active'
                UNION ALL SELECT c.id, c.service_id, c.queue_id, c.urgency_rank, k.requested_at, 'consultant' FROM consultations k
                JOIN conversations c ON c.id = k.conversation_id WHERE k.professional_id = ? AND c.status = 'active'
                ORDER BY 5 DESC
                """, professionalID, professionalID).map { row in
                var object = JSONObject([("conversationId", .string(row.string("id") ?? "")), ("access", .string(row.string("access") ?? ""))])
                if let service = row.string("service_id") { object["serviceId"] = .string(service) }
                if let queue = row.string("queue_id") { object["queueId"] = .string(queue) }
                if let rank = row.int("urgency_rank"), let urgency = Urgency.allCases.first(where: { $0.rank == rank }) {
                    object["urgency"] = .string(urgency.rawValue)
                }
                return .object(object)
            }
        }
    }

    /// The ids of the cases a professional is handling or consulting on now.
    public func activeCases(professionalID: Int64) throws -> [String] {
        try store.read { db in
            try db.rows("""
                SELECT id FROM conversations WHERE professional_id = ? AND status = 'active'
                UNION SELECT c.id FROM consultations k JOIN conversations c ON c.id = k.conversation_id
                WHERE k.professional_id = ? AND c.status = 'active'
                """, professionalID, professionalID).compactMap { $0.string("id") }
        }
    }
}
