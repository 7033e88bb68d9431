import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// Continuity of care: a returning identified resident's case goes first to the
/// professional who closed their previous case, then to the whole queue.
@Suite struct ContinuityTests {
    @Test func offeredFirstToThePreviousProfessionalThenToEveryone() async throws {
        let clock = TestClock()
        let app = try TestApp { configuration in
            configuration.clock = { clock.now }
            configuration.trustedProxies = ["127.0.0.1"]
            configuration.offerSweepInterval = .milliseconds(100)
            configuration.continuity.offerMinutes = 10
        }
        defer { app.stop() }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("pekka", queues: ["nurse"], name: "Pekka Hoitaja")
        let identity = [("X-Neuvo-Identity", "131052-308T")]

        // The first case: Hanna handles and closes it.
        let first = try app.resident()
        let earlier = try #require(try first.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + identity).json?["id"]?.stringValue)
        _ = try first.submit(earlier, answers: TriageAPITests.calm)
        let handler = try app.workspace("hanna")
        _ = try handler.post("/api/v1/pro/pick", "{}")
        _ = try handler.post("/api/v1/pro/cases/\(earlier)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#)

        // A week later the same person, in a new browser session, comes back.
        clock.advance(minutes: 7 * 24 * 60)
        let hanna = try app.workspace("hanna"), pekka = try app.workspace("pekka")
        _ = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#)
        let again = try app.resident()
        let later = try #require(try again.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + identity).json?["id"]?.stringValue)
        _ = try again.submit(later, answers: TriageAPITests.calm)
        let hannas = try #require(try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue)
        #expect(hannas.map { $0["conversationId"]?.stringValue } == [later])
        #expect(hannas.first?["offeredToMe"] == .bool(true))
        #expect(try pekka.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.isEmpty == true)
        #expect(try pekka.post("/api/v1/pro/pick", "{}").json?["error"]?["code"]?.stringValue == "queue_empty")
        #expect(try pekka.post("/api/v1/pro/pick", #"{"conversationId": "\#(later)"}"#).status == 404)

        // The offer runs out: Pekka's stream wakes and the case is everyone's.
        let cursor = try #require(try pekka.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let poller = try app.park(RawClient.request("GET", "/api/v1/pro/events?after=\(cursor)&wait=20", headers: pekka.headers()))
        clock.advance(minutes: 11)
        let woken = try poller.readResponse()
        #expect(woken.json?["events"]?.arrayValue?.first?["type"]?.stringValue == "offerEnded", "\(woken.status) \(woken.text)")
        let pekkas = try pekka.get("/api/v1/pro/queue").json?["cases"]?.arrayValue
        #expect(pekkas?.map { $0["conversationId"]?.stringValue } == [later])
        #expect(pekkas?.first?["offeredToMe"] == .bool(false))
        #expect(try pekka.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == later)
    }

    @Test func anonymousAndLongAgoCasesGoToTheWholeQueue() async throws {
        let clock = TestClock()
        let app = try TestApp { configuration in
            configuration.clock = { clock.now }
            configuration.trustedProxies = ["127.0.0.1"]
        }
        defer { app.stop() }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("pekka", queues: ["nurse"])
        let identity = [("X-Neuvo-Identity", "131052-308T")]
        let first = try app.resident()
        let earlier = try #require(try first.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + identity).json?["id"]?.stringValue)
        _ = try first.submit(earlier, answers: TriageAPITests.calm)
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.post("/api/v1/pro/cases/\(earlier)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#)
        _ = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#)
        // An anonymous resident: no offer.
        let (_, anonymous) = try app.queuedResident()
        // The same person after 15 days: too long ago.
        clock.advance(minutes: 15 * 24 * 60)
        let again = try app.resident()
        let later = try #require(try again.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + identity).json?["id"]?.stringValue)
        _ = try again.submit(later, answers: TriageAPITests.calm)
        let pekka = try app.workspace("pekka")
        let seen = try pekka.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.compactMap { $0["conversationId"]?.stringValue }
        #expect(seen == [anonymous, later])
    }

    @Test func noOfferHoldsAnUrgentCaseOrWaitsForSomeoneOffShift() async throws {
        let app = try TestApp { configuration in configuration.trustedProxies = ["127.0.0.1"] }
        defer { app.stop() }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        try await app.addProfessional("hanna", queues: ["nurse", "child-health"])
        try await app.addProfessional("pekka", queues: ["nurse", "child-health"])
        let identity = [("X-Neuvo-Identity", "131052-308T")]
        func comeBack(subject: String = #"{"kind": "self"}"#) throws -> String {
            let resident = try app.resident()
            let id = try #require(try resident.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + identity).json?["id"]?.stringValue)
            #expect(try resident.submit(id, subject: subject, answers: TriageAPITests.calm).json?["outcome"]?.stringValue == "queued")
            return id
        }
        let hanna = try app.workspace("hanna"), pekka = try app.workspace("pekka")
        for queue in ["nurse", "child-health"] { _ = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "\#(queue)", "onShift": true}"#) }
        let earlier = try comeBack()
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(earlier)"}"#)
        _ = try hanna.post("/api/v1/pro/cases/\(earlier)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#)
        /// Offered to Hanna alone: her colleague does not see it in the queue.
        func offered(_ id: String) throws -> Bool {
            let seen = try pekka.get("/api/v1/pro/queue").json?["cases"]?.arrayValue ?? []
            return !seen.contains { $0["conversationId"]?.stringValue == id }
        }
        // The control: on shift, a calm case is offered to Hanna first.
        let calm = try comeBack()
        #expect(try offered(calm) == true)
        // Her child under two, urgent: straight to the whole queue.
        let urgent = try comeBack(subject: #"{"kind": "child", "firstName": "Aino", "ageYears": 1}"#)
        #expect(try offered(urgent) == false)
        // Hanna goes off shift in the nurses' queue: the case offered to her there is everyone's at once,
        // and nothing new waits for her.
        _ = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": false}"#)
        #expect(try offered(calm) == false)
        let whileAway = try comeBack()
        #expect(try offered(whileAway) == false)
    }
}
