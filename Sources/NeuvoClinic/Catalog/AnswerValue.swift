import NeuvoJSON

/// A validated answer to one pre-question.
public enum AnswerValue: Sendable, Equatable {
    case choice(String)
    case choices([String])
    case yesNo(Bool)
    case number(Double)
    case text(String)

    public var json: JSONValue {
        switch self {
        case .choice(let id): return .string(id)
        case .choices(let ids): return .array(ids.map { .string($0) })
        case .yesNo(let b): return .bool(b)
        case .number(let d): return .number(d)
        case .text(let s): return .string(s)
        }
    }
}

/// Validated answers, keyed by question id.
public typealias Answers = [String: AnswerValue]
