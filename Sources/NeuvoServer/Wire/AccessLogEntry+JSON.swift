import NeuvoClinic
import NeuvoJSON

extension AccessLogEntry {
    private var readerFields: (kind: String, name: String, displayName: String, role: String) {
        switch reader {
        case .professional(let username, let displayName, let role): return ("professional", username, displayName, role.rawValue)
        case .recordSystem(let key): return ("recordSystem", key, "", "")
        }
    }

    /// `action`: opened, pulled, photo, acknowledged, searchedLog; `reason` says why a case was opened.
    private var actionFields: (action: String, reason: String?, export: String?, criteria: String?, results: Int?) {
        switch action {
        case .opened(let reason): return ("opened", reason.rawValue, nil, nil, nil)
        case .recordSystem(let access, let export): return (access.rawValue, nil, export, nil, nil)
        case .searchedLog(let criteria, let results): return ("searchedLog", nil, nil, criteria, results)
        }
    }

    var json: JSONValue {
        let who = readerFields, what = actionFields
        var object = JSONObject([
            ("at", .string(at.rfc3339)),
            ("reader", .object(JSONObject([("kind", .string(who.kind)), ("name", .string(who.name))]
                + (who.kind == "professional" ? [("displayName", .string(who.displayName)), ("role", .string(who.role))] : [])))),
            ("action", .string(what.action)),
        ])
        if let reason = what.reason { object["reason"] = .string(reason) }
        if let conversationID { object["conversationId"] = .string(conversationID) }
        if let export = what.export { object["exportId"] = .string(export) }
        if let criteria = what.criteria { object["criteria"] = .string(criteria) }
        if let results = what.results { object["results"] = .int(results) }
        return .object(object)
    }

    var csvRow: [CSVTable.Cell] {
        let who = readerFields, what = actionFields
        return [.text(at.rfc3339), .text(who.kind), .text(who.name), .text(who.role), .text(what.action),
                .text(what.reason ?? what.criteria ?? ""), .text(conversationID ?? ""), .text(what.export ?? "")]
    }
}
