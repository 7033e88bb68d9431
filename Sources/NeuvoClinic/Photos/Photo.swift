import NeuvoJSON
import NeuvoStore

/// A photo in a conversation, without its bytes.
public struct Photo: Sendable, Equatable {
    public let id: String
    public let conversationID: String
    public let author: String
    public let mediaType: String
    public let width: Int
    public let height: Int
    public let size: Int
    public let createdAt: Timestamp

    /// At most this many photos per conversation.
    public static let maxPerConversation = 10

    /// The photo as the `photo` event carries it (the event log's own format); the API shows the same.
    public var eventData: JSONValue {
        .object(["id": .string(id), "author": .string(author), "mediaType": .string(mediaType), "width": .int(width),
                 "height": .int(height), "size": .int(size), "at": .string(createdAt.rfc3339)])
    }

    init(row: Row) {
        id = row.string("id") ?? ""
        conversationID = row.string("conversation_id") ?? ""
        author = row.string("author") ?? ""
        mediaType = row.string("media_type") ?? ""
        width = row.int("width") ?? 0
        height = row.int("height") ?? 0
        size = row.int("size") ?? 0
        createdAt = Timestamp(millis: row.int64("created_at") ?? 0)
    }
}

/// Who wants to see a photo.
public enum PhotoViewer: Sendable {
    case resident(ResidentSession)
    case professional(Professional)
    /// The record system, through the export that references the photo.
    case recordExport(exportID: String)
}

extension Clinic {
    /// Sanitises and stores a photo. Idempotent on `clientID` when given.
    public func addPhoto(conversationID: String, author: MessageAuthor, bytes: [UInt8], clientID rawClientID: String?) async throws
        -> (photo: Photo, created: Bool, events: [ClinicEvent]) {
        let clientID = rawClientID.flatMap(Identifier.canonicalUUID)
        if rawClientID != nil && clientID == nil {
            throw ClinicError.invalid(field: "clientId", message: "X-Client-Id must be a UUID.")
        }
        // The slow part, outside the writer: parse and strip metadata.
        let image = try ImageSanitizer.sanitize(bytes)
        let now = self.now()
        let id = Identifier.timeOrdered(milliseconds: now.millis)
        return try await store.write { db in
            let authorName: String
            let professionalID: Int64?
            switch author {
            case .resident(let session):
                guard let row = try db.row("SELECT status FROM conversations WHERE id = ? AND resident_session_id = ?",
                                           conversationID, session.id) else { throw ClinicError.notFound }
                guard row.conversationStatus != .closed && row.conversationStatus != .withdrawn else {
                    throw ClinicError.conflict(code: "conversation_closed", message: "The conversation has ended.")
                }
                authorName = "resident"
                professionalID = nil
            case .professional(let professional):
                try Self.requireHandler(db, conversationID: conversationID, professionalID: professional.id)
                authorName = "professional"
                professionalID = professional.id
            }
            if let clientID, let existing = try db.row("""
                SELECT id, conversation_id, author, media_type, width, height, size, created_at FROM photos
                WHERE conversation_id = ? AND client_id = ?
                """, conversationID, clientID) {
                return (Photo(row: existing), false, [])
            }
            let count = try db.row("SELECT COUNT(*) AS n FROM photos WHERE conversation_id = ?", conversationID)?.int("n") ?? 0
            guard count < Photo.maxPerConversation else {
                throw ClinicError.conflict(code: "too_many_photos", message: "A conversation can hold at most \(Photo.maxPerConversation) photos.")
            }
            try db.run("""
                INSERT INTO photos (id, conversation_id, author, professional_id, client_id, media_type, width, height, size, bytes, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, id, conversationID, authorName, professionalID, clientID, image.format.mediaType, image.width, image.height,
                       image.bytes.count, image.bytes, now.millis)
            let photo = Photo(row: try db.row("""
                SELECT id, conversation_id, author, media_type, width, height, size, created_at FROM photos WHERE id = ?
                """, id)!)
            let event = try ClinicEvent.append(db, conversationID: conversationID, type: .photo, data: photo.eventData, at: now)
            try db.run("UPDATE conversations SET updated_at = ? WHERE id = ?", now.millis, conversationID)
            return (photo, true, [event])
        }
    }

    /// The photo's bytes and type, if `viewer` may see it; nil otherwise (answer 404).
    public func photoBytes(photoID: String, conversationID: String?, viewer: PhotoViewer) throws -> (mediaType: String, bytes: [UInt8])? {
        guard Identifier.isWellFormed(photoID) else { return nil }
        return try store.read { db in
            guard let row = try db.row("SELECT conversation_id, media_type, bytes FROM photos WHERE id = ?", photoID),
                  let owner = row.string("conversation_id") else { return nil }
            if let conversationID, conversationID != owner { return nil }
            switch viewer {
            case .resident(let session):
                guard try db.row("SELECT 1 AS x FROM conversations WHERE id = ? AND resident_session_id = ?", owner, session.id) != nil else {
                    return nil
                }
            case .professional(let professional):
                guard try Self.access(db, conversationID: owner, professionalID: professional.id) != nil else { return nil }
            case .recordExport(let exportID):
                guard try db.row("SELECT 1 AS x FROM record_exports WHERE id = ? AND conversation_id = ?", exportID, owner) != nil else {
                    return nil
                }
            }
            return (row.string("media_type") ?? "application/octet-stream", row.blob("bytes") ?? [])
        }
    }
}
