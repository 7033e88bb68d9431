import NeuvoStore

/// What a change made outside the running server (by the command line, in
/// another process) asks the server to tell its open pages.
public struct OutsideChanges: Sendable {
    /// The cursor after these changes.
    public let last: Int64
    /// Professionals whose sessions ended.
    public let professionals: [Int64]
    /// The events the changes appended.
    public let events: [ClinicEvent]
}

extension Clinic {
    /// Notes, in the change's transaction, what another process must hear of it.
    /// The server's own routes publish their events themselves; a second, later
    /// wake from this row is harmless (a woken poll answers only what is new).
    static func recordOutsideChange(_ db: Database, professionalID: Int64?, events: [ClinicEvent], at now: Timestamp) throws {
        try db.run("INSERT INTO outside_changes (professional_id, first_event_seq, last_event_seq, at) VALUES (?, ?, ?, ?)",
                   professionalID, events.map(\.seq).min(), events.map(\.seq).max(), now.millis)
    }

    /// The newest change's cursor (0 when none): where a starting server begins.
    public func latestOutsideChange() throws -> Int64 {
        try store.read { db in try db.row("SELECT COALESCE(MAX(seq), 0) AS seq FROM outside_changes")?.int64("seq") ?? 0 }
    }

    /// The changes after `after`, with their events (at most a few hundred: a disabled account's open cases).
    public func outsideChanges(after: Int64) throws -> OutsideChanges {
        try store.read { db in
            var last = after, professionals: [Int64] = [], events: [ClinicEvent] = []
            for row in try db.rows("SELECT * FROM outside_changes WHERE seq > ? ORDER BY seq LIMIT 100", after) {
                last = row.int64("seq") ?? last
                if let id = row.int64("professional_id") { professionals.append(id) }
                if let first = row.int64("first_event_seq"), let final = row.int64("last_event_seq") {
                    events += try db.rows("""
                        SELECT seq, conversation_id, type, at, data FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT 1000
                        """, first, final).compactMap { ClinicEvent(row: $0) }
                }
            }
            return OutsideChanges(last: last, professionals: professionals, events: events)
        }
    }
}
