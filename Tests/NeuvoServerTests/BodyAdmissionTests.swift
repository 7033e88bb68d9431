import Foundation
import NeuvoJSON
import NeuvoTestSupport
import Testing

/// A large body is admitted by its route before a byte of it is read: who may
/// send it, in what type, to which conversation. Nobody else can make the
/// server hold megabytes, and all unfinished large bodies share one budget.
@Suite struct BodyAdmissionTests {
    static let size = 11 * 1024 * 1024 - 1

    /// Sends only the head of a photo upload declaring `length` bytes, and reads the answer
    /// without sending any of the body: the answer must come from the head alone.
    func headOnly(_ app: TestApp, _ path: String, headers: [(String, String)], length: Int = size) throws -> RawResponse {
        let client = try app.client()
        client.setTimeout(5)
        var head = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(length)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        try client.send(head + "\r\n")
        return try client.readResponse()
    }

    @Test func aStrangerIsRefusedBeforeTheBodyIsRead() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let (owner, id) = try app.queuedResident()
        let path = "/api/v1/conversations/\(id)/photos"
        // No CSRF header: 403 from the head.
        #expect(try headOnly(app, path, headers: [("Content-Type", "image/png")]).status == 403)
        // A form's body type: 403.
        #expect(try headOnly(app, path, headers: [("X-Requested-With", "neuvo"), ("Content-Type", "text/plain")]).status == 403)
        // No session: 404, as for any conversation not one's own.
        #expect(try headOnly(app, path, headers: PhotoAPITests.upload).status == 404)
        // Another resident's session: 404 too.
        let stranger = try app.resident()
        _ = try stranger.openConversation()
        #expect(try headOnly(app, path, headers: stranger.headers(PhotoAPITests.upload)).status == 404)
        // A professional not handling the case: 404 before the body.
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        #expect(try headOnly(app, "/api/v1/pro/cases/\(id)/photos", headers: hanna.headers(PhotoAPITests.upload)).status == 404)
        // The owner is let in: the server waits for the body (no answer from the head alone).
        #expect(throws: (any Error).self) { try headOnly(app, path, headers: owner.headers(PhotoAPITests.upload)) }
    }

    @Test func theOwnersLargePhotoIsTakenAfterAdmission() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        // Over the admission threshold (64 KiB): a PNG whose text chunk makes it about 200 KB.
        let photo = TestImages.png(width: 640, height: 480, padding: 200_000)
        let posted = try resident.client.call("POST", "/api/v1/conversations/\(id)/photos", headers: resident.headers(PhotoAPITests.upload),
                                              body: photo)
        #expect(posted.status == 201)
        #expect(posted.json?["width"]?.intValue == 640)
    }

    @Test func unfinishedLargeBodiesShareOneBudget() async throws {
        let app = try TestApp { $0.limits.maxBodyBytesInFlight = 1_000_000 }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let path = "/api/v1/conversations/\(id)/photos"
        let photo = TestImages.png(width: 640, height: 480, padding: 600_000)
        // The first upload is admitted and holds 600 KB of the budget while its body is on the way...
        let first = try app.client()
        var head = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(photo.count)\r\n"
        for (name, value) in resident.headers(PhotoAPITests.upload) { head += "\(name): \(value)\r\n" }
        try first.send(head + "\r\n")
        try first.send(Array(photo[0..<1000]))
        usleep(300_000)
        // ...so a second one does not fit: 503 with Retry-After, before its body is read.
        let refused = try headOnly(app, path, headers: resident.headers(PhotoAPITests.upload), length: photo.count)
        #expect(refused.status == 503)
        #expect(refused.header("retry-after") == "5")
        // The first finishes and gives its share back; the next one is taken.
        try first.send(Array(photo[1000...]))
        #expect(try first.readResponse().status == 201)
        let again = try resident.client.call("POST", path, headers: resident.headers(PhotoAPITests.upload), body: photo)
        #expect(again.status == 201)
    }

    @Test func oneClientCannotHoldMoreThanItsShareOfTheBudget() async throws {
        let app = try TestApp {
            $0.limits.maxBodyBytesInFlightPerClient = 1_000_000
            $0.trustedProxies = ["127.0.0.1"]  // the test stands in for the proxy: X-Forwarded-For names the client
            $0.secureCookies = false
        }
        try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
        defer { app.stop() }
        let (resident, id) = try app.queuedResident()
        let path = "/api/v1/conversations/\(id)/photos"
        let photo = TestImages.png(width: 640, height: 480, padding: 600_000)
        func headers(_ client: String) -> [(String, String)] { resident.headers(PhotoAPITests.upload + [("X-Forwarded-For", client)]) }
        // One client's first upload holds 600 KB of its 1 MB share while its body is on the way...
        let first = try app.client()
        var head = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(photo.count)\r\n"
        for (name, value) in headers("198.51.100.7") { head += "\(name): \(value)\r\n" }
        try first.send(head + "\r\n")
        try first.send(Array(photo[0..<1000]))
        usleep(300_000)
        // ...so its second does not fit: 429 with Retry-After, before its body is read.
        let refused = try headOnly(app, path, headers: headers("198.51.100.7"), length: photo.count)
        #expect(refused.status == 429 && refused.json?["error"]?["code"] == .string("too_many_uploads"))
        #expect(refused.header("retry-after") == "5")
        // Another client behind the same proxy is not held up by it.
        let other = try app.client().call("POST", path, headers: headers("198.51.100.8"), body: photo)
        #expect(other.status == 201, "\(other.text)")
        // The first finishes and gives its share back; its next upload is taken.
        try first.send(Array(photo[1000...]))
        #expect(try first.readResponse().status == 201)
        #expect(try app.client().call("POST", path, headers: headers("198.51.100.7"), body: photo).status == 201)
    }
}
