/// A test over the answers so far and whose matter it is. Conditions decide
/// which questions are shown (branching), red flags, and routing.
///
/// JSON forms: `{"question": "q", "equals": "x"}` (a choice id, or "yes"/"no"),
/// `{"question": "q", "in": ["a", "b"]}`, `{"question": "q", "includes": "a"}`
/// (multiple choice), `{"question": "q", "atLeast": 39}`, `{"question": "q", "atMost": 1}`,
/// `{"question": "q", "answered": true}`, `{"subject": "child"}`,
/// `{"childAgeUnderMonths": 24}`, `{"all": […]}`, `{"any": […]}`, `{"not": {…}}`.
public indirect enum Condition: Sendable, Equatable {
    case equals(question: String, value: String)
    case oneOf(question: String, values: [String])
    case includes(question: String, option: String)
    case atLeast(question: String, value: Double)
    case atMost(question: String, value: Double)
    case answered(question: String)
    case subject(kind: String)
    case childAgeUnder(months: Int)
    case all([Condition])
    case any([Condition])
    case not(Condition)

    public func holds(_ answers: Answers, subject: Subject?) -> Bool {
        switch self {
        case .equals(let q, let value):
            switch answers[q] {
            case .choice(let id)?: return id == value
            case .yesNo(let b)?: return (b ? "yes" : "no") == value
            default: return false
            }
        case .oneOf(let q, let values):
            if case .choice(let id)? = answers[q] { return values.contains(id) }
            return false
        case .includes(let q, let option):
            if case .choices(let ids)? = answers[q] { return ids.contains(option) }
            return false
        case .atLeast(let q, let value):
            if case .number(let d)? = answers[q] { return d >= value }
            return false
        case .atMost(let q, let value):
            if case .number(let d)? = answers[q] { return d <= value }
            return false
        case .answered(let q):
            return answers[q] != nil
        case .subject(let kind):
            return subject?.kind == kind
        case .childAgeUnder(let months):
            if case .child(_, let age, _, _)? = subject { return age < months }
            return false
        case .all(let conditions): return conditions.allSatisfy { $0.holds(answers, subject: subject) }
        case .any(let conditions): return conditions.contains { $0.holds(answers, subject: subject) }
        case .not(let condition): return !condition.holds(answers, subject: subject)
        }
    }

    /// The questions this condition reads.
    var questions: [String] {
        switch self {
        case .equals(let q, _), .oneOf(let q, _), .includes(let q, _), .atLeast(let q, _), .atMost(let q, _), .answered(let q):
            return [q]
        case .subject, .childAgeUnder: return []
        case .all(let c), .any(let c): return c.flatMap(\.questions)
        case .not(let c): return c.questions
        }
    }

    /// Parses a condition; `known` are the questions it may refer to, with their kinds.
    init(_ cursor: JSONCursor, known: [String: Question.Kind]) throws(CatalogError) {
        let object = try cursor.object(allowed: ["question", "equals", "in", "includes", "atLeast", "atMost", "answered",
                                                 "subject", "childAgeUnderMonths", "all", "any", "not"])
        if object["all"] != nil || object["any"] != nil {
            guard object.keys.count == 1 else { throw cursor.fail("'all' or 'any' must stand alone") }
            let key = object["all"] != nil ? "all" : "any"
            var parts: [Condition] = []
            for item in try cursor[key].array(nonEmpty: true) { parts.append(try Condition(item, known: known)) }
            self = key == "all" ? .all(parts) : .any(parts)
            return
        }
        if object["not"] != nil {
            guard object.keys.count == 1 else { throw cursor.fail("'not' must stand alone") }
            self = .not(try Condition(cursor["not"], known: known))
            return
        }
        if object["subject"] != nil {
            guard object.keys.count == 1 else { throw cursor.fail("'subject' must stand alone") }
            let kind = try cursor["subject"].string(maxLength: 20)
            guard ["self", "child", "otherAdult"].contains(kind) else { throw cursor["subject"].fail("must be self, child or otherAdult") }
            self = .subject(kind: kind)
            return
        }
        if object["childAgeUnderMonths"] != nil {
            guard object.keys.count == 1 else { throw cursor.fail("'childAgeUnderMonths' must stand alone") }
            self = .childAgeUnder(months: try cursor["childAgeUnderMonths"].integer(in: 1...216))
            return
        }
        let question = try cursor["question"].identifier()
        guard let kind = known[question] else {
            throw cursor["question"].fail("refers to '\(question)', which is not an earlier question of this questionnaire")
        }
        let tests = object.keys.filter { $0 != "question" }
        guard tests.count == 1, let test = tests.first else {
            throw cursor.fail("needs exactly one of equals, in, includes, atLeast, atMost, answered")
        }
        let options = kind.optionIDs
        switch test {
        case "equals":
            let value = try cursor["equals"].string(maxLength: 64)
            switch kind {
            case .singleChoice: guard options.contains(value) else { throw cursor["equals"].fail("'\(value)' is not an option of '\(question)'") }
            case .yesNo: guard value == "yes" || value == "no" else { throw cursor["equals"].fail("must be \"yes\" or \"no\" for a yes/no question") }
            default: throw cursor["equals"].fail("applies to single-choice and yes/no questions only")
            }
            self = .equals(question: question, value: value)
        case "in":
            guard case .singleChoice = kind else { throw cursor["in"].fail("applies to single-choice questions only") }
            var values: [String] = []
            for item in try cursor["in"].array(nonEmpty: true) {
                let value = try item.string(maxLength: 64)
                guard options.contains(value) else { throw item.fail("'\(value)' is not an option of '\(question)'") }
                values.append(value)
            }
            self = .oneOf(question: question, values: values)
        case "includes":
            guard case .multipleChoice = kind else { throw cursor["includes"].fail("applies to multiple-choice questions only") }
            let value = try cursor["includes"].string(maxLength: 64)
            guard options.contains(value) else { throw cursor["includes"].fail("'\(value)' is not an option of '\(question)'") }
            self = .includes(question: question, option: value)
        case "atLeast", "atMost":
            guard case .number = kind else { throw cursor[test].fail("applies to number questions only") }
            let value = try cursor[test].number()
            self = test == "atLeast" ? .atLeast(question: question, value: value) : .atMost(question: question, value: value)
        case "answered":
            guard try cursor["answered"].bool(default: false) else { throw cursor["answered"].fail("must be true (use 'not' for the opposite)") }
            self = .answered(question: question)
        default:
            throw cursor.fail("unknown test '\(test)'")
        }
    }
}
