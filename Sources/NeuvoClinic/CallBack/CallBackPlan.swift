/// A work queue's call-backs: when residents may ask to be called, how many per
/// window, how many tries, the number the call comes from, and when the
/// resident page offers it (catalog `queues[].callBack`).
public struct CallBackPlan: Sendable, Equatable {
    public enum Offer: Sendable, Equatable {
        case always
        /// Only while the queue's chat is closed.
        case whenClosed
        /// When the wait estimate's upper bound passes this many minutes (or the queue is closed).
        case whenWaitOver(minutes: Int)
    }

    /// Call windows per weekday, Finnish time (the opening hours' format).
    public let windows: OpeningHours
    public let capacityPerWindow: Int
    /// How many times a professional tries before the request ends as not reached.
    public let attempts: Int
    /// The tries when the catalog does not say, and for a request whose queue no longer has a plan.
    public static let defaultAttempts = 2
    /// Shown to the resident, so they know the call when it comes.
    public let callerNumber: PhoneNumber
    public let offer: Offer

    init(_ cursor: JSONCursor) throws(CatalogError) {
        _ = try cursor.object(allowed: ["windows", "capacityPerWindow", "attempts", "callerNumber", "offer"])
        windows = try OpeningHours(cursor["windows"])
        guard windows.days.contains(where: { !$0.isEmpty }) else { throw cursor["windows"].fail("must have at least one window") }
        capacityPerWindow = try cursor["capacityPerWindow"].integer(in: 1...1000)
        attempts = cursor["attempts"].exists ? try cursor["attempts"].integer(in: 1...5) : Self.defaultAttempts
        let number = try cursor["callerNumber"].string(maxLength: 32)
        guard let phone = PhoneNumber(number) else { throw cursor["callerNumber"].fail("must be a Finnish telephone number") }
        callerNumber = phone
        let offer = cursor["offer"]
        switch offer.value?.stringValue {
        case "always": self.offer = .always
        case "whenClosed": self.offer = .whenClosed
        default:
            guard offer.value?.objectValue != nil else {
                throw offer.fail(offer.exists ? "must be \"always\", \"whenClosed\" or {\"whenWaitOverMinutes\": N}" : "is required")
            }
            _ = try offer.object(allowed: ["whenWaitOverMinutes"])
            self.offer = .whenWaitOver(minutes: try offer["whenWaitOverMinutes"].integer(in: 1...(24 * 60)))
        }
    }
}
