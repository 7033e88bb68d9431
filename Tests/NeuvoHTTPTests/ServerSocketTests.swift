import Foundation
import Glibc
import NeuvoJSON
import NeuvoTestSupport
import Synchronization
import Testing

@testable import NeuvoHTTP

/// Parked requests handed out by the test server's `/park` route, for tests to complete.
final class ParkedRegistry: Sendable {
    private let parked = Mutex<[ParkedRequest]>([])
    func add(_ request: ParkedRequest) { parked.withLock { $0.append(request) } }
    func waitForOne(timeout: Double = 5) -> ParkedRequest? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let first = parked.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return first }
            usleep(5_000)
        }
        return nil
    }
}

/// A real engine on an ephemeral port with a few test routes and a static folder.
final class EngineFixture {
    let server: HTTPServer
    let port: Int
    let registry = ParkedRegistry()
    let publicFolder: String
    let outside: String

    init(limits: HTTPLimits = HTTPLimits(), host: String? = nil) throws {
        let base = NSTemporaryDirectory() + "neuvo-engine-\(UUID().uuidString)"
        publicFolder = base + "/public"
        outside = base + "/outside"
        let fm = FileManager.default
        try fm.createDirectory(atPath: publicFolder + "/docs", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "<!DOCTYPE html><title>t</title>hello".write(toFile: publicFolder + "/index.html", atomically: true, encoding: .utf8)
        try "body{}".write(toFile: publicFolder + "/app.css", atomically: true, encoding: .utf8)
        try "let a=1;".write(toFile: publicFolder + "/app.js", atomically: true, encoding: .utf8)
        try "<p>docs</p>".write(toFile: publicFolder + "/docs/index.html", atomically: true, encoding: .utf8)
        try "SECRET".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try "SECRET".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try "SECRET".write(toFile: publicFolder + "/.env", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: publicFolder + "/escape.txt", withDestinationPath: outside + "/secret.txt")
        try fm.createSymbolicLink(atPath: publicFolder + "/escape", withDestinationPath: outside)

        var router = Router()
        let registry = self.registry
        router.get("/hello") { _ in .respond(.text(status: .ok, "hi")) }
        router.add(Route("POST", "/echo", bodyLimit: 1024) { request in
            .respond(Response(status: .ok, body: request.body))
        })
        router.get("/slow") { _ in
            try await Task.sleep(for: .milliseconds(200))
            return .respond(.text(status: .ok, "slow"))
        }
        router.get("/big") { _ in .respond(Response(status: .ok, body: [UInt8](repeating: 65, count: 32 * 1024 * 1024))) }
        router.get("/items/{id}") { request in .respond(.text(status: .ok, request.parameters["id"] ?? "")) }
        router.get("/peer") { request in .respond(.text(status: .ok, request.remoteAddress)) }
        router.get("/park") { request in
            let ms = Int(request.queryValue("ms") ?? "5000") ?? 5000
            return .park(Park(timeout: .milliseconds(ms), fallback: .text(status: .ok, "fallback")) { parked in
                registry.add(parked)
            })
        }
        let files = StaticFiles(root: publicFolder)!
        router.fallback = { files.respond(to: $0) }

        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        if let host { configuration.host = host }
        configuration.loopCount = 2
        configuration.limits = limits
        server = HTTPServer(configuration: configuration, router: router)
        port = try server.start()
    }

    func client(timeout: Double = 10) throws -> RawClient { try RawClient(port: port, timeout: timeout) }

    func stop() {
        server.stop()
        server.wait()
    }
}

@Suite("HTTP engine over real sockets")
struct ServerSocketTests {
    /// On a dual-stack listener an IPv4 client is named by its IPv4 address, as a
    /// trusted proxy or a metrics address is written (not ::ffff:127.0.0.1).
    @Test func anIPv4PeerOfADualStackListenerIsNamedInIPv4() throws {
        let fixture = try EngineFixture(host: "::")
        defer { fixture.stop() }
        #expect(try fixture.client().call("GET", "/peer").text == "127.0.0.1")
    }

    @Test func keepAliveReusesOneConnection() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        for _ in 0..<5 {
            let response = try client.call("GET", "/hello")
            #expect(response.status == 200)
            #expect(response.text == "hi")
            #expect(response.header("connection") == nil)
        }
        #expect(fixture.server.connectionCount == 1)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send(RawClient.request("GET", "/items/1") + RawClient.request("GET", "/slow")
                        + RawClient.request("POST", "/echo", body: Array("abc".utf8)) + RawClient.request("GET", "/items/4"))
        #expect(try client.readResponse().text == "1")
        #expect(try client.readResponse().text == "slow")
        #expect(try client.readResponse().text == "abc")
        #expect(try client.readResponse().text == "4")
    }

    @Test func twoHundredConcurrentClients() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let successes = Counter()
        let failures = Mutex<[String]>([])
        let port = fixture.port
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            let client: RawClient
            do { client = try RawClient(port: port) } catch {
                failures.withLock { $0.append("client \(i): connect: \(error)") }
                return
            }
            for j in 0..<5 {
                do {
                    let response = try client.call("GET", "/items/\(i)-\(j)")
                    if response.status == 200, response.text == "\(i)-\(j)" { successes.increment() } else {
                        failures.withLock { $0.append("client \(i) request \(j): \(response.status) \(response.text.prefix(100))") }
                    }
                } catch {
                    failures.withLock { $0.append("client \(i) request \(j): \(error)") }
                }
            }
        }
        #expect(successes.value == 1000, "\(failures.withLock { $0.prefix(5) })")
    }

    @Test func slowHeaderSenderDoesNotDelayOthers() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let slow = try fixture.client()
        let slowDone = Counter()
        let slowStatus = Counter()
        let thread = Thread {
            let bytes = Array("GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n\r\n".utf8)
            for byte in bytes {
                try? slow.send([byte])
                usleep(40_000)
            }
            slowStatus.set((try? slow.readResponse().status) ?? -1)
            slowDone.set(1)
        }
        thread.start()
        usleep(100_000)
        let fast = try fixture.client()
        for _ in 0..<50 { #expect(try fast.call("GET", "/hello").status == 200) }
        // Fifty requests went through while the slow client is still typing its head.
        #expect(slowDone.value == 0)
        while slowDone.value == 0 { usleep(20_000) }
        #expect(slowStatus.value == 200)
    }

    @Test func incompleteHeadTimesOutWith408() throws {
        var limits = HTTPLimits()
        limits.headerTimeout = .milliseconds(300)
        let fixture = try EngineFixture(limits: limits)
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(response.header("connection") == "close")
        #expect(client.waitForClose())
    }

    @Test func incompleteBodyTimesOutWith408() throws {
        var limits = HTTPLimits()
        limits.bodyTimeout = .milliseconds(300)
        let fixture = try EngineFixture(limits: limits)
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try client.readResponse().status == 408)
        #expect(client.waitForClose())
    }

    /// A minimum send rate: bytes that keep arriving buy time past bodyTimeout; a stalled sender is cut off.
    @Test func aBodyThatKeepsArrivingEarnsTimeAndAStalledOneIsCutOff() throws {
        var limits = HTTPLimits()
        limits.bodyTimeout = .milliseconds(300)
        limits.minBodyBytesPerSecond = 10  // each byte buys 100 ms
        let fixture = try EngineFixture(limits: limits)
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcde")  // due at 300 + 500 ms
        usleep(500_000)  // past bodyTimeout alone
        try client.send("fghij")
        let taken = try client.readResponse()
        #expect(taken.status == 200 && taken.text == "abcdefghij")
        let start = Date()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcde")
        #expect(try client.readResponse().status == 408)
        #expect(Date().timeIntervalSince(start) > 0.7)
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        var limits = HTTPLimits()
        limits.idleTimeout = .milliseconds(300)
        let fixture = try EngineFixture(limits: limits)
        defer { fixture.stop() }
        let client = try fixture.client()
        #expect(try client.call("GET", "/hello").status == 200)
        #expect(client.waitForClose(timeout: 3))
    }

    @Test func stalledWriterIsDropped() throws {
        var limits = HTTPLimits()
        limits.writeStallTimeout = .milliseconds(300)
        let fixture = try EngineFixture(limits: limits)
        defer { fixture.stop() }
        let client = try fixture.client()
        var small: Int32 = 4096
        setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        let start = Date()
        try client.send(RawClient.request("GET", "/big"))
        // The client never reads, so the 32 MiB response cannot drain: dropped once it made no
        // progress for the stall timeout, never sooner (a busy machine may make it later).
        let end = Date().addingTimeInterval(5)
        while fixture.server.connectionCount == 0 && Date() < end { usleep(5_000) }  // accepted
        while fixture.server.connectionCount > 0 && Date() < end { usleep(20_000) }
        #expect(fixture.server.connectionCount == 0)
        #expect(Date().timeIntervalSince(start) >= 0.3)
    }

    @Test func bodyOverRouteLimitIs413() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        let response = try client.call("POST", "/echo", body: [UInt8](repeating: 1, count: 2000))
        #expect(response.status == 413)
        #expect(response.json?["error"]?["code"]?.stringValue == "body_too_large")
        #expect(client.waitForClose())
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        try client.send("hello")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "hello")
    }

    @Test func expectContinueWithTooLargeBodyGets413WithoutContinue() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n")
        #expect(try client.readResponse().status == 413)
    }

    @Test func bodiesWithoutContentLengthAreRefused() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let chunked = try fixture.client()
        try chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        #expect(try chunked.readResponse().status == 411)
        #expect(chunked.waitForClose())
        let gzip = try fixture.client()
        try gzip.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")
        #expect(try gzip.readResponse().status == 501)
        let smuggle = try fixture.client()
        try smuggle.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try smuggle.readResponse().status == 400)
        // The smuggled request is never answered: the connection closes instead.
        #expect(smuggle.waitForClose())
    }

    @Test func unknownRouteAndWrongMethod() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        let wrongMethod = try client.call("DELETE", "/hello")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("allow") == "GET, HEAD")
        #expect(try client.call("POST", "/nothing-here").status == 404)
        #expect(try client.call("GET", "/hello").status == 200)
    }

    @Test func parkedRequestIsCompletedFromAnotherThread() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send(RawClient.request("GET", "/park?ms=10000"))
        let parked = try #require(fixture.registry.waitForOne())
        DispatchQueue.global().async { parked.complete(.text(status: .ok, "woken")) }
        let response = try client.readResponse()
        #expect(response.text == "woken")
        // The connection is reusable afterwards.
        #expect(try client.call("GET", "/hello").status == 200)
    }

    @Test func parkedRequestTimesOutWithFallback() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        let start = Date()
        try client.send(RawClient.request("GET", "/park?ms=300"))
        let parked = try #require(fixture.registry.waitForOne())
        let cancelled = Counter()
        parked.onCancel { cancelled.set(1) }
        let response = try client.readResponse()
        #expect(response.text == "fallback")
        #expect(Date().timeIntervalSince(start) >= 0.29)
        #expect(cancelled.value == 1)
        parked.complete(.text(status: .ok, "late"))  // ignored
        #expect(try client.call("GET", "/hello").text == "hi")
    }

    @Test func clientLeavingCancelsItsParkedRequest() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send(RawClient.request("GET", "/park?ms=10000"))
        let parked = try #require(fixture.registry.waitForOne())
        let cancelled = Counter()
        parked.onCancel { cancelled.set(1) }
        shutdown(client.fd, Int32(SHUT_RDWR))
        let end = Date().addingTimeInterval(3)
        while (cancelled.value == 0 || fixture.server.connectionCount > 0) && Date() < end { usleep(10_000) }
        #expect(cancelled.value == 1)
        #expect(fixture.server.connectionCount == 0)
    }

    /// The same when the half-close comes with the request, before the handler has parked it.
    @Test func aClientHalfClosingWithItsRequestGetsItsPollAnswered() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send(RawClient.request("GET", "/park?ms=10000"))
        shutdown(client.fd, Int32(SHUT_WR))
        let start = Date()
        let response = try client.readResponse()
        #expect(response.status == 200 && response.text == "fallback")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// A client that shuts only its sending side after the request still reads:
    /// its parked poll is answered (as at its timeout) at once, not dropped.
    @Test func aHalfClosedClientGetsItsParkedRequestAnswered() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        try client.send(RawClient.request("GET", "/park?ms=10000"))
        let parked = try #require(fixture.registry.waitForOne())
        let cancelled = Counter()
        parked.onCancel { cancelled.set(1) }
        let start = Date()
        shutdown(client.fd, Int32(SHUT_WR))
        let response = try client.readResponse()
        #expect(response.status == 200 && response.text == "fallback")
        #expect(response.header("connection") == "close")
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(cancelled.value == 1)
        #expect(client.waitForClose())
    }

    @Test func gracefulStopAnswersParkedRequests() throws {
        let fixture = try EngineFixture()
        let clients = try (0..<3).map { _ in try fixture.client() }
        for client in clients { try client.send(RawClient.request("GET", "/park?ms=20000")) }
        for _ in clients { _ = try #require(fixture.registry.waitForOne()) }
        let start = Date()
        fixture.server.stop()
        for client in clients {
            let response = try client.readResponse()
            #expect(response.text == "fallback")
            #expect(response.header("connection") == "close")
        }
        fixture.server.wait()
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(throws: (any Error).self) { try RawClient(port: fixture.port) }
    }

    @Test func connectionsBeyondTheLimitGet503() throws {
        var limits = HTTPLimits()
        limits.maxConnections = 3
        let fixture = try EngineFixture(limits: limits)
        defer { fixture.stop() }
        let held = try (0..<3).map { _ in try fixture.client() }
        for client in held { #expect(try client.call("GET", "/hello").status == 200) }
        let extra = try fixture.client()
        let response = try extra.readResponse()
        #expect(response.status == 503)
        #expect(extra.waitForClose())
        _ = held
    }

    @Test func staticFilesHaveTypesAndETags() throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        let page = try client.call("GET", "/")
        #expect(page.status == 200)
        #expect(page.header("content-type") == "text/html; charset=utf-8")
        #expect(page.header("content-security-policy") != nil)
        #expect(try client.call("GET", "/app.css").header("content-type") == "text/css; charset=utf-8")
        #expect(try client.call("GET", "/app.js").header("content-type") == "text/javascript; charset=utf-8")
        let etag = try #require(page.header("etag"))
        let cached = try client.call("GET", "/index.html", headers: [("If-None-Match", etag)])
        #expect(cached.status == 304)
        #expect(cached.body.isEmpty)
        #expect(try client.call("GET", "/index.html", headers: [("If-None-Match", "\"other\"")]).status == 200)
        let head = try client.call("HEAD", "/index.html")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("content-length") == page.header("content-length"))
        #expect(try client.call("GET", "/docs/").text == "<p>docs</p>")
        let redirect = try client.call("GET", "/docs")
        #expect(redirect.status == 301)
        #expect(redirect.header("location") == "/docs/")
    }

    @Test(arguments: ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/docs/..%2f..%2fsecret.txt",
                      "/docs/%2e%2e/%2e%2e/secret.txt", "/escape.txt", "/escape/secret.txt", "/.env", "/%2eenv",
                      "/index.html%00.txt", "/..%5csecret.txt"])
    func traversalIsRefused(path: String) throws {
        let fixture = try EngineFixture()
        defer { fixture.stop() }
        let client = try fixture.client()
        let response = try client.call("GET", path)
        #expect(response.status == 404 || response.status == 400)
        #expect(!response.text.contains("SECRET"))
    }
}
