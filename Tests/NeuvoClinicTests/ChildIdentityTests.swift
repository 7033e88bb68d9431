import NeuvoJSON
import Testing
@testable import NeuvoClinic

/// The child as the patient: their identity code only from an identified guardian, checked
/// against a mandate when the proxy sent one, and written as HL7 Finland's fi-base Patient has it.
@Suite struct ChildIdentityTests {
    let today = Timestamp(millis: 1_795_000_000_000)  // 2026-11-18
    static let child = "010520A246S"       // born 1 May 2020
    static let temporary = "150322A9082"   // individual number 908: a temporary code
    let guardian = PersonalIdentityCode("131052-308T")!

    func parse(_ object: [String: JSONValue], guardian: PersonalIdentityCode?, mandates: Set<String> = []) throws(ClinicError) -> Subject {
        var full = object
        full["kind"] = .string("child")
        full["firstName"] = .string("Eemil")
        return try Subject.parse(.object(JSONObject(full.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })), today: today,
                                 guardian: guardian, mandates: mandates)
    }

    @Test func anIdentifiedGuardiansCodeGivesTheBirthDateAndAge() throws {
        let stated = try parse(["identityCode": .string(Self.child)], guardian: guardian)
        #expect(stated == .child(firstName: "Eemil", ageMonths: 78, birthDate: "2020-05-01",
                                 identity: ChildIdentity(code: PersonalIdentityCode(Self.child)!, source: .guardian)))
        let checked = try parse(["identityCode": .string(Self.child.lowercased()), "ageYears": .int(6)], guardian: guardian,
                                mandates: [Self.child])
        guard case .child(_, _, _, let identity?) = checked else { Issue.record("no identity"); return }
        #expect(identity.source == .mandate)
        #expect(identity.code.value == Self.child)
        // Stored and read back the same.
        #expect(Subject(stored: checked.json) == checked)
    }

    @Test func aCodeIsRefusedWhenItCannotBeTheChilds() throws {
        func refused(_ object: [String: JSONValue], guardian: PersonalIdentityCode?) -> String? {
            do {
                _ = try parse(object, guardian: guardian)
                return nil
            } catch {
                guard case .invalid(let field, let message) = error else { return "\(error)" }
                #expect(field == "subject")
                return message
            }
        }
        #expect(refused(["identityCode": .string(Self.child)], guardian: nil)?.contains("strongly identified guardian") == true)
        #expect(refused(["identityCode": .string("010520A246T")], guardian: guardian)?.contains("not a valid") == true)
        #expect(refused(["identityCode": .string("131052-308T")], guardian: guardian)?.contains("guardian's own") == true)
        #expect(refused(["identityCode": .string(Self.child), "birthDate": .string("2020-05-02")], guardian: guardian)?
            .contains("does not match") == true)
        #expect(refused(["identityCode": .string(Self.child), "ageYears": .int(3)], guardian: guardian)?.contains("does not match") == true)
        #expect(refused(["identityCode": .string("010101-123N")], guardian: guardian)?.contains("under 18 years") == true, "an adult's code")
        #expect(refused(["identityCode": .int(5)], guardian: guardian)?.contains("not a valid") == true)
        // Swift's Int("+1") is 1: a birth date with signs is still not a date.
        #expect(refused(["birthDate": .string("2020-+1-+5")], guardian: nil) != nil)
    }

    @Test func theChildIsThePatientWithTheirCode() throws {
        let identity = ChildIdentity(code: PersonalIdentityCode(Self.child)!, source: .mandate)
        let input = try FHIRDocumentTests.input(subject: .child(firstName: "Eemil", ageMonths: 78, birthDate: "2020-05-01", identity: identity),
                                                identityCode: "131052-308T", queueID: "child-health")
        let bundle = try FHIRDocumentTests.document("child-with-code", input)
        let patient = try FHIRDocumentTests.resource(bundle, "Patient")
        #expect(patient["identifier"] == .array([.object([
            "use": .string("official"),
            "type": .object(["coding": .array([.object(["system": .string("http://terminology.hl7.org/CodeSystem/v2-0203"), "code": .string("NNFIN")])])]),
            "system": .string("urn:oid:1.2.246.21"), "value": .string(Self.child),
        ])]))
        #expect(patient["birthDate"]?.stringValue == "2020-05-01")
        #expect(patient["meta"]?["tag"]?.arrayValue?.first?["code"]?.stringValue == "mandate")
        let related = try FHIRDocumentTests.resource(bundle, "RelatedPerson")
        #expect(related["identifier"]?.arrayValue?.first?["value"]?.stringValue == "131052-308T", "the guardian keeps their own code")
        let composition = try FHIRDocumentTests.resource(bundle, "Composition")
        #expect(FHIRDocumentTests.resolve(bundle, composition["subject"])?["birthDate"]?.stringValue == "2020-05-01")
    }

    @Test func aTemporaryCodeIsNotThePICSlice() throws {
        let identity = ChildIdentity(code: PersonalIdentityCode(Self.temporary)!, source: .guardian)
        let input = try FHIRDocumentTests.input(subject: .child(firstName: "Eemil", ageMonths: 55, birthDate: "2022-03-15", identity: identity),
                                                identityCode: "131052-308T")
        let patient = try FHIRDocumentTests.resource(try FHIRDocumentTests.document("child-temporary-code", input), "Patient")
        #expect(patient["identifier"]?.arrayValue?.first?["use"]?.stringValue == "temp")
        #expect(patient["meta"]?["tag"]?.arrayValue?.first?["code"]?.stringValue == "stated-by-guardian")
    }

    @Test func withoutACodeTheChildIsTheirNameAndBirthDate() throws {
        let input = try FHIRDocumentTests.input(subject: .child(firstName: "Eemil", ageMonths: 78, birthDate: "2020-05-01"), identityCode: "131052-308T")
        let patient = try FHIRDocumentTests.resource(try FHIRDocumentTests.document("child-birth-date", input), "Patient")
        #expect(patient["identifier"] == nil)
        #expect(patient["birthDate"]?.stringValue == "2020-05-01")
        #expect(patient["meta"]?["tag"]?.arrayValue?.first?["code"]?.stringValue == "unidentified")
    }
}
