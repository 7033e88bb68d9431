import NeuvoJSON
import NeuvoStore

/// Continuity of care (Helsinki): a new case from an identified resident goes
/// first to the professional who closed their previous case recently.
public struct ContinuityOptions: Sendable {
    /// How recent the earlier case must be.
    public var days: Int
    /// How long the new case is offered to that professional alone.
    public var offerMinutes: Int

    public init(days: Int = 14, offerMinutes: Int = 30) {
        self.days = days
        self.offerMinutes = offerMinutes
    }
}

extension Clinic {
    /// Offers a just-queued case to the professional who closed the same
    /// identified resident's previous case within the window. Returns their id.
    ///
    /// Only when waiting for them cannot harm: an urgent case goes to the whole
    /// queue at once, and the offer is made only to someone who works in the
    /// case's queue and is on shift there now, so it is never held for someone away.
    static func offerToPreviousProfessional(_ db: Database, conversationID: String, residentSessionID: Int64, queueID: String,
                                            urgency: Urgency, options: ContinuityOptions, at now: Timestamp) throws -> Int64? {
        guard options.days > 0, options.offerMinutes > 0, urgency != .urgent,
              let code = try db.row("SELECT identity_code FROM resident_sessions WHERE id = ?", residentSessionID)?.string("identity_code"),
              let previous = try db.row("""
                SELECT c.professional_id FROM conversations c
                JOIN resident_sessions s ON s.id = c.resident_session_id
                JOIN professionals p ON p.id = c.professional_id
                WHERE s.identity_code = ? AND c.status = 'closed' AND c.closed_at >= ? AND c.id != ? AND p.disabled_at IS NULL
                ORDER BY c.closed_at DESC LIMIT 1
                """, code, now.millis - Int64(options.days) * 86_400_000, conversationID)?.int64("professional_id"),
              try db.row("""
                SELECT 1 AS x FROM queue_memberships WHERE professional_id = ? AND queue_id = ? AND on_shift_since IS NOT NULL
                """, previous, queueID) != nil else {
            return nil
        }
        try db.run("UPDATE conversations SET offered_to = ?, offered_until = ? WHERE id = ?",
                   previous, now.millis + Int64(options.offerMinutes) * 60_000, conversationID)
        return previous
    }

    /// Ends the offers made to `professionalID` (in `queues`, or in all of them): they
    /// went off shift, left the queue or were disabled, so nothing may wait for them.
    static func endOffers(_ db: Database, to professionalID: Int64, inQueues queues: [String]? = nil,
                          at now: Timestamp) throws -> [ClinicEvent] {
        let offered = try db.rows("SELECT id, queue_id FROM conversations WHERE offered_to = ? AND status = 'queued'", professionalID)
        return try endOffers(db, offered.filter { row in row.string("queue_id").map { queues?.contains($0) ?? true } ?? false }, at: now)
    }

    /// Ends offers whose time is up, so the whole queue sees those cases; the
    /// events wake the queues' professionals.
    public func expireOffers() async throws -> [ClinicEvent] {
        let now = self.now()
        return try await store.write { db in
            try Self.endOffers(db, try db.rows("""
                SELECT id, queue_id FROM conversations WHERE offered_until IS NOT NULL AND offered_until <= ?
                """, now.millis), at: now)
        }
    }

    /// Clears the offer on each of `cases` (rows with `id` and `queue_id`) and tells the queue.
    private static func endOffers(_ db: Database, _ cases: [Row], at now: Timestamp) throws -> [ClinicEvent] {
        var events: [ClinicEvent] = []
        for row in cases {
            guard let id = row.string("id") else { continue }
            try db.run("UPDATE conversations SET offered_to = NULL, offered_until = NULL WHERE id = ?", id)
            if let queue = row.string("queue_id") {
                events.append(try ClinicEvent.append(db, conversationID: id, type: .offerEnded,
                                                     data: .object(["queue": .object(["id": .string(queue)])]), at: now, audience: .staff))
            }
        }
        return events
    }
}
