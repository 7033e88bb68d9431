import NeuvoStore

/// Which queues a caller may see the numbers of.
public enum StatisticsScope: Sendable, Equatable {
    /// An administrator: every queue, and the conversations that reached none.
    case everything
    /// A manager: the conversations that reached these queues.
    case queues(Set<String>)
}

/// A validated statistics question: dates in Finland, inclusive, at most 400 days.
public struct StatisticsRequest: Sendable, Equatable {
    public static let longestRange = 400

    public let from: LocalDate
    public let through: LocalDate
    public let queue: String?
    public let service: String?

    /// Checks the query's fields; each failure names its field. `to` defaults to `from`.
    public init(from: String?, to: String?, queue: String?, service: String?) throws(ClinicError) {
        guard let fromText = from, let first = LocalDate(fromText) else {
            throw .invalid(field: "from", message: "from must be a date, YYYY-MM-DD.")
        }
        let last: LocalDate
        if let to {
            guard let date = LocalDate(to) else { throw .invalid(field: "to", message: "to must be a date, YYYY-MM-DD.") }
            last = date
        } else {
            last = first
        }
        guard first <= last else { throw .invalid(field: "to", message: "to must not be before from.") }
        guard last.dayNumber - first.dayNumber < Self.longestRange else {
            throw .invalid(field: "to", message: "A range may span at most \(Self.longestRange) days.")
        }
        for (field, value) in [("queue", queue), ("service", service)] {
            if let value, value.isEmpty || value.utf8.count > 100 {
                throw .invalid(field: field, message: "\(field) must be an id from the catalog.")
            }
        }
        self.from = first
        self.through = last
        self.queue = queue
        self.service = service
    }
}

extension Clinic {
    /// The statistics of the conversations opened from `request.from` through
    /// `request.through` (Europe/Helsinki), in one pass over the statistics index
    /// in one read transaction. Nothing in the report leads to a person or a case.
    public func statistics(_ request: StatisticsRequest, scope: StatisticsScope, commentLimit: Int = 100) throws -> StatisticsReport {
        let catalog = try activeCatalog()
        if let queue = request.queue {
            guard catalog?.queue(queue) != nil else { throw ClinicError.invalid(field: "queue", message: "No such work queue.") }
            if case .queues(let managed) = scope, !managed.contains(queue) {
                throw ClinicError.invalid(field: "queue", message: "You do not manage this work queue.")
            }
        }
        if let service = request.service, catalog?.service(service) == nil {
            throw ClinicError.invalid(field: "service", message: "No such service.")
        }
        let queues: Set<String>?
        switch (request.queue, scope) {
        case (let queue?, _): queues = [queue]
        case (nil, .queues(let managed)): queues = managed
        case (nil, .everything): queues = nil
        }
        let calendar = LocalCalendar(from: request.from, through: request.through)
        let start = calendar.midnight(of: request.from), end = calendar.midnight(of: request.through.adding(days: 1))

        return try store.scan { db in
            try db.transaction(.deferred) { db in
                var report = try statisticsDays.withDays(db, start: start, end: end) { days, numbering in
                    var tally = StatisticsTally(from: request.from, through: request.through, calendar: calendar,
                                                queues: queues, service: request.service, numbering: numbering)
                    for day in days {
                        for facts in day.facts where facts.openedAt >= start && facts.openedAt < end { tally.add(facts) }
                    }
                    // Newest first, as many as asked for.
                    var comments: [StatisticsReport.Comment] = []
                    newest: for day in days.reversed() {
                        for comment in day.comments.reversed() where comment.openedAt >= start && comment.openedAt < end
                            && tally.passes(queue: comment.queue, service: comment.service) {
                            guard comments.count < commentLimit else { break newest }
                            comments.append(.init(score: comment.score, text: comment.text))
                        }
                    }
                    tally.comments = comments
                    return tally.report
                }
                // Outside the cache's lock, in the same read transaction. Windows run up to three working
                // days past the range: their calendar reaches a week further.
                report.callBacks = try Self.callBackMeasures(db, start: start, end: end, queues: queues, service: request.service,
                                                             calendar: LocalCalendar(from: request.from, through: request.through.adding(days: 7)))
                return report
            }
        }
    }

    /// Reads the last `days` days into the statistics cache, a month at a time,
    /// so a manager's first report does not wait for them (a year: ~0.7 s of
    /// reading on this 2-core machine, 64 bytes per conversation kept).
    /// `shouldStop` is asked between months.
    public func warmStatistics(days: Int = StatisticsRequest.longestRange, shouldStop: () -> Bool) throws {
        let now = self.now().millis
        var end = now + StatisticsDays.dayMillis
        let first = now - Int64(days) * StatisticsDays.dayMillis
        while end > first && !shouldStop() {
            let start = max(first, end - 30 * StatisticsDays.dayMillis)
            try store.scan { db in try statisticsDays.withDays(db, start: start, end: end) { _, _ in } }
            end = start
        }
    }
}
