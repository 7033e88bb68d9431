import NeuvoJSON
import NeuvoTestSupport
import Testing
@testable import NeuvoClinic

/// A pre-question's condition in the served Questionnaire, as R4 `enableWhen` where it fits.
@Suite struct FHIREnableWhenTests {
    let systems = FHIRSystems(base: "https://neuvo.example.fi/fhir/")

    func item(_ linkId: String) throws -> JSONValue {
        let catalog = try testCatalog()
        let skin = try #require(catalog.service("skin"))
        let questionnaire = try #require(FHIRDefinitions.questionnaire(skin, catalog: catalog, systems: systems))
        return try #require(questionnaire["item"]?.arrayValue?.first { $0["linkId"]?.stringValue == linkId })
    }

    @Test func theSkinQuestionsSayWhenTheyAreAsked() throws {
        // Asked when the rash has lasted days or weeks: any of two codes.
        let spreading = try item("spreading")
        #expect(spreading["enableBehavior"]?.stringValue == "any")
        let codes = try #require(spreading["enableWhen"]?.arrayValue)
        #expect(codes.map { $0["answerCoding"]?["code"]?.stringValue } == ["days", "weeks"])
        #expect(codes.allSatisfy { $0["question"]?.stringValue == "duration" && $0["operator"]?.stringValue == "=" })
        #expect(codes.allSatisfy { $0["answerCoding"]?["system"]?.stringValue == systems.optionSystem(serviceID: "skin", questionID: "duration") })
        // Asked when there is a fever: one comparison with a yes/no answer, no behaviour needed.
        let temperature = try item("temperature")
        #expect(temperature["enableWhen"] == .array([.object(JSONObject([
            ("question", .string("fever")), ("operator", .string("=")), ("answerBoolean", .bool(true))]))]))
        #expect(temperature["enableBehavior"] == nil)
        // Always asked.
        #expect(try item("duration")["enableWhen"] == nil)
    }

    let kinds: [String: Question.Kind] = [
        "where": .multipleChoice([]), "fever": .yesNo, "days": .number(min: 0, max: 60, integer: true, unit: nil),
        "temperature": .number(min: 35, max: 43, integer: false, unit: "°C"), "notes": .text(maxLength: 100),
    ]

    func enable(_ condition: Condition) -> (conditions: [JSONValue], behavior: String?)? {
        FHIREnableWhen.of(condition, questions: kinds, optionSystem: { "urn:test:\($0)" })
    }

    func rows(_ condition: Condition) -> [String]? {
        enable(condition)?.conditions.map { c in
            let answer = ["answerCoding", "answerBoolean", "answerInteger", "answerDecimal"].compactMap { key -> String? in
                guard let value = c[key] else { return nil }
                return "\(key)=\(value["code"]?.stringValue ?? value.boolValue.map(String.init) ?? value.intValue.map(String.init) ?? "\(value)")"
            }.joined()
            return "\(c["question"]?.stringValue ?? "") \(c["operator"]?.stringValue ?? "") \(answer)"
        }
    }

    @Test func negationsAndNumbersKeepTheirMeaning() {
        // R4's `!=` holds when no answer equals the value: "not includes" for a multiple choice.
        #expect(rows(.not(.includes(question: "where", option: "face"))) == ["where != answerCoding=face"])
        #expect(rows(.atLeast(question: "days", value: 3)) == ["days >= answerInteger=3"])
        // The catalog's "not at most" holds when the question went unanswered; R4's `>` needs an answer.
        #expect(rows(.not(.atMost(question: "temperature", value: 38.5)))
                == ["temperature > answerDecimal=number(38.5)", "temperature exists answerBoolean=false"])
        #expect(enable(.not(.atMost(question: "temperature", value: 38.5)))?.behavior == "any")
        #expect(enable(.all([.equals(question: "fever", value: "yes"), .not(.atLeast(question: "days", value: 3))])) == nil)
        #expect(rows(.not(.answered(question: "notes"))) == ["notes exists answerBoolean=false"])
        #expect(rows(.not(.oneOf(question: "fever", values: ["yes", "no"]))) == ["fever != answerBoolean=true", "fever != answerBoolean=false"])
        #expect(enable(.not(.oneOf(question: "fever", values: ["yes", "no"])))?.behavior == "all")
        let both = enable(.all([.equals(question: "fever", value: "yes"), .atLeast(question: "days", value: 2)]))
        #expect(both?.behavior == "all" && both?.conditions.count == 2)
        // A fraction cannot be compared with a whole-number answer.
        #expect(enable(.atLeast(question: "days", value: 2.5)) == nil)
    }

    @Test func whatEnableWhenCannotSayGivesNone() {
        #expect(enable(.subject(kind: "child")) == nil)
        #expect(enable(.not(.subject(kind: "child"))) == nil)
        #expect(enable(.childAgeUnder(months: 24)) == nil)
        #expect(enable(.any([.equals(question: "fever", value: "yes"), .subject(kind: "child")])) == nil)
        // Nested: an any inside an all.
        #expect(enable(.all([.equals(question: "fever", value: "yes"), .oneOf(question: "where", values: ["a", "b"])])) == nil)
    }
}
