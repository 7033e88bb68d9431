import NeuvoStore

/// What a retention run did.
public struct RetentionReport: Sendable, Equatable {
    /// Conversations whose content was deleted.
    public let purged: Int
    /// Closed conversations past the age whose export the record system has not
    /// acknowledged: kept, and named so someone can find out why.
    public let keptUnacknowledged: [String]

    public init(purged: Int, keptUnacknowledged: [String]) {
        self.purged = purged
        self.keptUnacknowledged = keptUnacknowledged
    }
}

extension Clinic {
    /// Deletes the content of conversations that ended more than `days` ago:
    /// messages, photos, notes, answers, whose matter, events and the export document,
    /// once the record system has acknowledged the export (or when there was
    /// nothing to export: withdrawn, red-flagged, abandoned). What remains is
    /// the statistics row: service, queue, urgency, outcome and times. Phone
    /// numbers of call-backs, text messages and feedback comments go with it.
    ///
    /// The candidates are found on a reader, so a year's scan does not hold up the
    /// writer; they are deleted `batch` at a time, each re-checked in its own write.
    public func applyRetention(olderThanDays days: Int, batch: Int = 200) async throws -> RetentionReport {
        precondition(days >= 1 && batch >= 1)
        let now = self.now()
        let cutoff = now.millis - Int64(days) * 24 * 3600 * 1000
        // Ended (closed, withdrawn) or abandoned before triage ('open'); never a waiting or active case.
        let candidates = try store.scan { db in
            try db.rows("""
                SELECT c.id, e.id AS export_id, e.acknowledged_at FROM conversations c
                LEFT JOIN record_exports e ON e.conversation_id = c.id
                WHERE c.updated_at < ? AND c.purged_at IS NULL AND c.status IN ('closed', 'withdrawn', 'open')
                ORDER BY c.id
                """, cutoff)
        }
        var kept: [String] = [], due: [String] = []
        for row in candidates {
            guard let id = row.string("id") else { continue }
            if row.string("export_id") != nil && row.int64("acknowledged_at") == nil { kept.append(id) } else { due.append(id) }
        }
        var purged = 0
        for first in stride(from: 0, to: due.count, by: batch) {
            let chunk = Array(due[first..<min(first + batch, due.count)])
            purged += try await store.write { db in
                var count = 0
                for id in chunk {
                    // Nothing changed since it was found: still ended, old, not purged, its export (if any) acknowledged.
                    guard try db.row("""
                        SELECT 1 AS x FROM conversations c LEFT JOIN record_exports e ON e.conversation_id = c.id
                        WHERE c.id = ? AND c.updated_at < ? AND c.purged_at IS NULL AND c.status IN ('closed', 'withdrawn', 'open')
                            AND (e.id IS NULL OR e.acknowledged_at IS NOT NULL)
                        """, id, cutoff) != nil else { continue }
                    try Self.purge(db, conversationID: id, at: now)
                    count += 1
                }
                return count
            }
        }
        return RetentionReport(purged: purged, keptUnacknowledged: kept.sorted())
    }

    /// Deletes one conversation's content, leaving its statistics row.
    private static func purge(_ db: Database, conversationID id: String, at now: Timestamp) throws {
        for table in ["messages", "internal_notes", "events", "consultations", "photos"] {
            try db.run("DELETE FROM \(table) WHERE conversation_id = ?", id)
        }
        try db.run("""
            UPDATE conversations SET subject = NULL, answers = NULL, closing_instructions = NULL, closing_summary = NULL,
                status = CASE status WHEN 'open' THEN 'withdrawn' ELSE status END, feedback_commented = 0, purged_at = ? WHERE id = ?
            """, now.millis, id)
        try db.run("UPDATE record_exports SET document = '{}' WHERE conversation_id = ?", id)
        try db.run("UPDATE feedback SET comment = NULL WHERE conversation_id = ?", id)
        try db.run("UPDATE call_backs SET phone = NULL WHERE conversation_id = ?", id)
        try db.run("DELETE FROM reply_texts WHERE conversation_id = ?", id)
        try db.run("DELETE FROM reply_text_numbers WHERE conversation_id = ?", id)
        try db.run("UPDATE notifications SET phone = NULL, text = NULL WHERE conversation_id = ?", id)
    }
}

/// When the server deletes old content by itself: every day at `hour` (Finnish
/// time), the content of matters that ended `days` ago (see ``Clinic/applyRetention(olderThanDays:batch:)``).
public struct RetentionSchedule: Sendable, Equatable {
    /// 0: never (run `neuvo retention DAYS` by hand).
    public var days: Int
    public var hour: Int

    public init(days: Int = 30, hour: Int = 3) {
        self.days = days
        self.hour = hour
    }

    /// The first run after `now`, or nil when off.
    public func next(after now: Timestamp) -> Timestamp? {
        guard days > 0 else { return nil }
        let calendar = LocalCalendar(from: LocalDate(dayNumber: Int(now.millis / 86_400_000) - 1),
                                     through: LocalDate(dayNumber: Int(now.millis / 86_400_000) + 2))
        let today = calendar.wallClock(of: now.millis).date
        for date in [today, today.adding(days: 1)] {
            let at = calendar.instant(of: date, minute: hour * 60)
            if at > now.millis { return Timestamp(millis: at) }
        }
        return Timestamp(millis: calendar.instant(of: today.adding(days: 2), minute: hour * 60))
    }
}

extension Clinic {
    /// The clinic's clock (a test's, in tests): when scheduled work is due.
    public func currentTime() -> Timestamp { now() }
}
