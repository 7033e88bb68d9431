import NeuvoClinic
import NeuvoJSON

extension Message {
    var json: JSONValue {
        .object(["id": .string(id), "clientId": .string(clientID), "seq": .int64(seq), "author": .string(author),
                 "text": .string(text), "at": .string(createdAt.rfc3339)])
    }
}
