import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Synchronization
import Testing

/// Admins manage work-queue memberships from the page.
@Suite struct AdminAPITests {
    @Test func onlyAnAdminSetsMemberships() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("admin", queues: [], role: .admin, name: "Aino Ylläpitäjä", title: "ylläpitäjä")
        let hanna = try app.workspace("hanna"), admin = try app.workspace("admin")
        #expect(try hanna.get("/api/v1/pro/admin/professionals").status == 403)
        #expect(try hanna.post("/api/v1/pro/admin/professionals/hanna/queues", #"{"queues": ["nurse", "dental"]}"#).status == 403)
        let list = try admin.get("/api/v1/pro/admin/professionals")
        #expect(list.json?["professionals"]?.arrayValue?.count == 2)
        #expect(list.json?["queues"]?.arrayValue?.count == 3)
        #expect(!list.text.contains("$y$"))
        let updated = try admin.post("/api/v1/pro/admin/professionals/hanna/queues", #"{"queues": ["nurse", "dental"]}"#)
        #expect(updated.json?["queues"] == .array([.string("dental"), .string("nurse")]))
        #expect(try admin.post("/api/v1/pro/admin/professionals/hanna/queues", #"{"queues": ["astrology"]}"#).status == 422)
        #expect(try admin.post("/api/v1/pro/admin/professionals/nobody/queues", #"{"queues": []}"#).status == 404)
        // Hanna's own view follows at once.
        #expect(try hanna.get("/api/v1/pro/me").json?["queues"] == .array([.string("dental"), .string("nurse")]))
    }
}
