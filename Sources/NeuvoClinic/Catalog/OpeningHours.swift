import Foundation

/// When a work queue is staffed, per weekday, in Finnish local time (Europe/Helsinki).
public struct OpeningHours: Sendable, Equatable {
    /// Minutes since local midnight, half-open: [start, end).
    public struct Interval: Sendable, Equatable {
        public let start: Int
        public let end: Int
    }

    public static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    public static let timeZone = TimeZone(identifier: "Europe/Helsinki")!

    /// Index 0 is Monday.
    public let days: [[Interval]]

    public init(days: [[Interval]]) { self.days = days }

    /// Whether the queue is open at `timestamp`.
    public func isOpen(at timestamp: Timestamp) -> Bool {
        let (day, minute) = Self.localWeekdayAndMinute(timestamp)
        return days[day].contains { $0.start <= minute && minute < $0.end }
    }

    /// The next moment the queue opens at or after `timestamp` (nil if never).
    public func nextOpening(after timestamp: Timestamp) -> Timestamp? {
        if isOpen(at: timestamp) { return timestamp }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        let date = Date(timeIntervalSince1970: Double(timestamp.millis) / 1000)
        let midnight = calendar.startOfDay(for: date)
        for offset in 0...7 {
            guard let dayStart = calendar.date(byAdding: .day, value: offset, to: midnight) else { continue }
            let day = Self.mondayIndex(calendar.component(.weekday, from: dayStart))
            for interval in days[day].sorted(by: { $0.start < $1.start }) {
                guard let opening = calendar.date(byAdding: .minute, value: interval.start, to: dayStart) else { continue }
                if opening > date { return Timestamp(millis: Int64(opening.timeIntervalSince1970 * 1000)) }
            }
        }
        return nil
    }

    static func localWeekdayAndMinute(_ timestamp: Timestamp) -> (Int, Int) {
        let parts = localParts([.weekday, .hour, .minute], of: timestamp)
        return (mondayIndex(parts.weekday ?? 2), (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    /// The date in Finland at `timestamp`.
    static func localDate(_ timestamp: Timestamp) -> (year: Int, month: Int, day: Int) {
        let parts = localParts([.year, .month, .day], of: timestamp)
        return (parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    private static func localParts(_ components: Set<Calendar.Component>, of timestamp: Timestamp) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.dateComponents(components, from: Date(timeIntervalSince1970: Double(timestamp.millis) / 1000))
    }

    /// Calendar weekdays run Sunday = 1 … Saturday = 7.
    static func mondayIndex(_ weekday: Int) -> Int { (weekday + 5) % 7 }

    /// `{"mon": [["08:00", "16:00"]], …}`; a missing day is closed.
    init(_ cursor: JSONCursor) throws(CatalogError) {
        _ = try cursor.object(allowed: Set(Self.weekdays))
        var days: [[Interval]] = []
        for name in Self.weekdays {
            var intervals: [Interval] = []
            for pair in try cursor[name].optionalArray() {
                let ends = try pair.array()
                guard ends.count == 2 else { throw pair.fail("must be [\"HH:MM\", \"HH:MM\"]") }
                let start = try Self.minutes(ends[0]), end = try Self.minutes(ends[1])
                guard start < end else { throw pair.fail("must start before it ends") }
                if intervals.contains(where: { $0.start < end && start < $0.end }) {
                    throw pair.fail("overlaps another interval of the same day")
                }
                intervals.append(Interval(start: start, end: end))
            }
            days.append(intervals)
        }
        self.days = days
    }

    static func minutes(_ cursor: JSONCursor) throws(CatalogError) -> Int {
        let text = try cursor.string(maxLength: 5)
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 24 * 60 else {
            throw cursor.fail("must be a time HH:MM between 00:00 and 24:00")
        }
        return h * 60 + m
    }

    /// The hours as the API shows them: `{"mon": [["08:00","16:00"]], …}`.
    public var json: [String: [[String]]] {
        var out: [String: [[String]]] = [:]
        for (i, name) in Self.weekdays.enumerated() {
            out[name] = days[i].map { [Self.clock($0.start), Self.clock($0.end)] }
        }
        return out
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }
}
