import NeuvoJSON
import NeuvoStore

/// A resident's browser session. The server keeps the token in a cookie; the
/// clinic sees only its hash.
public struct ResidentSession: Sendable, Equatable {
    public let id: Int64
    public let expiresAt: Timestamp
    /// Set once the resident is strongly identified.
    public let identity: Identity?

    /// A verified identity: the personal identity code, a name if the proxy gave one, and how.
    public struct Identity: Sendable, Equatable {
        public enum Method: String, Sendable {
            /// Verified by the identity-aware reverse proxy in front of Neuvo (Suomi.fi).
            case proxy
            /// Demo mode's test identification: a checksum-valid code, nothing verified.
            case demo
        }
        public let code: PersonalIdentityCode
        public let name: String?
        public let method: Method

        public init(code: PersonalIdentityCode, name: String?, method: Method) {
            self.code = code
            self.name = name
            self.method = method
        }
    }

    /// How long a resident session lasts from its creation.
    public static let lifetimeMillis: Int64 = 7 * 24 * 3600 * 1000

    static func create(_ db: Database, tokenHash: [UInt8], now: Timestamp) throws -> ResidentSession {
        let expires = Timestamp(millis: now.millis + lifetimeMillis)
        try db.run("INSERT INTO resident_sessions (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
                   tokenHash, now.millis, expires.millis)
        return ResidentSession(id: db.lastInsertedRowID, expiresAt: expires, identity: nil)
    }

    init(id: Int64, expiresAt: Timestamp, identity: Identity?) {
        self.id = id
        self.expiresAt = expiresAt
        self.identity = identity
    }

    init?(row: Row) {
        guard let id = row.int64("id"), let expires = row.int64("expires_at") else { return nil }
        self.id = id
        expiresAt = Timestamp(millis: expires)
        if let code = row.string("identity_code").flatMap(PersonalIdentityCode.init),
           let method = row.string("identity_method").flatMap(Identity.Method.init(rawValue:)) {
            identity = Identity(code: code, name: row.string("identity_name"), method: method)
        } else {
            identity = nil
        }
    }
}

extension Clinic {
    /// The live session whose token hashes to `tokenHash`, or nil.
    public func residentSession(tokenHash: [UInt8]) throws -> ResidentSession? {
        let now = self.now()
        let cached = residentSessions.session(tokenHash: tokenHash, at: now)
        if let known = cached.session { return known }
        let found = try store.read { db -> ResidentSession? in
            guard let row = try db.row("SELECT * FROM resident_sessions WHERE token_hash = ?", tokenHash),
                  let session = ResidentSession(row: row), session.expiresAt > now else { return nil }
            return session
        }
        if let found { residentSessions.remember(found, tokenHash: tokenHash, readAt: cached.generation) }
        return found
    }

    /// Ends a session at once (a shared computer: "forget this device"): its cookie opens
    /// nothing from now on. Its matters stay with the professionals, and in the access log.
    public func endResidentSession(_ session: ResidentSession) async throws {
        let now = self.now()
        residentSessions.changed(sessionID: session.id)
        try await store.write { db in
            try db.run("UPDATE resident_sessions SET expires_at = ? WHERE id = ? AND expires_at > ?", now.millis, session.id, now.millis)
        }
        residentSessions.changed(sessionID: session.id)
    }

    /// A new, empty resident session (used when a session must start with an identity).
    public func startResidentSession(tokenHash: [UInt8]) async throws -> ResidentSession {
        let now = self.now()
        return try await store.write { db in try ResidentSession.create(db, tokenHash: tokenHash, now: now) }
    }

    /// Records a verified identity on an anonymous session. Identifying a session
    /// as someone else than it already is refused: one session, one person.
    public func identify(session: ResidentSession, as identity: ResidentSession.Identity) async throws -> ResidentSession {
        if let existing = session.identity {
            guard existing.code == identity.code else {
                throw ClinicError.conflict(code: "identity_mismatch", message: "This session belongs to another person; start a new one.")
            }
            return session
        }
        let now = self.now()
        residentSessions.changed(sessionID: session.id)
        let identified = try await store.write { db in
            try db.run("""
                UPDATE resident_sessions SET identity_code = ?, identity_name = ?, identity_method = ?, identified_at = ?
                WHERE id = ? AND identity_code IS NULL
                """, identity.code.value, identity.name, identity.method.rawValue, now.millis, session.id)
            guard let row = try db.row("SELECT * FROM resident_sessions WHERE id = ?", session.id),
                  let updated = ResidentSession(row: row), updated.identity?.code == identity.code else {
                throw ClinicError.conflict(code: "identity_mismatch", message: "This session belongs to another person; start a new one.")
            }
            return updated
        }
        residentSessions.changed(sessionID: session.id)
        return identified
    }
}
