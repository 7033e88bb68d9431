import NeuvoClinic
import NeuvoJSON

extension StoredExport {
    var json: JSONValue {
        var object = JSONObject([("id", .string(id)), ("seq", .int64(seq)), ("conversationId", .string(conversationID)),
                                 ("createdAt", .string(createdAt.rfc3339)), ("acknowledged", .bool(acknowledgedAt != nil))])
        if let acknowledgedAt { object["acknowledgedAt"] = .string(acknowledgedAt.rfc3339) }
        object["document"] = document
        return .object(object)
    }
}
