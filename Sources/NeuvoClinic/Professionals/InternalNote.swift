import NeuvoJSON
import NeuvoStore

/// A professional's internal note on a case: the handler's or a consultant's,
/// never the resident's to see.
public struct InternalNote: Sendable {
    public let id: String
    public let clientID: String
    public let text: String
    public let at: Timestamp
    /// Who wrote it, when known to the reader.
    public let author: Author?

    public struct Author: Sendable {
        public let displayName: String
        public let title: String
    }

    init(row: Row, author: Author?) {
        id = row.string("id") ?? ""
        clientID = row.string("client_id") ?? ""
        text = row.string("body") ?? ""
        at = Timestamp(millis: row.int64("created_at") ?? 0)
        self.author = author
    }

    /// The note as the staff-only `note` event carries it (the event log's own format); the API shows the same.
    public var eventData: JSONValue {
        var object = JSONObject([("id", .string(id)), ("clientId", .string(clientID)), ("text", .string(text)), ("at", .string(at.rfc3339))])
        if let author { object["professional"] = .object(["displayName": .string(author.displayName), "title": .string(author.title)]) }
        return .object(object)
    }
}
