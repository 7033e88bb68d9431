@testable import NeuvoServer
import NeuvoHTTP
import Synchronization
import Testing

/// A poll that learns from its read which other stream it depends on (a resident's conversation
/// waiting in a queue) reads a second time only when that stream may have changed meanwhile.
struct StreamPollTests {
    /// Counts reads; the first read can publish on a stream, as a commit landing while it ran would.
    final class Reads: Sendable {
        let count = Atomic(0)
        let hub: EventHub
        let publishDuringFirstRead: String?
        init(hub: EventHub, publishDuringFirstRead: String? = nil) {
            self.hub = hub
            self.publishDuringFirstRead = publishDuringFirstRead
        }
        func read() -> (response: Response, isNews: Bool, follows: [String]) {
            let n = count.add(1, ordering: .sequentiallyConsistent).newValue
            if n == 1, let stream = publishDuringFirstRead { hub.publish(streams: [stream]) }
            return (Response(), false, ["standing:q"])
        }
    }

    private func parks(_ result: HandlerResult) -> Bool {
        if case .park = result { return true }
        return false
    }

    @Test func theHistoryAnswersWhetherAStreamWasPublishedSinceAMark() {
        let hub = EventHub()
        #expect(EventHub.bucket("standing:q") != EventHub.bucket("c1"))
        let before = hub.mark
        #expect(!hub.published(["standing:q"], since: before))
        hub.publish(streams: ["c1"])
        #expect(!hub.published(["standing:q"], since: before), "another stream's publish does not count")
        #expect(hub.published(["c1"], since: before))
        hub.publish(streams: ["standing:q"])
        #expect(hub.published(["standing:q"], since: before))
        #expect(!hub.published(["standing:q", "c1"], since: hub.mark), "nothing since a mark taken now")
        #expect(EventHub.bucket("standing:q") == EventHub.bucket("standing:q"))
    }

    @Test func aFollowedStreamQuietSinceTheReadIsNotReadAgain() throws {
        let hub = EventHub()
        hub.publish(streams: ["standing:q"])  // earlier history: before the read's mark, so in what it sees
        let reads = Reads(hub: hub)
        let poll = StreamPoll(hub: hub, streams: ["c1"], read: reads.read)
        #expect(parks(try poll.answer(wait: 30)))
        #expect(reads.count.load(ordering: .sequentiallyConsistent) == 1)
        #expect(hub.waiterCount == 2, "it listens to the conversation and to the queue's standing")
    }

    @Test func aFollowedStreamPublishedDuringTheReadIsReadAgain() throws {
        let hub = EventHub()
        let reads = Reads(hub: hub, publishDuringFirstRead: "standing:q")
        let poll = StreamPoll(hub: hub, streams: ["c1"], read: reads.read)
        #expect(parks(try poll.answer(wait: 30)))
        #expect(reads.count.load(ordering: .sequentiallyConsistent) == 2, "the first read may have missed that change")
        #expect(hub.waiterCount == 2)
    }

    @Test func aPublishAfterTheSubscriptionWakesInsteadOfReadingAgain() throws {
        let hub = EventHub()
        let reads = Reads(hub: hub)
        let poll = StreamPoll(hub: hub, streams: ["c1"], read: reads.read)
        #expect(parks(try poll.answer(wait: 30)))
        hub.publish(streams: ["standing:q"])
        #expect(hub.waiterCount == 1, "the standing's publish took the poll's waiter: it was woken")
        #expect(reads.count.load(ordering: .sequentiallyConsistent) == 1, "not yet attached: the wake waits for the engine")
    }

    @Test func aPollWithoutAWaitReadsOnceAndListensToNothing() throws {
        let hub = EventHub()
        let reads = Reads(hub: hub, publishDuringFirstRead: "standing:q")
        let poll = StreamPoll(hub: hub, streams: ["c1"], read: reads.read)
        #expect(!parks(try poll.answer(wait: 0)))
        #expect(reads.count.load(ordering: .sequentiallyConsistent) == 1)
        #expect(hub.waiterCount == 0)
    }
}
