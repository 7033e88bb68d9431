import Foundation
import Glibc
import Synchronization

// MARK: - Errors and arguments

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `--name value` flags after the subcommand; unknown flags are an error.
struct Arguments {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>, allowed: Set<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard flag.hasPrefix("--"), allowed.contains(String(flag.dropFirst(2))) else {
                throw BenchError("unknown option \(flag)\n\n\(benchUsage)")
            }
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            values[String(flag.dropFirst(2))] = value
        }
    }

    func int(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw BenchError("--\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), got \(text)")
        }
        return value
    }

    func double(_ name: String, _ fallback: Double, _ range: ClosedRange<Double>) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text), range.contains(value) else {
            throw BenchError("--\(name) must be a number in \(range.lowerBound)...\(range.upperBound), got \(text)")
        }
        return value
    }

    func string(_ name: String) -> String? { values[name] }
}

// MARK: - Time

/// Monotonic nanoseconds.
@inline(__always) func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

@inline(__always) func millis(_ nanos: UInt64) -> Double { Double(nanos) / 1_000_000 }

func sleepMillis(_ ms: Int) { usleep(UInt32(ms * 1000)) }

// MARK: - Process environment

/// Lifts the soft descriptor limit to the hard one; returns the new soft limit.
@discardableResult
func raiseDescriptorLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    return Int(limit.rlim_cur)
}

/// The bench executable's own path.
func benchExecutable() -> String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
}

/// The `neuvo` executable beside this one.
func neuvoExecutable() throws -> String {
    let path = URL(fileURLWithPath: benchExecutable()).deletingLastPathComponent().appendingPathComponent("neuvo").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw BenchError("\(path) not found; build it with `swift build -c release --product neuvo`")
    }
    return path
}

/// The checkout: the nearest ancestor of the bench binary holding Package.swift and Migrations/.
func repositoryFolder() throws -> String {
    let fm = FileManager.default
    var folder = URL(fileURLWithPath: benchExecutable()).deletingLastPathComponent()
    for _ in 0..<10 {
        if fm.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
           fm.fileExists(atPath: folder.appendingPathComponent("Migrations").path) {
            return folder.path
        }
        folder.deleteLastPathComponent()
    }
    throw BenchError("cannot find the checkout (Package.swift + Migrations/) above \(benchExecutable())")
}

/// A fresh temporary path (not created) for this process.
func temporaryPath(_ stem: String, _ suffix: String) -> String {
    let folder = NSTemporaryDirectory()
    let slash = folder.hasSuffix("/") ? "" : "/"
    return "\(folder)\(slash)neuvo-bench-\(stem)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))\(suffix)"
}

/// Removes a SQLite database and its -wal/-shm companions.
func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

// MARK: - /proc readings

struct MemoryReading: CustomStringConvertible {
    var rssKiB = 0
    var rssAnonKiB = 0
    var hwmKiB = 0
    var pssKiB = 0
    var privateCleanKiB = 0
    var privateDirtyKiB = 0
    var threads = 0
    var fds = 0

    var description: String {
        "VmRSS \(rssKiB) KiB (anon \(rssAnonKiB)), Pss \(pssKiB) KiB, Private_Dirty \(privateDirtyKiB) KiB, "
            + "threads \(threads), open fds \(fds)"
    }
}

/// `Key:   123 kB` lines of a /proc file.
func procFields(_ path: String) -> [String: Int] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
    var out: [String: Int] = [:]
    for line in text.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let key = String(line[..<colon])
        let number = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        if let number { out[key] = number }
    }
    return out
}

func countOpenFiles(pid: Int32) -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
}

func readMemory(pid: Int32) -> MemoryReading {
    let status = procFields("/proc/\(pid)/status")
    let rollup = procFields("/proc/\(pid)/smaps_rollup")
    var m = MemoryReading()
    m.rssKiB = status["VmRSS"] ?? -1
    m.rssAnonKiB = status["RssAnon"] ?? -1
    m.hwmKiB = status["VmHWM"] ?? -1
    m.threads = status["Threads"] ?? -1
    m.pssKiB = rollup["Pss"] ?? -1
    m.privateCleanKiB = rollup["Private_Clean"] ?? -1
    m.privateDirtyKiB = rollup["Private_Dirty"] ?? -1
    m.fds = countOpenFiles(pid: pid)
    return m
}

/// (user, system) CPU seconds a process has used so far.
func cpuSeconds(pid: Int32) -> (user: Double, system: Double) {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return (0, 0) }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command: state is field 3, utime 14, stime 15 (1-based in proc(5)).
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return (0, 0) }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (user / ticks, system / ticks)
}

/// CPU seconds (user + system) per thread (`comm#tid`) of a process.
func threadCPU(pid: Int32) -> [String: Double] {
    var out: [String: Double] = [:]
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    guard let tids = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return out }
    for tid in tids {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
              let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { continue }
        let name = String(text[text.index(after: open)..<close]) + "#" + tid
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        out[name, default: 0] += (user + system) / ticks
    }
    return out
}

/// Per-thread CPU used between two `threadCPU` readings, busiest first, as text.
func threadCPUText(_ before: [String: Double], _ after: [String: Double], over seconds: Double) -> String {
    after.map { ($0.key, $0.value - (before[$0.key] ?? 0)) }
        .filter { $0.1 > 0.005 }
        .sorted { $0.1 > $1.1 }
        .prefix(8)
        .map { String(format: "%@ %.2f s (%.0f%%)", $0.0, $0.1, 100 * $0.1 / seconds) }
        .joined(separator: ", ")
}

/// The 1-minute load average and the number of running tasks (from /proc/loadavg).
func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines)
}

// MARK: - Statistics

struct Percentiles {
    var count = 0
    var p50 = 0.0, p90 = 0.0, p99 = 0.0, max = 0.0, min = 0.0, mean = 0.0

    /// Nearest-rank percentiles of `samples` (milliseconds).
    init(_ samples: [Double]) {
        guard !samples.isEmpty else { return }
        let sorted = samples.sorted()
        func rank(_ p: Double) -> Double {
            let index = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        count = sorted.count
        p50 = rank(50); p90 = rank(90); p99 = rank(99)
        max = sorted.last!; min = sorted.first!
        mean = sorted.reduce(0, +) / Double(sorted.count)
    }

    var text: String {
        count == 0 ? "no samples"
            : String(format: "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (min %.2f, mean %.2f, n=%d)",
                     p50, p90, p99, max, min, mean, count)
    }

    var json: JSONField {
        .object([("n", .int(count)), ("p50_ms", .number(p50)), ("p90_ms", .number(p90)), ("p99_ms", .number(p99)),
                 ("max_ms", .number(max)), ("min_ms", .number(min)), ("mean_ms", .number(mean))])
    }
}

// MARK: - JSON output (ordered keys)

indirect enum JSONField {
    case int(Int)
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONField])
    case object([(String, JSONField)])

    var text: String {
        switch self {
        case .int(let v): return String(v)
        case .number(let v): return v.isFinite ? String(format: "%.3f", v) : "null"
        case .string(let s): return JSONField.quote(s)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let pairs): return "{" + pairs.map { JSONField.quote($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// Prints and flushes a line at once (stdout may be a pipe).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func note(_ text: String) {
    FileHandle.standardError.write(Data("[neuvo-bench] \(text)\n".utf8))
}

// MARK: - Small helpers

/// A lowercase UUID v4 string.
func uuidV4() -> String { UUID().uuidString.lowercased() }

/// Runs async `body` to completion from synchronous code.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = LockedBox<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { let value = try await body(); box.withLock { $0 = .success(value) } } catch { box.withLock { $0 = .failure(error) } }
        done.signal()
    }
    done.wait()
    return try box.withLock { $0! }.get()
}
