import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// Strong identification from the trusted proxy, and demo mode's test identification.
@Suite struct IdentificationAPITests {
    static let code = "131052-308T"

    @Test func aVerifiedIdentityFromTheTrustedProxyIsRecorded() async throws {
        let app = try await appWithCatalog(trustedProxies: ["127.0.0.1"])
        defer { app.stop() }
        let resident = try app.resident()
        let identity = [("X-Neuvo-Identity", Self.code), ("X-Neuvo-Identity-Name", "Maija%20Meik%C3%A4l%C3%A4inen")]
        let opened = try resident.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + identity)
        #expect(opened.status == 201)
        let session = try resident.get("/api/v1/session")
        #expect(session.json?["identified"] == .bool(true))
        #expect(session.json?["identity"]?["method"]?.stringValue == "proxy")
        #expect(session.json?["identity"]?["name"]?.stringValue == "Maija Meikäläinen")
        // The page never gets the whole code back.
        #expect(session.json?["identity"]?["code"]?.stringValue == "131052-****")
        #expect(!session.text.contains("308T"))
        // Someone else's identity on the same session is refused.
        let other = try resident.client.call("GET", "/api/v1/session", headers: resident.headers([("X-Neuvo-Identity", "010101-123N")]))
        #expect(other.status == 409)
        // Professionals see that the waiting case is identified.
        let id = try #require(opened.json?["id"]?.stringValue)
        _ = try resident.submit(id, answers: TriageAPITests.calm)
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let row = try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.first
        #expect(row?["identified"] == .bool(true))
        // The queue list shows only that; the opened (audited) case shows who, with the whole code.
        #expect(try !hanna.get("/api/v1/pro/queue").text.contains("308T"))
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        let who = try hanna.get("/api/v1/pro/cases/\(id)").json?["residentIdentity"]
        #expect(who == .object(["personalIdentityCode": .string(Self.code), "method": .string("proxy"), "name": .string("Maija Meikäläinen")]))
        // An anonymous resident's case has none.
        let (_, anonymous) = try app.queuedResident()
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(anonymous)"}"#)
        #expect(try hanna.get("/api/v1/pro/cases/\(anonymous)").json?["residentIdentity"] == nil)
    }

    @Test func identityHeadersFromAnyoneElseAreRefused() async throws {
        let app = try await appWithCatalog(trustedProxies: ["10.9.8.7"])
        defer { app.stop() }
        let resident = try app.resident()
        let forged = try resident.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + [("X-Neuvo-Identity", Self.code)])
        #expect(forged.status == 403)
        #expect(forged.json?["error"]?["code"]?.stringValue == "untrusted_identity")
        #expect(resident.cookie == nil)
        _ = try resident.openConversation()
        #expect(try resident.get("/api/v1/session").json?["identified"] == .bool(false))
        // Logs never carry the code.
        app.stop()
        #expect(!app.logLines.contains { $0.contains("131052") })
    }

    @Test func demoModeOffersAClearlyMarkedTestIdentification() async throws {
        let app = try await appWithCatalog(demo: true)
        defer { app.stop() }
        let resident = try app.resident()
        #expect(try resident.get("/api/v1/session").json?["demoIdentification"] == .bool(true))
        let bad = try resident.post("/api/v1/identification/demo", #"{"personalIdentityCode": "131052-308U"}"#)
        #expect(bad.status == 422)
        #expect(bad.json?["error"]?["field"]?.stringValue == "personalIdentityCode")
        let good = try resident.post("/api/v1/identification/demo", #"{"personalIdentityCode": "131052-308t"}"#)
        #expect(good.status == 200)
        #expect(good.json?["identity"]?["method"]?.stringValue == "demo")
        #expect(good.json?["identity"]?["name"]?.stringValue == "Testihenkilö (demo)")
        // The new cookie carries the identity into the conversation.
        _ = try resident.openConversation()
        #expect(try resident.get("/api/v1/session").json?["identified"] == .bool(true))
    }

    @Test func withoutDemoModeThereIsNoTestIdentification() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let resident = try app.resident()
        #expect(try resident.post("/api/v1/identification/demo", #"{"personalIdentityCode": "131052-308T"}"#).status == 404)
        #expect(try resident.get("/api/v1/session").json?["demoIdentification"] == .bool(false))
    }

    @Test func anIdentifiedAdultsExportCarriesTheirCode() async throws {
        let app = try await appWithCatalog(trustedProxies: ["127.0.0.1"])
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let resident = try app.resident()
        let opened = try resident.post("/api/v1/conversations", "{}", headers: Resident.stateHeaders + [("X-Neuvo-Identity", Self.code)])
        let id = try #require(opened.json?["id"]?.stringValue)
        _ = try resident.submit(id, answers: TriageAPITests.calm)
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "noCareNeed", "instructions": "Ei toimenpiteitä.", "summary": "Ok."}"#)
        let document = try #require(try app.app.clinic.recordExports(after: 0, limit: 5, unacknowledgedOnly: true).first?.document)
        #expect(document.text.contains("urn:oid:1.2.246.21"))
        #expect(document.text.contains(Self.code))
    }
}
