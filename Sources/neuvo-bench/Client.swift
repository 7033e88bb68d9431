import CLinux
import Foundation
import Glibc

// A small single-threaded HTTP/1.1 client over epoll: many keep-alive
// connections to 127.0.0.1, one request in flight per connection, responses
// framed by Content-Length (all Neuvo sends). Not thread-safe: one loop, one thread.

enum EpollFlag {
    static let input: UInt32 = 0x1
    static let output: UInt32 = 0x4
    static let error: UInt32 = 0x8
    static let hangUp: UInt32 = 0x10
    static let readHangUp: UInt32 = 0x2000
}

struct ClientResponse {
    var status: Int
    /// Header fields with lowercase names.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// The server said `connection: close`.
    var closes: Bool

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The integer after `"key":` (the last occurrence), without a JSON parser.
    func integer(after key: String) -> Int64? {
        let needle = Array("\"\(key)\":".utf8)
        guard body.count >= needle.count else { return nil }
        var i = body.count - needle.count
        while i >= 0 {
            if body[i] == needle[0] && Array(body[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                var value: Int64 = 0
                var digits = 0
                while j < body.count, body[j] >= 48, body[j] <= 57 {
                    value = value * 10 + Int64(body[j] - 48)
                    j += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            i -= 1
        }
        return nil
    }

    /// Every string value following `"key":"` (e.g. every `clientId` in an events page).
    func strings(after key: String) -> [String] {
        let needle = Array("\"\(key)\":\"".utf8)
        var out: [String] = []
        var i = 0
        while i + needle.count <= body.count {
            if body[i] == needle[0] && Array(body[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                let start = j
                while j < body.count, body[j] != UInt8(ascii: "\"") { j += 1 }
                out.append(String(decoding: body[start..<j], as: UTF8.self))
                i = j
            } else {
                i += 1
            }
        }
        return out
    }
}

enum CloseReason: String {
    case connectFailed = "connect_failed"
    case peerClosed = "peer_closed"        // EOF from the server
    case reset = "reset"                   // ECONNRESET or another socket error
    case afterResponse = "after_response"  // the response said connection: close
    case badResponse = "bad_response"
    case local = "local"                   // we closed it
}

final class ClientConnection {
    enum State { case connecting, open, closed }
    let fd: Int32
    var state = State.connecting
    /// Free for the owner: index of the conversation, the pool slot, etc.
    var tag: Int
    var tag2: Int = 0
    var cursor: Int64 = 0
    /// A request is in flight.
    var awaiting = false
    /// When the in-flight request was handed to the kernel (monotonic ns).
    var sentAt: UInt64 = 0
    var requests = 0
    fileprivate var output: [UInt8] = []
    fileprivate var outputSent = 0
    fileprivate var input: [UInt8] = []
    fileprivate var watchingOutput = true
    fileprivate var headEnd = -1
    fileprivate var contentLength = 0
    fileprivate var pending = ClientResponse(status: 0, headers: [], body: [], closes: false)

    init(fd: Int32, tag: Int) {
        self.fd = fd
        self.tag = tag
    }
}

final class ClientLoop {
    let port: UInt16
    private let epfd: Int32
    private var connections: [ClientConnection?]
    private let events: UnsafeMutablePointer<epoll_event>
    private let eventCapacity = 1024
    private let readBuffer: UnsafeMutableRawPointer
    private let readBufferSize = 65536
    private(set) var openCount = 0
    private var extraHandlers: [Int32: () -> Void] = [:]

    var onConnect: (ClientConnection) -> Void = { _ in }
    var onResponse: (ClientConnection, ClientResponse) -> Void = { _, _ in }
    var onClose: (ClientConnection, CloseReason, Int32) -> Void = { _, _, _ in }

    init(port: Int) throws {
        self.port = UInt16(port)
        epfd = neuvo_epoll_create()
        guard epfd >= 0 else { throw BenchError("epoll_create1 failed: errno \(neuvo_errno())") }
        connections = Array(repeating: nil, count: 1024)
        events = .allocate(capacity: eventCapacity)
        readBuffer = .allocate(byteCount: readBufferSize, alignment: 16)
    }

    deinit {
        for case let c? in connections where c.state != .closed { Glibc.close(c.fd) }
        Glibc.close(epfd)
        events.deallocate()
        readBuffer.deallocate()
    }

    /// Starts a non-blocking connect; nil (with errno) if the socket could not even be made.
    func connect(tag: Int) -> (ClientConnection?, Int32) {
        let fd = neuvo_stream_socket(AF_INET)
        guard fd >= 0 else { return (nil, neuvo_errno()) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 {
            let error = neuvo_errno()
            if error != EINPROGRESS {
                Glibc.close(fd)
                return (nil, error)
            }
        }
        let connection = ClientConnection(fd: fd, tag: tag)
        if rc == 0 { connection.state = .open }
        var event = epoll_event()
        event.events = EpollFlag.input | EpollFlag.output | EpollFlag.readHangUp
        event.data.fd = fd
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0 else {
            let error = neuvo_errno()
            Glibc.close(fd)
            return (nil, error)
        }
        while Int(fd) >= connections.count { connections.append(contentsOf: repeatElement(nil, count: connections.count)) }
        connections[Int(fd)] = connection
        openCount += 1
        if rc == 0 { onConnect(connection) }
        return (connection, 0)
    }

    /// Queues `request` (one in flight per connection) and starts writing it.
    func send(_ connection: ClientConnection, _ request: [UInt8]) {
        precondition(!connection.awaiting, "one request in flight per connection")
        guard connection.state != .closed else { return }
        connection.awaiting = true
        connection.requests += 1
        connection.output = request
        connection.outputSent = 0
        connection.sentAt = nowNanos()
        if connection.state == .open { flush(connection) }
    }

    /// Watches another descriptor (e.g. stdin) for input.
    func watch(fd: Int32, handler: @escaping () -> Void) {
        var event = epoll_event()
        event.events = EpollFlag.input | EpollFlag.readHangUp
        event.data.fd = fd
        _ = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event)
        extraHandlers[fd] = handler
    }

    func unwatch(fd: Int32) {
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nil)
        extraHandlers[fd] = nil
    }

    func close(_ connection: ClientConnection, reason: CloseReason = .local, error: Int32 = 0) {
        guard connection.state != .closed else { return }
        let wasConnecting = connection.state == .connecting
        connection.state = .closed
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, connection.fd, nil)
        Glibc.close(connection.fd)
        connections[Int(connection.fd)] = nil
        openCount -= 1
        connection.input = []
        connection.output = []
        onClose(connection, wasConnecting && reason != .local ? .connectFailed : reason, error)
    }

    func closeAll() {
        for case let c? in connections where c.state != .closed { close(c) }
    }

    /// Closes everything and drops the callbacks (which usually capture the loop).
    func shutdown() {
        onClose = { _, _, _ in }
        closeAll()
        onConnect = { _ in }
        onResponse = { _, _ in }
        extraHandlers = [:]
    }

    /// One epoll_wait (up to `timeoutMillis`) and the handling of what it returned.
    @discardableResult
    func poll(timeoutMillis: Int32) -> Int {
        let n = epoll_wait(epfd, events, Int32(eventCapacity), timeoutMillis)
        guard n > 0 else { return 0 }
        for i in 0..<Int(n) {
            let fd = events[i].data.fd
            let flags = events[i].events
            if let handler = extraHandlers[fd] {
                handler()
                continue
            }
            guard Int(fd) < connections.count, let connection = connections[Int(fd)] else { continue }
            handle(connection, flags)
        }
        return Int(n)
    }

    private func handle(_ connection: ClientConnection, _ flags: UInt32) {
        if connection.state == .connecting {
            if flags & (EpollFlag.output | EpollFlag.error | EpollFlag.hangUp) != 0 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length)
                if error != 0 || flags & EpollFlag.error != 0 {
                    close(connection, reason: .connectFailed, error: error)
                    return
                }
                connection.state = .open
                onConnect(connection)
                guard connection.state == .open else { return }
                if connection.awaiting && connection.outputSent < connection.output.count {
                    flush(connection)
                } else {
                    setWatchOutput(connection, false)
                }
            }
        }
        guard connection.state == .open else { return }
        if flags & (EpollFlag.input | EpollFlag.readHangUp | EpollFlag.hangUp | EpollFlag.error) != 0 {
            readAvailable(connection)
        }
        if connection.state == .open, flags & EpollFlag.output != 0, connection.watchingOutput {
            flush(connection)
        }
    }

    private func setWatchOutput(_ connection: ClientConnection, _ on: Bool) {
        guard connection.watchingOutput != on, connection.state != .closed else { return }
        connection.watchingOutput = on
        var event = epoll_event()
        event.events = EpollFlag.input | EpollFlag.readHangUp | (on ? EpollFlag.output : 0)
        event.data.fd = connection.fd
        _ = epoll_ctl(epfd, EPOLL_CTL_MOD, connection.fd, &event)
    }

    private func flush(_ connection: ClientConnection) {
        while connection.outputSent < connection.output.count {
            let n = connection.output.withUnsafeBytes { bytes in
                neuvo_send(connection.fd, bytes.baseAddress! + connection.outputSent, bytes.count - connection.outputSent)
            }
            if n > 0 {
                connection.outputSent += n
                continue
            }
            let error = neuvo_errno()
            if n < 0 && (error == EAGAIN || error == EWOULDBLOCK) {
                setWatchOutput(connection, true)
                return
            }
            if n < 0 && error == EINTR { continue }
            close(connection, reason: .reset, error: error)
            return
        }
        connection.output = []
        connection.outputSent = 0
        setWatchOutput(connection, false)
    }

    private func readAvailable(_ connection: ClientConnection) {
        var eof = false
        var failure: Int32 = 0
        while true {
            let n = recv(connection.fd, readBuffer, readBufferSize, 0)
            if n > 0 {
                connection.input.append(contentsOf: UnsafeRawBufferPointer(start: readBuffer, count: n))
                if n < readBufferSize { break }
                continue
            }
            if n == 0 { eof = true; break }
            let error = neuvo_errno()
            if error == EAGAIN || error == EWOULDBLOCK { break }
            if error == EINTR { continue }
            failure = error
            break
        }
        parseResponses(connection)
        guard connection.state == .open else { return }
        if failure != 0 {
            close(connection, reason: .reset, error: failure)
        } else if eof {
            close(connection, reason: .peerClosed)
        }
    }

    private func parseResponses(_ connection: ClientConnection) {
        while connection.state == .open {
            if connection.headEnd < 0 {
                guard let end = Self.findHeadEnd(connection.input) else { return }
                guard parseHead(connection, end) else {
                    close(connection, reason: .badResponse)
                    return
                }
            }
            let total = connection.headEnd + connection.contentLength
            guard connection.input.count >= total else { return }
            var response = connection.pending
            response.body = Array(connection.input[connection.headEnd..<total])
            connection.input.removeFirst(total)
            connection.headEnd = -1
            connection.awaiting = false
            onResponse(connection, response)
            if response.closes && connection.state == .open { close(connection, reason: .afterResponse) }
        }
    }

    private static func findHeadEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    private func parseHead(_ connection: ClientConnection, _ end: Int) -> Bool {
        let text = String(decoding: connection.input[0..<end], as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return false }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else { return false }
        var headers: [(name: String, value: String)] = []
        var length = 0
        var closes = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
            if name == "content-length" { length = Int(value) ?? 0 }
            if name == "connection", value.lowercased().contains("close") { closes = true }
        }
        connection.pending = ClientResponse(status: status, headers: headers, body: [], closes: closes)
        connection.contentLength = length
        connection.headEnd = end
        return true
    }
}
