import Foundation
import Testing

@testable import NeuvoStore

/// The writer's linger: while writes come fast, a commit waits a little for more and one fsync
/// covers them all; an idle writer commits a lone write at once; nobody is answered before the
/// commit that covers their write. The lingers here are minutes long so that timing noise cannot
/// decide the outcome.
@Suite struct CommitLingerTests {
    func openStore(linger: Duration) throws -> Store {
        try Store(path: temporaryPath("linger") + ".sqlite", migrator: try Migrator(migrations: [StoreTests.schema]),
                  commitLinger: linger)
    }

    @Test func anIdleWriterCommitsALoneWriteAtOnce() async throws {
        // Lingering would hold this write for ten minutes; it must win a race against two.
        let store = try openStore(linger: .seconds(600))
        defer { store.close() }
        let committedFirst = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await store.write { db in try db.run("INSERT INTO t (v) VALUES ('lone')") }
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(120))
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(committedFirst, "an idle writer must not linger")
    }

    @Test func writesComingFastShareOneCommit() async throws {
        // Eight writes fill a batch, which ends the linger; a minute's linger leaves timing noise no say.
        let store = try openStore(linger: .seconds(60))
        defer { store.close() }
        // The first write finds the writer idle and commits alone; the next ones come right after it,
        // 30 ms apart, which without a linger would commit one by one.
        try await store.write { db in try db.run("INSERT INTO t (v) VALUES ('first')") }
        let before = store.writer.counters
        let path = store.path
        let unseen = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(30 * i))
                    try await store.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "fast\(i)") }
                    let reader = try Database(path: path, mode: .reader)
                    return try reader.row("SELECT 1 AS one FROM t WHERE v = ?", "fast\(i)") == nil ? 1 : 0
                }
            }
            return try await group.reduce(0, +)
        }
        let after = store.writer.counters
        #expect(unseen == 0, "a write was answered before its commit")
        #expect(after.jobs - before.jobs == 8)
        #expect(after.batches - before.batches == 1, "eight writes 30 ms apart within a minute's linger: one commit")
    }

    @Test func withoutALingerWritesApartCommitApart() async throws {
        let store = try openStore(linger: .zero)
        defer { store.close() }
        try await store.write { db in try db.run("INSERT INTO t (v) VALUES ('first')") }
        let before = store.writer.counters
        for i in 0..<4 {
            try await store.write { db in try db.run("INSERT INTO t (v) VALUES (?)", "apart\(i)") }
        }
        #expect(store.writer.counters.batches - before.batches == 4)
    }
}
