import CLinux
import Glibc
import Synchronization

/// One epoll event loop on its own thread.
///
/// Threading: every `Connection` of this loop, the deadline heap and the read
/// buffer are touched only on the loop's thread. Other threads reach the loop
/// only through ``execute(_:)``, which queues a closure under a lock and wakes
/// the loop through an `eventfd`. That is the whole reason this type may be
/// `@unchecked Sendable`.
final class EventLoop: @unchecked Sendable {
    private let epfd: Int32
    private let wakeFD: Int32
    private let listenFD: Int32
    private unowned let server: HTTPServer
    private let limits: HTTPLimits
    private let inbox = Mutex<[@Sendable () -> Void]>([])

    private var connections: [Int32: Connection] = [:]
    private var deadlines = DeadlineHeap()
    private var nextConnectionID: UInt64 = 1
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var date = HTTPDate()
    private var now: UInt64 = monotonicMillis()
    private var stopping = false
    private var stopDeadline: UInt64 = .max
    private var acceptPausedUntil: UInt64 = 0

    static let readBufferSize = 64 * 1024
    private static let wakeTag: UInt64 = UInt64(UInt32.max) + 1
    private static let listenTag: UInt64 = UInt64(UInt32.max) + 2

    init(server: HTTPServer, listenFD: Int32, limits: HTTPLimits) throws(SocketError) {
        self.server = server
        self.listenFD = listenFD
        self.limits = limits
        epfd = neuvo_epoll_create()
        guard epfd >= 0 else { throw SocketError(operation: "epoll_create1", errno: neuvo_errno()) }
        wakeFD = neuvo_eventfd()
        guard wakeFD >= 0 else { throw SocketError(operation: "eventfd", errno: neuvo_errno()) }
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        try register(fd: wakeFD, events: Epoll.input, tag: Self.wakeTag)
        // EPOLLEXCLUSIVE: one loop, not all of them, wakes for a new connection.
        try register(fd: listenFD, events: Epoll.input | Epoll.exclusive, tag: Self.listenTag)
    }

    deinit {
        readBuffer.deallocate()
        close(epfd)
        close(wakeFD)
    }

    // MARK: - Cross-thread entry

    /// Runs `task` on the loop's thread soon. Safe from any thread.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = inbox.withLock { queue in
            queue.append(task)
            return queue.count == 1
        }
        // One pending wake-up is enough; the loop drains the whole queue.
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Number of open connections (loop thread only).
    var connectionCount: Int { connections.count }

    // MARK: - The loop

    func run() {
        let capacity = 512
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while true {
            let timeout: Int32
            if let earliest = deadlines.earliest {
                timeout = earliest <= now ? 0 : Int32(min(earliest - now, 60_000))
            } else {
                timeout = stopping ? 50 : -1
            }
            let n = epoll_wait(epfd, events, Int32(capacity), acceptPausedUntil > 0 ? min(timeout < 0 ? 100 : timeout, 100) : timeout)
            now = monotonicMillis()
            if n < 0 && neuvo_errno() != EINTR {
                fatalError("epoll_wait failed: errno \(neuvo_errno())")
            }
            for i in 0..<Int(max(n, 0)) {
                let event = events[i]
                let tag = event.data.u64
                let flags = event.events
                if tag == Self.wakeTag {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if tag == Self.listenTag {
                    acceptConnections()
                } else if let connection = connections[Int32(truncatingIfNeeded: tag)] {
                    handle(connection, flags: flags)
                }
            }
            drainInbox()
            drainReady()
            fireDeadlines()
            drainReady()
            if acceptPausedUntil > 0 && now >= acceptPausedUntil && !stopping {
                acceptPausedUntil = 0
                try? register(fd: listenFD, events: Epoll.input | Epoll.exclusive, tag: Self.listenTag)
            }
            if stopping {
                if connections.isEmpty { break }
                if now >= stopDeadline {
                    for connection in Array(connections.values) { closeConnection(connection) }
                    break
                }
            }
        }
        drainInbox()
    }

    private func drainInbox() {
        while true {
            let tasks = inbox.withLock { queue -> [@Sendable () -> Void] in
                let tasks = queue
                queue.removeAll(keepingCapacity: true)
                return tasks
            }
            if tasks.isEmpty { return }
            now = monotonicMillis()
            for task in tasks { task() }
        }
    }

    // MARK: - Accepting

    private func acceptConnections() {
        guard !stopping else { return }
        for _ in 0..<128 {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { neuvo_accept4(listenFD, $0, &length) }
            }
            if fd < 0 {
                let error = neuvo_errno()
                if error == EAGAIN || error == EWOULDBLOCK { return }
                if error == EINTR || error == ECONNABORTED { continue }
                // Out of descriptors: stop accepting briefly instead of spinning.
                if error == EMFILE || error == ENFILE {
                    _ = epoll_ctl(epfd, EPOLL_CTL_DEL, listenFD, nil)
                    acceptPausedUntil = now + 100
                }
                return
            }
            guard server.reserveConnection() else {
                _ = Self.serviceUnavailable.withUnsafeBytes { neuvo_send(fd, $0.baseAddress, $0.count) }
                close(fd)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connection = Connection(fd: fd, id: nextConnectionID, peer: SocketAddress.describe(address))
            nextConnectionID += 1
            connections[fd] = connection
            do {
                try register(fd: fd, events: Epoll.input | Epoll.output | Epoll.readHangUp | Epoll.edgeTriggered,
                             tag: UInt64(UInt32(bitPattern: fd)))
            } catch {
                closeConnection(connection)
                continue
            }
            setDeadline(connection, now + limits.headerTimeout.millis)
        }
    }

    private static let serviceUnavailable: [UInt8] = Array((
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nconnection: close\r\n"
        + "retry-after: 5\r\ncontent-length: 81\r\n\r\n"
        + #"{"error":{"code":"overloaded","message":"Too many connections; try again soon."}}"#
    ).utf8)

    // MARK: - Events

    private func handle(_ connection: Connection, flags: UInt32) {
        if flags & Epoll.error != 0 {
            closeConnection(connection)
            return
        }
        if flags & (Epoll.input | Epoll.readHangUp | Epoll.hangUp) != 0 {
            if flags & (Epoll.readHangUp | Epoll.hangUp) != 0 { connection.peerClosed = true }
            if connection.isBusy && connection.state != .lingering {
                connection.readPending = true
                if connection.peerClosed { peerLeftWhileBusy(connection) }
            } else {
                readAvailable(connection)
            }
        }
        if flags & Epoll.output != 0, connections[connection.fd] === connection, connection.state == .writing {
            flush(connection)
        }
    }

    /// The client hung up while its request was being served: a parked request
    /// ends now; a running handler's response will find the socket closed.
    private func peerLeftWhileBusy(_ connection: Connection) {
        if connection.state == .parked, let parked = connection.exchange?.parked {
            _ = parked.expire()
            closeConnection(connection)
        } else {
            connection.closeAfterWrite = true
        }
    }

    private func readAvailable(_ connection: Connection) {
        connection.readPending = false
        while connections[connection.fd] === connection {
            let n = read(connection.fd, readBuffer.baseAddress, readBuffer.count)
            if n > 0 {
                if connection.state == .lingering {
                    // Discard, but only so much: a client that keeps sending is just dropped.
                    connection.outputSent += n
                    if connection.outputSent > 1 << 20 { closeConnection(connection); return }
                    continue
                }
                connection.input.append(contentsOf: UnsafeRawBufferPointer(start: readBuffer.baseAddress, count: n))
                process(connection)
                if connection.isBusy {
                    // Leave further input in the socket until this response is out.
                    connection.readPending = true
                    return
                }
            } else if n == 0 {
                // EOF. A half-finished request cannot be answered; an idle connection just ends.
                closeConnection(connection)
                return
            } else {
                let error = neuvo_errno()
                if error == EAGAIN || error == EWOULDBLOCK { return }
                if error == EINTR { continue }
                closeConnection(connection)
                return
            }
        }
    }

    // MARK: - Requests

    /// Parses and dispatches as many buffered requests as the state allows.
    private func process(_ connection: Connection) {
        while connections[connection.fd] === connection {
            switch connection.state {
            case .idle, .readingHead:
                guard !connection.input.isEmpty else { return }
                if connection.state == .idle {
                    connection.state = .readingHead
                    setDeadline(connection, now + limits.headerTimeout.millis)
                }
                let parsed: (RequestHead, Int)?
                do {
                    parsed = try connection.parser.parse(connection.input, limits: limits)
                } catch {
                    fail(connection, error.httpError)
                    return
                }
                guard let (head, consumed) = parsed else { return }
                connection.input.removeFirst(consumed)
                connection.parser.reset()
                beginExchange(connection, head: head)
            case .readingBody:
                guard let exchange = connection.exchange else { return }
                let length = exchange.head.contentLength
                guard connection.input.count >= length else { return }
                let body = Array(connection.input[0..<length])
                connection.input.removeFirst(length)
                dispatch(connection, exchange: exchange, body: body)
            case .processing, .parked, .writing, .lingering:
                return
            }
        }
    }

    private func beginExchange(_ connection: Connection, head: RequestHead) {
        let resolution = server.router.resolve(method: head.method, path: head.path)
        var route: Route?
        var parameters: [String: String] = [:]
        var bodyLimit = limits.defaultBodyLimit
        var early: HTTPError?
        var allow: String?
        switch resolution {
        case .route(let matched, let params):
            route = matched
            parameters = params
            bodyLimit = matched.bodyLimit ?? limits.defaultBodyLimit
        case .methodNotAllowed(let allowed):
            early = HTTPError(.methodNotAllowed, code: "method_not_allowed", message: "This method is not allowed here.")
            // RFC 9110 §15.5.6: a 405 lists what is allowed; GET implies HEAD.
            let methods = allowed.contains("GET") ? allowed + ["HEAD"] : allowed
            allow = methods.joined(separator: ", ")
        case .fallback:
            bodyLimit = 0
        case .notFound:
            early = .notFound()
        }
        let exchange = Connection.Exchange(head: head, route: route, parameters: parameters, startedAt: now)
        connection.exchange = exchange
        if head.contentLength > bodyLimit {
            fail(connection, HTTPParseError.bodyTooLarge.httpError)
            return
        }
        if let early {
            // Answer before reading any body; a body in flight is drained by the lingering close.
            if head.contentLength > 0 { connection.closeAfterWrite = true }
            var response = early.response
            if let allow { response.headers.add(name: "allow", value: allow) }
            respond(connection, response)
            return
        }
        if head.expectsContinue && head.contentLength > connection.input.count {
            let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
            _ = interim.withUnsafeBytes { neuvo_send(connection.fd, $0.baseAddress, $0.count) }
        }
        connection.state = .readingBody
        setDeadline(connection, now + limits.bodyTimeout.millis)
    }

    private func dispatch(_ connection: Connection, exchange: Connection.Exchange, body: [UInt8]) {
        let head = exchange.head
        var request = Request(method: head.method, path: head.path, query: head.query, version: head.version,
                              headers: head.headers, body: body, remoteAddress: connection.peer)
        connection.state = .processing
        setDeadline(connection, .max)
        guard let route = exchange.route else {
            // The static-file fallback is synchronous and quick: serve it on the loop.
            let response = server.router.fallback?(request) ?? HTTPError.notFound().response
            respond(connection, response)
            return
        }
        request.routeTemplate = route.template
        request.parameters = exchange.parameters
        let loop = self, fd = connection.fd, id = connection.id, handler = route.handler
        Task(executorPreference: server.handlerExecutor) {
            let result: HandlerResult
            do {
                result = try await handler(request)
            } catch let error as HTTPError {
                result = .respond(error.response)
            } catch {
                result = .respond(HTTPError(.internalServerError, code: "internal",
                                            message: "Something went wrong on our side.").response)
                loop.server.report(error: error, template: route.template)
            }
            loop.execute { loop.finish(fd: fd, connectionID: id, result: result) }
        }
    }

    private func finish(fd: Int32, connectionID: UInt64, result: HandlerResult) {
        guard let connection = connections[fd], connection.id == connectionID, connection.state == .processing,
              let exchange = connection.exchange else {
            // The client left while the handler ran: a park is cancelled at once,
            // so whatever it subscribed to is released.
            if case .park(let park) = result { cancelledPark(park, fd: fd, connectionID: connectionID) }
            return
        }
        if case .park(let park) = result, connection.peerClosed {
            cancelledPark(park, fd: fd, connectionID: connectionID)
            closeConnection(connection)
            return
        }
        switch result {
        case .respond(let response):
            respond(connection, response)
        case .park(let park):
            let parked = ParkedRequest(loop: self, fd: fd, connectionID: connectionID,
                                       wakes: server.wakeQueue, fallback: park.fallback)
            exchange.parked = parked
            connection.state = .parked
            setDeadline(connection, stopping ? now : now + park.timeout.millis)
            park.attach(parked)
        }
    }

    private func cancelledPark(_ park: Park, fd: Int32, connectionID: UInt64) {
        let parked = ParkedRequest(loop: self, fd: fd, connectionID: connectionID, wakes: server.wakeQueue, fallback: park.fallback)
        _ = parked.expire()
        park.attach(parked)  // its cancellation handlers run as they are registered
    }

    func completeParked(fd: Int32, connectionID: UInt64, response: Response) {
        guard let connection = connections[fd], connection.id == connectionID, connection.state == .parked else { return }
        respond(connection, response)
    }

    // MARK: - Responses

    /// Answers an unrecoverable request error and closes after it.
    private func fail(_ connection: Connection, _ error: HTTPError) {
        connection.closeAfterWrite = true
        if connection.exchange == nil {
            let head = RequestHead(method: "-", path: "", query: nil, version: .http1_1, headers: HTTPHeaders(),
                                   contentLength: 0, keepAlive: false, expectsContinue: false)
            connection.exchange = Connection.Exchange(head: head, route: nil, parameters: [:], startedAt: now)
        }
        respond(connection, error.response, template: "-")
    }

    private func respond(_ connection: Connection, _ response: Response, template: String? = nil) {
        let exchange = connection.exchange
        let head = exchange?.head
        if let head, !head.keepAlive { connection.closeAfterWrite = true }
        if stopping || connection.peerClosed { connection.closeAfterWrite = true }
        let omitBody = head?.method == "HEAD"
        var out: [UInt8] = []
        out.reserveCapacity(256 + (omitBody ? 0 : response.body.count))
        out.append(contentsOf: "HTTP/1.1 \(response.status.code) \(response.status.reason)\r\n".utf8)
        for (name, value) in response.headers where name != "content-length" && name != "connection" {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if !response.status.forbidsBody {
            out.append(contentsOf: "content-length: \(response.body.count)\r\n".utf8)
        }
        out.append(contentsOf: "date: ".utf8)
        out.append(contentsOf: date.current())
        out.append(contentsOf: "\r\n".utf8)
        if connection.closeAfterWrite {
            out.append(contentsOf: "connection: close\r\n".utf8)
        } else if head?.version == .http1_0 {
            out.append(contentsOf: "connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        if !omitBody && !response.status.forbidsBody { out.append(contentsOf: response.body) }

        if let head {
            server.log(RequestLog(method: head.method, template: template ?? exchange?.template ?? "-",
                                  status: response.status.code,
                                  durationMillis: now >= (exchange?.startedAt ?? now) ? now - (exchange?.startedAt ?? now) : 0))
        }
        connection.exchange = nil
        connection.output = out
        connection.outputSent = 0
        connection.state = .writing
        setDeadline(connection, now + limits.writeStallTimeout.millis)
        flush(connection)
    }

    private func flush(_ connection: Connection) {
        while connection.outputSent < connection.output.count {
            let n = connection.output.withUnsafeBytes { bytes in
                neuvo_send(connection.fd, bytes.baseAddress! + connection.outputSent, bytes.count - connection.outputSent)
            }
            if n > 0 {
                connection.outputSent += n
                setDeadline(connection, now + limits.writeStallTimeout.millis)
            } else {
                let error = neuvo_errno()
                if n < 0 && (error == EAGAIN || error == EWOULDBLOCK) { return }  // EPOLLOUT will resume us
                if n < 0 && error == EINTR { continue }
                closeConnection(connection)
                return
            }
        }
        connection.output = []
        connection.outputSent = 0
        afterResponse(connection)
    }

    private func afterResponse(_ connection: Connection) {
        if connection.closeAfterWrite {
            if connection.peerClosed {
                closeConnection(connection)
                return
            }
            // Lingering close: shut our side, then drain what the client still
            // sends so the kernel does not reset the connection and lose the response.
            shutdown(connection.fd, Int32(SHUT_WR))
            connection.state = .lingering
            connection.input = []
            setDeadline(connection, now + 2_000)
            markReady(connection)
            return
        }
        connection.state = .idle
        if connection.input.isEmpty { connection.input = [] }  // release the capacity
        setDeadline(connection, now + limits.idleTimeout.millis)
        // Pipelined input and unread socket data are taken up by the loop, not by
        // recursion: a client pipelining thousands of requests must not grow the stack.
        if !connection.input.isEmpty || connection.readPending || connection.peerClosed { markReady(connection) }
    }

    /// Connections with buffered input or unread socket data to take up again.
    private var ready: [Connection] = []

    private func markReady(_ connection: Connection) { ready.append(connection) }

    /// Processes ready connections until none is left; each step handles at most
    /// what one request or one read brings, so the stack stays flat.
    private func drainReady() {
        var rounds = 0
        while !ready.isEmpty && rounds < 10_000 {
            rounds += 1
            let batch = ready
            ready.removeAll(keepingCapacity: true)
            for connection in batch where connections[connection.fd] === connection {
                if connection.state == .lingering {
                    readAvailable(connection)
                    continue
                }
                guard !connection.isBusy else { continue }
                if !connection.input.isEmpty { process(connection) }
                if connections[connection.fd] === connection, !connection.isBusy, connection.readPending || connection.peerClosed {
                    readAvailable(connection)
                }
            }
        }
    }

    // MARK: - Deadlines

    private func setDeadline(_ connection: Connection, _ deadline: UInt64) {
        connection.deadline = deadline
        if deadline < connection.scheduledDeadline {
            connection.scheduledDeadline = deadline
            deadlines.push(.init(deadline: deadline, fd: connection.fd, connectionID: connection.id))
        }
    }

    private func fireDeadlines() {
        while let earliest = deadlines.earliest, earliest <= now {
            let entry = deadlines.pop()!
            guard let connection = connections[entry.fd], connection.id == entry.connectionID,
                  connection.scheduledDeadline == entry.deadline else { continue }
            connection.scheduledDeadline = .max
            if connection.deadline > now {
                // The deadline moved later since this entry was pushed: reschedule.
                if connection.deadline != .max { setDeadline(connection, connection.deadline) }
                continue
            }
            timeOut(connection)
        }
    }

    private func timeOut(_ connection: Connection) {
        switch connection.state {
        case .idle, .writing, .lingering:
            closeConnection(connection)
        case .readingHead, .readingBody:
            fail(connection, HTTPError(.requestTimeout, code: "request_timeout", message: "The request took too long to arrive."))
        case .parked:
            guard let parked = connection.exchange?.parked else { return }
            if parked.expire() {
                respond(connection, parked.fallback)
            }
            // else: complete() won the race; its response is already queued for us.
        case .processing:
            break
        }
    }

    // MARK: - Stopping

    /// Stops accepting, answers parked requests with their fallback, lets
    /// running requests finish, and closes idle connections (loop thread).
    func beginStop(grace: Duration) {
        guard !stopping else { return }
        stopping = true
        stopDeadline = now + grace.millis
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, listenFD, nil)
        for connection in Array(connections.values) {
            switch connection.state {
            case .idle:
                closeConnection(connection)
            case .parked:
                connection.closeAfterWrite = true
                if let parked = connection.exchange?.parked, parked.expire() {
                    respond(connection, parked.fallback)
                }
            case .readingHead, .readingBody, .processing, .writing, .lingering:
                connection.closeAfterWrite = true
            }
        }
    }

    private func closeConnection(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        if connection.state == .parked, let parked = connection.exchange?.parked { _ = parked.expire() }
        connections.removeValue(forKey: connection.fd)
        close(connection.fd)
        server.releaseConnection()
    }

    private func register(fd: Int32, events: UInt32, tag: UInt64) throws(SocketError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = tag
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw SocketError(operation: "epoll_ctl", errno: neuvo_errno())
        }
    }
}

/// epoll flag values (Linux ABI), as plain `UInt32` for bit arithmetic.
enum Epoll {
    static let input: UInt32 = 0x001
    static let output: UInt32 = 0x004
    static let error: UInt32 = 0x008
    static let hangUp: UInt32 = 0x010
    static let readHangUp: UInt32 = 0x2000
    static let exclusive: UInt32 = 1 << 28
    static let edgeTriggered: UInt32 = 1 << 31
}
