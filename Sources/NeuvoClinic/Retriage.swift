import NeuvoJSON
import NeuvoStore

extension Clinic {
    /// "My condition has changed": a resident waiting in the queue answers the
    /// pre-questions again (the same service, whose matter as before, the questions
    /// as they were first asked).
    ///
    /// A red flag ends the wait with its guidance (112 / 116117): the matter closes
    /// as a red flag, as at first triage, and leaves the queue. Otherwise the new
    /// answers, urgency and (if the routing now says so) queue apply at once; the
    /// queued time is kept, so among equals it keeps its place. One transaction.
    public func retriage(conversationID: String, session: ResidentSession, answers rawAnswers: JSONValue?) async throws
        -> (result: TriageResult, events: [ClinicEvent]) {
        guard let before = try store.read({ db in
            try db.row("SELECT status, catalog_version, service_id, subject FROM conversations WHERE id = ? AND resident_session_id = ?",
                       conversationID, session.id)
        }) else { throw ClinicError.notFound }
        guard before.conversationStatus == .queued else {
            throw ClinicError.conflict(code: "not_waiting", message: "Only a matter waiting in the queue can be answered again.")
        }
        guard let catalog = try before.string("catalog_version").flatMap({ try self.catalog(version: $0) }),
              let service = before.string("service_id").flatMap({ catalog.service($0) }), let questionnaire = service.questionnaire,
              let subject = before.string("subject").flatMap({ try? JSONValue.parse($0) }).flatMap(Subject.init(stored:)) else {
            throw ClinicError.conflict(code: "not_waiting", message: "This matter cannot be answered again.")
        }
        let (outcome, answersJSON) = try Self.evaluate(rawAnswers, questionnaire: questionnaire, subject: subject)
        let now = self.now()
        return try await store.write { db in
            // Still waiting (not picked, withdrawn or made a call-back meanwhile)?
            guard let row = try db.row("SELECT status, queue_id, urgency_rank FROM conversations WHERE id = ?", conversationID),
                  row.conversationStatus == .queued, let fromQueue = row.string("queue_id") else {
                throw ClinicError.conflict(code: "not_waiting", message: "Only a matter waiting in the queue can be answered again.")
            }
            switch outcome {
            case .redFlag(let flag):
                try db.run("""
                    UPDATE conversations SET answers = ?, outcome = 'redFlag', red_flag = ?, status = 'closed', offered_to = NULL,
                        offered_until = NULL, updated_at = ? WHERE id = ?
                    """, answersJSON.text, flag.id, now.millis, conversationID)
                let event = try ClinicEvent.append(db, conversationID: conversationID, type: .redFlag, data: .object([
                    "action": .string(flag.action.rawValue), "message": flag.message.json,
                    // It leaves this queue: the others waiting there move up.
                    "queue": .object(["id": .string(fromQueue)]), "whileWaiting": .bool(true),
                ]), at: now)
                return (.redFlag(id: flag.id, action: flag.action, message: flag.message), [event])
            case .route(let route):
                guard let queue = catalog.queue(route.queue) else { throw ClinicError.notFound }
                // A continuity offer ends: it was made for the case as it was (never for an urgent one, and only
                // in its queue); the whole queue the routing now names sees it at once.
                try db.run("""
                    UPDATE conversations SET answers = ?, queue_id = ?, urgency_rank = ?, routing_reason = ?, offered_to = NULL,
                        offered_until = NULL, updated_at = ? WHERE id = ?
                    """, answersJSON.text, queue.id, route.urgency.rank, route.reason.json.text, now.millis, conversationID)
                let position = try Self.position(db, conversationID: conversationID) ?? 1
                var data = JSONObject([("queue", .object(["id": .string(queue.id), "name": queue.name.json])),
                                       ("urgency", .string(route.urgency.rawValue))])
                if fromQueue != queue.id { data["previousQueue"] = .object(["id": .string(fromQueue)]) }
                let event = try ClinicEvent.append(db, conversationID: conversationID, type: .retriaged, data: .object(data), at: now)
                return (.queued(queue: queue, urgency: route.urgency, reason: route.reason, position: position, offeredTo: nil), [event])
            }
        }
    }
}
