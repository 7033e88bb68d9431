import Foundation
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Synchronization
import Testing

extension TestApp {
    func createApiKey(_ name: String = "potilastieto") async throws -> String {
        let (key, hash) = NeuvoApp.newApiKey()
        _ = try await app.clinic.createApiKey(name: name, keyHash: hash)
        return key
    }

    /// Queues a resident's case, has `workspace` pick it and close it; returns the conversation id.
    func closedCase(by workspace: Workspace, summary: String = "Lievä ihottuma.") throws -> String {
        let (_, id) = try queuedResident()
        _ = try workspace.post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#)
        let closed = try workspace.post("/api/v1/pro/cases/\(id)/close", JSONValue.object([
            "outcome": .string("adviceGiven"), "instructions": .string("Rasvaa iho."), "summary": .string(summary),
        ]).text)
        guard closed.status == 200 else { throw RawClient.Failure(description: "close: \(closed.status) \(closed.text)") }
        return id
    }
}

/// The record system's pull API: keys, paging, acknowledgement.
@Suite struct RecordExportAPITests {
    func records(_ app: TestApp, _ key: String?, _ path: String, method: String = "GET") throws -> RawResponse {
        var headers: [(String, String)] = []
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        if method == "POST" { headers += Resident.stateHeaders }
        return try app.client().call(method, path, headers: headers, body: method == "POST" ? Array("{}".utf8) : [])
    }

    @Test func onlyALiveKeyGetsIn() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let key = try await app.createApiKey()
        #expect(try records(app, nil, "/api/v1/record-exports").status == 401)
        #expect(try records(app, "nk_" + String(repeating: "x", count: 43), "/api/v1/record-exports").status == 401)
        #expect(try records(app, key, "/api/v1/record-exports").status == 200)
        try await app.app.clinic.revokeApiKey(name: "potilastieto")
        #expect(try records(app, key, "/api/v1/record-exports").status == 401)
    }

    @Test func keysAndChatSessionsStayInTheirOwnRoutes() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let key = try await app.createApiKey()
        let (resident, id) = try app.queuedResident()
        // A key on chat routes is no session.
        let bearer = [("Authorization", "Bearer \(key)")]
        #expect(try app.client().call("GET", "/api/v1/conversations/\(id)", headers: bearer).status == 404)
        #expect(try app.client().call("GET", "/api/v1/pro/queue", headers: bearer).status == 401)
        // A chat session on the export routes is no key.
        #expect(try resident.get("/api/v1/record-exports").status == 401)
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let asRecords = try app.client().call("GET", "/api/v1/record-exports", headers: [("Cookie", "neuvo_pro=\(hanna.cookie ?? "")")])
        #expect(asRecords.status == 401)
    }

    @Test func pagingAcrossConcurrentClosesLosesAndRepeatsNothing() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let key = try await app.createApiKey()
        let closers = 3, each = 6
        for i in 0..<closers { try await app.addProfessional("hoitaja\(i)", queues: ["nurse"]) }
        let workspaces = try (0..<closers).map { try app.workspace("hoitaja\($0)") }
        let closedIDs = Mutex<Set<String>>([])
        let done = Counter()
        let group = DispatchGroup()
        for workspace in workspaces {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave(); done.increment() }
                for _ in 0..<each {
                    if let id = try? app.closedCase(by: workspace) { closedIDs.withLock { _ = $0.insert(id) } }
                }
            }
        }
        // Page with a small limit while the closes commit.
        var seen: [String] = []
        var cursor = 0
        while true {
            let finished = done.value == closers
            let page = try records(app, key, "/api/v1/record-exports?after=\(cursor)&limit=2")
            let exports = try #require(page.json?["exports"]?.arrayValue)
            seen += exports.compactMap { $0["conversationId"]?.stringValue }
            cursor = try #require(page.json?["next"]?.intValue)
            if exports.isEmpty && finished { break }
            if exports.isEmpty { usleep(5_000) }
        }
        group.wait()
        let closed = closedIDs.withLock { $0 }
        #expect(closed.count == closers * each)
        #expect(seen.count == Set(seen).count, "an export was repeated")
        #expect(Set(seen) == closed, "an export was skipped")
    }

    @Test func acknowledgedExportsLeaveTheUnacknowledgedListing() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let key = try await app.createApiKey()
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let first = try app.closedCase(by: hanna), second = try app.closedCase(by: hanna)
        let all = try #require(try records(app, key, "/api/v1/record-exports").json?["exports"]?.arrayValue)
        #expect(all.compactMap { $0["conversationId"]?.stringValue } == [first, second])
        let firstID = try #require(all.first?["id"]?.stringValue)
        let single = try records(app, key, "/api/v1/record-exports/\(firstID)")
        #expect(single.json?["document"]?["resourceType"]?.stringValue == "Bundle")
        #expect(single.json?["document"]?["id"]?.stringValue == firstID)
        let ack = try records(app, key, "/api/v1/record-exports/\(firstID)/ack", method: "POST")
        #expect(ack.status == 200)
        #expect(ack.json?["acknowledged"] == .bool(true))
        let again = try records(app, key, "/api/v1/record-exports/\(firstID)/ack", method: "POST")
        #expect(again.json?["acknowledgedAt"] == ack.json?["acknowledgedAt"])
        let open = try #require(try records(app, key, "/api/v1/record-exports?unacknowledged=true").json?["exports"]?.arrayValue)
        #expect(open.compactMap { $0["conversationId"]?.stringValue } == [second])
        // Everything stays pullable; ids are stable.
        let reread = try records(app, key, "/api/v1/record-exports").json?["exports"]?.arrayValue
        #expect(reread?.first?["id"]?.stringValue == firstID)
        #expect(reread?.first?["document"] == all.first?["document"])
        #expect(try records(app, key, "/api/v1/record-exports/\(String(repeating: "a", count: 32))").status == 404)
        #expect(try records(app, key, "/api/v1/record-exports/\(String(repeating: "a", count: 32))/ack", method: "POST").status == 404)
        #expect(try records(app, key, "/api/v1/record-exports?unacknowledged=maybe").status == 400)
    }
}

/// Configuration of the record document.
@Suite struct RecordExportConfigurationTests {
    func closedDocument(transcript: Bool) async throws -> String {
        let app = try TestApp { configuration in
            configuration.exportTranscript = transcript
            configuration.publicBaseURL = "https://neuvo.example.fi"
        }
        defer { app.stop() }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let (resident, id) = try app.queuedResident()
        _ = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos",
                                     headers: resident.headers([("X-Requested-With", "neuvo"), ("Content-Type", "image/png")]),
                                     body: TestImages.pngWithLocation())
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.post("/api/v1/pro/cases/\(id)/messages", #"{"clientId": "\#(UUID().uuidString)", "text": "Näkyykö tämä keskustelu?"}"#)
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#)
        return try #require(try app.app.clinic.recordExports(after: 0, limit: 1, unacknowledgedOnly: false).first).document.text
    }

    @Test func theTranscriptIsIncludedOnlyWhenConfigured() async throws {
        let without = try await closedDocument(transcript: false)
        let with = try await closedDocument(transcript: true)
        #expect(!without.contains("Näkyykö tämä keskustelu?"))
        #expect(with.contains("Näkyykö tämä keskustelu?"))
        // Photos are referenced by URL at the configured public address, not inlined.
        #expect(without.contains("https://neuvo.example.fi/api/v1/record-exports/"))
        #expect(!without.contains("iVBOR"))
    }
}
