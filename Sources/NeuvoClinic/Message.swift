import NeuvoJSON
import NeuvoStore

/// A chat message in a conversation.
public struct Message: Sendable, Equatable {
    public let id: String
    public let conversationID: String
    public let clientID: String
    public let author: String
    public let text: String
    public let createdAt: Timestamp
    /// The event that carried the message to the stream.
    public let seq: Int64

    /// Longest message text, in characters.
    public static let maxCharacters = 4000

    init(id: String, conversationID: String, clientID: String, author: String, text: String, createdAt: Timestamp, seq: Int64) {
        self.id = id
        self.conversationID = conversationID
        self.clientID = clientID
        self.author = author
        self.text = text
        self.createdAt = createdAt
        self.seq = seq
    }

    init(row: Row) {
        id = row.string("id") ?? ""
        conversationID = row.string("conversation_id") ?? ""
        clientID = row.string("client_id") ?? ""
        author = row.string("author") ?? ""
        text = row.string("body") ?? ""
        createdAt = Timestamp(millis: row.int64("created_at") ?? 0)
        seq = row.int64("seq") ?? 0
    }

    /// Checks the text a person typed: not blank, not too long, no control characters but line breaks and tabs.
    static func validate(text: String) throws(ClinicError) -> String {
        if text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
            throw .invalid(field: "text", message: "The message is empty.")
        }
        if text.count > maxCharacters {
            throw .invalid(field: "text", message: "The message is longer than \(maxCharacters) characters.")
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" || $0.value == 0x7F }) {
            throw .invalid(field: "text", message: "The message contains control characters.")
        }
        return text
    }
}

/// Who writes a message, and what they may write into.
public enum MessageAuthor: Sendable {
    /// The resident session that owns the conversation; only while it has not ended.
    case resident(ResidentSession)
    /// The professional handling the case; only while it is active.
    case professional(Professional)
}

extension Clinic {
    /// Posts a message. Idempotent on `clientID`: a retry returns the original
    /// message with `created == false`; the same id with other text is a conflict.
    public func postMessage(conversationID: String, author: MessageAuthor, clientID rawClientID: String, text: String)
        async throws -> (message: Message, created: Bool, events: [ClinicEvent]) {
        guard let clientID = Identifier.canonicalUUID(rawClientID) else {
            throw ClinicError.invalid(field: "clientId", message: "clientId must be a UUID.")
        }
        let text = try Message.validate(text: text)
        let now = self.now()
        let id = Identifier.timeOrdered(milliseconds: now.millis)
        return try await store.write { db in
            let sent = try db.row("SELECT * FROM messages WHERE conversation_id = ? AND client_id = ?", conversationID, clientID)
            let row: Row?
            switch author {
            case .resident(let session):
                row = try db.row("SELECT status FROM conversations WHERE id = ? AND resident_session_id = ?", conversationID, session.id)
            case .professional(let professional):
                // A retry of what this professional already sent returns it, even once the case has closed.
                if let sent, sent.int64("professional_id") == professional.id, sent.string("body") == text {
                    return (Message(row: sent), false, [])
                }
                // Only the handler of an active case writes to the resident; to anyone else, a former handler
                // included, the case is not there (404), as the contract says.
                try Self.requireHandler(db, conversationID: conversationID, professionalID: professional.id)
                row = try db.row("SELECT status FROM conversations WHERE id = ?", conversationID)
            }
            guard let row else { throw ClinicError.notFound }
            if let existing = sent.map(Message.init(row:)) {
                guard existing.text == text else {
                    throw ClinicError.conflict(code: "client_id_reused",
                                               message: "This clientId was already used for a different message.")
                }
                return (existing, false, [])
            }
            let status = row.conversationStatus
            var data = JSONObject([("id", .string(id)), ("clientId", .string(clientID))])
            let authorName: String
            let professionalID: Int64?
            switch author {
            case .resident:
                guard status?.hasEnded != true else {
                    throw ClinicError.conflict(code: "conversation_closed", message: "The conversation has ended.")
                }
                // Waiting for a phone call, there is nobody to read a message until the call; the handler
                // who picks the call-back can write first, and then the chat is open both ways.
                guard status != .callBack else {
                    throw ClinicError.conflict(code: "waiting_for_call",
                                               message: "You are waiting for a call; messages can be sent once a professional takes your matter.")
                }
                authorName = "resident"
                professionalID = nil
                data["author"] = .string("resident")
            case .professional(let professional):
                authorName = "professional"
                professionalID = professional.id
                data["author"] = .string("professional")
                data["professional"] = .object(["displayName": .string(professional.displayName), "title": .string(professional.title)])
            }
            data["text"] = .string(text)
            let event = try ClinicEvent.append(db, conversationID: conversationID, type: .message, data: .object(data), at: now)
            try db.run("""
                INSERT INTO messages (id, conversation_id, client_id, author, body, created_at, seq, professional_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, id, conversationID, clientID, authorName, text, now.millis, event.seq, professionalID)
            try db.run("UPDATE conversations SET updated_at = ? WHERE id = ?", now.millis, conversationID)
            if professionalID == nil {
                try Self.armReplyText(db, conversationID: conversationID)
            } else {
                try self.sendReplyText(db, conversationID: conversationID, at: now)
            }
            // As inserted: reading the row back would give the same values.
            let message = Message(id: id, conversationID: conversationID, clientID: clientID, author: authorName, text: text,
                                  createdAt: now, seq: event.seq)
            return (message, true, [event])
        }
    }
}
