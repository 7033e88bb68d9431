import Dispatch
import NeuvoStore
import Synchronization

/// A work queue's waiting cases in order, with what the wait estimate needs:
/// derived state (DESIGN §4), read in one ordered pass per change and shared by
/// every poll of the queue's waiting residents.
///
/// The order is the queue's rule: urgency first, then waiting time, then arrival
/// (the id breaks ties of one millisecond, as `pick` does).
struct QueueStanding: Sendable {
    /// `queue_versions.version` when it was read (0: the queue never changed).
    let version: Int64
    let readAt: Timestamp
    /// Conversation id → place in the queue, 1 for the next to be picked.
    let positions: [String: Int]
    /// Professionals on shift in the queue.
    let onShift: Int
    /// Cases picked from the queue in the hour before `readAt`.
    let picksLastHour: Int

    static func read(_ db: Database, queueID: String, version: Int64, at now: Timestamp) throws -> QueueStanding {
        let statement = try db.statement("""
            SELECT id FROM conversations WHERE status = 'queued' AND queue_id = ? ORDER BY urgency_rank, queued_at, id
            """)
        try statement.bind([queueID])
        defer { statement.reset() }
        var positions: [String: Int] = [:]
        while try statement.step() {
            if let id = statement.row().string("id") { positions[id] = positions.count + 1 }
        }
        let onShift = try db.row("""
            SELECT COUNT(*) AS n FROM queue_memberships m JOIN professionals p ON p.id = m.professional_id
            WHERE m.queue_id = ? AND m.on_shift_since IS NOT NULL AND p.disabled_at IS NULL
            """, queueID)?.int("n") ?? 0
        let picks = try db.row("SELECT COUNT(*) AS n FROM conversations WHERE queue_id = ? AND picked_at >= ?",
                               queueID, now.millis - 3_600_000)?.int("n") ?? 0
        return QueueStanding(version: version, readAt: now, positions: positions, onShift: onShift, picksLastHour: picks)
    }
}

/// The latest standing of each work queue, for readers.
///
/// Invariant: an entry is used only by a read transaction that sees the same
/// `queue_versions` version, so a poll never mixes a standing with a newer or
/// older state of its own conversation. The triggers of migration 0011 bump the
/// version in the transaction of every write that can move a position or the
/// estimate; picks ageing out of the pick-rate hour change nothing in the
/// database, so an entry also expires ``maxAge`` after it was read (on the
/// monotonic clock: a wall clock stepped back must not keep it alive).
///
/// Thread safety: any thread. One standing per queue is read at a time: a
/// thousand polls woken by one pick wait for the first reader instead of each
/// reading the queue, and another queue's readers do not wait for it.
/// Never use it inside a write transaction: its uncommitted version could be
/// rolled back and reused.
final class QueueStandings: Sendable {
    static let maxAge: UInt64 = 5_000_000_000
    private let slots = Mutex<[String: Slot]>([:])

    /// One queue's entry and the lock its readers take turns on.
    private final class Slot: Sendable {
        let entry = Mutex<(standing: QueueStanding, readAt: UInt64)?>(nil)
        let reading = Mutex<Void>(())
    }

    /// The standing of `queueID` as `db`'s read transaction sees it.
    func standing(_ db: Database, queueID: String, at now: Timestamp) throws -> QueueStanding {
        let version = try db.row("SELECT version FROM queue_versions WHERE queue_id = ?", queueID)?.int64("version") ?? 0
        let slot = slots.withLock { slots in
            if let slot = slots[queueID] { return slot }
            let slot = Slot()
            slots[queueID] = slot
            return slot
        }
        func fresh() -> QueueStanding? {
            guard let entry = slot.entry.withLock({ $0 }), entry.standing.version == version else { return nil }
            let clock = DispatchTime.now().uptimeNanoseconds
            return clock < entry.readAt || clock - entry.readAt < Self.maxAge ? entry.standing : nil
        }
        if let standing = fresh() { return standing }
        return try slot.reading.withLock { _ throws -> QueueStanding in
            if let standing = fresh() { return standing }
            let standing = try QueueStanding.read(db, queueID: queueID, version: version, at: now)
            let readAt = DispatchTime.now().uptimeNanoseconds
            slot.entry.withLock { entry in
                // A reader whose snapshot is older than the cached one keeps its own answer to itself.
                if (entry?.standing.version ?? .min) <= version { entry = (standing, readAt) }
            }
            return standing
        }
    }
}
