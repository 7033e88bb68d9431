import CLinux
import Glibc

/// Reading requests and running their handlers (loop thread only).
extension EventLoop {
    // MARK: - Events

    func handle(_ connection: Connection, flags: UInt32) {
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

    /// The client shut its sending side while its request was being served. A
    /// parked request ends now with its fallback (what its timeout would answer),
    /// then the connection closes: a client that only half-closed still reads,
    /// and gets a poll's answer rather than nothing (Linux cannot tell a
    /// half-close from a close without writing); one that left entirely makes
    /// the write fail, which costs nothing. A running handler's response is
    /// written the same way, then closed.
    func peerLeftWhileBusy(_ connection: Connection) {
        if connection.state == .parked, let parked = connection.exchange?.parked {
            if parked.expire() { respond(connection, parked.fallback) }
            // else: complete() won the race; its response is on its way, and closes the connection after it.
        } else {
            connection.closeAfterWrite = true
        }
    }

    func readAvailable(_ connection: Connection) {
        connection.readPending = false
        while connections[connection.fd] === connection {
            let n = read(connection.fd, readBuffer.baseAddress, readBuffer.count)
            if n > 0 {
                if connection.state == .lingering {
                    // Discard, but only so much: a client that keeps sending is just dropped. A refused
                    // upload may send the rest of what it declared (it costs nothing to throw away), so that
                    // its client reads the answer instead of a reset; each megabyte buys two more seconds.
                    connection.outputSent += n
                    if connection.outputSent > max(1 << 20, connection.lingerAllowance) { closeConnection(connection); return }
                    if connection.outputSent >> 20 != (connection.outputSent - n) >> 20 { setDeadline(connection, now + 2_000) }
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
    func process(_ connection: Connection) {
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
                guard connection.input.count >= length else {
                    // A minimum send rate, not one deadline for every size: each byte that arrives buys
                    // 1/minBodyBytesPerSecond s beyond the first bodyTimeout, so a large photo from a slow
                    // phone gets in, and a sender that falls behind that average is cut off.
                    let earned = UInt64(connection.input.count) * 1000 / UInt64(max(1, limits.minBodyBytesPerSecond))
                    setDeadline(connection, max(connection.deadline, exchange.bodyStartedAt + limits.bodyTimeout.millis + earned))
                    return
                }
                let body = Array(connection.input[0..<length])
                connection.input.removeFirst(length)
                releaseBody(exchange)
                dispatch(connection, exchange: exchange, body: body)
            case .admitting, .processing, .parked, .writing, .lingering:
                return
            }
        }
    }

    func beginExchange(_ connection: Connection, head: RequestHead) {
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
        if let route, head.contentLength > limits.admitBodiesAbove {
            // The route says who may send it first (a stranger is refused for what they are), then it
            // takes its share of the budget; nothing of the body is read before both.
            if let admit = route.admit {
                admitBody(connection, exchange: exchange, admit: admit)
                return
            }
            guard reserveBody(connection, exchange: exchange) else { return }
        }
        startBody(connection, head: head)
    }

    /// Holds a large body's share of the budget; when it is spent (everyone's, or this
    /// client's), answers 503 / 429 with `Retry-After` and returns false.
    func reserveBody(_ connection: Connection, exchange: Connection.Exchange) -> Bool {
        let head = exchange.head
        let client = server.configuration.clientOf(connection.peer, head.headers)
        if let refusal = server.reserveBodyBytes(head.contentLength, client: client) {
            // Come back shortly: the client may send what it declared, and it is thrown away.
            connection.closeAfterWrite = true
            connection.lingerAllowance = head.contentLength
            var response = refusal == .everyone
                ? HTTPError(.serviceUnavailable, code: "overloaded", message: "The server is busy receiving files. Try again in a moment.").response
                : HTTPError(.tooManyRequests, code: "too_many_uploads",
                            message: "Too many files are on their way from you at once. Try again when one has arrived.").response
            response.headers.add(name: "retry-after", value: "5")
            respond(connection, response)
            return false
        }
        exchange.reservedBodyBytes = head.contentLength
        exchange.reservedFor = client
        return true
    }

    /// Asks the route whether it takes this body, on the handlers' executor; the
    /// socket is not read meanwhile, so the body stays in the client's and the
    /// kernel's buffers, not ours.
    func admitBody(_ connection: Connection, exchange: Connection.Exchange, admit: @escaping @Sendable (Request) async throws -> Void) {
        let head = exchange.head
        var request = Request(method: head.method, path: head.path, query: head.query, version: head.version,
                              headers: head.headers, body: [], remoteAddress: connection.peer)
        request.routeTemplate = exchange.template
        request.parameters = exchange.parameters
        connection.state = .admitting
        setDeadline(connection, now + limits.bodyTimeout.millis)
        let loop = self, fd = connection.fd, id = connection.id
        Task(executorPreference: server.handlerExecutor) {
            let refusal: HTTPError?
            do {
                try await admit(request)
                refusal = nil
            } catch let error as HTTPError {
                refusal = error
            } catch {
                refusal = HTTPError(.internalServerError, code: "internal", message: "Something went wrong on our side.")
                loop.server.report(error: error, template: request.routeTemplate)
            }
            loop.execute { loop.admitted(fd: fd, connectionID: id, refusal: refusal) }
        }
    }

    func admitted(fd: Int32, connectionID: UInt64, refusal: HTTPError?) {
        guard let connection = connections[fd], connection.id == connectionID, connection.state == .admitting,
              let exchange = connection.exchange else { return }
        if let refusal {
            // The body was never read: answer, then throw away what of it arrives.
            connection.closeAfterWrite = true
            connection.lingerAllowance = exchange.head.contentLength
            respond(connection, refusal.response)
            return
        }
        guard reserveBody(connection, exchange: exchange) else { return }
        startBody(connection, head: exchange.head)
        process(connection)
        if connection.readPending && !connection.isBusy { readAvailable(connection) }
    }

    func startBody(_ connection: Connection, head: RequestHead) {
        if head.expectsContinue && head.contentLength > connection.input.count {
            let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
            _ = interim.withUnsafeBytes { neuvo_send(connection.fd, $0.baseAddress, $0.count) }
        }
        connection.state = .readingBody
        connection.exchange?.bodyStartedAt = now
        setDeadline(connection, now + limits.bodyTimeout.millis)
    }

    /// Gives back a large body's share of the budget (once).
    func releaseBody(_ exchange: Connection.Exchange) {
        guard exchange.reservedBodyBytes > 0 else { return }
        server.releaseBodyBytes(exchange.reservedBodyBytes, client: exchange.reservedFor)
        exchange.reservedBodyBytes = 0
    }

    func dispatch(_ connection: Connection, exchange: Connection.Exchange, body: [UInt8]) {
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
        let executor: any TaskExecutor = route.onLoop ? taskExecutor : server.handlerExecutor
        Task(executorPreference: executor) {
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

    func finish(fd: Int32, connectionID: UInt64, result: HandlerResult) {
        guard let connection = connections[fd], connection.id == connectionID, connection.state == .processing,
              let exchange = connection.exchange else {
            // The client left while the handler ran: a park is cancelled at once,
            // so whatever it subscribed to is released.
            if case .park(let park) = result { cancelledPark(park, fd: fd, connectionID: connectionID) }
            return
        }
        if case .park(let park) = result, connection.peerClosed {
            // The client shut its sending side while the handler ran (a half-close): it still reads, so it
            // gets the poll's answer as at its timeout; the connection closes after it.
            cancelledPark(park, fd: fd, connectionID: connectionID)
            respond(connection, park.fallback)
            return
        }
        switch result {
        case .respond(let response):
            respond(connection, response)
        case .park(let park):
            let executor: any TaskExecutor = exchange.route?.onLoop == true ? taskExecutor : server.handlerExecutor
            let parked = ParkedRequest(loop: self, fd: fd, connectionID: connectionID,
                                       executor: executor, wakes: server.wakeQueue, fallback: park.fallback)
            exchange.parked = parked
            connection.state = .parked
            setDeadline(connection, stopping ? now : now + park.timeout.millis)
            park.attach(parked)
        }
    }

    func cancelledPark(_ park: Park, fd: Int32, connectionID: UInt64) {
        let parked = ParkedRequest(loop: self, fd: fd, connectionID: connectionID, executor: server.handlerExecutor, wakes: server.wakeQueue, fallback: park.fallback)
        _ = parked.expire()
        park.attach(parked)  // its cancellation handlers run as they are registered
    }

    func completeParked(fd: Int32, connectionID: UInt64, response: Response) {
        guard let connection = connections[fd], connection.id == connectionID, connection.state == .parked else { return }
        respond(connection, response)
    }
}
