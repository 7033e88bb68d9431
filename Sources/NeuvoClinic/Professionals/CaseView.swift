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
    public func openCase(conversationID: String, professional: Professional, language: Language = .fi) async throws -> JSONValue {
        let now = self.now()
        guard Identifier.isWellFormed(conversationID) else { throw ClinicError.notFound }
        let professionalID = professional.id
        let opened = try await store.write { db in
            try Self.caseRows(db, conversationID: conversationID, professionalID: professionalID, at: now)
        }
        let (row, messages) = opened
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
        if let service { object["service"] = .object(["id": .string(service.id), "title": .string(service.title[language])]) }
        object["answers"] = .array(answered)
        if let reason = row.string("routing_reason").flatMap({ try? JSONValue.parse($0) }) {
            object["routingReason"] = reason[language.rawValue] ?? .null
        }
        object["messages"] = .array(messages.map { Message(row: $0).json })
        return .object(object)
    }

    /// Audits the opening and reads the case's row and messages.
    static func caseRows(_ db: Database, conversationID: String, professionalID: Int64, at now: Timestamp) throws -> (Row, [Row]) {
        guard let row = try db.row("SELECT * FROM conversations WHERE id = ? AND professional_id = ?", conversationID, professionalID) else {
            throw ClinicError.notFound
        }
        try db.run("INSERT INTO audit_log (professional_id, conversation_id, reason, at) VALUES (?, ?, ?, ?)",
                   professionalID, conversationID, AccessReason.picked.rawValue, now.millis)
        let messages = try db.rows("SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq", conversationID)
        return (row, messages)
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
    /// their queues (queued, picked, withdrawn) and everything on their own cases.
    public func professionalEvents(professional: Professional, after: Int64, limit: Int = 200) throws -> [ClinicEvent] {
        let queues = professional.queues
        let placeholders = Array(repeating: "?", count: max(queues.count, 1)).joined(separator: ", ")
        return try store.read { db in
            let statement = try db.statement("""
                SELECT e.seq, e.conversation_id, e.type, e.at, e.data FROM events e
                JOIN conversations c ON c.id = e.conversation_id
                WHERE e.seq > ? AND (c.professional_id = ?
                    OR (e.type IN ('queued', 'picked', 'withdrawn') AND json_extract(e.data, '$.queue.id') IN (\(placeholders))))
                ORDER BY e.seq LIMIT ?
                """)
            var arguments: [DatabaseValueConvertible] = [after, professional.id]
            arguments += queues.isEmpty ? [""] : queues
            arguments.append(limit)
            try statement.bind(arguments)
            var events: [ClinicEvent] = []
            while try statement.step() { events.append(try ClinicEvent(row: statement.row())) }
            return events
        }
    }

    /// The ids of the cases a professional is handling now.
    public func activeCases(professionalID: Int64) throws -> [String] {
        try store.read { db in
            try db.rows("SELECT id FROM conversations WHERE professional_id = ? AND status = 'active'", professionalID)
                .compactMap { $0.string("id") }
        }
    }
}
