import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// Photos over the API: metadata removed before storing, served only to those with access.
@Suite struct PhotoAPITests {
    static let upload = [("X-Requested-With", "neuvo"), ("Content-Type", "image/png")]

    @Test func aResidentsPhotoLosesItsLocationAndReachesOnlyThoseWithAccess() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        let original = TestImages.pngWithLocation()
        #expect(TestImages.pngChunkTypes(original).contains("eXIf"))
        let posted = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos",
                                              headers: resident.headers(Self.upload + [("X-Client-Id", "3b241101-e2bb-4255-8caf-4136c566a962")]),
                                              body: original)
        #expect(posted.status == 201)
        let photoID = try #require(posted.json?["id"]?.stringValue)
        #expect(posted.json?["width"]?.intValue == 2)
        // A retry with the same client id returns the original.
        let retry = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos",
                                             headers: resident.headers(Self.upload + [("X-Client-Id", "3b241101-e2bb-4255-8caf-4136c566a962")]),
                                             body: original)
        #expect(retry.status == 200)
        #expect(retry.json?["id"]?.stringValue == photoID)

        // What is stored has no location left.
        let stored = try #require(try app.app.store.read { db in try db.row("SELECT bytes FROM photos WHERE id = ?", photoID)?.blob("bytes") })
        #expect(TestImages.pngChunkTypes(stored) == ["IHDR", "IDAT", "IEND"])
        #expect(!String(decoding: stored, as: UTF8.self).contains("GPS"))

        let mine = try resident.get("/api/v1/conversations/\(id)/photos/\(photoID)")
        #expect(mine.status == 200)
        #expect(mine.body == stored)
        #expect(mine.header("content-type") == "image/png")
        #expect(mine.header("x-content-type-options") == "nosniff")
        #expect(mine.header("cache-control") == "private, no-store")
        let event = try resident.get("/api/v1/conversations/\(id)/events").json?["events"]?.arrayValue?.last
        #expect(event?["type"]?.stringValue == "photo")

        // Another resident, and a professional before picking: 404.
        let stranger = try app.resident()
        let theirs = try stranger.openConversation()
        #expect(try stranger.get("/api/v1/conversations/\(id)/photos/\(photoID)").status == 404)
        #expect(try stranger.get("/api/v1/conversations/\(theirs)/photos/\(photoID)").status == 404)
        let hanna = try app.workspace("hanna")
        #expect(try hanna.get("/api/v1/pro/cases/\(id)/photos/\(photoID)").status == 404)
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        #expect(try hanna.get("/api/v1/pro/cases/\(id)").json?["photos"]?.arrayValue?.first?["id"]?.stringValue == photoID)
        let seen = try hanna.get("/api/v1/pro/cases/\(id)/photos/\(photoID)")
        #expect(seen.status == 200)
        #expect(seen.body == stored)

        // After closing, the record system fetches it through the export with its key.
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close", #"{"outcome": "adviceGiven", "instructions": "x", "summary": "y"}"#)
        let key = try await app.createApiKey()
        let export = try #require(try app.app.clinic.recordExports(after: 0, limit: 1, unacknowledgedOnly: false).first)
        #expect(export.document.text.contains("/api/v1/record-exports/\(export.id)/photos/\(photoID)"))
        let pulled = try app.client().call("GET", "/api/v1/record-exports/\(export.id)/photos/\(photoID)", headers: [("Authorization", "Bearer \(key)")])
        #expect(pulled.status == 200)
        #expect(pulled.body == stored)
        #expect(try app.client().call("GET", "/api/v1/record-exports/\(export.id)/photos/\(photoID)").status == 401)
    }

    @Test func badFilesAreRefusedWithAClearMessage() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let text = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(Self.upload),
                                            body: Array("not really a picture".utf8))
        #expect(text.status == 415)
        #expect(text.json?["error"]?["message"]?.stringValue?.contains("JPEG, PNG or WebP") == true)
        var truncated = TestImages.pngWithLocation()
        truncated.removeLast(20)
        #expect(try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(Self.upload),
                                         body: truncated).status == 415)
        let huge = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(Self.upload),
                                            body: [UInt8](repeating: 0, count: 10 * 1024 * 1024 + 1))
        #expect(huge.status == 413)
        // A small file that decodes to gigabytes: 20,000 × 20,000 pixels in a few hundred bytes.
        let bomb = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(Self.upload),
                                            body: TestImages.png(width: 20_000, height: 20_000))
        #expect(bomb.status == 413)
        #expect(bomb.json?["error"]?["code"]?.stringValue == "photo_too_large")
        #expect(bomb.json?["error"]?["message"]?.stringValue?.contains("128 megapixels") == true)
        // A 40-megapixel photo, as phones take them, is taken.
        #expect(try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(Self.upload),
                                         body: TestImages.png(width: 8_000, height: 5_000)).status == 201)
    }

    @Test func uploadsNeedTheCSRFHeaderAndAnImageType() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let png = TestImages.pngWithLocation()
        #expect(try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers([("Content-Type", "image/png")]),
                                         body: png).status == 403)
        #expect(try resident.client.call("POST", "/api/v1/conversations/\(id)/photos",
                                         headers: resident.headers([("X-Requested-With", "neuvo"), ("Content-Type", "text/plain")]), body: png).status == 403)
    }

    @Test func atMostTenPhotosPerConversation() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let png = TestImages.pngWithLocation()
        for _ in 0..<10 {
            #expect(try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(Self.upload), body: png).status == 201)
        }
        let eleventh = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(Self.upload), body: png)
        #expect(eleventh.status == 409)
        #expect(eleventh.json?["error"]?["code"]?.stringValue == "too_many_photos")
    }
}
