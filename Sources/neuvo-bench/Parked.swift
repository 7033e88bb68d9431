import Foundation
import Glibc

/// Long polls held by this process on `ids` (one keep-alive connection each),
/// re-issued when they return. `onEvents` sees every answer that carried events.
final class ParkedHolder {
    let loop: ClientLoop
    let ids: [String]
    let cookie: String
    let wait: Int
    private(set) var connections: [ClientConnection] = []
    private(set) var responses = 0, timeouts = 0, wakes = 0, dropped = 0, errors = 0
    private(set) var lastResponse = nowNanos()
    var stopping = false
    var onEvents: (ClientConnection, ClientResponse, UInt64) -> Void = { _, _, _ in }

    init(port: Int, ids: [String], cursors: [Int64], cookie: String, wait: Int) throws {
        loop = try ClientLoop(port: port)
        self.ids = ids
        self.cookie = cookie
        self.wait = wait
        loop.onConnect = { [unowned self] c in issue(c) }
        loop.onResponse = { [unowned self] c, response in
            let now = nowNanos()
            responses += 1
            lastResponse = now
            guard response.status == 200, let next = response.integer(after: "next") else {
                errors += 1
                note("parked poll answered \(response.status): \(response.bodyText.prefix(200))")
                if !response.closes { loop.close(c) }
                return
            }
            if next == c.cursor { timeouts += 1 } else {
                wakes += 1
                onEvents(c, response, now)
            }
            c.cursor = next
            if !stopping && !response.closes { issue(c) }
        }
        loop.onClose = { [unowned self] c, reason, error in
            guard reason != .local else { return }
            dropped += 1
            note("parked connection \(c.tag) closed: \(reason.rawValue) errno \(error)")
        }
        for (index, cursor) in cursors.enumerated() {
            let (c, error) = loop.connect(tag: index)
            guard let c else { throw BenchError("cannot connect: errno \(error)") }
            c.cursor = cursor
            connections.append(c)
        }
    }

    func issue(_ c: ClientConnection) {
        loop.send(c, Requests.events(ids[c.tag], after: c.cursor, wait: wait, cookie: cookie))
    }

    /// Open connections whose poll has been outstanding for at least a second.
    var parked: Int {
        let now = nowNanos()
        return connections.reduce(0) { $0 + ($1.state == .open && $1.awaiting && now - $1.sentAt >= 1_000_000_000 ? 1 : 0) }
    }

    var open: Int { loop.openCount }

    /// Pumps the loop for `millis`.
    func pump(millis: Int) {
        let end = nowNanos() + UInt64(millis) * 1_000_000
        while nowNanos() < end { loop.poll(timeoutMillis: Int32(max(1, min(50, Int((end - nowNanos()) / 1_000_000))))) }
    }

    func shutdown() {
        stopping = true
        loop.shutdown()
    }
}

/// `neuvo-bench parked`: server memory per parked long poll.
func runParked(_ arguments: Arguments) throws {
    let limit = raiseDescriptorLimit()
    let total = try arguments.int("connections", 19_800, 1...200_000)
    let clients = try arguments.int("clients", (total + 8_999) / 9_000, 1...64)
    let hold = try arguments.int("hold", 0, 0...600)
    let wait = 30
    let warmCount = min(100, total)
    say("== neuvo-bench parked: \(total) parked long polls (wait=\(wait)), \(clients) client process(es), "
        + "\(total) conversations (one per connection, one resident session); descriptor limit \(limit)")
    say("   host load (/proc/loadavg) at start: \(loadAverage())")

    let server = try ServerProcess()
    defer { server.stop(); server.removeFiles() }
    let pid = server.pid
    let fresh = readMemory(pid: pid)
    say("server fresh:           \(fresh)")

    let (cookie, ids) = try createConversations(port: server.port, count: total)
    let setupStart = nowNanos()
    let cursors = try fetchCursors(port: server.port, cookie: cookie, ids: ids)  // also warms the readers' page caches
    note(String(format: "read every conversation's cursor in %.1f s", Double(nowNanos() - setupStart) / 1e9))
    sleepMillis(500)
    let idle = readMemory(pid: pid)
    say("server after setup:     \(idle)")

    // Warm-up: ~100 parked polls held by this process.
    let holder = try ParkedHolder(port: server.port, ids: Array(ids[0..<warmCount]), cursors: Array(cursors[0..<warmCount]),
                                  cookie: cookie, wait: wait)
    defer { holder.shutdown() }
    let warmDeadline = nowNanos() + 30_000_000_000
    while holder.parked < warmCount && nowNanos() < warmDeadline { holder.pump(millis: 100) }
    guard holder.parked == warmCount else { throw BenchError("only \(holder.parked) of \(warmCount) warm-up polls parked") }
    holder.pump(millis: 1000)
    let before = readMemory(pid: pid)
    let parkedBefore = holder.parked
    say("server with \(parkedBefore) parked: \(before)")

    // The rest: worker processes.
    let idsFile = try writeIDsFile(ids)
    defer { try? FileManager.default.removeItem(atPath: idsFile) }
    let rest = total - warmCount
    let phaseStart = nowNanos()
    var stable = false
    var status = WorkerStatus()
    var workers: WorkerSet?
    if rest > 0 {
        let set = try WorkerSet(workers: clients, port: server.port, cookie: cookie, idsFile: idsFile, from: warmCount,
                                total: rest, wait: wait, maxSeconds: 900)
        workers = set
        let deadline = phaseStart + 180_000_000_000
        var lastPrint: UInt64 = 0
        while nowNanos() < deadline {
            holder.pump(millis: 200)
            guard server.process.isRunning else { throw BenchError("the server exited (status \(server.process.terminationStatus))") }
            status = set.total
            let now = nowNanos()
            if now - lastPrint >= 2_000_000_000 {
                lastPrint = now
                note("attempted \(status["attempted"])/\(rest), open \(status["open"]), parked \(status["parked"]), "
                     + "503 \(status["rejected"]), lost \(status["lostFirst"]), connect failures \(status["connectFailed"] + status["socketFailed"]), "
                     + "server fds \(countOpenFiles(pid: pid))")
            }
            if status["done"] == clients && status["open"] > 0 && status["parked"] == status["open"]
                && holder.parked == holder.open {
                stable = true
                break
            }
            if !set.allRunning { throw BenchError("a client worker exited early") }
        }
    }
    let settleSeconds = Double(nowNanos() - phaseStart) / 1e9
    holder.pump(millis: 1000)
    status = workers?.total ?? WorkerStatus()
    let after = readMemory(pid: pid)
    let parkedAfter = status["parked"] + holder.parked
    say("server with \(parkedAfter) parked: \(after)")
    holder.pump(millis: 3000)
    let after2 = readMemory(pid: pid)
    let status2 = workers?.total ?? WorkerStatus()
    let parkedAfter2 = status2["parked"] + holder.parked
    say("3 s later (\(parkedAfter2) parked): \(after2)")

    // Optionally keep holding through the polls' timeouts (they expire after `wait` s and are re-issued).
    var afterHold: MemoryReading?
    var parkedAfterHold = 0
    if hold > 0 {
        let holdEnd = nowNanos() + UInt64(hold) * 1_000_000_000
        var lastPrint: UInt64 = 0
        while nowNanos() < holdEnd {
            holder.pump(millis: 200)
            guard server.process.isRunning else { throw BenchError("the server exited (status \(server.process.terminationStatus))") }
            if nowNanos() - lastPrint >= 5_000_000_000 {
                lastPrint = nowNanos()
                let s = workers?.total ?? WorkerStatus()
                note("holding: open \(s["open"] + holder.open), parked \(s["parked"] + holder.parked), timeouts re-issued "
                     + "\(s["timeouts"] + holder.timeouts), dropped \(s["dropped"] + holder.dropped), server fds \(countOpenFiles(pid: pid))")
            }
        }
        // Let re-issued polls settle into their parks before reading.
        let settleEnd = nowNanos() + 10_000_000_000
        while nowNanos() < settleEnd {
            holder.pump(millis: 200)
            let s = workers?.total ?? WorkerStatus()
            if s["parked"] == s["open"] && holder.parked == holder.open { break }
        }
        afterHold = readMemory(pid: pid)
        parkedAfterHold = (workers?.total ?? WorkerStatus())["parked"] + holder.parked
        say("after holding \(hold) s more (\(parkedAfterHold) parked): \(afterHold!)")
    }

    let added = parkedAfter - parkedBefore
    func perParked(_ a: Int, _ b: Int) -> Double { added > 0 ? Double(a - b) / Double(added) : .nan }
    let rssPer = perParked(after.rssKiB, before.rssKiB)
    let anonPer = perParked(after.rssAnonKiB, before.rssAnonKiB)
    let pssPer = perParked(after.pssKiB, before.pssKiB)
    let dirtyPer = perParked(after.privateDirtyKiB, before.privateDirtyKiB)
    let rssPer2 = perParked(after2.rssKiB, before.rssKiB)
    let refused = status["rejected"] + status["lostFirst"]
    let failed = status["connectFailed"] + status["socketFailed"]

    // Stop the clients, then the server (which must answer nothing more and exit cleanly).
    let final = workers?.stop() ?? WorkerStatus()
    let holderDropped = holder.dropped, holderWakes = holder.wakes, holderErrors = holder.errors
    holder.shutdown()
    sleepMillis(500)
    let fdsAfterClients = countOpenFiles(pid: pid)
    let stopped = server.stop()
    let log = server.logSummary()

    say("")
    say("Parked long polls")
    say("  requested connections:     \(total) (\(warmCount) from the bench itself, \(rest) from \(clients) worker process(es))")
    say("  held parked (≥1 s, no answer): \(parkedAfter)   [\(stable ? "stable" : "NOT stable within 180 s")], reached in \(String(format: "%.1f", settleSeconds)) s")
    say("  refused by the server:     \(refused) (503 \(status["rejected"]), reset before an answer \(status["lostFirst"])); connect failures \(failed); other statuses \(status["otherStatus"])")
    say("  server open fds:           \(before.fds) with \(parkedBefore) parked → \(after.fds) with \(parkedAfter) parked (after setup, none parked: \(idle.fds))")
    say("  server VmRSS:              \(before.rssKiB) KiB → \(after.rssKiB) KiB (+\(after.rssKiB - before.rssKiB) KiB), 3 s later \(after2.rssKiB) KiB")
    say("  server RssAnon:            \(before.rssAnonKiB) KiB → \(after.rssAnonKiB) KiB; Pss \(before.pssKiB) → \(after.pssKiB) KiB; Private_Dirty \(before.privateDirtyKiB) → \(after.privateDirtyKiB) KiB")
    say(String(format: "  per parked request:        %.2f KiB VmRSS (%.2f KiB 3 s later), %.2f KiB RssAnon, %.2f KiB Pss, %.2f KiB Private_Dirty (over %d added)",
               rssPer, rssPer2, anonPer, pssPer, dirtyPer, added))
    say("  during the hold:           \(final["timeouts"] + holder.timeouts) polls timed out and were re-issued, \(final["wakes"] + holderWakes) woke with events (expect 0), "
        + "\(final["dropped"] + holderDropped) parked connections dropped by the server (expect 0), \(holderErrors + final["otherStatus"]) error answers")
    if let afterHold {
        say("  after holding \(hold) s more:    \(parkedAfterHold) parked, VmRSS \(afterHold.rssKiB) KiB, \(afterHold.fds) fds")
    }
    say("  server fds after clients left: \(fdsAfterClients); stop: exit status \(stopped.status) in \(String(format: "%.1f", stopped.seconds)) s\(stopped.clean ? "" : " (KILLED)")")
    say("  server stderr: \(log.lines) line(s)\(log.head.isEmpty ? "" : ": " + log.head.joined(separator: " | "))")

    let json: JSONField = .object([
        ("bench", .string("parked")), ("requested", .int(total)), ("clients", .int(clients)), ("conversations", .int(total)),
        ("wait_s", .int(wait)), ("held_parked", .int(parkedAfter)), ("held_parked_3s_later", .int(parkedAfter2)),
        ("stable", .bool(stable)), ("settle_s", .number(settleSeconds)),
        ("refused_503", .int(status["rejected"])), ("refused_reset", .int(status["lostFirst"])), ("connect_failed", .int(failed)),
        ("parked_before", .int(parkedBefore)),
        ("server_fds_idle", .int(idle.fds)), ("server_fds_before", .int(before.fds)), ("server_fds_after", .int(after.fds)),
        ("rss_fresh_kib", .int(fresh.rssKiB)), ("rss_idle_kib", .int(idle.rssKiB)),
        ("rss_before_kib", .int(before.rssKiB)), ("rss_after_kib", .int(after.rssKiB)), ("rss_after_3s_kib", .int(after2.rssKiB)),
        ("rss_anon_before_kib", .int(before.rssAnonKiB)), ("rss_anon_after_kib", .int(after.rssAnonKiB)),
        ("pss_before_kib", .int(before.pssKiB)), ("pss_after_kib", .int(after.pssKiB)),
        ("private_dirty_before_kib", .int(before.privateDirtyKiB)), ("private_dirty_after_kib", .int(after.privateDirtyKiB)),
        ("kib_per_parked_rss", .number(rssPer)), ("kib_per_parked_rss_3s", .number(rssPer2)),
        ("kib_per_parked_anon", .number(anonPer)), ("kib_per_parked_pss", .number(pssPer)),
        ("kib_per_parked_private_dirty", .number(dirtyPer)),
        ("timeouts_reissued", .int(final["timeouts"] + holder.timeouts)), ("unexpected_wakes", .int(final["wakes"] + holderWakes)),
        ("dropped_by_server", .int(final["dropped"] + holderDropped)),
        ("hold_s", .int(hold)), ("parked_after_hold", .int(parkedAfterHold)), ("rss_after_hold_kib", .int(afterHold?.rssKiB ?? -1)),
        ("server_threads", .int(after.threads)), ("server_exit_status", .int(Int(stopped.status))),
        ("server_stop_s", .number(stopped.seconds)), ("server_log_lines", .int(log.lines)),
    ])
    say(json.text)
}
