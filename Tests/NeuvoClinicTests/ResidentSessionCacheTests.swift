import Testing
@testable import NeuvoClinic

/// The session cache answers only what the database holds: never a row read before a change,
/// never past expiry.
@Suite struct ResidentSessionCacheTests {
    let token: [UInt8] = Array(repeating: 7, count: 32)
    let now = Timestamp(millis: 1_795_000_000_000)

    func session(expiring millis: Int64 = 1_795_000_060_000) -> ResidentSession {
        ResidentSession(id: 42, expiresAt: Timestamp(millis: millis), identity: nil)
    }

    @Test func aRowReadBeforeAChangeIsNotRemembered() {
        let cache = ResidentSessionCache()
        let miss = cache.session(tokenHash: token, at: now)
        #expect(miss.session == nil)
        // The session is ended (or identified) while the lookup reads the old row…
        cache.changed(sessionID: 42)
        cache.remember(session(), tokenHash: token, readAt: miss.generation)
        #expect(cache.session(tokenHash: token, at: now).session == nil, "the old row must not come back")
        // …a lookup after the change remembers what it read.
        let next = cache.session(tokenHash: token, at: now)
        cache.remember(session(), tokenHash: token, readAt: next.generation)
        #expect(cache.session(tokenHash: token, at: now).session?.id == 42)
        cache.changed(sessionID: 42)
        #expect(cache.session(tokenHash: token, at: now).session == nil, "a change drops the entry")
    }

    @Test func anExpiredSessionIsNeverAnswered() {
        let cache = ResidentSessionCache()
        let miss = cache.session(tokenHash: token, at: now)
        cache.remember(session(expiring: now.millis + 1), tokenHash: token, readAt: miss.generation)
        #expect(cache.session(tokenHash: token, at: now).session != nil)
        #expect(cache.session(tokenHash: token, at: Timestamp(millis: now.millis + 1)).session == nil)
    }

    @Test func aFullCacheStartsOver() {
        let cache = ResidentSessionCache(capacity: 2)
        for i in 0..<3 {
            let key = [UInt8(i)]
            let g = cache.session(tokenHash: key, at: now).generation
            cache.remember(ResidentSession(id: Int64(i), expiresAt: Timestamp(millis: now.millis + 60_000), identity: nil), tokenHash: key, readAt: g)
        }
        #expect(cache.session(tokenHash: [0], at: now).session == nil)
        #expect(cache.session(tokenHash: [2], at: now).session?.id == 2)
    }
}
