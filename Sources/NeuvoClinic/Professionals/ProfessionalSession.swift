import NeuvoStore

/// A professional's signed-in session. Ends on logout, on a password change or
/// disabling, after `idleLimit` without use, and `absoluteLimit` after sign-in.
public struct ProfessionalSession: Sendable, Equatable {
    public let id: Int64
    public let professionalID: Int64
    public let createdAt: Timestamp
    public let lastSeenAt: Timestamp

    /// Sign-in lasts at most a long shift.
    public static let absoluteLimitMillis: Int64 = 12 * 3600 * 1000
    /// An unattended browser is signed out after this long.
    public static let idleLimitMillis: Int64 = 30 * 60 * 1000
    /// Use is recorded at most this often, so polling does not write constantly.
    static let touchIntervalMillis: Int64 = 60 * 1000
}

extension Clinic {
    public func startProfessionalSession(professionalID: Int64, tokenHash: [UInt8]) async throws -> ProfessionalSession {
        let now = self.now()
        return try await store.write { db in
            try db.run("""
                INSERT INTO professional_sessions (token_hash, professional_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)
                """, tokenHash, professionalID, now.millis, now.millis)
            return ProfessionalSession(id: db.lastInsertedRowID, professionalID: professionalID, createdAt: now, lastSeenAt: now)
        }
    }

    /// The live session for `tokenHash` and its (enabled) professional, or nil.
    public func professionalSession(tokenHash: [UInt8]) throws -> (session: ProfessionalSession, professional: Professional)? {
        let now = self.now()
        guard let found = try store.read({ db -> (ProfessionalSession, Professional)? in
            guard let row = try db.row("""
                SELECT s.id, s.professional_id, s.created_at, s.last_seen_at FROM professional_sessions s
                JOIN professionals p ON p.id = s.professional_id
                WHERE s.token_hash = ? AND s.ended_at IS NULL AND p.disabled_at IS NULL
                """, tokenHash),
                let id = row.int64("id"), let professionalID = row.int64("professional_id"),
                let created = row.int64("created_at"), let seen = row.int64("last_seen_at") else { return nil }
            guard now.millis - created < ProfessionalSession.absoluteLimitMillis,
                  now.millis - seen < ProfessionalSession.idleLimitMillis,
                  let professional = try Professional.load(db, where: "id = ?", professionalID)?.professional else { return nil }
            return (ProfessionalSession(id: id, professionalID: professionalID, createdAt: Timestamp(millis: created),
                                        lastSeenAt: Timestamp(millis: seen)), professional)
        }) else { return nil }
        return found
    }

    /// Records use of a session (at most once a minute).
    public func touch(_ session: ProfessionalSession) async throws {
        let now = self.now()
        guard now.millis - session.lastSeenAt.millis >= ProfessionalSession.touchIntervalMillis else { return }
        try await store.write { db in
            try db.run("UPDATE professional_sessions SET last_seen_at = ? WHERE id = ?", now.millis, session.id)
        }
    }

    public func endProfessionalSession(id: Int64) async throws {
        let now = self.now()
        try await store.write { db in
            try db.run("UPDATE professional_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", now.millis, id)
        }
    }
}
