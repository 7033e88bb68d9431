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
        func single(_ c: Condition) -> JSONValue? {
            guard let found = comparisons(c, questions: questions, optionSystem: optionSystem), found.list.count == 1 else { return nil }
            return found.list[0]
        }
        switch condition {
        case .all(let parts), .any(let parts):
            let singles = parts.compactMap(single)
            guard singles.count == parts.count else { return nil }
            if case .all = condition { return (singles, singles.count > 1 ? "all" : nil) }
            return (singles, singles.count > 1 ? "any" : nil)
        default:
            guard let found = comparisons(condition, questions: questions, optionSystem: optionSystem) else { return nil }
            return (found.list, found.list.count > 1 ? found.behavior : nil)
        }
    }

    /// The comparisons that make `condition` true, and whether all or any of them must hold.
    private static func comparisons(_ condition: Condition, questions: [String: Question.Kind],
                                    optionSystem: (String) -> String) -> (list: [JSONValue], behavior: String)? {
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
            return choice(q, value).map { ([compare(q, "=", $0)], "all") }
        case .oneOf(let q, let values):
            let answers = values.compactMap { choice(q, $0) }
            return answers.count == values.count ? (answers.map { compare(q, "=", $0) }, "any") : nil
        case .atLeast(let q, let value): return number(q, value).map { ([compare(q, ">=", $0)], "all") }
        case .atMost(let q, let value): return number(q, value).map { ([compare(q, "<=", $0)], "all") }
        case .answered(let q): return ([compare(q, "exists", ("answerBoolean", .bool(true)))], "all")
        case .not(let inner):
            // The catalog's negation holds when the question went unanswered; R4's `<` and `>` need an
            // answer, so those come with "or not answered". R4's `!=` holds when no answer equals the
            // value, unanswered included, so it also serves a multiple choice.
            let unanswered = { (q: String) in compare(q, "exists", ("answerBoolean", .bool(false))) }
            switch inner {
            case .equals(let q, let value), .includes(let q, let value): return choice(q, value).map { ([compare(q, "!=", $0)], "all") }
            case .oneOf(let q, let values):
                let answers = values.compactMap { choice(q, $0) }
                return answers.count == values.count ? (answers.map { compare(q, "!=", $0) }, "all") : nil
            case .atLeast(let q, let value): return number(q, value).map { ([compare(q, "<", $0), unanswered(q)], "any") }
            case .atMost(let q, let value): return number(q, value).map { ([compare(q, ">", $0), unanswered(q)], "any") }
            case .answered(let q): return ([unanswered(q)], "all")
            default: return nil
            }
        case .subject, .childAgeUnder, .all, .any: return nil
        }
    }
}
