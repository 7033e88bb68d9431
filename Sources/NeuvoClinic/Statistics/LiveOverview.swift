import NeuvoStore

/// One work queue as a manager's live overview shows it now.
public struct QueueOverview: Sendable, Equatable {
    public let queue: WorkQueue
    public let waiting: Int
    /// When the longest-waiting case joined the queue.
    public let oldestQueuedAt: Timestamp?
    /// Waiting cases that have waited longer than the queue's `targetFirstResponseMinutes`.
    public let pastTarget: Int
    public let inHandling: Int
    public let onShift: Int
    /// Call-back requests waiting for a professional to call.
    public let callBacksWaiting: Int
    /// When the next waiting case will pass the target, if one will.
    public let nextPastTargetAt: Timestamp?
}

extension Clinic {
    /// Every queue in `scope` as it stands now, in catalog order; one read transaction.
    public func liveOverview(scope: StatisticsScope) throws -> (at: Timestamp, queues: [QueueOverview]) {
        let now = self.now()
        guard let catalog = try activeCatalog() else { return (now, []) }
        let queues = catalog.queues.filter { queue in
            if case .queues(let managed) = scope { return managed.contains(queue.id) }
            return true
        }
        let overview = try store.read { db in
            try db.transaction(.deferred) { db in
                try queues.map { queue in try Self.overview(db, queue: queue, at: now) }
            }
        }
        return (now, overview)
    }

    private static func overview(_ db: Database, queue: WorkQueue, at now: Timestamp) throws -> QueueOverview {
        let target = Int64(queue.targetFirstResponseMinutes) * 60_000
        let waiting = try db.row("""
            SELECT COUNT(*) AS n, MIN(queued_at) AS oldest, COALESCE(SUM(queued_at < ?2), 0) AS late,
                MIN(CASE WHEN queued_at >= ?2 THEN queued_at END) AS next
            FROM conversations WHERE status = 'queued' AND queue_id = ?1
            """, queue.id, now.millis - target)
        let handling = try db.row("SELECT COUNT(*) AS n FROM conversations WHERE status = 'active' AND queue_id = ?", queue.id)
        let callBacks = try db.row("SELECT COUNT(*) AS n FROM call_backs WHERE queue_id = ? AND status = 'requested'", queue.id)
        let shift = try db.row("""
            SELECT COUNT(*) AS n FROM queue_memberships m JOIN professionals p ON p.id = m.professional_id
            WHERE m.queue_id = ? AND m.on_shift_since IS NOT NULL AND p.disabled_at IS NULL
            """, queue.id)
        return QueueOverview(
            queue: queue, waiting: waiting?.int("n") ?? 0, oldestQueuedAt: waiting?.int64("oldest").map(Timestamp.init(millis:)),
            pastTarget: waiting?.int("late") ?? 0, inHandling: handling?.int("n") ?? 0, onShift: shift?.int("n") ?? 0,
            callBacksWaiting: callBacks?.int("n") ?? 0,
            nextPastTargetAt: waiting?.int64("next").map { Timestamp(millis: $0 + target) })
    }
}
