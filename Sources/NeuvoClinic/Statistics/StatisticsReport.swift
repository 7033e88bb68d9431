/// Whose matter a conversation was (the first step of the resident's journey).
public enum WhoseMatter: String, Sendable, CaseIterable {
    case `self` = "self"
    case child
    case otherAdult
}

/// The measures of a set of conversations. Every count is of conversations
/// opened in the range (Europe/Helsinki); the README defines each one.
public struct CaseMeasures: Sendable, Equatable {
    public var opened = 0
    public var reachedQueue = 0
    public var redFlags = 0
    public var redFlagsByAction: [PreQuestionnaire.RedFlag.Action: Int] = [:]
    public var withdrawnBeforePick = 0
    /// Reached a queue and ended without a professional picking it (withdrawn or closed).
    public var unanswered = 0
    /// Still waiting in a queue now.
    public var waitingNow = 0
    public var picked = 0
    /// Closed by a professional after picking.
    public var closed = 0
    /// Answered the pre-questions: reached a queue or hit a red flag.
    public var triaged = 0
    public var identified = 0
    public var transfers = 0
    public var consultations = 0
    public var outcomes: [ClosingOutcome: Int] = [:]
    public var whoseMatter: [WhoseMatter: Int] = [:]
    public var feedbackGiven = 0
    public var nps = NetPromoterScore(answers: 0, promoters: 0, passives: 0, detractors: 0)
    public var wait: Distribution?
    public var firstReply: Distribution?
    public var handling: Distribution?

    public init() {}

    /// Unanswered of those that reached a queue.
    public var unansweredShare: Double? { Self.share(unanswered, of: reachedQueue) }
    /// Strongly identified of those who answered the pre-questions.
    public var identifiedShare: Double? { Self.share(identified, of: triaged) }
    /// Feedback given of the cases a professional closed.
    public var feedbackShare: Double? { Self.share(feedbackGiven, of: closed) }
    public var transfersPerCase: Double? { picked == 0 ? nil : Double(transfers) / Double(picked) }
    public var consultationsPerCase: Double? { picked == 0 ? nil : Double(consultations) / Double(picked) }

    static func share(_ part: Int, of whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
}

/// Contacts and mean wait in one hour of the day, weekday or date.
public struct TimeBucket: Sendable, Equatable {
    /// Conversations opened in it.
    public var contacts = 0
    /// Of those, the ones picked, and the sum of their waits (ms).
    public var picked = 0
    var waitSum: Int64 = 0

    public init() {}

    /// Mean wait in seconds of the conversations opened in it and picked.
    public var meanWait: Double? { picked == 0 ? nil : Double(waitSum) / Double(picked) / 1000 }

    mutating func add(wait: Int64?) {
        contacts += 1
        if let wait {
            picked += 1
            waitSum += wait
        }
    }
}

/// Everything the statistics page shows for one range and filter.
public struct StatisticsReport: Sendable {
    public struct RedFlagCount: Sendable, Equatable {
        public let flag: String
        public let action: PreQuestionnaire.RedFlag.Action?
        public let count: Int
    }

    public struct Group: Sendable {
        /// A queue or service id.
        public let id: String
        public let measures: CaseMeasures
    }

    public struct Comment: Sendable, Equatable {
        public let score: Int
        public let text: String
    }

    public let from: LocalDate
    public let through: LocalDate
    /// The queues counted; nil for all of them.
    public let queues: [String]?
    public let service: String?
    public let totals: CaseMeasures
    public let redFlags: [RedFlagCount]
    /// Index 0 is 00–01 local time.
    public let byHour: [TimeBucket]
    /// Index 0 is Monday.
    public let byWeekday: [TimeBucket]
    /// One per date from `from` through `through`.
    public let byDay: [(date: LocalDate, bucket: TimeBucket)]
    public let byQueue: [Group]
    public let byService: [Group]
    /// Free-text feedback, newest first, without dates or anything that leads to the case.
    public let comments: [Comment]
    /// How many comments there were (`comments` may be cut short).
    public let commentCount: Int
    /// The call-back requests made in the range, of the same queues (and service).
    public internal(set) var callBacks = CallBackMeasures()
}
