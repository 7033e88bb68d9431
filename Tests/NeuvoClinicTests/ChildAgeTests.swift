import NeuvoJSON
import Testing
@testable import NeuvoClinic

/// One rule for a child's age wherever it is written: months below two years, then whole years.
@Suite struct ChildAgeTests {
    @Test(arguments: [(0, "0 kk"), (11, "11 kk"), (12, "12 kk"), (23, "23 kk"), (24, "2 v"), (35, "2 v"), (60, "5 v")])
    func ageText(_ months: Int, _ text: String) {
        #expect(Subject.ageText(months: months) == text)
    }

    @Test func theRecordDocumentSaysWhatTheDraftSays() throws {
        let input = try FHIRDocumentTests.input(subject: .child(firstName: "Aino", ageMonths: 12))
        let bundle = FHIRDocument.bundle(for: input)
        #expect(bundle.text.contains("Aino, 12 kk"))
        #expect(!bundle.text.contains("Aino, 1 v"))
    }
}
