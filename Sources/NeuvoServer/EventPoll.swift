import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON
import Synchronization

/// One resident's long poll on a conversation's event stream.
///
/// It answers when events after the client's cursor exist, or when the queue
/// position differs from the one the client last saw. It subscribes to the hub
/// (the conversation's stream, and its queue's stream while waiting) before
/// each read, so nothing committed between a read and the park goes unseen; a
/// wake that changed nothing the client cares about leaves the request parked.
final class EventPoll: Sendable {
    private let clinic: Clinic
    private let hub: EventHub
    let conversationID: String
    let after: Int64
    /// The position the client last saw, if it told us.
    let seenPosition: Int?
    private let streams: [String]
    private struct State {
        var parked: ParkedRequest?
        var woken = false
        var subscriptions: [(stream: String, token: UInt64)] = []
    }
    private let state = Mutex(State())

    init(clinic: Clinic, hub: EventHub, conversation: Conversation, after: Int64, seenPosition: Int?) {
        self.clinic = clinic
        self.hub = hub
        conversationID = conversation.id
        self.after = after
        self.seenPosition = seenPosition
        var streams = [EventStreams.conversation(conversation.id)]
        if conversation.status == "queued", let queue = conversation.queueID { streams.append(EventStreams.queue(queue)) }
        self.streams = streams
    }

    /// Subscribes to the hub; call before reading.
    func subscribe() {
        for stream in streams {
            let token = hub.subscribe(stream: stream) { [self] in wake() }
            state.withLock { $0.subscriptions.append((stream, token)) }
        }
    }

    /// Drops every subscription.
    func unsubscribe() {
        let subscriptions = state.withLock { s in
            defer { s.subscriptions.removeAll() }
            return s.subscriptions
        }
        for (stream, token) in subscriptions { hub.unsubscribe(stream: stream, token: token) }
    }

    /// The answer if there is news for the client, else nil.
    func news() throws -> Response? {
        let events = try clinic.events(conversationID: conversationID, after: after)
        let conversation = try clinic.conversationState(id: conversationID)
        let positionChanged = seenPosition != nil && conversation?.position != seenPosition
        guard !events.isEmpty || positionChanged else { return nil }
        return Self.response(events: events, after: after, state: conversation)
    }

    /// The engine's hand-over of the parked request.
    func attach(_ parked: ParkedRequest) {
        let woken = state.withLock { s in
            s.parked = parked
            return s.woken
        }
        parked.onCancel { [self] in unsubscribe() }
        if woken { deliver(to: parked) }
    }

    private func wake() {
        let parked = state.withLock { s in
            s.woken = true
            return s.parked
        }
        if let parked { deliver(to: parked) }
    }

    private func deliver(to parked: ParkedRequest) {
        parked.complete { [self] in
            // Subscribe again before reading, then answer only if there is news.
            unsubscribe()
            state.withLock { $0.woken = false }
            subscribe()
            guard let response = try? news() else { return nil }
            unsubscribe()
            return response
        }
    }

    /// `{"events": [...], "next": N, "status": "...", "position": P}`; `next` is the
    /// cursor for the following poll, `position` is present while queued.
    static func response(events: [ClinicEvent], after: Int64, state: (status: String, position: Int?)?) -> Response {
        var object = JSONObject([("events", .array(events.map(\.json))), ("next", .int64(events.last?.seq ?? after))])
        if let state {
            object["status"] = .string(state.status)
            if let position = state.position { object["position"] = .int(position) }
        }
        return .json(.object(object))
    }
}

/// Names of the hub's streams.
enum EventStreams {
    static func conversation(_ id: String) -> String { id }
    static func queue(_ id: String) -> String { "queue:" + id }

    /// Every stream a set of committed events touches: their conversations, and
    /// the queues whose order they changed (a case joined or left).
    static func touched(by events: [ClinicEvent]) -> Set<String> {
        var streams = Set<String>()
        for event in events {
            streams.insert(conversation(event.conversationID))
            if let queue = event.data["queue"]?["id"]?.stringValue { streams.insert(Self.queue(queue)) }
        }
        return streams
    }
}
