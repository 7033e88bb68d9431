import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The patient-record system's pull API (DESIGN.md §6).
///
/// Who may call: the record system with a live API key
/// (`Authorization: Bearer KEY`); nothing else reaches these routes (401), and
/// a key reaches nothing else.
struct RecordExportRoutes: Sendable {
    let clinic: Clinic
    let keys: RecordSystemKeys

    func register(in routes: inout RouteTable) {
        routes.get("/api/v1/record-exports", .recordSystem(keys),
                   answers: [.badQuery("after"), .badQuery("limit"), .badQuery("unacknowledged")]) { request, key in
            try await list(request, key)
        }
        routes.get("/api/v1/record-exports/{id}", .recordSystem(keys)) { request, key in try await one(request, key) }
        routes.post("/api/v1/record-exports/{id}/ack", .recordSystem(keys), takes: .unread(limit: 1024)) { request, key in
            try await acknowledge(request, key)
        }
    }

    /// `?after=CURSOR&limit=N&unacknowledged=true` → `{"exports": [...], "next": CURSOR}`.
    /// Each export listed is logged as pulled (the access log), before the answer goes out.
    func list(_ request: Request, _ key: ApiKey) async throws -> HandlerResult {
        let (after, limit, unacknowledged) = try Self.pullQuery(request)
        let page = try clinic.recordExports(after: after, limit: limit, unacknowledgedOnly: unacknowledged)
        try await clinic.logRecordSystemAccess(key: key, action: .pulled, exports: page.map { ($0.id, $0.conversationID) })
        return .respond(.json(.object(["exports": .array(page.map(\.json)), "next": .int64(page.last?.seq ?? after)])))
    }

    /// `?after=CURSOR&limit=N&unacknowledged=true`, as every outbox a system pulls takes it (exports, text messages).
    static func pullQuery(_ request: Request) throws -> (after: Int64, limit: Int, unacknowledged: Bool) {
        let after = try ConversationRoutes.integer(request, "after", default: 0, range: 0...Int(Int64.max))
        let limit = try ConversationRoutes.integer(request, "limit", default: 50, range: 1...500)
        switch request.queryValue("unacknowledged") {
        case nil, "false": return (Int64(after), limit, false)
        case "true": return (Int64(after), limit, true)
        default: throw HTTPError.badRequest("unacknowledged must be true or false.", code: "invalid_unacknowledged")
        }
    }

    func one(_ request: Request, _ key: ApiKey) async throws -> HandlerResult {
        guard let id = request.parameters["id"], let export = try clinic.recordExport(id: id) else { throw HTTPError.notFound() }
        try await clinic.logRecordSystemAccess(key: key, action: .pulled, exports: [(export.id, export.conversationID)])
        return .respond(.json(export.json))
    }

    /// Idempotent: acknowledging again answers the same.
    func acknowledge(_ request: Request, _ key: ApiKey) async throws -> HandlerResult {
        guard let id = request.parameters["id"] else { throw HTTPError.notFound() }
        let export = try await clinic.acknowledgeExport(id: id)
        try await clinic.logRecordSystemAccess(key: key, action: .acknowledged, exports: [(export.id, export.conversationID)])
        var json = export.json.objectValue ?? JSONObject()
        json["document"] = nil
        return .respond(.json(.object(json)))
    }
}
