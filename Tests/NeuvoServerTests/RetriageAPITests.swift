import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Testing

/// "My condition has changed": answering the pre-questions again while waiting.
@Suite struct RetriageAPITests {
    static func retriage(_ resident: Resident, _ id: String, _ answers: String) throws -> RawResponse {
        try resident.post("/api/v1/conversations/\(id)/retriage", #"{"answers": \#(answers)}"#)
    }

    @Test func aWorseConditionGoesAheadAndARedFlagEndsTheWait() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let other = try await app.addProfessional("pekka", queues: ["nurse"], name: "Pekka Hoitaja")
        let hanna = try app.workspace("hanna")
        let (first, firstID) = try app.queuedResident()
        let (second, secondID) = try app.queuedResident()
        #expect(try second.get("/api/v1/conversations/\(secondID)").json?["position"] == .int(2))
        // Their own answers come back, so a re-answer starts from them after a reload; the catalog says where a service may lead.
        #expect(try second.get("/api/v1/conversations/\(secondID)").json?["answers"]?["duration"] == .string("days"))
        let skin = try app.client().call("GET", "/api/v1/catalog").json?["services"]?.arrayValue?.first?["children"]?.arrayValue?.first
        #expect(skin?["queues"]?.arrayValue?.first == .string("nurse"))
        let cursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)

        // Had the second been offered first to someone (continuity), answering again ends the offer.
        try await app.app.store.write { db in
            try db.run("UPDATE conversations SET offered_to = ?, offered_until = ? WHERE id = ?", other.id, Int64.max, secondID)
        }
        // The second resident's fever is now 39.2: more urgent, ahead of the first, same queue.
        let worse = try Self.retriage(second, secondID, TriageAPITests.hot)
        #expect(worse.status == 200, "\(worse.text)")
        #expect(worse.json?["outcome"] == .string("queued") && worse.json?["urgency"] == .string("soon") && worse.json?["position"] == .int(1))
        #expect(try first.get("/api/v1/conversations/\(firstID)").json?["position"] == .int(2))
        #expect(try app.app.store.read { db in try db.row("SELECT offered_to FROM conversations WHERE id = ?", secondID)?.int64("offered_to") } == nil)
        let order = try #require(try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue).map { $0["conversationId"]?.stringValue ?? "" }
        #expect(order == [secondID, firstID])
        // The nurse's stream hears it with the case's new row; the resident's stream too.
        let heard = try #require(try hanna.get("/api/v1/pro/events?after=\(cursor)").json?["events"]?.arrayValue)
        let retriaged = try #require(heard.first { $0["type"] == .string("retriaged") })
        #expect(retriaged["case"]?["urgency"] == .string("soon"))
        let mine = try second.get("/api/v1/conversations/\(secondID)/events?after=0").json?["events"]?.arrayValue ?? []
        #expect(mine.contains { $0["type"] == .string("retriaged") })

        // The first resident now has trouble breathing: the wait ends with the 112 guidance.
        let flagged = try Self.retriage(first, firstID, #"{"duration": "hours", "breathing": true, "fever": false}"#)
        #expect(flagged.json?["outcome"] == .string("redFlag") && flagged.json?["action"] == .string("call112"))
        #expect(try first.get("/api/v1/conversations/\(firstID)").json?["status"] == .string("closed"))
        #expect(try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.map { $0["conversationId"]?.stringValue ?? "" } == [secondID])
        let left = try hanna.get("/api/v1/pro/events?after=\(cursor)").json?["events"]?.arrayValue ?? []
        #expect(left.contains { $0["type"] == .string("redFlag") && $0["conversationId"] == .string(firstID) && $0["data"]?["whileWaiting"] == .bool(true) })
        // Counted as a red flag in the statistics, as at first triage.
        let row = try #require(try app.app.store.read { db in try db.row("SELECT outcome, red_flag FROM conversations WHERE id = ?", firstID) })
        #expect(row.string("outcome") == "redFlag" && row.string("red_flag") == "breathing")
    }

    @Test func onlyTheOwnerAndOnlyWhileWaiting() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        let bad = try Self.retriage(resident, id, #"{"duration": "fortnights", "breathing": false, "fever": false}"#)
        #expect(bad.status == 422 && bad.json?["error"]?["field"] == .string("answers.duration"))
        let none = try resident.post("/api/v1/conversations/\(id)/retriage", "{}")
        #expect(none.status == 422 && none.json?["error"]?["field"] == .string("answers"))
        #expect(try Self.retriage(try app.resident(), id, TriageAPITests.hot).status == 404)
        // Nothing changed by the refusals.
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["urgency"] == .string("normal"))
        #expect(try app.workspace("hanna").post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#).status == 200)
        let picked = try Self.retriage(resident, id, TriageAPITests.hot)
        #expect(picked.status == 409 && picked.json?["error"]?["code"] == .string("not_waiting"))
    }
}
