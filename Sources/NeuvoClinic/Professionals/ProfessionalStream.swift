import NeuvoJSON
import NeuvoStore

extension Clinic {
    /// Events a professional's stream carries: changes to the waiting cases of
    /// their queues (queued, picked, withdrawn, transferred; call-backs requested, cancelled, not reached; answered again, a red flag while waiting) and everything on the
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
                    OR (e.type IN ('queued', 'picked', 'withdrawn', 'transferred', 'offerEnded', 'callBackRequested', 'callBackCancelled',
                                   'callBackNotReached', 'callBackAttempt', 'retriaged', 'redFlag')
                        AND (json_extract(e.data, '$.queue.id') IN (\(placeholders))
                             OR e.type = 'retriaged' AND json_extract(e.data, '$.previousQueue.id') IN (\(placeholders))))
                    OR (e.type = 'queued' AND c.offered_to = ?)
                    OR (e.type = 'consultationEnded' AND json_extract(e.data, '$.professional.id') = ?))
                ORDER BY e.seq LIMIT ?
                """)
            var arguments: [DatabaseValueConvertible] = [after, professional.id, professional.id]
            arguments += queues.isEmpty ? [""] : queues
            arguments += queues.isEmpty ? [""] : queues  // again, for a case answered into another queue
            arguments.append(professional.id)
            arguments.append(professional.id)
            arguments.append(limit)
            try statement.bind(arguments)
            var events: [ClinicEvent] = []
            defer { statement.reset() }
            while try statement.step() {
                if let event = ClinicEvent(row: statement.row()) { events.append(event) }
            }
            return events
        }
    }

    /// The cases a professional is handling or consulting on now, newest first,
    /// without opening them (no audit entry: nothing of the case is shown).
    public func activeCaseSummaries(professionalID: Int64) throws -> [CaseSummary] {
        try store.read { db in
            try db.rows("""
                SELECT id, service_id, queue_id, urgency_rank, picked_at, 'handler' AS access FROM conversations
                WHERE professional_id = ? AND status = 'active'
                UNION ALL SELECT c.id, c.service_id, c.queue_id, c.urgency_rank, k.requested_at, 'consultant' FROM consultations k
                JOIN conversations c ON c.id = k.conversation_id WHERE k.professional_id = ? AND c.status = 'active'
                ORDER BY 5 DESC
                """, professionalID, professionalID).map { row in
                CaseSummary(conversationID: row.string("id") ?? "", access: row.string("access") == "handler" ? .handler : .consultant,
                            serviceID: row.string("service_id"), queueID: row.string("queue_id"),
                            urgency: row.int("urgency_rank").flatMap { rank in Urgency.allCases.first { $0.rank == rank } })
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

/// A case I am handling or consulting on, as much as restoring the workspace needs.
public struct CaseSummary: Sendable {
    public let conversationID: String
    public let access: CaseAccess
    public let serviceID: String?
    public let queueID: String?
    public let urgency: Urgency?
}
