import NeuvoJSON
import NeuvoStore

/// A waiting case as a work-queue view lists it: enough to choose, no more.
public struct WaitingCase: Sendable, Equatable {
    public let conversationID: String
    public let queueID: String
    public let urgency: Urgency
    public let queuedAt: Timestamp
    public let serviceID: String?
    public let subjectKind: String?
    public let identified: Bool
    /// One line from the pre-question answers, in the reader's language.
    public let summary: String
    /// Offered to this professional first: they handled the resident's previous case.
    public let offeredToMe: Bool
    /// The resident's language, when their page said it.
    public var language: Language? = nil

}

extension Clinic {
    /// Marks a professional on or off shift in one of their queues.
    /// Going off shift ends the continuity offers made to them there, so those cases are everyone's.
    public func setShift(professionalID: Int64, queueID: String, onShift: Bool) async throws -> (professional: Professional, events: [ClinicEvent]) {
        let now = self.now()
        return try await store.write { db in
            guard try db.row("SELECT 1 AS x FROM queue_memberships WHERE professional_id = ? AND queue_id = ?", professionalID, queueID) != nil else {
                throw ClinicError.notFound
            }
            try db.run("UPDATE queue_memberships SET on_shift_since = ? WHERE professional_id = ? AND queue_id = ?",
                       onShift ? now.millis : nil, professionalID, queueID)
            let events = onShift ? [] : try Self.endOffers(db, to: professionalID, inQueues: [queueID], at: now)
            return (try Professional.load(db, where: "id = ?", professionalID)!.professional, events)
        }
    }

    /// The waiting cases `professionalID` may take: those of the given queues
    /// not offered to someone else right now, and those offered to them.
    /// Most urgent first, then longest waiting; at most `limit` of them, with
    /// `total` counting all, so a long queue is never silently cut short.
    ///
    /// `only` narrows it to those conversations (for the rows a professional's event stream carries).
    public func waitingCases(queues: [String], professionalID: Int64, language: Language = .fi,
                             limit: Int = 500, only: [String]? = nil) throws -> (cases: [WaitingCase], total: Int) {
        let catalog = try activeCatalog()
        let now = self.now()
        let placeholders = Array(repeating: "?", count: max(queues.count, 1)).joined(separator: ", ")
        let narrowed = only.map { ids in " AND c.id IN (\(Array(repeating: "?", count: max(ids.count, 1)).joined(separator: ", ")))" } ?? ""
        let visible = """
            c.status = 'queued' AND (
                c.offered_to = ? AND c.offered_until > ?
                OR c.queue_id IN (\(placeholders)) AND (c.offered_to IS NULL OR c.offered_until <= ?))\(narrowed)
            """
        var arguments: [DatabaseValueConvertible] = [professionalID, now.millis] + (queues.isEmpty ? [""] : queues) + [now.millis]
        if let only { arguments += only.isEmpty ? [""] : only }
        return try store.read { db in
            // The whole queue's count; for given conversations, they are the whole answer.
            var total: Int?
            if only == nil {
                let counter = try db.statement("SELECT COUNT(*) AS n FROM conversations c WHERE \(visible)")
                try counter.bind(arguments)
                defer { counter.reset() }
                total = try counter.step() ? counter.row().int("n") ?? 0 : 0
            }
            let statement = try db.statement("""
                SELECT c.id, c.queue_id, c.urgency_rank, c.queued_at, c.service_id, c.subject, c.answers, c.catalog_version, c.language,
                    s.identity_code IS NOT NULL AS identified, c.offered_to = ? AND c.offered_until > ? AS offered
                FROM conversations c JOIN resident_sessions s ON s.id = c.resident_session_id
                WHERE \(visible)
                ORDER BY c.urgency_rank, c.queued_at, c.id LIMIT ?
                """)
            try statement.bind([professionalID, now.millis] + arguments + [limit])
            defer { statement.reset() }
            var cases: [WaitingCase] = []
            while try statement.step() {
                let row = statement.row()
                let subject = row.string("subject").flatMap { try? JSONValue.parse($0) }
                let answers = row.string("answers").flatMap { try? JSONValue.parse($0) }
                let service = row.string("service_id").flatMap { catalog?.service($0) }
                cases.append(WaitingCase(
                    conversationID: row.string("id") ?? "", queueID: row.string("queue_id") ?? "",
                    urgency: Urgency.allCases.first { $0.rank == row.int("urgency_rank") } ?? .normal,
                    queuedAt: Timestamp(millis: row.int64("queued_at") ?? 0), serviceID: row.string("service_id"),
                    subjectKind: subject?["kind"]?.stringValue, identified: row.int("identified") == 1,
                    summary: Self.oneLineSummary(service: service, answers: answers, language: language),
                    offeredToMe: row.int("offered") == 1, language: row.string("language").flatMap(Language.init(rawValue:))))
            }
            return (cases, total ?? cases.count)
        }
    }

    /// "Iho-oireet: Päiviä · kyllä · ei" — the answers only, short, for a list row.
    static func oneLineSummary(service: Service?, answers: JSONValue?, language: Language) -> String {
        guard let service, let questionnaire = service.questionnaire, let answers = answers?.objectValue else { return "" }
        var parts: [String] = []
        for question in questionnaire.questions {
            guard let value = answers[question.id] else { continue }
            let shown: String
            switch (question.kind, value) {
            case (.text, .string(let s)): shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            case (.singleChoice, _), (.multipleChoice, _), (.yesNo, _), (.number, _):
                shown = readable(value, for: question, language: language)
            default: continue
            }
            parts.append(shown)
        }
        let line = service.title[language] + ": " + parts.joined(separator: " · ")
        return line.count > 160 ? String(line.prefix(159)) + "…" : line
    }

    /// Picks a case for `professional`: the given one, or the most urgent and
    /// longest waiting in their queues. Atomic: of concurrent picks of one case
    /// exactly one succeeds; the others get `case_taken`.
    public func pick(professional: Professional, conversationID: String?) async throws -> (conversation: Conversation, events: [ClinicEvent]) {
        let now = self.now()
        return try await store.write { db in
            // As the account is at this commit, not as it was when the request was signed in:
            // a disabled account takes nothing, and a queue just left is left.
            guard let current = try Professional.load(db, where: "id = ?", professional.id)?.professional, !current.disabled else {
                throw ClinicError.notFound
            }
            let queues = current.queues
            let id: String
            if let conversationID {
                guard let row = try db.row("SELECT status, queue_id, offered_to, offered_until FROM conversations WHERE id = ?", conversationID),
                      let queue = row.string("queue_id") else { throw ClinicError.notFound }
                let offer = row.int64("offered_until").map { $0 > now.millis } == true ? row.int64("offered_to") : nil
                // Visible: offered to me, or in my queues and not offered to someone else now.
                guard offer == professional.id || (queues.contains(queue) && offer == nil) else { throw ClinicError.notFound }
                guard row.conversationStatus == .queued else {
                    throw ClinicError.conflict(code: "case_taken", message: "Someone else already picked this case, or it left the queue.")
                }
                id = conversationID
            } else {
                let placeholders = Array(repeating: "?", count: max(queues.count, 1)).joined(separator: ", ")
                let statement = try db.statement("""
                    SELECT id FROM conversations WHERE status = 'queued' AND (
                        offered_to = ? AND offered_until > ?
                        OR queue_id IN (\(placeholders)) AND (offered_to IS NULL OR offered_until <= ?))
                    ORDER BY urgency_rank, queued_at, id LIMIT 1
                    """)
                try statement.bind([professional.id, now.millis] + (queues.isEmpty ? [""] : queues) + [now.millis])
                // Reset at once: a statement left open across COMMIT would pin the WAL.
                defer { statement.reset() }
                guard try statement.step(), let next = statement.row().string("id") else {
                    throw ClinicError.conflict(code: "queue_empty", message: "No case is waiting in your queues.")
                }
                id = next
            }
            try db.run("""
                UPDATE conversations SET status = 'active', professional_id = ?, picked_at = ?, updated_at = ?, handled_via = 'picked',
                    offered_to = NULL, offered_until = NULL
                WHERE id = ? AND status = 'queued'
                """, professional.id, now.millis, now.millis, id)
            try db.run("INSERT OR IGNORE INTO case_participants (conversation_id, professional_id, role, since) VALUES (?, ?, 'handler', ?)",
                       id, professional.id, now.millis)
            try db.run("INSERT INTO audit_log (professional_id, conversation_id, reason, at) VALUES (?, ?, 'picked', ?)",
                       professional.id, id, now.millis)
            let conversation = Conversation(row: try db.row("SELECT * FROM conversations WHERE id = ?", id)!)
            let event = try ClinicEvent.append(db, conversationID: id, type: .picked, data: .object([
                "queue": .object(["id": .string(conversation.queueID ?? "")]),
                "professional": .object(["displayName": .string(professional.displayName), "title": .string(professional.title)]),
            ]), at: now)
            return (conversation, [event])
        }
    }
}
