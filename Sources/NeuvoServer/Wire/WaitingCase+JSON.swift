import NeuvoClinic
import NeuvoJSON

extension WaitingCase {
    var json: JSONValue {
        var object = JSONObject([("conversationId", .string(conversationID)), ("queueId", .string(queueID)),
                                 ("urgency", .string(urgency.rawValue)), ("queuedAt", .string(queuedAt.rfc3339)),
                                 ("identified", .bool(identified)), ("summary", .string(summary)), ("offeredToMe", .bool(offeredToMe))])
        if let language { object["language"] = .string(language.rawValue) }
        if let serviceID { object["serviceId"] = .string(serviceID) }
        if let subjectKind { object["subject"] = .string(subjectKind) }
        return .object(object)
    }
}
