import Glibc
import NeuvoEncoding
import NeuvoJSON
import Testing
@testable import NeuvoClinic

/// The inputs and readers the record-document tests share.
extension FHIRDocumentTests {
    /// Answers in question order, typed and readable as the closing transaction gathers them.
    static func answered(_ serviceID: String, _ values: [String: JSONValue]) throws -> [RecordExportInput.AnsweredQuestion] {
        let catalog = try testCatalog()
        let service = try #require(catalog.service(serviceID))
        return (service.questionnaire?.questions ?? []).compactMap { question in
            guard let value = values[question.id] else { return nil }
            return .init(questionID: question.id, text: question.text.fi, answer: value,
                         display: Clinic.readable(value, for: question, language: .fi), kind: question.kind)
        }
    }

    static func skinAnswers() throws -> [RecordExportInput.AnsweredQuestion] {
        try answered("skin", ["duration": .string("days"), "spreading": .bool(false), "breathing": .bool(false),
                              "fever": .bool(true), "temperature": .number(38.2), "notes": .string("Kutisee <paljon> & punoittaa")])
    }

    static let nurse = RecordExportInput.Participant(id: 7, displayName: "Hanna Hoitaja", title: "sairaanhoitaja", role: "handler")
    static let doctor = RecordExportInput.Participant(id: 9, displayName: "Lauri Lääkäri", title: "lääkäri", role: "handler")
    static let consultant = RecordExportInput.Participant(id: 11, displayName: "Iida Ihotautilääkäri", title: "erikoislääkäri",
                                                          role: "consultant")

    static func input(exportID: String = "0123456789abcdef0123456789abcdef", serviceID: String? = "skin",
                      subject: Subject? = .myself, identityCode: String? = nil,
                      answers: [RecordExportInput.AnsweredQuestion]? = nil, summary: String = "Ihottuma, ei hälyttäviä oireita.",
                      participants: [RecordExportInput.Participant] = [nurse], messages: [RecordExportInput.Message] = [],
                      photoIDs: [String] = [], queueID: String = "nurse", outcome: ClosingOutcome? = .adviceGiven) throws -> RecordExportInput {
        let serviceTitle: String? = switch serviceID {
        case "skin": "Iho-oireet"
        case "dental": "Suun terveys"
        default: nil
        }
        return RecordExportInput(
            exportID: exportID, conversationID: "fedcba9876543210fedcba9876543210", catalogVersion: "2026-11-01.1",
            serviceID: serviceID, serviceTitle: serviceTitle, subject: subject, residentIdentityCode: identityCode,
            queueID: queueID, queueName: queueID == "child-health" ? "Lasten terveys" : "Hoitajat",
            answers: try answers ?? skinAnswers(), redFlag: nil, routingReason: "Kuume", queuedAt: queuedAt, closedAt: closedAt,
            outcome: outcome, instructions: "Rasvaa iho kahdesti päivässä.\nOta yhteyttä, jos oireet pahenevat.",
            summary: summary, participants: participants, messages: messages, photoIDs: photoIDs)
    }

    // MARK: Helpers

    static func write(_ name: String, _ document: JSONValue) {
        let tmp = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let dir = (tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp) + "/neuvo-fhir-samples"
        mkdir(dir, 0o755)
        guard let file = fopen("\(dir)/\(name).json", "w") else { return }
        let bytes = Array(document.text.utf8)
        fwrite(bytes, 1, bytes.count, file)
        fclose(file)
    }

    /// Builds, checks what every document must hold, and writes the sample.
    static func document(_ name: String, _ input: RecordExportInput, includeTranscript: Bool = false,
                         baseURL: String = "https://neuvo.example.fi", custodian: RecordExportOptions.Custodian? = nil) throws -> JSONValue {
        let options = RecordExportOptions(includeTranscript: includeTranscript, baseURL: baseURL, custodian: custodian)
        let bundle = FHIRDocument.bundle(for: input, options: options)
        write(name, bundle)
        try checkCommon(bundle)
        #expect(bundle.text == FHIRDocument.bundle(for: input, options: options).text,
                "the same input gives the same text")
        return bundle
    }

    static func entries(_ bundle: JSONValue) -> [JSONValue] { bundle["entry"]?.arrayValue ?? [] }

    static func resources(_ bundle: JSONValue, _ type: String) -> [JSONValue] {
        entries(bundle).compactMap { $0["resource"] }.filter { $0["resourceType"]?.stringValue == type }
    }

    static func resource(_ bundle: JSONValue, _ type: String) throws -> JSONValue {
        let found = resources(bundle, type)
        try #require(found.count == 1, "exactly one \(type)")
        return found[0]
    }

    /// Every `reference` string anywhere under `value`.
    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            return object.flatMap { pair -> [String] in
                if pair.key == "reference", let s = pair.value.stringValue { return [s] }
                return references(in: pair.value)
            }
        case .array(let items): return items.flatMap(references(in:))
        default: return []
        }
    }

    /// Every narrative `div` anywhere under `value`.
    static func divs(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            return object.flatMap { pair -> [String] in
                if pair.key == "div", let s = pair.value.stringValue { return [s] }
                return divs(in: pair.value)
            }
        case .array(let items): return items.flatMap(divs(in:))
        default: return []
        }
    }

    static func resolve(_ bundle: JSONValue, _ reference: JSONValue?) -> JSONValue? {
        guard let url = reference?["reference"]?.stringValue else { return nil }
        return entries(bundle).first { $0["fullUrl"]?.stringValue == url }?["resource"]
    }

    static func checkCommon(_ bundle: JSONValue) throws {
        #expect(bundle["resourceType"]?.stringValue == "Bundle")
        #expect(bundle["type"]?.stringValue == "document")
        #expect(bundle["timestamp"]?.stringValue == closedAt.rfc3339)
        #expect(bundle["identifier"]?["system"]?.stringValue == "urn:ietf:rfc:3986")
        #expect(bundle["identifier"]?["value"]?.stringValue?.hasPrefix("urn:uuid:") == true)
        let all = entries(bundle)
        #expect(all.first?["resource"]?["resourceType"]?.stringValue == "Composition", "the Composition comes first")
        let fullUrls = all.compactMap { $0["fullUrl"]?.stringValue }
        #expect(fullUrls.count == all.count)
        #expect(Set(fullUrls).count == fullUrls.count, "fullUrls are unique")
        for entry in all {
            let url = entry["fullUrl"]?.stringValue ?? ""
            #expect(url.hasPrefix("urn:uuid:") && url.count == 45, "\(url) is a urn:uuid")
            #expect(entry["resource"]?["id"]?.stringValue.map { "urn:uuid:" + $0 } == url, "resource id matches \(url)")
        }
        let refs = references(in: bundle)
        #expect(!refs.isEmpty)
        for ref in refs { #expect(fullUrls.contains(ref), "\(ref) resolves inside the Bundle") }

        let composition = try #require(all.first?["resource"])
        #expect(composition["status"]?.stringValue == "final")
        let type = composition["type"]?["coding"]?.arrayValue?.first
        #expect(type?["system"]?.stringValue == "http://loinc.org")
        #expect(type?["code"]?.stringValue == "11488-4")
        #expect(resolve(bundle, composition["subject"])?["resourceType"]?.stringValue == "Patient")
        #expect(resolve(bundle, composition["encounter"])?["resourceType"]?.stringValue == "Encounter")
        #expect(composition["date"]?.stringValue == closedAt.rfc3339)
        #expect(composition["title"]?.stringValue?.isEmpty == false)
        let authors = composition["author"]?.arrayValue ?? []
        #expect(!authors.isEmpty)
        for section in composition["section"]?.arrayValue ?? [] {
            #expect(section["title"]?.stringValue?.isEmpty == false)
            #expect(section["text"]?["status"]?.stringValue == "generated")
            #expect(section["text"]?["div"]?.stringValue?.hasPrefix("<div xmlns=\"http://www.w3.org/1999/xhtml\">") == true)
        }
        for div in divs(in: bundle) {
            #expect(div.hasPrefix("<div xmlns=\"http://www.w3.org/1999/xhtml\">") && div.hasSuffix("</div>"))
            #expect(!div.contains("<script"))
        }

        let encounter = try resource(bundle, "Encounter")
        #expect(encounter["status"]?.stringValue == "finished")
        #expect(encounter["class"] == .object(["system": .string("http://terminology.hl7.org/CodeSystem/v3-ActCode"),
                                               "code": .string("VR"), "display": .string("virtual")]))
        #expect(resolve(bundle, encounter["subject"])?["resourceType"]?.stringValue == "Patient")
        #expect(encounter["period"]?["end"]?.stringValue == closedAt.rfc3339)
        for participant in encounter["participant"]?.arrayValue ?? [] {
            #expect(resolve(bundle, participant["individual"])?["resourceType"]?.stringValue == "Practitioner")
        }
        for practitioner in resources(bundle, "Practitioner") {
            // Neuvo's own number always; a Terhikki number too when known.
            #expect(practitioner["identifier"]?.arrayValue?.contains { $0["system"]?.stringValue?.hasSuffix("/fhir/sid/professional") == true } == true)
        }
    }

    static func sectionTitles(_ bundle: JSONValue) -> [String] {
        (entries(bundle).first?["resource"]?["section"]?.arrayValue ?? []).compactMap { $0["title"]?.stringValue }
    }

    static func section(_ bundle: JSONValue, _ title: String) -> JSONValue? {
        (entries(bundle).first?["resource"]?["section"]?.arrayValue ?? []).first { $0["title"]?.stringValue == title }
    }
}
