/// Choices about the record document, set by configuration.
public struct RecordExportOptions: Sendable {
    /// Include the whole matter: the chat's messages and the professionals' internal notes
    /// (consultation notes among them) as sections of the document.
    public var includeTranscript = true
    /// The public address the record system reaches Neuvo at, for photo URLs.
    public var baseURL = "http://localhost"
    /// The canonical base of Neuvo's code systems and identifier systems; nil: `baseURL` + `/fhir`.
    public var canonicalBase: String?
    /// The organisation that keeps the record (the wellbeing services county), named as the
    /// document's custodian; none when not configured.
    public var custodian: Custodian?

    public var systems: FHIRSystems {
        FHIRSystems(base: canonicalBase ?? (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/fhir")
    }

    /// An organisation by its OID (e.g. a wellbeing services county's in the SOTE organisation register).
    public struct Custodian: Sendable, Equatable {
        public let oid: String
        public let name: String

        /// Nil unless `oid` is an OID (digits and dots, no leading zeros) and `name` is one line of text.
        public init?(oid: String, name: String) {
            guard ObjectIdentifier.isValid(oid) else { return nil }
            let trimmed = name.trimmingSpacesAndNewlines()
            guard !trimmed.isEmpty, trimmed.count <= 200, !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return nil }
            self.oid = oid
            self.name = String(trimmed)
        }
    }

    public init(includeTranscript: Bool = true, baseURL: String = "http://localhost", canonicalBase: String? = nil,
                custodian: Custodian? = nil) {
        self.includeTranscript = includeTranscript
        self.baseURL = baseURL
        self.canonicalBase = canonicalBase
        self.custodian = custodian
    }
}
