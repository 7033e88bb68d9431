/// Runs a task's jobs on one ``EventLoop``'s thread, between its rounds of events.
///
/// For quick handlers only: a job runs to its next suspension while every connection of the
/// loop waits, so it must not block for long (a few SQLite reads, a commit awaited, not a
/// statistics report). A job enqueued from the loop's own thread costs no wake-up.
final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    unowned let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
