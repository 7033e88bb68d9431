import Dispatch
import Synchronization

/// Spaces out slowed sign-in attempts: per address and per account, one every
/// ``LoginThrottle/delayMillis`` in turn, so sending many at once gains nothing.
/// A line longer than ``maxWaitMillis`` is refused (429) rather than held.
///
/// Thread safety: any thread. In memory: a restart forgets the line, not the counts.
final class LoginPacer: Sendable {
    static let maxWaitMillis: UInt64 = 30_000
    private let next = Mutex<[String: UInt64]>([:])

    /// How long this attempt waits before its password is checked, or nil when the line is full.
    func wait(keys: [String], delayMillis: UInt64) -> UInt64? {
        let now = DispatchTime.now().uptimeNanoseconds / 1_000_000
        return next.withLock { next in
            let start = keys.map { max(now, next[$0] ?? 0) }.max() ?? now
            guard start - now <= Self.maxWaitMillis else { return nil }
            for key in keys { next[key] = start + delayMillis }
            if next.count > 10_000 { next = next.filter { $0.value > now } }
            return start + delayMillis - now
        }
    }
}
