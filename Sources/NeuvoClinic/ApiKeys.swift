import NeuvoStore

/// A key a system outside pulls with: the patient-record system its documents,
/// the SMS gateway its text messages. A key reaches only its own scope.
public struct ApiKey: Sendable, Equatable {
    public enum Scope: String, Sendable, CaseIterable {
        case records, notifications
    }

    public let id: Int64
    public let name: String
    public let scope: Scope
    public let createdAt: Timestamp
    public let revokedAt: Timestamp?
    public let lastUsedAt: Timestamp?
}

extension Clinic {
    /// Stores a new key by its hash; the caller shows the key itself once.
    public func createApiKey(name: String, keyHash: [UInt8], scope: ApiKey.Scope = .records) async throws -> ApiKey {
        let name = try Professional.validateUsername(name)
        let now = self.now()
        return try await store.write { db in
            guard try db.row("SELECT id FROM api_keys WHERE name = ?", name) == nil else {
                throw ClinicError.conflict(code: "name_taken", message: "An API key called '\(name)' exists.")
            }
            try db.run("INSERT INTO api_keys (name, key_hash, scope, created_at) VALUES (?, ?, ?, ?)", name, keyHash, scope.rawValue, now.millis)
            return ApiKey(id: db.lastInsertedRowID, name: name, scope: scope, createdAt: now, revokedAt: nil, lastUsedAt: nil)
        }
    }

    public func apiKeys() throws -> [ApiKey] {
        try store.read { db in
            try db.rows("SELECT * FROM api_keys ORDER BY name").map {
                ApiKey(id: $0.int64("id") ?? 0, name: $0.string("name") ?? "", scope: ApiKey.Scope(row: $0), createdAt: Timestamp(millis: $0.int64("created_at") ?? 0),
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
            return ApiKey(id: row.int64("id") ?? 0, name: row.string("name") ?? "", scope: ApiKey.Scope(row: row), createdAt: Timestamp(millis: row.int64("created_at") ?? 0),
                          revokedAt: nil, lastUsedAt: row.int64("last_used_at").map(Timestamp.init(millis:)))
        }
    }
}

extension ApiKey.Scope {
    /// The `scope` column; an unknown value reaches nothing a known scope does not (records is the default).
    init(row: Row) { self = row.string("scope").flatMap(Self.init(rawValue:)) ?? .records }
}
