import Foundation
import Glibc

/// The hidden `_worker` subcommand: holds `count` keep-alive connections, one per
/// conversation of lines `from..<from+count` of the ids file, each with a long
/// poll re-issued whenever it returns (the first poll, `after=0`, returns the
/// history at once and yields the cursor; the next one parks). Reports
/// `STATUS k=v ...` on stdout every 250 ms; stops on `stop`/EOF on stdin or
/// after `--max-seconds`, then prints `FINAL ...`.
func runWorker(_ arguments: Arguments) throws {
    raiseDescriptorLimit()
    let port = try arguments.int("port", 0, 1...65535)
    guard let cookie = arguments.string("cookie"), let idsFile = arguments.string("ids") else {
        throw BenchError("_worker needs --cookie and --ids")
    }
    let from = try arguments.int("from", 0, 0...10_000_000)
    let count = try arguments.int("count", 0, 0...1_000_000)
    let wait = try arguments.int("wait", 30, 1...30)
    let maxSeconds = try arguments.int("max-seconds", 600, 1...3600)
    let burst = try arguments.int("burst", 128, 1...10_000)
    let allIDs = try String(contentsOfFile: idsFile, encoding: .utf8).split(separator: "\n").map(String.init)
    guard from + count <= allIDs.count else { throw BenchError("_worker: ids file has \(allIDs.count) lines, need \(from + count)") }
    let ids = Array(allIDs[from..<(from + count)])

    let loop = try ClientLoop(port: port)
    var connections: [ClientConnection] = []
    connections.reserveCapacity(count)
    var next = 0                // next conversation to connect
    var inProgress = 0          // connecting, or waiting for the first (immediate) answer
    var connectFailed = 0, socketFailed = 0, rejected = 0, otherStatus = 0
    var responses = 0, timeouts = 0, wakes = 0, dropped = 0, lostFirst = 0
    var closeReasons: [CloseReason: Int] = [:]
    var lastResponse = nowNanos()
    var firstError: String?
    var stopping = false
    let started = nowNanos()
    let deadline = started + UInt64(maxSeconds) * 1_000_000_000

    func issue(_ c: ClientConnection) {
        loop.send(c, Requests.events(ids[c.tag], after: c.cursor, wait: wait, cookie: cookie))
    }
    loop.onConnect = { c in issue(c) }
    loop.onResponse = { c, response in
        responses += 1
        lastResponse = nowNanos()
        let first = c.requests == 1
        if first { inProgress -= 1 }
        guard response.status == 200, let cursor = response.integer(after: "next") else {
            if response.status == 503 { rejected += 1 } else {
                otherStatus += 1
                if firstError == nil { firstError = "status \(response.status): \(response.bodyText.prefix(200))" }
            }
            if !response.closes { loop.close(c) }
            return
        }
        if !first {
            if cursor == c.cursor { timeouts += 1 } else { wakes += 1 }
        }
        c.cursor = cursor
        if !stopping && !response.closes { issue(c) }
    }
    loop.onClose = { c, reason, error in
        closeReasons[reason, default: 0] += 1
        if reason == .local || reason == .afterResponse { return }
        if c.requests <= 1 && c.awaiting || reason == .connectFailed {
            // Never got its first answer: a refusal at the door (503 lost to a reset, or connect failure).
            if reason == .connectFailed { connectFailed += 1 } else { lostFirst += 1 }
            if c.requests <= 1 { inProgress -= 1 }
        } else {
            dropped += 1
        }
        if firstError == nil { firstError = "connection closed: \(reason.rawValue) errno \(error)" }
    }
    loop.watch(fd: 0) {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n <= 0 || String(decoding: buffer[0..<max(0, n)], as: UTF8.self).contains("stop") { stopping = true }
    }

    func status(_ label: String) -> String {
        let now = nowNanos()
        var awaiting = 0, parked = 0
        for c in connections where c.state == .open && c.awaiting {
            awaiting += 1
            if now - c.sentAt >= 1_000_000_000 { parked += 1 }
        }
        let done = next >= count && inProgress == 0 ? 1 : 0
        var text = "\(label) target=\(count) attempted=\(next) open=\(loop.openCount) awaiting=\(awaiting) parked=\(parked)"
            + " inProgress=\(inProgress) connectFailed=\(connectFailed) socketFailed=\(socketFailed) rejected=\(rejected)"
            + " lostFirst=\(lostFirst) otherStatus=\(otherStatus) responses=\(responses) timeouts=\(timeouts) wakes=\(wakes)"
            + " dropped=\(dropped) lastResponseAgoMs=\((now - lastResponse) / 1_000_000) done=\(done)"
        for (reason, n) in closeReasons { text += " close_\(reason.rawValue)=\(n)" }
        return text
    }

    var lastReport: UInt64 = 0
    while !stopping && nowNanos() < deadline {
        while next < count && inProgress < burst {
            let (connection, error) = loop.connect(tag: next)
            next += 1
            if let connection {
                connections.append(connection)
                inProgress += 1
            } else {
                socketFailed += 1
                if firstError == nil { firstError = "socket/connect failed: errno \(error) (\(String(cString: strerror(error))))" }
            }
        }
        loop.poll(timeoutMillis: 50)
        let now = nowNanos()
        if now - lastReport >= 250_000_000 {
            lastReport = now
            say(status("STATUS"))
        }
    }
    stopping = true
    say(status("FINAL"))
    if let firstError { FileHandle.standardError.write(Data("[worker \(getpid())] first problem: \(firstError)\n".utf8)) }
    loop.onClose = { _, _, _ in }
    loop.closeAll()
}
