/// How soon a routed case must be handled; picked in this order.
public enum Urgency: String, Sendable, CaseIterable, Comparable {
    case urgent, soon, normal

    /// 0 is handled first.
    public var rank: Int {
        switch self {
        case .urgent: return 0
        case .soon: return 1
        case .normal: return 2
        }
    }

    public static func < (a: Urgency, b: Urgency) -> Bool { a.rank < b.rank }

    /// As the record is kept, in Finnish.
    public var finnishName: String {
        switch self {
        case .urgent: return "Kiireellinen"
        case .soon: return "Pian hoidettava"
        case .normal: return "Kiireetön"
        }
    }
}
