import NeuvoStore
import Synchronization

/// The conversations of each UTC day as statistics see them, read once per
/// change of that day and shared by every statistics request.
///
/// Migration 0013's triggers bump `statistics_day_versions` for a conversation's
/// UTC day (`created_at / 86,400,000`) in the transaction of every write that can
/// change a statistic of it, whichever code path makes it. A cached day is used
/// only within a read transaction that sees the same version, so a report is
/// always what the database holds. A year is 365 reads the first time, then only
/// the days that changed since (today, mostly): a year's report comes from memory.
///
/// Threads: any; one request reads and fills the cache at a time (statistics
/// requests are few; the lock keeps the interners' numbering single).
final class StatisticsDays: Sendable {
    static let dayMillis: Int64 = 86_400_000
    /// Days kept: more than the longest range, so a year's report stays warm.
    static let capacity = 800

    /// A feedback comment with what filters it (never its case).
    struct Comment: Sendable {
        let openedAt: Int64
        let queue: Int32
        let service: Int32
        let score: Int
        let text: String
    }

    /// One UTC day's conversations and their feedback comments, oldest first.
    struct Day: Sendable {
        let version: Int64
        let facts: [CaseFacts]
        let comments: [Comment]
    }

    static let commentsQuery = """
        SELECT c.created_at, c.first_queue_id, c.service_id, f.score, f.comment FROM conversations c INDEXED BY conversations_statistics
        CROSS JOIN feedback f ON f.conversation_id = c.id
        WHERE c.created_at >= ? AND c.created_at < ? AND c.feedback_commented = 1 ORDER BY c.created_at
        """

    struct Numbering: Sendable {
        var queues = Interner(), services = Interner(), flags = Interner()
    }

    private struct State {
        var days: [Int64: Day] = [:]
        var numbering = Numbering()
    }

    private let state = Mutex(State())

    /// Calls `body` with every UTC day that overlaps [`start`, `end`)
    /// (its caller keeps the ones opened in the range) and the numbering of their
    /// queues, services and red flags. `db` must be in a read transaction.
    func withDays<T>(_ db: Database, start: Int64, end: Int64, _ body: ([Day], Numbering) throws -> T) throws -> T {
        let first = start / Self.dayMillis, last = (end - 1) / Self.dayMillis
        var versions: [Int64: Int64] = [:]
        try db.forEach("SELECT day, version FROM statistics_day_versions WHERE day >= ? AND day <= ?", [first, last]) { row in
            versions[row.int64OrZero(at: 0)] = row.int64OrZero(at: 1)
        }
        return try state.withLock { state in
            var days: [Day] = []
            for day in first...last {
                // A day without a version has no conversations.
                guard let version = versions[day] else { continue }
                if let cached = state.days[day], cached.version == version {
                    days.append(cached)
                    continue
                }
                let range = [day * Self.dayMillis, (day + 1) * Self.dayMillis]
                var facts: [CaseFacts] = [], comments: [Comment] = []
                try db.forEach(CaseFacts.query, range) { row in
                    facts.append(CaseFacts(row, queues: &state.numbering.queues, services: &state.numbering.services,
                                           flags: &state.numbering.flags))
                }
                try db.forEach(Self.commentsQuery, range) { row in
                    comments.append(Comment(
                        openedAt: row.int64OrZero(at: 0), queue: Int32(row.withText(at: 1) { state.numbering.queues.number($0) } ?? -1),
                        service: Int32(row.withText(at: 2) { state.numbering.services.number($0) } ?? -1),
                        score: Int(row.int64OrZero(at: 3)), text: row.text(at: 4) ?? ""))
                }
                if state.days.count >= Self.capacity { state.days.removeAll() }
                let read = Day(version: version, facts: facts, comments: comments)
                state.days[day] = read
                days.append(read)
            }
            return try body(days, state.numbering)
        }
    }
}
