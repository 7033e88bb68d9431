import NeuvoStore

/// Where a call-back request is.
public enum CallBackStatus: String, Sendable, CaseIterable {
    /// Waiting for its window and a professional.
    case requested
    /// A professional is calling.
    case picked
    case reached
    /// Every attempt went unanswered (or the number was wrong).
    case notReached
    /// The resident took it back.
    case cancelled

    /// Requested or picked: it holds a place in its window.
    public var isLive: Bool { self == .requested || self == .picked }
}

/// A window a resident may choose: Finnish wall-clock times as instants, and the places left.
public struct CallBackWindow: Sendable, Equatable {
    public let start: Timestamp
    public let end: Timestamp
    public let free: Int
}

/// A resident's request to be called.
public struct CallBack: Sendable, Equatable {
    public let id: String
    public let conversationID: String
    public let queueID: String
    public let window: (start: Timestamp, end: Timestamp)
    /// Nil once retention has deleted it.
    public let phone: PhoneNumber?
    /// A text message when the call is near.
    public let notify: Bool
    public let language: Language
    public let status: CallBackStatus
    public let attempts: Int
    public let createdAt: Timestamp

    init(row: Row) {
        id = row.string("id") ?? ""
        conversationID = row.string("conversation_id") ?? ""
        queueID = row.string("queue_id") ?? ""
        window = (Timestamp(millis: row.int64("window_start") ?? 0), Timestamp(millis: row.int64("window_end") ?? 0))
        phone = row.string("phone").flatMap(PhoneNumber.init)
        notify = (row.int64("notify") ?? 0) != 0
        language = row.string("language").flatMap(Language.init(rawValue:)) ?? .fi
        status = row.string("status").flatMap(CallBackStatus.init(rawValue:)) ?? .requested
        attempts = row.int("attempts") ?? 0
        createdAt = Timestamp(millis: row.int64("created_at") ?? 0)
    }

    public static func == (a: CallBack, b: CallBack) -> Bool {
        a.id == b.id && a.status == b.status && a.attempts == b.attempts && a.window == b.window && a.phone == b.phone
    }
}

/// What the resident page may offer a waiting resident: call-backs, if the
/// queue takes them and its rule says so now, with the windows of the next
/// three days that have any; and the request they already made.
public struct CallBackOffer: Sendable {
    /// Nil while the matter is in no queue (before its pre-questions, or stopped at a red flag).
    public let queue: WorkQueue?
    public let plan: CallBackPlan?
    /// Whether the queue's rule offers a call-back now (always, closed, or a long wait).
    public let offered: Bool
    public let windows: [CallBackWindow]
    public let current: CallBack?
}
