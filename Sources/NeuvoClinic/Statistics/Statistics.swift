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
        var tally = StatisticsTally(from: request.from, through: request.through, calendar: calendar)

        return try store.read { db in
            try db.transaction(.deferred) { db in
                try db.forEach(CaseFacts.query, [start, end]) { row in
                    let facts = CaseFacts(row)
                    if let queues, !queues.contains(facts.queue ?? "") { return }
                    if let service = request.service, facts.service != service { return }
                    tally.add(facts)
                }
                var comments: [StatisticsReport.Comment] = []
                var commentCount = 0
                let (filter, arguments) = Self.commentFilter(queues: queues, service: request.service)
                try db.forEach("""
                    SELECT f.score, f.comment FROM conversations c INDEXED BY conversations_statistics
                    CROSS JOIN feedback f ON f.conversation_id = c.id
                    WHERE c.created_at >= ? AND c.created_at < ? AND c.feedback_score IS NOT NULL AND f.comment IS NOT NULL \(filter)
                    ORDER BY c.created_at DESC
                    """, [start, end] + arguments) { row in
                    commentCount += 1
                    if comments.count < commentLimit, let score = row.int64(at: 0), let text = row.text(at: 1) {
                        comments.append(.init(score: Int(score), text: text))
                    }
                }
                return tally.report(queues: queues.map { $0.sorted() }, service: request.service,
                                    comments: comments, commentCount: commentCount)
            }
        }
    }

    private static func commentFilter(queues: Set<String>?, service: String?) -> (String, [DatabaseValueConvertible]) {
        var sql = "", arguments: [DatabaseValueConvertible] = []
        if let queues {
            sql += " AND c.first_queue_id IN (" + Array(repeating: "?", count: queues.count).joined(separator: ", ") + ")"
            if queues.isEmpty { sql = " AND 0" }
            arguments += queues.sorted().map { $0 as DatabaseValueConvertible }
        }
        if let service {
            sql += " AND c.service_id = ?"
            arguments.append(service)
        }
        return (sql, arguments)
    }
}

/// One conversation as statistics see it: its statistics row, no content.
struct CaseFacts {
    static let query = """
        SELECT created_at, first_queue_id, service_id, status, outcome, red_flag, red_flag_action, queued_at, picked_at,
            first_reply_at, closed_at, closing_outcome, transfers, consultations, subject_kind, identified, feedback_score
        FROM conversations INDEXED BY conversations_statistics WHERE created_at >= ? AND created_at < ?
        """

    let openedAt: Int64
    let queue: String?
    let service: String?
    let status: ConversationStatus?
    let reachedQueue: Bool
    let redFlag: String?
    let redFlagAction: PreQuestionnaire.RedFlag.Action?
    let queuedAt: Int64?
    let pickedAt: Int64?
    let firstReplyAt: Int64?
    let closedAt: Int64?
    let outcome: ClosingOutcome?
    let transfers: Int
    let consultations: Int
    let whoseMatter: WhoseMatter?
    let identified: Bool
    let feedbackScore: Int?

    init(_ row: Statement) {
        openedAt = row.int64(at: 0) ?? 0
        queue = row.text(at: 1)
        service = row.text(at: 2)
        status = row.text(at: 3).flatMap(ConversationStatus.init(rawValue:))
        let outcome = row.text(at: 4)
        reachedQueue = outcome == "queued"
        redFlag = outcome == "redFlag" ? (row.text(at: 5) ?? "") : nil
        redFlagAction = row.text(at: 6).flatMap(PreQuestionnaire.RedFlag.Action.init(rawValue:))
        queuedAt = row.int64(at: 7)
        pickedAt = row.int64(at: 8)
        firstReplyAt = row.int64(at: 9)
        closedAt = row.int64(at: 10)
        self.outcome = row.text(at: 11).flatMap(ClosingOutcome.init(rawValue:))
        transfers = Int(row.int64(at: 12) ?? 0)
        consultations = Int(row.int64(at: 13) ?? 0)
        whoseMatter = row.text(at: 14).flatMap(WhoseMatter.init(rawValue:))
        identified = (row.int64(at: 15) ?? 0) != 0
        feedbackScore = row.int64(at: 16).map(Int.init)
    }

    /// Queued → first picked, for a case a professional picked.
    var wait: Int64? {
        guard reachedQueue, let queuedAt, let pickedAt else { return nil }
        return max(0, pickedAt - queuedAt)
    }
}
