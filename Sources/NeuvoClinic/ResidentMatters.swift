import NeuvoStore

/// One of a browser session's matters as its resident may keep it: what it was,
/// when, who handled it and what they were told to do.
public struct ResidentMatter: Sendable {
    public let conversation: Conversation
    public let closedAt: Timestamp?
    /// The professional's closing instructions ("doctor tomorrow at 9.30").
    public let instructions: String?
    public let closingOutcome: String?
    public let handledBy: (displayName: String, title: String)?
}

extension Clinic {
    /// The session's matters that got past opening, newest first (at most `limit`):
    /// the page lists the earlier ones and prints any of them. Content deleted by
    /// retention is simply not there.
    public func residentMatters(session: ResidentSession, limit: Int = 20) throws -> [ResidentMatter] {
        try store.read { db in
            try db.rows("""
                SELECT c.*, p.display_name AS handler_name, p.title AS handler_title FROM conversations c
                LEFT JOIN professionals p ON p.id = c.professional_id
                WHERE c.resident_session_id = ? AND c.status != 'open' ORDER BY c.created_at DESC, c.id DESC LIMIT ?
                """, session.id, limit).map { row in
                ResidentMatter(conversation: Conversation(row: row), closedAt: row.int64("closed_at").map(Timestamp.init(millis:)),
                               instructions: row.string("closing_instructions"), closingOutcome: row.string("closing_outcome"),
                               handledBy: row.string("handler_name").map { ($0, row.string("handler_title") ?? "") })
            }
        }
    }
}
