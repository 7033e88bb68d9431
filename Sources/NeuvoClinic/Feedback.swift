import NeuvoJSON
import NeuvoStore

/// A resident's recommendation score (0–10) for a handled matter, and what they added.
public struct Feedback: Sendable {
    public let score: Int
    public let comment: String?
    public let at: Timestamp
}

extension Clinic {
    /// Records the resident's recommendation score (0–10) and optional comment,
    /// once, after the professional has closed the matter.
    public func giveFeedback(conversationID: String, session: ResidentSession, score: Int, comment rawComment: String?) async throws -> Feedback {
        guard (0...10).contains(score) else {
            throw ClinicError.invalid(field: "score", message: "score must be a whole number from 0 to 10.")
        }
        var comment: String?
        if let rawComment, !rawComment.trimmingSpacesAndNewlines().isEmpty {
            comment = try Self.validateProse(rawComment, field: "comment", maxLength: 1000)
        }
        let now = self.now()
        let stored = comment
        return try await store.write { db in
            guard let row = try db.row("SELECT status, closing_outcome FROM conversations WHERE id = ? AND resident_session_id = ?",
                                       conversationID, session.id) else { throw ClinicError.notFound }
            guard row.conversationStatus == .closed, row.string("closing_outcome") != nil else {
                throw ClinicError.conflict(code: "not_closed", message: "Feedback can be given once the matter has been handled.")
            }
            guard try db.row("SELECT 1 AS x FROM feedback WHERE conversation_id = ?", conversationID) == nil else {
                throw ClinicError.conflict(code: "feedback_given", message: "Feedback was already given for this matter.")
            }
            try db.run("INSERT INTO feedback (conversation_id, score, comment, created_at) VALUES (?, ?, ?, ?)",
                       conversationID, score, stored, now.millis)
            return Feedback(score: score, comment: stored, at: now)
        }
    }
}
