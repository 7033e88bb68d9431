import NeuvoJSON
import Testing
@testable import NeuvoClinic

/// The closing summary's draft comes in the resident's language: a bilingual county keeps a
/// Swedish speaker's record in Swedish.
@Suite struct SummaryDraftTests {
    @Test func inTheResidentsLanguage() throws {
        let catalog = try testCatalog()
        let skin = try #require(catalog.service("skin"))
        let answers = JSONObject([("duration", .string("days")), ("fever", .bool(true))])
        let child = Subject.child(firstName: "Ebba", ageMonths: 18)
        let swedish = Clinic.summaryDraft(service: skin, answers: answers, subject: child, language: .sv)
        let lines = swedish.split(separator: "\n").map(String.init)
        #expect(lines.first == "Kontaktorsak: \(skin.title.sv).")
        #expect(lines.contains("Ärende för ett barn: Ebba, 18 mån."))
        #expect(!swedish.contains("Yhteydenoton"))
        let duration = try #require(skin.questionnaire?.questions.first { $0.id == "duration" })
        #expect(lines.contains { $0.hasPrefix(duration.text.sv) })
        let english = Clinic.summaryDraft(service: skin, answers: answers, subject: .child(firstName: "Ebba", ageMonths: 50), language: .en)
        #expect(english.contains("On behalf of a child: Ebba, 4 y."))
        let finnish = Clinic.summaryDraft(service: skin, answers: answers, subject: child)
        #expect(finnish.hasPrefix("Yhteydenoton syy: Iho-oireet.") && finnish.contains("Ebba, 18 kk."))
    }
}
