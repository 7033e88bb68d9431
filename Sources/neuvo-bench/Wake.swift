import Foundation
import Glibc

/// One posted message of the wake bench. Times are monotonic ns; 0 = not yet.
private struct WakeSample {
    var conversation = 0
    var scheduled: UInt64 = 0
    var t0: UInt64 = 0   // POST handed to the kernel
    var t1: UInt64 = 0   // its answer arrived
    var t2: UInt64 = 0   // the watched poll returned its event
    var status = 0
    var failed = false
}

/// `neuvo-bench wake`: how fast a committed message wakes the poll parked on its conversation.
func runWake(_ arguments: Arguments) throws {
    let limit = raiseDescriptorLimit()
    let background = try arguments.int("parked", 10_000, 0...100_000)
    let watched = try arguments.int("watched", 1_000, 1...10_000)
    let rate = try arguments.double("rate", 1_000, 1...100_000)
    let seconds = try arguments.double("seconds", 10, 0.1...600)
    let clients = try arguments.int("clients", max(1, (background + 8_999) / 9_000), 1...64)
    let poolSize = try arguments.int("pool", 32, 1...1_000)
    let wait = 30
    let total = Int((rate * seconds).rounded())
    say("== neuvo-bench wake: \(background) background parked polls in \(clients) worker process(es), \(watched) watched polls in the driver, "
        + "\(total) messages at \(rate)/s for \(seconds) s over \(poolSize) keep-alive POST connections; descriptor limit \(limit)")
    say("   host load (/proc/loadavg) at start: \(loadAverage())")

    let server = try ServerProcess()
    defer { server.stop(); server.removeFiles() }
    let pid = server.pid
    let (cookie, ids) = try createConversations(port: server.port, count: watched + background)
    let watchedIDs = Array(ids[0..<watched])
    let cursors = try fetchCursors(port: server.port, cookie: cookie, ids: watchedIDs)

    // Background parked polls in worker processes.
    let idsFile = try writeIDsFile(ids)
    defer { try? FileManager.default.removeItem(atPath: idsFile) }
    var workers: WorkerSet?
    var backgroundParked = 0
    if background > 0 {
        let set = try WorkerSet(workers: clients, port: server.port, cookie: cookie, idsFile: idsFile, from: watched,
                                total: background, wait: wait, maxSeconds: 900)
        workers = set
        let deadline = nowNanos() + 120_000_000_000
        var status = set.total
        while nowNanos() < deadline {
            sleepMillis(200)
            status = set.total
            if status["done"] == clients && status["parked"] == status["open"] && status["open"] > 0 { break }
            if !set.allRunning { throw BenchError("a client worker exited early") }
        }
        backgroundParked = status["parked"]
        note("background: \(status["parked"]) parked of \(background) (503 \(status["rejected"]), lost \(status["lostFirst"]), "
             + "connect failures \(status["connectFailed"] + status["socketFailed"]))")
    }

    // Watched polls and the POST pool share the driver's loop.
    let holder = try ParkedHolder(port: server.port, ids: watchedIDs, cursors: cursors, cookie: cookie, wait: wait)
    defer { holder.shutdown() }
    let loop = holder.loop
    var deadline = nowNanos() + 30_000_000_000
    while holder.parked < watched && nowNanos() < deadline { holder.pump(millis: 100) }
    guard holder.parked == watched else { throw BenchError("only \(holder.parked) of \(watched) watched polls parked") }
    let before = readMemory(pid: pid)
    say("server with \(backgroundParked + holder.parked) parked: \(before)")

    var samples = [WakeSample](repeating: WakeSample(), count: total)
    var byClientID: [String: Int] = [:]
    byClientID.reserveCapacity(total)
    var free: [ClientConnection] = []
    var poolOpen = 0, poolReconnects = 0, answered = 0, unmatchedEvents = 0, non201Notes = 0
    let poolTag2 = 1
    holder.onEvents = { _, response, now in
        for clientID in response.strings(after: "clientId") {
            if let i = byClientID[clientID] {
                if samples[i].t2 == 0 { samples[i].t2 = now }
            } else {
                unmatchedEvents += 1
            }
        }
    }
    let holderConnect = loop.onConnect, holderResponse = loop.onResponse, holderClose = loop.onClose
    loop.onConnect = { c in
        if c.tag2 == poolTag2 { free.append(c) } else { holderConnect(c) }
    }
    loop.onResponse = { c, response in
        guard c.tag2 == poolTag2 else { return holderResponse(c, response) }
        let now = nowNanos()
        samples[c.tag].t1 = now
        samples[c.tag].status = response.status
        answered += 1
        if response.status != 201 && non201Notes < 3 {
            non201Notes += 1
            note("message POST answered \(response.status): \(response.bodyText.prefix(200))")
        }
        if !response.closes { free.append(c) }
    }
    loop.onClose = { c, reason, error in
        guard c.tag2 == poolTag2 else { return holderClose(c, reason, error) }
        guard reason != .local else { return }
        poolOpen -= 1
        free.removeAll { $0 === c }
        if c.awaiting && c.tag >= 0 {
            samples[c.tag].failed = true
            answered += 1
        }
        note("POST connection closed: \(reason.rawValue) errno \(error)")
        if poolReconnects < 100, let fresh = loop.connect(tag: -1).0 {
            poolReconnects += 1
            fresh.tag2 = poolTag2
            poolOpen += 1
        }
    }
    for _ in 0..<poolSize {
        let (c, error) = loop.connect(tag: -1)
        guard let c else { throw BenchError("cannot open POST connection: errno \(error)") }
        c.tag2 = poolTag2
        poolOpen += 1
    }
    deadline = nowNanos() + 10_000_000_000
    while free.count < poolSize && nowNanos() < deadline { loop.poll(timeoutMillis: 10) }

    // The run: message i is due at start + i/rate; it goes out on the next free connection.
    let cpuBefore = cpuSeconds(pid: pid), threadsBefore = threadCPU(pid: pid)
    let interval = 1e9 / rate
    let start = nowNanos() + 5_000_000
    var scheduled = 0
    var pending: [Int] = []
    var pendingHead = 0
    var sent = 0
    var maxQueue = 0
    var generator = SystemRandomNumberGenerator()
    let hardEnd = start + UInt64(seconds * 1e9) + 60_000_000_000
    var finishedAt: UInt64 = 0
    while true {
        let now = nowNanos()
        while scheduled < total, start + UInt64(Double(scheduled) * interval) <= now {
            samples[scheduled].scheduled = start + UInt64(Double(scheduled) * interval)
            samples[scheduled].conversation = Int.random(in: 0..<watched, using: &generator)
            pending.append(scheduled)
            scheduled += 1
        }
        maxQueue = max(maxQueue, pending.count - pendingHead)
        // Round-robin over the pool (oldest free first), so every connection stays in use.
        while pendingHead < pending.count, !free.isEmpty {
            let c = free.removeFirst()
            let i = pending[pendingHead]
            pendingHead += 1
            let clientID = uuidV4()
            byClientID[clientID] = i
            c.tag = i
            loop.send(c, Requests.message(watchedIDs[samples[i].conversation], clientID: clientID, text: "wake \(i)", cookie: cookie))
            samples[i].t0 = c.sentAt
            sent += 1
        }
        if sent == total {
            if finishedAt == 0 { finishedAt = now }
            let complete = answered == total && samples.allSatisfy { $0.t2 != 0 || $0.failed || ($0.status != 201 && $0.t1 != 0) }
            if complete || now > finishedAt + 10_000_000_000 { break }
        }
        if now > hardEnd { break }
        if poolOpen == 0 { throw BenchError("every POST connection is gone") }
        var timeout: Int32 = 20
        if scheduled < total {
            let due = start + UInt64(Double(scheduled) * interval)
            timeout = due > now ? Int32(min(20, max(0, (due - now) / 1_000_000))) : 0
        }
        loop.poll(timeoutMillis: timeout)
    }
    let end = nowNanos()
    let cpuAfter = cpuSeconds(pid: pid), threadsAfter = threadCPU(pid: pid)
    let after = readMemory(pid: pid)
    holder.pump(millis: 200)
    let status = workers?.total ?? WorkerStatus()

    // Figures.
    let posted = samples.filter { $0.t0 != 0 }
    let created = posted.filter { $0.status == 201 }
    let woken = created.filter { $0.t2 != 0 }
    func ms(_ a: UInt64, _ b: UInt64) -> Double { Double(Int64(bitPattern: a &- b)) / 1e6 }
    let wakeFromSend = Percentiles(woken.map { ms($0.t2, $0.t0) })
    let wakeFromReply = Percentiles(woken.map { ms($0.t2, $0.t1) })
    let postLatency = Percentiles(created.map { ms($0.t1, $0.t0) })
    let sendLag = Percentiles(posted.map { ms($0.t0, $0.scheduled) })
    let beforeReply = woken.filter { $0.t2 < $0.t1 }.count
    let firstSend = posted.map(\.t0).min() ?? start, lastSend = posted.map(\.t0).max() ?? start
    let achieved = posted.count > 1 ? Double(posted.count - 1) / (Double(lastSend - firstSend) / 1e9) : 0
    let missing = created.count - woken.count
    let failed = samples.filter { $0.failed }.count
    let non201 = posted.filter { $0.status != 201 && $0.status != 0 }.count
    let serverCPU = (cpuAfter.user - cpuBefore.user) + (cpuAfter.system - cpuBefore.system)
    let wallSeconds = Double(end - start) / 1e9

    let final = workers?.stop() ?? WorkerStatus()
    let holderDropped = holder.dropped, holderTimeouts = holder.timeouts
    holder.shutdown()
    let stopped = server.stop()
    let log = server.logSummary()

    say("")
    say("Wake latency")
    say("  parked: \(backgroundParked) background (worker processes) + \(watched) watched (driver)")
    say(String(format: "  messages: %d scheduled, %d posted (achieved %.1f/s), %d answered 201, %d other status, %d lost connections",
               total, posted.count, achieved, created.count, non201, failed))
    say("  send lag behind schedule:  \(sendLag.text) (longest queue \(maxQueue))")
    say("  POST latency t1−t0:        \(postLatency.text)")
    say("  wake after send t2−t0:     \(wakeFromSend.text)")
    say("  wake after reply t2−t1:    \(wakeFromReply.text)")
    say("  wakes before the POST's own reply: \(beforeReply) of \(woken.count); missing wakes: \(missing); events not ours: \(unmatchedEvents)")
    say(String(format: "  server CPU during the run: %.2f s over %.2f s wall (%.0f%% of one core); VmRSS %d → %d KiB",
               serverCPU, wallSeconds, 100 * serverCPU / wallSeconds, before.rssKiB, after.rssKiB))
    say("  server threads' CPU: \(threadCPUText(threadsBefore, threadsAfter, over: wallSeconds))")
    say("  background polls: \(status["parked"]) still parked at the end, \(final["wakes"]) woke with events (expect 0), "
        + "\(final["dropped"]) dropped by the server (expect 0), \(final["timeouts"]) timed out and re-issued")
    say("  watched polls: \(holderDropped) dropped by the server, \(holderTimeouts) timed out; POST reconnects \(poolReconnects)")
    say("  server stop: exit status \(stopped.status) in \(String(format: "%.1f", stopped.seconds)) s\(stopped.clean ? "" : " (KILLED)"); "
        + "stderr \(log.lines) line(s)\(log.head.isEmpty ? "" : ": " + log.head.joined(separator: " | "))")

    let json: JSONField = .object([
        ("bench", .string("wake")), ("background_parked", .int(backgroundParked)), ("watched", .int(watched)),
        ("rate", .number(rate)), ("seconds", .number(seconds)), ("pool", .int(poolSize)), ("clients", .int(clients)),
        ("scheduled", .int(total)), ("posted", .int(posted.count)), ("achieved_rate", .number(achieved)),
        ("created_201", .int(created.count)), ("other_status", .int(non201)), ("lost", .int(failed)),
        ("woken", .int(woken.count)), ("missing_wakes", .int(missing)), ("wakes_before_reply", .int(beforeReply)),
        ("wake_after_send", wakeFromSend.json), ("wake_after_reply", wakeFromReply.json),
        ("post_latency", postLatency.json), ("send_lag", sendLag.json), ("max_queue", .int(maxQueue)),
        ("server_cpu_s", .number(serverCPU)), ("wall_s", .number(wallSeconds)),
        ("rss_before_kib", .int(before.rssKiB)), ("rss_after_kib", .int(after.rssKiB)),
        ("background_unexpected_wakes", .int(final["wakes"])), ("background_dropped", .int(final["dropped"])),
        ("watched_dropped", .int(holderDropped)), ("server_exit_status", .int(Int(stopped.status))),
        ("server_log_lines", .int(log.lines)),
    ])
    say(json.text)
}
