import NeuvoStore

/// The call-back requests made in a range: how many, how they ended, on which
/// attempt the resident was reached, and how long from the request to the first
/// call, in total and per window of the day (Finnish wall-clock time). Counts
/// are of requests made in the range (Europe/Helsinki); the README defines each.
public struct CallBackMeasures: Sendable, Equatable {
    /// One window of the day, e.g. 08.00–10.00, over every date in the range.
    public struct Window: Sendable, Equatable {
        /// Minutes from local midnight.
        public let startMinute: Int
        public let endMinute: Int
        public var measures: CallBackMeasures.Counts
    }

    /// The counts of one set of requests.
    public struct Counts: Sendable, Equatable {
        public var requested = 0
        public var cancelled = 0
        /// Still waiting for a call, or being called, now.
        public var waiting = 0
        public var reached = 0
        /// Index 0: reached on the first attempt.
        public var reachedOnAttempt: [Int] = []
        public var notReached = 0
        /// Of the requests called at all, those whose first call came inside the window chosen.
        public var calledInWindow = 0
        /// Request → first call, for the requests called.
        public var delay: Distribution?

        public init() {}

        /// Reached of those that ended with calls (reached or not reached).
        public var reachedShare: Double? { CaseMeasures.share(reached, of: reached + notReached) }
    }

    public var totals = Counts()
    /// By the window's time of day, earliest first.
    public var byWindow: [Window] = []

    public init() {}
}

/// Counts call-back rows as they are read.
struct CallBackTally {
    private var counts: [Key: (counts: CallBackMeasures.Counts, delays: [Int64])] = [:]
    private var totals = CallBackMeasures.Counts(), delays: [Int64] = []
    private let calendar: LocalCalendar

    private struct Key: Hashable { let start: Int, end: Int }

    init(calendar: LocalCalendar) { self.calendar = calendar }

    mutating func add(status: CallBackStatus, attempts: Int, windowStart: Int64, windowEnd: Int64, createdAt: Int64, firstAttemptAt: Int64?) {
        let key = Key(start: calendar.wallClock(of: windowStart).minute, end: calendar.wallClock(of: windowEnd).minute)
        let delay = firstAttemptAt.map { max(0, $0 - createdAt) }
        let inWindow = firstAttemptAt.map { $0 >= windowStart && $0 < windowEnd } ?? false
        Self.count(&totals, status: status, attempts: attempts, inWindow: inWindow)
        if let delay { delays.append(delay) }
        var window = counts[key] ?? (CallBackMeasures.Counts(), [])
        Self.count(&window.counts, status: status, attempts: attempts, inWindow: inWindow)
        if let delay { window.delays.append(delay) }
        counts[key] = window
    }

    private static func count(_ counts: inout CallBackMeasures.Counts, status: CallBackStatus, attempts: Int, inWindow: Bool) {
        counts.requested += 1
        if inWindow { counts.calledInWindow += 1 }
        switch status {
        case .requested, .picked: counts.waiting += 1
        case .cancelled: counts.cancelled += 1
        case .notReached: counts.notReached += 1
        case .reached:
            counts.reached += 1
            let attempt = max(1, attempts)
            if counts.reachedOnAttempt.count < attempt { counts.reachedOnAttempt += Array(repeating: 0, count: attempt - counts.reachedOnAttempt.count) }
            counts.reachedOnAttempt[attempt - 1] += 1
        }
    }

    var result: CallBackMeasures {
        var result = CallBackMeasures()
        result.totals = totals
        result.totals.delay = Distribution(millis: delays)
        result.byWindow = counts.sorted { ($0.key.start, $0.key.end) < ($1.key.start, $1.key.end) }.map { key, value in
            var counts = value.counts
            counts.delay = Distribution(millis: value.delays)
            return CallBackMeasures.Window(startMinute: key.start, endMinute: key.end, measures: counts)
        }
        return result
    }
}

extension Clinic {
    /// The call-backs requested from `start` to `end` (ms), of `queues` (nil: all) and,
    /// when given, one service: read from the covering index alone unless a service is asked.
    static func callBackMeasures(_ db: Database, start: Int64, end: Int64, queues: Set<String>?, service: String?,
                                 calendar: LocalCalendar) throws -> CallBackMeasures {
        var tally = CallBackTally(calendar: calendar)
        let sql = service == nil
            ? """
              SELECT queue_id, status, attempts, window_start, window_end, created_at, first_attempt_at FROM call_backs
              INDEXED BY call_backs_statistics WHERE created_at >= ? AND created_at < ?
              """
            : """
              SELECT b.queue_id, b.status, b.attempts, b.window_start, b.window_end, b.created_at, b.first_attempt_at
              FROM call_backs b JOIN conversations c ON c.id = b.conversation_id
              WHERE b.created_at >= ? AND b.created_at < ? AND c.service_id = ?
              """
        let arguments: [DatabaseValueConvertible] = service.map { [start, end, $0] } ?? [start, end]
        for row in try db.rows(sql, arguments: arguments) {
            if let queues, !queues.contains(row.string("queue_id") ?? "") { continue }
            guard let status = row.string("status").flatMap(CallBackStatus.init(rawValue:)) else { continue }
            tally.add(status: status, attempts: row.int("attempts") ?? 0, windowStart: row.int64("window_start") ?? 0,
                      windowEnd: row.int64("window_end") ?? 0, createdAt: row.int64("created_at") ?? 0,
                      firstAttemptAt: row.int64("first_attempt_at"))
        }
        return tally.result
    }
}
