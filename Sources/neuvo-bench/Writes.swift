import Foundation
import Glibc
import NeuvoStore

/// `neuvo-bench writes`: durable write throughput, over HTTP and at the store.
func runWrites(_ arguments: Arguments) throws {
    raiseDescriptorLimit()
    let seconds = try arguments.double("seconds", 10, 0.1...600)
    let concurrency = try arguments.int("concurrency", 256, 1...10_000)
    let only = arguments.string("only")
    guard only == nil || only == "http" || only == "store" else { throw BenchError("--only must be http or store") }
    var parts: [(String, JSONField)] = [("bench", .string("writes")), ("seconds", .number(seconds)), ("concurrency", .int(concurrency))]
    if only != "store" { parts.append(("http", try httpWrites(seconds: seconds, concurrency: concurrency))) }
    if only != "http" { parts.append(("store", try storeWrites(seconds: seconds, concurrency: concurrency))) }
    say(JSONField.object(parts).text)
}

/// (a) `concurrency` keep-alive connections, each posting to its own conversation as fast as answers come back.
private func httpWrites(seconds: Double, concurrency: Int) throws -> JSONField {
    say("== neuvo-bench writes (a) HTTP: \(concurrency) keep-alive connections posting messages for \(seconds) s, "
        + "each to its own conversation (\(concurrency) conversations, one session)")
    say("   host load (/proc/loadavg) at start: \(loadAverage())")
    let server = try ServerProcess()
    defer { server.stop(); server.removeFiles() }
    let pid = server.pid
    let (cookie, ids) = try createConversations(port: server.port, count: concurrency)

    let loop = try ClientLoop(port: server.port)
    defer { loop.shutdown() }
    var connected = 0, ok = 0, bad = 0, lost = 0, inFlight = 0, badNotes = 0
    var latencies: [Double] = []
    latencies.reserveCapacity(200_000)
    var lastResponse: UInt64 = 0
    var deadline = UInt64.max
    func post(_ c: ClientConnection) {
        inFlight += 1
        loop.send(c, Requests.message(ids[c.tag], clientID: uuidV4(), text: "bench write \(c.requests)", cookie: cookie))
    }
    loop.onConnect = { _ in connected += 1 }
    loop.onResponse = { c, response in
        let now = nowNanos()
        inFlight -= 1
        lastResponse = now
        if (200..<300).contains(response.status) {
            ok += 1
            latencies.append(Double(now - c.sentAt) / 1e6)
        } else {
            bad += 1
            if badNotes < 3 { badNotes += 1; note("POST answered \(response.status): \(response.bodyText.prefix(200))") }
        }
        if now < deadline && !response.closes { post(c) }
    }
    loop.onClose = { c, reason, error in
        guard reason != .local else { return }
        if c.awaiting { inFlight -= 1; lost += 1 }
        note("write connection closed: \(reason.rawValue) errno \(error)")
    }
    var connections: [ClientConnection] = []
    for i in 0..<concurrency {
        let (c, error) = loop.connect(tag: i)
        guard let c else { throw BenchError("cannot connect: errno \(error)") }
        connections.append(c)
    }
    let connectDeadline = nowNanos() + 10_000_000_000
    while connected < concurrency && nowNanos() < connectDeadline { loop.poll(timeoutMillis: 10) }
    guard connected == concurrency else { throw BenchError("only \(connected) of \(concurrency) connections opened") }

    let serverCPU0 = cpuSeconds(pid: pid), benchCPU0 = cpuSeconds(pid: getpid()), threads0 = threadCPU(pid: pid), io0 = procFields("/proc/\(pid)/io")
    let start = nowNanos()
    deadline = start + UInt64(seconds * 1e9)
    for c in connections { post(c) }
    while nowNanos() < deadline { loop.poll(timeoutMillis: 20) }
    let drainDeadline = nowNanos() + 15_000_000_000
    while inFlight > 0 && nowNanos() < drainDeadline { loop.poll(timeoutMillis: 20) }
    let unanswered = inFlight
    let serverCPU1 = cpuSeconds(pid: pid), benchCPU1 = cpuSeconds(pid: getpid()), threads1 = threadCPU(pid: pid), io1 = procFields("/proc/\(pid)/io")
    let span = Double(max(lastResponse, start + 1) - start) / 1e9
    let rate = Double(ok) / span
    let latency = Percentiles(latencies)
    let memory = readMemory(pid: pid)
    loop.shutdown()

    let stopped = server.stop()
    // Every acknowledged message must be in the database.
    var stored = -1
    do {
        let db = try Database(path: server.databasePath, mode: .reader)
        stored = try db.row("SELECT count(*) AS n FROM messages")?.int("n") ?? -1
    } catch {
        note("cannot count the stored messages: \(error)")
    }
    let log = server.logSummary()
    let serverCPU = serverCPU1.user - serverCPU0.user + serverCPU1.system - serverCPU0.system
    let benchCPU = benchCPU1.user - benchCPU0.user + benchCPU1.system - benchCPU0.system

    say(String(format: "  durable writes: %d acknowledged (2xx) in %.2f s → %.0f writes/s; %d non-2xx, %d lost with a connection, %d unanswered at the end",
               ok, span, rate, bad, lost, unanswered))
    say("  POST latency:   \(latency.text)")
    say("  messages in the database after stop: \(stored) (\(stored == ok ? "= acknowledged ✓" : "≠ acknowledged \(ok) ✗"))")
    say(String(format: "  CPU: server %.2f s, bench client %.2f s (of %.2f s × 2 cores); server VmRSS %d KiB, %d threads",
               serverCPU, benchCPU, span, memory.rssKiB, memory.threads))
    say("  server threads' CPU:  \(threadCPUText(threads0, threads1, over: span))")
    let written = (io1["write_bytes"] ?? 0) - (io0["write_bytes"] ?? 0), writeCalls = (io1["syscw"] ?? 0) - (io0["syscw"] ?? 0)
    say(String(format: "  server disk writes:   %.1f MiB (%.0f bytes per acknowledged write), %d write syscalls",
               Double(written) / 1_048_576, ok > 0 ? Double(written) / Double(ok) : 0, writeCalls))
    say("  server stop: exit status \(stopped.status) in \(String(format: "%.1f", stopped.seconds)) s; stderr \(log.lines) line(s)"
        + (log.head.isEmpty ? "" : ": " + log.head.joined(separator: " | ")))
    return .object([
        ("acknowledged", .int(ok)), ("span_s", .number(span)), ("writes_per_s", .number(rate)),
        ("non_2xx", .int(bad)), ("lost", .int(lost)), ("unanswered", .int(unanswered)),
        ("latency", latency.json), ("stored_messages", .int(stored)), ("verified", .bool(stored == ok)),
        ("server_cpu_s", .number(serverCPU)), ("bench_cpu_s", .number(benchCPU)), ("server_rss_kib", .int(memory.rssKiB)),
        ("server_thread_cpu_s", .object(threads1.map { ($0.key, .number($0.value - (threads0[$0.key] ?? 0))) }.sorted { $0.0 < $1.0 })),
        ("server_disk_write_bytes", .int(written)), ("server_write_syscalls", .int(writeCalls)),
        ("server_exit_status", .int(Int(stopped.status))),
    ])
}

/// What one store-writing task did.
private struct TaskTally: Sendable {
    var acked = 0
    var errors = 0
    var latencies: [Double] = []
    var firstError: String?
}

/// (b) `concurrency` tasks in this process, each inserting one row per `store.write`.
private func storeWrites(seconds: Double, concurrency: Int) throws -> JSONField {
    say("== neuvo-bench writes (b) store: \(concurrency) concurrent tasks each looping store.write { INSERT } for \(seconds) s "
        + "(group commit, synchronous=FULL)")
    say("   host load (/proc/loadavg) at start: \(loadAverage())")
    let repo = try repositoryFolder()
    let path = temporaryPath("store", ".sqlite")
    defer { removeDatabase(path) }
    let store = try Store(path: path, migrator: try Migrator(folder: repo + "/Migrations"))
    let closed = LockedBox(false)
    defer { if !closed.withLock({ $0 }) { store.close() } }
    try runBlocking {
        try await store.write { db in
            try db.execute("CREATE TABLE IF NOT EXISTS bench (id INTEGER PRIMARY KEY, task INTEGER NOT NULL, n INTEGER NOT NULL, payload TEXT NOT NULL)")
        }
    }
    let warm = try warmWAL(store: store, path: path)
    say(String(format: "  first pass (the WAL file growing): %d commits, %.0f µs of CPU per commit; then the WAL is reused from its start",
               warm.commits, warm.cpuMicrosPerCommit))
    let counters0 = store.writer.counters
    let benchCPU0 = cpuSeconds(pid: getpid()), io0 = procFields("/proc/self/io")
    let start = nowNanos()
    let deadline = start + UInt64(seconds * 1e9)
    let tallies: [TaskTally] = try runBlocking {
        await withTaskGroup(of: TaskTally.self) { group in
            for task in 0..<concurrency {
                group.addTask {
                    var tally = TaskTally()
                    tally.latencies.reserveCapacity(1024)
                    while nowNanos() < deadline && tally.errors < 100 {
                        let n = tally.acked
                        let t = nowNanos()
                        do {
                            _ = try await store.write { db in
                                try db.run("INSERT INTO bench (task, n, payload) VALUES (?, ?, ?)", task, n, "bench payload")
                            }
                            tally.acked += 1
                            tally.latencies.append(Double(nowNanos() - t) / 1e6)
                        } catch {
                            tally.errors += 1
                            if tally.firstError == nil { tally.firstError = "\(error)" }
                        }
                    }
                    return tally
                }
            }
            var all: [TaskTally] = []
            for await tally in group { all.append(tally) }
            return all
        }
    }
    let end = nowNanos()
    let benchCPU1 = cpuSeconds(pid: getpid()), io1 = procFields("/proc/self/io")
    let written = (io1["write_bytes"] ?? 0) - (io0["write_bytes"] ?? 0)
    let counters1 = store.writer.counters
    let acked = tallies.reduce(0) { $0 + $1.acked }
    let errors = tallies.reduce(0) { $0 + $1.errors }
    let rows = try store.read { db in try db.row("SELECT count(*) AS n FROM bench WHERE task >= 0")?.int("n") ?? -1 }
    store.close()
    closed.withLock { $0 = true }
    // Reopen from the file to check what is durable, not just what the cache holds.
    let reopened = (try? Database(path: path, mode: .reader)).flatMap { try? $0.row("SELECT count(*) AS n FROM bench WHERE task >= 0")?.int("n") } ?? -1
    let span = Double(end - start) / 1e9
    let rate = Double(acked) / span
    let latency = Percentiles(tallies.flatMap(\.latencies))
    let batches = counters1.batches - counters0.batches, jobs = counters1.jobs - counters0.jobs
    let meanBatch = batches > 0 ? Double(jobs) / Double(batches) : 0
    let cpu = benchCPU1.user - benchCPU0.user + benchCPU1.system - benchCPU0.system

    say(String(format: "  durable writes: %d acknowledged in %.2f s → %.0f writes/s; %d errors%@", acked, span, rate, errors,
               tallies.first(where: { $0.firstError != nil })?.firstError.map { " (first: \($0))" } ?? ""))
    say("  write latency:  \(latency.text)")
    say(String(format: "  writer: %d transactions for %d writes → mean batch %.1f (max batch %d); %.0f commits/s",
               batches, jobs, meanBatch, store.writer.maxBatch, Double(batches) / span))
    say("  rows in bench: \(rows), after reopening: \(reopened) (\(rows == acked && reopened == acked ? "= acknowledged ✓" : "≠ acknowledged \(acked) ✗"))")
    say(String(format: "  CPU of this process: %.2f s over %.2f s (%.0f µs per commit); disk writes %.1f MiB (%.0f bytes per write, %.1f KiB per commit)",
               cpu, span, batches > 0 ? cpu * 1e6 / Double(batches) : 0, Double(written) / 1_048_576,
               acked > 0 ? Double(written) / Double(acked) : 0, batches > 0 ? Double(written) / Double(batches) / 1024 : 0))
    return .object([
        ("acknowledged", .int(acked)), ("span_s", .number(span)), ("writes_per_s", .number(rate)), ("errors", .int(errors)),
        ("latency", latency.json), ("batches", .int(batches)), ("jobs", .int(jobs)), ("mean_batch", .number(meanBatch)),
        ("commits_per_s", .number(Double(batches) / span)), ("rows", .int(rows)), ("rows_reopened", .int(reopened)),
        ("verified", .bool(rows == acked && reopened == acked)), ("cpu_s", .number(cpu)),
        ("cpu_us_per_commit", .number(batches > 0 ? cpu * 1e6 / Double(batches) : 0)), ("disk_write_bytes", .int(written)),
        ("first_pass_commits", .int(warm.commits)), ("first_pass_cpu_us_per_commit", .number(warm.cpuMicrosPerCommit)),
    ])
}

/// Commits one row at a time until the WAL file has reached its checkpoint size and stopped growing.
///
/// Why: while the WAL file grows, every fdatasync also commits the file's new size to the file
/// system's journal, which here doubles the CPU of a commit. A running server pays that only for the
/// first `wal_autocheckpoint` pages after a start; afterwards SQLite writes the WAL over from its start.
/// Measuring after this pass gives the steady state. Gives up growing after 120 s.
private func warmWAL(store: Store, path: String) throws -> (commits: Int, cpuMicrosPerCommit: Double) {
    let checkpointBytes = try store.read { db in
        (try db.row("PRAGMA page_size")?.int("page_size") ?? 4096) * 10_000
    }
    @Sendable func walSize() -> Int {
        var info = stat()
        return stat(path + "-wal", &info) == 0 ? Int(info.st_size) : 0
    }
    let cpu0 = cpuSeconds(pid: getpid())
    let commits = try runBlocking {
        let deadline = nowNanos() + 120_000_000_000
        var commits = 0, largest = 0, sinceGrowth = 0
        while sinceGrowth < 2_000 && nowNanos() < deadline {
            let n = commits
            _ = try await store.write { db in
                try db.run("INSERT INTO bench (task, n, payload) VALUES (?, ?, ?)", -1, n, "bench payload")
            }
            commits += 1
            let size = walSize()
            if size > largest { largest = size; sinceGrowth = 0 } else if largest >= checkpointBytes { sinceGrowth += 1 }
        }
        return commits
    }
    let cpu1 = cpuSeconds(pid: getpid())
    let cpu = cpu1.user - cpu0.user + cpu1.system - cpu0.system
    return (commits, commits > 0 ? cpu * 1e6 / Double(commits) : 0)
}
