import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Testing

/// Call-back requests on the resident's side and the SMS gateway's outbox, over the API.
@Suite struct CallBackAPITests {
    /// The test catalog with call-backs in `nurse`: four two-hour windows on weekdays, one place each.
    static let catalog = testCatalogJSON.replacingOccurrences(of: #""targetFirstResponseMinutes": 60,"#, with: #"""
        "targetFirstResponseMinutes": 60,
        "callBack": {"windows": {"mon": [["08:00", "10:00"], ["10:00", "12:00"], ["12:00", "14:00"], ["14:00", "16:00"]],
                                 "tue": [["08:00", "10:00"], ["10:00", "12:00"], ["12:00", "14:00"], ["14:00", "16:00"]],
                                 "fri": [["08:00", "10:00"], ["10:00", "12:00"], ["12:00", "14:00"], ["14:00", "16:00"]]},
                     "capacityPerWindow": 1, "attempts": 2, "callerNumber": "09 310 10000", "offer": "always"},
        """#)

    /// Friday 2026-03-27 10.00 in Finland (UTC+2); the clocks go forward on Sunday.
    static func app() async throws -> (TestApp, StoppedClock) {
        let clock = StoppedClock()
        clock.set(to: "2026-03-27T08:00:00Z")
        let app = try TestApp { $0.clock = { clock.now } }
        try await app.app.clinic.importCatalog(Array(catalog.utf8))
        return (app, clock)
    }

    static func key(_ app: TestApp, _ name: String, _ scope: ApiKey.Scope) async throws -> [(String, String)] {
        let (key, hash) = NeuvoApp.newApiKey()
        _ = try await app.app.clinic.createApiKey(name: name, keyHash: hash, scope: scope)
        return [("Authorization", "Bearer \(key)")]
    }

    @Test func windowsOfTheNextThreeDaysAcrossTheChangeToSummerTime() async throws {
        let (app, _) = try await Self.app()
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let offer = try #require(try resident.get("/api/v1/conversations/\(id)/call-back").json)
        #expect(offer["available"] == .bool(true) && offer["offered"] == .bool(true))
        #expect(offer["callerNumber"] == .string("+358 9 31010000") && offer["callBack"] == .null)
        // Friday's windows not yet begun (10–12 began at 10.00), then Monday and Tuesday in summer time (UTC+3).
        let starts = try #require(offer["windows"]?.arrayValue).map { $0["start"]?.stringValue ?? "" }
        #expect(starts == ["2026-03-27T10:00:00.000Z", "2026-03-27T12:00:00.000Z",
                           "2026-03-30T05:00:00.000Z", "2026-03-30T07:00:00.000Z", "2026-03-30T09:00:00.000Z", "2026-03-30T11:00:00.000Z",
                           "2026-03-31T05:00:00.000Z", "2026-03-31T07:00:00.000Z", "2026-03-31T09:00:00.000Z", "2026-03-31T11:00:00.000Z"])
        #expect(offer["windows"]?.arrayValue?.allSatisfy { $0["free"] == .int(1) } == true)
    }

    @Test func badRequestsNameTheirFieldAndWriteNothing() async throws {
        let (app, _) = try await Self.app()
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let window = "2026-03-27T10:00:00.000Z"
        let cases: [(String, Int, String)] = [
            (#"{"phone": "12345", "windowStart": "\#(window)"}"#, 422, "invalid_phone"),
            (#"{"phone": "+46 70 123 4567", "windowStart": "\#(window)"}"#, 422, "invalid_phone"),
            (#"{"phone": "09 123 4567", "windowStart": "\#(window)", "notify": true}"#, 422, "invalid_phone"),
            (#"{"phone": "0600 123 456", "windowStart": "\#(window)"}"#, 422, "invalid_phone"),
            (#"{"phone": "040 123 4567", "windowStart": "2026-03-27T06:00:00.000Z"}"#, 422, "invalid_windowStart"),
            (#"{"phone": "040 123 4567", "windowStart": "2026-03-28T10:00:00.000Z"}"#, 422, "invalid_windowStart"),
            (#"{"phone": "040 123 4567"}"#, 422, "invalid_windowStart"),
            (#"{"phone": "040 123 4567", "windowStart": "\#(window)", "language": "de"}"#, 422, "invalid_language"),
        ]
        for (body, status, code) in cases {
            let response = try resident.post("/api/v1/conversations/\(id)/call-back", body)
            #expect(response.status == status && response.json?["error"]?["code"] == .string(code), "\(body): \(response.text)")
        }
        let rows = try app.app.store.read { db in try db.row("SELECT COUNT(*) AS n FROM call_backs")?.int("n") }
        #expect(rows == 0)
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["status"] == .string("queued"))
        // Someone else's conversation is not found.
        #expect(try app.resident().post("/api/v1/conversations/\(id)/call-back", #"{"phone": "040 123 4567", "windowStart": "\#(window)"}"#).status == 404)
    }

    @Test func theLastPlaceInAWindowGoesToOneResident() async throws {
        let (app, _) = try await Self.app()
        defer { app.stop() }
        let (first, firstID) = try app.queuedResident()
        let (second, secondID) = try app.queuedResident()
        // Both sent before either answer is read (each with a number of their own).
        for (resident, id, phone) in [(first, firstID, "040 123 4567"), (second, secondID, "050 765 4321")] {
            let body = #"{"phone": "\#(phone)", "windowStart": "2026-03-27T12:00:00.000Z"}"#
            try resident.client.send(RawClient.request("POST", "/api/v1/conversations/\(id)/call-back", headers: resident.headers(Resident.stateHeaders),
                                                       body: Array(body.utf8)))
        }
        let answers = [try first.client.readResponse(), try second.client.readResponse()]
        #expect(answers.map(\.status).sorted() == [201, 409], "\(answers.map(\.text))")
        #expect(answers.contains { $0.json?["error"]?["code"] == .string("window_full") })
        let offer = try #require(try first.get("/api/v1/conversations/\(firstID)/call-back").json)
        #expect(offer["windows"]?.arrayValue?.first { $0["start"] == .string("2026-03-27T12:00:00.000Z") }?["free"] == .int(0))
    }

    @Test func requestOutboxCancelAndRetention() async throws {
        let (app, clock) = try await Self.app()
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let queuedAt = try app.app.store.read { db in try db.row("SELECT queued_at FROM conversations WHERE id = ?", id)?.int64("queued_at") }
        clock.advance(minutes: 5)
        let made = try resident.post("/api/v1/conversations/\(id)/call-back",
                                     #"{"phone": "040-123 4567", "windowStart": "2026-03-30T05:00:00.000Z", "notify": true, "language": "sv"}"#)
        #expect(made.status == 201, "\(made.text)")
        #expect(made.json?["status"] == .string("requested") && made.json?["phone"] == .string("+358 40 1234567"))
        #expect(made.json?["window"] == .object(["start": .string("2026-03-30T05:00:00.000Z"), "end": .string("2026-03-30T07:00:00.000Z")]))
        // Out of the chat queue, keeping its queued time; a second request is refused.
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["status"] == .string("callBack"))
        let row = try #require(try app.app.store.read { db in try db.row("SELECT queued_at, status FROM conversations WHERE id = ?", id) })
        #expect(row.int64("queued_at") == queuedAt && row.string("status") == "callBack")
        let again = try resident.post("/api/v1/conversations/\(id)/call-back", #"{"phone": "040 123 4567", "windowStart": "2026-03-30T07:00:00.000Z"}"#)
        #expect(again.status == 409 && again.json?["error"]?["code"] == .string("call_back_exists"))
        // Nor can another matter use the same number while this one is live.
        let (other, otherID) = try app.queuedResident()
        let sameNumber = try other.post("/api/v1/conversations/\(otherID)/call-back", #"{"phone": "+358401234567", "windowStart": "2026-03-30T07:00:00.000Z"}"#)
        #expect(sameNumber.status == 409 && sameNumber.json?["error"]?["code"] == .string("phone_limit"))
        // Waiting for the call, the chat is closed to the resident (the page hides it; the server says so too).
        let early = try resident.post("/api/v1/conversations/\(id)/messages", #"{"clientId": "7d0c2a4e-5b1f-4c3a-9e8d-1f2a3b4c5d6e", "text": "Hei?"}"#)
        #expect(early.status == 409 && early.json?["error"]?["code"] == .string("waiting_for_call"))
        #expect(try resident.post("/api/v1/conversations/\(id)/reply-text", #"{"phone": "040 765 4321"}"#).status == 200)

        // Monitoring sees the call-back waiting and the message not yet sent.
        let metrics = try app.client().call("GET", "/metrics").text
        #expect(metrics.contains("neuvo_queue_call_backs_waiting{queue=\"nurse\"} 1\n") && metrics.contains("neuvo_notifications_unacknowledged 1\n"))

        // The SMS gateway pulls the confirmation; no health data, only the service, window and number.
        let gateway = try await Self.key(app, "tekstiviestit", .notifications)
        let records = try await Self.key(app, "potilastieto", .records)
        let page = try app.client().call("GET", "/api/v1/notifications?after=0", headers: gateway)
        #expect(page.status == 200, "\(page.text)")
        let notes = try #require(page.json?["notifications"]?.arrayValue)
        #expect(notes.count == 1)
        #expect(notes[0]["kind"] == .string("callBackConfirmed") && notes[0]["phone"] == .string("+358401234567") && notes[0]["language"] == .string("sv"))
        #expect(notes[0]["text"] == .string("Din begäran om att bli uppringd har tagits emot (Hudsymtom). Vi ringer dig 30.3. kl. 8.00–10.00 från numret +358 9 31010000."))
        // Each key reaches only its own scope.
        #expect(try app.client().call("GET", "/api/v1/notifications", headers: records).status == 401)
        #expect(try app.client().call("GET", "/api/v1/record-exports", headers: gateway).status == 401)
        #expect(try app.client().call("GET", "/api/v1/notifications").status == 401)
        // Acknowledging is idempotent; the cursor pages.
        let noteID = try #require(notes[0]["id"]?.stringValue)
        let ack = try app.client().call("POST", "/api/v1/notifications/\(noteID)/ack", headers: gateway + Resident.stateHeaders, body: Array("{}".utf8))
        #expect(ack.status == 200 && ack.json?["acknowledged"] == .bool(true))
        let ackAgain = try app.client().call("POST", "/api/v1/notifications/\(noteID)/ack", headers: gateway + Resident.stateHeaders, body: Array("{}".utf8))
        #expect(ackAgain.json?["acknowledgedAt"] == ack.json?["acknowledgedAt"])
        #expect(try app.client().call("GET", "/api/v1/notifications?unacknowledged=true", headers: gateway).json?["notifications"] == .array([]))
        #expect(try app.client().call("GET", "/metrics").text.contains("neuvo_notifications_unacknowledged 0\n"))
        let next = try #require(page.json?["next"]?.intValue)
        #expect(try app.client().call("GET", "/api/v1/notifications?after=\(next)", headers: gateway).json?["notifications"] == .array([]))

        // The resident cancels: the matter is withdrawn; cancelling again changes nothing.
        let cancelled = try resident.post("/api/v1/conversations/\(id)/call-back/cancel", "{}")
        #expect(cancelled.status == 200 && cancelled.json?["status"] == .string("cancelled"))
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["status"] == .string("withdrawn"))
        #expect(try resident.post("/api/v1/conversations/\(id)/call-back/cancel", "{}").json?["status"] == .string("cancelled"))
        #expect(try resident.get("/api/v1/conversations/\(id)/call-back").json?["offered"] == .bool(false))

        // Retention deletes the phone numbers with the rest of the content.
        clock.advance(minutes: 40 * 24 * 60)
        let report = try await app.app.clinic.applyRetention(olderThanDays: 30)
        #expect(report.purged >= 1)
        let left = try app.app.store.read { db in
            (try db.row("SELECT phone FROM call_backs")?["phone"], try db.row("SELECT phone, text FROM notifications"))
        }
        #expect(left.0 == .null && left.1?["phone"] == .null && left.1?["text"] == .null)
        #expect(try app.app.store.read { db in try db.row("SELECT COUNT(*) AS n FROM reply_texts")?.int("n") } == 0)
    }

    @Test func catalogCheckNamesTheExactPlace() throws {
        func error(_ callBack: String) -> String? {
            let json = testCatalogJSON.replacingOccurrences(of: #""targetFirstResponseMinutes": 60,"#, with: #""targetFirstResponseMinutes": 60, "callBack": \#(callBack),"#)
            do {
                _ = try Catalog(json: try JSONValue.parse(Array(json.utf8)))
                return nil
            } catch {
                return "\(error)"
            }
        }
        let windows = #""windows": {"mon": [["08:00", "10:00"]]}"#
        #expect(error(#"{\#(windows), "capacityPerWindow": 5, "callerNumber": "09 310 10000", "offer": "always"}"#) == nil)
        #expect(error(#"{\#(windows), "capacityPerWindow": 5, "callerNumber": "09 310 10000", "offer": {"whenWaitOverMinutes": 45}}"#) == nil)
        #expect(error(#"{\#(windows), "capacityPerWindow": 0, "callerNumber": "09 310 10000", "offer": "always"}"#)?
            .contains("queues[0].callBack.capacityPerWindow") == true)
        #expect(error(#"{\#(windows), "capacityPerWindow": 5, "callerNumber": "+46 8 123 456", "offer": "always"}"#)?
            .contains("queues[0].callBack.callerNumber") == true)
        #expect(error(#"{\#(windows), "capacityPerWindow": 5, "callerNumber": "09 310 10000", "offer": "sometimes"}"#)?
            .contains("queues[0].callBack.offer") == true)
        #expect(error(#"{"windows": {"mon": [["08:00", "10:00"], ["09:00", "11:00"]]}, "capacityPerWindow": 5, "callerNumber": "09 310 10000", "offer": "always"}"#)?
            .contains("queues[0].callBack.windows.mon[1]") == true)
        #expect(error(#"{\#(windows), "capacityPerWindow": 5, "callerNumber": "09 310 10000", "offer": "always", "attempts": 9}"#)?
            .contains("queues[0].callBack.attempts") == true)
    }
}
