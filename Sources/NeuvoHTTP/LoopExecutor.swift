/// Runs a task's jobs on one ``EventLoop``'s thread, between its rounds of events.
///
/// For quick handlers only: a job runs to its next suspension while every connection of the
/// loop waits, so it must not block for long (a few SQLite reads, a commit awaited, not a
/// statistics report). A job enqueued from the loop's own thread costs no wake-up.
final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    /// Unowned, or loop and executor would keep each other alive after the server stops. Safe: a
    /// task that can enqueue here is a handler's or a woken poll's, and those hold the loop themselves.
    unowned let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
