import NeuvoClinic
import NeuvoEncoding
import NeuvoHTTP
import NeuvoJSON

/// The patient-record system's pull API (DESIGN.md §6).
///
/// Who may call: the record system with a live API key
/// (`Authorization: Bearer KEY`); nothing else reaches these routes (401), and
/// a key reaches nothing else.
struct RecordExportRoutes: Sendable {
    let clinic: Clinic

    func register(in router: inout Router) {
        router.get("/api/v1/record-exports") { request in try list(request) }
        router.get("/api/v1/record-exports/{id}") { request in try one(request) }
        router.post("/api/v1/record-exports/{id}/ack", bodyLimit: 1024) { request in try await acknowledge(request) }
    }

    /// A key from `neuvo apikey create`: "nk_" and 43 base64url characters.
    static func newKey() -> (key: String, hash: [UInt8]) {
        let (token, _) = ResidentAuth.newToken()
        let key = "nk_" + token
        return (key, SHA256.hash(Array(key.utf8)))
    }

    func requireKey(_ request: Request) throws {
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer "),
              case let key = String(header.dropFirst(7)), key.hasPrefix("nk_"), key.utf8.count == 46,
              try clinic.apiKey(hash: SHA256.hash(Array(key.utf8))) != nil else {
            throw HTTPError(.unauthorized, code: "invalid_api_key", message: "A valid API key is required.")
        }
    }

    /// `?after=CURSOR&limit=N&unacknowledged=true` → `{"exports": [...], "next": CURSOR}`.
    func list(_ request: Request) throws -> HandlerResult {
        try requireKey(request)
        let after = try ConversationRoutes.integer(request, "after", default: 0, range: 0...Int(Int64.max))
        let limit = try ConversationRoutes.integer(request, "limit", default: 50, range: 1...500)
        let unacknowledged: Bool
        switch request.queryValue("unacknowledged") {
        case nil, "false": unacknowledged = false
        case "true": unacknowledged = true
        default: throw HTTPError.badRequest("unacknowledged must be true or false.", code: "invalid_unacknowledged")
        }
        let page = try clinic.recordExports(after: Int64(after), limit: limit, unacknowledgedOnly: unacknowledged)
        return .respond(.json(.object(["exports": .array(page.map(\.json)), "next": .int64(page.last?.seq ?? Int64(after))])))
    }

    func one(_ request: Request) throws -> HandlerResult {
        try requireKey(request)
        guard let id = request.parameters["id"], let export = try clinic.recordExport(id: id) else { throw HTTPError.notFound() }
        return .respond(.json(export.json))
    }

    /// Idempotent: acknowledging again answers the same.
    func acknowledge(_ request: Request) async throws -> HandlerResult {
        try requireKey(request)
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let export = try await mappingErrors { try await clinic.acknowledgeExport(id: id) }
        var json = export.json.objectValue ?? JSONObject()
        json["document"] = nil
        return .respond(.json(.object(json)))
    }
}
