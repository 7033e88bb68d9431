import NeuvoClinic
import NeuvoJSON

extension ResidentSession.Identity {
    /// What the resident's own page shows: the birth date part only.
    var json: JSONValue {
        var object = JSONObject([("method", .string(method.rawValue)), ("code", .string(String(code.value.prefix(7)) + "****"))])
        if let name { object["name"] = .string(name) }
        return .object(object)
    }
}
