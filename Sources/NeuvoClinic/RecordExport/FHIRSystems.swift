import NeuvoEncoding

/// Neuvo's own FHIR identifier systems, code systems and canonicals, under one configurable
/// canonical base (by default the public address + `/fhir`, where ``FHIRCodeSystems`` serves
/// the code systems, so a record system can read every code a document uses).
public struct FHIRSystems: Sendable, Equatable {
    /// No trailing slash, e.g. `https://neuvo.hyvaks.fi/fhir`.
    public let base: String

    public init(base: String) {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
    }

    /// The code systems Neuvo defines itself, by their id under `<base>/CodeSystem/`.
    public enum CodeSystem: String, Sendable, CaseIterable {
        case caseOutcome = "case-outcome"
        case urgency
        case service
        case workQueue = "work-queue"
        case identification
    }

    public func codeSystem(_ system: CodeSystem) -> String { base + "/CodeSystem/" + system.rawValue }

    /// A question's options: `<base>/CodeSystem/<id>` with ``optionSystemID(serviceID:questionID:)``.
    func optionSystem(serviceID: String, questionID: String) -> String {
        "\(base)/CodeSystem/\(Self.optionSystemID(serviceID: serviceID, questionID: questionID))"
    }

    /// `<service>.<question>`: catalog ids are `[a-z0-9-]`, so the dot keeps every pair apart and
    /// apart from Neuvo's own ids. A FHIR id has at most 64 characters; a longer pair (or one with
    /// other characters) is named by its hash, `option.<16 hex>`.
    static func optionSystemID(serviceID: String, questionID: String) -> String {
        let id = serviceID + "." + questionID
        let plain = id.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 46 }
        if plain && id.utf8.count <= 64 { return id }
        return "option." + String(Hex.lowercase(SHA256.hash(Array((serviceID + "\n" + questionID).utf8))).prefix(16))
    }

    func questionnaire(serviceID: String) -> String { "\(base)/Questionnaire/\(FHIRDocument.percentEncoded(serviceID))" }

    var professional: String { base + "/sid/professional" }
    var conversation: String { base + "/sid/conversation" }
    var photo: String { base + "/sid/photo" }
    var outcomeExtension: String { base + "/StructureDefinition/case-outcome" }
}

/// An ISO object identifier as Finnish registers use them (`1.2.246.…`): digits and dots,
/// at least two arcs, the first 0–2, no leading zeros, at most 128 characters.
enum ObjectIdentifier {
    static func isValid(_ oid: String) -> Bool {
        let arcs = oid.split(separator: ".", omittingEmptySubsequences: false)
        return arcs.count >= 2 && oid.utf8.count <= 128 && ["0", "1", "2"].contains(arcs[0]) && arcs.allSatisfy { arc in
            !arc.isEmpty && arc.utf8.allSatisfy { (48...57).contains($0) } && (arc == "0" || !arc.hasPrefix("0"))
        }
    }

    /// `oid` or `urn:oid:oid` → the bare OID, or nil.
    static func parse(_ text: String) -> String? {
        let bare = text.lowercased().hasPrefix("urn:oid:") ? String(text.dropFirst(8)) : text
        return isValid(bare) ? bare : nil
    }
}
