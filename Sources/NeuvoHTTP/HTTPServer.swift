import CLinux
import Foundation
import Synchronization

/// One line of the access log: never a body, a query string or a raw path.
public struct RequestLog: Sendable {
    public let method: String
    public let template: String
    public let status: Int
    public let durationMillis: UInt64
}

/// The HTTP/1.1 server: a listening socket shared by one epoll loop per core.
///
/// Start it with ``start()``; ``stop()`` begins a graceful stop from any thread
/// and ``wait()`` blocks until every loop has finished.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        public var loopCount = ProcessInfo.processInfo.activeProcessorCount
        public var limits = HTTPLimits()
        /// Who a request comes from, for the per-client share of the body budget: by default
        /// the peer's address; behind a reverse proxy the server names the client it forwards for.
        public var clientOf: @Sendable (_ peer: String, _ headers: HTTPHeaders) -> String = { peer, _ in peer }
        public init() {}
    }

    public let configuration: Configuration
    /// `limits.maxConnections`, capped by the descriptor limit at start.
    private let connectionCap = Atomic<Int>(0)
    let router: Router
    private let logger: @Sendable (RequestLog) -> Void
    private let errorReporter: @Sendable (String) -> Void
    private let openConnections = Atomic<Int>(0)
    private let bodyBytesInFlight = Atomic<Int>(0)
    /// Per client, the bytes its unfinished large bodies hold (few entries: only clients mid-upload).
    private let clientBodyBytes = Mutex<[String: Int]>([:])
    private let state = Mutex<(listenFD: Int32, port: Int, loops: [EventLoop], threads: Int)>((-1, 0, [], 0))
    private let finished = DispatchSemaphore(value: 0)
    let handlerExecutor = HandlerExecutor()
    let wakeQueue = WakeQueue()

    public init(configuration: Configuration, router: Router,
                logger: @escaping @Sendable (RequestLog) -> Void = { _ in },
                errorReporter: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.errorReporter = errorReporter
    }

    /// The bound port (after ``start()``).
    public var port: Int { state.withLock { $0.port } }

    /// Open client connections across all loops.
    public var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Requests parked now (long polls waiting for news).
    public var parkedCount: Int { parkedRequests.load(ordering: .relaxed) }
    private let parkedRequests = Atomic<Int>(0)

    /// A request was parked (+1) or its wait ended (-1), see ``ParkedRequest``.
    func parkedChanged(by delta: Int) { parkedRequests.add(delta, ordering: .relaxed) }

    /// Binds, starts the loops and returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        let descriptors = Self.raiseDescriptorLimit()
        connectionCap.store(min(configuration.limits.maxConnections, max(1, descriptors - 100)), ordering: .relaxed)
        let (fd, port) = try SocketAddress.listen(host: configuration.host, port: configuration.port)
        var loops: [EventLoop] = []
        for _ in 0..<max(1, configuration.loopCount) {
            loops.append(try EventLoop(server: self, listenFD: fd, limits: configuration.limits))
        }
        state.withLock { $0 = (fd, port, loops, loops.count) }
        for (index, loop) in loops.enumerated() {
            let thread = Thread { [finished] in
                loop.run()
                finished.signal()
            }
            thread.name = "neuvo-loop-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        return port
    }

    /// Begins a graceful stop: no new connections, parked requests answered with
    /// their fallback, running requests finished. Safe from any thread.
    public func stop() {
        let loops = state.withLock { $0.loops }
        let grace = configuration.limits.shutdownGrace
        for loop in loops { loop.execute { loop.beginStop(grace: grace) } }
    }

    /// Blocks until every loop has stopped, then closes the listening socket.
    public func wait() {
        let (count, fd) = state.withLock { ($0.threads, $0.listenFD) }
        for _ in 0..<count { finished.wait() }
        if fd >= 0 { close(fd) }
        state.withLock { $0.threads = 0; $0.listenFD = -1; $0.loops = [] }
    }

    /// Why a large body could not be taken now.
    enum BodyBudgetRefusal { case everyone, thisClient }

    /// Holds `bytes` of the body budget for a large body of `client`; nil when taken.
    func reserveBodyBytes(_ bytes: Int, client: String) -> BodyBudgetRefusal? {
        let limits = configuration.limits
        let clientFits = clientBodyBytes.withLock { held in
            guard held[client, default: 0] + bytes <= limits.maxBodyBytesInFlightPerClient else { return false }
            held[client, default: 0] += bytes
            return true
        }
        guard clientFits else { return .thisClient }
        let (_, now) = bodyBytesInFlight.add(bytes, ordering: .relaxed)
        if now > limits.maxBodyBytesInFlight {
            bodyBytesInFlight.subtract(bytes, ordering: .relaxed)
            releaseClientBytes(bytes, client: client)
            return .everyone
        }
        return nil
    }

    func releaseBodyBytes(_ bytes: Int, client: String) {
        bodyBytesInFlight.subtract(bytes, ordering: .relaxed)
        releaseClientBytes(bytes, client: client)
    }

    private func releaseClientBytes(_ bytes: Int, client: String) {
        clientBodyBytes.withLock { held in
            let left = held[client, default: 0] - bytes
            held[client] = left > 0 ? left : nil
        }
    }

    func reserveConnection() -> Bool {
        let (_, now) = openConnections.add(1, ordering: .relaxed)
        if now > connectionCap.load(ordering: .relaxed) {
            openConnections.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnection() { openConnections.subtract(1, ordering: .relaxed) }

    func log(_ entry: RequestLog) { logger(entry) }

    func report(error: any Error, template: String) {
        // The error's type only: its text might quote request content.
        errorReporter("handler for \(template) failed with \(type(of: error))")
    }

    /// Lifts the soft descriptor limit to the hard one (each connection is a
    /// descriptor) and returns the limit in force.
    @discardableResult
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }
}
