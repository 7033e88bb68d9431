import Foundation
import Glibc

/// One pick of the queue bench. Times are monotonic ns.
private struct PickSample {
    /// When the pick was due by the schedule; latency counts from here, so a pick
    /// held up behind a slow one is not flattered (no coordinated omission).
    var due: UInt64 = 0
    var sent: UInt64 = 0
    var answered: UInt64 = 0
    var status = 0
    var pickedID = ""
}

/// One answer a waiting resident's poll brought: when, and the position it said (0: no longer waiting).
private struct PositionSeen {
    var at: UInt64
    var position: Int
}

/// `neuvo-bench queue`: residents waiting in one or two work queues, each holding the
/// resident page's long poll with the position and estimate it last saw, while a
/// nurse picks the next case at a steady rate.
func runQueue(_ arguments: Arguments) throws {
    let limit = raiseDescriptorLimit()
    let waiting = try arguments.int("waiting", 1_000, 1...18_000)
    let queues = try arguments.int("queues", 1, 1...2)
    let rate = try arguments.double("picks-per-second", 1, 0.1...50)
    let picks = try arguments.int("picks", 20, 1...10_000)
    guard picks < waiting else { throw BenchError("--picks must be fewer than --waiting") }
    let wait = 25
    say("== neuvo-bench queue: \(waiting) residents waiting in \(queues) queue(s), \(picks) picks at \(rate)/s; descriptor limit \(limit)")
    say("   host load (/proc/loadavg) at start: \(loadAverage())")

    let database = try prepareQueueDatabase()
    let server = try ServerProcess(database: database)
    defer { server.stop(); server.removeFiles() }
    var residents = try queueResidents(port: server.port, count: waiting, queues: queues)
    let proCookie = try startBenchShift(port: server.port, queues: queues)
    // The first poll of each resident was answered before the shift began; take the estimates of now.
    try runBatch(port: server.port, count: waiting, parallel: 64, timeoutSeconds: 600,
                 make: { i in residentPoll(residents[i], wait: 0) },
                 done: { i, response in if let key = response.strings(after: "key").last { residents[i].estimate = key } })

    // Every resident holds a long poll on a connection of their own.
    let loop = try ClientLoop(port: server.port)
    var seen = [[PositionSeen]](repeating: [], count: waiting)
    var answers = 0, nothingNew = 0, errors = 0, stopping = false
    loop.onConnect = { c in loop.send(c, residentPoll(residents[c.tag], wait: wait)) }
    loop.onResponse = { c, response in
        let now = nowNanos()
        let i = c.tag
        guard response.status == 200, let next = response.integer(after: "next") else {
            errors += 1
            if errors <= 5 { note("resident poll answered \(response.status): \(response.bodyText.prefix(200))") }
            return
        }
        answers += 1
        let position = response.integer(after: "position").map(Int.init) ?? 0
        if next != residents[i].cursor || position != residents[i].position {
            seen[i].append(PositionSeen(at: now, position: position))
        } else {
            nothingNew += 1
        }
        residents[i].cursor = next
        residents[i].position = position
        if let key = response.strings(after: "key").last { residents[i].estimate = key }
        if !stopping && !response.closes { loop.send(c, residentPoll(residents[i], wait: wait)) }
    }
    loop.onClose = { c, reason, error in
        guard reason != .local else { return }
        errors += 1
        note("resident connection \(c.tag) closed: \(reason.rawValue) errno \(error)")
    }
    var connections: [ClientConnection] = []
    for i in 0..<waiting {
        let (c, error) = loop.connect(tag: i)
        guard let c else { throw BenchError("cannot connect: errno \(error)") }
        connections.append(c)
    }
    let parkDeadline = nowNanos() + 120_000_000_000
    func parkedCount() -> Int {
        let now = nowNanos()
        return connections.reduce(0) { $0 + ($1.state == .open && $1.awaiting && now - $1.sentAt >= 1_000_000_000 ? 1 : 0) }
    }
    while parkedCount() < waiting && nowNanos() < parkDeadline { loop.poll(timeoutMillis: 50) }
    guard parkedCount() == waiting else { throw BenchError("only \(parkedCount()) of \(waiting) polls parked") }
    let pid = server.pid
    say("\(waiting) polls parked; server: \(readMemory(pid: pid))")
    answers = 0
    nothingNew = 0
    seen = [[PositionSeen]](repeating: [], count: waiting)

    // The nurse picks on a thread of its own, so the residents' traffic cannot delay the reading of its answers.
    let samples = LockedBox([PickSample](repeating: PickSample(), count: picks))
    let pickerDone = LockedBox(false)
    let port = server.port
    let cpuBefore = cpuSeconds(pid: pid)
    let phaseStart = nowNanos()
    let picker = Thread {
        defer { pickerDone.withLock { $0 = true } }
        guard let pickLoop = try? ClientLoop(port: port) else { return }
        var next = 0
        func send(_ c: ClientConnection) {
            let due = phaseStart + UInt64(Double(next) / rate * 1e9)
            while nowNanos() < due { pickLoop.poll(timeoutMillis: Int32(max(1, min(20, Int((due - nowNanos()) / 1_000_000))))) }
            samples.withLock { $0[next].due = due; $0[next].sent = nowNanos() }
            pickLoop.send(c, proPost(port: port, "/api/v1/pro/pick", cookie: proCookie, json: "{}"))
        }
        pickLoop.onConnect = { c in send(c) }
        pickLoop.onResponse = { c, response in
            let now = nowNanos()
            samples.withLock { $0[next].answered = now; $0[next].status = response.status; $0[next].pickedID = response.strings(after: "id").first ?? "" }
            next += 1
            if next < picks { send(c) }
        }
        _ = pickLoop.connect(tag: 0)
        while next < picks && nowNanos() - phaseStart < UInt64((Double(picks) / rate + 60) * 1e9) { pickLoop.poll(timeoutMillis: 20) }
        pickLoop.shutdown()
    }
    picker.start()
    while !pickerDone.withLock({ $0 }) { loop.poll(timeoutMillis: 10) }
    // Let the last pick's news reach everyone (at most 30 s).
    let drainEnd = nowNanos() + 30_000_000_000
    var lastAnswer = nowNanos()
    let answersAtPickEnd = answers
    while nowNanos() < drainEnd {
        let before = answers
        loop.poll(timeoutMillis: 50)
        if answers != before { lastAnswer = nowNanos() } else if nowNanos() - lastAnswer > 2_000_000_000 { break }
    }
    let phaseEnd = lastAnswer
    let cpuAfter = cpuSeconds(pid: pid)
    stopping = true
    loop.shutdown()
    let memory = readMemory(pid: pid)

    let report = QueueReport(residents: residents, seen: seen, picks: samples.withLock { $0 }, queues: queues)
    let cpu = (cpuAfter.user + cpuAfter.system) - (cpuBefore.user + cpuBefore.system)
    let wall = Double(phaseEnd - phaseStart) / 1e9
    // A pick never answered counts as taking the whole phase.
    let pickLatency = Percentiles(report.picks.map { millis(($0.answered > 0 ? $0.answered : phaseEnd) - $0.due) })
    let done = max(1, report.picks.filter { $0.status == 200 }.count)
    let lag = Percentiles(report.lags)
    say("picks: \(report.picks.filter { $0.status == 200 }.count) of \(picks) answered 200 (\(report.picks.filter { $0.answered == 0 }.count) unanswered); "
        + "pick request from its due time \(pickLatency.text)")
    say(String(format: "server CPU: %.2f s over %.1f s (%.0f%% of one core), %.1f ms per pick done, %.2f µs per pick per waiting resident",
               cpu, wall, cpu / wall * 100, cpu / Double(done) * 1000, cpu / Double(done) / Double(waiting) * 1e6))
    say(String(format: "resident answers: %d (%.0f per pick; %d after the last pick; %d with nothing new, 25 s expiries included), errors %d",
               answers, Double(answers) / Double(done), answers - answersAtPickEnd, nothingNew, errors))
    say("new position reached a waiting resident after the pick: \(lag.text)")
    say("last resident updated per pick: \(Percentiles(report.lastUpdated).text)")
    say("residents never shown a pick: \(report.missed); positions skipped: \(report.skipped); wrong order: \(report.wrongOrder)")
    say("server after: \(memory)")
    say(String(format: "| %d | %d | %.0f ms | %.0f | %.1f / %.1f ms | %.0f / %.0f ms | %d of %d |",
               waiting, queues, cpu / Double(done) * 1000, Double(answers) / Double(done), pickLatency.p50, pickLatency.p99,
               lag.p99, Percentiles(report.lastUpdated).max, report.picks.filter { $0.status == 200 }.count, picks))
}

/// What the residents saw, checked against the queue's true order.
private struct QueueReport {
    let picks: [PickSample]
    /// Per (pick, waiting resident of its queue): ms from the pick's sending until the resident saw a position at least that fresh.
    var lags: [Double] = []
    /// Per pick: ms until the last waiting resident of its queue saw it.
    var lastUpdated: [Double] = []
    var missed = 0, skipped = 0, wrongOrder = 0

    init(residents: [QueuedResident], seen: [[PositionSeen]], picks: [PickSample], queues: Int) {
        self.picks = picks
        let byID = Dictionary(uniqueKeysWithValues: residents.enumerated().map { ($1.id, $0) })
        var picksIn = [Int](repeating: 0, count: queues)
        for pick in picks where pick.status == 200 {
            guard let picked = byID[pick.pickedID] else { wrongOrder += 1; continue }
            let queue = residents[picked].queue
            if residents[picked].index != picksIn[queue] { wrongOrder += 1 }
            picksIn[queue] += 1
            let m = picksIn[queue]
            var last = 0.0
            for (i, resident) in residents.enumerated() where resident.queue == queue && resident.index >= m {
                let expected = resident.index - m + 1
                if let first = seen[i].first(where: { $0.at >= pick.sent && $0.position > 0 && $0.position <= expected }) {
                    let ms = millis(first.at - pick.sent)
                    lags.append(ms)
                    last = max(last, ms)
                } else {
                    missed += 1
                }
            }
            lastUpdated.append(last)
        }
        for (i, history) in seen.enumerated() {
            var previous = residents[i].index + 1
            for answer in history where answer.position > 0 {
                if previous - answer.position > 1 { skipped += 1 }
                previous = answer.position
            }
        }
    }
}
