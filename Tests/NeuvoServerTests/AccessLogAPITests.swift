import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// The access log as the register keeper reads it: who opened which case, when
/// and in which role; the record system's pulls; and the searches themselves.
@Suite struct AccessLogAPITests {
    static let liisa = "131052-308T", other = "010101A123N"

    @Test func searchingByIdentityCodeFindsExactlyThatPersonsOpenings() async throws {
        let app = try await appWithCatalog(trustedProxies: ["127.0.0.1"])
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä")
        let hanna = try app.workspace("hanna"), aino = try app.workspace("aino")
        func identified(_ code: String) throws -> String {
            let resident = try app.resident()
            let id = try #require(try resident.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + [("X-Neuvo-Identity", code)])
                .json?["id"]?.stringValue)
            _ = try resident.submit(id, answers: TriageAPITests.calm)
            return id
        }
        let hers = try identified(Self.liisa)
        let someoneElses = try identified(Self.other)
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(hers)"}"#).status == 200)
        #expect(try hanna.get("/api/v1/pro/cases/\(hers)").status == 200)
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(someoneElses)"}"#).status == 200)
        #expect(try hanna.post("/api/v1/pro/cases/\(hers)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#).status == 200)
        #expect(try aino.get("/api/v1/pro/admin/cases/\(hers)").status == 200)
        // The record system pulls the export and acknowledges it.
        let key = try await app.createApiKey("potilastieto")
        let bearer = [("Authorization", "Bearer \(key)")]
        let page = try app.client().call("GET", "/api/v1/record-exports?after=0", headers: bearer)
        let export = try #require(page.json?["exports"]?.arrayValue?.first?["id"]?.stringValue)
        #expect(try app.client().call("POST", "/api/v1/record-exports/\(export)/ack", headers: bearer + Resident.stateHeaders,
                                      body: Array("{}".utf8)).status == 200)

        let found = try aino.get("/api/v1/audit?identityCode=\(Self.liisa.lowercased())")
        #expect(found.status == 200, "\(found.text)")
        let entries = try #require(found.json?["entries"]?.arrayValue)
        #expect(entries.allSatisfy { $0["conversationId"] == .string(hers) }, "\(entries)")
        // Newest first: acknowledged, pulled, the admin's reading, then Hanna's opening and her pick — nothing else.
        #expect(entries.map { $0["action"]?.stringValue ?? "" } == ["acknowledged", "pulled", "opened", "opened", "opened"])
        #expect(entries.compactMap { $0["reason"]?.stringValue } == ["admin", "opened", "picked"])
        #expect(entries[0]["reader"] == .object(["kind": .string("recordSystem"), "name": .string("potilastieto")]))
        #expect(entries[0]["exportId"] == .string(export))
        #expect(entries[2]["reader"]?["role"] == .string("admin") && entries[4]["reader"]?["name"] == .string("hanna"))
        #expect(found.json?["truncated"] == .bool(false))

        // By case and by professional.
        let byCase = try #require(try aino.get("/api/v1/audit?conversation=\(someoneElses)").json?["entries"]?.arrayValue)
        #expect(byCase.count == 1 && byCase[0]["reason"] == .string("picked"))
        let byHanna = try #require(try aino.get("/api/v1/audit?professional=hanna").json?["entries"]?.arrayValue)
        #expect(byHanna.count == 3 && byHanna.allSatisfy { $0["reader"]?["name"] == .string("hanna") })
        // Reading the log is logged: Aino's three searches so far, newest first.
        let searches = try #require(try aino.get("/api/v1/audit?professional=aino").json?["entries"]?.arrayValue)
            .filter { $0["action"] == .string("searchedLog") }
        #expect(searches.map { $0["criteria"]?.stringValue ?? "" } == ["professional=hanna", "conversation=\(someoneElses)", "identityCode=\(Self.liisa)"])
        #expect(searches.last?["results"]?.intValue == 5)

        let csv = try aino.get("/api/v1/audit/csv?identityCode=\(Self.liisa)")
        #expect(csv.status == 200 && csv.header("content-type") == "text/csv; charset=utf-8")
        let lines = String(decoding: csv.body.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.first == "time;reader;name;role;action;reason;conversation;export" && lines.count == 7)

        // Nobody but the register keeper finds the log.
        try await app.addProfessional("mikko", queues: ["nurse"], role: .manager, name: "Mikko Esihenkilö")
        for reader in [hanna, try app.workspace("mikko")] {
            #expect(try reader.get("/api/v1/audit?identityCode=\(Self.liisa)").status == 404)
            #expect(try reader.get("/api/v1/audit/csv?identityCode=\(Self.liisa)").status == 404)
        }
        #expect(try app.client().call("GET", "/api/v1/audit?identityCode=\(Self.liisa)").status == 404)
    }

    /// A log request made for a child finds what their guardian did for them, even after retention.
    @Test func aChildsCodeFindsTheMattersAGuardianOpenedForThem() async throws {
        let app = try await appWithCatalog(trustedProxies: ["127.0.0.1"])
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse", "child-health"])
        try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä")
        let hanna = try app.workspace("hanna"), aino = try app.workspace("aino")
        let child = "010520A246S"
        let guardian = try app.resident()
        let identity = [("X-Neuvo-Identity", Self.liisa)]
        let id = try #require(try guardian.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + identity).json?["id"]?.stringValue)
        let subject = #"{"kind": "child", "firstName": "Eemil", "identityCode": "\#(child)"}"#
        let submitted = try guardian.post("/api/v1/conversations/\(id)/pre-questionnaire",
                                          #"{"serviceId": "skin", "subject": \#(subject), "answers": \#(TriageAPITests.calm)}"#,
                                          headers: Resident.stateHeaders + identity)
        #expect(submitted.status == 200, "\(submitted.text)")
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#).status == 200)
        let found = try aino.get("/api/v1/audit?identityCode=\(child)")
        #expect(found.json?["entries"]?.arrayValue?.contains { $0["conversationId"] == .string(id) } == true, "\(found.text)")
        // Retention deletes the content; the log and the codes that find it stay.
        _ = try await app.app.clinic.store.write { db in try db.run("UPDATE conversations SET subject = NULL WHERE id = ?", id) }
        #expect(try aino.get("/api/v1/audit?identityCode=\(child)").json?["entries"]?.arrayValue?.isEmpty == false)
    }

    @Test func badCriteriaNameTheirField() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä")
        let aino = try app.workspace("aino")
        for (query, field) in [("", "query"), ("identityCode=131052-308X", "identityCode"), ("conversation=nope", "conversation"),
                               ("professional=nobody", "professional"), ("from=2026-02-30", "from"), ("from=2026-03-02&to=2026-03-01", "to")] {
            let response = try aino.get("/api/v1/audit?" + query)
            #expect(response.status == 422 && response.json?["error"]?["field"] == .string(field), "\(query): \(response.text)")
        }
        #expect(try aino.get("/api/v1/audit?from=2026-01-01").json?["entries"] == .array([]))
    }
}
