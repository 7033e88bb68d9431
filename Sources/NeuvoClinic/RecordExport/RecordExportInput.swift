import NeuvoJSON

/// Everything a closed case's record document is built from, gathered in the
/// closing transaction so the document matches what was committed.
public struct RecordExportInput: Sendable {
    public struct Participant: Sendable, Equatable {
        public let id: Int64
        public let displayName: String
        public let title: String
        /// "handler" or "consultant".
        public let role: String
        /// Their number in Valvira's register (Terhikki), when known.
        public var registerNumber: String? = nil
    }

    public struct AnsweredQuestion: Sendable, Equatable {
        public let questionID: String
        /// The question in Finnish, as the record is kept.
        public let text: String
        /// The answer as given (choice ids, booleans, numbers, text).
        public let answer: JSONValue
        /// The answer in readable Finnish ("Päiviä", "Kyllä", "38.5 °C").
        public let display: String
        /// The question's type and options, so the document can type the answer
        /// (a choice as a coding with its label); nil: typed from the raw value.
        public var kind: Question.Kind? = nil
    }

    public struct Message: Sendable, Equatable {
        public let author: String
        public let text: String
        public let at: Timestamp
        /// The writing professional ("professional" messages), to name them in a transcript.
        public var professionalID: Int64? = nil
    }

    /// The export's own id: stable, used for the Bundle id and identifier.
    public let exportID: String
    public let conversationID: String
    public let catalogVersion: String?
    public let serviceID: String?
    public let serviceTitle: String?
    public let subject: Subject?
    /// The strongly identified acting resident's personal identity code, when known.
    public let residentIdentityCode: String?
    public let queueID: String?
    public let queueName: String?
    public let answers: [AnsweredQuestion]
    public let redFlag: String?
    public let routingReason: String?
    public let queuedAt: Timestamp?
    public let closedAt: Timestamp
    public let outcome: ClosingOutcome?
    public let instructions: String
    public let summary: String
    public let participants: [Participant]
    public let messages: [Message]
    /// Ids of the conversation's photos (fetched by URL, not inlined).
    public let photoIDs: [String]
    /// The professional reached the resident by telephone (a call-back), not only in the chat.
    public var phoneContact = false
    /// The urgency the case was queued with (its last re-triage included).
    public var urgency: Urgency?
    /// The professionals' internal notes (the handler's and consultants'), oldest first.
    public var notes: [Message] = []
    /// The professional who closed the case: the document's Provenance names them.
    public var closedBy: Int64?
    /// Kanta's service event (palvelutapahtuma) the case belongs to, as an OID, when the professional gave it.
    public var serviceEvent: String?
    /// Who sent each photo and what it is, by photo id (a photo without an entry: the resident's).
    public var photoFacts: [String: PhotoFact] = [:]

    public struct PhotoFact: Sendable, Equatable {
        /// The professional who sent it; nil: the resident.
        public var professionalID: Int64?
        public var mediaType: String
        public var size: Int
        public var at: Timestamp
    }
}
