import NeuvoStore

/// Throttling of failed sign-ins: guessing is slowed and stopped, but nobody
/// can lock a professional out from elsewhere.
///
/// - An account at one address (the pair): after ``maxFailures`` wrong
///   passwords within ``windowMillis`` that address is refused for that
///   account until the window ends (429), and the lockout is recorded.
///   The same account from any other address is not affected.
/// - An address across all accounts, and an account across all addresses:
///   past ``slowAfterPerAddress`` / ``slowAfterPerAccount`` failures every
///   further attempt waits ``delayMillis`` before its password is checked. A
///   right password still signs in: these counts slow, they never refuse.
public enum LoginThrottle {
    /// Wrong passwords for one account from one address before that pair is shut out.
    public static let maxFailures = 5
    /// Failures from one address (any accounts) before its attempts are slowed.
    public static let slowAfterPerAddress = 50
    /// Failures for one account (any addresses) before its attempts are slowed.
    public static let slowAfterPerAccount = 20
    public static let windowMillis: Int64 = 15 * 60 * 1000
    /// The wait of a slowed attempt.
    public static let delayMillis: Int64 = 2_000

    /// What to do with an attempt, decided before the password is checked.
    public enum Verdict: Equatable, Sendable {
        case check
        /// Check the password after this many milliseconds.
        case slow(millis: Int64)
        /// Refuse without checking; the pair may try again this many seconds later.
        case refuse(retryAfterSeconds: Int)
    }

    /// The counters an attempt touches: the pair, the account and the address.
    public struct Keys: Sendable, Equatable {
        public let username: String
        public let address: String
        var pair: String { "pair:\(username)@\(address)" }
        /// The counter of the account across all addresses.
        public var account: String { "user:" + username }
        /// The counter of the address across all accounts.
        public var addressKey: String { "addr:" + address }

        public init(username: String, address: String) {
            self.username = username.lowercased()
            self.address = address
        }
    }
}

extension Clinic {
    /// Counts a sign-in attempt before the password is checked, in one writer
    /// transaction, so parallel attempts cannot slip past a limit; a success
    /// takes the count back (``loginSucceeded(_:)``). The attempt that shuts a
    /// pair out is recorded in `sign_in_lockouts`.
    public func registerLoginAttempt(_ keys: LoginThrottle.Keys) async throws -> LoginThrottle.Verdict {
        let now = self.now()
        return try await store.write { db in
            func count(_ key: String) throws -> (failures: Int, startedAt: Int64) {
                try db.run("""
                    INSERT INTO login_failures (key, failures, window_started_at) VALUES (?1, 1, ?2)
                    ON CONFLICT (key) DO UPDATE SET
                        failures = CASE WHEN ?2 - window_started_at >= ?3 THEN 1 ELSE failures + 1 END,
                        window_started_at = CASE WHEN ?2 - window_started_at >= ?3 THEN ?2 ELSE window_started_at END
                    """, key, now.millis, LoginThrottle.windowMillis)
                let row = try db.row("SELECT failures, window_started_at FROM login_failures WHERE key = ?", key)
                return (row?.int("failures") ?? 0, row?.int64("window_started_at") ?? now.millis)
            }
            // Windows that have ended are forgotten, so made-up names leave nothing behind.
            try db.run("DELETE FROM login_failures WHERE window_started_at <= ?", now.millis - LoginThrottle.windowMillis)
            let pair = try count(keys.pair)
            if pair.failures > LoginThrottle.maxFailures {
                if pair.failures == LoginThrottle.maxFailures + 1 {
                    try db.run("INSERT INTO sign_in_lockouts (username, address, at) VALUES (?, ?, ?)", keys.username, keys.address, now.millis)
                }
                let left = pair.startedAt + LoginThrottle.windowMillis - now.millis
                // A refused attempt checks no password, so it counts against nothing else.
                return .refuse(retryAfterSeconds: Int(max(1, (left + 999) / 1000)))
            }
            let account = try count(keys.account).failures
            let address = try count(keys.addressKey).failures
            if account > LoginThrottle.slowAfterPerAccount || address > LoginThrottle.slowAfterPerAddress {
                return .slow(millis: LoginThrottle.delayMillis)
            }
            return .check
        }
    }

    /// A successful sign-in: the pair's and the account's counts are cleared, and
    /// the attempt no longer counts against the address.
    public func loginSucceeded(_ keys: LoginThrottle.Keys) async throws {
        try await store.write { db in
            try db.run("DELETE FROM login_failures WHERE key IN (?, ?)", keys.pair, keys.account)
            try db.run("UPDATE login_failures SET failures = MAX(failures - 1, 0) WHERE key = ?", keys.addressKey)
        }
    }

    /// Lockouts recorded since `since`, newest first: (username, address, when).
    public func signInLockouts(since: Timestamp) throws -> [(username: String, address: String, at: Timestamp)] {
        try store.read { db in
            try db.rows("SELECT username, address, at FROM sign_in_lockouts WHERE at >= ? ORDER BY at DESC, id DESC", since.millis).map {
                ($0.string("username") ?? "", $0.string("address") ?? "", Timestamp(millis: $0.int64("at") ?? 0))
            }
        }
    }
}
