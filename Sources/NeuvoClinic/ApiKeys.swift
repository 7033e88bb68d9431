import NeuvoStore

/// A key the patient-record system pulls exports with.
public struct ApiKey: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let createdAt: Timestamp
    public let revokedAt: Timestamp?
    public let lastUsedAt: Timestamp?
}

extension Clinic {
    /// Stores a new key by its hash; the caller shows the key itself once.
    public func createApiKey(name: String, keyHash: [UInt8]) async throws -> ApiKey {
        let name = try Professional.validateUsername(name)
        let now = self.now()
        return try await store.write { db in
            guard try db.row("SELECT id FROM api_keys WHERE name = ?", name) == nil else {
                throw ClinicError.conflict(code: "name_taken", message: "An API key called '\(name)' exists.")
            }
            try db.run("INSERT INTO api_keys (name, key_hash, created_at) VALUES (?, ?, ?)", name, keyHash, now.millis)
            return ApiKey(id: db.lastInsertedRowID, name: name, createdAt: now, revokedAt: nil, lastUsedAt: nil)
        }
    }

    public func apiKeys() throws -> [ApiKey] {
        try store.read { db in
            try db.rows("SELECT * FROM api_keys ORDER BY name").map {
                ApiKey(id: $0.int64("id") ?? 0, name: $0.string("name") ?? "", createdAt: Timestamp(millis: $0.int64("created_at") ?? 0),
                       revokedAt: $0.int64("revoked_at").map(Timestamp.init(millis:)),
                       lastUsedAt: $0.int64("last_used_at").map(Timestamp.init(millis:)))
            }
        }
    }

    public func revokeApiKey(name: String) async throws {
        let now = self.now()
        try await store.write { db in
            guard try db.run("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ?", now.millis, name) == 1 else {
                throw ClinicError.notFound
            }
        }
    }

    /// The live key with this hash, or nil (unknown or revoked).
    public func apiKey(hash: [UInt8]) throws -> ApiKey? {
        try store.read { db in
            guard let row = try db.row("SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", hash) else { return nil }
            return ApiKey(id: row.int64("id") ?? 0, name: row.string("name") ?? "", createdAt: Timestamp(millis: row.int64("created_at") ?? 0),
                          revokedAt: nil, lastUsedAt: row.int64("last_used_at").map(Timestamp.init(millis:)))
        }
    }
}
