import Synchronization

/// A request whose response is produced later, from any thread.
///
/// Exactly one of these happens, whichever comes first: someone calls
/// ``complete(_:)``; or the engine ends the wait (deadline, client gone, server
/// stopping), answers with the fallback if it can, and runs the cancellation
/// handler. A parked request holds no thread and no task, only this object.
public final class ParkedRequest: Sendable {
    private let loop: EventLoop
    private let fd: Int32
    private let connectionID: UInt64
    /// Where a single wake produces its answer: the handlers' threads, or the loop's for a quick route.
    private let executor: any TaskExecutor
    private let wakes: WakeQueue
    let fallback: Response

    private enum Phase { case waiting, completed, cancelled }
    private struct State {
        var phase = Phase.waiting
        var onCancel: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    init(loop: EventLoop, fd: Int32, connectionID: UInt64, executor: any TaskExecutor, wakes: WakeQueue, fallback: Response) {
        self.loop = loop
        self.executor = executor
        self.wakes = wakes
        self.fd = fd
        self.connectionID = connectionID
        self.fallback = fallback
        loop.server.parkedChanged(by: 1)
    }

    /// Answers the request with `response`. Safe from any thread; only the first
    /// call (or the engine's expiry) wins, later ones are ignored.
    public func complete(_ response: Response) {
        let won = state.withLock { s in
            guard s.phase == .waiting else { return false }
            s.phase = .completed
            s.onCancel = nil
            return true
        }
        guard won else { return }
        loop.server.parkedChanged(by: -1)
        let loop = self.loop, fd = self.fd, id = self.connectionID
        loop.execute { loop.completeParked(fd: fd, connectionID: id, response: response) }
    }

    /// Runs `body` away from the caller's thread (which may be a committer's)
    /// and completes with its response; a nil response leaves the request parked.
    ///
    /// - Parameter wave: the wake is one of many from one change (a queue's
    ///   residents after a pick): it runs on the ``WakeQueue``, behind the
    ///   others and out of fresh requests' way. Otherwise (a message for this
    ///   conversation) it runs where handlers run, at once.
    public func complete(producing body: @escaping @Sendable () -> Response?, wave: Bool) {
        guard isWaiting else { return }
        let work: @Sendable () -> Void = {
            guard self.isWaiting else { return }
            if let response = body() { self.complete(response) }
        }
        if wave {
            wakes.run(work)
        } else {
            Task(executorPreference: executor) { work() }
        }
    }

    /// Registers `handler` to run if the request ends without ``complete(_:)``;
    /// runs it at once if that already happened.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { s in
            switch s.phase {
            case .waiting: s.onCancel = handler; return false
            case .completed: return false
            case .cancelled: return true
            }
        }
        if runNow { handler() }
    }

    /// Whether the request is still waiting.
    public var isWaiting: Bool { state.withLock { $0.phase == .waiting } }

    /// Ends the wait from the engine's side. Returns false if ``complete(_:)`` won.
    func expire() -> Bool {
        let handler: (@Sendable () -> Void)?? = state.withLock { s in
            guard s.phase == .waiting else { return .none }
            s.phase = .cancelled
            defer { s.onCancel = nil }
            return .some(s.onCancel)
        }
        guard case .some(let cancel) = handler else { return false }
        loop.server.parkedChanged(by: -1)
        cancel?()
        return true
    }
}
