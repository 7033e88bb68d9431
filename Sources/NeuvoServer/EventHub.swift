import Synchronization

/// Wakes parked requests when a commit touches the stream they wait on.
///
/// A subscription is one-shot: ``publish(streams:)`` removes every waiter of a
/// touched stream and calls it. Callers publish only after their transaction
/// has committed, so a woken waiter that reads again sees the change. Waiters
/// subscribe *before* they read, so no commit can fall between their read and
/// their subscription unseen.
///
/// The hub also keeps a coarse history: each publish is numbered, and a fixed table of
/// ``historyBuckets`` slots keeps, per slot, the number of the last publish that touched a stream
/// hashing there. A waiter that learns of a stream only from its read (``StreamPoll``'s `follows`)
/// asks ``published(_:since:)`` whether that stream may have changed since before the read, and
/// reads again only then. Streams sharing a slot can answer "maybe" wrongly, never "no".
public final class EventHub: Sendable {
    public typealias Wake = @Sendable () -> Void

    private struct State {
        var nextToken: UInt64 = 1
        var waiters: [String: [UInt64: Wake]] = [:]
        var count = 0
        /// Publishes so far; the number of the latest.
        var published: UInt64 = 0
        /// Per slot, the number of the last publish that touched a stream hashing there.
        var lastPublished = [UInt64](repeating: 0, count: EventHub.historyBuckets)
    }
    /// Slots of the publish history: 32 KiB, so a slot is shared rarely enough that a shared one costs
    /// only an occasional needless read.
    static let historyBuckets = 4096
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
            s.published += 1
            for stream in ordered {
                s.lastPublished[Self.bucket(stream)] = s.published
                guard let waiters = s.waiters.removeValue(forKey: stream) else { continue }
                s.count -= waiters.count
                woken.append(contentsOf: waiters.values)
            }
        }
        for wake in woken { wake() }
    }

    /// A point in the hub's history: take it before a read to ask ``published(_:since:)`` after it.
    public var mark: UInt64 { state.withLock { $0.published } }

    /// Whether any of `streams` may have been published since `mark`. Never false for a stream that
    /// was; sometimes true for one that was not (it shares a slot with one that was).
    public func published(_ streams: [String], since mark: UInt64) -> Bool {
        state.withLock { s in streams.contains { s.lastPublished[Self.bucket($0)] > mark } }
    }

    /// FNV-1a over the name's bytes: the same slot in every process, unlike `hashValue`.
    static func bucket(_ stream: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in stream.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(historyBuckets))
    }

    /// Waiters currently subscribed.
    public var waiterCount: Int { state.withLock { $0.count } }
}
