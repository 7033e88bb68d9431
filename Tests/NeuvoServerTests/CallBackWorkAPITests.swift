import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Testing

/// Call-backs on the professional's side: the call list, picking, attempts,
/// not reached, and a reached call closed like a chat into a phone-contact record.
@Suite struct CallBackWorkAPITests {
    /// A resident of the call-back test catalog who asked to be called on Monday 08–10, with a text message.
    static func requested(_ app: TestApp, notify: Bool = true) throws -> (Resident, String) {
        let (resident, id) = try app.queuedResident()
        let made = try resident.post("/api/v1/conversations/\(id)/call-back",
                                     #"{"phone": "040 123 4567", "windowStart": "2026-03-30T05:00:00.000Z", "notify": \#(notify)}"#)
        guard made.status == 201 else { throw RawClient.Failure(description: "call-back: \(made.status) \(made.text)") }
        return (resident, id)
    }

    static func gatewayMessages(_ app: TestApp) async throws -> [JSONValue] {
        let gateway = try await CallBackAPITests.key(app, "tekstiviestit-\(UUID().uuidString.prefix(8))", .notifications)
        return try app.client().call("GET", "/api/v1/notifications?after=0", headers: gateway).json?["notifications"]?.arrayValue ?? []
    }

    @Test func theCallListPickAndTwoUnansweredTriesEndAsNotReached() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("pekka", queues: ["nurse"], name: "Pekka Hoitaja")
        try await app.addProfessional("terhi", queues: ["child-health"], name: "Terhi Terveydenhoitaja")
        let (resident, id) = try Self.requested(app)
        let hanna = try app.workspace("hanna"), pekka = try app.workspace("pekka"), terhi = try app.workspace("terhi")

        let list = try #require(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue)
        #expect(list.count == 1)
        #expect(list[0]["conversationId"] == .string(id) && list[0]["status"] == .string("requested") && list[0]["maxAttempts"] == .int(2))
        #expect(list[0]["phone"] == .null, "the number shows only to the one who picked it")
        #expect(list[0]["summary"]?.stringValue?.hasPrefix("Iho-oireet") == true)
        #expect(try terhi.get("/api/v1/pro/call-backs").json?["callBacks"] == .array([]))
        // Not in the chat queue.
        #expect(try hanna.get("/api/v1/pro/queue").json?["cases"] == .array([]))
        // The request reached the queue's professionals' stream (their page shows it at once); not another queue's.
        let heard = try hanna.get("/api/v1/pro/events?after=0").json?["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
        #expect(heard.contains("callBackRequested"))
        #expect(!(try terhi.get("/api/v1/pro/events?after=0").json?["events"]?.arrayValue?.contains { $0["type"] == .string("callBackRequested") } ?? true))

        let callBackID = try #require(list[0]["id"]?.stringValue)
        #expect(try terhi.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}").status == 404)
        let picked = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}")
        #expect(picked.status == 200 && picked.json?["status"] == .string("picked") && picked.json?["phone"] == .string("+358 40 1234567"))
        let late = try pekka.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}")
        #expect(late.status == 409 && late.json?["error"]?["code"] == .string("case_taken"))
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["status"] == .string("active"))
        // Only the one calling records tries; a bad result is named.
        #expect(try pekka.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "noAnswer"}"#).status == 404)
        #expect(try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "busy"}"#).json?["error"]?["field"] == .string("result"))

        let first = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "noAnswer"}"#)
        #expect(first.json?["status"] == .string("picked") && first.json?["attempts"] == .int(1))
        let second = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "noAnswer"}"#)
        #expect(second.json?["status"] == .string("notReached") && second.json?["attempts"] == .int(2))
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["status"] == .string("closed"))
        // The matter has ended: nobody's to call any more.
        #expect(try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "noAnswer"}"#).status == 404)
        #expect(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"] == .array([]))

        // The resident's page hears it; the gateway has the confirmation, the call near, and the not reached.
        let events = try #require(try resident.get("/api/v1/conversations/\(id)/events?after=0").json?["events"]?.arrayValue)
        #expect(events.map { $0["type"]?.stringValue ?? "" }.suffix(5) == ["callBackRequested", "picked", "callBackAttempt", "callBackAttempt",
                                                                          "callBackNotReached"])
        #expect(events.last { $0["type"] == .string("callBackAttempt") }?["data"]?["result"] == .string("noAnswer"))
        let messages = try await Self.gatewayMessages(app)
        #expect(messages.map { $0["kind"]?.stringValue ?? "" } == ["callBackConfirmed", "callNear", "notReached"])
        #expect(messages[2]["text"]?.stringValue?.contains("Iho-oireet") == true && messages[2]["text"]?.stringValue?.contains("+358 9 31010000") == true)
        // No record for a matter nobody reached.
        #expect(try app.app.clinic.recordExports(after: 0, limit: 10, unacknowledgedOnly: false).isEmpty)
    }

    @Test func aReachedCallIsClosedLikeAChatAsAPhoneContact() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try Self.requested(app, notify: false)
        let hanna = try app.workspace("hanna")
        let callBackID = try #require(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try hanna.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}").status == 200)
        let reached = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "reached"}"#)
        #expect(reached.json?["status"] == .string("reached"))
        // The case view carries the call-back, so the page can show it after a reload.
        let view = try #require(try hanna.get("/api/v1/pro/cases/\(id)").json?["callBack"])
        #expect(view["status"] == .string("reached") && view["maxAttempts"] == .int(2) && view["phone"] == .string("+358 40 1234567"))
        let twice = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "noAnswer"}"#)
        #expect(twice.status == 409 && twice.json?["error"]?["code"] == .string("call_back_ended"))
        // The case is hers like a picked chat: she can write to the resident's page and close it.
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/messages", #"{"clientId": "8f1c1d0e-2a59-4b7e-9d3a-0a1b2c3d4e5f", "text": "Soitin juuri."}"#).status == 201)
        let closed = try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "Rasvaa iho.", "summary": "Puhelu."}"#)
        #expect(closed.status == 200, "\(closed.text)")
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["status"] == .string("closed"))
        let export = try #require(try app.app.clinic.recordExports(after: 0, limit: 10, unacknowledgedOnly: false).first)
        let encounter = try #require(export.document["entry"]?.arrayValue?.first { $0["resource"]?["resourceType"] == .string("Encounter") }?["resource"])
        #expect(encounter["type"]?.arrayValue?.first?["coding"]?.arrayValue?.first?["code"] == .string("185317003"))
        // Without a text message asked for, only the confirmation went out.
        #expect(try await Self.gatewayMessages(app).map { $0["kind"]?.stringValue ?? "" } == ["callBackConfirmed"])
    }

    @Test func aWrongNumberEndsAtOnce() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        _ = try Self.requested(app)
        let hanna = try app.workspace("hanna")
        let callBackID = try #require(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue?.first?["id"]?.stringValue)
        _ = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}")
        let wrong = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "wrongNumber"}"#)
        #expect(wrong.json?["status"] == .string("notReached") && wrong.json?["attempts"] == .int(1))
    }

    @Test func aTransferHandsTheCallOverAndClosingWithoutATryCountsAsReached() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let pekka = try await app.addProfessional("pekka", queues: ["nurse"], name: "Pekka Hoitaja")
        let (_, id) = try Self.requested(app, notify: false)
        let hanna = try app.workspace("hanna"), pekkaDesk = try app.workspace("pekka")
        let callBackID = try #require(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try hanna.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}").status == 200)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/transfer", #"{"professionalId": \#(pekka.id)}"#).status == 200)
        // The call is Pekka's now: he sees the number and records tries; Hanna neither.
        let hers = try #require(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue?.first)
        #expect(hers["mine"] == .bool(false) && hers["phone"] == .null)
        let his = try #require(try pekkaDesk.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue?.first)
        #expect(his["mine"] == .bool(true) && his["phone"] == .string("+358 40 1234567"))
        #expect(try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "wrongNumber"}"#).status == 404)
        #expect(try pekkaDesk.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "noAnswer"}"#).json?["attempts"] == .int(1))
        // He reaches them on the second call and closes without recording it: counted as reached on attempt 2.
        let closed = try pekkaDesk.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "Rasvaa iho.", "summary": "Puhelu."}"#)
        #expect(closed.status == 200, "\(closed.text)")
        let row = try #require(try app.app.store.read { db in try db.row("SELECT status, attempts FROM call_backs WHERE id = ?", callBackID) })
        #expect(row.string("status") == "reached" && row.int("attempts") == 2)
        #expect(try pekkaDesk.get("/api/v1/pro/call-backs").json?["callBacks"] == .array([]))
        // A closed case is nobody's to call.
        #expect(try pekkaDesk.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "wrongNumber"}"#).status == 404)
    }

    @Test func aCallBackPassedBackToTheQueueWaitsForItsCallAgainAndANotReachedEndTellsTheConsultant() async throws {
        let (app, _) = try await CallBackAPITests.app()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let pekka = try await app.addProfessional("pekka", queues: ["nurse"], name: "Pekka Hoitaja")
        let (_, id) = try Self.requested(app, notify: false)
        let hanna = try app.workspace("hanna"), pekkaDesk = try app.workspace("pekka")
        let callBackID = try #require(try hanna.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try hanna.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}").status == 200)
        // Passed back to the queue: the resident asked to be phoned, so it waits in the call list again, not the chat queue.
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/transfer", #"{"queueId": "nurse"}"#).status == 200)
        let again = try #require(try pekkaDesk.get("/api/v1/pro/call-backs").json?["callBacks"]?.arrayValue?.first)
        #expect(again["id"] == .string(callBackID) && again["status"] == .string("requested"))
        #expect(try pekkaDesk.get("/api/v1/pro/queue").json?["cases"] == .array([]))
        // Picked again and consulted on; the last unanswered try ends it, and the consultant is told.
        #expect(try hanna.post("/api/v1/pro/call-backs/\(callBackID)/pick", "{}").status == 200)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/consult", #"{"professionalId": \#(pekka.id)}"#).status == 204)
        for _ in 0..<2 { _ = try hanna.post("/api/v1/pro/call-backs/\(callBackID)/attempts", #"{"result": "noAnswer"}"#) }
        let told = try pekkaDesk.get("/api/v1/pro/events?after=0").json?["events"]?.arrayValue ?? []
        #expect(told.contains { $0["type"] == .string("consultationEnded") && $0["data"]?["reason"] == .string("closed") })
    }
}
