import Foundation
import Testing

@testable import NeuvoStore

func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "neuvo-\(name)-\(UUID().uuidString)"
}

/// Migrations: applied once, in order, each atomically; a newer database is refused.
@Suite struct MigratorTests {
    let first = Migration(version: 1, name: "a", sql: "CREATE TABLE a (x INTEGER);")
    let second = Migration(version: 2, name: "b", sql: "CREATE TABLE b (y INTEGER REFERENCES a(x)); INSERT INTO a VALUES (1);")

    @Test func appliesOnceAndInOrder() throws {
        let db = try Database(path: temporaryPath("mig") + ".sqlite")
        // Given out of order, applied in order: b's insert needs a.
        let migrator = try Migrator(migrations: [second, first])
        #expect(try migrator.migrate(db) == [1, 2])
        #expect(try migrator.migrate(db) == [])
        #expect(try db.rows("SELECT version FROM schema_migrations ORDER BY version").map { $0.int("version") } == [1, 2])
        #expect(try db.row("SELECT COUNT(*) AS n FROM a")?.int("n") == 1)
    }

    @Test func appliesOnlyWhatIsMissing() throws {
        let db = try Database(path: temporaryPath("mig") + ".sqlite")
        #expect(try Migrator(migrations: [first]).migrate(db) == [1])
        #expect(try Migrator(migrations: [first, second]).migrate(db) == [2])
    }

    @Test func refusesANewerDatabase() throws {
        let db = try Database(path: temporaryPath("mig") + ".sqlite")
        try Migrator(migrations: [first, second]).migrate(db)
        #expect(throws: MigrationError.databaseIsNewer(database: 2, known: 1)) {
            try Migrator(migrations: [first]).migrate(db)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() throws {
        let db = try Database(path: temporaryPath("mig") + ".sqlite")
        let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;")
        #expect(throws: MigrationError.self) { try Migrator(migrations: [first, broken]).migrate(db) }
        #expect(try Migrator.currentVersion(of: db) == 1)
        #expect(try db.row("SELECT name FROM sqlite_master WHERE name = 'c'") == nil)
    }

    @Test func readsNumberedFilesFromAFolder() throws {
        let folder = temporaryPath("migfolder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try first.sql.write(toFile: folder + "/0001_a.sql", atomically: true, encoding: .utf8)
        try second.sql.write(toFile: folder + "/0002_b.sql", atomically: true, encoding: .utf8)
        let migrator = try Migrator(folder: folder)
        #expect(migrator.migrations.map(\.version) == [1, 2])
        #expect(migrator.migrations.map(\.name) == ["a", "b"])
        try "x".write(toFile: folder + "/oops.sql", atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badFileName("oops.sql")) { try Migrator(folder: folder) }
    }

    @Test func theShippedMigrationsApply() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let db = try Database(path: temporaryPath("shipped") + ".sqlite")
        let migrator = try Migrator(folder: repo.path + "/Migrations")
        #expect(try migrator.migrate(db).count == migrator.migrations.count)
        #expect(try db.row("PRAGMA journal_mode")?.string("journal_mode") == "wal")
        #expect(try db.row("PRAGMA synchronous")?.int("synchronous") == 2)  // FULL
        #expect(try db.row("PRAGMA foreign_keys")?.int("foreign_keys") == 1)
    }
}
