import NeuvoJSON
import NeuvoStore

/// The outbox of closed cases for the patient-record system.
public enum RecordExport {
    /// Gathers the case and writes its export row, inside the closing transaction.
    /// `closedBy`: the closing professional; `serviceEvent`: Kanta's service event OID, when given.
    static func write(_ db: Database, id: String, conversationID: String, at now: Timestamp, catalog: Catalog?,
                      options: RecordExportOptions, closedBy: Int64? = nil, serviceEvent: String? = nil) throws {
        var input = try gather(db, exportID: id, conversationID: conversationID, at: now, catalog: catalog)
        input.closedBy = closedBy
        input.serviceEvent = serviceEvent
        let document = FHIRDocument.bundle(for: input, options: options)
        try db.run("INSERT INTO record_exports (id, conversation_id, created_at, document) VALUES (?, ?, ?, ?)",
                   id, conversationID, now.millis, document.text)
    }

    static func gather(_ db: Database, exportID: String, conversationID: String, at now: Timestamp, catalog: Catalog?) throws -> RecordExportInput {
        guard let row = try db.row("SELECT * FROM conversations WHERE id = ?", conversationID) else { throw ClinicError.notFound }
        let conversation = Conversation(row: row)
        let service = conversation.serviceID.flatMap { catalog?.service($0) }
        let answers = row.string("answers").flatMap { try? JSONValue.parse($0) }?.objectValue
        var answered: [RecordExportInput.AnsweredQuestion] = []
        for question in service?.questionnaire?.questions ?? [] {
            guard let value = answers?[question.id] else { continue }
            answered.append(.init(questionID: question.id, text: question.text.fi, answer: value,
                                  display: Clinic.readable(value, for: question, language: .fi), kind: question.kind))
        }
        let participants = try db.rows("""
            SELECT p.id, p.display_name, p.title, p.register_number, cp.role FROM case_participants cp
            JOIN professionals p ON p.id = cp.professional_id
            WHERE cp.conversation_id = ? ORDER BY cp.since, p.id
            """, conversationID).map {
            RecordExportInput.Participant(id: $0.int64("id") ?? 0, displayName: $0.string("display_name") ?? "",
                                          title: $0.string("title") ?? "", role: $0.string("role") ?? "",
                                          registerNumber: $0.string("register_number"))
        }
        let messages = try db.rows("""
            SELECT author, body, created_at, professional_id FROM messages WHERE conversation_id = ? ORDER BY seq
            """, conversationID).map {
            RecordExportInput.Message(author: $0.string("author") ?? "", text: $0.string("body") ?? "",
                                      at: Timestamp(millis: $0.int64("created_at") ?? 0), professionalID: $0.int64("professional_id"))
        }
        let identityCode = try db.row("SELECT identity_code FROM resident_sessions WHERE id = ?", conversation.residentSessionID)?
            .string("identity_code")
        let reason = row.string("routing_reason").flatMap { try? JSONValue.parse($0) }?["fi"]?.stringValue
        // The photos once: their order for the document, and who sent each and what it is.
        let photos = try db.rows("""
            SELECT id, author, professional_id, media_type, size, created_at FROM photos WHERE conversation_id = ? ORDER BY created_at, rowid
            """, conversationID).compactMap { photo -> (String, RecordExportInput.PhotoFact)? in
            guard let id = photo.string("id") else { return nil }
            return (id, .init(professionalID: photo.string("author") == "professional" ? photo.int64("professional_id") : nil,
                              mediaType: photo.string("media_type") ?? "application/octet-stream",
                              size: Int(photo.int64("size") ?? 0), at: Timestamp(millis: photo.int64("created_at") ?? 0)))
        }
        var input = RecordExportInput(
            exportID: exportID, conversationID: conversationID, catalogVersion: row.string("catalog_version"),
            serviceID: conversation.serviceID, serviceTitle: service?.title.fi, subject: conversation.subject,
            residentIdentityCode: identityCode, queueID: conversation.queueID, queueName: conversation.queueID.flatMap { catalog?.queue($0)?.name.fi },
            answers: answered, redFlag: row.string("red_flag"), routingReason: reason, queuedAt: conversation.queuedAt,
            closedAt: now, outcome: row.string("closing_outcome").flatMap(ClosingOutcome.init(rawValue:)), instructions: row.string("closing_instructions") ?? "",
            summary: row.string("closing_summary") ?? "", participants: participants, messages: messages,
            photoIDs: photos.map(\.0))
        input.urgency = row.int64("urgency_rank").flatMap { rank in Urgency.allCases.first { $0.rank == Int(rank) } }
        input.notes = try db.rows("""
            SELECT body, created_at, professional_id FROM internal_notes WHERE conversation_id = ? ORDER BY created_at, rowid
            """, conversationID).map {
            RecordExportInput.Message(author: "professional", text: $0.string("body") ?? "",
                                      at: Timestamp(millis: $0.int64("created_at") ?? 0), professionalID: $0.int64("professional_id"))
        }
        input.photoFacts = Dictionary(photos, uniquingKeysWith: { first, _ in first })
        input.phoneContact = try db.row("SELECT 1 AS reached FROM call_backs WHERE conversation_id = ? AND status = 'reached'", conversationID) != nil
        return input
    }
}

extension Clinic {
    /// The CodeSystem `id` under the configured canonical base, with the codes of every stored
    /// catalog version; nil when Neuvo defines none by that id.
    public func fhirCodeSystem(id: String) throws -> JSONValue? {
        let systems = exportOptions.systems
        if let fixed = FHIRCodeSystems.fixed(id, systems: systems) { return fixed }
        return FHIRCodeSystems.resource(id, systems: systems, catalogs: try storedCatalogs())
    }

    /// Every stored catalog version, oldest first; read again only after an import.
    func storedCatalogs() throws -> [Catalog] {
        try store.read { db -> [Catalog] in
            let newest = try db.row("SELECT MAX(seq) AS seq FROM catalogs")?.int64("seq") ?? 0
            if let cached = allCatalogs.withLock({ $0 }), cached.seq == newest { return cached.catalogs }
            // A stored catalog was checked at import; one that no longer reads is passed over, not a 500 for every code.
            let read = try db.rows("SELECT document FROM catalogs ORDER BY seq").compactMap { $0.string("document") }
                .compactMap { try? Self.stored($0) }
            allCatalogs.withLock { $0 = (newest, read) }
            return read
        }
    }
}
