import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Synchronization
import Testing
/// A professional's browser: one connection and the `neuvo_pro` cookie.
final class Workspace: @unchecked Sendable {  // one thread at a time in tests
    let client: RawClient
    var cookie: String?

    init(client: RawClient) { self.client = client }

    func headers(_ extra: [(String, String)] = []) -> [(String, String)] {
        (cookie.map { [("Cookie", "neuvo_pro=\($0)")] } ?? []) + extra
    }

    @discardableResult
    func post(_ path: String, _ body: String) throws -> RawResponse {
        let response = try client.call("POST", path, headers: headers(Resident.stateHeaders), body: Array(body.utf8))
        if let setCookie = response.header("set-cookie"), let value = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last {
            cookie = String(value)
        }
        return response
    }

    func get(_ path: String) throws -> RawResponse { try client.call("GET", path, headers: headers()) }

    func login(_ username: String, _ password: String = "oikein-hyva-salasana") throws -> RawResponse {
        try post("/api/v1/pro/login", JSONValue.object(["username": .string(username), "password": .string(password)]).text)
    }
}

/// A clock tests can move.
final class TestClock: Sendable {
    private let offset = Mutex<Int64>(0)
    func advance(minutes: Int64) { offset.withLock { $0 += minutes * 60_000 } }
    /// Moves the clock to `rfc3339` (UTC, e.g. `2026-11-22T20:00:00Z`), from where it runs on.
    func set(to rfc3339: String) {
        let target = Int64(ISO8601DateFormatter().date(from: rfc3339)!.timeIntervalSince1970 * 1000)
        offset.withLock { $0 = target - Timestamp.now().millis }
    }
    var now: Timestamp { Timestamp(millis: Timestamp.now().millis + offset.withLock { $0 }) }
}

extension TestApp {
    @discardableResult
    func addProfessional(_ username: String, queues: [String], role: Professional.Role = .professional,
                         name: String = "Hanna Hoitaja", title: String = "sairaanhoitaja") async throws -> Professional {
        try await app.clinic.addProfessional(username: username, displayName: name, title: title, role: role,
                                             passwordHash: try PasswordHasher.hash("oikein-hyva-salasana"), queues: queues)
    }

    func workspace(_ username: String) throws -> Workspace {
        let workspace = Workspace(client: try client())
        let response = try workspace.login(username)
        guard response.status == 200 else { throw RawClient.Failure(description: "login \(username): \(response.status) \(response.text)") }
        return workspace
    }

    /// A resident whose case waits in the test catalog's `nurse` queue (or `child-health` for a child).
    func queuedResident(child: Bool = false, hot: Bool = false) throws -> (Resident, String) {
        let resident = try self.resident()
        let id = try resident.openConversation()
        let subject = child ? #"{"kind": "child", "firstName": "Aino", "ageYears": 5}"# : #"{"kind": "self"}"#
        let response = try resident.submit(id, subject: subject, answers: hot ? TriageAPITests.hot : TriageAPITests.calm)
        guard response.json?["outcome"]?.stringValue == "queued" else { throw RawClient.Failure(description: "not queued: \(response.text)") }
        return (resident, id)
    }
}

func appWithCatalog(clock: TestClock? = nil, trustedProxies: [String] = [], demo: Bool = false) async throws -> TestApp {
    let app = try TestApp { configuration in
        if let clock { configuration.clock = { clock.now } }
        configuration.trustedProxies = trustedProxies
        configuration.demoIdentification = demo
    }
    try await app.app.clinic.importCatalog(Array(testCatalogJSON.utf8))
    return app
}
