import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoTestSupport
import Synchronization
import Testing

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
        // crypt() reads C strings: the right password followed by a NUL and anything must not pass.
        #expect(try workspace.login("hanna", "oikein-hyva-salasana\u{0}anything").status == 401)
        #expect(try workspace.login("hanna\u{0}x").status == 401)
        let response = try workspace.login("HANNA")
        #expect(response.status == 200)
        #expect(response.json?["queues"] == .array([.string("nurse")]))
        #expect(!response.text.contains("$y$"))
        let cookie = try #require(response.header("set-cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/api/v1;"))
        #expect(try workspace.get("/api/v1/pro/me").json?["displayName"]?.stringValue == "Hanna Hoitaja")
        #expect(try workspace.post("/api/v1/pro/logout", "{}").status == 204)
        #expect(try workspace.get("/api/v1/pro/me").status == 401)
    }

    /// Sign-in from `client` behind the trusted proxy (the test connects from 127.0.0.1).
    func login(_ app: TestApp, _ username: String, _ password: String, from client: String) throws -> RawResponse {
        let body = JSONValue.object(["username": .string(username), "password": .string(password)]).text
        return try app.client().call("POST", "/api/v1/pro/login", headers: Resident.stateHeaders + [("X-Forwarded-For", "10.0.0.1, \(client)")],
                                     body: Array(body.utf8))
    }

    @Test func wrongPasswordsShutOutOnlyTheAddressTheyCameFrom() async throws {
        let app = try await appWithCatalog(trustedProxies: ["127.0.0.1"])
        defer { app.stop() }
        try await app.addProfessional("sonja", queues: ["nurse"])
        for _ in 0..<LoginThrottle.maxFailures {
            #expect(try login(app, "sonja", "wrong-password-1", from: "192.0.2.66").status == 401)
        }
        // The guesser's address is shut out of her account, the right password included...
        let refused = try login(app, "sonja", "oikein-hyva-salasana", from: "192.0.2.66")
        #expect(refused.status == 429)
        let retry = try #require(refused.header("retry-after").flatMap { Int($0) })
        #expect(retry > 0 && retry <= 900)
        // ...but Sonja at her own workstation signs in, and the lockout is on record.
        #expect(try login(app, "sonja", "oikein-hyva-salasana", from: "192.0.2.10").status == 200)
        let lockouts = try app.app.clinic.signInLockouts(since: Timestamp(millis: 0))
        #expect(lockouts.count == 1 && lockouts.first?.username == "sonja" && lockouts.first?.address == "192.0.2.66")
    }

    @Test func manyFailuresFromOneAddressSlowItButTheRightPasswordStillWorks() async throws {
        let app = try await appWithCatalog()
        defer { app.stop() }
        try await app.addProfessional("pekka", queues: ["nurse"])
        let workspace = Workspace(client: try app.client())
        for i in 0..<LoginThrottle.slowAfterPerAddress { #expect(try workspace.login("guess\(i)", "wrong-password-1").status == 401) }
        // A ward behind one address is slowed by a guesser there, never locked out.
        let started = Date()
        #expect(try workspace.login("pekka").status == 200)
        #expect(Date().timeIntervalSince(started) >= Double(LoginThrottle.delayMillis) / 1000 * 0.9)
    }

    @Test func guessingAtOneAccountFromManyAddressesDoesNotLockItsOwnerOut() async throws {
        let app = try await appWithCatalog(trustedProxies: ["127.0.0.1"])
        defer { app.stop() }
        try await app.addProfessional("sonja", queues: ["nurse"])
        for i in 0...LoginThrottle.slowAfterPerAccount {
            #expect(try login(app, "sonja", "wrong-password-1", from: "198.51.100.\(i)").status == 401)
        }
        #expect(try login(app, "sonja", "oikein-hyva-salasana", from: "192.0.2.10").status == 200)
        #expect(try app.app.clinic.signInLockouts(since: Timestamp(millis: 0)).isEmpty)
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
        // A guesser cannot dodge the limit on their address by inventing a new one each time.
        for i in 0..<LoginThrottle.maxFailures { #expect(try login("pekka", "wrong-password-1", claiming: "198.51.100.\(i)") == 401) }
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
}
