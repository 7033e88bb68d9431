import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Testing

/// The server's own rounds: the command line's changes reach its open pages,
/// and retention runs on its schedule, leaving nothing of the content in the file.
@Suite struct HousekeepingTests {
    @Test func aUserDisabledFromTheCommandLineLosesTheirParkedPollWithinSeconds() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (_, waiting) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(waiting)"}"#).status == 200)
        let cursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let poller = try app.park(RawClient.request("GET", "/api/v1/pro/events?after=\(cursor)&wait=25", headers: hanna.headers()))
        let started = Date()
        // Another process: the command line, on the same database file.
        let disabled = try runNeuvo(["user", "disable", "hanna", "--db", app.databasePath, "--migrations", repositoryRoot + "/Migrations"])
        #expect(disabled.status == 0, "\(disabled.output)")
        let answer = try poller.readResponse()
        #expect(answer.status == 401, "\(answer.text)")
        #expect(Date().timeIntervalSince(started) < 5, "the poll ended \(Date().timeIntervalSince(started)) s after the command")
        // A key revoked from the command line is refused at its next request.
        let key = try await CallBackAPITests.key(app, "potilastieto", .records)
        #expect(try app.client().call("GET", "/api/v1/record-exports", headers: key).status == 200)
        let revoked = try runNeuvo(["apikey", "revoke", "potilastieto", "--db", app.databasePath, "--migrations", repositoryRoot + "/Migrations"])
        #expect(revoked.status == 0, "\(revoked.output)")
        #expect(try app.client().call("GET", "/api/v1/record-exports", headers: key).status == 401)
        // Her open case went back to the queue, and the queue's pages heard it.
        try await app.addProfessional("pekka", queues: ["nurse"], name: "Pekka Hoitaja")
        let queue = try app.workspace("pekka").get("/api/v1/pro/queue").json?["cases"]?.arrayValue ?? []
        #expect(queue.contains { $0["conversationId"]?.stringValue == waiting })
    }

    @Test func retentionRunsAtItsHourAndLeavesNoContentInTheFile() async throws {
        let clock = StoppedClock()
        clock.set(to: "2026-03-27T08:00:00Z")  // Friday 10.00 in Finland
        let app = try TestApp {
            $0.clock = { clock.now }
            $0.retention = RetentionSchedule(days: 1, hour: 3)
        }
        defer { app.stop() }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        let resident = try app.resident()
        let id = try resident.openConversation()
        #expect(try resident.postMessage(id, text: "Sääriluun-ihottuma-7319 ei parane").status == 201)
        #expect(try resident.post("/api/v1/conversations/\(id)/withdraw", "{}").status == 200)
        func purged() throws -> Bool {
            try app.app.store.read { db in try db.row("SELECT purged_at FROM conversations WHERE id = ?", id)?.int64("purged_at") } != nil
        }
        // Saturday 03.30: ended less than a day ago, kept.
        clock.set(to: "2026-03-28T01:30:00Z")
        try await Task.sleep(for: .seconds(2))
        #expect(try !purged())
        // Sunday 02.30: not yet its hour.
        clock.set(to: "2026-03-29T00:30:00Z")
        try await Task.sleep(for: .seconds(2))
        #expect(try !purged())
        // Sunday 04.30 (summer time; 03.00 never came, the clocks went to 04.00): deleted within the round.
        clock.set(to: "2026-03-29T01:30:00Z")
        let deadline = Date().addingTimeInterval(5)
        while try !purged() && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try purged())
        #expect(app.logLines.contains { $0.contains("retention (1 days): 1 conversation(s) purged") })
        #expect(!app.logLines.contains { $0.contains("7319") }, "no content in the logs")
        // secure_delete: once the WAL is folded back, the text is nowhere in the file.
        app.stop()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: app.databasePath))
        #expect(bytes.range(of: Data("Sääriluun-ihottuma-7319".utf8)) == nil)
    }
}
