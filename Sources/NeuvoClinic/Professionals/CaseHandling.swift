import NeuvoJSON
import NeuvoStore

/// Where a case is passed on to.
public enum TransferTarget: Sendable, Equatable {
    /// Back to waiting in another queue, keeping its original waiting time.
    case queue(String)
    /// Straight to a named professional.
    case professional(Int64)
}

/// A professional's standing on a case.
public enum CaseAccess: Sendable, Equatable {
    /// Handles it: reads, chats, transfers, consults, closes.
    case handler
    /// Was consulted: reads and writes internal notes only.
    case consultant
}

extension Clinic {
    /// The professional's access to a conversation, or nil (the caller answers 404).
    static func access(_ db: Database, conversationID: String, professionalID: Int64) throws -> CaseAccess? {
        guard let row = try db.row("SELECT professional_id, status FROM conversations WHERE id = ?", conversationID) else { return nil }
        // Access lasts while the case is active: after closing, its content is the record's, not the workspace's.
        guard row.conversationStatus == .active else { return nil }
        if row.int64("professional_id") == professionalID { return .handler }
        if try db.row("SELECT 1 AS x FROM consultations WHERE conversation_id = ? AND professional_id = ?",
                      conversationID, professionalID) != nil { return .consultant }
        return nil
    }

    /// Whether the professional handles the (active) case now.
    public func handles(conversationID: String, professionalID: Int64) throws -> Bool {
        guard Identifier.isWellFormed(conversationID) else { return false }
        return try store.read { db in try Self.access(db, conversationID: conversationID, professionalID: professionalID) == .handler }
    }

    static func requireHandler(_ db: Database, conversationID: String, professionalID: Int64) throws {
        guard try access(db, conversationID: conversationID, professionalID: professionalID) == .handler else {
            throw ClinicError.notFound
        }
    }

    static func validateProse(_ text: String, field: String, maxLength: Int) throws(ClinicError) -> String {
        let trimmed = String(text.trimmingSpacesAndNewlines())
        guard !trimmed.isEmpty else { throw .invalid(field: field, message: "\(field) must not be empty.") }
        guard trimmed.count <= maxLength else { throw .invalid(field: field, message: "\(field) is longer than \(maxLength) characters.") }
        guard !trimmed.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F }) else {
            throw .invalid(field: field, message: "\(field) contains control characters.")
        }
        return trimmed
    }

    /// Closes a case: the outcome, the instructions the resident sees, and the
    /// summary for the patient record, whose export is written in the same transaction.
    /// `serviceEvent`: Kanta's service event (palvelutapahtuma) identifier, an OID, when the professional has one.
    public func close(conversationID: String, professional: Professional, outcome: ClosingOutcome,
                      instructions rawInstructions: String, summary rawSummary: String,
                      serviceEvent rawServiceEvent: String? = nil) async throws -> (conversation: Conversation, events: [ClinicEvent]) {
        let serviceEvent = try Self.serviceEvent(rawServiceEvent)
        let instructions = try Self.validateProse(rawInstructions, field: "instructions", maxLength: 4000)
        let summary = try Self.validateProse(rawSummary, field: "summary", maxLength: 8000)
        let now = self.now()
        let exportID = Identifier.random()
        // The record speaks of the questions as they were asked: the conversation's catalog version.
        let version = try store.read { db in
            try db.row("SELECT catalog_version FROM conversations WHERE id = ?", conversationID)?.string("catalog_version")
        }
        let catalog = try version.flatMap { try self.catalog(version: $0) }
        let exportOptions = self.exportOptions
        return try await store.write { db in
            try Self.requireHandler(db, conversationID: conversationID, professionalID: professional.id)
            try db.run("""
                UPDATE conversations SET status = 'closed', closed_at = ?, closing_outcome = ?, closing_instructions = ?,
                    closing_summary = ?, updated_at = ? WHERE id = ?
                """, now.millis, outcome.rawValue, instructions, summary, now.millis, conversationID)
            // A call-back being called and closed without a recorded try was handled all the same: the
            // professional closed it with an outcome. It counts as reached on the call after the last one recorded.
            try db.run("""
                UPDATE call_backs SET status = 'reached', attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, ?),
                    updated_at = ? WHERE conversation_id = ? AND status = 'picked'
                """, now.millis, now.millis, conversationID)
            let event = try ClinicEvent.append(db, conversationID: conversationID, type: .closed, data: .object([
                "outcome": .string(outcome.rawValue), "instructions": .string(instructions),
                "professional": .object(["displayName": .string(professional.displayName), "title": .string(professional.title)]),
            ]), at: now)
            try RecordExport.write(db, id: exportID, conversationID: conversationID, at: now, catalog: catalog, options: exportOptions,
                                   closedBy: professional.id, serviceEvent: serviceEvent)
            let ended = try Self.endConsultations(db, conversationID: conversationID, because: .closed, at: now)
            let conversation = Conversation(row: try db.row("SELECT * FROM conversations WHERE id = ?", conversationID)!)
            return (conversation, [event] + ended)
        }
    }

    /// Kanta's service event as the professional typed it (`urn:oid:` optional) → the bare OID; blank → nil.
    static func serviceEvent(_ raw: String?) throws(ClinicError) -> String? {
        guard let raw = raw?.trimmingSpacesAndNewlines(), !raw.isEmpty else { return nil }
        guard let oid = ObjectIdentifier.parse(String(raw)) else {
            throw ClinicError.invalid(field: "serviceEvent", message: "serviceEvent must be the service event's OID, e.g. 1.2.246.10.12345678.20.2026.1.")
        }
        return oid
    }

    /// Passes a case on: back to waiting in a queue (keeping its waiting time)
    /// or straight to a named professional in one of the case's queues' staff.
    /// `leftQueue` is the queue the case was handled from: passed to another queue, it takes
    /// its pick along, which changes the wait estimate of those still waiting there.
    public func transfer(conversationID: String, professional: Professional, to target: TransferTarget, note rawNote: String? = nil) async throws
        -> (conversation: Conversation, events: [ClinicEvent], leftQueue: String?) {
        let note = try rawNote.map { try Self.validateProse($0, field: "note", maxLength: 2000) }
        let noteID = Identifier.random()
        let now = self.now()
        let catalog = try activeCatalog()
        return try await store.write { db in
            try Self.requireHandler(db, conversationID: conversationID, professionalID: professional.id)
            let leftQueue = try db.row("SELECT queue_id FROM conversations WHERE id = ?", conversationID)?.string("queue_id")
            let data: JSONValue
            switch target {
            case .queue(let queueID):
                guard let queue = catalog?.queue(queueID) else {
                    throw ClinicError.invalid(field: "queueId", message: "'\(queueID)' is not a work queue.")
                }
                data = try Self.requeue(db, conversationID: conversationID, queueID: queue.id, queueName: queue.name.json, at: now)
            case .professional(let targetID):
                guard targetID != professional.id,
                      let target = try Professional.load(db, where: "id = ?", targetID)?.professional, target.takesCases else {
                    throw ClinicError.invalid(field: "professionalId", message: "Choose another active professional.")
                }
                try db.run("""
                    UPDATE conversations SET professional_id = ?, handled_via = 'transferred', updated_at = ? WHERE id = ?
                    """, target.id, now.millis, conversationID)
                try db.run("INSERT OR IGNORE INTO case_participants (conversation_id, professional_id, role, since) VALUES (?, ?, 'handler', ?)",
                           conversationID, target.id, now.millis)
                // The resident sees the title only; the route wakes the colleague's own stream.
                data = .object(["professional": .object(["title": .string(target.title)])])
            }
            var events = try Self.passedOn(db, conversationID: conversationID, data: data, at: now)
            // A word to whoever takes it next (staff only), in the same transaction.
            if let note {
                try db.run("""
                    INSERT INTO internal_notes (id, conversation_id, professional_id, client_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, noteID, conversationID, professional.id, "transfer-\(noteID)", note, now.millis)
                let row = try db.row("SELECT * FROM internal_notes WHERE id = ?", noteID)!
                let written = InternalNote(row: row, author: .init(displayName: professional.displayName, title: professional.title))
                events.append(try ClinicEvent.append(db, conversationID: conversationID, type: .note, data: written.eventData, at: now, audience: .staff))
            }
            return (Conversation(row: try db.row("SELECT * FROM conversations WHERE id = ?", conversationID)!), events, leftQueue)
        }
    }

    /// Puts a case back to waiting in `queueID`; `queued_at` stays as it was, so the resident
    /// keeps their place in time. Returns the `transferred` event's data.
    static func requeue(_ db: Database, conversationID: String, queueID: String, queueName: JSONValue, at now: Timestamp) throws -> JSONValue {
        try db.run("""
            UPDATE conversations SET status = 'queued', queue_id = ?, professional_id = NULL, handled_via = NULL,
                updated_at = ? WHERE id = ?
            """, queueID, now.millis, conversationID)
        // A call-back being called goes back to its call list, not the chat queue: the resident asked to be phoned.
        if try db.run("""
            UPDATE call_backs SET status = 'requested', professional_id = NULL, updated_at = ? WHERE conversation_id = ? AND status = 'picked'
            """, now.millis, conversationID) > 0 {
            try db.run("UPDATE conversations SET status = 'callBack' WHERE id = ?", conversationID)
        }
        return .object(["queue": .object(["id": .string(queueID), "name": queueName])])
    }

    /// Records that a case was passed on (to a queue or a colleague). Its consultations end:
    /// they helped the one who asked, and the next handler asks anew; each consultant is told.
    static func passedOn(_ db: Database, conversationID: String, data: JSONValue, at now: Timestamp) throws -> [ClinicEvent] {
        let event = try ClinicEvent.append(db, conversationID: conversationID, type: .transferred, data: data, at: now)
        return [event] + (try endConsultations(db, conversationID: conversationID, because: .transferred, at: now))
    }

    /// Ends a case's consultations, telling each consultant (staff only) why, so their
    /// page says the case moved on rather than the case silently vanishing from it.
    static func endConsultations(_ db: Database, conversationID: String, because reason: EventKind, at now: Timestamp) throws -> [ClinicEvent] {
        var events: [ClinicEvent] = []
        for row in try db.rows("SELECT professional_id FROM consultations WHERE conversation_id = ?", conversationID) {
            guard let consultant = row.int64("professional_id") else { continue }
            events.append(try ClinicEvent.append(db, conversationID: conversationID, type: .consultationEnded, data: .object([
                "professional": .object(["id": .int64(consultant)]), "reason": .string(reason.rawValue),
            ]), at: now, audience: .staff))
        }
        try db.run("DELETE FROM consultations WHERE conversation_id = ?", conversationID)
        return events
    }

    /// Asks another professional to look at the case; they may read it and write notes.
    public func consult(conversationID: String, professional: Professional, consultantID: Int64) async throws -> [ClinicEvent] {
        let now = self.now()
        return try await store.write { db in
            try Self.requireHandler(db, conversationID: conversationID, professionalID: professional.id)
            guard consultantID != professional.id,
                  let consultant = try Professional.load(db, where: "id = ?", consultantID)?.professional, consultant.takesCases else {
                throw ClinicError.invalid(field: "professionalId", message: "Choose another active professional.")
            }
            try db.run("""
                INSERT OR IGNORE INTO consultations (conversation_id, professional_id, requested_by, requested_at) VALUES (?, ?, ?, ?)
                """, conversationID, consultantID, professional.id, now.millis)
            try db.run("INSERT OR IGNORE INTO case_participants (conversation_id, professional_id, role, since) VALUES (?, ?, 'consultant', ?)",
                       conversationID, consultantID, now.millis)
            let event = try ClinicEvent.append(db, conversationID: conversationID, type: .consulted, data: .object([
                "professional": .object(["id": .int64(consultant.id), "displayName": .string(consultant.displayName),
                                         "title": .string(consultant.title)]),
            ]), at: now, audience: .staff)
            return [event]
        }
    }

    /// An internal note: the handler's or a consultant's, never the resident's to see.
    public func addNote(conversationID: String, professional: Professional, clientID rawClientID: String, text rawText: String) async throws
        -> (note: InternalNote, created: Bool, events: [ClinicEvent]) {
        guard let clientID = Identifier.canonicalUUID(rawClientID) else {
            throw ClinicError.invalid(field: "clientId", message: "clientId must be a UUID.")
        }
        let text = try Self.validateProse(rawText, field: "text", maxLength: 4000)
        let now = self.now()
        let id = Identifier.random()
        return try await store.write { db in
            guard try Self.access(db, conversationID: conversationID, professionalID: professional.id) != nil else {
                throw ClinicError.notFound
            }
            if let existing = try db.row("SELECT * FROM internal_notes WHERE conversation_id = ? AND client_id = ?", conversationID, clientID) {
                guard existing.string("body") == text else {
                    throw ClinicError.conflict(code: "client_id_reused", message: "This clientId was already used for a different note.")
                }
                return (InternalNote(row: existing, author: nil), false, [])
            }
            try db.run("""
                INSERT INTO internal_notes (id, conversation_id, professional_id, client_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, id, conversationID, professional.id, clientID, text, now.millis)
            let row = try db.row("SELECT * FROM internal_notes WHERE id = ?", id)!
            let note = InternalNote(row: row, author: .init(displayName: professional.displayName, title: professional.title))
            let event = try ClinicEvent.append(db, conversationID: conversationID, type: .note, data: note.eventData, at: now, audience: .staff)
            return (note, true, [event])
        }
    }

    /// The summary a professional starts from when closing: the reason for contact and the
    /// pre-question answers, in the resident's language (a bilingual county keeps a Swedish
    /// speaker's record in Swedish); Finnish when the page did not say.
    static func summaryDraft(service: Service?, answers: JSONObject?, subject: Subject?, language: Language = .fi) -> String {
        guard let service else { return "" }
        let words = SummaryWords(language)
        var lines = ["\(words.reason): \(service.title[language])."]
        switch subject {
        case .child(let name, let months, _, _)?:
            lines.append("\(words.forChild): \(name), " + words.age(months) + ".")
        case .otherAdult(let name, let relation)?: lines.append("\(words.forAdult): \(name) (\(relation)).")
        default: break
        }
        for question in service.questionnaire?.questions ?? [] {
            guard let value = answers?[question.id] else { continue }
            lines.append("\(question.text[language]) \(readable(value, for: question, language: language))")
        }
        return lines.joined(separator: "\n")
    }

    /// The draft's own words, per language.
    struct SummaryWords {
        let reason: String, forChild: String, forAdult: String
        let months: String, years: String

        init(_ language: Language) {
            switch language {
            case .fi: (reason, forChild, forAdult, months, years) = ("Yhteydenoton syy", "Asiointi lapsen puolesta", "Asiointi toisen aikuisen puolesta", "kk", "v")
            case .sv: (reason, forChild, forAdult, months, years) = ("Kontaktorsak", "Ärende för ett barn", "Ärende för en annan vuxen", "mån", "år")
            case .en: (reason, forChild, forAdult, months, years) = ("Reason for contact", "On behalf of a child", "On behalf of another adult", "mo", "y")
            }
        }

        /// ``Subject/ageText(months:)``'s rule in this language: months below two years, then years.
        func age(_ months: Int) -> String { months < 24 ? "\(months) \(self.months)" : "\(months / 12) \(years)" }
    }
}
