import Foundation
import NeuvoStore
import Testing

/// A graceful stop closes every connection, so SQLite checkpoints the WAL into
/// the database file and removes it: one file is left, holding everything.
@Suite struct GracefulStopTests {
    @Test func aStoppedServerLeavesNoWriteAheadLog() throws {
        let app = try TestApp()
        let resident = try app.resident()
        var ids: [String] = []
        for _ in 0..<20 { ids.append(try resident.openConversation()) }
        #expect(FileManager.default.fileExists(atPath: app.databasePath + "-wal"), "the server writes through the WAL")
        app.stop()
        #expect(!FileManager.default.fileExists(atPath: app.databasePath + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: app.databasePath + "-shm"))
        // Everything answered with success is in the one file.
        let db = try Database(path: app.databasePath, mode: .reader)
        defer { db.close() }
        #expect(try db.row("SELECT COUNT(*) AS n FROM conversations WHERE id IN ('\(ids.joined(separator: "', '"))')")?.int("n") == 20)
    }
}
