import CSQLite

/// A failure reported by SQLite, or by this wrapper around it.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// SQLite's primary or extended result code (`SQLITE_CONSTRAINT`, …).
    public let code: Int32
    public let message: String
    /// The SQL text, when the failure belongs to a statement. Never the bound values.
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// Whether a UNIQUE, PRIMARY KEY, FOREIGN KEY or CHECK constraint failed.
    public var isConstraintViolation: Bool { code & 0xFF == SQLITE_CONSTRAINT }

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " (in: \($0))" } ?? "")
    }
}
