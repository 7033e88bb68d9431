import Glibc

/// A point in time as milliseconds since the Unix epoch (UTC), as stored.
public struct Timestamp: Sendable, Equatable, Comparable, Hashable {
    public let millis: Int64

    public init(millis: Int64) { self.millis = millis }

    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millis < b.millis }

    /// RFC 3339 in UTC with milliseconds: `2026-11-23T12:00:00.000Z`.
    public var rfc3339: String {
        var seconds = time_t(millis / 1000)
        var tm = Glibc.tm()
        gmtime_r(&seconds, &tm)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))T"
            + "\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }
}
