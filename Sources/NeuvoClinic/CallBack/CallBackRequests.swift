import NeuvoJSON
import NeuvoStore

extension Clinic {
    /// What the resident page may offer this waiting (or call-back) conversation. 404 if it is not the session's.
    public func callBackOffer(conversationID: String, session: ResidentSession) throws -> CallBackOffer {
        let now = self.now()
        guard let row = try store.read({ db in
            try db.row("SELECT status, queue_id FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id)
        }) else { throw ClinicError.notFound }
        // Not (yet) in a queue — before the pre-questions, or stopped at a red flag: nothing to offer.
        guard let queueID = row.string("queue_id"), let queue = try activeCatalog()?.queue(queueID) else {
            return CallBackOffer(queue: nil, plan: nil, offered: false, windows: [], current: nil)
        }
        let status = row.conversationStatus
        // The wait estimate's upper bound, as the resident sees it (only while waiting in the chat queue).
        var longestWait: Int?
        if status == .queued, case .minutes(_, let high, _)? = try progress(conversationID: conversationID, after: nil, limit: 1)?.estimate {
            longestWait = high
        }
        return try store.read { db in
            let current = try db.row("""
                SELECT * FROM call_backs WHERE conversation_id = ? ORDER BY created_at DESC LIMIT 1
                """, conversationID).map(CallBack.init(row:))
            guard let plan = queue.callBack else {
                return CallBackOffer(queue: queue, plan: nil, offered: false, windows: [], current: current)
            }
            let closed = !queue.openingHours.isOpen(at: now)
            let offered: Bool
            switch plan.offer {
            case .always: offered = true
            case .whenClosed: offered = closed
            case .whenWaitOver(let minutes): offered = closed || (longestWait ?? 0) > minutes
            }
            let windows = try Self.freeWindows(db, queueID: queue.id, plan: plan, at: now)
            return CallBackOffer(queue: queue, plan: plan, offered: offered && status == .queued, windows: windows, current: current)
        }
    }

    /// Takes the resident's matter out of the chat queue into a call-back in
    /// `windowStart` (one of the offered windows' starts, as the API gave it),
    /// keeping its queued time. Race-safe: the window's places are counted in
    /// the writer's transaction, so its last place goes to one resident only.
    public func requestCallBack(conversationID: String, session: ResidentSession, phone rawPhone: String?, windowStart: String?,
                                notify: Bool, language: Language) async throws -> (callBack: CallBack, events: [ClinicEvent]) {
        guard let phone = rawPhone.flatMap(PhoneNumber.init) else {
            throw ClinicError.invalid(field: "phone", message: "phone must be a Finnish telephone number, e.g. 040 123 4567.")
        }
        if notify && !phone.isMobile {
            throw ClinicError.invalid(field: "phone", message: "A text message needs a mobile number (04x or 050).")
        }
        let offer = try callBackOffer(conversationID: conversationID, session: session)
        guard let plan = offer.plan else {
            throw ClinicError.conflict(code: "no_call_backs", message: "This service does not take call-back requests.")
        }
        if let current = offer.current, current.status.isLive {
            throw ClinicError.conflict(code: "call_back_exists", message: "A call-back has already been requested for this matter.")
        }
        guard offer.offered else {
            throw ClinicError.conflict(code: "call_back_not_offered", message: "A call-back is not offered for this matter now.")
        }
        guard let window = offer.windows.first(where: { $0.start.rfc3339 == windowStart }) else {
            throw ClinicError.invalid(field: "windowStart", message: "windowStart must be the start of one of the windows offered.")
        }
        guard let queue = offer.queue else {
            throw ClinicError.conflict(code: "no_call_backs", message: "This service does not take call-back requests.")
        }
        let now = self.now(), id = Identifier.random()
        let service = try serviceTitle(conversationID: conversationID, language: language)
        return try await store.write { db in
            guard try db.row("SELECT status FROM conversations WHERE id = ?", conversationID)?.conversationStatus == .queued else {
                throw ClinicError.conflict(code: "not_waiting", message: "Only a matter waiting in the queue can become a call-back.")
            }
            // One number is not a way to flood someone with calls or texts: one live request per number,
            // and at most three requests for it a day.
            let forNumber = try db.row("""
                SELECT COUNT(*) AS recent, COALESCE(SUM(status IN ('requested', 'picked')), 0) AS live FROM call_backs
                WHERE phone = ? AND created_at > ?
                """, phone.e164, now.millis - 24 * 3_600_000)
            guard (forNumber?.int("live") ?? 0) == 0, (forNumber?.int("recent") ?? 0) < 3 else {
                throw ClinicError.conflict(code: "phone_limit", message: "This number already has a call-back request, or has had three today.")
            }
            let taken = try db.row("""
                SELECT COUNT(*) AS n FROM call_backs WHERE queue_id = ? AND window_start = ? AND status IN ('requested', 'picked')
                """, queue.id, window.start.millis)?.int("n") ?? 0
            guard taken < plan.capacityPerWindow else {
                throw ClinicError.conflict(code: "window_full", message: "That window has just filled up; choose another.")
            }
            try db.run("""
                INSERT INTO call_backs (id, conversation_id, queue_id, window_start, window_end, phone, notify, language, status,
                    created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)
                """, id, conversationID, queue.id, window.start.millis, window.end.millis, phone.e164, notify, language.rawValue,
                       now.millis, now.millis)
            // Out of the chat queue; queued_at stays, so statistics keep the original wait's start.
            try db.run("UPDATE conversations SET status = 'callBack', offered_to = NULL, offered_until = NULL, updated_at = ? WHERE id = ?",
                       now.millis, conversationID)
            let event = try ClinicEvent.append(db, conversationID: conversationID, type: .callBackRequested, data: .object([
                "queue": .object(["id": .string(queue.id)]),
                "window": .object(["start": .string(window.start.rfc3339), "end": .string(window.end.rfc3339)]),
                "callerNumber": .string(plan.callerNumber.description),
            ]), at: now)
            if phone.isMobile {
                try Self.queueNotification(db, conversationID: conversationID, kind: .callBackConfirmed, phone: phone, language: language,
                                           text: NotificationText.confirmed(service: service, window: NotificationText.window(window.start, window.end, language),
                                                                            caller: plan.callerNumber, language), at: now)
            }
            let callBack = CallBack(row: try db.row("SELECT * FROM call_backs WHERE id = ?", id)!)
            return (callBack, [event])
        }
    }

    /// The resident takes the call-back back before anyone calls: the matter is withdrawn.
    public func cancelCallBack(conversationID: String, session: ResidentSession) async throws -> (callBack: CallBack, events: [ClinicEvent]) {
        let now = self.now()
        return try await store.write { db in
            guard try db.row("SELECT id FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id) != nil,
                  let row = try db.row("SELECT * FROM call_backs WHERE conversation_id = ? ORDER BY created_at DESC LIMIT 1", conversationID) else {
                throw ClinicError.notFound
            }
            let callBack = CallBack(row: row)
            switch callBack.status {
            case .cancelled: return (callBack, [])
            case .requested: break
            case .picked: throw ClinicError.conflict(code: "call_in_progress", message: "A professional is already calling.")
            case .reached, .notReached: throw ClinicError.conflict(code: "call_back_ended", message: "This call-back has ended.")
            }
            try db.run("UPDATE call_backs SET status = 'cancelled', updated_at = ? WHERE id = ?", now.millis, callBack.id)
            try db.run("UPDATE conversations SET status = 'withdrawn', updated_at = ? WHERE id = ?", now.millis, conversationID)
            let event = try ClinicEvent.append(db, conversationID: conversationID, type: .callBackCancelled, data: .object([
                "queue": .object(["id": .string(callBack.queueID)]), "status": .string(ConversationStatus.withdrawn.rawValue),
            ]), at: now)
            return (CallBack(row: try db.row("SELECT * FROM call_backs WHERE id = ?", callBack.id)!), [event])
        }
    }

    /// The conversation's service title in `language` (the text message names it, nothing else of the matter).
    func serviceTitle(conversationID: String, language: Language) throws -> String {
        let catalog = try activeCatalog()
        return try store.read { db in try Self.serviceTitle(db, conversationID: conversationID, catalog: catalog, language: language) }
    }
}
