import NeuvoClinic
import NeuvoJSON

extension CaseView {
    /// `GET /api/v1/pro/cases/{id}` and `GET /api/v1/pro/admin/cases/{id}`.
    var json: JSONValue {
        var object = JSONObject([("conversation", conversation.json(professional: true))])
        if let who = residentIdentity {
            var identity = JSONObject([("personalIdentityCode", .string(who.personalIdentityCode)), ("method", .string(who.method))])
            if let name = who.name { identity["name"] = .string(name) }
            object["residentIdentity"] = .object(identity)
        }
        if let service { object["service"] = .object(["id": .string(service.id), "title": .string(service.title)]) }
        object["answers"] = .array(answers.map { answer in
            .object(["questionId": .string(answer.questionID), "question": .string(answer.question), "answer": answer.answer,
                     "shown": .string(answer.shown)])
        })
        if let routingReason { object["routingReason"] = .string(routingReason) }
        object["earlierRedFlags"] = .array(earlierRedFlags.map { flag in
            var json = JSONObject([("at", .string(flag.at.rfc3339)), ("redFlag", .string(flag.redFlag))])
            if let service = flag.service { json["service"] = .string(service) }
            if let action = flag.action { json["action"] = .string(action.rawValue) }
            if let message = flag.message { json["message"] = .string(message) }
            return .object(json)
        })
        object["messages"] = .array(messages.map(\.json))
        object["photos"] = .array(photos.map(\.json))
        object["notes"] = .array(notes.map(\.json))
        object["access"] = .string(access.map { $0 == .handler ? "handler" : "consultant" } ?? "admin")
        if let summaryDraft { object["summaryDraft"] = .string(summaryDraft) }
        if let cannedReplies { object["cannedReplies"] = .array(cannedReplies.map { .string($0) }) }
        if let callBack {
            // The number for the one who calls: the handler (a consultant or an administrator reads the rest).
            var json = callBack.request.json.objectValue ?? JSONObject()
            if access != .handler { json["phone"] = .null }
            json["maxAttempts"] = .int(callBack.maxAttempts)
            object["callBack"] = .object(json)
        }
        return .object(object)
    }
}

extension InternalNote {
    var json: JSONValue { eventData }
}

extension CaseSummary {
    /// One entry of `GET /api/v1/pro/cases`.
    var json: JSONValue {
        var object = JSONObject([("conversationId", .string(conversationID)), ("access", .string(access == .handler ? "handler" : "consultant"))])
        if let serviceID { object["serviceId"] = .string(serviceID) }
        if let queueID { object["queueId"] = .string(queueID) }
        if let urgency { object["urgency"] = .string(urgency.rawValue) }
        return .object(object)
    }
}

extension Feedback {
    /// `201` of `POST /api/v1/conversations/{id}/feedback`.
    var json: JSONValue {
        var object = JSONObject([("score", .int(score)), ("at", .string(at.rfc3339))])
        if let comment { object["comment"] = .string(comment) }
        return .object(object)
    }
}
