import NeuvoEncoding
import NeuvoJSON

/// The HL7 FHIR R4 document (a `Bundle` of type `document`) for a closed case.
///
/// Entries, in order: the Composition (always first), the Patient, the acting
/// resident as a RelatedPerson when they acted for a child or another adult,
/// the Encounter (virtual), a Practitioner per professional who took part, the
/// pre-question answers as a QuestionnaireResponse, and a DocumentReference per
/// photo (fetched by URL, never inlined).
///
/// Every id is derived from the export id (name-based UUIDs), so the same input
/// always gives the same text and a re-pull is harmless; every reference is an
/// entry's `urn:uuid:` fullUrl.
public enum FHIRDocument {
    /// The name of Neuvo's UUID namespace (only hashed into ids, never written into a document).
    static let uuidNamespaceName = "https://neuvo.example/fhir"
    /// Finnish personal identity code (henkilötunnus), OID 1.2.246.21.
    static let personalIdentityCodeSystem = "urn:oid:1.2.246.21"
    /// Valvira's register of health care professionals (Terhikki), as HL7 Finland's fi-base names it.
    static let terhikkiSystem = "urn:oid:1.2.246.537.26"
    static let fiBase = "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/"
    static let fiBasePractitionerProfile = fiBase + "fi-base-practitioner"
    static let fiBasePractitionerRoleProfile = fiBase + "fi-base-practitioner-role"
    static let fiBasePatientProfile = fiBase + "fi-base-patient"
    static let fiBaseOrganizationProfile = fiBase + "fi-base-organization"
    static let fiBaseEncounterProfile = fiBase + "fi-base-encounter"
    static let fiBaseProvenanceProfile = fiBase + "fi-base-provenance"
    static let fiBaseCustodianProfile = fiBase + "fi-base-information-custodian-public"
    static let fiBaseServiceEventExtension = fiBase + "service-event"
    static let loinc = "http://loinc.org"
    static let participationTypeSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
    static let identifierTypeSystem = "http://terminology.hl7.org/CodeSystem/v2-0203"
    static let roleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"

    /// The document for `input`, as `options` configure it (photo addresses, code systems,
    /// the whole matter or not, the custodian).
    public static func bundle(for input: RecordExportInput, options: RecordExportOptions = RecordExportOptions()) -> JSONValue {
        Builder(input: input, options: options).bundle()
    }

    // MARK: - Narrative

    /// A generated narrative around already escaped XHTML content.
    static func narrative(xhtml: String) -> JSONValue {
        .object(["status": .string("generated"),
                 "div": .string("<div xmlns=\"http://www.w3.org/1999/xhtml\">\(xhtml)</div>")])
    }

    /// A generated narrative of plain text: escaped, one paragraph per line break run.
    static func narrative(_ text: String) -> JSONValue { narrative(xhtml: paragraph(text)) }

    /// `<p>` with escaped text, line breaks as `<br/>`; "(ei kirjattu)" when blank.
    static func paragraph(_ text: String) -> String {
        let trimmed = text.unicodeScalars.contains { !$0.properties.isWhitespace } ? text : "(ei kirjattu)"
        return "<p>\(escape(trimmed).replacingNewlines())</p>"
    }

    /// XML-escapes text; drops the control characters XML 1.0 cannot carry and
    /// turns CR and CR LF into LF.
    static func escape(_ text: String) -> String {
        var out = ""
        var previousCR = false
        for scalar in text.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "\n"
            case "\n": if !previousCR { out += "\n" }
            case "\t": out += " "
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Stable ids

    /// A name-based UUID (RFC 9562 version 5, SHA-1) for `name` in Neuvo's
    /// namespace (itself the version 5 UUID of ``uuidNamespaceName`` in the URL namespace).
    static func uuid(_ name: String) -> String {
        let urlNamespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        let bytes = uuidV5(namespace: uuidV5(namespace: urlNamespace, name: uuidNamespaceName), name: name)
        let s = Array(Identifier.hex(of: bytes).utf8)
        func part(_ r: Range<Int>) -> String { String(decoding: s[r], as: UTF8.self) }
        return "\(part(0..<8))-\(part(8..<12))-\(part(12..<16))-\(part(16..<20))-\(part(20..<32))"
    }

    static func uuidV5(namespace: [UInt8], name: String) -> [UInt8] {
        var digest = Array(SHA1.hash(namespace + Array(name.utf8)).prefix(16))
        digest[6] = (digest[6] & 0x0F) | 0x50  // version 5
        digest[8] = (digest[8] & 0x3F) | 0x80  // RFC 4122 variant
        return digest
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        let hex = Hex.uppercaseDigits
        var out: [UInt8] = []
        for b in text.utf8 {
            if (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b) || b == 45 || b == 46 || b == 95 || b == 126 {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - The builder

extension FHIRDocument {
    /// One professional's part in the case: handler and/or consultant.
    struct Practitioner {
        let participant: RecordExportInput.Participant
        var roles: [String]
        let fullUrl: String
    }

    struct Builder {
        let input: RecordExportInput
        let options: RecordExportOptions
        let systems: FHIRSystems
        var baseURL: String { options.baseURL }
        var includeTranscript: Bool { options.includeTranscript }
        /// The organisation that keeps the record, when configured: an Organization, the Composition's
        /// custodian, the Encounter's service provider and the custodian Provenance's agent.
        var custodian: RecordExportOptions.Custodian? { options.custodian }

        let compositionURL: String
        let patientURL: String
        let relatedPersonURL: String
        let encounterURL: String
        let responseURL: String
        let practitioners: [Practitioner]
        let organizationURL: String
        let provenanceURL: String
        let custodianProvenanceURL: String

        init(input: RecordExportInput, options: RecordExportOptions) {
            self.input = input
            self.options = options
            systems = options.systems
            func url(_ name: String) -> String { "urn:uuid:" + FHIRDocument.uuid(input.exportID + "/" + name) }
            compositionURL = url("composition")
            patientURL = url("patient")
            relatedPersonURL = url("related-person")
            encounterURL = url("encounter")
            responseURL = url("questionnaire-response")
            organizationURL = url("organization")
            provenanceURL = url("provenance")
            custodianProvenanceURL = url("provenance/custodian")
            var practitioners: [Practitioner] = []
            for participant in input.participants {
                if let i = practitioners.firstIndex(where: { $0.participant.id == participant.id }) {
                    if !practitioners[i].roles.contains(participant.role) { practitioners[i].roles.append(participant.role) }
                } else {
                    practitioners.append(Practitioner(participant: participant, roles: [participant.role],
                                                      fullUrl: url("practitioner/\(participant.id)")))
                }
            }
            self.practitioners = practitioners
        }

        func photoURL(_ photoID: String) -> String { "urn:uuid:" + FHIRDocument.uuid(input.exportID + "/photo/" + photoID) }

        var subject: Subject { input.subject ?? .myself }
        var actsForSomeoneElse: Bool { subject != .myself }
        var hasQuestionnaireResponse: Bool { input.serviceID != nil || !input.answers.isEmpty }

        func reference(_ url: String) -> JSONValue { .object(["reference": .string(url)]) }

        func entry(_ url: String, _ resource: JSONValue) -> JSONValue {
            .object(["fullUrl": .string(url), "resource": resource])
        }

        /// The last path part of a `urn:uuid:` fullUrl, used as the resource id.
        func id(_ url: String) -> JSONValue { .string(String(url.dropFirst("urn:uuid:".count))) }

        func bundle() -> JSONValue {
            var entries: [JSONValue] = [entry(compositionURL, composition()), entry(patientURL, patient())]
            if actsForSomeoneElse { entries.append(entry(relatedPersonURL, relatedPerson())) }
            entries.append(entry(encounterURL, encounter()))
            for practitioner in practitioners { entries.append(entry(practitioner.fullUrl, self.practitioner(practitioner))) }
            if hasQuestionnaireResponse { entries.append(entry(responseURL, questionnaireResponse())) }
            for (i, photoID) in input.photoIDs.enumerated() {
                entries.append(entry(photoURL(photoID), documentReference(photoID, number: i + 1)))
            }
            if let role = closerRole { entries.append(entry(role.url, practitionerRole(role.practitioner))) }
            if let custodian { entries.append(entry(organizationURL, organization(custodian))) }
            entries.append(entry(provenanceURL, provenance()))
            if let custodian { entries.append(entry(custodianProvenanceURL, custodianProvenance(custodian))) }
            return .object([
                "resourceType": .string("Bundle"),
                "id": .string(input.exportID),
                "identifier": .object(["system": .string("urn:ietf:rfc:3986"),
                                       "value": .string("urn:uuid:" + FHIRDocument.uuid(input.exportID + "/bundle"))]),
                "type": .string("document"),
                "timestamp": .string(input.closedAt.rfc3339),
                "entry": .array(entries),
            ])
        }
    }
}

extension String {
    func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br/>")
    }
}
