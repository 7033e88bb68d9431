import NeuvoClinic
import NeuvoJSON

extension Professional {
    /// Never includes the password hash.
    var json: JSONValue {
        .object(["id": .int64(id), "username": .string(username), "displayName": .string(displayName),
                 "title": .string(title), "role": .string(role.rawValue),
                 "queues": .array(queues.map { .string($0) }), "onShift": .array(onShift.map { .string($0) }),
                 "manages": .array(manages.map { .string($0) })])
    }
}
