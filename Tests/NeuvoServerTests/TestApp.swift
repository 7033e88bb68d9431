import Foundation
import NeuvoJSON
@testable import NeuvoServer
import NeuvoTestSupport
import Synchronization
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The real server (NeuvoApp) on an ephemeral port with a fresh SQLite file.
final class TestApp: Sendable {
    let app: NeuvoApp
    let port: Int
    let databasePath: String

    init(limits: ((inout NeuvoApp.Configuration) -> Void)? = nil) throws {
        var configuration = NeuvoApp.Configuration()
        configuration.port = 0
        configuration.databasePath = NSTemporaryDirectory() + "neuvo-app-\(UUID().uuidString).sqlite"
        configuration.publicFolder = repositoryRoot + "/Public"
        configuration.migrationsFolder = repositoryRoot + "/Migrations"
        configuration.logLevel = .debug
        limits?(&configuration)
        databasePath = configuration.databasePath
        let box = LogBox()
        app = try NeuvoApp(configuration: configuration, logSink: { box.append($0) })
        logBox = box
        port = try app.start()
    }

    let logBox: LogBox

    /// Every log line written so far.
    var logLines: [String] { logBox.lines }

    /// Stops the server; every error it answered must be one its route declares.
    func stop() {
        app.stop()
        app.wait()
        #expect(app.contractBreaches.all.isEmpty, "answers the routes do not declare: \(app.contractBreaches.all)")
    }

    func client() throws -> RawClient { try RawClient(port: port) }

    /// Sends `request` on a new connection and returns once the server holds it parked (or after 5 s).
    func park(_ request: [UInt8]) throws -> RawClient {
        let poller = try client()
        let before = app.hub.waiterCount
        try poller.send(request)
        let deadline = Date().addingTimeInterval(5)
        while app.hub.waiterCount == before && Date() < deadline { usleep(10_000) }
        return poller
    }

    /// A resident's browser: one connection, its cookie jar of one cookie.
    func resident() throws -> Resident { Resident(client: try client()) }
}

final class LogBox: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}

/// A resident's side of the API over one keep-alive connection.
final class Resident {
    let client: RawClient
    var cookie: String?

    init(client: RawClient) { self.client = client }

    static let stateHeaders = [("X-Requested-With", "neuvo"), ("Content-Type", "application/json")]

    func headers(_ extra: [(String, String)] = []) -> [(String, String)] {
        (cookie.map { [("Cookie", "neuvo_resident=\($0)")] } ?? []) + extra
    }

    func post(_ path: String, _ body: String, headers extra: [(String, String)] = Resident.stateHeaders) throws -> RawResponse {
        let response = try client.call("POST", path, headers: headers(extra), body: Array(body.utf8))
        if let setCookie = response.header("set-cookie"), let value = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last {
            cookie = String(value)
        }
        return response
    }

    func get(_ path: String) throws -> RawResponse {
        try client.call("GET", path, headers: headers())
    }

    /// Opens a conversation and returns its id.
    func openConversation() throws -> String {
        let response = try post("/api/v1/conversations", "{}")
        guard response.status == 201, let id = response.json?["id"]?.stringValue else {
            throw RawClient.Failure(description: "open failed: \(response.status) \(response.text)")
        }
        return id
    }

    func postMessage(_ conversation: String, clientId: String = UUID().uuidString, text: String) throws -> RawResponse {
        let body = JSONValue.object(["clientId": .string(clientId), "text": .string(text)]).text
        return try post("/api/v1/conversations/\(conversation)/messages", body)
    }
}
