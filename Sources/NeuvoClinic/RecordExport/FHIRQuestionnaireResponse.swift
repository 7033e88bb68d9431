import NeuvoJSON

/// The pre-question answers as a QuestionnaireResponse.
extension FHIRDocument.Builder {
    func questionnaireResponse() -> JSONValue {
        var object = JSONObject([("resourceType", .string("QuestionnaireResponse")), ("id", id(responseURL))])
        if let serviceID = input.serviceID {
            var canonical = systems.questionnaire(serviceID: serviceID)
            if let version = input.catalogVersion, !version.isEmpty { canonical += "|" + FHIRDocument.percentEncoded(version) }
            object["questionnaire"] = .string(canonical)
        }
        object["status"] = .string("completed")
        object["subject"] = reference(patientURL)
        object["encounter"] = reference(encounterURL)
        object["authored"] = .string((input.queuedAt ?? input.closedAt).rfc3339)
        object["source"] = reference(actsForSomeoneElse ? relatedPersonURL : patientURL)
        var items: [JSONValue] = []
        for answer in input.answers {
            let values = answerValues(answer)
            guard !values.isEmpty else { continue }
            items.append(.object(["linkId": .string(answer.questionID), "text": .string(answer.text),
                                  "answer": .array(values.map { .object([$0.key: $0.value]) })]))
        }
        if !items.isEmpty { object["item"] = .array(items) }
        return .object(object)
    }

    /// The option codes of a question: `<base>/CodeSystem/<service>-<question>`.
    func optionSystem(_ questionID: String) -> String {
        systems.optionSystem(serviceID: input.serviceID ?? "service", questionID: questionID)
    }

    func coding(_ questionID: String, _ code: String, _ display: String?) -> JSONValue {
        var object = JSONObject([("system", .string(optionSystem(questionID))), ("code", .string(code))])
        if let display, !display.isEmpty { object["display"] = .string(display) }
        return .object(object)
    }

    /// One `value[x]` per answer entry, typed as the raw value is.
    func answerValues(_ answer: RecordExportInput.AnsweredQuestion) -> [(key: String, value: JSONValue)] {
        func number(_ d: Double, integer: Bool) -> (key: String, value: JSONValue) {
            integer && d.rounded() == d && abs(d) <= 2_147_483_647 ? ("valueInteger", .number(d)) : ("valueDecimal", .number(d))
        }
        switch (answer.kind, answer.answer) {
        case (.singleChoice(let options)?, .string(let id)):
            return [("valueCoding", coding(answer.questionID, id, options.first { $0.id == id }?.label.fi))]
        case (.multipleChoice(let options)?, .array(let ids)):
            return ids.compactMap(\.stringValue).map { id in
                ("valueCoding", coding(answer.questionID, id, options.first { $0.id == id }?.label.fi))
            }
        case (.number(_, _, let integer, _)?, .number(let d)):
            return [number(d, integer: integer)]
        case (_, .bool(let b)):
            return [("valueBoolean", .bool(b))]
        case (nil, .number(let d)):
            return [number(d, integer: d.rounded() == d)]
        case (nil, .string(let s)):
            // Without the question's type, a value shown differently from how it
            // was given is a choice id with its label.
            return s == answer.display || s.isEmpty ? [("valueString", .string(s))]
                : [("valueCoding", coding(answer.questionID, s, answer.display))]
        case (nil, .array(let items)):
            let ids = items.compactMap(\.stringValue)
            return ids.map { ("valueCoding", coding(answer.questionID, $0, ids.count == 1 ? answer.display : nil)) }
        case (_, .string(let s)):
            return s.isEmpty ? [] : [("valueString", .string(s))]
        case (_, .null):
            return []
        default:
            return answer.display.isEmpty ? [] : [("valueString", .string(answer.display))]
        }
    }
}
