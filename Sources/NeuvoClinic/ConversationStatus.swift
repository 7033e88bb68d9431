import NeuvoStore

/// Where a resident's matter is: open → queued → active → closed, or withdrawn;
/// from the queue it may wait for a call instead (callBack → closed).
/// The raw values are what the database and the API carry.
public enum ConversationStatus: String, Sendable, CaseIterable {
    /// Opened; the pre-questions are not yet answered.
    case open
    /// Waiting in a work queue.
    case queued
    /// A professional handles it.
    case active
    /// Handled and closed (or closed at once by a red flag).
    case closed
    /// The resident took it back before it was handled.
    case withdrawn
    /// Out of the chat queue, waiting for a professional to call in the window the resident chose.
    case callBack

    /// Closed or withdrawn: nothing more can be added.
    public var hasEnded: Bool { self == .closed || self == .withdrawn }
}

extension Row {
    /// The `status` column of a conversations row.
    var conversationStatus: ConversationStatus? { string("status").flatMap(ConversationStatus.init(rawValue:)) }
}
