import CLinux
import Glibc

/// Writing responses, deadlines and stopping (loop thread only).
extension EventLoop {
    // MARK: - Responses

    /// Answers an unrecoverable request error and closes after it.
    func fail(_ connection: Connection, _ error: HTTPError) {
        connection.closeAfterWrite = true
        if connection.exchange == nil {
            let head = RequestHead(method: "-", path: "", query: nil, version: .http1_1, headers: HTTPHeaders(),
                                   contentLength: 0, keepAlive: false, expectsContinue: false)
            connection.exchange = Connection.Exchange(head: head, route: nil, parameters: [:], startedAt: now)
        }
        respond(connection, error.response, template: "-")
    }

    func respond(_ connection: Connection, _ response: Response, template: String? = nil) {
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

    func flush(_ connection: Connection) {
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

    func afterResponse(_ connection: Connection) {
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

    func markReady(_ connection: Connection) { ready.append(connection) }

    /// Processes ready connections until none is left; each step handles at most
    /// what one request or one read brings, so the stack stays flat.
    func drainReady() {
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

    func setDeadline(_ connection: Connection, _ deadline: UInt64) {
        connection.deadline = deadline
        if deadline < connection.scheduledDeadline {
            connection.scheduledDeadline = deadline
            deadlines.push(.init(deadline: deadline, fd: connection.fd, connectionID: connection.id))
        }
    }

    func fireDeadlines() {
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

    func timeOut(_ connection: Connection) {
        switch connection.state {
        case .idle, .writing, .lingering:
            closeConnection(connection)
        case .readingHead, .readingBody, .admitting:
            if let exchange = connection.exchange { releaseBody(exchange) }
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
            case .readingHead, .readingBody, .admitting, .processing, .writing, .lingering:
                connection.closeAfterWrite = true
            }
        }
    }

    func closeConnection(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        if connection.state == .parked, let parked = connection.exchange?.parked { _ = parked.expire() }
        if let exchange = connection.exchange { releaseBody(exchange) }
        connections.removeValue(forKey: connection.fd)
        close(connection.fd)
        server.releaseConnection()
    }

    func register(fd: Int32, events: UInt32, tag: UInt64) throws(SocketError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = tag
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw SocketError(operation: "epoll_ctl", errno: neuvo_errno())
        }
    }
}
