import NeuvoStore

/// A resident's browser session. The server keeps the token in a cookie; the
/// clinic sees only its hash.
public struct ResidentSession: Sendable, Equatable {
    public let id: Int64
    public let expiresAt: Timestamp

    /// How long a resident session lasts from its creation.
    public static let lifetimeMillis: Int64 = 7 * 24 * 3600 * 1000

    static func create(_ db: Database, tokenHash: [UInt8], now: Timestamp) throws -> ResidentSession {
        let expires = Timestamp(millis: now.millis + lifetimeMillis)
        try db.run("INSERT INTO resident_sessions (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
                   tokenHash, now.millis, expires.millis)
        return ResidentSession(id: db.lastInsertedRowID, expiresAt: expires)
    }
}

extension Clinic {
    /// The live session whose token hashes to `tokenHash`, or nil.
    public func residentSession(tokenHash: [UInt8]) throws -> ResidentSession? {
        let now = self.now()
        return try store.read { db in
            guard let row = try db.row("SELECT id, expires_at FROM resident_sessions WHERE token_hash = ?", tokenHash),
                  let id = row.int64("id"), let expires = row.int64("expires_at"), expires > now.millis else { return nil }
            return ResidentSession(id: id, expiresAt: Timestamp(millis: expires))
        }
    }
}
