import Dispatch

/// Where request handlers (and the server's background work) run: a Dispatch
/// concurrent queue, not Swift's cooperative pool.
///
/// Handlers make short blocking SQLite reads. On the cooperative pool (one
/// thread per core, two here) a few such reads, or any caller that blocks pool
/// threads, would stall every handler; Dispatch adds threads when its threads
/// block, so the engine keeps answering.
public final class HandlerExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "neuvo.handlers", attributes: .concurrent)

    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
