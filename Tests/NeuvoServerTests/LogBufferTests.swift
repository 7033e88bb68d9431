import Foundation
@testable import NeuvoServer
import Testing

/// The batched standard-error log: whole lines, in order, nothing kept back from an operator
/// who needs it (warnings, errors, stop) and nothing left waiting for long.
struct LogBufferTests {
    /// A temporary file the buffer writes to; `text()` is what has been written so far.
    final class LogFile {
        let path = NSTemporaryDirectory() + "neuvo-log-\(UUID().uuidString)"
        let write: Int32
        init() throws {
            write = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
            guard write >= 0 else { throw POSIXError(.EIO) }
        }
        func text() -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        deinit {
            close(write)
            unlink(path)
        }
    }

    @Test func infoLinesWaitForTheBatchAndAWarningTakesThemAlong() throws {
        let file = try LogFile()
        let logger = Logger(level: .info, buffer: LogBuffer(fd: file.write, delay: .seconds(3600)))
        logger.log(.info, "first")
        logger.log(.debug, "below the level")
        logger.log(.info, "second")
        #expect(file.text() == "", "info lines wait for their batch")
        logger.log(.warning, "trouble")
        let lines = file.text().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.map { $0.split(separator: " ", maxSplits: 2).dropFirst().joined(separator: " ") }
                == ["info first", "info second", "warning trouble"])
        logger.log(.info, "at stop")
        logger.flush()
        #expect(file.text().hasSuffix(" info at stop\n"))
    }

    @Test func aFullBatchIsWrittenWithoutWaiting() throws {
        let file = try LogFile()
        let buffer = LogBuffer(fd: file.write, delay: .seconds(3600))
        let line = String(repeating: "x", count: 999)
        for _ in 0..<(LogBuffer.limit / 1000) { buffer.append(line) }
        #expect(file.text() == "")
        buffer.append(line)
        #expect(file.text() == String(repeating: line + "\n", count: LogBuffer.limit / 1000 + 1))
    }

    @Test func aLoneLineIsWrittenAfterTheDelay() async throws {
        let file = try LogFile()
        let buffer = LogBuffer(fd: file.write, delay: .milliseconds(20))
        buffer.append("alone")
        var waited = 0
        while file.text().isEmpty && waited < 10_000 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 10
        }
        #expect(file.text() == "alone\n")
    }

    @Test func linesFromManyThreadsArriveWholeAndInEachThreadsOrder() async throws {
        let file = try LogFile()
        let buffer = LogBuffer(fd: file.write, delay: .milliseconds(1))
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<8 {
                group.addTask { for n in 0..<500 { buffer.append("t\(thread) n\(n) " + String(repeating: "y", count: 40)) } }
            }
        }
        buffer.flush()
        let lines = file.text().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 8 * 500)
        var next = [Int](repeating: 0, count: 8)
        for line in lines {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let t = Int(parts[0].dropFirst()), let n = Int(parts[1].dropFirst()), parts[2].count == 40 else {
                Issue.record("a torn line: \(line)")
                return
            }
            #expect(n == next[t])
            next[t] = n + 1
        }
    }
}
