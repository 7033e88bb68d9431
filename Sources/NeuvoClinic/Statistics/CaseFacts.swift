import Glibc
import NeuvoStore

/// The words a text column may hold, matched on its bytes: a scan of 300,000
/// rows reads each state or outcome without making a String of it.
struct Words {
    private let words: [[UInt8]]

    init(_ words: [String]) { self.words = words.map { Array($0.utf8) } }

    /// The index of the word equal to `bytes`, or nil (NULL or another word).
    func index(_ bytes: UnsafeBufferPointer<UInt8>?) -> Int? {
        guard let bytes, let start = bytes.baseAddress else { return nil }
        for (index, word) in words.enumerated() where word.count == bytes.count {
            if bytes.isEmpty || word.withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, bytes.count) }) == 0 { return index }
        }
        return nil
    }

    static let statuses = Words(ConversationStatus.allCases.map(\.rawValue))
    static let outcomes = Words(ClosingOutcome.allCases.map(\.rawValue))
    static let actions = Words(PreQuestionnaire.RedFlag.Action.allCases.map(\.rawValue))
    static let whose = Words(WhoseMatter.allCases.map(\.rawValue))
    static let triage = Words(["queued", "redFlag"])
}

/// Ids seen in a scan (queues, services), numbered in order of first sight so
/// tallies are arrays, not dictionaries keyed by strings.
struct Interner {
    private(set) var ids: [String] = []
    private var bytes: [[UInt8]] = []

    mutating func number(_ text: UnsafeBufferPointer<UInt8>?) -> Int? {
        guard let text, let start = text.baseAddress else { return nil }
        for (index, known) in bytes.enumerated() where known.count == text.count {
            if text.isEmpty || known.withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, text.count) }) == 0 { return index }
        }
        bytes.append(Array(text))
        ids.append(String(decoding: text, as: UTF8.self))
        return ids.count - 1
    }
}

/// One conversation as statistics see it: its statistics row, no content, in
/// 64 bytes (a year of them is cached; see ``StatisticsDays``). Categories are
/// indexes into their enum's `allCases` (-1: none); queue, service and red flag
/// are numbers from the cache's interners; a time of 0 is none.
struct CaseFacts: Sendable {
    static let query = """
        SELECT created_at, first_queue_id, service_id, status, outcome, red_flag, red_flag_action, queued_at, picked_at,
            first_reply_at, closed_at, closing_outcome, transfers, consultations, subject_kind, identified, feedback_score,
            feedback_commented
        FROM conversations INDEXED BY conversations_statistics WHERE created_at >= ? AND created_at < ?
        """

    static let allStatuses = ConversationStatus.allCases

    let openedAt: Int64
    private let queuedTime: Int64
    private let pickedTime: Int64
    private let firstReplyTime: Int64
    private let closedTime: Int64
    let queue: Int32
    let service: Int32
    /// The red flag's number, when the pre-questions hit one.
    let redFlag: Int32
    private let statusCode: Int8
    /// Index into `PreQuestionnaire.RedFlag.Action.allCases`.
    let redFlagAction: Int8
    /// Index into `ClosingOutcome.allCases`.
    let outcome: Int8
    /// Index into `WhoseMatter.allCases`.
    let whoseMatter: Int8
    let feedbackScore: Int8
    let transfers: UInt8
    let consultations: UInt8
    let reachedQueue: Bool
    let isRedFlag: Bool
    let identified: Bool
    let commented: Bool

    init(_ row: Statement, queues: inout Interner, services: inout Interner, flags: inout Interner) {
        func code(_ index: Int32, _ words: Words) -> Int8 { Int8(row.withText(at: index) { words.index($0) } ?? -1) }
        func number(_ index: Int32, _ interner: inout Interner) -> Int32 { Int32(row.withText(at: index) { interner.number($0) } ?? -1) }
        func small(_ index: Int32) -> UInt8 { UInt8(min(255, max(0, row.int64OrZero(at: index)))) }
        openedAt = row.int64OrZero(at: 0)
        queue = number(1, &queues)
        service = number(2, &services)
        statusCode = code(3, Words.statuses)
        let triage = code(4, Words.triage)
        reachedQueue = triage == 0
        isRedFlag = triage == 1
        redFlag = isRedFlag ? number(5, &flags) : -1
        redFlagAction = code(6, Words.actions)
        queuedTime = row.int64OrZero(at: 7)
        pickedTime = row.int64OrZero(at: 8)
        firstReplyTime = row.int64OrZero(at: 9)
        closedTime = row.int64OrZero(at: 10)
        outcome = code(11, Words.outcomes)
        transfers = small(12)
        consultations = small(13)
        whoseMatter = code(14, Words.whose)
        identified = row.int64OrZero(at: 15) != 0
        feedbackScore = row.int64(at: 16).map { Int8(clamping: $0) } ?? -1
        commented = row.int64OrZero(at: 17) != 0
    }

    var status: ConversationStatus? { statusCode < 0 ? nil : Self.allStatuses[Int(statusCode)] }
    var pickedAt: Int64? { pickedTime == 0 ? nil : pickedTime }
    var firstReplyAt: Int64? { firstReplyTime == 0 ? nil : firstReplyTime }
    var closedAt: Int64? { closedTime == 0 ? nil : closedTime }

    /// Queued → first picked, for a case a professional picked.
    var wait: Int64? {
        guard reachedQueue, queuedTime != 0, pickedTime != 0 else { return nil }
        return max(0, pickedTime - queuedTime)
    }
}
