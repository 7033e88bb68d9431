import NeuvoStore

/// What the register keeper asks of the access log. At least one criterion;
/// each failure names its field.
public struct AccessLogQuery: Sendable, Equatable {
    public static let longestRange = 400

    public let conversationID: String?
    public let professional: String?
    public let identityCode: PersonalIdentityCode?
    public let from: LocalDate?
    public let through: LocalDate?

    public init(conversation: String?, professional: String?, identityCode: String?, from: String?, to: String?) throws(ClinicError) {
        if let conversation, !Identifier.isWellFormed(conversation) {
            throw .invalid(field: "conversation", message: "conversation must be a conversation id.")
        }
        if let professional, (professional.isEmpty || professional.utf8.count > 64) {
            throw .invalid(field: "professional", message: "professional must be a username.")
        }
        var code: PersonalIdentityCode?
        if let identityCode {
            guard let valid = PersonalIdentityCode(identityCode) else {
                throw .invalid(field: "identityCode", message: "identityCode must be a valid personal identity code.")
            }
            code = valid
        }
        var first: LocalDate?, last: LocalDate?
        if let from {
            guard let date = LocalDate(from) else { throw .invalid(field: "from", message: "from must be a date, YYYY-MM-DD.") }
            first = date
        }
        if let to {
            guard let date = LocalDate(to) else { throw .invalid(field: "to", message: "to must be a date, YYYY-MM-DD.") }
            last = date
        }
        if let first, let last {
            guard first <= last else { throw .invalid(field: "to", message: "to must not be before from.") }
            guard last.dayNumber - first.dayNumber < Self.longestRange else {
                throw .invalid(field: "to", message: "A range may span at most \(Self.longestRange) days.")
            }
        }
        guard conversation != nil || professional != nil || code != nil || first != nil || last != nil else {
            throw .invalid(field: "query", message: "Search by conversation, professional, identityCode or dates.")
        }
        conversationID = conversation
        self.professional = professional?.lowercased()
        self.identityCode = code
        self.from = first
        self.through = last
    }

    /// What was searched for, as the log of searches keeps it.
    var criteria: String {
        [("conversation", conversationID), ("professional", professional), ("identityCode", identityCode?.value),
         ("from", from?.description), ("to", through?.description)]
            .compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: " ")
    }
}

/// One line of the access log: who read what, when, and why.
public struct AccessLogEntry: Sendable, Equatable {
    public enum Reader: Sendable, Equatable {
        case professional(username: String, displayName: String, role: Professional.Role)
        /// The patient-record system, by the name of its API key.
        case recordSystem(key: String)
    }

    public enum Action: Sendable, Equatable {
        /// A professional opened the case (picked, consulted, transferred to, admin, opened again).
        case opened(AccessReason)
        /// The record system pulled, fetched a photo of, or acknowledged the case's export.
        case recordSystem(RecordSystemAccess, exportID: String)
        /// The register keeper searched this log.
        case searchedLog(criteria: String, results: Int)
    }

    public let at: Timestamp
    public let reader: Reader
    public let action: Action
    /// The case read; nil for a search of the log.
    public let conversationID: String?
}

/// What the record system did with an export.
public enum RecordSystemAccess: String, Sendable, CaseIterable {
    case pulled, photo, acknowledged
}

/// What a search of the access log found.
public struct AccessLogPage: Sendable {
    public let entries: [AccessLogEntry]
    /// More matched than `entries` holds.
    public let truncated: Bool
}
