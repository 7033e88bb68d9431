import NeuvoClinic
import NeuvoHTTP
import NeuvoJSON

/// The access log for the register keeper under `/api/v1/audit`.
///
/// Who may call: an administrator; anyone else, signed in or not, gets 404.
/// Every search is itself written to the log before its answer goes out.
struct AccessLogRoutes: Sendable {
    let clinic: Clinic
    let auth: ProfessionalAuth

    static let criteria: [Answer] = [.invalid("conversation"), .invalid("professional"), .invalid("identityCode"),
                                     .invalid("from"), .invalid("to"), .invalid("query")]

    func register(in routes: inout RouteTable) {
        let keeper = Caller.registerKeeper(auth)
        routes.get("/api/v1/audit", keeper, answers: Self.criteria) { request, admin in
            let page = try await clinic.searchAccessLog(try Self.query(request), by: admin, limit: Clinic.accessLogPageLimit)
            return .respond(.json(.object(["entries": .array(page.entries.map(\.json)), "truncated": .bool(page.truncated)])))
        }
        routes.get("/api/v1/audit/csv", keeper, answers: Self.criteria) { request, admin in
            let page = try await clinic.searchAccessLog(try Self.query(request), by: admin, limit: Clinic.accessLogCSVLimit)
            var table = CSVTable(["time", "reader", "name", "role", "action", "reason", "conversation", "export"])
            for entry in page.entries { table.add(entry.csvRow) }
            return .respond(.csv(table, file: "neuvo-access-log.csv"))
        }
    }

    /// `?conversation=ID&professional=USERNAME&identityCode=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD`.
    static func query(_ request: Request) throws -> AccessLogQuery {
        try AccessLogQuery(conversation: request.queryValue("conversation"), professional: request.queryValue("professional"),
                           identityCode: request.queryValue("identityCode"), from: request.queryValue("from"), to: request.queryValue("to"))
    }
}
