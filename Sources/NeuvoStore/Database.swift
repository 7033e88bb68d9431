import CSQLite
import Glibc

/// One SQLite connection with a cache of prepared statements.
///
/// Threading: a `Database` is used by one thread at a time. The ``Writer`` owns
/// one on its own thread; the ``ReaderPool`` lends others out one borrower at a
/// time. It is therefore `@unchecked Sendable`: it moves between threads but is
/// never shared by two at once.
public final class Database: @unchecked Sendable {
    /// How a connection is opened.
    public enum Mode: Sendable {
        /// The single writer: creates the file, sets WAL and `synchronous=FULL`.
        case writer
        /// A reader: read-only, sees committed data only.
        case reader
    }

    public let path: String
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    private var transactionDepth = 0

    public init(path: String, mode: Mode = .writer, busyTimeoutMillis: Int32 = 5_000) throws(DatabaseError) {
        self.path = path
        // A new database holds health data: readable by the service's user only. SQLite gives its
        // -wal and -shm files the database file's mode, so they are private too.
        if mode == .writer, access(path, F_OK) != 0 {
            let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 { Glibc.close(fd) }
        }
        var db: OpaquePointer?
        let flags = mode == .writer
            ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close_v2(db)
            throw DatabaseError(code: rc, message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMillis)
        if mode == .writer {
            try execute("PRAGMA journal_mode = WAL")
            // FULL: the WAL is synced at every commit, so an answered write survives power loss.
            try execute("PRAGMA synchronous = FULL")
            // Checkpoint every ~40 MB of WAL rather than SQLite's 4 MB: a page written by many commits
            // (a busy conversation's index leaf) is copied back once, not once per 4 MB. Measured with
            // `neuvo-bench writes`: 19 KB → 13.5 KB of disk writes per posted message.
            try execute("PRAGMA wal_autocheckpoint = 10000")
            // 32 MB of page cache for the one writer (SQLite's default is 2 MB): the hot index pages of
            // busy conversations stay in memory instead of being read back with a system call per page.
            // Measured with `neuvo-bench writes`: 9.5k → 10.2–11k acknowledged writes/s over HTTP.
            try execute("PRAGMA cache_size = -32768")
            // Deleted content (retention) is overwritten with zeros, so health data leaves the file
            // rather than lingering in free pages. Only deletes pay for it; posting a message deletes nothing.
            try execute("PRAGMA secure_delete = ON")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    private var isClosed = false

    deinit { close() }

    /// Finalizes the cached statements and closes the connection. The last
    /// connection to close checkpoints the WAL into the database file and
    /// removes it, so a stopped server leaves one file behind. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements without parameters or results (DDL, PRAGMA).
    public func execute(_ sql: String) throws(DatabaseError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(error)
            throw DatabaseError(code: rc, message: message, sql: sql.count > 200 ? String(sql.prefix(200)) + "…" : sql)
        }
    }

    /// Runs a transaction-control statement (BEGIN, COMMIT, SAVEPOINT, RELEASE) prepared once:
    /// every read and every write runs two or more, and parsing each anew showed in profiles.
    public func control(_ sql: String) throws(DatabaseError) {
        let statement = try statement(sql)
        defer { statement.reset() }
        while try statement.step() {}
    }

    /// A prepared statement for `sql`, from the cache when it was prepared before.
    public func statement(_ sql: String) throws(DatabaseError) -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows; returns the number of changed rows.
    @discardableResult
    public func run(_ sql: String, _ arguments: DatabaseValueConvertible...) throws(DatabaseError) -> Int {
        let statement = try statement(sql)
        try statement.bind(arguments)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// All rows of a query.
    public func rows(_ sql: String, _ arguments: DatabaseValueConvertible...) throws(DatabaseError) -> [Row] {
        try rows(sql, arguments: arguments)
    }

    /// Steps through a query's rows without copying them: `body` reads the
    /// current row's columns from the statement (``Statement/int64(at:)``).
    public func forEach(_ sql: String, _ arguments: [DatabaseValueConvertible], _ body: (Statement) throws -> Void) throws {
        let statement = try statement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() { try body(statement) }
    }

    /// All rows of a query whose arguments were gathered into an array (an `IN (…)` list).
    public func rows(_ sql: String, arguments: [DatabaseValueConvertible]) throws(DatabaseError) -> [Row] {
        let statement = try statement(sql)
        try statement.bind(arguments)
        var rows: [Row] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// The first row of a query, or nil.
    public func row(_ sql: String, _ arguments: DatabaseValueConvertible...) throws(DatabaseError) -> Row? {
        let statement = try statement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        return try statement.step() ? statement.row() : nil
    }

    /// The rowid of the last inserted row.
    public var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a transaction (or a savepoint, when a transaction is
    /// already open); commits if it returns, rolls back if it throws.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: (Database) throws -> T) throws -> T {
        let savepoint = isInTransaction
        let name = "neuvo_sp\(transactionDepth)"
        try control(savepoint ? "SAVEPOINT \(name)" : "BEGIN \(kind.rawValue)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body(self)
            try control(savepoint ? "RELEASE \(name)" : "COMMIT")
            return result
        } catch {
            if savepoint {
                try? execute("ROLLBACK TO \(name); RELEASE \(name)")
            } else if isInTransaction {
                try? execute("ROLLBACK")
            }
            throw error
        }
    }

    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        case immediate = "IMMEDIATE"
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Copies the whole database into a new file at `destination` with SQLite's
    /// online backup, while others may keep writing.
    public func backup(to destination: String) throws(DatabaseError) {
        var target: OpaquePointer?
        // A copy of health data: its owner's only, like the database (SQLite would create it 0644).
        let fd = Glibc.open(destination, O_RDWR | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 { Glibc.close(fd) }
        var rc = sqlite3_open_v2(destination, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard rc == SQLITE_OK, let target else {
            sqlite3_close_v2(target)
            throw DatabaseError(code: rc, message: "cannot open backup file")
        }
        defer { sqlite3_close_v2(target) }
        guard let backup = sqlite3_backup_init(target, "main", handle, "main") else {
            throw DatabaseError(code: sqlite3_errcode(target), message: String(cString: sqlite3_errmsg(target)))
        }
        // All pages in one step: the copy is one consistent snapshot, and
        // concurrent writers (WAL) cannot force it to restart.
        repeat {
            rc = sqlite3_backup_step(backup, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(10) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            throw DatabaseError(code: rc == SQLITE_DONE ? finish : rc, message: String(cString: sqlite3_errmsg(target)))
        }
    }
}
