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

    /// 0013 widens `professionals`' roles in place, keeping every reference, and
    /// fills the new statistics columns from what was there before.
    @Test func statisticsMigrationKeepsAccountsAndFillsTheStatisticsRow() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = temporaryPath("statistics") + ".sqlite"
        var db = try Database(path: path)
        let all = try Migrator(folder: repo.path + "/Migrations").migrations
        try Migrator(migrations: all.filter { $0.version <= 12 }).migrate(db)
        try db.execute("""
            INSERT INTO professionals (id, username, display_name, title, role, password_hash, created_at) VALUES (1, 'hanna', 'H', 't', 'professional', 'x', 1);
            INSERT INTO queue_memberships VALUES (1, 'nurse', 5);
            INSERT INTO resident_sessions (id, token_hash, created_at, expires_at, identity_code) VALUES (1, x'01', 1, 2, '131052-308T');
            INSERT INTO conversations (id, resident_session_id, status, created_at, updated_at, professional_id, picked_at, outcome, queue_id, queued_at, subject)
                VALUES ('c1', 1, 'active', 1000, 1000, 1, 3000, 'queued', 'nurse', 2000, '{"kind": "child"}');
            INSERT INTO messages (id, conversation_id, client_id, author, body, created_at, seq, professional_id) VALUES ('m1', 'c1', 'x', 'professional', 'hi', 4000, 1, 1);
            INSERT INTO events (conversation_id, type, at, data) VALUES ('c1', 'transferred', 3500, '{}');
            INSERT INTO audit_log (professional_id, conversation_id, reason, at) VALUES (1, 'c1', 'picked', 3000);
            """)
        #expect(try Migrator(migrations: all).migrate(db) == all.filter { $0.version > 12 }.map(\.version))
        // A widened CHECK is read by connections opened after it (the store reopens its writer).
        db.close()
        db = try Database(path: path)
        #expect(try db.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try db.row("PRAGMA integrity_check")?.string("integrity_check") == "ok")
        #expect(try db.row("SELECT username FROM professionals WHERE id = 1")?.string("username") == "hanna")
        let row = try #require(try db.row("SELECT subject_kind, identified, first_queue_id, first_reply_at, transfers FROM conversations"))
        #expect(row.string("subject_kind") == "child" && row.int("identified") == 1 && row.string("first_queue_id") == "nurse")
        #expect(row.int64("first_reply_at") == 4000 && row.int("transfers") == 1)
        // The account trigger came back with the table.
        let before = try #require(try db.row("SELECT version FROM queue_versions WHERE queue_id = 'nurse'")?.int("version"))
        try db.execute("UPDATE professionals SET disabled_at = 9 WHERE id = 1")
        #expect(try db.row("SELECT version FROM queue_versions WHERE queue_id = 'nurse'")?.int("version") == before + 1)
        try db.execute("INSERT INTO professionals (username, display_name, title, role, password_hash, created_at) VALUES ('mikko', 'M', 't', 'manager', 'x', 1)")
    }
}
