import NeuvoClinic
import NeuvoJSON

extension ClinicEvent {
    /// The event as the API shows it.
    var json: JSONValue {
        .object(["seq": .int64(seq), "type": .string(type.rawValue), "conversationId": .string(conversationID), "at": .string(at.rfc3339), "data": data])
    }
}
