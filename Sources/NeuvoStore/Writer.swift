import Foundation

/// The single writing connection, on its own thread, with group commit.
///
/// Write requests queue up while the previous transaction commits; the writer
/// then runs all of them in one transaction, each inside its own savepoint (so
/// one failing request does not undo the others), commits once, and only then
/// resumes each caller. One fsync thus acknowledges many requests, and nobody
/// is answered before the data is durable.
public final class Writer: Sendable {
    /// A queued request. `run` executes its body (in a savepoint) and returns
    /// what to do once the batch's commit has succeeded (nil) or failed;
    /// `fail` answers it without running, when no transaction could begin.
    struct Job: Sendable {
        let run: @Sendable (Database) -> @Sendable ((any Error)?) -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private let database: Database
    private let condition = NSCondition()
    private nonisolated(unsafe) var queue: [Job] = []
    private nonisolated(unsafe) var stopping = false
    private nonisolated(unsafe) var stopped = false
    private let done = DispatchSemaphore(value: 0)
    /// Most requests in one transaction; bounds the latency of a batch.
    public let maxBatch: Int
    /// How long a batch may wait for company while writes come fast (0: never). Each COMMIT
    /// fsyncs the WAL, about 160 µs of CPU here (`README.md`, Benchmark): when the previous commit
    /// ended less than four lingers before, the writer waits up to one linger for more requests
    /// and commits them together. Nobody is answered before the fsync that covers their write,
    /// so durability is unchanged; each request may wait up to one linger longer.
    public let lingerNanoseconds: UInt64
    private nonisolated(unsafe) var lastCommitEnded: UInt64 = 0
    private let stats = NSLock()
    private nonisolated(unsafe) var committedBatches = 0
    private nonisolated(unsafe) var committedJobs = 0
    private nonisolated(unsafe) var commitTimes = Histogram(bounds: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1])

    init(database: Database, maxBatch: Int = 512, lingerNanoseconds: UInt64 = 0) {
        self.database = database
        self.maxBatch = maxBatch
        self.lingerNanoseconds = lingerNanoseconds
        let thread = Thread { [self] in self.run() }
        thread.name = "neuvo-writer"
        thread.start()
    }

    /// Runs `body` in the next group transaction and returns its result once
    /// that transaction is durably committed. If `body` throws, only its own
    /// changes are rolled back and the error is rethrown.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(run: { db in
                do {
                    let value = try db.transaction(.immediate, body)
                    return { commitError in
                        if let commitError { continuation.resume(throwing: commitError) } else { continuation.resume(returning: value) }
                    }
                } catch {
                    return { _ in continuation.resume(throwing: error) }
                }
            }, fail: { error in continuation.resume(throwing: error) })
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: DatabaseError(code: 21, message: "the store is closed"))
                return
            }
            queue.append(job)
            condition.signal()
            condition.unlock()
        }
    }

    /// (transactions committed, requests committed) since start.
    public var counters: (batches: Int, jobs: Int) {
        stats.lock()
        defer { stats.unlock() }
        return (committedBatches, committedJobs)
    }

    /// How long COMMIT (the WAL's fsync) took, since start.
    public var commits: Histogram {
        stats.lock()
        defer { stats.unlock() }
        return commitTimes
    }

    /// Finishes queued work, then stops the thread and closes its connection.
    /// Blocks until it has stopped.
    func stop() {
        condition.lock()
        let already = stopping
        stopping = true
        condition.signal()
        condition.unlock()
        if !already {
            done.wait()
            database.close()
        }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                condition.unlock()
                done.signal()
                return
            }
            linger()
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            condition.unlock()
            commit(batch)
            lastCommitEnded = DispatchTime.now().uptimeNanoseconds
        }
    }

    /// With the lock held and a request queued: while writes come fast, waits up to one linger
    /// for more, unless the batch is already large. Returns with the lock held.
    private func linger() {
        guard lingerNanoseconds > 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now &- lastCommitEnded < 4 * lingerNanoseconds else { return }
        let deadline = now + lingerNanoseconds
        while queue.count < min(8, maxBatch) && !stopping {
            let left = Int64(deadline) - Int64(DispatchTime.now().uptimeNanoseconds)
            guard left > 0 else { return }
            // Short sleeps on the monotonic clock, not a timed wait on the condition: that takes a
            // wall-clock deadline, and a clock stepped back would hold the batch until it caught up.
            condition.unlock()
            usleep(useconds_t(min(left / 1000, 250)) + 1)
            condition.lock()
        }
    }

    private func commit(_ batch: [Job]) {
        do {
            try database.control("BEGIN IMMEDIATE")
        } catch {
            for job in batch { job.fail(error) }
            return
        }
        // If an error made SQLite roll the whole batch back (disk full, I/O), a
        // later job must not run in a transaction of its own and commit alone.
        let finishers = batch.map { job -> @Sendable ((any Error)?) -> Void in
            guard database.isInTransaction else {
                let lost = DatabaseError(code: 1, message: "the batch transaction was rolled back")
                return { _ in job.fail(lost) }
            }
            return job.run(database)
        }
        var failure: (any Error)?
        do {
            let started = DispatchTime.now().uptimeNanoseconds
            try database.control("COMMIT")
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            stats.lock()
            committedBatches += 1
            committedJobs += batch.count
            commitTimes.record(seconds)
            stats.unlock()
        } catch {
            failure = error
            try? database.execute("ROLLBACK")
        }
        for finish in finishers { finish(failure) }
    }
}

/// Durations in seconds counted into fixed buckets, Prometheus-style: how many
/// took at most each bound (cumulative), their sum and their count.
public struct Histogram: Sendable {
    public let bounds: [Double]
    /// Per bound, how many took at most that long.
    public private(set) var atMost: [Int]
    public private(set) var sum = 0.0
    public private(set) var count = 0

    public init(bounds: [Double]) {
        self.bounds = bounds
        atMost = Array(repeating: 0, count: bounds.count)
    }

    public mutating func record(_ seconds: Double) {
        for (index, bound) in bounds.enumerated() where seconds <= bound { atMost[index] += 1 }
        sum += seconds
        count += 1
    }
}
