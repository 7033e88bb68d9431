import Foundation

/// A date in Finland (Europe/Helsinki), as managers name days: `2026-03-29`.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1970...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`, nothing else.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45,
              let year = Int(text.prefix(4)), let month = Int(text.dropFirst(5).prefix(2)), let day = Int(text.suffix(2)),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var description: String {
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// 0 is Monday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Finnish local time for a span of dates, without asking the time-zone
/// database per timestamp: the offsets in force (EET +2 h, EEST +3 h) and the
/// instants they change are looked up once, then each timestamp is a binary
/// search and integer arithmetic. A year's statistics place 300,000 times.
public struct LocalCalendar: Sendable {
    /// Instants (ms) from which `offsets[i]` holds, ascending; `starts[0]` is the span's start.
    private let starts: [Int64]
    private let offsets: [Int64]

    public static let timeZone = TimeZone(identifier: "Europe/Helsinki")!

    /// Covers `first` … `last` (inclusive) and a day either side.
    public init(from first: LocalDate, through last: LocalDate) {
        let zone = Self.timeZone
        var instant = Date(timeIntervalSince1970: Double(first.dayNumber - 2) * 86_400)
        let end = Date(timeIntervalSince1970: Double(last.dayNumber + 3) * 86_400)
        var starts = [Int64(instant.timeIntervalSince1970 * 1000)]
        var offsets = [Int64(zone.secondsFromGMT(for: instant)) * 1000]
        while let next = zone.nextDaylightSavingTimeTransition(after: instant), next < end {
            starts.append(Int64(next.timeIntervalSince1970 * 1000))
            offsets.append(Int64(zone.secondsFromGMT(for: next)) * 1000)
            instant = next
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// The UTC offset in force at `millis`.
    public func offset(at millis: Int64) -> Int64 {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= millis { low = mid } else { high = mid - 1 }
        }
        return offsets[low]
    }

    /// The local day number (days since 1970-01-01) and hour of day at `millis`.
    public func dayAndHour(of millis: Int64) -> (day: Int, hour: Int) {
        let local = millis + offset(at: millis)
        let day = Int(local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000)
        let hour = Int((local - Int64(day) * 86_400_000) / 3_600_000)
        return (day, hour)
    }

    /// The instant local midnight begins `date` (Finland never changes clocks at midnight).
    public func midnight(of date: LocalDate) -> Int64 {
        let utcMidnight = Int64(date.dayNumber) * 86_400_000
        // The offset at local midnight is the one in force two hours earlier in UTC or at it; try both.
        let guess = utcMidnight - offset(at: utcMidnight)
        return utcMidnight - offset(at: guess)
    }

    /// The instant a Finnish wall-clock time occurs on `date` (`minute` since local midnight).
    /// A time the spring change skips is taken as the instant it would have been in winter time.
    public func instant(of date: LocalDate, minute: Int) -> Int64 {
        let wall = Int64(date.dayNumber) * 86_400_000 + Int64(minute) * 60_000
        return wall - offset(at: wall - offset(at: wall))
    }

    /// The Finnish date and minute of the day at `millis`.
    public func wallClock(of millis: Int64) -> (date: LocalDate, minute: Int) {
        let local = millis + offset(at: millis)
        let (day, _) = dayAndHour(of: millis)
        return (LocalDate(dayNumber: day), Int((local - Int64(day) * 86_400_000) / 60_000))
    }
}
