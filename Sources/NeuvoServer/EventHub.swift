import Synchronization

/// Wakes parked requests when a commit touches the stream they wait on.
///
/// A subscription is one-shot: ``publish(streams:)`` removes every waiter of a
/// touched stream and calls it. Callers publish only after their transaction
/// has committed, so a woken waiter that reads again sees the change. Waiters
/// subscribe *before* they read, so no commit can fall between their read and
/// their subscription unseen.
public final class EventHub: Sendable {
    public typealias Wake = @Sendable () -> Void

    private struct State {
        var nextToken: UInt64 = 1
        var waiters: [String: [UInt64: Wake]] = [:]
        var count = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Registers `wake` for the next change to `stream`; returns a token for ``unsubscribe(stream:token:)``.
    public func subscribe(stream: String, wake: @escaping Wake) -> UInt64 {
        state.withLock { s in
            let token = s.nextToken
            s.nextToken += 1
            s.waiters[stream, default: [:]][token] = wake
            s.count += 1
            return token
        }
    }

    public func unsubscribe(stream: String, token: UInt64) {
        state.withLock { s in
            guard s.waiters[stream]?.removeValue(forKey: token) != nil else { return }
            s.count -= 1
            if s.waiters[stream]?.isEmpty == true { s.waiters.removeValue(forKey: stream) }
        }
    }

    /// Wakes every waiter of each stream in `streams` (call after the commit).
    /// Conversations and professionals first, queue standings last: a poll on
    /// both (the picked resident's) is woken by the one that answers it soonest.
    public func publish<S: Sequence>(streams: S) where S.Element == String {
        var woken: [Wake] = []
        let ordered = streams.filter { !EventStreams.isStanding($0) } + streams.filter(EventStreams.isStanding)
        state.withLock { s in
            for stream in ordered {
                guard let waiters = s.waiters.removeValue(forKey: stream) else { continue }
                s.count -= waiters.count
                woken.append(contentsOf: waiters.values)
            }
        }
        for wake in woken { wake() }
    }

    /// Waiters currently subscribed.
    public var waiterCount: Int { state.withLock { $0.count } }
}
