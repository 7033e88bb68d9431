import NeuvoClinic
import NeuvoHTTP
import Synchronization

/// A long poll over some of the hub's streams.
///
/// It subscribes before each read (see ``EventHub``), so nothing committed
/// between a read and the park goes unseen. `read` returns the answer as things
/// stand and whether it holds anything the client has not seen; a wake after
/// which there is still nothing new leaves the request parked. One read serves
/// both: the answer when there is news, the fallback of the park when not.
///
/// A read may find that its answer also depends on streams the poll does not
/// listen to yet (a resident's conversation turns out to wait in a queue, whose
/// standing moves its place): it names them in `follows`, and the poll listens
/// to them too. It reads once more only if the hub may have published on them
/// since before the first read (``EventHub/published(_:since:)``): a commit
/// published before that mark is in the read already, and one after the
/// subscription wakes the poll, so nothing between the two goes unseen.
final class StreamPoll: Sendable {
    typealias Read = @Sendable () throws -> (response: Response, isNews: Bool, follows: [String])
    private let hub: EventHub
    private let read: Read
    private struct State {
        var parked: ParkedRequest?
        var woken = false
        /// Every stream the poll listens to: the given ones, then those its reads named.
        var streams: [String]
        var subscriptions: [(stream: String, token: UInt64)] = []
        /// The poll has answered or its wait has ended: nothing subscribes any more.
        var ended = false
    }
    private let state: Mutex<State>

    init(hub: EventHub, streams: [String], read: @escaping Read) {
        self.hub = hub
        self.read = read
        state = Mutex(State(streams: streams))
    }

    /// A poll whose reads depend on `streams` only.
    convenience init(hub: EventHub, streams: [String], reading: @escaping @Sendable () throws -> (response: Response, isNews: Bool)) {
        self.init(hub: hub, streams: streams) {
            let now = try reading()
            return (now.response, now.isNews, [])
        }
    }

    /// Answers at once if there is news (or `wait` is 0), else parks for up to
    /// `wait` seconds, with what there is now as the answer when the wait ends.
    func answer(wait: Int) throws -> HandlerResult {
        if wait > 0 { subscribe() }
        let now: (response: Response, isNews: Bool, follows: [String])
        do {
            now = try wait > 0 ? listeningRead() : read()
        } catch {
            finish()
            throw error
        }
        if now.isNews || wait == 0 {
            finish()
            return .respond(now.response)
        }
        return .park(Park(timeout: .seconds(wait), fallback: now.response, attach: { [self] parked in attach(parked) }))
    }

    /// A read while subscribed; if it names streams not listened to, listens to them, and reads again
    /// if they may have changed since before the read.
    private func listeningRead() throws -> (response: Response, isNews: Bool, follows: [String]) {
        // Before the read: a commit published up to here is in what the read sees.
        let mark = hub.mark
        let now = try read()
        // News is answered at once: nothing more to listen to.
        guard !now.isNews else { return now }
        let missing = state.withLock { s in
            let missing = now.follows.filter { !s.streams.contains($0) }
            s.streams += missing
            return missing
        }
        guard !missing.isEmpty else { return now }
        subscribe(missing)
        // Published on between the mark and the subscription: the read may have missed it.
        guard hub.published(missing, since: mark) else { return now }
        return try read()
    }

    private func subscribe(_ only: [String]? = nil) {
        for stream in only ?? state.withLock({ $0.streams }) {
            let wave = EventStreams.isStanding(stream)
            let token = hub.subscribe(stream: stream) { [self] in wake(wave: wave) }
            // A poll that ended meanwhile (its deadline, the client gone) already let go of the others.
            let kept = state.withLock { s in
                if !s.ended { s.subscriptions.append((stream, token)) }
                return !s.ended
            }
            if !kept { hub.unsubscribe(stream: stream, token: token) }
        }
    }

    private func unsubscribe(ending: Bool = false) {
        let subscriptions = state.withLock { s in
            if ending { s.ended = true }
            defer { s.subscriptions.removeAll() }
            return s.subscriptions
        }
        for (stream, token) in subscriptions { hub.unsubscribe(stream: stream, token: token) }
    }

    /// Lets go of every stream for good: the poll answered, or its wait ended.
    private func finish() { unsubscribe(ending: true) }

    /// The engine's hand-over of the parked request.
    private func attach(_ parked: ParkedRequest) {
        let woken = state.withLock { s in
            s.parked = parked
            return s.woken
        }
        parked.onCancel { [self] in finish() }
        if woken { deliver(to: parked, wave: false) }
    }

    private func wake(wave: Bool) {
        let parked = state.withLock { s in
            s.woken = true
            return s.parked
        }
        if let parked { deliver(to: parked, wave: wave) }
    }

    private func deliver(to parked: ParkedRequest, wave: Bool) {
        parked.complete(producing: { [self] in
            // Subscribe again before reading, then answer only if there is news.
            unsubscribe()
            state.withLock { $0.woken = false }
            subscribe()
            // The wait may have ended meanwhile; its cancellation already unsubscribed.
            guard parked.isWaiting else {
                finish()
                return nil
            }
            guard let now = try? listeningRead(), now.isNews else { return nil }
            finish()
            return now.response
        }, wave: wave)
    }
}

/// Names of the hub's streams.
enum EventStreams {
    static func conversation(_ id: String) -> String { id }
    /// A queue's cases coming and going, which its professionals follow.
    static func queue(_ id: String) -> String { "queue:" + id }
    /// A queue's waiting order and estimate, which its waiting residents follow.
    static func standing(_ id: String) -> String { "standing:" + id }
    static func isStanding(_ stream: String) -> Bool { stream.hasPrefix("standing:") }
    static func professional(_ id: Int64) -> String { "pro:\(id)" }
    /// Any queue's counts (waiting, in handling, on shift), which managers' live overviews follow.
    static let overview = "overview"

    /// Every stream a set of committed events touches: their conversations, and
    /// the queues whose cases or order they changed.
    static func touched(by events: [ClinicEvent]) -> Set<String> {
        var streams = Set<String>()
        for event in events {
            streams.insert(conversation(event.conversationID))
            if let queue = event.data["queue"]?["id"]?.stringValue {
                streams.insert(Self.queue(queue))
                if movesOthers(event) { streams.insert(standing(queue)) }
            }
            // Answered again into another queue: it left the one it waited in.
            if let left = event.data["previousQueue"]?["id"]?.stringValue {
                streams.insert(Self.queue(left))
                streams.insert(standing(left))
            }
            switch event.type {
            case .queued, .picked, .withdrawn, .transferred, .closed, .callBackRequested, .callBackCancelled, .callBackNotReached, .retriaged,
                 .redFlag: streams.insert(overview)
            default: break
            }
            // A case passed or shown to a named professional reaches their stream.
            if let professional = event.data["professional"]?["id"]?.intValue { streams.insert(Self.professional(Int64(professional))) }
        }
        return streams
    }

    /// Whether an event can move the residents waiting in its queue or change
    /// their estimate: a case leaving (picked, withdrawn), one passed back
    /// (it keeps its time, so it may go ahead), and an arrival of more than the
    /// least urgency. A least-urgent case joins behind everyone (ties go by
    /// arrival), so on a busy morning each arrival need not wake the thousand
    /// already waiting; an ended offer moves nobody.
    private static func movesOthers(_ event: ClinicEvent) -> Bool {
        switch event.type {
        case .picked, .withdrawn, .transferred, .callBackRequested, .retriaged: return true
        // A red flag while waiting takes the case out of its queue.
        case .redFlag: return event.data["whileWaiting"]?.boolValue == true
        case .queued: return event.data["urgency"]?.stringValue != Urgency.allCases.max()?.rawValue
        default: return false
        }
    }
}
