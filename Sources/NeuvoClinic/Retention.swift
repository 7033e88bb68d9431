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
    public func applyRetention(olderThanDays days: Int) async throws -> RetentionReport {
        precondition(days >= 1)
        let now = self.now()
        let cutoff = now.millis - Int64(days) * 24 * 3600 * 1000
        return try await store.write { db in
            // Ended (closed, withdrawn) or abandoned before triage ('open'); never a waiting or active case.
            let candidates = try db.rows("""
                SELECT c.id, e.id AS export_id, e.acknowledged_at FROM conversations c
                LEFT JOIN record_exports e ON e.conversation_id = c.id
                WHERE c.updated_at < ? AND c.purged_at IS NULL AND c.status IN ('closed', 'withdrawn', 'open')
                ORDER BY c.id
                """, cutoff)
            var purged = 0
            var kept: [String] = []
            for row in candidates {
                guard let id = row.string("id") else { continue }
                if row.string("export_id") != nil && row.int64("acknowledged_at") == nil {
                    kept.append(id)
                    continue
                }
                for table in ["messages", "internal_notes", "events", "consultations", "photos"] {
                    try db.run("DELETE FROM \(table) WHERE conversation_id = ?", id)
                }
                try db.run("""
                    UPDATE conversations SET subject = NULL, answers = NULL, closing_instructions = NULL, closing_summary = NULL,
                        status = CASE status WHEN 'open' THEN 'withdrawn' ELSE status END, purged_at = ? WHERE id = ?
                    """, now.millis, id)
                try db.run("UPDATE record_exports SET document = '{}' WHERE conversation_id = ?", id)
                try db.run("UPDATE feedback SET comment = NULL WHERE conversation_id = ?", id)
                try db.run("UPDATE conversations SET feedback_commented = 0 WHERE id = ?", id)
                try db.run("UPDATE call_backs SET phone = NULL WHERE conversation_id = ?", id)
                try db.run("DELETE FROM reply_texts WHERE conversation_id = ?", id)
                try db.run("UPDATE notifications SET phone = NULL, text = NULL WHERE conversation_id = ?", id)
                purged += 1
            }
            return RetentionReport(purged: purged, keptUnacknowledged: kept.sorted())
        }
    }
}
