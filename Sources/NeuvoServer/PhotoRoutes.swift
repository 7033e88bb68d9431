import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// Photos: uploaded by the resident or the handling professional, served only
/// to the conversation's resident, its professionals, and the record system
/// through an export that references them.
struct PhotoRoutes: Sendable {
    let clinic: Clinic
    let hub: EventHub
    let residents: ResidentAuth
    let professionals: ProfessionalAuth
    let keys: RecordSystemKeys

    /// The largest body read: a little over the 10 MiB photo limit, so that a
    /// slightly too large photo gets the sanitiser's clear 413 message; anything
    /// larger is refused by the engine before it is read.
    static let uploadLimit = 11 * 1024 * 1024

    func register(in routes: inout RouteTable) {
        let uploading: [Answer] = [Answer(.contentTooLarge, "photo_too_large"), Answer(.unsupportedMediaType, "unsupported_photo"),
                                   .invalid("clientId"), .conflict("conversation_closed"),
                                   .conflict("too_many_photos")]
        routes.post("/api/v1/conversations/{id}/photos", .resident(residents), takes: .image(limit: Self.uploadLimit), answers: uploading,
                    admits: { request, session in
                        guard let id = request.parameters["id"], try clinic.followed(conversationID: id, ownedBy: session) != nil else {
                            throw HTTPError.notFound()
                        }
                    }) { request, session in
            guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
            return try await upload(request, conversationID: id, author: .resident(session))
        }
        routes.get("/api/v1/conversations/{id}/photos/{photoId}", .resident(residents)) { request, session in
            try serve(request, viewer: .resident(session), conversationID: request.parameters["id"])
        }
        routes.post("/api/v1/pro/cases/{id}/photos", .professional(professionals), takes: .image(limit: Self.uploadLimit),
                    answers: uploading, admits: { request, signedIn in
                        guard let id = request.parameters["id"], try clinic.handles(conversationID: id, professionalID: signedIn.professional.id) else {
                            throw HTTPError.notFound()
                        }
                    }) { request, signedIn in
            guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
            return try await upload(request, conversationID: id, author: .professional(signedIn.professional))
        }
        routes.get("/api/v1/pro/cases/{id}/photos/{photoId}", .professional(professionals)) { request, signedIn in
            try serve(request, viewer: .professional(signedIn.professional), conversationID: request.parameters["id"])
        }
        routes.get("/api/v1/record-exports/{id}/photos/{photoId}", .recordSystem(keys)) { request, key in
            guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
            let answer = try serve(request, viewer: .recordExport(exportID: id), conversationID: nil)
            if let export = try clinic.recordExport(id: id) {
                try await clinic.logRecordSystemAccess(key: key, action: .photo, exports: [(export.id, export.conversationID)])
            }
            return answer
        }
    }

    /// The body is the image itself; `X-Client-Id` (a UUID) makes a retry return the original.
    func upload(_ request: Request, conversationID: String, author: MessageAuthor) async throws -> HandlerResult {
        let added = try await clinic.addPhoto(conversationID: conversationID, author: author, bytes: request.body,
                                              clientID: request.headers["x-client-id"])
        hub.publish(streams: EventStreams.touched(by: added.events))
        return .respond(.json(status: added.created ? .created : .ok, added.photo.json))
    }

    /// `conversationID`, when given, must be the photo's conversation (the path's own id).
    func serve(_ request: Request, viewer: PhotoViewer, conversationID: String?) throws -> HandlerResult {
        guard let photoID = request.parameters["photoId"] else { throw HTTPError.notFound() }
        guard let photo = try clinic.photoBytes(photoID: photoID, conversationID: conversationID, viewer: viewer) else {
            throw HTTPError.notFound()
        }
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: photo.mediaType)
        headers.add(name: "x-content-type-options", value: "nosniff")
        headers.add(name: "cache-control", value: "private, no-store")
        headers.add(name: "content-disposition", value: "inline")
        return .respond(Response(status: .ok, headers: headers, body: photo.bytes))
    }
}
