import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// Retention deletes exactly the content it should, and nothing unacknowledged.
@Suite struct RetentionTests {
    @Test func deletesAcknowledgedAndEndedCasesOnly() async throws {
        let clock = TestClock()
        let app = try await appWithCatalog(clock: clock)
        defer { app.stop() }
        let key = try await app.createApiKey()
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let acknowledged = try app.closedCase(by: hanna, summary: "Poistettava yhteenveto.")
        let unacknowledged = try app.closedCase(by: hanna, summary: "Säilytettävä yhteenveto.")
        let (quitter, withdrawn) = try app.queuedResident()
        _ = try quitter.post("/api/v1/conversations/\(withdrawn)/withdraw", "{}")
        let (_, waiting) = try app.queuedResident()
        let exportID = try #require(try app.app.clinic.recordExports(after: 0, limit: 10, unacknowledgedOnly: false)
            .first { $0.conversationID == acknowledged }?.id)
        _ = try app.client().call("POST", "/api/v1/record-exports/\(exportID)/ack",
                                  headers: [("Authorization", "Bearer \(key)")] + Resident.stateHeaders, body: Array("{}".utf8))

        // Too recent: nothing goes.
        let early = try await app.app.clinic.applyRetention(olderThanDays: 30)
        #expect(early == .init(purged: 0, keptUnacknowledged: []))

        clock.advance(minutes: 31 * 24 * 60)
        let report = try await app.app.clinic.applyRetention(olderThanDays: 30)
        #expect(report.purged == 2)  // the acknowledged case and the withdrawn one
        #expect(report.keptUnacknowledged == [unacknowledged])

        let counts = try app.app.store.read { db in
            try [acknowledged, unacknowledged, withdrawn, waiting].map { id in
                (try db.row("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?", id)?.int("n") ?? -1,
                 try db.row("SELECT COUNT(*) AS n FROM events WHERE conversation_id = ?", id)?.int("n") ?? -1,
                 try db.row("SELECT answers FROM conversations WHERE id = ?", id)?.string("answers"))
            }
        }
        #expect(counts[0].1 == 0 && counts[0].2 == nil)
        #expect(counts[1].1 > 0 && counts[1].2 != nil)
        #expect(counts[2].1 == 0 && counts[2].2 == nil)
        #expect(counts[3].1 > 0 && counts[3].2 != nil)  // still waiting: untouched
        let documents = try app.app.store.read { db in
            try db.rows("SELECT conversation_id, document FROM record_exports ORDER BY seq").map { ($0.string("conversation_id"), $0.string("document")) }
        }
        #expect(documents[0].1 == "{}")
        #expect(documents[1].1?.contains("Säilytettävä yhteenveto") == true)
        // The statistics stay.
        let stats = try app.app.store.read { db in
            try db.row("SELECT service_id, queue_id, closing_outcome, status FROM conversations WHERE id = ?", acknowledged)
        }
        #expect(stats?.string("service_id") == "skin")
        #expect(stats?.string("closing_outcome") == "adviceGiven")
        #expect(stats?.string("status") == "closed")
        // Running again changes nothing more.
        #expect(try await app.app.clinic.applyRetention(olderThanDays: 30).purged == 0)
    }
}
