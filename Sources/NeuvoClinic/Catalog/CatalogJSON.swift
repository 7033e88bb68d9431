import NeuvoJSON

/// The catalog as residents' pages see it: services, questions and branching,
/// queue names and hours. Red flags and routing rules stay on the server.
extension Catalog {
    public var publicJSON: JSONValue {
        .object([
            "version": .string(version),
            "services": .array(services.map(\.publicJSON)),
            "queues": .array(queues.map(\.publicJSON)),
        ])
    }
}

extension WorkQueue {
    public var publicJSON: JSONValue {
        var hours = JSONObject()
        let json = openingHours.json
        for day in OpeningHours.weekdays {
            hours[day] = .array((json[day] ?? []).map { .array($0.map { .string($0) }) })
        }
        // Whether it takes call-backs, and when it offers them: the service list says so before any question.
        var callBack = JSONValue.null
        if let plan = self.callBack {
            let offer: JSONValue
            switch plan.offer {
            case .always: offer = .string("always")
            case .whenClosed: offer = .string("whenClosed")
            case .whenWaitOver(let minutes): offer = .object(["whenWaitOverMinutes": .int(minutes)])
            }
            callBack = .object(["offer": offer, "callerNumber": .string(plan.callerNumber.description), "attempts": .int(plan.attempts)])
        }
        return .object(["id": .string(id), "name": name.json, "openingHours": .object(hours),
                        "targetFirstResponseMinutes": .int(targetFirstResponseMinutes), "callBack": callBack])
    }
}

extension Service {
    var publicJSON: JSONValue {
        var object = JSONObject([("id", .string(id)), ("title", title.json)])
        if let description { object["description"] = description.json }
        if !children.isEmpty { object["children"] = .array(children.map(\.publicJSON)) }
        if let questionnaire {
            object["questions"] = .array(questionnaire.questions.map(\.publicJSON))
            // The queues it may lead to (which one, the answers decide on the server; the last route is the usual one):
            // the service list says open, closed or call-back before any question.
            var queues: [String] = []
            for route in questionnaire.routes.reversed() where !queues.contains(route.queue) { queues.append(route.queue) }
            object["queues"] = .array(queues.map { .string($0) })
        }
        return .object(object)
    }
}

extension Question {
    var publicJSON: JSONValue {
        var object = JSONObject([("id", .string(id)), ("type", .string(kind.name)), ("text", text.json),
                                 ("required", .bool(required))])
        if let help { object["help"] = help.json }
        if let showIf { object["showIf"] = showIf.json }
        switch kind {
        case .singleChoice(let options), .multipleChoice(let options):
            object["options"] = .array(options.map { .object(["id": .string($0.id), "label": $0.label.json]) })
        case .number(let min, let max, let integer, let unit):
            object["min"] = .number(min)
            object["max"] = .number(max)
            object["integer"] = .bool(integer)
            if let unit { object["unit"] = .string(unit) }
        case .text(let maxLength):
            object["maxLength"] = .int(maxLength)
        case .photo(let maxCount):
            object["maxCount"] = .int(maxCount)
        case .yesNo:
            break
        }
        return .object(object)
    }
}

extension Condition {
    /// The same form the catalog is written in, so pages can evaluate branching.
    public var json: JSONValue {
        switch self {
        case .equals(let q, let v): return .object(["question": .string(q), "equals": .string(v)])
        case .oneOf(let q, let vs): return .object(["question": .string(q), "in": .array(vs.map { .string($0) })])
        case .includes(let q, let v): return .object(["question": .string(q), "includes": .string(v)])
        case .atLeast(let q, let v): return .object(["question": .string(q), "atLeast": .number(v)])
        case .atMost(let q, let v): return .object(["question": .string(q), "atMost": .number(v)])
        case .answered(let q): return .object(["question": .string(q), "answered": .bool(true)])
        case .subject(let kind): return .object(["subject": .string(kind)])
        case .childAgeUnder(let months): return .object(["childAgeUnderMonths": .int(months)])
        case .all(let cs): return .object(["all": .array(cs.map(\.json))])
        case .any(let cs): return .object(["any": .array(cs.map(\.json))])
        case .not(let c): return .object(["not": c.json])
        }
    }
}
