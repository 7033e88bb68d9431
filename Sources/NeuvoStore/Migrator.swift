import Foundation

/// One numbered schema change, from `Migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why the schema could not be brought up to date.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database was written by a newer Neuvo; running on it could corrupt it.
    case databaseIsNewer(database: Int, known: Int)
    case badFileName(String)
    case duplicateVersion(Int)
    case unreadable(String)
    case failed(version: Int, message: String)

    public var description: String {
        switch self {
        case .databaseIsNewer(let database, let known):
            return "the database is at schema version \(database), newer than this program knows (\(known)); refusing to run"
        case .badFileName(let name): return "migration file name '\(name)' is not NNNN_name.sql"
        case .duplicateVersion(let version): return "two migration files have version \(version)"
        case .unreadable(let path): return "cannot read migrations from \(path)"
        case .failed(let version, let message): return "migration \(version) failed: \(message)"
        }
    }
}

/// Applies migrations in order, each once, each in its own transaction, and
/// records them in `schema_migrations`.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) throws(MigrationError) {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.version == b.version {
            throw .duplicateVersion(a.version)
        }
        self.migrations = sorted
    }

    /// Reads every `NNNN_name.sql` in `folder`.
    public init(folder: String) throws(MigrationError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }
        } catch {
            throw .unreadable(folder)
        }
        var migrations: [Migration] = []
        for name in names {
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw .badFileName(name)
            }
            guard let sql = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else {
                throw .unreadable(folder + "/" + name)
            }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        try self.init(migrations: migrations)
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The highest applied version in `db` (0 for a new database).
    public static func currentVersion(of db: Database) throws -> Int {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)
            """)
        return try db.row("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")?.int("v") ?? 0
    }

    /// Applies what is missing; returns the versions applied now.
    @discardableResult
    public func migrate(_ db: Database) throws -> [Int] {
        let current = try Self.currentVersion(of: db)
        guard current <= latestVersion else { throw MigrationError.databaseIsNewer(database: current, known: latestVersion) }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            do {
                try db.transaction { db in
                    try db.execute(migration.sql)
                    try db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                               migration.version, migration.name, Int64(Date().timeIntervalSince1970 * 1000))
                }
            } catch let error as DatabaseError {
                throw MigrationError.failed(version: migration.version, message: error.message)
            }
            applied.append(migration.version)
        }
        return applied
    }
}
