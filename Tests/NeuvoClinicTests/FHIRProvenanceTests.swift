import NeuvoJSON
import Testing
@testable import NeuvoClinic

/// Who closed the case and who keeps the record, Kanta's service event, the whole matter,
/// and the code systems a record system reads the codes from.
@Suite struct FHIRProvenanceTests {
    let county = RecordExportOptions.Custodian(oid: "1.2.246.10.2805557.10", name: "Testin hyvinvointialue")!

    @Test func theProvenanceNamesTheCloserAndTheCustodian() throws {
        var input = try FHIRDocumentTests.input(participants: [FHIRDocumentTests.nurse, FHIRDocumentTests.doctor])
        input.closedBy = FHIRDocumentTests.nurse.id
        let bundle = try FHIRDocumentTests.document("provenance-custodian", input, custodian: county)
        let provenances = FHIRDocumentTests.resources(bundle, "Provenance")
        #expect(provenances.count == 2)
        let author = try #require(provenances.first { $0["meta"]?["profile"]?.arrayValue?.first?.stringValue?.hasSuffix("fi-base-provenance") == true })
        #expect(author["recorded"]?.stringValue == FHIRDocumentTests.closedAt.rfc3339)
        let role = try #require(FHIRDocumentTests.resolve(bundle, author["agent"]?.arrayValue?.first?["who"]))
        #expect(role["resourceType"]?.stringValue == "PractitionerRole")
        let closer = FHIRDocumentTests.resolve(bundle, role["practitioner"])
        #expect(closer?["name"]?.arrayValue?.first?["text"]?.stringValue == "Hanna Hoitaja", "the one who closed, not the last handler listed")
        #expect(FHIRDocumentTests.resolve(bundle, role["organization"])?["resourceType"]?.stringValue == "Organization")
        let custodian = try #require(provenances.first { $0["meta"]?["profile"]?.arrayValue?.first?.stringValue?.hasSuffix("custodian-public") == true })
        let agent = try #require(custodian["agent"]?.arrayValue?.first)
        #expect(agent["type"]?["coding"]?.arrayValue?.first?["code"]?.stringValue == "CST")
        #expect(agent["role"]?.arrayValue?.first?["coding"]?.arrayValue?.first == .object(["system": .string("urn:oid:1.2.246.537.5.40172"), "code": .string("1")]))
        #expect(agent["who"]?["identifier"]?["system"]?.stringValue == "urn:oid:1.2.246.537.6.40174")
        #expect(agent["who"]?["identifier"]?["value"]?.stringValue == county.oid)
        let encounter = try FHIRDocumentTests.resource(bundle, "Encounter")
        #expect(FHIRDocumentTests.resolve(bundle, encounter["serviceProvider"])?["name"]?.stringValue == county.name)
    }

    @Test func theServiceEventIsTheEncountersIdentifierAndExtension() throws {
        var input = try FHIRDocumentTests.input()
        input.serviceEvent = "1.2.246.10.2805557.20.2026.77"
        input.urgency = .soon
        let encounter = try FHIRDocumentTests.resource(try FHIRDocumentTests.document("service-event", input), "Encounter")
        #expect(encounter["extension"] == .array([.object([
            "url": .string("https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/service-event"),
            "valueOid": .string("urn:oid:1.2.246.10.2805557.20.2026.77")])]))
        #expect(encounter["identifier"]?.arrayValue?.contains { $0["value"]?.stringValue == "urn:oid:1.2.246.10.2805557.20.2026.77" } == true)
        #expect(encounter["priority"]?["coding"]?.arrayValue?.first?["code"]?.stringValue == "soon")
        #expect(encounter["meta"]?["profile"] == .array([.string("https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/fi-base-encounter")]))
    }

    @Test(arguments: [("1.2.246.10.1.20", "1.2.246.10.1.20"), (" urn:oid:1.2.3 ", "1.2.3"), ("", nil), ("   ", nil)])
    func aServiceEventIsAnOID(_ typed: String, _ stored: String?) throws {
        #expect(try Clinic.serviceEvent(typed) == stored)
    }

    @Test(arguments: ["1", "3.1", "1.02", "1.2.x", "urn:oid:", "1..2", String(repeating: "1.", count: 70) + "1"])
    func notAnOID(_ typed: String) {
        #expect(throws: ClinicError.self) { try Clinic.serviceEvent(typed) }
    }

    @Test func everyQuestionHasItsOwnOptionSystemID() {
        #expect(FHIRSystems.optionSystemID(serviceID: "skin", questionID: "duration") == "skin.duration")
        #expect(FHIRSystems.optionSystemID(serviceID: "a-b", questionID: "c") != FHIRSystems.optionSystemID(serviceID: "a", questionID: "b-c"))
        let long = FHIRSystems.optionSystemID(serviceID: String(repeating: "s", count: 64), questionID: String(repeating: "q", count: 64))
        #expect(long.hasPrefix("option.") && long.count == 23, "a FHIR id has at most 64 characters")
        #expect(long != FHIRSystems.optionSystemID(serviceID: String(repeating: "s", count: 64), questionID: String(repeating: "q", count: 63)))
        #expect(FHIRSystems.CodeSystem.allCases.allSatisfy { !$0.rawValue.contains(".") }, "Neuvo's own ids never look like a question's")
    }

    @Test func theWholeMatterByDefaultNotesIncluded() throws {
        var input = try FHIRDocumentTests.input(participants: [FHIRDocumentTests.nurse, FHIRDocumentTests.consultant],
                                                messages: [.init(author: "resident", text: "Kutisee.", at: FHIRDocumentTests.queuedAt)])
        input.notes = [.init(author: "professional", text: "Konsultaatio: ei hätää.", at: FHIRDocumentTests.queuedAt, professionalID: 11)]
        let whole = FHIRDocument.bundle(for: input)
        let notes = try #require(FHIRDocumentTests.section(whole, "Ammattilaisten sisäiset muistiinpanot ja konsultaatiot"))
        #expect(notes["text"]?["div"]?.stringValue?.contains("<b>Iida Ihotautilääkäri, erikoislääkäri:</b> Konsultaatio: ei hätää.") == true)
        #expect(FHIRDocumentTests.section(whole, "Keskustelu") != nil)
        let without = FHIRDocument.bundle(for: input, options: RecordExportOptions(includeTranscript: false))
        #expect(!without.text.contains("Konsultaatio") && !without.text.contains("Kutisee."))
    }

    @Test func everyCodeSystemTheDocumentUsesIsServed() throws {
        let catalog = try testCatalog()
        let systems = FHIRSystems(base: "https://neuvo.example.fi/fhir/")
        #expect(systems.base == "https://neuvo.example.fi/fhir")
        for id in FHIRSystems.CodeSystem.allCases {
            let resource = try #require(FHIRCodeSystems.resource(id.rawValue, systems: systems, catalogs: [catalog]))
            #expect(resource["url"]?.stringValue == systems.codeSystem(id))
            #expect((resource["concept"]?.arrayValue?.count ?? 0) > 0)
        }
        let queues = FHIRCodeSystems.resource("work-queue", systems: systems, catalogs: [catalog])
        #expect(Set(queues?["concept"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []) == Set(catalog.queues.map(\.id)))
        let options = try #require(FHIRCodeSystems.resource("skin.duration", systems: systems, catalogs: [catalog]))
        #expect(options["concept"]?.arrayValue?.contains { $0["code"]?.stringValue == "days" && $0["display"]?.stringValue == "Päiviä" } == true)
        #expect(FHIRCodeSystems.resource("nothing", systems: systems, catalogs: [catalog]) == nil)
        #expect(FHIRCodeSystems.resource("skin.notes", systems: systems, catalogs: [catalog]) == nil, "a text question has no options")
    }
}
