import NeuvoJSON

/// A pre-question's condition (`showIf`) as a FHIR R4 Questionnaire item's `enableWhen` and
/// `enableBehavior`, so a record system (or a person reading the Questionnaire) knows why a
/// question went unasked.
///
/// enableWhen is one flat list, all or any of it, of comparisons with earlier answers. What fits:
/// one comparison, its negation (`!=`, `<`, `>`, `exists false`), a choice among values (any of
/// several `=`), and a flat all or any of those. What does not fit (the subject, a child's age,
/// nested all/any) gives no enableWhen; the QuestionnaireResponse still shows what was asked.
enum FHIREnableWhen {
    /// The item's `enableWhen` and `enableBehavior` (nil when one comparison), or nil when the
    /// condition does not fit.
    static func of(_ condition: Condition, questions: [String: Question.Kind], optionSystem: (String) -> String)
        -> (conditions: [JSONValue], behavior: String?)? {
        func one(_ c: Condition) -> [JSONValue]? { comparisons(c, questions: questions, optionSystem: optionSystem, any: false) }
        switch condition {
        case .all(let parts):
            let lists = parts.map(one)
            guard lists.allSatisfy({ $0?.count == 1 }) else { return nil }
            return (lists.compactMap { $0?.first }, parts.count > 1 ? "all" : nil)
        case .any(let parts):
            let lists = parts.map(one)
            guard lists.allSatisfy({ $0?.count == 1 }) else { return nil }
            return (lists.compactMap { $0?.first }, parts.count > 1 ? "any" : nil)
        case .oneOf:
            guard let list = comparisons(condition, questions: questions, optionSystem: optionSystem, any: true) else { return nil }
            return (list, list.count > 1 ? "any" : nil)
        default:
            guard let list = one(condition) else { return nil }
            return (list, list.count > 1 ? "all" : nil)
        }
    }

    /// The comparisons that make `condition` true when all of them hold (`any`: when any does).
    private static func comparisons(_ condition: Condition, questions: [String: Question.Kind],
                                    optionSystem: (String) -> String, any: Bool) -> [JSONValue]? {
        func compare(_ question: String, _ op: String, _ answer: (String, JSONValue)) -> JSONValue {
            .object(JSONObject([("question", .string(question)), ("operator", .string(op)), (answer.0, answer.1)]))
        }
        func choice(_ question: String, _ value: String) -> (String, JSONValue)? {
            switch questions[question] {
            case .yesNo?: return ("answerBoolean", .bool(value == "yes"))
            case .singleChoice?, .multipleChoice?:
                return ("answerCoding", .object(["system": .string(optionSystem(question)), "code": .string(value)]))
            default: return nil
            }
        }
        func number(_ question: String, _ value: Double) -> (String, JSONValue)? {
            guard case .number(_, _, let integer, _)? = questions[question] else { return nil }
            if integer, value == value.rounded(), abs(value) < 1e15 { return ("answerInteger", .int(Int(value))) }
            return integer ? nil : ("answerDecimal", .number(value))
        }
        switch condition {
        case .equals(let q, let value), .includes(let q, let value):
            return choice(q, value).map { [compare(q, "=", $0)] }
        case .oneOf(let q, let values):
            // Several values are "any of these": the caller asked for `any`.
            guard any || values.count == 1 else { return nil }
            let answers = values.compactMap { choice(q, $0) }
            return answers.count == values.count ? answers.map { compare(q, "=", $0) } : nil
        case .atLeast(let q, let value): return number(q, value).map { [compare(q, ">=", $0)] }
        case .atMost(let q, let value): return number(q, value).map { [compare(q, "<=", $0)] }
        case .answered(let q): return [compare(q, "exists", ("answerBoolean", .bool(true)))]
        case .not(let inner):
            switch inner {
            // R4: `!=` holds when no answer equals the value, so it also serves a multiple choice.
            case .equals(let q, let value), .includes(let q, let value): return choice(q, value).map { [compare(q, "!=", $0)] }
            case .oneOf(let q, let values):
                let answers = values.compactMap { choice(q, $0) }
                return answers.count == values.count ? answers.map { compare(q, "!=", $0) } : nil
            case .atLeast(let q, let value): return number(q, value).map { [compare(q, "<", $0)] }
            case .atMost(let q, let value): return number(q, value).map { [compare(q, ">", $0)] }
            case .answered(let q): return [compare(q, "exists", ("answerBoolean", .bool(false)))]
            default: return nil
            }
        case .subject, .childAgeUnder, .all, .any: return nil
        }
    }
}
