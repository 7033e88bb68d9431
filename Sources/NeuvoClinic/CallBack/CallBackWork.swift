import NeuvoJSON
import NeuvoStore

/// What a call attempt came to.
public enum CallAttemptResult: String, Sendable, CaseIterable {
    case reached, noAnswer, wrongNumber
}

/// A live call-back as a professional's call list shows it: enough to choose, as with chats.
public struct CallBackCase: Sendable {
    public let callBack: CallBack
    public let urgency: Urgency
    public let serviceID: String?
    public let subjectKind: String?
    /// One line from the pre-question answers, in the reader's language.
    public let summary: String
    /// How many tries the queue allows.
    public let maxAttempts: Int
    /// Who is calling, when one has picked it.
    public let professionalID: Int64?
}

extension Clinic {
    /// The live call-backs of `queues`: by window, then urgency, then the order they were asked.
    public func callBackList(queues: [String], language: Language) throws -> [CallBackCase] {
        guard !queues.isEmpty else { return [] }
        let catalog = try activeCatalog()
        let placeholders = Array(repeating: "?", count: queues.count).joined(separator: ", ")
        return try store.read { db in
            try db.rows("""
                SELECT b.*, c.urgency_rank, c.service_id, c.subject, c.answers, c.status AS case_status,
                    c.professional_id AS handler_id FROM call_backs b JOIN conversations c ON c.id = b.conversation_id
                WHERE b.status IN ('requested', 'picked') AND c.status IN ('callBack', 'active') AND b.queue_id IN (\(placeholders))
                ORDER BY b.window_start, c.urgency_rank, b.created_at, b.id
                """, arguments: queues).map { row in
                let service = row.string("service_id").flatMap { catalog?.service($0) }
                let queue = row.string("queue_id").flatMap { catalog?.queue($0) }
                return CallBackCase(
                    callBack: CallBack(row: row), urgency: Urgency.allCases.first { $0.rank == row.int("urgency_rank") } ?? .normal,
                    serviceID: row.string("service_id"),
                    subjectKind: row.string("subject").flatMap { try? JSONValue.parse($0) }?["kind"]?.stringValue,
                    summary: Self.oneLineSummary(service: service, answers: row.string("answers").flatMap { try? JSONValue.parse($0) }, language: language),
                    maxAttempts: queue?.callBack?.attempts ?? CallBackPlan.defaultAttempts,
                    // Whoever handles the case now is calling (a transfer hands the call over too).
                    professionalID: row.string("case_status") == ConversationStatus.active.rawValue ? row.int64("handler_id") : nil)
            }
        }
    }

    /// Takes a requested call-back to call it: the case becomes theirs like a
    /// picked chat (its wait ends now, for statistics). Atomic: of concurrent
    /// picks exactly one wins; the others get `case_taken`. A resident who asked
    /// for a text message when the call is near gets one now.
    public func pickCallBack(id: String, professional: Professional) async throws -> (callBack: CallBack, events: [ClinicEvent]) {
        let now = self.now()
        let catalog = try activeCatalog()
        return try await store.write { db in
            guard let current = try Professional.load(db, where: "id = ?", professional.id)?.professional, !current.disabled,
                  let row = try db.row("SELECT * FROM call_backs WHERE id = ?", id) else { throw ClinicError.notFound }
            let callBack = CallBack(row: row)
            guard current.queues.contains(callBack.queueID) else { throw ClinicError.notFound }
            guard callBack.status == .requested,
                  try db.run("UPDATE call_backs SET status = 'picked', professional_id = ?, updated_at = ? WHERE id = ? AND status = 'requested'",
                             professional.id, now.millis, id) == 1 else {
                throw ClinicError.conflict(code: "case_taken", message: "Someone else already took this call-back, or it was cancelled.")
            }
            try db.run("""
                UPDATE conversations SET status = 'active', professional_id = ?, picked_at = COALESCE(picked_at, ?), updated_at = ?,
                    handled_via = 'picked' WHERE id = ?
                """, professional.id, now.millis, now.millis, callBack.conversationID)
            try db.run("INSERT OR IGNORE INTO case_participants (conversation_id, professional_id, role, since) VALUES (?, ?, 'handler', ?)",
                       callBack.conversationID, professional.id, now.millis)
            try db.run("INSERT INTO audit_log (professional_id, conversation_id, reason, at) VALUES (?, ?, 'picked', ?)",
                       professional.id, callBack.conversationID, now.millis)
            let event = try ClinicEvent.append(db, conversationID: callBack.conversationID, type: .picked, data: .object([
                "queue": .object(["id": .string(callBack.queueID)]),
                "professional": .object(["displayName": .string(professional.displayName), "title": .string(professional.title)]),
                "callBack": .bool(true),
            ]), at: now)
            if callBack.notify, let phone = callBack.phone, phone.isMobile, let plan = catalog?.queue(callBack.queueID)?.callBack {
                try Self.queueNotification(db, conversationID: callBack.conversationID, kind: .callNear, phone: phone,
                                           language: callBack.language,
                                           text: NotificationText.callNear(caller: plan.callerNumber, callBack.language), at: now)
            }
            return (CallBack(row: try db.row("SELECT * FROM call_backs WHERE id = ?", id)!), [event])
        }
    }

    /// Records one try by the professional calling. Reached: they go on to close
    /// the case like a chat (its record says it was a phone contact). No answer:
    /// they may try again, until the queue's attempts are used; a wrong number,
    /// or the last unanswered try, ends the matter as not reached, with a word to
    /// the resident (and a text message to a mobile number).
    public func recordCallAttempt(id: String, professional: Professional, result: CallAttemptResult) async throws
        -> (callBack: CallBack, events: [ClinicEvent]) {
        let now = self.now()
        let catalog = try activeCatalog()
        return try await store.write { db in
            // The one who handles the case now records tries: after a transfer that is the colleague, not
            // the one who picked it; a case no longer active is nobody's to call (404).
            guard let row = try db.row("SELECT * FROM call_backs WHERE id = ?", id) else { throw ClinicError.notFound }
            let callBack = CallBack(row: row)
            try Self.requireHandler(db, conversationID: callBack.conversationID, professionalID: professional.id)
            guard callBack.status == .picked else {
                throw ClinicError.conflict(code: "call_back_ended", message: "This call-back is not being called now.")
            }
            let plan = catalog?.queue(callBack.queueID)?.callBack
            try db.run("INSERT INTO call_back_attempts (call_back_id, at, result, professional_id) VALUES (?, ?, ?, ?)",
                       id, now.millis, result.rawValue, professional.id)
            let attempts = callBack.attempts + 1
            let notReached = result == .wrongNumber || (result == .noAnswer && attempts >= (plan?.attempts ?? CallBackPlan.defaultAttempts))
            let status: CallBackStatus = result == .reached ? .reached : notReached ? .notReached : .picked
            try db.run("""
                UPDATE call_backs SET attempts = ?, status = ?, first_attempt_at = COALESCE(first_attempt_at, ?), professional_id = ?,
                    updated_at = ? WHERE id = ?
                """, attempts, status.rawValue, now.millis, professional.id, now.millis, id)
            // The queue's call lists and the resident's page hear every try.
            var events = [try ClinicEvent.append(db, conversationID: callBack.conversationID, type: .callBackAttempt, data: .object([
                "queue": .object(["id": .string(callBack.queueID)]), "result": .string(result.rawValue), "attempts": .int(attempts),
                "maxAttempts": .int(plan?.attempts ?? CallBackPlan.defaultAttempts),
            ]), at: now)]
            if notReached {
                try db.run("UPDATE conversations SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ?",
                           now.millis, now.millis, callBack.conversationID)
                events += try Self.endConsultations(db, conversationID: callBack.conversationID, because: .closed, at: now)
                events.append(try ClinicEvent.append(db, conversationID: callBack.conversationID, type: .callBackNotReached, data: .object([
                    "queue": .object(["id": .string(callBack.queueID)]), "attempts": .int(attempts),
                    "status": .string(ConversationStatus.closed.rawValue),
                ]), at: now))
                if let phone = callBack.phone, phone.isMobile, let plan {
                    let service = try Self.serviceTitle(db, conversationID: callBack.conversationID, catalog: catalog, language: callBack.language)
                    try Self.queueNotification(db, conversationID: callBack.conversationID, kind: .notReached, phone: phone, language: callBack.language,
                                               text: NotificationText.notReached(service: service, caller: plan.callerNumber, callBack.language), at: now)
                }
            }
            return (CallBack(row: try db.row("SELECT * FROM call_backs WHERE id = ?", id)!), events)
        }
    }

    static func serviceTitle(_ db: Database, conversationID: String, catalog: Catalog?, language: Language) throws -> String {
        let serviceID = try db.row("SELECT service_id FROM conversations WHERE id = ?", conversationID)?.string("service_id")
        return serviceID.flatMap { catalog?.service($0)?.title[language] } ?? "Neuvo"
    }
}
