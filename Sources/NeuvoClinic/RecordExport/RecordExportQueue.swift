import NeuvoJSON
import NeuvoStore

/// One stored export as the record system sees it.
public struct StoredExport: Sendable, Equatable {
    public let id: String
    /// The commit-ordered cursor.
    public let seq: Int64
    public let conversationID: String
    public let createdAt: Timestamp
    public let acknowledgedAt: Timestamp?
    public let document: JSONValue

    init(row: Row) {
        id = row.string("id") ?? ""
        seq = row.int64("seq") ?? 0
        conversationID = row.string("conversation_id") ?? ""
        createdAt = Timestamp(millis: row.int64("created_at") ?? 0)
        acknowledgedAt = row.int64("acknowledged_at").map(Timestamp.init(millis:))
        document = (try? JSONValue.parse(row.string("document") ?? "null")) ?? .null
    }
}

extension Clinic {
    /// A page of exports after `after` in commit order. One writer assigns `seq`
    /// inside its transactions, so no export can later appear below a cursor
    /// already handed out: paging never skips one that commits meanwhile.
    public func recordExports(after: Int64, limit: Int, unacknowledgedOnly: Bool) throws -> [StoredExport] {
        try store.read { db in
            try db.rows("""
                SELECT * FROM record_exports WHERE seq > ? AND (? = 0 OR acknowledged_at IS NULL) ORDER BY seq LIMIT ?
                """, after, unacknowledgedOnly ? 1 : 0, limit).map(StoredExport.init(row:))
        }
    }

    /// How many exports the record system has not yet acknowledged.
    public func unacknowledgedExportCount() throws -> Int {
        try store.read { db in try db.row("SELECT COUNT(*) AS n FROM record_exports WHERE acknowledged_at IS NULL")?.int("n") ?? 0 }
    }

    public func recordExport(id: String) throws -> StoredExport? {
        guard Identifier.isWellFormed(id) else { return nil }
        return try store.read { db in try db.row("SELECT * FROM record_exports WHERE id = ?", id).map(StoredExport.init(row:)) }
    }

    /// Marks an export stored by the record system. Idempotent: the first time counts.
    public func acknowledgeExport(id: String) async throws -> StoredExport {
        guard Identifier.isWellFormed(id) else { throw ClinicError.notFound }
        let now = self.now()
        return try await store.write { db in
            try db.run("UPDATE record_exports SET acknowledged_at = COALESCE(acknowledged_at, ?) WHERE id = ?", now.millis, id)
            guard let row = try db.row("SELECT * FROM record_exports WHERE id = ?", id) else { throw ClinicError.notFound }
            return StoredExport(row: row)
        }
    }
}
