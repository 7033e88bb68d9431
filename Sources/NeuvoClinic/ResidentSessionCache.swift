import Synchronization

/// Live resident sessions by their token's hash, so that a request does not open a read
/// transaction only to learn who is calling (every poll and message asks).
///
/// Invariants: an entry is what the database holds for that session, because a session's row
/// changes only through ``Clinic`` (identified: the entry is replaced; ended: removed) and in
/// this process alone. An entry past its `expiresAt` is never answered. Unknown tokens are not
/// remembered (each is looked up), so guessing fills nothing. At `capacity` entries the cache
/// starts over rather than tracking use. Safe from any thread.
final class ResidentSessionCache: Sendable {
    private struct Entries {
        var byToken: [[UInt8]: ResidentSession] = [:]
        var tokenOf: [Int64: [UInt8]] = [:]
    }
    private let entries = Mutex(Entries())
    private let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    func session(tokenHash: [UInt8], at now: Timestamp) -> ResidentSession? {
        entries.withLock { e in
            guard let session = e.byToken[tokenHash] else { return nil }
            guard session.expiresAt > now else {
                e.byToken[tokenHash] = nil
                e.tokenOf[session.id] = nil
                return nil
            }
            return session
        }
    }

    func remember(_ session: ResidentSession, tokenHash: [UInt8]) {
        entries.withLock { e in
            if e.byToken.count >= capacity { e = Entries() }
            e.byToken[tokenHash] = session
            e.tokenOf[session.id] = tokenHash
        }
    }

    /// The session's row changed: its entry becomes `session`, when it has one.
    func replace(_ session: ResidentSession) {
        entries.withLock { e in
            if let token = e.tokenOf[session.id] { e.byToken[token] = session }
        }
    }

    func forget(sessionID: Int64) {
        entries.withLock { e in
            if let token = e.tokenOf.removeValue(forKey: sessionID) { e.byToken[token] = nil }
        }
    }
}
