import Foundation
import Testing

@testable import NeuvoStore

/// The writer's group commit and the readers.
@Suite struct StoreTests {
    static let schema = Migration(version: 1, name: "t", sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE);")

    func openStore() throws -> Store {
        try Store(path: temporaryPath("store") + ".sqlite", migrator: try Migrator(migrations: [Self.schema]))
    }

    /// Health data: a new database and its WAL are the service user's alone.
    @Test func aNewDatabaseIsReadableByItsOwnerOnly() async throws {
        let store = try openStore()
        defer { store.close() }
        try await store.write { db in try db.run("INSERT INTO t (v) VALUES ('x')") }
        for file in [store.path, store.path + "-wal"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            #expect(mode & 0o777 == 0o600, "\(file): \(String(mode, radix: 8))")
        }
    }

    @Test func everyAnsweredWriteIsAlreadyCommitted() async throws {
        let store = try openStore()
        defer { store.close() }
        let path = store.path
        let unseen = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<300 {
                group.addTask {
                    try await store.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "row\(i)") }
                    // A separate connection sees only committed data: if the answer came
                    // before the commit, the row would be missing here.
                    let reader = try Database(path: path, mode: .reader)
                    return try reader.row("SELECT 1 AS one FROM t WHERE v = ?", "row\(i)") == nil ? 1 : 0
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(unseen == 0)
        let counters = store.writer.counters
        #expect(counters.jobs == 300)
        // Concurrent writers shared transactions (group commit).
        #expect(counters.batches < counters.jobs)
    }

    @Test func aFailingWriteDoesNotUndoItsBatch() async throws {
        let store = try openStore()
        defer { store.close() }
        try await store.write { db in try db.run("INSERT INTO t (v) VALUES ('taken')") }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<50 {
                group.addTask {
                    do {
                        try await store.write { db in
                            try db.run("INSERT INTO t (v) VALUES (?)", i % 10 == 0 ? "taken" : "v\(i)")
                        }
                        return true
                    } catch let error as DatabaseError {
                        return !error.isConstraintViolation
                    } catch {
                        return true
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { !$0 }.count == 5)
        let count = try store.read { db in try db.row("SELECT COUNT(*) AS n FROM t")?.int("n") }
        #expect(count == 46)
    }

    @Test func aThrowingBodyRollsBackOnlyItself() async throws {
        struct Refused: Error {}
        let store = try openStore()
        defer { store.close() }
        await #expect(throws: Refused.self) {
            try await store.write { db in
                try db.run("INSERT INTO t (v) VALUES ('half')")
                throw Refused()
            }
        }
        try await store.write { db in try db.run("INSERT INTO t (v) VALUES ('whole')") }
        let values = try store.read { db in try db.rows("SELECT v FROM t").compactMap { $0.string("v") } }
        #expect(values == ["whole"])
    }

    @Test func typedValuesRoundTrip() async throws {
        let store = try Store(path: temporaryPath("types") + ".sqlite", migrator: try Migrator(migrations: [
            Migration(version: 1, name: "x", sql: "CREATE TABLE x (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)"),
        ]))
        defer { store.close() }
        let blob: [UInt8] = [0, 1, 2, 255]
        try await store.write { db in
            try db.run("INSERT INTO x VALUES (?, ?, ?, ?, ?)", Int64.max, 2.5, "hyvää päivää", blob, String?.none)
        }
        let row = try #require(try store.read { db in try db.row("SELECT * FROM x") })
        #expect(row.int64("i") == Int64.max)
        #expect(row.double("r") == 2.5)
        #expect(row.string("s") == "hyvää päivää")
        #expect(row.blob("b") == blob)
        #expect(row["n"] == .null)
    }

    @Test func errorsNameTheStatementNotTheValues() throws {
        let db = try Database(path: temporaryPath("err") + ".sqlite")
        try db.execute("CREATE TABLE t (v TEXT NOT NULL)")
        do {
            try db.run("INSERT INTO t (v) VALUES (?)", String?.none)
            Issue.record("expected a constraint error")
        } catch {
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO t (v) VALUES (?)")
        }
        #expect(throws: DatabaseError.self) { try db.run("INSERT INTO t (v) VALUES (?)") }
    }

    @Test func backupIsAConsistentCopy() async throws {
        let store = try openStore()
        defer { store.close() }
        for i in 0..<20 { try await store.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "b\(i)") } }
        let copy = temporaryPath("backup") + ".sqlite"
        try store.backup(to: copy)
        let db = try Database(path: copy, mode: .reader)
        #expect(try db.row("SELECT COUNT(*) AS n FROM t")?.int("n") == 20)
        #expect(try db.row("PRAGMA integrity_check")?.string("integrity_check") == "ok")
    }

    @Test func closedStoreRefusesWrites() async throws {
        let store = try openStore()
        store.close()
        await #expect(throws: DatabaseError.self) {
            try await store.write { db in try db.run("INSERT INTO t (v) VALUES ('late')") }
        }
    }
}
