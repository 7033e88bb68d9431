/// How a case ended (Soite's first-assessment outcomes).
public enum ClosingOutcome: String, Sendable, CaseIterable {
    case adviceGiven
    case appointmentArranged
    case referred
    case noCareNeed

    /// The readable Finnish name, for the record document.
    public var finnishName: String {
        switch self {
        case .adviceGiven: return "Neuvonta annettu"
        case .appointmentArranged: return "Vastaanottoaika varattu"
        case .referred: return "Ohjattu muualle"
        case .noCareNeed: return "Ei hoidon tarvetta"
        }
    }
}
