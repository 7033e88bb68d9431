import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// A waiting resident's parked poll, with what it last showed.
struct WaitingPoll {
    let resident: Resident
    let id: String
    var cursor: Int
    var position: Int
    var estimate: String
    var poller: RawClient?

    var query: String { "/api/v1/conversations/\(id)/events?after=\(cursor)&wait=20&position=\(position)&estimate=\(estimate)" }
}

/// Positions and estimates read once per change of the queue (migration 0011's
/// versions, `QueueStandings`), checked through parked polls over real sockets.
@Suite struct QueueStandingTests {
    /// Monday 10:00 in Helsinki: the test catalog's `nurse` queue is open.
    static let mondayMorning = "2026-11-23T08:00:00Z"

    /// The test catalog on Monday morning, with Hanna signed in and on shift in the nurse queue.
    func openQueueWithNurseOnShift() async throws -> (TestApp, Workspace) {
        let clock = TestClock()
        clock.set(to: Self.mondayMorning)
        let app = try await appWithCatalog(clock: clock)
        try await app.addProfessional("hanna", queues: ["nurse"])
        let nurse = try app.workspace("hanna")
        #expect(try nurse.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#).status == 200)
        return (app, nurse)
    }

    /// Queues residents in the nurse queue, `hot` ones (urgency soon) among calm ones (normal),
    /// and reads each one's cursor, position and estimate as the page would.
    func queue(_ app: TestApp, hot: [Bool]) throws -> [WaitingPoll] {
        var polls: [WaitingPoll] = []
        for isHot in hot {
            let (resident, id) = try app.queuedResident(hot: isHot)
            polls.append(WaitingPoll(resident: resident, id: id, cursor: 0, position: 0, estimate: "", poller: nil))
        }
        for i in polls.indices {
            let now = try #require(try polls[i].resident.get("/api/v1/conversations/\(polls[i].id)/events").json)
            polls[i].cursor = try #require(now["next"]?.intValue)
            polls[i].position = try #require(now["position"]?.intValue)
            polls[i].estimate = try #require(now["estimate"]?["key"]?.stringValue)
        }
        return polls
    }

    /// Parks every poll; returns once the hub holds all of them (two streams each: the conversation and the queue).
    func park(_ app: TestApp, _ polls: inout [WaitingPoll]) throws {
        let before = app.app.hub.waiterCount
        for i in polls.indices {
            let poller = try app.client()
            try poller.send(RawClient.request("GET", polls[i].query, headers: polls[i].resident.headers()))
            polls[i].poller = poller
        }
        let deadline = Date().addingTimeInterval(10)
        while app.app.hub.waiterCount < before + 2 * polls.count && Date() < deadline { usleep(10_000) }
        #expect(app.app.hub.waiterCount == before + 2 * polls.count, "every poll parked: none was answered with what it already showed")
    }

    @Test func onePickAnswersEveryWaitingResidentWithTheirNewPlaceExactlyOnce() async throws {
        let (app, nurse) = try await openQueueWithNurseOnShift()
        defer { app.stop() }

        // Urgency first, then waiting time, then arrival: the three hot cases (soon) go ahead of
        // the calm ones (normal), each group in the order they came.
        let hot = [false, false, true, false, true, false, false, true, false, false, false, false]
        var polls = try queue(app, hot: hot)
        let arrival = Array(polls.indices)
        let expectedOrder = arrival.filter { hot[$0] } + arrival.filter { !hot[$0] }
        #expect(expectedOrder.map { polls[$0].position } == Array(1...polls.count))

        try park(app, &polls)
        var waiting = expectedOrder
        for round in 1...3 {
            let picked = try nurse.post("/api/v1/pro/pick", "{}")
            #expect(picked.status == 200)
            #expect(picked.json?["id"]?.stringValue == polls[waiting[0]].id, "round \(round): the head of the queue is picked")
            // The picked resident hears of it; everyone behind moves up by exactly one.
            let head = waiting.removeFirst()
            let pickedAnswer = try #require(try polls[head].poller?.readResponse().json)
            #expect(pickedAnswer["status"]?.stringValue == "active")
            #expect(pickedAnswer["position"] == nil)
            #expect(pickedAnswer["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } == ["picked"])
            for (place, i) in waiting.enumerated() {
                let answer = try #require(try polls[i].poller?.readResponse().json)
                #expect(answer["status"]?.stringValue == "queued")
                #expect(answer["position"]?.intValue == polls[i].position - 1, "round \(round): no skipped place")
                #expect(answer["position"]?.intValue == place + 1, "round \(round): the order is unchanged")
                polls[i].position = try #require(answer["position"]?.intValue)
                polls[i].estimate = try #require(answer["estimate"]?["key"]?.stringValue)
                polls[i].cursor = try #require(answer["next"]?.intValue)
            }
            // Each re-poll with the new place parks at once: nobody is told the same place twice.
            var next = waiting.map { polls[$0] }
            try park(app, &next)
            for (k, i) in waiting.enumerated() { polls[i] = next[k] }
        }
        // A resident reading their matter directly sees the same place as their poll.
        let last = try #require(waiting.last)
        #expect(try polls[last].resident.get("/api/v1/conversations/\(polls[last].id)").json?["position"]?.intValue == polls[last].position)
    }

    @Test func anUrgentArrivalAWithdrawalAndAShiftEndingReachTheParkedPollsAtOnce() async throws {
        let (app, nurse) = try await openQueueWithNurseOnShift()
        defer { app.stop() }
        var polls = try queue(app, hot: [false, false, false])
        #expect(polls.map(\.estimate).allSatisfy { $0 != "nobody" })

        // A case of higher urgency arrives: it goes ahead, and everyone waiting moves down one.
        try park(app, &polls)
        _ = try app.queuedResident(hot: true)
        for i in polls.indices {
            let answer = try #require(try polls[i].poller?.readResponse().json)
            #expect(answer["position"]?.intValue == i + 2)
            polls[i].position = i + 2
            polls[i].cursor = try #require(answer["next"]?.intValue)
            polls[i].estimate = try #require(answer["estimate"]?["key"]?.stringValue)
        }

        // The first of them withdraws: the two behind move up, though nobody was picked.
        try park(app, &polls)
        #expect(try polls[0].resident.post("/api/v1/conversations/\(polls[0].id)/withdraw", "{}").status == 200)
        #expect(try polls[0].poller?.readResponse().json?["status"]?.stringValue == "withdrawn")
        for i in 1...2 {
            let answer = try #require(try polls[i].poller?.readResponse().json)
            #expect(answer["position"]?.intValue == i + 1)
            polls[i].position = i + 1
            polls[i].cursor = try #require(answer["next"]?.intValue)
            polls[i].estimate = try #require(answer["estimate"]?["key"]?.stringValue)
        }

        // The only nurse goes off shift: the estimate can no longer be given, and both hear it.
        var rest = Array(polls[1...2])
        try park(app, &rest)
        #expect(try nurse.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": false}"#).status == 200)
        for poll in rest {
            let answer = try #require(try poll.poller?.readResponse().json)
            #expect(answer["estimate"]?["state"]?.stringValue == "nobodyOnShift")
            #expect(answer["position"]?.intValue == poll.position)
        }
    }
}

extension QueueStandingTests {
    /// A case passed from the nurse queue to another takes its pick along: with one nurse on shift the
    /// queue's estimate rests on its picks of the last hour, so those still waiting hear a new one.
    @Test func aCasePassedToAnotherQueueChangesTheEstimateOfTheQueueItLeft() async throws {
        let (app, nurse) = try await openQueueWithNurseOnShift()
        defer { app.stop() }
        var polls = try queue(app, hot: [false, false])
        #expect(try nurse.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == polls[0].id)
        let waiting = try #require(try polls[1].resident.get("/api/v1/conversations/\(polls[1].id)/events").json)
        polls[1].position = try #require(waiting["position"]?.intValue)
        polls[1].estimate = try #require(waiting["estimate"]?["key"]?.stringValue)
        var second = [polls[1]]
        try park(app, &second)
        let passed = try nurse.post("/api/v1/pro/cases/\(polls[0].id)/transfer", #"{"queueId": "child-health"}"#)
        #expect(passed.status == 200)
        let answer = try #require(try second[0].poller?.readResponse().json)
        #expect(answer["position"]?.intValue == 1)
        #expect(answer["estimate"]?["key"]?.stringValue != polls[1].estimate)
    }
}
