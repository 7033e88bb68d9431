import Glibc
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

    public init(level: Level, sink: @escaping @Sendable (String) -> Void = Logger.standardError) {
        self.level = level
        self.sink = sink
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        // One write(2) per line, so lines from different threads never interleave.
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level >= self.level else { return }
        sink("\(Timestamp.now().rfc3339) \(level) \(message())")
    }

    public func request(_ entry: RequestLog) {
        log(entry.status >= 500 ? .error : .info,
            "request \(entry.method) \(entry.template) \(entry.status) \(entry.durationMillis)ms")
    }
}
