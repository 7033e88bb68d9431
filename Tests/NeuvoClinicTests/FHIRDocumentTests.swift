import Foundation
import Glibc
import NeuvoEncoding
import NeuvoJSON
import Testing

@testable import NeuvoClinic

/// The record document: an HL7 FHIR R4 `document` Bundle built from a closed case.
///
/// Every sample built here is also written to `$TMPDIR/neuvo-fhir-samples/NAME.json`
/// (TMPDIR defaulting to /tmp), where Tests/clients/test_fhir.py validates it
/// against the FHIR R4 JSON schema and the fhir.resources models.
@Suite struct FHIRDocumentTests {
    static let hetu = "131052-308T"
    static let closedAt = Timestamp(millis: 1_795_000_000_000)
    static let queuedAt = Timestamp(millis: 1_794_999_000_000)


    @Test func identifiedAdult() throws {
        let bundle = try Self.document("identified-adult", Self.input(identityCode: Self.hetu))
        #expect(Self.entries(bundle).compactMap { $0["resource"]?["resourceType"]?.stringValue }
                == ["Composition", "Patient", "Encounter", "Practitioner", "QuestionnaireResponse", "PractitionerRole", "Provenance"])
        let patient = try Self.resource(bundle, "Patient")
        #expect(patient["identifier"]?.arrayValue?.count == 1)
        #expect(patient["identifier"]?.arrayValue?.first?["system"] == .string("urn:oid:1.2.246.21"))
        #expect(patient["identifier"]?.arrayValue?.first?["value"] == .string(Self.hetu))
        #expect(patient["meta"]?["tag"]?.arrayValue?.first?["code"]?.stringValue == "identified")
        #expect(Self.sectionTitles(bundle) == ["Yhteydenoton syy ja esitiedot", "Yhteenveto", "Ohjeet asiakkaalle", "Lopputulos"])

        let encounter = try Self.resource(bundle, "Encounter")
        #expect(encounter["period"]?["start"]?.stringValue == Self.queuedAt.rfc3339)
        #expect(encounter["serviceType"]?["text"]?.stringValue == "Hoitajat")
        #expect(encounter["identifier"]?.arrayValue?.first?["value"]?.stringValue == "fedcba9876543210fedcba9876543210")
        let participant = try #require(encounter["participant"]?.arrayValue?.first)
        #expect(participant["type"]?.arrayValue?.first?["coding"]?.arrayValue?.first?["code"]?.stringValue == "PPRF")

        let practitioner = try Self.resource(bundle, "Practitioner")
        #expect(practitioner["name"]?.arrayValue?.first?["text"]?.stringValue == "Hanna Hoitaja")
        #expect(practitioner["qualification"]?.arrayValue?.first?["code"]?["text"]?.stringValue == "sairaanhoitaja")
        #expect(practitioner["identifier"]?.arrayValue?.first?["value"]?.stringValue == "7")

        // The outcome: code and display, in the narrative and as a coding.
        let outcome = try #require(Self.section(bundle, "Lopputulos"))
        #expect(outcome["extension"]?.arrayValue?.first?["valueCoding"]?["code"]?.stringValue == "adviceGiven")
        #expect(outcome["text"]?["div"]?.stringValue?.contains("Neuvonta annettu (adviceGiven)") == true)
        let instructions = try #require(Self.section(bundle, "Ohjeet asiakkaalle"))
        #expect(instructions["text"]?["div"]?.stringValue?.contains("päivässä.<br/>Ota yhteyttä") == true)
    }

    @Test func answersAreTypedAsGiven() throws {
        let bundle = try Self.document("identified-adult-answers", Self.input(identityCode: Self.hetu))
        let response = try Self.resource(bundle, "QuestionnaireResponse")
        #expect(response["status"]?.stringValue == "completed")
        #expect(response["questionnaire"]?.stringValue == "https://neuvo.example.fi/fhir/Questionnaire/skin|2026-11-01.1")
        #expect(Self.resolve(bundle, response["subject"])?["resourceType"]?.stringValue == "Patient")
        #expect(Self.resolve(bundle, response["encounter"])?["resourceType"]?.stringValue == "Encounter")
        let items = response["item"]?.arrayValue ?? []
        func answer(_ linkID: String) -> [JSONValue] {
            items.first { $0["linkId"]?.stringValue == linkID }?["answer"]?.arrayValue ?? []
        }
        #expect(items.compactMap { $0["linkId"]?.stringValue } == ["duration", "spreading", "breathing", "fever", "temperature", "notes"])
        #expect(answer("duration") == [.object(["valueCoding": .object([
            "system": .string("https://neuvo.example.fi/fhir/CodeSystem/skin.duration"), "code": .string("days"),
            "display": .string("Päiviä")])])])
        #expect(answer("spreading") == [.object(["valueBoolean": .bool(false)])])
        #expect(answer("fever") == [.object(["valueBoolean": .bool(true)])])
        #expect(answer("temperature") == [.object(["valueDecimal": .number(38.2)])])
        #expect(answer("notes") == [.object(["valueString": .string("Kutisee <paljon> & punoittaa")])])
        let reason = try #require(Self.section(bundle, "Yhteydenoton syy ja esitiedot"))
        #expect(reason["text"]?["div"]?.stringValue?.contains("Kutisee &lt;paljon&gt; &amp; punoittaa") == true)
        #expect(reason["entry"]?.arrayValue?.first.flatMap { Self.resolve(bundle, $0) }?["resourceType"]?.stringValue
                == "QuestionnaireResponse")

        // An integer question and a multiple choice (two answer entries).
        let dental = try Self.input(serviceID: "dental",
                                    answers: Self.answered("dental", ["pain": .int(6), "where": .array([.string("upper"), .string("lower")])]),
                                    queueID: "dental")
        let dentalBundle = try Self.document("dental-multiple-choice", dental)
        let dentalItems = try Self.resource(dentalBundle, "QuestionnaireResponse")["item"]?.arrayValue ?? []
        #expect(dentalItems.first?["answer"] == .array([.object(["valueInteger": .int(6)])]))
        let whereAnswers = dentalItems.last?["answer"]?.arrayValue ?? []
        #expect(whereAnswers.compactMap { $0["valueCoding"]?["code"]?.stringValue } == ["upper", "lower"])
        #expect(whereAnswers.compactMap { $0["valueCoding"]?["display"]?.stringValue } == ["Ylhäällä", "Alhaalla"])
    }

    @Test func answersWithoutTheQuestionTypeAreTypedFromTheRawValue() throws {
        let answers: [RecordExportInput.AnsweredQuestion] = [
            .init(questionID: "duration", text: "Kuinka kauan?", answer: .string("days"), display: "Päiviä"),
            .init(questionID: "notes", text: "Lisätiedot", answer: .string("vapaa teksti"), display: "vapaa teksti"),
            .init(questionID: "pain", text: "Kipu", answer: .int(3), display: "3"),
            .init(questionID: "temperature", text: "Lämpö", answer: .number(37.5), display: "37.5 °C"),
            .init(questionID: "fever", text: "Kuumetta?", answer: .bool(true), display: "Kyllä"),
        ]
        let bundle = try Self.document("untyped-answers", Self.input(answers: answers))
        let items = try Self.resource(bundle, "QuestionnaireResponse")["item"]?.arrayValue ?? []
        #expect(items.compactMap { $0["answer"]?.arrayValue?.first?.objectValue?.keys.first }
                == ["valueCoding", "valueString", "valueInteger", "valueDecimal", "valueBoolean"])
    }

    @Test func childActedFor() throws {
        let bundle = try Self.document("child", Self.input(subject: .child(firstName: "Aino", ageMonths: 48), identityCode: Self.hetu,
                                                          queueID: "child-health"))
        let patient = try Self.resource(bundle, "Patient")
        #expect(patient["name"] == .array([.object(["use": .string("usual"), "given": .array([.string("Aino")])])]))
        #expect(patient["identifier"] == nil, "the child's own identity code is not known")
        #expect(patient["text"]?["div"]?.stringValue?.contains("Aino, 4 v") == true)
        let related = try Self.resource(bundle, "RelatedPerson")
        #expect(Self.resolve(bundle, related["patient"])?["resourceType"]?.stringValue == "Patient")
        #expect(related["identifier"]?.arrayValue?.first?["system"]?.stringValue == "urn:oid:1.2.246.21")
        #expect(related["identifier"]?.arrayValue?.first?["value"]?.stringValue == Self.hetu)
        #expect(related["relationship"]?.arrayValue?.first?["coding"]?.arrayValue?.first?["code"]?.stringValue == "GUARD")
        let response = try Self.resource(bundle, "QuestionnaireResponse")
        #expect(Self.resolve(bundle, response["source"])?["resourceType"]?.stringValue == "RelatedPerson")
        let reason = try #require(Self.section(bundle, "Yhteydenoton syy ja esitiedot"))
        let sectionEntries = (reason["entry"]?.arrayValue ?? []).compactMap { Self.resolve(bundle, $0)?["resourceType"]?.stringValue }
        #expect(sectionEntries == ["QuestionnaireResponse", "RelatedPerson"])
        #expect(reason["text"]?["div"]?.stringValue?.contains("lapsen puolesta: Aino, 4 v") == true)
    }

    @Test func otherAdultActedFor() throws {
        let bundle = try Self.document("other-adult", Self.input(subject: .otherAdult(name: "Matti Meikäläinen", relation: "puoliso")))
        let patient = try Self.resource(bundle, "Patient")
        #expect(patient["name"] == .array([.object(["text": .string("Matti Meikäläinen")])]))
        #expect(patient["identifier"] == nil)
        let related = try Self.resource(bundle, "RelatedPerson")
        #expect(related["identifier"] == nil, "the acting resident is not identified")
        #expect(related["relationship"]?.arrayValue?.first?["text"]?.stringValue == "puoliso (asioi suostumuksella)")
        #expect(Self.resolve(bundle, related["patient"])?["resourceType"]?.stringValue == "Patient")
    }

    @Test func anonymous() throws {
        let bundle = try Self.document("anonymous", Self.input(subject: nil))
        let patient = try Self.resource(bundle, "Patient")
        #expect(patient["identifier"] == nil && patient["name"] == nil)
        #expect(patient["meta"]?["tag"]?.arrayValue?.first?["code"]?.stringValue == "unidentified")
        #expect(patient["text"]?["div"]?.stringValue?.contains("Tunnistamaton asiakas") == true)
        #expect(Self.resources(bundle, "RelatedPerson").isEmpty)
        #expect(!bundle.text.contains("1.2.246.21"), "no identity code system anywhere")
    }

    @Test func noPreQuestionnaireAndNoProfessional() throws {
        let bundle = try Self.document("bare", Self.input(serviceID: nil, answers: [], participants: [], outcome: .noCareNeed))
        #expect(Self.resources(bundle, "QuestionnaireResponse").isEmpty)
        #expect(Self.resources(bundle, "Practitioner").isEmpty)
        let composition = try #require(Self.entries(bundle).first?["resource"])
        #expect(composition["author"] == .array([.object(["display": .string("Neuvo")])]))
        #expect(Self.section(bundle, "Yhteydenoton syy ja esitiedot")?["text"]?["div"]?.stringValue?.contains("Esitietoja ei annettu") == true)
    }

    @Test func photosAreReferencedNotInlined() throws {
        let exportID = "00112233445566778899aabbccddeeff"
        let bundle = try Self.document("photos", Self.input(exportID: exportID, photoIDs: ["aaaa0000aaaa0000aaaa0000aaaa0001",
                                                                                        "aaaa0000aaaa0000aaaa0000aaaa0002"]),
                                       baseURL: "https://neuvo.example/")
        let photos = Self.resources(bundle, "DocumentReference")
        #expect(photos.count == 2)
        #expect(photos.compactMap { $0["content"]?.arrayValue?.first?["attachment"]?["url"]?.stringValue } == [
            "https://neuvo.example/api/v1/record-exports/\(exportID)/photos/aaaa0000aaaa0000aaaa0000aaaa0001",
            "https://neuvo.example/api/v1/record-exports/\(exportID)/photos/aaaa0000aaaa0000aaaa0000aaaa0002",
        ])
        for photo in photos {
            #expect(photo["status"]?.stringValue == "current")
            #expect(photo["content"]?.arrayValue?.first?["attachment"]?["data"] == nil)
            #expect(photo["content"]?.arrayValue?.first?["attachment"]?["contentType"] == nil)
            #expect(Self.resolve(bundle, photo["subject"])?["resourceType"]?.stringValue == "Patient")
        }
        let section = try #require(Self.section(bundle, "Valokuvat"))
        #expect(section["entry"]?.arrayValue?.count == 2)
        // The default base.
        let plain = FHIRDocument.bundle(for: try Self.input(exportID: exportID, photoIDs: ["p1"]))
        #expect(Self.resources(plain, "DocumentReference").first?["content"]?.arrayValue?.first?["attachment"]?["url"]?.stringValue
                == "http://localhost/api/v1/record-exports/\(exportID)/photos/p1")
    }

    @Test func transferredCaseWithConsultantAndTranscript() throws {
        let messages: [RecordExportInput.Message] = [
            .init(author: "resident", text: "Iho kutisee.\nMitä teen?", at: Timestamp(millis: 1_794_999_500_000)),
            .init(author: "professional", text: "Kuinka laaja alue?", at: Timestamp(millis: 1_794_999_600_000), professionalID: 7),
            .init(author: "professional", text: "Otan tapauksen <b>hoitaakseni</b>.", at: Timestamp(millis: 1_794_999_700_000),
                  professionalID: 9),
        ]
        let input = try Self.input(summary: "Siirretty lääkärille. <script>alert('x')</script>",
                                   participants: [Self.nurse, Self.consultant, Self.doctor], messages: messages)
        let bundle = try Self.document("transferred-transcript", input, includeTranscript: true)
        #expect(Self.resources(bundle, "Practitioner").count == 3)
        let encounter = try Self.resource(bundle, "Encounter")
        let types = (encounter["participant"]?.arrayValue ?? []).map { participant in
            (Self.resolve(bundle, participant["individual"])?["name"]?.arrayValue?.first?["text"]?.stringValue ?? "",
             participant["type"]?.arrayValue?.first?["coding"]?.arrayValue?.first?["code"]?.stringValue ?? "")
        }
        #expect(types.map(\.0) == ["Hanna Hoitaja", "Iida Ihotautilääkäri", "Lauri Lääkäri"])
        #expect(types.map(\.1) == ["PPRF", "CON", "SPRF"])
        let composition = try #require(Self.entries(bundle).first?["resource"])
        let authors = (composition["author"]?.arrayValue ?? []).compactMap { Self.resolve(bundle, $0)?["name"]?.arrayValue?.first?["text"]?.stringValue }
        #expect(authors == ["Hanna Hoitaja", "Lauri Lääkäri"], "the handlers author the document, not the consultant")

        let summary = try #require(Self.section(bundle, "Yhteenveto")?["text"]?["div"]?.stringValue)
        #expect(summary.contains("&lt;script&gt;alert('x')&lt;/script&gt;"))
        #expect(!summary.contains("<script"))
        #expect(!bundle.text.contains("<script"), "not even in the JSON text")

        #expect(Self.sectionTitles(bundle).last == "Keskustelu")
        let transcript = try #require(Self.section(bundle, "Keskustelu")?["text"]?["div"]?.stringValue)
        #expect(transcript.contains("<b>Asiakas:</b> Iho kutisee.<br/>Mitä teen?"))
        #expect(transcript.contains("<b>Hanna Hoitaja, sairaanhoitaja:</b> Kuinka laaja alue?"))
        #expect(transcript.contains("<b>Lauri Lääkäri, lääkäri:</b> Otan tapauksen &lt;b&gt;hoitaakseni&lt;/b&gt;."))

        // Configured off, no transcript.
        let without = FHIRDocument.bundle(for: input, options: RecordExportOptions(includeTranscript: false))
        #expect(!Self.sectionTitles(without).contains("Keskustelu"))
        #expect(!without.text.contains("Mitä teen?"))
    }

    @Test func aProfessionalWhoWasBothConsultedAndHandledItIsOnePractitioner() throws {
        let both = [Self.nurse, RecordExportInput.Participant(id: 7, displayName: "Hanna Hoitaja", title: "sairaanhoitaja",
                                                             role: "consultant")]
        let bundle = try Self.document("handler-and-consultant", Self.input(participants: both))
        #expect(Self.resources(bundle, "Practitioner").count == 1)
        let codes = (try Self.resource(bundle, "Encounter")["participant"]?.arrayValue?.first?["type"]?.arrayValue ?? [])
            .compactMap { $0["coding"]?.arrayValue?.first?["code"]?.stringValue }
        #expect(codes == ["PPRF", "CON"])
    }

    /// HL7 Finland's fi-base Practitioner: the profile named, and the Terhikki slice's system
    /// exactly as the StructureDefinition (../shared/fhir/fi-base) fixes it.
    @Test func aRegisteredProfessionalIsNamedByTheirTerhikkiNumber() throws {
        var registered = Self.nurse
        registered.registerNumber = "10100123456"
        let bundle = try Self.document("practitioner-terhikki", Self.input(participants: [registered, Self.consultant]))
        let practitioners = Self.resources(bundle, "Practitioner")
        let hanna = try #require(practitioners.first { $0["name"]?.arrayValue?.first?["text"] == .string("Hanna Hoitaja") })
        let profile = "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/fi-base-practitioner"
        #expect(practitioners.allSatisfy { $0["meta"]?["profile"] == .array([.string(profile)]) })
        let terhikki = hanna["identifier"]?.arrayValue?.filter { $0["system"] == .string("urn:oid:1.2.246.537.26") } ?? []
        #expect(terhikki.count == 1 && terhikki.first?["value"] == .string("10100123456") && terhikki.first?["use"] == .string("official"))
        // Without a number, no Terhikki identifier: the slice is 0..1, never a guess.
        let iida = try #require(practitioners.first { $0["name"]?.arrayValue?.first?["text"] == .string("Iida Ihotautilääkäri") })
        #expect(!(iida["identifier"]?.arrayValue?.contains { $0["system"] == .string("urn:oid:1.2.246.537.26") } ?? true))
        // The profile's own definition of the slice.
        let definition = try Self.fiBase("practitioner")
        #expect(definition["url"] == .string(profile))
        let slice = definition["differential"]?["element"]?.arrayValue?.first { $0["id"] == .string("Practitioner.identifier:Terhikki.system") }
        #expect(slice?["patternUri"] == .string("urn:oid:1.2.246.537.26"))
    }

    /// HL7 Finland's fi-base Patient: the profile named, and the personal identity code as
    /// its PIC slice, every pattern of the slice as the StructureDefinition fixes it.
    @Test func theIdentityCodeIsThePatientsPICSlice() throws {
        let bundle = try Self.document("patient-pic", Self.input(identityCode: Self.hetu))
        let patient = try Self.resource(bundle, "Patient")
        let definition = try Self.fiBase("patient")
        #expect(patient["meta"]?["profile"] == .array([definition["url"] ?? .null]))
        let pic = try #require(patient["identifier"]?.arrayValue?.first { $0["use"] == .string("official") })
        func pattern(_ id: String) -> JSONValue? {
            definition["differential"]?["element"]?.arrayValue?.first { $0["id"] == .string(id) }
                .flatMap { element in element["patternUri"] ?? element["patternCode"] }
        }
        #expect(pic["use"] == pattern("Patient.identifier:PIC.use"))
        #expect(pic["system"] == pattern("Patient.identifier:PIC.system"))
        #expect(pic["type"]?["coding"]?.arrayValue?.first?["system"] == pattern("Patient.identifier:PIC.type.coding.system"))
        #expect(pic["type"]?["coding"]?.arrayValue?.first?["code"] == pattern("Patient.identifier:PIC.type.coding.code"))
        #expect(pic["value"] == .string(Self.hetu))
        #expect(patient["identifier"]?.arrayValue?.filter { $0["use"] == .string("official") }.count == 1, "the slice is 0..1")
    }

    /// The wellbeing services county keeps the record: a fi-base Organization, the Composition's custodian.
    @Test func theConfiguredOrganisationIsTheCustodian() throws {
        let custodian = try #require(RecordExportOptions.Custodian(oid: "1.2.246.10.2805557.10", name: "Esimerkin hyvinvointialue"))
        let bundle = try Self.document("custodian", Self.input(), custodian: custodian)
        let organization = try Self.resource(bundle, "Organization")
        #expect(organization["meta"]?["profile"] == .array([try Self.fiBase("organization")["url"] ?? .null]))
        #expect(organization["identifier"] == .array([.object(["system": .string("urn:ietf:rfc:3986"),
                                                               "value": .string("urn:oid:1.2.246.10.2805557.10")])]))
        #expect(organization["name"] == .string("Esimerkin hyvinvointialue"))
        let composition = try Self.resource(bundle, "Composition")
        #expect(Self.resolve(bundle, composition["custodian"])?["resourceType"] == .string("Organization"))
        // Without one configured, no custodian and no Organization.
        #expect(Self.resources(FHIRDocument.bundle(for: try Self.input()), "Organization").isEmpty)
        // Only OIDs and one-line names.
        #expect(RecordExportOptions.Custodian(oid: "1.2.246.010", name: "x") == nil)
        #expect(RecordExportOptions.Custodian(oid: "hyvinvointialue", name: "x") == nil)
        #expect(RecordExportOptions.Custodian(oid: "1.2.246", name: "a\nb") == nil)
    }

    /// A StructureDefinition of HL7 Finland's fi-base package (../shared/fhir/fi-base).
    static func fiBase(_ name: String) throws -> JSONValue {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/fhir/fi-base/StructureDefinition-fi-base-\(name).json")
        return try JSONValue.parse(Array(try Data(contentsOf: file)))
    }

    @Test func idsAreStableAndDistinctPerExport() throws {
        let a = FHIRDocument.bundle(for: try Self.input(exportID: "0123456789abcdef0123456789abcdef"))
        let b = FHIRDocument.bundle(for: try Self.input(exportID: "0123456789abcdef0123456789abcdee"))
        #expect(a.text == FHIRDocument.bundle(for: try Self.input(exportID: "0123456789abcdef0123456789abcdef")).text)
        let urlsA = Set(Self.entries(a).compactMap { $0["fullUrl"]?.stringValue })
        let urlsB = Set(Self.entries(b).compactMap { $0["fullUrl"]?.stringValue })
        #expect(urlsA.isDisjoint(with: urlsB))
        #expect(a["id"]?.stringValue == "0123456789abcdef0123456789abcdef")
        // Name-based (version 5) UUIDs.
        for url in urlsA {
            let uuid = Array(url.dropFirst("urn:uuid:".count))
            #expect(uuid[14] == "5" && "89ab".contains(uuid[19]), "\(url) is a version 5 UUID")
        }
    }

    @Test func sha1KnownAnswers() {
        #expect(Identifier.hex(of: SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Identifier.hex(of: SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Identifier.hex(of: SHA1.hash(long)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        // RFC 9562's version 5 example: "www.example.com" in the DNS namespace.
        let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        #expect(Identifier.hex(of: FHIRDocument.uuidV5(namespace: dns, name: "www.example.com")) == "2ed6657de927568b95e12665a8aea6a2")
    }

    @Test func escapingDropsWhatXMLCannotCarry() {
        #expect(FHIRDocument.escape("a\u{1}b\r\nc\rd\te & \"f\"") == "ab\nc\nd e &amp; &quot;f&quot;")
        #expect(FHIRDocument.paragraph("  \n") == "<p>(ei kirjattu)</p>")
    }
}
