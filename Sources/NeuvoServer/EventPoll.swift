import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON
import Synchronization

/// One resident's long poll on a conversation's event stream.
///
/// It subscribes to the hub before its first read (see ``EventHub``), parks if
/// the read found nothing, and on a wake reads again and completes the parked
/// request. A wake that comes before the engine has handed over the parked
/// request is remembered and acted on at hand-over.
final class EventPoll: Sendable {
    private let clinic: Clinic
    private let hub: EventHub
    let conversationID: String
    let after: Int64
    private struct State {
        var parked: ParkedRequest?
        var woken = false
        var token: UInt64 = 0
    }
    private let state = Mutex(State())

    init(clinic: Clinic, hub: EventHub, conversationID: String, after: Int64) {
        self.clinic = clinic
        self.hub = hub
        self.conversationID = conversationID
        self.after = after
    }

    /// Subscribes to the hub; call before reading the events.
    func subscribe() {
        let token = hub.subscribe(stream: conversationID) { [self] in wake() }
        state.withLock { $0.token = token }
    }

    /// Drops the subscription (the first read found events, or the wait ended).
    func unsubscribe() {
        let token = state.withLock { $0.token }
        hub.unsubscribe(stream: conversationID, token: token)
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
        let clinic = self.clinic, conversationID = self.conversationID, after = self.after
        parked.complete {
            let events = (try? clinic.events(conversationID: conversationID, after: after)) ?? []
            return EventPoll.response(events: events, after: after)
        }
    }

    /// `{"events": [...], "next": N}`; `next` is the cursor for the following poll.
    static func response(events: [ClinicEvent], after: Int64) -> Response {
        .json(.object(["events": .array(events.map(\.json)), "next": .int64(events.last?.seq ?? after)]))
    }
}
