/// A domain rule the request broke. The server maps each case to a status.
public enum ClinicError: Error, Sendable, Equatable {
    /// No such thing, or not the caller's to see (both answer 404, so ids cannot be probed).
    case notFound
    /// A field's value is not acceptable; `field` names it for the client.
    case invalid(field: String, message: String)
    /// A pre-question answer is unknown, hidden, of the wrong type, out of range, or missing.
    case invalidAnswer(question: String, message: String)
    /// The request contradicts an earlier one (e.g. a client id reused for other content).
    case conflict(code: String, message: String)
}
