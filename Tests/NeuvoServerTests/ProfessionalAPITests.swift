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

/// The professional's API: sign-in, queues, picking, chat, audit.
@Suite struct ProfessionalAPITests {
    @Test func signInOutAndMe() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let workspace = Workspace(client: try app.client())
        #expect(try workspace.get("/api/v1/pro/me").status == 401)
        #expect(try workspace.login("hanna", "wrong-password-1").status == 401)
        #expect(try workspace.login("nobody-here").status == 401)
        let response = try workspace.login("HANNA")
        #expect(response.status == 200)
        #expect(response.json?["queues"] == .array([.string("nurse")]))
        #expect(!response.text.contains("$y$"))
        let cookie = try #require(response.header("set-cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/api/v1/pro"))
        #expect(try workspace.get("/api/v1/pro/me").json?["displayName"]?.stringValue == "Hanna Hoitaja")
        #expect(try workspace.post("/api/v1/pro/logout", "{}").status == 204)
        #expect(try workspace.get("/api/v1/pro/me").status == 401)
    }

    @Test func repeatedFailuresAreThrottled() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let workspace = Workspace(client: try app.client())
        for _ in 0..<LoginThrottle.maxFailures { #expect(try workspace.login("hanna", "wrong-password-1").status == 401) }
        let throttled = try workspace.login("hanna")
        #expect(throttled.status == 429)
        #expect(throttled.header("retry-after") == "900")
        // One nurse's typos do not lock out her ward behind the same address...
        try await app.addProfessional("pekka", queues: ["nurse"])
        #expect(try workspace.login("pekka").status == 200)
        // ...but a guesser trying many accounts from one address is stopped.
        for i in 0..<(LoginThrottle.maxFailuresPerAddress - LoginThrottle.maxFailures) {
            _ = try workspace.login("guess\(i)", "wrong-password-1")
        }
        #expect(try workspace.login("pekka").status == 429)
    }

    @Test func behindTheProxyFailuresCountPerForwardedClient() async throws {
        // The test client connects from 127.0.0.1, here the trusted reverse proxy.
        let app = try await appWithCatalog(trustedProxies: ["127.0.0.1"])
        defer { app.stop() }
        try await app.addProfessional("pekka", queues: ["nurse"])
        func login(_ username: String, _ password: String, from client: String) throws -> Int {
            let body = JSONValue.object(["username": .string(username), "password": .string(password)]).text
            return try app.client().call("POST", "/api/v1/pro/login", headers: Resident.stateHeaders + [("X-Forwarded-For", "10.0.0.1, \(client)")],
                                          body: Array(body.utf8)).status
        }
        for i in 0..<LoginThrottle.maxFailuresPerAddress { _ = try login("guess\(i)", "wrong-password-1", from: "192.0.2.66") }
        #expect(try login("pekka", "oikein-hyva-salasana", from: "192.0.2.66") == 429)
        // A colleague at another workstation, behind the same proxy, is not locked out.
        #expect(try login("pekka", "oikein-hyva-salasana", from: "192.0.2.10") == 200)
    }

    @Test func aForwardedForHeaderFromAnyoneButTheProxyIsIgnored() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("pekka", queues: ["nurse"])
        func login(_ username: String, _ password: String, claiming client: String) throws -> Int {
            let body = JSONValue.object(["username": .string(username), "password": .string(password)]).text
            return try app.client().call("POST", "/api/v1/pro/login", headers: Resident.stateHeaders + [("X-Forwarded-For", client)],
                                          body: Array(body.utf8)).status
        }
        // A guesser cannot dodge the per-address limit by inventing a new address each time.
        for i in 0..<LoginThrottle.maxFailuresPerAddress { _ = try login("guess\(i)", "wrong-password-1", claiming: "198.51.100.\(i)") }
        #expect(try login("pekka", "oikein-hyva-salasana", claiming: "198.51.100.200") == 429)
    }

    @Test func sessionsExpireWhenIdleAndAtTheLatestAfterTwelveHours() async throws {
        let clock = TestClock()
        let app = try await appWithCatalog(clock: clock)
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let workspace = try app.workspace("hanna")
        clock.advance(minutes: 29)
        #expect(try workspace.get("/api/v1/pro/me").status == 200)  // and this use counts
        clock.advance(minutes: 29)
        #expect(try workspace.get("/api/v1/pro/me").status == 200)
        clock.advance(minutes: 31)
        #expect(try workspace.get("/api/v1/pro/me").status == 401)

        // Off shift, the page's own polling and queue refreshes are not use: an unattended workstation signs out.
        let unattended = try app.workspace("hanna")
        for _ in 0..<2 {
            clock.advance(minutes: 10)
            #expect(try unattended.get("/api/v1/pro/events").status == 200)
            #expect(try unattended.get("/api/v1/pro/queue").status == 200)
        }
        clock.advance(minutes: 9)
        #expect(try unattended.get("/api/v1/pro/events").status == 200)  // 29 minutes without use
        clock.advance(minutes: 1)
        #expect(try unattended.get("/api/v1/pro/events").status == 401)  // 30

        // On shift, watching a quiet queue is the work: the page stays signed in to signal the next case.
        let watching = try app.workspace("hanna")
        #expect(try watching.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#).status == 200)
        for _ in 0..<6 {
            clock.advance(minutes: 10)
            #expect(try watching.get("/api/v1/pro/events").status == 200)
        }

        // Used every 20 minutes, a session lives until 12 hours after sign-in, not a minute longer.
        let busy = try app.workspace("hanna")
        for step in 1...(12 * 60 / 20 - 1) {
            clock.advance(minutes: 20)
            #expect(try busy.get("/api/v1/pro/me").status == 200, "at \(step * 20) minutes")
        }
        clock.advance(minutes: 19)
        #expect(try busy.get("/api/v1/pro/me").status == 200)  // 11 h 59 min
        clock.advance(minutes: 1)
        #expect(try busy.get("/api/v1/pro/me").status == 401)  // 12 h
    }

    @Test func disablingEndsSessionsAndSignIn() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let workspace = try app.workspace("hanna")
        let (resident, id) = try app.queuedResident()
        #expect(try workspace.post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#).status == 200)
        try await app.app.clinic.disableProfessional(username: "hanna")
        #expect(try workspace.get("/api/v1/pro/me").status == 401)
        #expect(try Workspace(client: try app.client()).login("hanna").status == 401)
        // Her open case goes back to its queue, keeping its place, so no resident is left waiting on nobody.
        let conversation = try resident.get("/api/v1/conversations/\(id)").json
        #expect(conversation?["status"]?.stringValue == "queued" && conversation?["position"]?.intValue == 1)
        let events = try resident.get("/api/v1/conversations/\(id)/events?after=0&wait=0").json?["events"]?.arrayValue ?? []
        #expect(events.last?["type"]?.stringValue == "transferred")
        #expect(events.last?["data"]?["queue"]?["id"]?.stringValue == "nurse")
        try await app.addProfessional("pekka", queues: ["nurse"])
        #expect(try app.workspace("pekka").post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == id)
        // A pick already under way when the account was disabled takes nothing.
        let (_, another) = try app.queuedResident()
        let stale = try #require(try app.app.clinic.professional(username: "hanna")).professional
        await #expect(throws: ClinicError.notFound) { try await app.app.clinic.pick(professional: stale, conversationID: another) }
    }

    @Test func aParkedPollGivesNothingMoreOnceTheSessionEnds() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let cursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let poller = try app.park(RawClient.request("GET", "/api/v1/pro/events?after=\(cursor)&wait=20", headers: hanna.headers()))
        // Signed out (here: the account disabled) while the poll waits; then a case arrives in her queue.
        try await app.app.clinic.disableProfessional(username: "hanna")
        _ = try app.queuedResident()
        let answer = try poller.readResponse()
        #expect(answer.status == 401, "\(answer.text)")
        #expect(!answer.text.contains("queued"))
    }

    @Test func residentsCannotReachProfessionalRoutesNorTheReverse() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        for path in ["/api/v1/pro/me", "/api/v1/pro/queue", "/api/v1/pro/events", "/api/v1/pro/cases/\(id)"] {
            #expect(try resident.get(path).status == 401)
        }
        #expect(try resident.post("/api/v1/pro/pick", "{}").status == 401)
        let workspace = try app.workspace("hanna")
        // The professional's cookie is no resident session.
        let asResident = Resident(client: workspace.client)
        asResident.cookie = workspace.cookie
        #expect(try asResident.get("/api/v1/conversations/\(id)").status == 404)
    }

    @Test func professionalsSeeAndPickOnlyTheirQueues() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("lotta", queues: ["child-health"], name: "Lotta Lastenhoitaja", title: "terveydenhoitaja")
        let (_, adult) = try app.queuedResident()
        let (_, child) = try app.queuedResident(child: true)
        let hanna = try app.workspace("hanna"), lotta = try app.workspace("lotta")
        let hannaCases = try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.compactMap { $0["conversationId"]?.stringValue }
        #expect(hannaCases == [adult])
        let row = try #require(try lotta.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.first)
        #expect(row["conversationId"]?.stringValue == child)
        #expect(row["subject"]?.stringValue == "child")
        #expect(row["serviceId"]?.stringValue == "skin")
        #expect(row["summary"]?.stringValue?.hasPrefix("Iho-oireet: Päiviä") == true)
        // Outside her queue: 404 for picking and reading.
        #expect(try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(child)"}"#).status == 404)
        #expect(try hanna.get("/api/v1/pro/cases/\(child)").status == 404)
        #expect(try lotta.post("/api/v1/pro/pick", #"{"conversationId": "\#(child)"}"#).status == 200)
        // Picked by Lotta: still not Hanna's to read.
        #expect(try hanna.get("/api/v1/pro/cases/\(child)").status == 404)
    }

    @Test func pickNextTakesTheMostUrgentThenTheLongestWaiting() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (_, first) = try app.queuedResident()
        let (_, second) = try app.queuedResident()
        let (_, urgent) = try app.queuedResident(hot: true)
        let hanna = try app.workspace("hanna")
        #expect(try hanna.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == urgent)
        #expect(try hanna.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == first)
        #expect(try hanna.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == second)
        let empty = try hanna.post("/api/v1/pro/pick", "{}")
        #expect(empty.status == 409)
        #expect(empty.json?["error"]?["code"]?.stringValue == "queue_empty")
    }

    @Test func exactlyOneOfManyConcurrentPicksWins() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let count = 8
        for i in 0..<count { try await app.addProfessional("hoitaja\(i)", queues: ["nurse"]) }
        let (_, id) = try app.queuedResident()
        let workspaces = try (0..<count).map { try app.workspace("hoitaja\($0)") }
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let status = (try? workspaces[i].post("/api/v1/pro/pick", #"{"conversationId": "\#(id)"}"#).status) ?? -1
            statuses.withLock { $0.append(status) }
        }
        let all = statuses.withLock { $0 }.sorted()
        #expect(all == [200] + Array(repeating: 409, count: count - 1))
        // It left every queue view at once.
        #expect(try workspaces[0].get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.isEmpty == true)
    }

    @Test func theyChatBothWaysAndTheResidentSeesWhoPickedIt() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        let cursor = try #require(try resident.get("/api/v1/conversations/\(id)/events").json?["next"]?.intValue)
        #expect(try hanna.post("/api/v1/pro/pick", "{}").status == 200)
        let reply = try hanna.post("/api/v1/pro/cases/\(id)/messages", #"{"clientId": "\#(UUID().uuidString)", "text": "Hei, olen Hanna."}"#)
        #expect(reply.status == 201)
        let seen = try resident.get("/api/v1/conversations/\(id)/events?after=\(cursor)")
        let events = try #require(seen.json?["events"]?.arrayValue)
        #expect(events.map { $0["type"]?.stringValue } == ["picked", "message"])
        #expect(events[0]["data"]?["professional"]?["title"]?.stringValue == "sairaanhoitaja")
        #expect(events[1]["data"]?["author"]?.stringValue == "professional")
        #expect(events[1]["data"]?["text"]?.stringValue == "Hei, olen Hanna.")
        #expect(seen.json?["status"]?.stringValue == "active")

        // The professional's own stream parks, then wakes with the resident's answer.
        let proCursor = try #require(try hanna.get("/api/v1/pro/events").json?["next"]?.intValue)
        let poller = try app.client()
        try poller.send(RawClient.request("GET", "/api/v1/pro/events?after=\(proCursor)&wait=20", headers: hanna.headers()))
        usleep(200_000)
        #expect(try resident.postMessage(id, text: "Kiitos!").status == 201)
        let woken = try poller.readResponse()
        #expect(woken.json?["events"]?.arrayValue?.first?["data"]?["text"]?.stringValue == "Kiitos!")

        let view = try hanna.get("/api/v1/pro/cases/\(id)")
        #expect(view.json?["messages"]?.arrayValue?.count == 2)
        #expect(view.json?["answers"]?.arrayValue?.first?["question"]?.stringValue == "Kauanko ihottuma on kestänyt?")
        #expect(view.json?["answers"]?.arrayValue?.first?["shown"]?.stringValue == "Päiviä")
        #expect(try hanna.get("/api/v1/pro/cases/\(id)?lang=sv").json?["answers"]?.arrayValue?.first?["shown"]?.stringValue == "Dagar")
    }

    @Test func aNewCaseWakesTheQueuesProfessionalsOnly() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("lotta", queues: ["child-health"])
        let hanna = try app.workspace("hanna"), lotta = try app.workspace("lotta")
        let hannaCursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let lottaCursor = try #require(try lotta.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let hannaPoll = try app.client(), lottaPoll = try app.client()
        try hannaPoll.send(RawClient.request("GET", "/api/v1/pro/events?after=\(hannaCursor)&wait=20", headers: hanna.headers()))
        try lottaPoll.send(RawClient.request("GET", "/api/v1/pro/events?after=\(lottaCursor)&wait=1", headers: lotta.headers()))
        usleep(200_000)
        let (_, id) = try app.queuedResident()
        let woken = try hannaPoll.readResponse()
        #expect(woken.json?["events"]?.arrayValue?.first?["type"]?.stringValue == "queued")
        #expect(woken.json?["events"]?.arrayValue?.first?["data"]?["queue"]?["id"]?.stringValue == "nurse")
        #expect(woken.json?["events"]?.arrayValue?.first?["seq"] != nil)
        #expect(try lottaPoll.readResponse().json?["events"]?.arrayValue?.isEmpty == true)
        _ = id
    }

    /// The types (and queue) of the events on `workspace`'s stream after `cursor`.
    func stream(_ workspace: Workspace, after cursor: Int) throws -> [(type: String, conversation: String)] {
        let events = try workspace.get("/api/v1/pro/events?after=\(cursor)").json?["events"]?.arrayValue ?? []
        return events.map { ($0["type"]?.stringValue ?? "", $0["conversationId"]?.stringValue ?? "") }
    }

    @Test func theQueueStreamCarriesPicksWithdrawalsAndTransfers() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        try await app.addProfessional("olli", queues: ["nurse", "child-health"], name: "Olli Lääkäri", title: "lääkäri")
        try await app.addProfessional("lotta", queues: ["child-health"], name: "Lotta Lastenhoitaja", title: "terveydenhoitaja")
        let hanna = try app.workspace("hanna"), olli = try app.workspace("olli"), lotta = try app.workspace("lotta")
        let (withdrawing, gone) = try app.queuedResident()
        let (_, taken) = try app.queuedResident()
        let (_, child) = try app.queuedResident(child: true)
        let cursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)

        // Picked by a colleague, and withdrawn by the resident: both reach Hanna's stream.
        #expect(try olli.post("/api/v1/pro/pick", #"{"conversationId": "\#(taken)"}"#).status == 200)
        #expect(try withdrawing.post("/api/v1/conversations/\(gone)/withdraw", "{}").status == 200)
        // A child's case that Lotta passes into the nurses' queue appears there.
        #expect(try lotta.post("/api/v1/pro/pick", #"{"conversationId": "\#(child)"}"#).status == 200)
        #expect(try lotta.post("/api/v1/pro/cases/\(child)/transfer", #"{"queueId": "nurse"}"#).status == 200)
        let seen = try stream(hanna, after: cursor)
        #expect(seen.filter { $0.type != "queued" }.map { "\($0.type) \($0.conversation)" }
                == ["picked \(taken)", "withdrawn \(gone)", "transferred \(child)"])
        #expect(try hanna.get("/api/v1/pro/queue").json?["cases"]?.arrayValue?.compactMap { $0["conversationId"]?.stringValue } == [child])

        // Passed to Olli by name: his own stream carries it and the case is his to open.
        #expect(try hanna.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == child)
        let olliID = try #require(try olli.get("/api/v1/pro/me").json?["id"]?.intValue)
        let olliCursor = try #require(try olli.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        #expect(try hanna.post("/api/v1/pro/cases/\(child)/transfer", #"{"professionalId": \#(olliID)}"#).status == 200)
        #expect(try stream(olli, after: olliCursor).contains { $0.type == "transferred" && $0.conversation == child })
        #expect(try olli.get("/api/v1/pro/cases").json?["cases"]?.arrayValue?.contains { $0["conversationId"]?.stringValue == child } == true)
        #expect(try olli.get("/api/v1/pro/cases/\(child)").json?["access"]?.stringValue == "handler")
    }

    @Test func aCaseJoiningMyQueueComesWithItsListRowInMyLanguage() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let hanna = try app.workspace("hanna")
        let cursor = try #require(try hanna.get("/api/v1/pro/queue").json?["cursor"]?.intValue)
        let (_, id) = try app.queuedResident()
        let events = try #require(try hanna.get("/api/v1/pro/events?after=\(cursor)&lang=sv").json?["events"]?.arrayValue)
        let queued = try #require(events.first { $0["type"]?.stringValue == "queued" })
        #expect(queued["case"]?["conversationId"]?.stringValue == id)
        #expect(queued["case"]?["summary"]?.stringValue?.hasPrefix("Hudsymtom: Dagar") == true)
        #expect(queued["case"] == (try hanna.get("/api/v1/pro/queue?lang=sv").json?["cases"]?.arrayValue?.first))
        // Replayed after it was picked, the event carries no row: it is no longer waiting.
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        let later = try #require(try hanna.get("/api/v1/pro/events?after=\(cursor)").json?["events"]?.arrayValue)
        #expect(later.first { $0["type"]?.stringValue == "queued" }?["case"] == nil)
    }

    @Test func theQueueListIsInTheReadersLanguageAndCountsEveryCase() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        for _ in 0..<3 { _ = try app.queuedResident() }
        let hanna = try app.workspace("hanna")
        let fi = try hanna.get("/api/v1/pro/queue").json
        #expect(fi?["total"]?.intValue == 3)
        #expect(fi?["cases"]?.arrayValue?.first?["summary"]?.stringValue?.hasPrefix("Iho-oireet: Päiviä") == true)
        let sv = try hanna.get("/api/v1/pro/queue?lang=sv").json
        #expect(sv?["cases"]?.arrayValue?.first?["summary"]?.stringValue?.hasPrefix("Hudsymtom: Dagar") == true)
        let en = try hanna.get("/api/v1/pro/queue?lang=en").json
        #expect(en?["cases"]?.arrayValue?.first?["summary"]?.stringValue?.hasPrefix("Skin symptoms: Days") == true)
        // Beyond the list's length the total still counts every waiting case.
        let hannaID = try #require(try hanna.get("/api/v1/pro/me").json?["id"]?.intValue)
        let cut = try app.app.clinic.waitingCases(queues: ["nurse"], professionalID: Int64(hannaID), limit: 2)
        #expect(cut.cases.count == 2 && cut.total == 3)
    }

    @Test func anAdminMayReadAnyCaseAndThatIsAuditedAsAdmin() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let admin = try await app.addProfessional("aino", queues: [], role: .admin, name: "Aino Ylläpitäjä", title: "ylläpitäjä")
        let (_, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna"), aino = try app.workspace("aino")
        #expect(try hanna.get("/api/v1/pro/admin/cases/\(id)").status == 403)
        #expect(try aino.get("/api/v1/pro/cases/\(id)").status == 404)  // the workspace route stays the handler's
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.post("/api/v1/pro/cases/\(id)/close",
                           #"{"outcome": "noCareNeed", "instructions": "Ei toimenpiteitä.", "summary": "Ei hoidon tarvetta."}"#)
        // Closed: only an admin reads it now, read-only.
        #expect(try hanna.get("/api/v1/pro/cases/\(id)").status == 404)
        let view = try aino.get("/api/v1/pro/admin/cases/\(id)?lang=en")
        #expect(view.status == 200)
        #expect(view.json?["access"]?.stringValue == "admin")
        #expect(view.json?["conversation"]?["status"]?.stringValue == "closed")
        #expect(view.json?["answers"]?.arrayValue?.first?["question"]?.stringValue == "How long has the rash lasted?")
        #expect(view.json?["summaryDraft"] == nil && view.json?["cannedReplies"] == nil)
        #expect(try aino.post("/api/v1/pro/cases/\(id)/notes", #"{"clientId": "\#(UUID().uuidString)", "text": "x"}"#).status == 404)
        #expect(try aino.get("/api/v1/pro/admin/cases/0123456789abcdef0123456789abcdef").status == 404)
        let audit = try app.app.store.read { db in
            try db.rows("SELECT professional_id, reason FROM audit_log WHERE conversation_id = ? AND reason = 'admin'", id)
        }
        #expect(audit.count == 1 && audit.first?.int64("professional_id") == admin.id)
    }

    @Test func theCaseShowsARedFlagTheSameVisitHitJustBefore() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let resident = try app.resident()
        // First the answers say breathing is hard: 112, not queued. Then the same visit tries again without it.
        let first = try resident.openConversation()
        #expect(try resident.submit(first, answers: #"{"duration": "hours", "breathing": true, "fever": false}"#)
            .json?["outcome"]?.stringValue == "redFlag")
        let second = try resident.openConversation()
        #expect(try resident.submit(second, answers: TriageAPITests.calm).json?["outcome"]?.stringValue == "queued")
        let (_, other) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(second)"}"#)
        var flags = try #require(try hanna.get("/api/v1/pro/cases/\(second)?lang=en").json?["earlierRedFlags"]?.arrayValue)
        #expect(flags.count == 1)
        #expect(flags.first?["redFlag"]?.stringValue == "breathing" && flags.first?["action"]?.stringValue == "call112")
        #expect(flags.first?["message"]?.stringValue == "Call 112 now." && flags.first?["service"]?.stringValue == "Skin symptoms")
        // While waiting, the same person's symptoms get worse: a new questionnaire stops at a red flag, and the
        // waiting case shows that too.
        let worse = try resident.openConversation()
        #expect(try resident.submit(worse, answers: #"{"duration": "days", "spreading": true, "breathing": true, "fever": false}"#)
            .json?["outcome"]?.stringValue == "redFlag")
        flags = try #require(try hanna.get("/api/v1/pro/cases/\(second)").json?["earlierRedFlags"]?.arrayValue)
        #expect(flags.count == 2 && flags.last?["message"]?.stringValue == "Soita nyt 112.")
        // Another resident's case carries none.
        _ = try hanna.post("/api/v1/pro/pick", #"{"conversationId": "\#(other)"}"#)
        #expect(try hanna.get("/api/v1/pro/cases/\(other)").json?["earlierRedFlags"] == .array([]))
        // Nor does a matter of another person on the same browser (here the parent's child).
        let childs = try resident.openConversation()
        #expect(try resident.submit(childs, subject: #"{"kind": "child", "firstName": "Eino", "ageYears": 6}"#, answers: TriageAPITests.calm)
            .json?["outcome"]?.stringValue == "queued")
        try await app.addProfessional("lotta", queues: ["child-health"])
        let lotta = try app.workspace("lotta")
        _ = try lotta.post("/api/v1/pro/pick", #"{"conversationId": "\#(childs)"}"#)
        #expect(try lotta.get("/api/v1/pro/cases/\(childs)").json?["earlierRedFlags"] == .array([]))
    }

    @Test func everyOpeningIsAudited() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        let hannaAccount = try await app.addProfessional("hanna", queues: ["nurse"])
        let (_, id) = try app.queuedResident()
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/pick", "{}")
        _ = try hanna.get("/api/v1/pro/cases/\(id)")
        _ = try hanna.get("/api/v1/pro/cases/\(id)")
        let reasons = try app.app.store.read { db in
            try db.rows("SELECT professional_id, reason FROM audit_log WHERE conversation_id = ? ORDER BY id", id)
        }
        #expect(reasons.map { $0.string("reason") } == ["picked", "picked", "picked"])
        #expect(reasons.allSatisfy { $0.int64("professional_id") == hannaAccount.id })
    }

    @Test func aWaitingResidentLearnsWhenSomeoneComesOnShift() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("lotta", queues: ["child-health"])
        // child-health is open around the clock in the test catalog.
        let (resident, id) = try app.queuedResident(child: true)
        let state = try resident.get("/api/v1/conversations/\(id)")
        #expect(state.json?["estimate"]?["state"]?.stringValue == "nobodyOnShift")
        let cursor = try #require(try resident.get("/api/v1/conversations/\(id)/events").json?["next"]?.intValue)
        let poller = try app.client()
        try poller.send(RawClient.request("GET", "/api/v1/conversations/\(id)/events?after=\(cursor)&position=1&estimate=nobody&wait=20",
                                          headers: resident.headers()))
        usleep(200_000)
        let lotta = try app.workspace("lotta")
        _ = try lotta.post("/api/v1/pro/shifts", #"{"queueId": "child-health", "onShift": true}"#)
        let woken = try poller.readResponse()
        #expect(woken.json?["estimate"]?["state"]?.stringValue == "estimate")
        #expect(woken.json?["estimate"]?["onShift"]?.intValue == 1)
        #expect(woken.json?["estimate"]?["key"]?.stringValue == "5-10")
    }

    @Test func aCaseLeftWhileTheQueueIsClosedWaitsForItToOpen() async throws {
        let clock = TestClock()
        // Sunday 22 November 2026, 22:00 in Helsinki (UTC+2): the nurses' queue is closed until Monday 08:00.
        clock.set(to: "2026-11-22T20:00:00Z")
        let app = try await appWithCatalog(clock: clock)
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse"])
        let (resident, id) = try app.queuedResident()
        let waiting = try resident.get("/api/v1/conversations/\(id)").json
        #expect(waiting?["status"]?.stringValue == "queued" && waiting?["position"]?.intValue == 1)
        #expect(waiting?["estimate"]?["state"]?.stringValue == "closed")
        #expect(waiting?["estimate"]?["opensAt"]?.stringValue == "2026-11-23T06:00:00.000Z")
        // Monday 08:05: Hanna comes on shift and takes it up.
        clock.set(to: "2026-11-23T06:05:00Z")
        let hanna = try app.workspace("hanna")
        _ = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#)
        #expect(try resident.get("/api/v1/conversations/\(id)").json?["estimate"]?["state"]?.stringValue == "estimate")
        #expect(try hanna.post("/api/v1/pro/pick", "{}").json?["id"]?.stringValue == id)
    }

    @Test func shiftsAreSetPerQueue() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("hanna", queues: ["nurse", "child-health"])
        let hanna = try app.workspace("hanna")
        let on = try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": true}"#)
        #expect(on.json?["onShift"] == .array([.string("nurse")]))
        #expect(try hanna.post("/api/v1/pro/shifts", #"{"queueId": "dental", "onShift": true}"#).status == 404)
        #expect(try hanna.post("/api/v1/pro/shifts", #"{"queueId": "nurse", "onShift": false}"#).json?["onShift"] == .array([]))
    }
}

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
