import NeuvoJSON

/// A service's pre-questions, its red flags and its routing rules.
public struct PreQuestionnaire: Sendable, Equatable {
    /// Answers that stop the flow: the resident must call now, nobody queues.
    public struct RedFlag: Sendable, Equatable {
        public enum Action: String, Sendable, CaseIterable {
            /// The emergency number.
            case call112
            /// The medical helpline ("päivystysapu").
            case call116117
        }
        public let id: String
        public let when: Condition
        public let action: Action
        public let message: LocalizedText
    }

    /// Where matching answers go, and how urgently.
    public struct Route: Sendable, Equatable {
        public let when: Condition?
        public let queue: String
        public let urgency: Urgency
        public let reason: LocalizedText
    }

    public let questions: [Question]
    public let redFlags: [RedFlag]
    /// Tried in order; the first that holds wins. The last route has no `when`.
    public let routes: [Route]

    /// What the answers lead to.
    public enum Outcome: Sendable, Equatable {
        case redFlag(RedFlag)
        case route(Route)
    }

    /// Validates `raw` answers against the questions shown for them.
    ///
    /// Unknown questions, answers to questions hidden by branching, wrong types,
    /// out-of-range values and missing required answers are refused, naming the question.
    public func validate(_ raw: [String: JSONValue], subject: Subject) throws(ClinicError) -> Answers {
        for key in raw.keys.sorted() where !questions.contains(where: { $0.id == key }) {
            throw .invalidAnswer(question: key, message: "'\(key)' is not a question of this service.")
        }
        var answers: Answers = [:]
        for question in questions {
            let shown = question.showIf?.holds(answers, subject: subject) ?? true
            let value = raw[question.id]
            if case .null? = value { throw .invalidAnswer(question: question.id, message: "Leave '\(question.id)' out rather than null.") }
            guard shown else {
                if value != nil {
                    throw .invalidAnswer(question: question.id, message: "'\(question.id)' is not asked with these answers.")
                }
                continue
            }
            guard let value else {
                if question.required { throw .invalidAnswer(question: question.id, message: "'\(question.id)' is required.") }
                continue
            }
            answers[question.id] = try question.validate(value)
        }
        return answers
    }

    /// Red flags first, then the routes in order.
    public func outcome(for answers: Answers, subject: Subject) -> Outcome {
        if let flag = redFlags.first(where: { $0.when.holds(answers, subject: subject) }) { return .redFlag(flag) }
        let route = routes.first { $0.when?.holds(answers, subject: subject) ?? true } ?? routes[routes.count - 1]
        return .route(route)
    }

    init(_ cursor: JSONCursor, queues: Set<String>) throws(CatalogError) {
        _ = try cursor.object(allowed: ["questions", "redFlags", "routes"])
        var questions: [Question] = []
        var known: [String: Question.Kind] = [:]
        for item in try cursor["questions"].array(nonEmpty: true) {
            let question = try Question(item, earlier: known)
            questions.append(question)
            known[question.id] = question.kind
        }
        guard (1...20).contains(questions.count) else { throw cursor["questions"].fail("must hold 1 to 20 questions") }
        self.questions = questions

        var flags: [RedFlag] = []
        for item in try cursor["redFlags"].optionalArray() {
            _ = try item.object(allowed: ["id", "when", "action", "message"])
            let id = try item["id"].identifier()
            guard !flags.contains(where: { $0.id == id }) else { throw item["id"].fail("'\(id)' is used twice") }
            guard let action = RedFlag.Action(rawValue: try item["action"].string(maxLength: 20)) else {
                throw item["action"].fail("must be call112 or call116117")
            }
            flags.append(RedFlag(id: id, when: try Condition(item["when"], known: known), action: action,
                                 message: try LocalizedText(item["message"], maxLength: 500)))
        }
        redFlags = flags

        var routes: [Route] = []
        let routeItems = try cursor["routes"].array(nonEmpty: true)
        for (index, item) in routeItems.enumerated() {
            _ = try item.object(allowed: ["when", "queue", "urgency", "reason"])
            let isLast = index == routeItems.count - 1
            if isLast && item["when"].exists { throw item["when"].fail("the last route is the default and has no 'when'") }
            if !isLast && !item["when"].exists { throw item["when"].fail("only the last route may omit 'when'") }
            let queue = try item["queue"].identifier()
            guard queues.contains(queue) else { throw item["queue"].fail("'\(queue)' is not a work queue of this catalog") }
            guard let urgency = Urgency(rawValue: try item["urgency"].string(maxLength: 20)) else {
                throw item["urgency"].fail("must be urgent, soon or normal")
            }
            routes.append(Route(when: isLast ? nil : try Condition(item["when"], known: known), queue: queue,
                                urgency: urgency, reason: try LocalizedText(item["reason"], maxLength: 300)))
        }
        self.routes = routes
    }
}
