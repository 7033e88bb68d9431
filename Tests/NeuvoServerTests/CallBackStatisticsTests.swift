import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Testing

/// Call-backs in the managers' statistics: requested, cancelled, reached on the
/// first or second attempt, not reached, and request → call per window of the
/// day, across the change to summer time.
@Suite struct CallBackStatisticsTests {
    /// A resident of the call-back test catalog who asked to be called from `phone` in the window starting `start`.
    static func request(_ app: TestApp, phone: String, start: String) throws -> (resident: Resident, id: String) {
        let (resident, id) = try app.queuedResident()
        let made = try resident.post("/api/v1/conversations/\(id)/call-back", #"{"phone": "\#(phone)", "windowStart": "\#(start)"}"#)
        guard made.status == 201 else { throw RawClient.Failure(description: "call-back: \(made.status) \(made.text)") }
        return (resident, id)
    }

    @Test func requestedReachedOnWhichAttemptNotReachedAndTheDelayPerWindow() async throws {
        let (app, clock) = try await CallBackAPITests.app()  // Friday 2026-03-27 10.00 in Finland (UTC+2)
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä")
        var hanna = try app.workspace("hanna")
        _ = try Self.request(app, phone: "040 111 1111", start: "2026-03-30T05:00:00.000Z")  // Monday 08–10 (summer time)
        _ = try Self.request(app, phone: "040 222 2222", start: "2026-03-30T07:00:00.000Z")  // Monday 10–12
        let cancelling = try Self.request(app, phone: "040 333 3333", start: "2026-03-30T09:00:00.000Z")
        #expect(try cancelling.resident.post("/api/v1/conversations/\(cancelling.id)/call-back/cancel", "{}").status == 200)
        _ = try Self.request(app, phone: "050 444 4444", start: "2026-03-27T12:00:00.000Z")  // Friday 14–16 (winter time)
        let ids = try #require(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue).map { $0["id"]?.stringValue ?? "" }
        #expect(ids.count == 3)
        func attempt(_ id: String, _ result: String) throws {
            let answer = try hanna.post("/api/v1/pro/call-backs/\(id)/attempts", #"{"result": "\#(result)"}"#)
            guard answer.status == 200 else { throw RawClient.Failure(description: "attempt: \(answer.status) \(answer.text)") }
        }
        // Friday 14.30: a wrong number, inside its window, 4.5 hours after the request.
        clock.set(to: "2026-03-27T12:30:00Z")
        hanna = try app.workspace("hanna")  // a new shift, a new sign-in
        #expect(try hanna.post("/api/v1/pro/call-backs/\(ids[0])/pick", "{}").status == 200)
        try attempt(ids[0], "wrongNumber")
        // Monday 08.30: reached at once; the 10–12 resident tried early, no answer, reached at 10.10.
        clock.set(to: "2026-03-30T05:30:00Z")
        hanna = try app.workspace("hanna")
        #expect(try hanna.post("/api/v1/pro/call-backs/\(ids[1])/pick", "{}").status == 200)
        try attempt(ids[1], "reached")
        #expect(try hanna.post("/api/v1/pro/call-backs/\(ids[2])/pick", "{}").status == 200)
        try attempt(ids[2], "noAnswer")
        clock.set(to: "2026-03-30T07:10:00Z")
        hanna = try app.workspace("hanna")
        try attempt(ids[2], "reached")

        let aino = try app.workspace("aino")
        let report = try #require(try aino.get("/api/v1/stats?from=2026-03-27").json)
        let totals = try #require(report["callBacks"]?["totals"])
        #expect(totals["requested"] == .int(4) && totals["cancelled"] == .int(1) && totals["waiting"] == .int(0))
        #expect(totals["reached"] == .int(2) && totals["reachedOnAttempt"] == .array([.int(1), .int(1)]) && totals["notReached"] == .int(1))
        #expect(totals["reachedShare"] == .number(0.6667) && totals["calledInWindow"] == .int(2))
        let delay = try #require(totals["delaySeconds"])
        #expect(delay["count"] == .int(3) && delay["min"] == .number(4.5 * 3600) && delay["max"] == .number(69.5 * 3600))
        // Windows by Finnish time of day, whatever the UTC offset of their date.
        let windows = try #require(report["callBacks"]?["byWindow"]?.arrayValue)
        #expect(windows.map { $0["window"]?.stringValue ?? "" } == ["08:00–10:00", "10:00–12:00", "12:00–14:00", "14:00–16:00"])
        #expect(windows[1]["measures"]?["reachedOnAttempt"] == .array([.int(0), .int(1)]) && windows[1]["measures"]?["calledInWindow"] == .int(0))
        #expect(windows[2]["measures"]?["cancelled"] == .int(1) && windows[2]["measures"]?["delaySeconds"] == .null)
        #expect(windows[3]["measures"]?["notReached"] == .int(1) && windows[3]["measures"]?["calledInWindow"] == .int(1))
        // Another day has none; a manager of another queue sees none of them.
        #expect(try aino.get("/api/v1/stats?from=2026-03-28").json?["callBacks"]?["totals"]?["requested"] == .int(0))
        try await app.addProfessional("mikko", queues: ["child-health"], role: .manager, name: "Mikko Esihenkilö")
        #expect(try app.workspace("mikko").get("/api/v1/stats?from=2026-03-27").json?["callBacks"]?["totals"]?["requested"] == .int(0))

        // The same as a CSV table: the totals, then each window.
        let csv = try aino.get("/api/v1/stats/csv/call-backs?from=2026-03-27")
        #expect(csv.status == 200)
        let lines = csv.text.dropFirst().split(separator: "\r\n").map(String.init)  // after the byte order mark
        #expect(lines.first?.hasPrefix("window;requested;cancelled;waiting;reached;reached on attempt 1;reached on attempt 2") == true)
        #expect(lines.count == 6 && lines[1].hasPrefix("all;4;1;0;2;1;1;0;1;0,6667;2;"), "\(lines)")
    }
}
