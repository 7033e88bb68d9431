import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Synchronization
import Testing

/// The professional's API: the queue stream, languages, audit, shifts.
@Suite struct ProfessionalQueueAPITests {
    @Test func aNewCaseWakesTheQueuesProfessionalsOnly() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("lotta", queues: ["child-health"])
        let hanna = try app.workspace("hanna"), lotta = try app.workspace("lotta")
        let hannaCursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let lottaCursor = try #require(try lotta.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let hannaPoll = try app.client(), lottaPoll = try app.client()
        try hannaPoll.send(RawClient.request("GET", "/api/v1/pro/events?after=\(hannaCursor)&wait=20", headers: hanna.headers()))
        try lottaPoll.send(RawClient.request("GET", "/api/v1/pro/events?after=\(lottaCursor)&wait=1", headers: lotta.headers()))
        usleep(200_000)
        let (_, id) = try app.queuedResident()
        let woken = try hannaPoll.readResponse()
        #expect(woken.json?["events"]?.arrayValue?.first?["type"]?.stringValue == "queued")
        #expect(woken.json?["events"]?.arrayValue?.first?["data"]?["queue"]?["id"]?.stringValue == "nurse")
        #expect(woken.json?["events"]?.arrayValue?.first?["seq"] != nil)
        #expect(try lottaPoll.readResponse().json?["events"]?.arrayValue?.isEmpty == true)
        _ = id
    }

    /// The types (and queue) of the events on `workspace`'s stream after `cursor`.
    func stream(_ workspace: Workspace, after cursor: Int) throws -> [(type: String, conversation: String)] {
        let events = try workspace.get("/api/v1/pro/events?after=\(cursor)").json?["events"]?.arrayValue ?? []
        return events.map { ($0["type"]?.stringValue ?? "", $0["conversationId"]?.stringValue ?? "") }
    }

    @Test func theQueueStreamCarriesPicksWithdrawalsAndTransfers() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("olli", queues: ["nurse", "child-health"], name: "Olli Lääkäri", title: "lääkäri")
        try await app.addProfessional("lotta", queues: ["child-health"], name: "Lotta Lastenhoitaja", title: "terveydenhoitaja")
        let hanna = try app.workspace("hanna"), olli = try app.workspace("olli"), lotta = try app.workspace("lotta")
        let (withdrawing, gone) = try app.queuedResident()
        let (_, taken) = try app.queuedResident()
        let (_, child) = try app.queuedResident(child: true)
        let cursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)

        // Picked by a colleague, and withdrawn by the resident: both reach Hanna's stream.
        #expect(try olli.post("/api/v1/pro/pick", #"{"conversationId": "\#(taken)"}"#).status == 200)
        #expect(try withdrawing.post("/api/v1/conversations/\(gone)/withdraw", "{}").status == 200)
        // A child's case that Lotta passes into the nurses' queue appears there.
        #expect(try lotta.post("/api/v1/pro/pick", #"{"conversationId": "\#(child)"}"#).status == 200)
        #expect(try lotta.post("/api/v1/pro/cases/\(child)/transfer", #"{"queueId": "nurse"}"#).status == 200)
        let seen = try stream(hanna, after: cursor)
        #expect(seen.filter { $0.type != "queued" }.map { "\($0.type) \($0.conversation)" }
                == ["picked \(taken)", "withdrawn \(gone)", "transferred \(child)"])
        #expect(try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.compactMap { $0["conversationId"]?.stringValue } == [child])

        // Passed to Olli by name: his own stream carries it and the case is his to open.
        #expect(try hanna.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == child)
        let olliID = try #require(try olli.get("/api/v1/pro/me").json?["id"]?.intValue)
        let olliCursor = try #require(try olli.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        #expect(try hanna.post("/api/v1/pro/cases/\(child)/transfer", #"{"professionalId": \#(olliID)}"#).status == 200)
        #expect(try stream(olli, after: olliCursor).contains { $0.type == "transferred" && $0.conversation == child })
        #expect(try olli.get("/api/v1/pro/cases").json?["cases"]?.arrayValue?.contains { $0["conversationId"]?.stringValue == child } == true)
        #expect(try olli.get("/api/v1/pro/cases/\(child)").json?["access"]?.stringValue == "handler")
    }

    @Test func aCaseJoiningMyQueueComesWithItsListRowInMyLanguage() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let cursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let (_, id) = try app.queuedResident()
        let events = try #require(try hanna.get("/api/v1/pro/events?after=\(cursor)&lang=sv").json?["events"]?.arrayValue)
        let queued = try #require(events.first { $0["type"]?.stringValue == "queued" })
        #expect(queued["case"]?["conversationId"]?.stringValue == id)
        #expect(queued["case"]?["summary"]?.stringValue?.hasPrefix("Hudsymtom: Dagar") == true)
        #expect(queued["case"] == (try hanna.get("/api/v1/pro/queue?lang=sv").json?["cases"]?.arrayValue?.first))
        // Replayed after it was picked, the event carries no row: it is no longer waiting.
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        let later = try #require(try hanna.get("/api/v1/pro/events?after=\(cursor)").json?["events"]?.arrayValue)
        #expect(later.first { $0["type"]?.stringValue == "queued" }?["case"] == nil)
    }

    @Test func theQueueListIsInTheReadersLanguageAndCountsEveryCase() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        for _ in 0..<3 { _ = try app.queuedResident() }
        let hanna = try app.workspace("hanna")
        let fi = try hanna.get("/api/v1/pro/queue").json
        #expect(fi?["total"]?.intValue == 3)
        #expect(fi?["cases"]?.arrayValue?.first?["summary"]?.stringValue?.hasPrefix("Iho-oireet: Päiviä") == true)
        let sv = try hanna.get("/api/v1/pro/queue?lang=sv").json
        #expect(sv?["cases"]?.arrayValue?.first?["summary"]?.stringValue?.hasPrefix("Hudsymtom: Dagar") == true)
        let en = try hanna.get("/api/v1/pro/queue?lang=en").json
        #expect(en?["cases"]?.arrayValue?.first?["summary"]?.stringValue?.hasPrefix("Skin symptoms: Days") == true)
        // Beyond the list's length the total still counts every waiting case.
        let hannaID = try #require(try hanna.get("/api/v1/pro/me").json?["id"]?.intValue)
        let cut = try app.app.clinic.waitingCases(queues: ["nurse"], professionalID: Int64(hannaID), limit: 2)
        #expect(cut.cases.count == 2 && cut.total == 3)
    }

    @Test func anAdminMayReadAnyCaseAndThatIsAuditedAsAdmin() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let admin = try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä", title: "ylläpitäjä")
        let (_, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna"), aino = try app.workspace("aino")
        #expect(try hanna.get("/api/v1/pro/admin/cases/\(id)").status == 403)
        #expect(try aino.get("/api/v1/pro/cases/\(id)").status == 404)  // the workspace route stays the handler's
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close",
                           #"{"outcome": "noCareNeed", "instructions": "Ei toimenpiteitä.", "summary": "Ei hoidon tarvetta."}"#)
        // Closed: only an admin reads it now, read-only.
        #expect(try hanna.get("/api/v1/pro/cases/\(id)").status == 404)
        let view = try aino.get("/api/v1/pro/admin/cases/\(id)?lang=en")
        #expect(view.status == 200)
        #expect(view.json?["access"]?.stringValue == "admin")
        #expect(view.json?["conversation"]?["status"]?.stringValue == "closed")
        #expect(view.json?["answers"]?.arrayValue?.first?["question"]?.stringValue == "How long has the rash lasted?")
        #expect(view.json?["summaryDraft"] == nil && view.json?["cannedReplies"] == nil)
        #expect(try aino.post("/api/v1/pro/cases/\(id)/notes", #"{"clientId": "\#(UUID().uuidString)", "text": "x"}"#).status == 404)
        #expect(try aino.get("/api/v1/pro/admin/cases/0123456789abcdef0123456789abcdef").status == 404)
        let audit = try app.app.store.read { db in
            try db.rows("SELECT professional_id, reason FROM audit_log WHERE conversation_id = ? AND reason = 'admin'", id)
        }
        #expect(audit.count == 1 && audit.first?.int64("professional_id") == admin.id)
    }

    @Test func theCaseShowsARedFlagTheSameVisitHitJustBefore() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let resident = try app.resident()
        // First the answers say breathing is hard: 112, not queued. Then the same visit tries again without it.
        let first = try resident.openConversation()
        #expect(try resident.submit(first, answers: #"{"duration": "hours", "breathing": true, "fever": false}"#)
            .json?["outcome"]?.stringValue == "redFlag")
        let second = try resident.openConversation()
        #expect(try resident.submit(second, answers: TriageAPITests.calm).json?["outcome"]?.stringValue == "queued")
        let (_, other) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(second)"}"#)
        var flags = try #require(try hanna.get("/api/v1/pro/cases/\(second)?lang=en").json?["earlierRedFlags"]?.arrayValue)
        #expect(flags.count == 1)
        #expect(flags.first?["redFlag"]?.stringValue == "breathing" && flags.first?["action"]?.stringValue == "call112")
        #expect(flags.first?["message"]?.stringValue == "Call 112 now." && flags.first?["service"]?.stringValue == "Skin symptoms")
        // While waiting, the same person's symptoms get worse: a new questionnaire stops at a red flag, and the
        // waiting case shows that too.
        let worse = try resident.openConversation()
        #expect(try resident.submit(worse, answers: #"{"duration": "days", "spreading": true, "breathing": true, "fever": false}"#)
            .json?["outcome"]?.stringValue == "redFlag")
        flags = try #require(try hanna.get("/api/v1/pro/cases/\(second)").json?["earlierRedFlags"]?.arrayValue)
        #expect(flags.count == 2 && flags.last?["message"]?.stringValue == "Soita nyt 112.")
        // Another resident's case carries none.
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(other)"}"#)
        #expect(try hanna.get("/api/v1/pro/cases/\(other)").json?["earlierRedFlags"] == .array([]))
        // Nor does a matter of another person on the same browser (here the parent's child).
        let childs = try resident.openConversation()
        #expect(try resident.submit(childs, subject: #"{"kind": "child", "firstName": "Eino", "ageYears": 6}"#, answers: TriageAPITests.calm)
            .json?["outcome"]?.stringValue == "queued")
        try await app.addProfessional("lotta", queues: ["child-health"])
        let lotta = try app.workspace("lotta")
        _ = try lotta.post("/api/v1/pro/pick", #"{"conversationId": "\#(childs)"}"#)
        #expect(try lotta.get("/api/v1/pro/cases/\(childs)").json?["earlierRedFlags"] == .array([]))
    }

    @Test func everyOpeningIsAudited() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let hannaAccount = try await app.addProfessional("hanna", queues: ["nurse"])
        let (_, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.get("/api/v1/pro/cases/\(id)")
        _ = try hanna.get("/api/v1/pro/cases/\(id)")
        let reasons = try app.app.store.read { db in
            try db.rows("SELECT professional_id, reason FROM audit_log WHERE conversation_id = ? ORDER BY id", id)
        }
        #expect(reasons.map { $0.string("reason") } == ["picked", "opened", "opened"])  // the pick, then her later openings
        #expect(reasons.allSatisfy { $0.int64("professional_id") == hannaAccount.id })
    }

    @Test func aWaitingResidentLearnsWhenSomeoneComesOnShift() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("lotta", queues: ["child-health"])
        // child-health is open around the clock in the test catalog.
        let (resident, id) = try app.queuedResident(child: true)
        let state = try resident.get("/api/v1/conversations/\(id)")
        #expect(state.json?["estimate"]?["state"]?.stringValue == "nobodyOnShift")
        let cursor = try #require(try resident.get("/api/v1/conversations/\(id)/events").json?["next"]?.intValue)
        let poller = try app.client()
        try poller.send(RawClient.request("GET", "/api/v1/conversations/\(id)/events?after=\(cursor)&position=1&estimate=nobody&wait=20",
                                          headers: resident.headers()))
        usleep(200_000)
        let lotta = try app.workspace("lotta")
        _ = try lotta.post("/api/v1/pro/shifts", #"{"queueId": "child-health", "onShift": true}"#)
        let woken = try poller.readResponse()
        #expect(woken.json?["estimate"]?["state"]?.stringValue == "estimate")
        #expect(woken.json?["estimate"]?["onShift"]?.intValue == 1)
        #expect(woken.json?["estimate"]?["key"]?.stringValue == "5-10")
    }

    @Test func aCaseLeftWhileTheQueueIsClosedWaitsForItToOpen() async throws {
        let clock = TestClock()
        // Sunday 22 November 2026, 22:00 in Helsinki (UTC+2): the nurses' queue is closed until Monday 08:00.
        clock.set(to: "2026-11-22T20:00:00Z")
        let app = try await appWithCatalog(clock: clock)
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        let waiting = try resident.get("/api/v1/conversations/\(id)").json
        #expect(waiting?["status"]?.stringValue == "queued" && waiting?["position"]?.intValue == 1)
        #expect(waiting?["estimate"]?["state"]?.stringValue == "closed")
        #expect(waiting?["estimate"]?["opensAt"]?.stringValue == "2026-11-23T06:00:00.000Z")
        // Monday 08:05: Hanna comes on shift and takes it up.
        clock.set(to: "2026-11-23T06:05:00Z")
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#)
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["estimate"]?["state"]?.stringValue == "estimate")
        #expect(try hanna.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == id)
    }

    @Test func shiftsAreSetPerQueue() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse", "child-health"])
        let hanna = try app.workspace("hanna")
        let on = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#)
        #expect(on.json?["onShift"] == .array([.string("nurse")]))
        #expect(try hanna.post("/api/v1/pro/shifts", #"{"queueId": "dental", "onShift": true}"#).status == 404)
        #expect(try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": false}"#).json?["onShift"] == .array([]))
    }
}
