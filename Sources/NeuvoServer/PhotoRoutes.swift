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
    let records: RecordExportRoutes

    /// The largest body read: a little over the 10 MiB photo limit, so that a
    /// slightly too large photo gets the sanitiser's clear 413 message; anything
    /// larger is refused by the engine before it is read.
    static let uploadLimit = 11 * 1024 * 1024

    func register(in router: inout Router) {
        router.post("/api/v1/conversations/{id}/photos", bodyLimit: Self.uploadLimit) { request in
            try ResidentAuth.checkCSRF(request, image: true)
            guard let session = try await residents.session(of: request), let id = request.parameters["id"] else { throw HTTPError.notFound() }
            return try await upload(request, conversationID: id, author: .resident(session))
        }
        router.get("/api/v1/conversations/{id}/photos/{photoId}") { request in
            guard let session = try await residents.session(of: request) else { throw HTTPError.notFound() }
            return try serve(request, viewer: .resident(session), conversationID: request.parameters["id"])
        }
        router.post("/api/v1/pro/cases/{id}/photos", bodyLimit: Self.uploadLimit) { request in
            try ResidentAuth.checkCSRF(request, image: true)
            let (_, professional) = try await professionals.require(request)
            guard let id = request.parameters["id"], Identifier.isWellFormed(id) else { throw HTTPError.notFound() }
            return try await upload(request, conversationID: id, author: .professional(professional))
        }
        router.get("/api/v1/pro/cases/{id}/photos/{photoId}") { request in
            let (_, professional) = try await professionals.require(request)
            return try serve(request, viewer: .professional(professional), conversationID: request.parameters["id"])
        }
        router.get("/api/v1/record-exports/{id}/photos/{photoId}") { request in
            try records.requireKey(request)
            guard let export = request.parameters["id"] else { throw HTTPError.notFound() }
            return try serve(request, viewer: .recordExport(exportID: export), conversationID: nil)
        }
    }

    /// The body is the image itself; `X-Client-Id` (a UUID) makes a retry return the original.
    func upload(_ request: Request, conversationID: String, author: MessageAuthor) async throws -> HandlerResult {
        let added = try await mappingErrors {
            try await clinic.addPhoto(conversationID: conversationID, author: author, bytes: request.body,
                                      clientID: request.headers["x-client-id"])
        }
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
