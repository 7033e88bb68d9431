import NeuvoClinic
import NeuvoJSON

extension Conversation {
    /// The conversation as its resident sees it; `position` is added by the caller when waiting.
    /// A child's identity code only as the professional's case view (`professional`) shows it:
    /// to the resident's browser, days later perhaps someone else at it, only that one was given.
    func json(position: Int? = nil, professional: Bool = false) -> JSONValue {
        var object = JSONObject([("id", .string(id)), ("status", .string(status.rawValue)), ("createdAt", .string(createdAt.rfc3339))])
        if let serviceID { object["serviceId"] = .string(serviceID) }
        if let subject {
            var json = subject.json
            if !professional, case .object(var fields) = json, fields["identityCode"] != nil {
                fields["identityCode"] = nil
                fields["identitySource"] = nil
                fields["identityCodeGiven"] = .bool(true)
                json = .object(fields)
            }
            object["subject"] = json
        }
        if let outcome { object["outcome"] = .string(outcome) }
        if let queueID { object["queueId"] = .string(queueID) }
        if let urgency { object["urgency"] = .string(urgency.rawValue) }
        if let queuedAt { object["queuedAt"] = .string(queuedAt.rfc3339) }
        if let position { object["position"] = .int(position) }
        if let language { object["language"] = .string(language.rawValue) }
        return .object(object)
    }

    var json: JSONValue { json() }
}

extension ResidentMatter {
    /// The conversation, and once handled: when it ended, the instructions and who gave them.
    var json: JSONValue {
        guard case .object(var object) = conversation.json else { return conversation.json }
        if let closedAt { object["closedAt"] = .string(closedAt.rfc3339) }
        if let instructions { object["instructions"] = .string(instructions) }
        if let closingOutcome { object["closingOutcome"] = .string(closingOutcome) }
        if let handledBy { object["handledBy"] = .object(["displayName": .string(handledBy.displayName), "title": .string(handledBy.title)]) }
        return .object(object)
    }
}
