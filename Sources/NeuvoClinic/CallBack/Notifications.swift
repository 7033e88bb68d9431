import NeuvoJSON
import NeuvoStore

/// What a text message tells the resident.
public enum NotificationKind: String, Sendable, CaseIterable {
    case callBackConfirmed, callNear, notReached, professionalReplied
}

/// A text message in the outbox, as the SMS gateway pulls it.
public struct OutboxNotification: Sendable, Equatable {
    public let id: String
    /// The commit-ordered cursor.
    public let seq: Int64
    public let kind: NotificationKind
    /// Nil once retention has deleted it (the message is then not to be sent).
    public let phone: String?
    public let language: Language
    public let text: String?
    public let createdAt: Timestamp
    public let acknowledgedAt: Timestamp?

    init(row: Row) {
        id = row.string("id") ?? ""
        seq = row.int64("seq") ?? 0
        kind = row.string("kind").flatMap(NotificationKind.init(rawValue:)) ?? .callBackConfirmed
        phone = row.string("phone")
        language = row.string("language").flatMap(Language.init(rawValue:)) ?? .fi
        text = row.string("text")
        createdAt = Timestamp(millis: row.int64("created_at") ?? 0)
        acknowledgedAt = row.int64("acknowledged_at").map(Timestamp.init(millis:))
    }
}

/// The words of the text messages: the service's name, the window and the
/// calling number; never anything the resident told us.
enum NotificationText {
    static func window(_ start: Timestamp, _ end: Timestamp, _ language: Language) -> String {
        let calendar = LocalCalendar(from: LocalDate(dayNumber: Int(start.millis / 86_400_000) - 1),
                                     through: LocalDate(dayNumber: Int(end.millis / 86_400_000) + 1))
        let from = calendar.wallClock(of: start.millis), to = calendar.wallClock(of: end.millis)
        func clock(_ minute: Int) -> String {
            let separator = language == .en ? ":" : "."
            return "\(minute / 60)\(separator)\(minute % 60 < 10 ? "0" : "")\(minute % 60)"
        }
        let day = "\(from.date.day).\(from.date.month)."
        switch language {
        case .fi: return "\(day) klo \(clock(from.minute))–\(clock(to.minute))"
        case .sv: return "\(day) kl. \(clock(from.minute))–\(clock(to.minute))"
        case .en: return "on \(day) between \(clock(from.minute)) and \(clock(to.minute))"
        }
    }

    static func callNear(caller: PhoneNumber, _ language: Language) -> String {
        switch language {
        case .fi: return "Soitamme sinulle pian numerosta \(caller). Pidäthän puhelimen lähelläsi."
        case .sv: return "Vi ringer dig snart från numret \(caller). Håll telefonen nära dig."
        case .en: return "We will call you shortly from \(caller). Please keep your phone at hand."
        }
    }

    static func notReached(service: String, caller: PhoneNumber, _ language: Language) -> String {
        switch language {
        case .fi: return "Emme tavoittaneet sinua soittopyyntöösi (\(service)). Voit aloittaa uuden asioinnin Neuvossa tai soittaa meille numeroon \(caller)."
        case .sv: return "Vi nådde dig inte angående din begäran om att bli uppringd (\(service)). Du kan börja ett nytt ärende i Neuvo eller ringa oss på \(caller)."
        case .en: return "We could not reach you about your call-back request (\(service)). You can start a new matter in Neuvo or call us on \(caller)."
        }
    }

    static func professionalReplied(service: String, _ language: Language) -> String {
        switch language {
        case .fi: return "Sinulle on vastattu Neuvossa (\(service)). Avaa keskustelu laitteella, jolla aloitit sen."
        case .sv: return "Du har fått svar i Neuvo (\(service)). Öppna samtalet på enheten där du började det."
        case .en: return "You have a reply in Neuvo (\(service)). Open the conversation on the device where you started it."
        }
    }

    static func confirmed(service: String, window: String, caller: PhoneNumber, _ language: Language) -> String {
        switch language {
        case .fi: return "Soittopyyntösi on vastaanotettu (\(service)). Soitamme sinulle \(window) numerosta \(caller)."
        case .sv: return "Din begäran om att bli uppringd har tagits emot (\(service)). Vi ringer dig \(window) från numret \(caller)."
        case .en: return "Your call-back request has been received (\(service)). We will call you \(window) from \(caller)."
        }
    }
}

extension Clinic {
    /// Puts a text message in the outbox, in the transaction of the change it tells of.
    static func queueNotification(_ db: Database, conversationID: String, kind: NotificationKind, phone: PhoneNumber,
                                  language: Language, text: String, at now: Timestamp) throws {
        try db.run("""
            INSERT INTO notifications (id, conversation_id, kind, phone, language, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, Identifier.random(), conversationID, kind.rawValue, phone.e164, language.rawValue, text, now.millis)
    }

    /// The outbox after the cursor `after`, in commit order.
    public func notifications(after: Int64, limit: Int, unacknowledgedOnly: Bool) throws -> [OutboxNotification] {
        try store.read { db in
            try db.rows("""
                SELECT * FROM notifications WHERE seq > ? AND (? = 0 OR acknowledged_at IS NULL) ORDER BY seq LIMIT ?
                """, after, unacknowledgedOnly ? 1 : 0, limit).map(OutboxNotification.init(row:))
        }
    }

    /// How many text messages the gateway has not yet acknowledged.
    public func unacknowledgedNotificationCount() throws -> Int {
        try store.read { db in try db.row("SELECT COUNT(*) AS n FROM notifications WHERE acknowledged_at IS NULL")?.int("n") ?? 0 }
    }

    /// Marks a message sent by the gateway. Idempotent: the first time counts.
    public func acknowledgeNotification(id: String) async throws -> OutboxNotification {
        guard Identifier.isWellFormed(id) else { throw ClinicError.notFound }
        let now = self.now()
        return try await store.write { db in
            try db.run("UPDATE notifications SET acknowledged_at = COALESCE(acknowledged_at, ?) WHERE id = ?", now.millis, id)
            guard let row = try db.row("SELECT * FROM notifications WHERE id = ?", id) else { throw ClinicError.notFound }
            return OutboxNotification(row: row)
        }
    }
}
