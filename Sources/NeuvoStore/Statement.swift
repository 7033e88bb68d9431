import CSQLite

/// A prepared statement. Owned by its ``Database``'s cache; valid while the database lives.
public final class Statement {
    private unowned let database: Database
    let handle: OpaquePointer
    public let sql: String

    init(database: Database, sql: String) throws(DatabaseError) {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw DatabaseError(code: rc, message: database.lastErrorMessage, sql: sql)
        }
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    /// Ends the current run and clears bindings, so the statement holds no read
    /// transaction open (a statement left mid-way would keep the WAL from resetting).
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds positional arguments (`?`), the first to index 1.
    public func bind(_ arguments: [DatabaseValueConvertible]) throws(DatabaseError) {
        guard arguments.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw DatabaseError(code: SQLITE_RANGE, message: "expected \(sqlite3_bind_parameter_count(handle)) arguments, got \(arguments.count)", sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch argument.databaseValue {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v):
                // The byte length, not -1: a NUL inside the text must not end it there ("hanna\0x" is not "hanna").
                rc = sqlite3_bind_text(handle, index, v, Int32(v.utf8.count), neuvo_sqlite_transient())
            case .blob(let v):
                rc = v.withUnsafeBytes { bytes in
                    sqlite3_bind_blob64(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(bytes.count), neuvo_sqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw DatabaseError(code: rc, message: database.lastErrorMessage, sql: sql) }
        }
    }

    /// Advances one row: true when a row is ready, false when done.
    public func step() throws(DatabaseError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = DatabaseError(code: sqlite3_extended_errcode(database.handle), message: database.lastErrorMessage, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Copies the current row out.
    public func row() -> Row {
        let count = sqlite3_column_count(handle)
        var columns: [String] = []
        var values: [DatabaseValue] = []
        columns.reserveCapacity(Int(count))
        values.reserveCapacity(Int(count))
        for i in 0..<count {
            columns.append(String(cString: sqlite3_column_name(handle, i)))
            switch sqlite3_column_type(handle, i) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(handle, i)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(handle, i)))
            case SQLITE_TEXT:
                let length = Int(sqlite3_column_bytes(handle, i))
                let text = sqlite3_column_text(handle, i).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                } ?? ""
                values.append(.text(text))
            case SQLITE_BLOB:
                let length = Int(sqlite3_column_bytes(handle, i))
                let bytes = sqlite3_column_blob(handle, i).map {
                    Array(UnsafeRawBufferPointer(start: $0, count: length))
                } ?? []
                values.append(.blob(bytes))
            default: values.append(.null)
            }
        }
        return Row(columns: columns, values: values)
    }

    /// The current row's integer in column `index` (from 0), nil for NULL. Copies
    /// nothing else: for scans of many rows, where ``row()`` would allocate per row.
    public func int64(at index: Int32) -> Int64? {
        sqlite3_column_type(handle, index) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, index)
    }

    /// The current row's text in column `index` (from 0), nil for NULL.
    public func text(at index: Int32) -> String? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, index) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))), as: UTF8.self)
    }

    /// Calls `body` with the current row's text bytes in column `index` (nil for NULL), without
    /// making a String: a scan that only compares or counts the text allocates nothing.
    public func withText<T>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>?) -> T) -> T {
        // sqlite3_column_text is NULL for a NULL value: no separate type check.
        guard let bytes = sqlite3_column_text(handle, index) else { return body(nil) }
        return body(UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))))
    }

    /// The current row's integer in column `index`, 0 for NULL: one call where ``int64(at:)``
    /// makes two, for columns where 0 cannot occur (times) or means the same as NULL (counts).
    public func int64OrZero(at index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
}
