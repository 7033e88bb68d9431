import NeuvoJSON
import NeuvoStore

/// One row of the append-only event log: something a client must see.
public struct ClinicEvent: Sendable, Equatable {
    /// Position in the global log; the cursor clients send back as `after`.
    public let seq: Int64
    public let conversationID: String
    public let type: EventKind
    public let at: Timestamp
    public let data: JSONValue

    public init(seq: Int64, conversationID: String, type: EventKind, at: Timestamp, data: JSONValue) {
        self.seq = seq
        self.conversationID = conversationID
        self.type = type
        self.at = at
        self.data = data
    }

    /// Who may see an event: everyone in the conversation, or professionals only.
    enum Audience: String {
        case all, staff
    }

    /// Appends an event inside the caller's transaction.
    static func append(_ db: Database, conversationID: String, type: EventKind, data: JSONValue, at: Timestamp,
                       audience: Audience = .all) throws -> ClinicEvent {
        try db.run("INSERT INTO events (conversation_id, type, at, data, audience) VALUES (?, ?, ?, ?, ?)",
                   conversationID, type.rawValue, at.millis, data.text, audience.rawValue)
        return ClinicEvent(seq: db.lastInsertedRowID, conversationID: conversationID, type: type, at: at, data: data)
    }

    /// Nil for a type this version does not know (written by a newer one): a
    /// reader skips it rather than failing every poll that reaches it.
    init?(row: Row) {
        seq = row.int64("seq") ?? 0
        conversationID = row.string("conversation_id") ?? ""
        guard let type = row.string("type").flatMap(EventKind.init(rawValue:)) else { return nil }
        self.type = type
        at = Timestamp(millis: row.int64("at") ?? 0)
        data = (try? JSONValue.parse(row.string("data") ?? "null")) ?? .null
    }
}

extension Clinic {
    /// The events of one conversation the resident may see after `after`, oldest first, at most `limit`.
    public func events(conversationID: String, after: Int64, limit: Int = 200) throws -> [ClinicEvent] {
        try store.read { db in try ClinicEvent.residentEvents(db, conversationID: conversationID, after: after, limit: limit) }
    }
}

extension ClinicEvent {
    /// See ``Clinic/events(conversationID:after:limit:)``.
    static func residentEvents(_ db: Database, conversationID: String, after: Int64, limit: Int) throws -> [ClinicEvent] {
        try db.rows("""
            SELECT seq, conversation_id, type, at, data FROM events
            WHERE conversation_id = ? AND seq > ? AND audience = 'all' ORDER BY seq LIMIT ?
            """, conversationID, after, limit).compactMap { ClinicEvent(row: $0) }
    }
}

extension Clinic {
    /// The newest event's seq (0 when there are none): a cursor for "from now on".
    public func latestEventSeq() throws -> Int64 {
        try store.read { db in try db.row("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")?.int64("seq") ?? 0 }
    }
}
