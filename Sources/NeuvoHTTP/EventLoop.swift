import CLinux
import Dispatch
import Glibc
import Synchronization

/// One epoll event loop on its own thread.
///
/// Threading: every `Connection` of this loop, the deadline heap and the read
/// buffer are touched only on the loop's thread. Other threads reach the loop
/// only through ``execute(_:)``, which queues a closure under a lock and wakes
/// the loop through an `eventfd`. That is the whole reason this type may be
/// `@unchecked Sendable`.
///
/// Quick routes' handlers run on the loop's thread too (``taskExecutor``): a request that only
/// reads a few rows, or waits for the writer's commit, is answered without a hop to another
/// thread and back, which costs more than the work on a busy two-core machine.
final class EventLoop: @unchecked Sendable {
    let epfd: Int32
    let wakeFD: Int32
    let listenFD: Int32
    unowned let server: HTTPServer
    let limits: HTTPLimits
    let inbox = Mutex<[@Sendable () -> Void]>([])
    /// Set once the loop has stopped (under the inbox's lock): from then on ``execute(_:)`` runs work
    /// on a Dispatch queue, so a handler task still awaiting a commit when the loop ended finishes.
    private var stopped = false
    /// The loop's thread (`pthread_self()`), once it runs; 0 before.
    let thread = Atomic<UInt>(0)
    /// Runs quick routes' handler tasks on this loop's thread.
    private(set) var taskExecutor: LoopExecutor!

    var connections: [Int32: Connection] = [:]
    var deadlines = DeadlineHeap()
    var nextConnectionID: UInt64 = 1
    let readBuffer: UnsafeMutableRawBufferPointer
    var date = HTTPDate()
    var now: UInt64 = monotonicMillis()
    var stopping = false
    var stopDeadline: UInt64 = .max
    var acceptPausedUntil: UInt64 = 0
    /// Connections with buffered input or unread socket data to take up again.
    var ready: [Connection] = []

    static let readBufferSize = 64 * 1024
    static let wakeTag: UInt64 = UInt64(UInt32.max) + 1
    static let listenTag: UInt64 = UInt64(UInt32.max) + 2

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
        taskExecutor = LoopExecutor(loop: self)
    }

    deinit {
        readBuffer.deallocate()
        close(epfd)
        close(wakeFD)
    }

    // MARK: - Cross-thread entry

    /// Whether the caller runs on this loop's thread.
    var isCurrent: Bool { thread.load(ordering: .relaxed) == UInt(pthread_self()) }

    /// Runs `task` on the loop's thread soon. Safe from any thread.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty: Bool? = inbox.withLock { queue in
            if stopped { return nil }
            queue.append(task)
            return queue.count == 1
        }
        guard let wasEmpty else {
            DispatchQueue.global().async(execute: task)
            return
        }
        // One pending wake-up is enough; the loop drains the whole queue. From the loop's own
        // thread none is needed: it drains the inbox before it waits again.
        if wasEmpty && !isCurrent {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    /// Number of open connections (loop thread only).
    var connectionCount: Int { connections.count }

    // MARK: - The loop

    func run() {
        thread.store(UInt(pthread_self()), ordering: .relaxed)
        let capacity = 512
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while true {
            let timeout: Int32
            if inbox.withLock({ !$0.isEmpty }) {
                // Work queued from this thread (a quick handler's next step) wrote no wake-up: do not sleep on it.
                timeout = 0
            } else if let earliest = deadlines.earliest {
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
        inbox.withLock { _ in stopped = true }
        drainInbox()
    }

    func drainInbox() {
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

    func acceptConnections() {
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

    static let serviceUnavailable: [UInt8] = Array((
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nconnection: close\r\n"
        + "retry-after: 5\r\ncontent-length: 81\r\n\r\n"
        + #"{"error":{"code":"overloaded","message":"Too many connections; try again soon."}}"#
    ).utf8)
}
