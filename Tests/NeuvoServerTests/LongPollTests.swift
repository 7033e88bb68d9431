import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// Long polling: parked until a commit touches the conversation, or the wait ends.
@Suite struct LongPollTests {
    @Test func aParkedPollIsWokenByACommittedMessage() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let start = try resident.get("/api/v1/conversations/\(id)/events")
        let cursor = try #require(start.json?["next"]?.intValue)

        let poller = try app.client()
        let began = Date()
        try poller.send(RawClient.request("GET", "/api/v1/conversations/\(id)/events?after=\(cursor)&wait=20",
                                          headers: resident.headers()))
        usleep(200_000)  // let it park
        #expect(app.app.hub.waiterCount == 1)
        let posted = try resident.postMessage(id, text: "uusi viesti")
        #expect(posted.status == 201)
        let woken = try poller.readResponse()
        #expect(woken.status == 200)
        #expect(Date().timeIntervalSince(began) < 5)
        let events = try #require(woken.json?["events"]?.arrayValue)
        #expect(events.count == 1)
        #expect(events.first?["data"]?["text"]?.stringValue == "uusi viesti")
        #expect(woken.json?["next"]?.intValue == posted.json?["seq"]?.intValue)
        #expect(app.app.hub.waiterCount == 0)
    }

    @Test func aPollOnAnotherConversationStaysParked() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let watched = try resident.openConversation()
        let other = try resident.openConversation()
        let cursor = try #require(try resident.get("/api/v1/conversations/\(watched)/events").json?["next"]?.intValue)
        let poller = try app.client()
        try poller.send(RawClient.request("GET", "/api/v1/conversations/\(watched)/events?after=\(cursor)&wait=1",
                                          headers: resident.headers()))
        usleep(100_000)
        _ = try resident.postMessage(other, text: "toinen")
        let response = try poller.readResponse()
        #expect(response.json?["events"]?.arrayValue?.isEmpty == true)
    }

    @Test func aPollThatTimesOutAnswersEmptyWithTheSameCursor() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let began = Date()
        let response = try resident.get("/api/v1/conversations/\(id)/events?after=1000&wait=1")
        let waited = Date().timeIntervalSince(began)
        #expect(response.status == 200)
        #expect(response.json?["events"]?.arrayValue?.isEmpty == true)
        #expect(response.json?["next"]?.intValue == 1000)
        #expect(waited >= 0.95 && waited < 3)
        #expect(app.app.hub.waiterCount == 0)
    }

    @Test func eventsAlreadyThereAreAnsweredAtOnce() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let began = Date()
        let response = try resident.get("/api/v1/conversations/\(id)/events?after=0&wait=25")
        #expect(response.json?["events"]?.arrayValue?.count == 1)
        #expect(Date().timeIntervalSince(began) < 1)
    }

    @Test func manyPollersOnOneConversationAllWake() throws {
        let app = try TestApp()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let cursor = try #require(try resident.get("/api/v1/conversations/\(id)/events").json?["next"]?.intValue)
        let pollers = try (0..<20).map { _ in try app.client() }
        for poller in pollers {
            try poller.send(RawClient.request("GET", "/api/v1/conversations/\(id)/events?after=\(cursor)&wait=20",
                                              headers: resident.headers()))
        }
        let deadline = Date().addingTimeInterval(5)
        while app.app.hub.waiterCount < 20 && Date() < deadline { usleep(10_000) }
        _ = try resident.postMessage(id, text: "kaikille")
        for poller in pollers {
            #expect(try poller.readResponse().json?["events"]?.arrayValue?.count == 1)
        }
    }

    @Test func gracefulStopAnswersParkedPolls() throws {
        let app = try TestApp()
        let resident = try app.resident()
        let id = try resident.openConversation()
        let poller = try app.client()
        try poller.send(RawClient.request("GET", "/api/v1/conversations/\(id)/events?after=100&wait=30",
                                          headers: resident.headers()))
        usleep(200_000)
        let began = Date()
        app.stop()
        let response = try poller.readResponse()
        #expect(response.status == 200)
        #expect(response.json?["next"]?.intValue == 100)
        #expect(response.header("connection") == "close")
        #expect(Date().timeIntervalSince(began) < 5)
    }
}
