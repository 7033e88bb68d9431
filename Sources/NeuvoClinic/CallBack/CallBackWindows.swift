import NeuvoStore

extension CallBackPlan {
    /// How many days with windows a resident may choose from.
    public static let daysOffered = 3

    /// The windows of the next three days that have any (looking two weeks ahead),
    /// those not yet begun, as instants; DST-correct through ``LocalCalendar``.
    func windows(after now: Timestamp) -> [(start: Timestamp, end: Timestamp)] {
        let calendar = LocalCalendar(from: LocalDate(dayNumber: Int(now.millis / 86_400_000) - 1),
                                     through: LocalDate(dayNumber: Int(now.millis / 86_400_000) + 15))
        let today = LocalDate(dayNumber: calendar.dayAndHour(of: now.millis).day)
        var found: [(start: Timestamp, end: Timestamp)] = []
        var days = 0
        for offset in 0..<14 where days < Self.daysOffered {
            let date = today.adding(days: offset)
            let open = windows.days[date.weekday].sorted { $0.start < $1.start }
                .map { (Timestamp(millis: calendar.instant(of: date, minute: $0.start)), Timestamp(millis: calendar.instant(of: date, minute: $0.end))) }
                .filter { $0.0 > now }
            guard !open.isEmpty else { continue }
            days += 1
            found += open
        }
        return found
    }
}

extension Clinic {
    /// The places still free in each window (one read of the live requests).
    static func freeWindows(_ db: Database, queueID: String, plan: CallBackPlan, at now: Timestamp) throws -> [CallBackWindow] {
        let windows = plan.windows(after: now)
        guard let first = windows.first, let last = windows.last else { return [] }
        var taken: [Int64: Int] = [:]
        for row in try db.rows("""
            SELECT window_start, COUNT(*) AS n FROM call_backs WHERE queue_id = ? AND window_start >= ? AND window_start <= ?
                AND status IN ('requested', 'picked') GROUP BY window_start
            """, queueID, first.start.millis, last.start.millis) {
            taken[row.int64("window_start") ?? 0] = row.int("n") ?? 0
        }
        return windows.map { CallBackWindow(start: $0.start, end: $0.end, free: max(0, plan.capacityPerWindow - (taken[$0.start.millis] ?? 0))) }
    }
}
