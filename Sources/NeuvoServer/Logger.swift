import NeuvoClinic
import NeuvoHTTP

/// One-line logs to standard error. Request lines carry the method, the route
/// template, the status and the duration: never a body, a query string, a raw
/// path or a header, since those may hold health data or secrets.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        public init?(name: String) {
            switch name.lowercased() {
            case "debug": self = .debug
            case "info": self = .info
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }
    }

    public let level: Level
    private let sink: @Sendable (String) -> Void
    private let flushSink: @Sendable () -> Void

    /// Lines go to `sink` as they come (tests collect them so).
    public init(level: Level, sink: @escaping @Sendable (String) -> Void) {
        self.level = level
        self.sink = sink
        flushSink = {}
    }

    /// Lines go to `buffer` in batches; warnings and errors are written at once.
    public init(level: Level, buffer: LogBuffer = .standardError) {
        self.level = level
        sink = { buffer.append($0) }
        flushSink = { buffer.flush() }
    }

    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= self.level else { return }
        sink("\(Timestamp.now().rfc3339) \(level) \(message())")
        // An operator watching for trouble sees it now, not with the next batch.
        if level >= .warning { flushSink() }
    }

    /// Writes any lines still waiting in the batch (at stop).
    public func flush() { flushSink() }

    public func request(_ entry: RequestLog) {
        log(entry.status >= 500 ? .error : .info,
            "request \(entry.method) \(entry.template) \(entry.status) \(entry.durationMillis)ms")
    }
}
