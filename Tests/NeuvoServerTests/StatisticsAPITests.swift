import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoTestSupport
import Synchronization
import Testing

/// The managers' statistics over the API: a scripted weekend with a test clock,
/// across the change to summer time (Sunday 2026-03-29, 03.00 → 04.00 in Finland),
/// every number asserted exactly.
@Suite struct StatisticsAPITests {
    /// Six conversations; the README's definitions say what each one counts as.
    ///
    /// Saturday 2026-03-28 (UTC+2):
    /// - A 08.10 queued in `nurse`, picked 08.40 (wait 30 min), first reply 08.45, closed 09.10 with advice; feedback 10 "Kiitos".
    /// - B 08.20 queued in `nurse`, withdrawn 08.50 before anyone picked it.
    /// - C 08.30 red flag `breathing` (call 112).
    /// - D 12.00 opened, never answered the pre-questions.
    /// Sunday 2026-03-29:
    /// - E 02.30 (UTC+2) an identified parent for a child, queued in `child-health`; picked 04.30 (UTC+3: a 60-minute wait
    ///   across the change); consulted and transferred to a colleague who replies 04.50 and closes 05.30 with an appointment; feedback 6.
    /// - F 04.10 (UTC+3) for another adult, queued in `nurse`, still waiting.
    static func weekend() async throws -> (TestApp, StoppedClock, pekka: Int64) {
        let clock = StoppedClock()
        clock.set(to: "2026-03-28T06:10:00Z")
        let app = try TestApp { configuration in
            configuration.clock = { clock.now }
            configuration.trustedProxies = ["127.0.0.1"]
        }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        try await app.addProfessional("hanna", queues: ["nurse", "child-health"])
        let pekka = try await app.addProfessional("pekka", queues: ["nurse", "child-health"], name: "Pekka Hoitaja")
        var hanna = try app.workspace("hanna")

        let a = try app.resident(), aID = try a.openConversation()
        _ = try a.submit(aID, answers: TriageAPITests.calm)
        clock.set(to: "2026-03-28T06:20:00Z")
        let b = try app.resident(), bID = try b.openConversation()
        _ = try b.submit(bID, answers: TriageAPITests.calm)
        clock.set(to: "2026-03-28T06:30:00Z")
        let c = try app.resident(), cID = try c.openConversation()
        let flagged = try c.submit(cID, answers: #"{"duration": "days", "spreading": false, "breathing": true, "fever": false}"#)
        #expect(flagged.json?["outcome"]?.stringValue == "redFlag")
        clock.set(to: "2026-03-28T06:40:00Z")
        hanna = try app.workspace("hanna")  // sessions end after 30 idle minutes
        try Self.expect(hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(aID)"}"#), 200)
        clock.set(to: "2026-03-28T06:45:00Z")
        try Self.expect(hanna.post("/api/v1/pro/cases/\(aID)/messages", #"{"clientId": "6f1c1d0e-2a59-4b7e-9d3a-0a1b2c3d4e5f", "text": "Hei"}"#), 201)
        clock.set(to: "2026-03-28T06:50:00Z")
        try Self.expect(b.post("/api/v1/conversations/\(bID)/withdraw", "{}"), 200)
        clock.set(to: "2026-03-28T07:10:00Z")
        try Self.expect(hanna.post("/api/v1/pro/cases/\(aID)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#), 200)
        try Self.expect(a.post("/api/v1/conversations/\(aID)/feedback", #"{"score": 10, "comment": "Kiitos"}"#), 201)
        clock.set(to: "2026-03-28T10:00:00Z")
        _ = try app.resident().openConversation()

        clock.set(to: "2026-03-29T00:30:00Z")
        let e = try app.resident()
        let eID = try #require(try e.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + [("X-Neuvo-Identity", "131052-308T")]).json?["id"]?.stringValue)
        _ = try e.submit(eID, subject: #"{"kind": "child", "firstName": "Aino", "ageYears": 5}"#, answers: TriageAPITests.calm)
        clock.set(to: "2026-03-29T01:10:00Z")
        let f = try app.resident(), fID = try f.openConversation()
        _ = try f.submit(fID, subject: #"{"kind": "otherAdult", "name": "Eero", "relation": "puoliso", "consent": true}"#, answers: TriageAPITests.calm)
        clock.set(to: "2026-03-29T01:30:00Z")
        // Signed in anew after the night (sessions end when idle).
        hanna = try app.workspace("hanna")
        var pekkas = try app.workspace("pekka")
        try Self.expect(hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(eID)"}"#), 200)
        try Self.expect(hanna.post("/api/v1/pro/cases/\(eID)/consult", #"{"professionalId": \#(pekka.id)}"#), 204)
        try Self.expect(hanna.post("/api/v1/pro/cases/\(eID)/transfer", #"{"professionalId": \#(pekka.id)}"#), 200)
        clock.set(to: "2026-03-29T01:50:00Z")
        try Self.expect(pekkas.post("/api/v1/pro/cases/\(eID)/messages", #"{"clientId": "7f1c1d0e-2a59-4b7e-9d3a-0a1b2c3d4e5f", "text": "Hei"}"#), 201)
        clock.set(to: "2026-03-29T02:30:00Z")
        pekkas = try app.workspace("pekka")
        try Self.expect(pekkas.post("/api/v1/pro/cases/\(eID)/close", #"{"outcome": "appointmentArranged", "instructions": "x", "summary": "y"}"#), 200)
        try Self.expect(e.post("/api/v1/conversations/\(eID)/feedback", #"{"score": 6}"#), 201)
        return (app, clock, pekka.id)
    }

    /// The step answered `status`; otherwise the test says what it got.
    static func expect(_ response: RawResponse, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
    }

    static func admin(_ app: TestApp) async throws -> Workspace {
        try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä")
        return try app.workspace("aino")
    }

    @Test func everyMeasureOfTheWeekendIsExact() async throws {
        let (app, _, _) = try await Self.weekend()
        defer { app.stop() }
        let admin = try await Self.admin(app)
        let response = try admin.get("/api/v1/stats?from=2026-03-28&to=2026-03-29")
        #expect(response.status == 200, "\(response.text)")
        let report = try #require(response.json)
        let totals = try #require(report["totals"])
        let counts: [String: Int] = [
            "opened": 6, "triaged": 5, "reachedQueue": 4, "redFlags": 1, "withdrawnBeforePick": 1, "unanswered": 1,
            "waitingNow": 1, "picked": 2, "closed": 2, "identified": 1, "transfers": 1, "consultations": 1, "feedbackGiven": 2,
        ]
        for (key, value) in counts { #expect(totals[key]?.intValue == value, "\(key): \(totals[key] ?? .null)") }
        #expect(totals["redFlagsByAction"] == .object(["call112": .int(1), "call116117": .int(0)]))
        #expect(totals["unansweredShare"] == .number(0.25))
        #expect(totals["identifiedShare"] == .number(0.2))
        #expect(totals["feedbackShare"] == .number(1))
        #expect(totals["transfersPerCase"] == .number(0.5) && totals["consultationsPerCase"] == .number(0.5))
        #expect(totals["outcomes"] == .object(["adviceGiven": .int(1), "appointmentArranged": .int(1), "referred": .int(0), "noCareNeed": .int(0)]))
        #expect(totals["whoseMatter"] == .object(["self": .int(3), "child": .int(1), "otherAdult": .int(1)]))
        #expect(totals["nps"] == .object(["score": .number(0), "answers": .int(2), "promoters": .int(1), "passives": .int(0), "detractors": .int(1)]))
        // Nearest rank: of two waits the median is the shorter, p90 the longer.
        #expect(totals["waitSeconds"] == .object(["count": .int(2), "mean": .number(2700), "median": .number(1800), "p90": .number(3600),
                                                  "min": .number(1800), "max": .number(3600)]))
        #expect(totals["firstReplySeconds"] == .object(["count": .int(2), "mean": .number(750), "median": .number(300), "p90": .number(1200),
                                                        "min": .number(300), "max": .number(1200)]))
        #expect(totals["handlingSeconds"] == .object(["count": .int(2), "mean": .number(2700), "median": .number(1800), "p90": .number(3600),
                                                      "min": .number(1800), "max": .number(3600)]))
        #expect(report["redFlags"] == .array([.object(["flag": .string("breathing"), "action": .string("call112"), "count": .int(1)])]))

        // Hours in Finnish time: 02.30 before the change is hour 2, 04.10 after it hour 4; there is no 03.xx that night.
        let hours = try #require(report["byHour"]?.arrayValue)
        #expect(hours.count == 24)
        let busy = hours.filter { ($0["contacts"]?.intValue ?? 0) > 0 }
        #expect(busy == [
            .object(["hour": .int(2), "contacts": .int(1), "picked": .int(1), "meanWaitSeconds": .number(3600)]),
            .object(["hour": .int(4), "contacts": .int(1), "picked": .int(0), "meanWaitSeconds": .null]),
            .object(["hour": .int(8), "contacts": .int(3), "picked": .int(1), "meanWaitSeconds": .number(1800)]),
            .object(["hour": .int(12), "contacts": .int(1), "picked": .int(0), "meanWaitSeconds": .null]),
        ])
        let weekdays = try #require(report["byWeekday"]?.arrayValue)
        #expect(weekdays.map { $0["contacts"]?.intValue } == [0, 0, 0, 0, 0, 4, 2])
        #expect(weekdays[5]["meanWaitSeconds"] == .number(1800) && weekdays[6]["meanWaitSeconds"] == .number(3600))
        #expect(report["byDay"] == .array([
            .object(["date": .string("2026-03-28"), "contacts": .int(4), "picked": .int(1), "meanWaitSeconds": .number(1800)]),
            .object(["date": .string("2026-03-29"), "contacts": .int(2), "picked": .int(1), "meanWaitSeconds": .number(3600)]),
        ]))
        let queues = try #require(report["byQueue"]?.arrayValue)
        #expect(queues.map { $0["id"]?.stringValue } == ["child-health", "nurse"])
        #expect(queues[1]["name"] == .string("Hoitajat"))
        #expect(queues[1]["measures"]?["opened"]?.intValue == 3 && queues[1]["measures"]?["unanswered"]?.intValue == 1)
        #expect(queues[0]["measures"]?["transfers"]?.intValue == 1 && queues[0]["measures"]?["identified"]?.intValue == 1)
        #expect(report["byService"]?.arrayValue?.map { $0["id"]?.stringValue } == ["skin"])
        #expect(report["byService"]?.arrayValue?.first?["measures"]?["opened"]?.intValue == 5)
        // Comments carry no date, no id: only the score and the words.
        #expect(report["comments"] == .object(["total": .int(1), "shown": .array([.object(["score": .int(10), "text": .string("Kiitos")])])]))

        // One day only; then one service.
        let saturday = try #require(try admin.get("/api/v1/stats?from=2026-03-28").json)
        #expect(saturday["totals"]?["opened"]?.intValue == 4 && saturday["to"] == .string("2026-03-28"))
        let skin = try #require(try admin.get("/api/v1/stats?from=2026-03-28&to=2026-03-29&service=skin").json)
        #expect(skin["totals"]?["opened"]?.intValue == 5)
    }

    /// Each day is read once per change of it: a report after a change counts the change.
    @Test func aChangeReachesTheNextReport() async throws {
        let (app, _, _) = try await Self.weekend()
        defer { app.stop() }
        let admin = try await Self.admin(app)
        let path = "/api/v1/stats?from=2026-03-28&to=2026-03-29"
        #expect(try admin.get(path).json?["totals"]?["opened"]?.intValue == 6)
        let (_, id) = try app.queuedResident()
        let after = try #require(try admin.get(path).json?["totals"])
        #expect(after["opened"]?.intValue == 7 && after["waitingNow"]?.intValue == 2)
        let hanna = try app.workspace("hanna")
        try Self.expect(hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#), 200)
        #expect(try admin.get(path).json?["totals"]?["picked"]?.intValue == 3)
        // The same report twice is the same report.
        #expect(try admin.get(path).json == (try admin.get(path).json))
    }

    @Test func aManagerSeesOnlyTheQueuesTheyManage() async throws {
        let (app, _, _) = try await Self.weekend()
        defer { app.stop() }
        try await app.addProfessional("mikko", queues: ["child-health"], role: .manager, name: "Mikko Esihenkilö")
        let mikko = try app.workspace("mikko")
        #expect(try mikko.get("/api/v1/pro/me").json?["manages"] == .array([.string("child-health")]))
        let report = try #require(try mikko.get("/api/v1/stats?from=2026-03-28&to=2026-03-29").json)
        #expect(report["queues"] == .array([.string("child-health")]))
        #expect(report["totals"]?["opened"]?.intValue == 1 && report["totals"]?["picked"]?.intValue == 1)
        #expect(report["comments"]?["total"]?.intValue == 0)
        let other = try mikko.get("/api/v1/stats?from=2026-03-28&queue=nurse")
        #expect(other.status == 422 && other.json?["error"]?["field"] == .string("queue"))
        // A manager works no case.
        #expect(try mikko.get("/api/v1/pro/queue").status == 403)
        try Self.expect(mikko.post("/api/v1/pro/pick", "{}"), 403)
    }

    @Test func professionalsAndResidentsFindNoStatistics() async throws {
        let (app, _, _) = try await Self.weekend()
        defer { app.stop() }
        let hanna = try app.workspace("hanna"), resident = try app.resident()
        _ = try resident.openConversation()
        for path in ["/api/v1/stats?from=2026-03-28", "/api/v1/stats/csv/summary?from=2026-03-28", "/api/v1/stats/live"] {
            #expect(try hanna.get(path).status == 404, "\(path)")
            #expect(try resident.get(path).status == 404, "\(path)")
            #expect(try app.client().call("GET", path).status == 404, "\(path)")
        }
    }

    @Test func badRangesNameTheirField() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let admin = try await Self.admin(app)
        let cases: [(String, String)] = [
            ("", "from"), ("from=2026-13-01", "from"), ("from=2026-02-30", "from"), ("from=26-01-01", "from"),
            ("from=2026-03-02&to=2026-03-01", "to"), ("from=2025-01-01&to=2026-02-05", "to"), ("from=2026-01-01&to=x", "to"),
            ("from=2026-01-01&queue=nope", "queue"), ("from=2026-01-01&service=nope", "service"),
        ]
        for (query, field) in cases {
            let response = try admin.get("/api/v1/stats?" + query)
            #expect(response.status == 422 && response.json?["error"]?["field"] == .string(field), "\(query): \(response.text)")
        }
        // 400 days is the longest range.
        #expect(try admin.get("/api/v1/stats?from=2025-01-01&to=2026-02-04").status == 200)
        #expect(try admin.get("/api/v1/stats/csv/nothing?from=2026-01-01").status == 404)
    }

    @Test func csvOpensInFinnishExcel() async throws {
        let (app, _, _) = try await Self.weekend()
        defer { app.stop() }
        let admin = try await Self.admin(app)
        let summary = try admin.get("/api/v1/stats/csv/summary?from=2026-03-28&to=2026-03-29")
        #expect(summary.status == 200)
        #expect(summary.header("content-type") == "text/csv; charset=utf-8")
        #expect(summary.header("content-disposition") == #"attachment; filename="neuvo-summary-2026-03-28-2026-03-29.csv""#)
        #expect(Array(summary.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: summary.body.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.first == "measure;value")
        #expect(lines.contains("conversations opened;6") && lines.contains("unanswered share;0,25") && lines.contains("wait mean (min);45"))
        let hours = String(decoding: try admin.get("/api/v1/stats/csv/hours?from=2026-03-28&to=2026-03-29").body.dropFirst(3), as: UTF8.self)
        #expect(hours.hasPrefix("hour;contacts;picked;mean wait (min)\r\n00–01;0;0;\r\n"))
        #expect(hours.contains("\r\n08–09;3;1;30\r\n"))
        let queues = String(decoding: try admin.get("/api/v1/stats/csv/queues?from=2026-03-28&to=2026-03-29&lang=sv").body.dropFirst(3), as: UTF8.self)
        #expect(queues.contains("\r\nnurse;Skötare;3;"))
        let comments = String(decoding: try admin.get("/api/v1/stats/csv/comments?from=2026-03-28&to=2026-03-29").body.dropFirst(3), as: UTF8.self)
        #expect(comments == "score;comment\r\n10;Kiitos\r\n")
    }

    @Test func theLiveOverviewCountsEachQueueNow() async throws {
        let (app, clock, _) = try await Self.weekend()
        defer { app.stop() }
        let admin = try await Self.admin(app)
        // 02.30 UTC: F has waited 80 minutes in `nurse`, whose target is 60.
        let live = try #require(try admin.get("/api/v1/stats/live").json)
        let nurse = try #require(live["queues"]?.arrayValue?.first { $0["id"] == .string("nurse") })
        #expect(nurse["waiting"]?.intValue == 1 && nurse["pastTarget"]?.intValue == 1 && nurse["targetMinutes"]?.intValue == 60)
        #expect(nurse["longestWaitSeconds"]?.intValue.map { (4800...4805).contains($0) } == true)
        #expect(nurse["oldestQueuedAt"] == .string("2026-03-29T01:10:00.000Z"))
        #expect(nurse["inHandling"]?.intValue == 0 && nurse["onShift"]?.intValue == 0)
        let token = try #require(live["token"]?.stringValue)
        // Nothing changed: a poll with the token waits out its second and answers the same token.
        clock.advance(minutes: 1)
        let same = try #require(try admin.get("/api/v1/stats/live?after=\(token)&wait=1").json)
        #expect(same["token"] == .string(token))
        // A new arrival wakes the waiting poll with a new token.
        let poller = try app.park(Array("GET /api/v1/stats/live?after=\(token)&wait=10 HTTP/1.1\r\nHost: x\r\nCookie: neuvo_pro=\(admin.cookie!)\r\n\r\n".utf8))
        _ = try app.queuedResident()
        let woken = try poller.readResponse()
        #expect(woken.status == 200)
        let after = try #require(woken.json?["queues"]?.arrayValue?.first { $0["id"] == .string("nurse") })
        #expect(after["waiting"]?.intValue == 2 && woken.json?["token"] != .string(token))
        // So does a professional going on shift.
        let newToken = try #require(woken.json?["token"]?.stringValue)
        let shiftPoller = try app.park(Array("GET /api/v1/stats/live?after=\(newToken)&wait=10 HTTP/1.1\r\nHost: x\r\nCookie: neuvo_pro=\(admin.cookie!)\r\n\r\n".utf8))
        let hanna = try app.workspace("hanna")
        try Self.expect(hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#), 200)
        let onShift = try shiftPoller.readResponse()
        #expect(onShift.json?["queues"]?.arrayValue?.first { $0["id"] == .string("nurse") }?["onShift"]?.intValue == 1)
        #expect(try admin.get("/api/v1/stats/live?wait=99").status == 400)
    }
}

/// A clock that moves only when told: every step of a scripted scenario happens at an exact instant.
final class StoppedClock: Sendable {
    private let millis = Mutex<Int64>(0)
    /// `rfc3339` in UTC, e.g. `2026-03-28T06:10:00Z`.
    func set(to rfc3339: String) {
        let target = Int64(ISO8601DateFormatter().date(from: rfc3339)!.timeIntervalSince1970 * 1000)
        millis.withLock { $0 = target }
    }
    func advance(minutes: Int64) { millis.withLock { $0 += minutes * 60_000 } }
    var now: Timestamp { Timestamp(millis: millis.withLock { $0 }) }
}
