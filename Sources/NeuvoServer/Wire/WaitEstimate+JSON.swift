import NeuvoClinic
import NeuvoJSON

extension WaitEstimate {
    var json: JSONValue {
        switch self {
        case .minutes(let low, let high, let onShift):
            return .object(["state": .string("estimate"), "minMinutes": .int(low), "maxMinutes": .int(high),
                            "onShift": .int(onShift), "key": .string(key)])
        case .nobodyOnShift:
            return .object(["state": .string("nobodyOnShift"), "key": .string(key)])
        case .closed(let opensAt):
            var object = JSONObject([("state", .string("closed")), ("key", .string(key))])
            if let opensAt { object["opensAt"] = .string(opensAt.rfc3339) }
            return .object(object)
        }
    }
}
