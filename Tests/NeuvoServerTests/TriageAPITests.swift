import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoTestSupport
import Testing

extension Resident {
    func submit(_ conversation: String, service: String = "skin", subject: String = #"{"kind": "self"}"#, answers: String) throws -> RawResponse {
        try post("/api/v1/conversations/\(conversation)/pre-questionnaire",
                 #"{"serviceId": "\#(service)", "subject": \#(subject), "answers": \#(answers)}"#)
    }
}

/// The resident's journey over the API: catalog, whose matter, answers, red flags, routing, queue position.
@Suite struct TriageAPITests {
    static let calm = #"{"duration": "days", "spreading": false, "breathing": false, "fever": false}"#
    static let hot = #"{"duration": "hours", "breathing": false, "fever": true, "temperature": 39.2}"#

    func appWithCatalog() async throws -> TestApp {
        let app = try TestApp()
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        return app
    }

    @Test func catalogIsPublicButHidesTheRules() async throws {
        let app = try TestApp()
        defer { app.stop() }
        #expect(try app.client().call("GET", "/api/v1/catalog").status == 503)
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        let response = try app.client().call("GET", "/api/v1/catalog")
        #expect(response.status == 200)
        let json = try #require(response.json)
        #expect(json["version"]?.stringValue == "test-1")
        let skin = try #require(json["services"]?.arrayValue?.first?["children"]?.arrayValue?.first)
        #expect(skin["questions"]?.arrayValue?.count == 7)
        #expect(skin["questions"]?.arrayValue?[1]["showIf"]?["question"]?.stringValue == "duration")
        #expect(!response.text.contains("redFlags"))
        #expect(!response.text.contains("routes"))
        #expect(json["queues"]?.arrayValue?.first?["openingHours"]?["mon"]?.arrayValue?.first == .array([.string("08:00"), .string("16:00")]))
    }

    @Test func aQueuedJourney() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let response = try resident.submit(id, subject: #"{"kind": "child", "firstName": "Aino", "ageYears": 1}"#, answers: Self.calm)
        #expect(response.status == 200)
        #expect(response.json?["outcome"]?.stringValue == "queued")
        #expect(response.json?["queue"]?["id"]?.stringValue == "child-health")
        #expect(response.json?["urgency"]?.stringValue == "urgent")
        #expect(response.json?["position"]?.intValue == 1)
        let state = try resident.get("/api/v1/conversations/\(id)")
        #expect(state.json?["status"]?.stringValue == "queued")
        #expect(state.json?["subject"]?["firstName"]?.stringValue == "Aino")
        #expect(state.json?["position"]?.intValue == 1)
        let events = try resident.get("/api/v1/conversations/\(id)/events?after=0")
        #expect(events.json?["events"]?.arrayValue?.last?["type"]?.stringValue == "queued")
        // Triage happens once.
        #expect(try resident.submit(id, answers: Self.calm).status == 409)
    }

    @Test func aRedFlagNeverQueues() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let response = try resident.submit(id, answers: #"{"duration": "hours", "breathing": true, "fever": false}"#)
        #expect(response.json?["outcome"]?.stringValue == "redFlag")
        #expect(response.json?["action"]?.stringValue == "call112")
        #expect(response.json?["message"]?["fi"]?.stringValue == "Soita nyt 112.")
        let state = try resident.get("/api/v1/conversations/\(id)")
        #expect(state.json?["status"]?.stringValue == "closed")
        #expect(state.json?["outcome"]?.stringValue == "redFlag")
        #expect(state.json?["position"] == nil)
        let types = try resident.get("/api/v1/conversations/\(id)/events?after=0").json?["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
        #expect(types == ["status", "redFlag"])
        // Nobody can chat into a red-flagged conversation.
        #expect(try resident.postMessage(id, text: "hei").status == 409)
        // And it holds no place in any queue: the next resident is first.
        let next = try app.resident()
        let other = try next.openConversation()
        #expect(try next.submit(other, answers: Self.calm).json?["position"]?.intValue == 1)
    }

    @Test func positionsFollowUrgencyThenWaitingTime() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        var residents: [(Resident, String)] = []
        for _ in 0..<4 {
            let resident = try app.resident()
            residents.append((resident, try resident.openConversation()))
        }
        // Two normal, then one soon (high fever), then another normal.
        #expect(try residents[0].0.submit(residents[0].1, answers: Self.calm).json?["position"]?.intValue == 1)
        #expect(try residents[1].0.submit(residents[1].1, answers: Self.calm).json?["position"]?.intValue == 2)
        #expect(try residents[2].0.submit(residents[2].1, answers: Self.hot).json?["position"]?.intValue == 1)
        #expect(try residents[3].0.submit(residents[3].1, answers: Self.calm).json?["position"]?.intValue == 4)
        let now = try residents.map { try $0.0.get("/api/v1/conversations/\($0.1)").json?["position"]?.intValue }
        #expect(now == [2, 3, 1, 4])
        // A case in another queue does not count.
        let child = try app.resident()
        let childConversation = try child.openConversation()
        #expect(try child.submit(childConversation, subject: #"{"kind": "child", "firstName": "E", "ageYears": 5}"#, answers: Self.calm)
            .json?["position"]?.intValue == 1)
    }

    @Test func invalidSubmissionsName422Fields() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        let hidden = try resident.submit(id, answers: #"{"duration": "hours", "spreading": true, "breathing": false, "fever": false}"#)
        #expect(hidden.status == 422)
        #expect(hidden.json?["error"]?["code"]?.stringValue == "invalid_answer")
        #expect(hidden.json?["error"]?["field"]?.stringValue == "answers.spreading")
        let unknownService = try resident.submit(id, service: "astrology", answers: "{}")
        #expect(unknownService.json?["error"]?["field"]?.stringValue == "serviceId")
        let inner = try resident.submit(id, service: "illness", answers: "{}")
        #expect(inner.status == 422)
        let badSubject = try resident.submit(id, subject: #"{"kind": "otherAdult", "name": "M", "relation": "isä"}"#, answers: Self.calm)
        #expect(badSubject.json?["error"]?["field"]?.stringValue == "subject")
        let notObject = try resident.submit(id, answers: "[]")
        #expect(notObject.json?["error"]?["field"]?.stringValue == "answers")
        // Each kind of bad answer names the question at fault.
        let cases: [(answers: String, field: String)] = [
            (#"{"duration": "days", "spreading": false, "breathing": false, "fever": false, "horoscope": "leo"}"#, "answers.horoscope"),
            (#"{"duration": "days", "spreading": false, "breathing": "no", "fever": false}"#, "answers.breathing"),
            (#"{"duration": "fortnights", "spreading": false, "breathing": false, "fever": false}"#, "answers.duration"),
            (#"{"duration": "days", "spreading": false, "breathing": false, "fever": true, "temperature": 44}"#, "answers.temperature"),
            (#"{"duration": "days", "spreading": false, "breathing": false, "fever": true}"#, "answers.temperature"),
            (#"{"duration": "days", "breathing": false, "fever": false}"#, "answers.spreading"),
            (#"{"duration": "days", "spreading": false, "breathing": false, "fever": false, "notes": "\#(String(repeating: "x", count: 201))"}"#,
             "answers.notes"),
        ]
        for (answers, field) in cases {
            let refused = try resident.submit(id, answers: answers)
            #expect(refused.status == 422, "\(answers)")
            #expect(refused.json?["error"]?["code"]?.stringValue == "invalid_answer", "\(answers)")
            #expect(refused.json?["error"]?["field"]?.stringValue == field, "\(answers) → \(refused.text)")
        }
        // None of these queued anything.
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["status"]?.stringValue == "open")
    }

    @Test func anotherResidentCannotSubmitOrRead() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let owner = try app.resident()
        let id = try owner.openConversation()
        let stranger = try app.resident()
        _ = try stranger.openConversation()
        #expect(try stranger.submit(id, answers: Self.calm).status == 404)
        #expect(try stranger.get("/api/v1/conversations/\(id)").status == 404)
        #expect(try owner.get("/api/v1/conversations/\(id)").json?["status"]?.stringValue == "open")
    }

    @Test func aWaitingResidentsPollWakesWhenTheirPlaceChanges() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let first = try app.resident(), second = try app.resident()
        let a = try first.openConversation(), b = try second.openConversation()
        _ = try first.submit(a, answers: Self.calm)
        #expect(try second.submit(b, answers: Self.calm).json?["position"]?.intValue == 2)
        let cursor = try #require(try second.get("/api/v1/conversations/\(b)/events").json?["next"]?.intValue)
        // Nothing new for a client that already knows it is second: it parks.
        let poller = try app.client()
        try poller.send(RawClient.request("GET", "/api/v1/conversations/\(b)/events?after=\(cursor)&position=2&wait=20",
                                          headers: second.headers()))
        usleep(200_000)
        #expect(app.app.hub.waiterCount == 2)  // its conversation and its queue
        let withdrawn = try first.post("/api/v1/conversations/\(a)/withdraw", "{}")
        #expect(withdrawn.status == 200)
        #expect(withdrawn.json?["status"]?.stringValue == "withdrawn")
        let woken = try poller.readResponse()
        #expect(woken.json?["position"]?.intValue == 1)
        #expect(woken.json?["status"]?.stringValue == "queued")
        #expect(woken.json?["events"]?.arrayValue?.isEmpty == true)
        #expect(app.app.hub.waiterCount == 0)
        // Withdrawing again is harmless; the first resident's own stream says so.
        #expect(try first.post("/api/v1/conversations/\(a)/withdraw", "{}").status == 200)
        let types = try first.get("/api/v1/conversations/\(a)/events").json?["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
        #expect(types == ["status", "queued", "withdrawn"])
    }

    @Test func aPollWithAnUnchangedPlaceStaysParkedUntilItTimesOut() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let first = try app.resident(), second = try app.resident(), third = try app.resident()
        let a = try first.openConversation(), b = try second.openConversation(), c = try third.openConversation()
        _ = try first.submit(a, answers: Self.calm)
        _ = try second.submit(b, answers: Self.calm)
        let cursor = try #require(try first.get("/api/v1/conversations/\(a)/events").json?["next"]?.intValue)
        let poller = try app.client()
        try poller.send(RawClient.request("GET", "/api/v1/conversations/\(a)/events?after=\(cursor)&position=1&wait=1",
                                          headers: first.headers()))
        usleep(200_000)
        // Someone joining behind, and someone leaving behind, change nothing for the first.
        _ = try third.submit(c, answers: Self.calm)
        _ = try second.post("/api/v1/conversations/\(b)/withdraw", "{}")
        let response = try poller.readResponse()
        #expect(response.json?["position"]?.intValue == 1)
        #expect(response.json?["events"]?.arrayValue?.isEmpty == true)
    }

    @Test func aRedFlaggedMatterCannotBeWithdrawn() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        _ = try resident.submit(id, answers: #"{"duration": "hours", "breathing": true, "fever": false}"#)
        #expect(try resident.post("/api/v1/conversations/\(id)/withdraw", "{}").status == 409)
    }
}
