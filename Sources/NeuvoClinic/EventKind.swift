/// What an entry of the event log says happened. The raw values are what the
/// database and the API carry (`type`).
public enum EventKind: String, Sendable, CaseIterable {
    /// The conversation was opened (`data.status`).
    case status
    /// The pre-questions were answered and the case joined a queue.
    case queued
    /// The pre-questions hit a red flag: the resident must call now.
    case redFlag
    /// The resident answered again while waiting ("my condition has changed"): a new urgency, maybe another queue.
    case retriaged
    case withdrawn
    /// A professional took the case.
    case picked
    case message
    /// A professional's internal note (staff only).
    case note
    case photo
    /// Passed to another queue or a colleague.
    case transferred
    /// A colleague was asked to look at the case.
    case consulted
    /// A consultation ended because the case was passed on or closed (staff only; `data.professional.id` is the consultant).
    case consultationEnded
    case closed
    /// A continuity offer ended: the whole queue sees the case.
    case offerEnded
    /// The resident chose to be called in a window instead of waiting in the chat queue.
    case callBackRequested
    /// The resident took the call-back back (the matter is withdrawn).
    case callBackCancelled
    /// Every try went unanswered, or the number was wrong: the matter is closed as not reached.
    case callBackNotReached
    /// A professional recorded a try: reached, no answer (another may follow) or a wrong number.
    case callBackAttempt
}
