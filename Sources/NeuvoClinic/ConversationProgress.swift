import NeuvoStore

/// What a resident follows of their conversation: new events, its status and,
/// while it waits, its place in the queue and the wait estimate; all read in
/// one read transaction, so they agree with each other.
public struct ConversationProgress: Sendable {
    public let events: [ClinicEvent]
    public let status: ConversationStatus
    /// 1 for the next to be picked; nil when not waiting.
    public let position: Int?
    public let estimate: WaitEstimate?
    /// The work queue it waits in; nil when it is not waiting.
    public let waitingIn: String?
}

extension Clinic {
    /// The conversation's progress: events after `after` (none read when nil,
    /// at most `limit`), status, position and estimate. Nil when there is no
    /// such conversation. Position and estimate come from the queue's standing,
    /// so a thousand residents answered after one pick cost one pass over the queue.
    /// With `ownedBy`, also nil when the conversation is not that session's.
    public func progress(conversationID: String, after: Int64?, ownedBy session: ResidentSession? = nil,
                         limit: Int = 200) throws -> ConversationProgress? {
        guard Identifier.isWellFormed(conversationID) else { return nil }
        let now = self.now()
        return try store.read { db in
            let found = if let session {
                try db.row("SELECT status, queue_id FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id)
            } else {
                try db.row("SELECT status, queue_id FROM conversations WHERE id = ?", conversationID)
            }
            guard let row = found, let status = row.conversationStatus else { return nil }
            let events = try after.map { try ClinicEvent.residentEvents(db, conversationID: conversationID, after: $0, limit: limit) } ?? []
            var position: Int?, estimate: WaitEstimate?
            if status == .queued, let queueID = row.string("queue_id") {
                let catalog = try activeCatalog(db)
                let standing = try standings.standing(db, queueID: queueID, at: now)
                position = standing.positions[conversationID]
                if let position, let queue = catalog?.queue(queueID) {
                    estimate = WaitEstimate.estimate(position: position, queue: queue, at: now, onShift: standing.onShift,
                                                     picksLastHour: standing.picksLastHour)
                }
            }
            return ConversationProgress(events: events, status: status, position: position, estimate: estimate,
                                        waitingIn: status == .queued ? row.string("queue_id") : nil)
        }
    }
}

/// What a resident's poll listens to: the conversation, and its queue while it waits.
public struct FollowedConversation: Sendable {
    public let id: String
    /// The work queue it waits in; nil when it is not waiting.
    public let waitingIn: String?
}

extension Clinic {
    /// The conversation `id` if `session` owns it, as much as a poll needs to know
    /// before it listens (two columns, not the whole conversation); nil otherwise.
    public func followed(conversationID id: String, ownedBy session: ResidentSession) throws -> FollowedConversation? {
        guard Identifier.isWellFormed(id) else { return nil }
        return try store.read { db in
            try db.row("SELECT status, queue_id FROM conversations WHERE id = ? AND resident_session_id = ?", id, session.id).map { row in
                FollowedConversation(id: id, waitingIn: row.conversationStatus == .queued ? row.string("queue_id") : nil)
            }
        }
    }
}
