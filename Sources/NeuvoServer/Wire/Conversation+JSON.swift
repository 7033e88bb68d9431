import NeuvoClinic
import NeuvoJSON

extension Conversation {
    /// The conversation as its resident sees it; `position` is added by the caller when waiting.
    func json(position: Int? = nil) -> JSONValue {
        var object = JSONObject([("id", .string(id)), ("status", .string(status.rawValue)), ("createdAt", .string(createdAt.rfc3339))])
        if let serviceID { object["serviceId"] = .string(serviceID) }
        if let subject { object["subject"] = subject.json }
        if let outcome { object["outcome"] = .string(outcome) }
        if let queueID { object["queueId"] = .string(queueID) }
        if let urgency { object["urgency"] = .string(urgency.rawValue) }
        if let queuedAt { object["queuedAt"] = .string(queuedAt.rfc3339) }
        if let position { object["position"] = .int(position) }
        return .object(object)
    }

    var json: JSONValue { json() }
}
