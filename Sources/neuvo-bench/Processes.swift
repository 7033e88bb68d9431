import Foundation
import Glibc
import Synchronization

/// Reads `fd` line by line on its own thread until EOF, handing each line to `handler`.
func startLineReader(fd: Int32, name: String, handler: @escaping @Sendable (String) -> Void) {
    let thread = Thread {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: 10) {
                handler(String(decoding: pending[0..<newline], as: UTF8.self))
                pending.removeFirst(newline + 1)
            }
        }
        if !pending.isEmpty { handler(String(decoding: pending, as: UTF8.self)) }
    }
    thread.name = name
    thread.start()
}

/// Waits up to `seconds` for `process` to exit; true if it did.
func waitForExit(_ process: Process, seconds: Double) -> Bool {
    let deadline = nowNanos() + UInt64(seconds * 1e9)
    while process.isRunning {
        if nowNanos() > deadline { return false }
        sleepMillis(20)
    }
    return true
}

// MARK: - The server under test

/// `neuvo serve` as a child process on a fresh temporary database.
final class ServerProcess {
    let process = Process()
    let databasePath: String
    let logPath: String
    private(set) var port = 0
    var pid: Int32 { process.processIdentifier }

    /// Starts `neuvo serve` on `database` (default: a new temporary file).
    init(database: String? = nil) throws {
        let neuvo = try neuvoExecutable()
        let repo = try repositoryFolder()
        databasePath = database ?? temporaryPath("db", ".sqlite")
        logPath = temporaryPath("server", ".log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: neuvo)
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--db", databasePath,
                             "--migrations", repo + "/Migrations", "--public", repo + "/Public", "--log-level", "warning",
                             "--public-url", "http://127.0.0.1"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardInput = FileHandle.nullDevice
        let ready = DispatchSemaphore(value: 0)
        let found = LockedBox<Int>(0)
        try process.run()
        let readFD = stdout.fileHandleForReading.fileDescriptor
        startLineReader(fd: readFD, name: "server-stdout") { line in
            let prefix = "neuvo listening on http://127.0.0.1:"
            if line.hasPrefix(prefix), let port = Int(line.dropFirst(prefix.count)) {
                found.withLock { $0 = port }
                ready.signal()
            }
        }
        if ready.wait(timeout: .now() + 30) == .timedOut {
            process.terminate()
            throw BenchError("neuvo did not report its port within 30 s; log: \(logPath)")
        }
        port = found.withLock { $0 }
        note("server pid \(pid) on port \(port), db \(databasePath)")
    }

    /// SIGTERM, then waits (up to 40 s, then SIGKILL). Returns (exit status, seconds taken, clean).
    @discardableResult
    func stop() -> (status: Int32, seconds: Double, clean: Bool) {
        guard process.isRunning else { return (process.terminationStatus, 0, true) }
        let start = nowNanos()
        kill(pid, SIGTERM)
        var clean = waitForExit(process, seconds: 40)
        if !clean {
            note("server did not stop within 40 s of SIGTERM; killing it")
            kill(pid, SIGKILL)
            _ = waitForExit(process, seconds: 10)
            clean = false
        }
        return (process.terminationStatus, Double(nowNanos() - start) / 1e9, clean)
    }

    /// The server's stderr (warnings and errors): line count and the first lines.
    func logSummary(maxLines: Int = 8) -> (lines: Int, head: [String]) {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return (0, []) }
        let lines = text.split(separator: "\n").map(String.init)
        return (lines.count, Array(lines.prefix(maxLines)))
    }

    func removeFiles() {
        removeDatabase(databasePath)
        try? FileManager.default.removeItem(atPath: logPath)
    }
}

// MARK: - Client worker processes

/// A value behind a lock, shareable by reference between threads.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// What a worker last reported (`STATUS k=v ...` lines).
struct WorkerStatus {
    var fields: [String: Int] = [:]
    subscript(_ key: String) -> Int { fields[key] ?? 0 }
}

/// Client worker processes: the bench binary re-run with the hidden `_worker` subcommand.
final class WorkerSet {
    private var processes: [Process] = []
    private var stdins: [FileHandle] = []
    private let statuses: LockedBox<[WorkerStatus]>
    private let finals: LockedBox<[WorkerStatus?]>
    let count: Int

    /// Splits `ids[from..<from+total]` across `workers` processes.
    init(workers: Int, port: Int, cookie: String, idsFile: String, from: Int, total: Int, wait: Int,
         maxSeconds: Int, burst: Int = 128) throws {
        count = workers
        statuses = LockedBox(Array(repeating: WorkerStatus(), count: workers))
        finals = LockedBox(Array(repeating: nil, count: workers))
        let exe = benchExecutable()
        var start = from
        for index in 0..<workers {
            let share = total / workers + (index < total % workers ? 1 : 0)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: exe)
            process.arguments = ["_worker", "--port", String(port), "--cookie", cookie, "--ids", idsFile,
                                 "--from", String(start), "--count", String(share), "--wait", String(wait),
                                 "--max-seconds", String(maxSeconds), "--burst", String(burst)]
            start += share
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            processes.append(process)
            stdins.append(input.fileHandleForWriting)
            let statuses = self.statuses, finals = self.finals
            startLineReader(fd: output.fileHandleForReading.fileDescriptor, name: "worker-\(index)") { line in
                let isFinal = line.hasPrefix("FINAL ")
                guard line.hasPrefix("STATUS ") || isFinal else {
                    if !line.isEmpty { note("worker \(index): \(line)") }
                    return
                }
                var status = WorkerStatus()
                for pair in line.split(separator: " ").dropFirst() {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    if kv.count == 2, let value = Int(kv[1]) { status.fields[String(kv[0])] = value }
                }
                statuses.withLock { $0[index] = status }
                if isFinal { finals.withLock { $0[index] = status } }
            }
        }
        note("started \(workers) client worker process(es): \(processes.map { String($0.processIdentifier) }.joined(separator: ", "))")
    }

    var latest: [WorkerStatus] { statuses.withLock { $0 } }

    /// Field-wise sum over workers (for `lastResponseAgoMs`: the minimum).
    var total: WorkerStatus {
        var sum = WorkerStatus()
        for status in latest {
            for (key, value) in status.fields {
                if key == "lastResponseAgoMs" {
                    sum.fields[key] = min(sum.fields[key] ?? Int.max, value)
                } else {
                    sum.fields[key, default: 0] += value
                }
            }
        }
        return sum
    }

    var allRunning: Bool { processes.allSatisfy(\.isRunning) }

    /// Tells every worker to close its connections and exit; waits for their final reports.
    func stop() -> WorkerStatus {
        for handle in stdins {
            try? handle.write(contentsOf: Data("stop\n".utf8))
            try? handle.close()
        }
        for process in processes where !waitForExit(process, seconds: 30) {
            note("worker \(process.processIdentifier) did not exit; killing it")
            kill(process.processIdentifier, SIGKILL)
            _ = waitForExit(process, seconds: 5)
        }
        sleepMillis(100)  // let the reader threads take the last lines
        var sum = WorkerStatus()
        for status in finals.withLock({ $0 }).map({ $0 ?? WorkerStatus() }) {
            for (key, value) in status.fields where key != "lastResponseAgoMs" { sum.fields[key, default: 0] += value }
        }
        return sum
    }
}
