import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// Transfer, consultation, internal notes and closing, through the real server.
@Suite struct CaseHandlingAPITests {
    @Test func transferBackToAQueueKeepsTheWaitingTime() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse", "child-health"])
        let (resident, first) = try app.queuedResident()
        let (_, second) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(first)"}"#).status == 200)
        let moved = try hanna.post("/api/v1/pro/cases/\(first)/transfer", #"{"queueId": "nurse"}"#)
        #expect(moved.json?["status"]?.stringValue == "queued")
        // Back ahead of the one who queued later.
        #expect(try resident.get("/api/v1/conversations/\(first)").json?["position"]?.intValue == 1)
        let cases = try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.compactMap { $0["conversationId"]?.stringValue }
        #expect(cases == [first, second])
        // The resident sees where it went.
        let last = try resident.get("/api/v1/conversations/\(first)/events").json?["events"]?.arrayValue?.last
        #expect(last?["type"]?.stringValue == "transferred")
        #expect(last?["data"]?["queue"]?["name"]?["fi"]?.stringValue == "Hoitajat")
        // Into another queue: it waits there.
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(first)"}"#)
        _ = try hanna.post("/api/v1/pro/cases/\(first)/transfer", #"{"queueId": "child-health"}"#)
        #expect(try resident.get("/api/v1/conversations/\(first)").json?["queueId"]?.stringValue == "child-health")
        #expect(try hanna.post("/api/v1/pro/cases/\(first)/transfer", #"{"queueId": "nowhere"}"#).status == 404)
    }

    @Test func transferToAColleagueShowsTheResidentOnlyTheTitle() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let doctor = try await app.addProfessional("lauri", queues: [], name: "Lauri Lääkäri", title: "lääkäri")
        let (resident, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna"), lauri = try app.workspace("lauri")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/transfer", #"{"professionalId": \#(doctor.id)}"#).status == 200)
        #expect(try hanna.get("/api/v1/pro/cases/\(id)").status == 404)
        #expect(try lauri.get("/api/v1/pro/cases/\(id)").json?["access"]?.stringValue == "handler")
        #expect(try lauri.post("/api/v1/pro/cases/\(id)/messages", #"{"clientId": "\#(UUID().uuidString)", "text": "Lääkäri tässä."}"#).status == 201)
        let events = try resident.get("/api/v1/conversations/\(id)/events").json?["events"]?.arrayValue ?? []
        let transferred = try #require(events.first { $0["type"]?.stringValue == "transferred" })
        #expect(transferred["data"] == .object(["professional": .object(["title": .string("lääkäri")])]))
        let audit = try app.app.store.read { db in
            try db.rows("SELECT reason FROM audit_log WHERE conversation_id = ? AND professional_id = ?", id, doctor.id)
        }
        #expect(audit.map { $0.string("reason") } == ["transferred"])
    }

    @Test func casesGoToCliniciansNotToAnAdministratorWithoutQueues() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let doctor = try await app.addProfessional("lauri", queues: [], name: "Lauri Lääkäri", title: "lääkäri")
        let admin = try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä", title: "ylläpitäjä")
        let (_, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        let names = try hanna.get("/api/v1/pro/colleagues").json?["professionals"]?.arrayValue?.compactMap { $0["displayName"]?.stringValue }
        #expect(names == ["Lauri Lääkäri"])
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/consult", #"{"professionalId": \#(admin.id)}"#).status == 422)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/transfer", #"{"professionalId": \#(admin.id)}"#).status == 422)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/consult", #"{"professionalId": \#(doctor.id)}"#).status == 204)
    }

    @Test func aConsultantReadsAndWritesNotesButNeverChatsOrCloses() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let doctor = try await app.addProfessional("lauri", queues: [], name: "Lauri Lääkäri", title: "lääkäri")
        let (resident, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna"), lauri = try app.workspace("lauri")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        #expect(try lauri.get("/api/v1/pro/cases/\(id)").status == 404)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/consult", #"{"professionalId": \#(doctor.id)}"#).status == 204)
        let view = try lauri.get("/api/v1/pro/cases/\(id)")
        #expect(view.json?["access"]?.stringValue == "consultant")
        #expect(view.json?["summaryDraft"] == nil)
        let note = try lauri.post("/api/v1/pro/cases/\(id)/notes", #"{"clientId": "\#(UUID().uuidString)", "text": "Sopii kotihoitoon."}"#)
        #expect(note.status == 201)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/notes", #"{"clientId": "\#(UUID().uuidString)", "text": "Kiitos."}"#).status == 201)
        #expect(try lauri.post("/api/v1/pro/cases/\(id)/messages", #"{"clientId": "\#(UUID().uuidString)", "text": "x"}"#).status == 404)
        #expect(try lauri.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#).status == 404)
        #expect(try lauri.post("/api/v1/pro/cases/\(id)/transfer", #"{"queueId": "nurse"}"#).status == 404)
        #expect(try hanna.get("/api/v1/pro/cases/\(id)").json?["notes"]?.arrayValue?.map { $0["text"]?.stringValue } == ["Sopii kotihoitoon.", "Kiitos."])
        // The resident's stream never carries notes or the consultation.
        let residentEvents = try resident.get("/api/v1/conversations/\(id)/events").text
        #expect(!residentEvents.contains("Sopii kotihoitoon"))
        #expect(!residentEvents.contains("consulted"))
        #expect(!residentEvents.contains("note"))
        // The consultant's own stream does carry them.
        let stream = try lauri.get("/api/v1/pro/events").json?["events"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? []
        #expect(stream.contains("consulted") && stream.contains("note"))
        let audit = try app.app.store.read { db in
            try db.rows("SELECT reason FROM audit_log WHERE conversation_id = ? AND professional_id = ?", id, doctor.id)
        }
        #expect(audit.map { $0.string("reason") } == ["consulted"])
        // Passed on, the consultation ends: it helped the one who asked.
        let (passedResident, passed) = try app.queuedResident()
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(passed)"}"#)
        #expect(try hanna.post("/api/v1/pro/cases/\(passed)/consult", #"{"professionalId": \#(doctor.id)}"#).status == 204)
        #expect(try lauri.get("/api/v1/pro/cases/\(passed)").status == 200)
        let before = try #require(try lauri.get("/api/v1/pro/events").json?["next"]?.intValue)
        // With a word to whoever takes it next: an internal note the resident never sees.
        let moved = try hanna.post("/api/v1/pro/cases/\(passed)/transfer", #"{"queueId": "nurse", "note": "Lääkäri katsoi kuvat, kotihoito."}"#)
        #expect(moved.status == 200)
        // The consultant is told, not dropped silently.
        let told = try lauri.get("/api/v1/pro/events?after=\(before)").json?["events"]?.arrayValue ?? []
        #expect(told.contains { $0["type"] == .string("consultationEnded") && $0["data"]?["reason"] == .string("transferred")
            && $0["conversationId"] == .string(passed) })
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(passed)"}"#)
        #expect(try lauri.get("/api/v1/pro/cases/\(passed)").status == 404)
        #expect(try hanna.get("/api/v1/pro/cases/\(passed)").json?["notes"]?.arrayValue?.first?["text"] == .string("Lääkäri katsoi kuvat, kotihoito."))
        #expect(!(try passedResident.get("/api/v1/conversations/\(passed)/events").text.contains("kotihoito")))
        let long = String(repeating: "ä", count: 2000)  // the longest note, two bytes a letter
        #expect(try hanna.post("/api/v1/pro/cases/\(passed)/transfer", #"{"queueId": "nurse", "note": "\#(long)"}"#).status == 200)
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(passed)"}"#)
        let blank = try hanna.post("/api/v1/pro/cases/\(passed)/transfer", #"{"queueId": "nurse", "note": "  "}"#)
        #expect(blank.status == 422 && blank.json?["error"]?["field"] == .string("note"))
        // Colleagues say who is on shift where (the dialogs show it).
        #expect(try lauri.get("/api/v1/pro/colleagues").json?["professionals"]?.arrayValue?.first?["onShift"] != nil)
        // Once closed, the consultation is over: no more reading or notes that the record export would miss.
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "Rasvaa.", "summary": "Ihottuma."}"#)
        #expect(try lauri.get("/api/v1/pro/cases/\(id)").status == 404)
        #expect(try lauri.post("/api/v1/pro/cases/\(id)/notes", #"{"clientId": "\#(UUID().uuidString)", "text": "Myöhässä."}"#).status == 404)
    }

    @Test func closingTellsTheResidentAndWritesTheRecordExport() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        let lastWord = #"{"clientId": "5e0b4a3c-1111-4222-8333-944455556666", "text": "Soitan huomenna."}"#
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/messages", lastWord).status == 201)
        let view = try hanna.get("/api/v1/pro/cases/\(id)")
        let draft = try #require(view.json?["summaryDraft"]?.stringValue)
        #expect(draft.contains("Yhteydenoton syy: Iho-oireet."))
        #expect(draft.contains("Kauanko ihottuma on kestänyt? Päiviä"))
        #expect(view.json?["cannedReplies"] == .array([.string("Hei, katson asiaasi nyt.")]))
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "cured", "instructions": "x", "summary": "y"}"#).status == 422)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "  ", "summary": "y"}"#).status == 422)
        let closed = try hanna.post("/api/v1/pro/cases/\(id)/close", JSONValue.object([
            "outcome": .string("adviceGiven"), "instructions": .string("Rasvaa iho kahdesti päivässä. Ota yhteyttä, jos ihottuma leviää."),
            "summary": .string(draft + "\nArvio: lievä ihottuma, kotihoito-ohjeet annettu."),
        ]).text)
        #expect(closed.status == 200)
        #expect(closed.json?["status"]?.stringValue == "closed")
        let last = try resident.get("/api/v1/conversations/\(id)/events").json?["events"]?.arrayValue?.last
        #expect(last?["type"]?.stringValue == "closed")
        #expect(last?["data"]?["instructions"]?.stringValue?.hasPrefix("Rasvaa iho") == true)
        #expect(last?["data"]?["outcome"]?.stringValue == "adviceGiven")
        #expect(try resident.postMessage(id, text: "Vielä yksi asia").status == 409)
        // The former handler reaches the closed case no more: 404, as for anyone without access.
        let late = try hanna.post("/api/v1/pro/cases/\(id)/messages", #"{"clientId": "\#(UUID().uuidString)", "text": "Vielä"}"#)
        #expect(late.status == 404)
        // A retry of a message she sent before closing still returns it (the network may have lost the answer).
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/messages", lastWord).status == 200)
        #expect(try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#).status == 404)
        let export = try app.app.store.read { db in try db.row("SELECT id, document FROM record_exports WHERE conversation_id = ?", id) }
        let document = try JSONValue.parse(try #require(export?.string("document")))
        #expect(document["resourceType"]?.stringValue == "Bundle")
        #expect(document["type"]?.stringValue == "document")
        #expect(document["id"]?.stringValue == export?.string("id"))
        #expect(document.text.contains("kotihoito-ohjeet annettu"))
    }
}

/// The resident's recommendation after the matter is handled.
@Suite struct FeedbackAPITests {
    @Test func oneScoreAfterClosingAndOnlyThen() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        #expect(try resident.post("/api/v1/conversations/\(id)/feedback", #"{"score": 9}"#).status == 409)
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "Lepää.", "summary": "Ok."}"#)
        for bad in [#"{"score": 11}"#, #"{"score": -1}"#, #"{"score": 7.5}"#, #"{"score": "9"}"#, #"{"score": 9, "comment": 5}"#] {
            #expect(try resident.post("/api/v1/conversations/\(id)/feedback", bad).status == 422, "\(bad)")
        }
        let stranger = try app.resident()
        _ = try stranger.openConversation()
        #expect(try stranger.post("/api/v1/conversations/\(id)/feedback", #"{"score": 0}"#).status == 404)
        let given = try resident.post("/api/v1/conversations/\(id)/feedback", #"{"score": 9, "comment": "Nopea apu, kiitos!"}"#)
        #expect(given.status == 201)
        #expect(given.json?["score"]?.intValue == 9)
        #expect(try resident.post("/api/v1/conversations/\(id)/feedback", #"{"score": 10}"#).status == 409)
        let stored = try app.app.store.read { db in try db.row("SELECT score, comment FROM feedback WHERE conversation_id = ?", id) }
        #expect(stored?.int("score") == 9)
        #expect(stored?.string("comment") == "Nopea apu, kiitos!")
    }

    @Test func aRedFlaggedMatterTakesNoFeedback() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let resident = try app.resident()
        let id = try resident.openConversation()
        _ = try resident.submit(id, answers: #"{"duration": "hours", "breathing": true, "fever": false}"#)
        #expect(try resident.post("/api/v1/conversations/\(id)/feedback", #"{"score": 5}"#).status == 409)
    }
}
