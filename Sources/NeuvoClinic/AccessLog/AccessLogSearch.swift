import NeuvoStore

extension Clinic {
    /// The most entries one search returns (the CSV: `csvLimit`).
    public static let accessLogPageLimit = 1_000
    public static let accessLogCSVLimit = 100_000

    /// Searches the access log for the register keeper, newest first, on a reader
    /// (a long search must not hold up the writer), then logs the search before
    /// its answer goes out: nobody reads the log unseen.
    public func searchAccessLog(_ query: AccessLogQuery, by keeper: Professional, limit: Int) async throws -> AccessLogPage {
        let now = self.now()
        let calendar = query.from.map { LocalCalendar(from: $0, through: query.through ?? $0) }
            ?? query.through.map { LocalCalendar(from: $0, through: $0) }
        let start = query.from.flatMap { date in calendar?.midnight(of: date) } ?? Int64.min
        let end = query.through.flatMap { date in calendar?.midnight(of: date.adding(days: 1)) } ?? Int64.max
        let page = try store.scan { db in
            var conversations: [String]? = query.conversationID.map { [$0] }
            if let code = query.identityCode {
                // Theirs: what they did themselves, and what a guardian did for them as a child.
                let theirs = try db.rows("""
                    SELECT c.id FROM resident_sessions s JOIN conversations c ON c.resident_session_id = s.id WHERE s.identity_code = ?
                    UNION SELECT id FROM conversations WHERE patient_identity_code = ?
                    """, code.value, code.value).compactMap { $0.string("id") }
                conversations = conversations.map { Array(Set($0).intersection(theirs)) } ?? theirs
            }
            var professionalID: Int64?
            if let username = query.professional {
                guard let id = try db.row("SELECT id FROM professionals WHERE username = ?", username)?.int64("id") else {
                    throw ClinicError.invalid(field: "professional", message: "No professional has that username.")
                }
                professionalID = id
            }
            var entries = try Self.openings(db, conversations: conversations, professionalID: professionalID, start: start, end: end, limit: limit + 1)
            if professionalID == nil {
                entries += try Self.recordSystemReads(db, conversations: conversations, start: start, end: end, limit: limit + 1)
            }
            if conversations == nil {
                entries += try Self.searches(db, professionalID: professionalID, start: start, end: end, limit: limit + 1)
            }
            entries.sort { ($0.at, $0.conversationID ?? "") > ($1.at, $1.conversationID ?? "") }
            let truncated = entries.count > limit
            if truncated { entries.removeLast(entries.count - limit) }
            return AccessLogPage(entries: entries, truncated: truncated)
        }
        let results = page.entries.count
        try await store.write { db in
            try db.run("INSERT INTO access_log_searches (professional_id, criteria, results, at) VALUES (?, ?, ?, ?)",
                       keeper.id, query.criteria, results, now.millis)
        }
        return page
    }

    /// `IN (?, ?, …)` for a list of ids, or nothing when not filtering by them.
    private static func within(_ column: String, _ ids: [String]?) -> (String, [DatabaseValueConvertible]) {
        guard let ids else { return ("", []) }
        if ids.isEmpty { return (" AND 0", []) }
        return (" AND \(column) IN (" + Array(repeating: "?", count: ids.count).joined(separator: ", ") + ")", ids)
    }

    private static func openings(_ db: Database, conversations: [String]?, professionalID: Int64?, start: Int64, end: Int64, limit: Int) throws -> [AccessLogEntry] {
        let (filter, ids) = within("a.conversation_id", conversations)
        var sql = """
            SELECT a.at, a.reason, a.conversation_id, p.username, p.display_name, p.role FROM audit_log a
            JOIN professionals p ON p.id = a.professional_id WHERE a.at >= ? AND a.at < ?\(filter)
            """
        var arguments: [DatabaseValueConvertible] = [start, end] + ids
        if let professionalID {
            sql += " AND a.professional_id = ?"
            arguments.append(professionalID)
        }
        return try db.rows(sql + " ORDER BY a.at DESC LIMIT \(limit)", arguments: arguments).compactMap { row in
            guard let reason = row.string("reason").flatMap(AccessReason.init(rawValue:)) else { return nil }
            return AccessLogEntry(at: Timestamp(millis: row.int64("at") ?? 0), reader: .professional(
                username: row.string("username") ?? "", displayName: row.string("display_name") ?? "",
                role: Professional.Role(rawValue: row.string("role") ?? "") ?? .professional),
                action: .opened(reason), conversationID: row.string("conversation_id"))
        }
    }

    private static func recordSystemReads(_ db: Database, conversations: [String]?, start: Int64, end: Int64, limit: Int) throws -> [AccessLogEntry] {
        let (filter, ids) = within("r.conversation_id", conversations)
        return try db.rows("""
            SELECT r.at, r.action, r.export_id, r.conversation_id, k.name FROM record_system_access r
            JOIN api_keys k ON k.id = r.api_key_id WHERE r.at >= ? AND r.at < ?\(filter) ORDER BY r.at DESC LIMIT \(limit)
            """, arguments: [start, end] + ids).compactMap { row in
            guard let action = row.string("action").flatMap(RecordSystemAccess.init(rawValue:)) else { return nil }
            return AccessLogEntry(at: Timestamp(millis: row.int64("at") ?? 0), reader: .recordSystem(key: row.string("name") ?? ""),
                                  action: .recordSystem(action, exportID: row.string("export_id") ?? ""),
                                  conversationID: row.string("conversation_id"))
        }
    }

    private static func searches(_ db: Database, professionalID: Int64?, start: Int64, end: Int64, limit: Int) throws -> [AccessLogEntry] {
        var sql = """
            SELECT s.at, s.criteria, s.results, p.username, p.display_name, p.role FROM access_log_searches s
            JOIN professionals p ON p.id = s.professional_id WHERE s.at >= ? AND s.at < ?
            """
        var arguments: [DatabaseValueConvertible] = [start, end]
        if let professionalID {
            sql += " AND s.professional_id = ?"
            arguments.append(professionalID)
        }
        return try db.rows(sql + " ORDER BY s.at DESC LIMIT \(limit)", arguments: arguments).map { row in
            AccessLogEntry(at: Timestamp(millis: row.int64("at") ?? 0), reader: .professional(
                username: row.string("username") ?? "", displayName: row.string("display_name") ?? "",
                role: Professional.Role(rawValue: row.string("role") ?? "") ?? .professional),
                action: .searchedLog(criteria: row.string("criteria") ?? "", results: row.int("results") ?? 0), conversationID: nil)
        }
    }

    /// Records what the record system read, before its answer goes out.
    public func logRecordSystemAccess(key: ApiKey, action: RecordSystemAccess, exports: [(exportID: String, conversationID: String)]) async throws {
        guard !exports.isEmpty else { return }
        let now = self.now()
        try await store.write { db in
            for export in exports {
                try db.run("""
                    INSERT INTO record_system_access (api_key_id, export_id, conversation_id, action, at) VALUES (?, ?, ?, ?, ?)
                    """, key.id, export.exportID, export.conversationID, action.rawValue, now.millis)
            }
        }
    }
}
