import NeuvoJSON
import NeuvoStore

/// What a submitted pre-questionnaire led to.
public enum TriageResult: Sendable, Equatable {
    /// The resident must call now; the conversation is closed without queueing.
    case redFlag(id: String, action: PreQuestionnaire.RedFlag.Action, message: LocalizedText)
    /// The conversation waits in `queue` with `urgency`; `position` is 1 for the next to be picked.
    /// `offeredTo` is the professional it is first offered to (continuity of care).
    case queued(queue: WorkQueue, urgency: Urgency, reason: LocalizedText, position: Int, offeredTo: Int64?)
}

extension Clinic {
    /// Records whose matter it is, the chosen service and the answers, then
    /// evaluates red flags and routing and queues the conversation, all in one
    /// transaction. A conversation is triaged once. `mandates`: the personal identity codes of the
    /// people the identification proxy says the session's resident may act for. `identifiedNow`:
    /// the identification is present on this very request (the proxy sent it, or demo mode's), not
    /// only remembered by a days-old cookie; a child's code is taken only then.
    public func submitPreQuestionnaire(conversationID: String, session: ResidentSession, serviceID: String,
                                       subject rawSubject: JSONValue?, answers rawAnswers: JSONValue?, language: Language? = nil,
                                       mandates: Set<String> = [], identifiedNow: Bool = true) async throws
        -> (result: TriageResult, events: [ClinicEvent]) {
        guard let catalog = try activeCatalog() else {
            throw ClinicError.conflict(code: "no_catalog", message: "No service catalog has been imported.")
        }
        guard let service = catalog.service(serviceID), let questionnaire = service.questionnaire else {
            throw ClinicError.invalid(field: "serviceId", message: "serviceId must be a service with pre-questions.")
        }
        let now = self.now()
        let subject = try Subject.parse(rawSubject, today: now, guardian: identifiedNow ? session.identity?.code : nil, mandates: mandates)
        let (outcome, answersJSON) = try Self.evaluate(rawAnswers, questionnaire: questionnaire, subject: subject)
        let continuity = self.continuity

        return try await store.write { db in
            guard let row = try db.row("SELECT status FROM conversations WHERE id = ? AND resident_session_id = ?",
                                       conversationID, session.id) else { throw ClinicError.notFound }
            guard row.conversationStatus == .open else {
                throw ClinicError.conflict(code: "already_submitted", message: "The pre-questions of this conversation were already answered.")
            }
            if let code = subject.patientIdentityCode {
                try db.run("UPDATE conversations SET patient_identity_code = ? WHERE id = ?", code, conversationID)
            }
            switch outcome {
            case .redFlag(let flag):
                try db.run("""
                    UPDATE conversations SET catalog_version = ?, service_id = ?, subject = ?, answers = ?,
                        outcome = 'redFlag', red_flag = ?, status = 'closed', language = ?, updated_at = ? WHERE id = ?
                    """, catalog.version, service.id, subject.json.text, answersJSON.text, flag.id, language?.rawValue, now.millis, conversationID)
                let event = try ClinicEvent.append(db, conversationID: conversationID, type: .redFlag, data: .object([
                    "action": .string(flag.action.rawValue), "message": flag.message.json,
                ]), at: now)
                return (.redFlag(id: flag.id, action: flag.action, message: flag.message), [event])
            case .route(let route):
                guard let queue = catalog.queue(route.queue) else { throw ClinicError.notFound }
                // Arrival order decides between equals: two cases queued in the same millisecond are kept
                // a millisecond apart, so the later one never jumps ahead on a random id.
                let latest = try db.row(Self.latestQueuedAt, queue.id)?.int64("latest") ?? 0
                let queuedAt = max(now.millis, latest + 1)
                try db.run("""
                    UPDATE conversations SET catalog_version = ?, service_id = ?, subject = ?, answers = ?,
                        outcome = 'queued', queue_id = ?, urgency_rank = ?, routing_reason = ?, queued_at = ?,
                        status = 'queued', language = ?, updated_at = ? WHERE id = ?
                    """, catalog.version, service.id, subject.json.text, answersJSON.text, queue.id, route.urgency.rank,
                       route.reason.json.text, queuedAt, language?.rawValue, now.millis, conversationID)
                let position = try Self.position(db, conversationID: conversationID) ?? 1
                let offeredTo = try Self.offerToPreviousProfessional(db, conversationID: conversationID, residentSessionID: session.id,
                                                                     queueID: queue.id, urgency: route.urgency, options: continuity, at: now)
                let event = try ClinicEvent.append(db, conversationID: conversationID, type: .queued, data: .object([
                    "queue": .object(["id": .string(queue.id), "name": queue.name.json]),
                    "urgency": .string(route.urgency.rawValue),
                ]), at: now)
                return (.queued(queue: queue, urgency: route.urgency, reason: route.reason, position: position, offeredTo: offeredTo), [event])
            }
        }
    }

    /// Checks the answers against the questions (each failure names its question) and
    /// finds where they lead; the answers as stored, keys sorted.
    static func evaluate(_ rawAnswers: JSONValue?, questionnaire: PreQuestionnaire, subject: Subject) throws
        -> (outcome: PreQuestionnaire.Outcome, answers: JSONValue) {
        guard let answerObject = rawAnswers?.objectValue else {
            throw ClinicError.invalid(field: "answers", message: "answers must be an object of question id → answer.")
        }
        var raw: [String: JSONValue] = [:]
        for (key, value) in answerObject { raw[key] = value }
        let answers = try questionnaire.validate(raw, subject: subject)
        return (questionnaire.outcome(for: answers, subject: subject),
                JSONValue.object(JSONObject(answers.keys.sorted().map { ($0, answers[$0]!.json) })))
    }

    /// The newest `queued_at` of a queue's waiting cases: one index seek per urgency
    /// (a MAX over the whole queue would visit every waiting case).
    static let latestQueuedAt = "SELECT MAX(m) AS latest FROM ("
        + Urgency.allCases.map { "SELECT MAX(queued_at) AS m FROM conversations WHERE status = 'queued' AND queue_id = ?1 AND urgency_rank = \($0.rank)" }
            .joined(separator: " UNION ALL ") + ")"

    /// 1 + the cases ahead in the same queue: more urgent ones, then equally
    /// urgent ones that have waited longer. Nil when the conversation is not waiting.
    ///
    /// For a writer's transaction (it counts what the transaction sees); readers
    /// use the queue's standing (``progress(conversationID:after:)``). Three range
    /// counts on `conversations_waiting`, so only the cases ahead are visited.
    static func position(_ db: Database, conversationID: String) throws -> Int? {
        guard let me = try db.row("""
            SELECT queue_id, urgency_rank, queued_at FROM conversations WHERE id = ? AND status = 'queued'
            """, conversationID),
            let queue = me.string("queue_id"), let rank = me.int("urgency_rank"), let queuedAt = me.int64("queued_at") else {
            return nil
        }
        let ahead = try db.row("""
            SELECT (SELECT COUNT(*) FROM conversations WHERE status = 'queued' AND queue_id = ?1 AND urgency_rank < ?2)
                 + (SELECT COUNT(*) FROM conversations WHERE status = 'queued' AND queue_id = ?1 AND urgency_rank = ?2 AND queued_at < ?3)
                 + (SELECT COUNT(*) FROM conversations WHERE status = 'queued' AND queue_id = ?1 AND urgency_rank = ?2 AND queued_at = ?3
                      AND id < ?4) AS n
            """, queue, rank, queuedAt, conversationID)?.int("n") ?? 0
        return ahead + 1
    }
}

extension Clinic {
    /// Takes the resident's matter out of the queue (or abandons it before
    /// queueing). Withdrawing twice is harmless; a closed matter cannot be withdrawn.
    public func withdraw(conversationID: String, session: ResidentSession) async throws -> (conversation: Conversation, events: [ClinicEvent]) {
        let now = self.now()
        return try await store.write { db in
            guard let row = try db.row("SELECT * FROM conversations WHERE id = ? AND resident_session_id = ?",
                                       conversationID, session.id) else { throw ClinicError.notFound }
            let conversation = Conversation(row: row)
            switch conversation.status {
            case .withdrawn:
                return (conversation, [])
            case .open, .queued:
                try db.run("UPDATE conversations SET status = 'withdrawn', updated_at = ? WHERE id = ?", now.millis, conversationID)
                var data = JSONObject([("status", .string(ConversationStatus.withdrawn.rawValue))])
                if let queue = conversation.queueID, conversation.status == .queued { data["queue"] = .object(["id": .string(queue)]) }
                let event = try ClinicEvent.append(db, conversationID: conversationID, type: .withdrawn, data: .object(data), at: now)
                return (Conversation(row: try db.row("SELECT * FROM conversations WHERE id = ?", conversationID)!), [event])
            default:
                throw ClinicError.conflict(code: "not_withdrawable", message: "A matter that is being handled or has ended cannot be withdrawn.")
            }
        }
    }
}
