import NeuvoJSON

/// One pre-question ("esitietokysymys").
public struct Question: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public let id: String
        public let label: LocalizedText
    }

    public enum Kind: Sendable, Equatable {
        case singleChoice([Option])
        case multipleChoice([Option])
        case yesNo
        /// A number within `min...max`; `integer` refuses fractions.
        case number(min: Double, max: Double, integer: Bool, unit: String?)
        case text(maxLength: Int)
        /// A request for photos, answered by uploading them (at most `maxCount`).
        case photo(maxCount: Int)

        var name: String {
            switch self {
            case .singleChoice: return "singleChoice"
            case .multipleChoice: return "multipleChoice"
            case .yesNo: return "yesNo"
            case .number: return "number"
            case .text: return "text"
            case .photo: return "photo"
            }
        }

        var optionIDs: [String] {
            switch self {
            case .singleChoice(let options), .multipleChoice(let options): return options.map(\.id)
            default: return []
            }
        }
    }

    public let id: String
    public let text: LocalizedText
    public let help: LocalizedText?
    public let kind: Kind
    public let required: Bool
    /// Shown only when this holds over the earlier answers.
    public let showIf: Condition?

    init(_ cursor: JSONCursor, earlier: [String: Kind]) throws(CatalogError) {
        _ = try cursor.object(allowed: ["id", "type", "text", "help", "required", "showIf", "options", "min", "max",
                                        "integer", "unit", "maxLength", "maxCount"])
        id = try cursor["id"].identifier()
        guard earlier[id] == nil else { throw cursor["id"].fail("'\(id)' is used by another question") }
        text = try LocalizedText(cursor["text"], maxLength: 500)
        help = cursor["help"].exists ? try LocalizedText(cursor["help"], maxLength: 1000) : nil
        required = try cursor["required"].bool(default: false)
        showIf = cursor["showIf"].exists ? try Condition(cursor["showIf"], known: earlier) : nil
        let type = try cursor["type"].string(maxLength: 20)
        switch type {
        case "singleChoice", "multipleChoice":
            var options: [Option] = []
            for item in try cursor["options"].array(nonEmpty: true) {
                _ = try item.object(allowed: ["id", "label"])
                let optionID = try item["id"].identifier()
                guard !options.contains(where: { $0.id == optionID }) else { throw item["id"].fail("'\(optionID)' is used twice") }
                options.append(Option(id: optionID, label: try LocalizedText(item["label"], maxLength: 200)))
            }
            guard options.count >= 2 else { throw cursor["options"].fail("needs at least two options") }
            kind = type == "singleChoice" ? .singleChoice(options) : .multipleChoice(options)
        case "yesNo":
            kind = .yesNo
        case "number":
            let min = try cursor["min"].number(), max = try cursor["max"].number()
            guard min < max else { throw cursor["max"].fail("must be greater than min") }
            kind = .number(min: min, max: max, integer: try cursor["integer"].bool(default: false),
                           unit: try cursor["unit"].optionalString(maxLength: 20))
        case "text":
            kind = .text(maxLength: cursor["maxLength"].exists ? try cursor["maxLength"].integer(in: 1...2000) : 500)
        case "photo":
            kind = .photo(maxCount: cursor["maxCount"].exists ? try cursor["maxCount"].integer(in: 1...10) : 3)
        default:
            throw cursor["type"].fail("must be singleChoice, multipleChoice, yesNo, number, text or photo")
        }
        if case .photo = kind, required { throw cursor["required"].fail("a photo request cannot be required") }
    }

    /// Checks one answer's type and range.
    func validate(_ value: JSONValue) throws(ClinicError) -> AnswerValue {
        func invalid(_ message: String) -> ClinicError { .invalidAnswer(question: id, message: message) }
        switch kind {
        case .singleChoice(let options):
            guard let choice = value.stringValue else { throw invalid("Answer '\(id)' with one option id.") }
            guard options.contains(where: { $0.id == choice }) else { throw invalid("'\(choice)' is not an option of '\(id)'.") }
            return .choice(choice)
        case .multipleChoice(let options):
            guard let items = value.arrayValue else { throw invalid("Answer '\(id)' with a list of option ids.") }
            var chosen: [String] = []
            for item in items {
                guard let choice = item.stringValue, options.contains(where: { $0.id == choice }) else {
                    throw invalid("Every item of '\(id)' must be one of its option ids.")
                }
                guard !chosen.contains(choice) else { throw invalid("'\(choice)' is chosen twice in '\(id)'.") }
                chosen.append(choice)
            }
            if required && chosen.isEmpty { throw invalid("Choose at least one option for '\(id)'.") }
            return .choices(chosen)
        case .yesNo:
            guard let b = value.boolValue else { throw invalid("Answer '\(id)' with true or false.") }
            return .yesNo(b)
        case .number(let min, let max, let integer, _):
            guard case .number(let d) = value else { throw invalid("Answer '\(id)' with a number.") }
            guard d >= min && d <= max else { throw invalid("'\(id)' must be from \(Self.format(min)) to \(Self.format(max)).") }
            if integer && d.rounded() != d { throw invalid("'\(id)' must be a whole number.") }
            return .number(d)
        case .text(let maxLength):
            guard let s = value.stringValue else { throw invalid("Answer '\(id)' with text.") }
            let trimmed = String(s.trimmingSpacesAndNewlines())
            if trimmed.isEmpty {
                throw invalid(required ? "'\(id)' is required." : "Leave '\(id)' out rather than answering it blank.")
            }
            guard trimmed.count <= maxLength else { throw invalid("'\(id)' is longer than \(maxLength) characters.") }
            guard !trimmed.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F }) else {
                throw invalid("'\(id)' contains control characters.")
            }
            return .text(trimmed)
        case .photo:
            throw invalid("Photos for '\(id)' are sent as uploads, not as answers.")
        }
    }

    static func format(_ d: Double) -> String { d.rounded() == d ? String(Int(d)) : String(d) }
}
