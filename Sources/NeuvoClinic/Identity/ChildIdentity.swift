/// A child's personal identity code as their guardian gave it, and how far it is known to be theirs.
///
/// Only a strongly identified guardian may give one (an unidentified caller could put any
/// child's code into a record). When the identification proxy vouches for the guardian's
/// right to act for that child (a Suomi.fi mandate or the population register's guardianship,
/// sent as `X-Neuvo-Mandate`), the code is `.mandate`; otherwise it is as `.guardian` stated it.
public struct ChildIdentity: Sendable, Equatable {
    public let code: PersonalIdentityCode
    public let source: Source

    public enum Source: String, Sendable, CaseIterable {
        /// The identification proxy confirmed the guardian may act for this child.
        case mandate
        /// The identified guardian typed it; not confirmed.
        case guardian
    }

    public init(code: PersonalIdentityCode, source: Source) {
        self.code = code
        self.source = source
    }

    /// The date of birth the code states, as `YYYY-MM-DD`.
    public var birthDate: String {
        let (y, m, d) = code.birthDate
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }
}
