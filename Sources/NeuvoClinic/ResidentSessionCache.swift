import Synchronization

/// Live resident sessions by their token's hash, so that a request does not open a read
/// transaction only to learn who is calling (every poll and message asks).
///
/// Invariants: an entry is what the database holds for that session. A session's row changes
/// only through ``Clinic`` (identified, ended) and in this process alone; each change bumps the
/// generation before and after its write, and a row read before a change is never remembered
/// after it (``remember(_:tokenHash:readAt:)`` compares generations). An entry past its
/// `expiresAt` is never answered. Unknown tokens are not remembered (each is looked up), so
/// guessing fills nothing. At `capacity` entries the cache starts over. Safe from any thread.
final class ResidentSessionCache: Sendable {
    private struct Entries {
        var byToken: [[UInt8]: ResidentSession] = [:]
        var tokenOf: [Int64: [UInt8]] = [:]
        var generation: UInt64 = 0
    }
    private let entries = Mutex(Entries())
    private let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    /// The cached session, or nil with the generation to hand to ``remember(_:tokenHash:readAt:)``
    /// after reading the row.
    func session(tokenHash: [UInt8], at now: Timestamp) -> (session: ResidentSession?, generation: UInt64) {
        entries.withLock { e in
            guard let session = e.byToken[tokenHash] else { return (nil, e.generation) }
            guard session.expiresAt > now else {
                e.byToken[tokenHash] = nil
                e.tokenOf[session.id] = nil
                return (nil, e.generation)
            }
            return (session, e.generation)
        }
    }

    /// Remembers a row read at `generation`, unless a session changed since.
    func remember(_ session: ResidentSession, tokenHash: [UInt8], readAt generation: UInt64) {
        entries.withLock { e in
            guard e.generation == generation else { return }
            if e.byToken.count >= capacity { e.byToken = [:]; e.tokenOf = [:] }
            e.byToken[tokenHash] = session
            e.tokenOf[session.id] = tokenHash
        }
    }

    /// A session's row is about to change or has changed: its entry goes, and rows read before now
    /// will not be remembered. Call before the write and again after it.
    func changed(sessionID: Int64) {
        entries.withLock { e in
            e.generation &+= 1
            if let token = e.tokenOf.removeValue(forKey: sessionID) { e.byToken[token] = nil }
        }
    }
}
