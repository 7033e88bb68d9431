/// The database: one file, one writer with group commit, a pool of readers.
///
/// Opening migrates the schema to the newest known version, and refuses a
/// database written by a newer Neuvo.
public final class Store: Sendable {
    public let path: String
    public let writer: Writer
    public let readers: ReaderPool
    /// Readers for long scans (statistics, the access log, backups, retention), apart from the quick
    /// ones so that a long report never holds up a poll's read.
    public let scanners: ReaderPool

    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// `walAutocheckpointPages`: how long the WAL grows before the writer folds it back
    /// (`PRAGMA wal_autocheckpoint`); 0 leaves checkpoints to another process, e.g. Litestream.
    /// `commitLinger`: see ``Writer/lingerNanoseconds``.
    public init(path: String, migrator: Migrator, readerCapacity: Int = 8, walAutocheckpointPages: Int = 10_000,
                commitLinger: Duration = .zero) throws {
        self.path = path
        var database = try Database(path: path, mode: .writer)
        if try !migrator.migrate(database).isEmpty {
            // A migration may widen a constraint by rewriting the schema (see 0016); a connection
            // keeps the schema it read, so the writer starts on a fresh one.
            database.close()
            database = try Database(path: path, mode: .writer)
        }
        if walAutocheckpointPages != 10_000 { try database.execute("PRAGMA wal_autocheckpoint = \(max(0, walAutocheckpointPages))") }
        let linger = commitLinger.components
        writer = Writer(database: database, lingerNanoseconds: UInt64(max(0, linger.seconds)) * 1_000_000_000
                                                               + UInt64(max(0, linger.attoseconds / 1_000_000_000)))
        // Mapped too, although SQLite drops a connection's map whenever the WAL has changed since its
        // last read (an munmap and an mmap per read under a stream of writes: ~6% of the CPU in
        // vs_nchan.py). Unmapped, the 4,000 reads that answer a queue's residents after a pick copied
        // their pages one pread at a time: `neuvo-bench queue --waiting 4000` saw the new place after
        // 1,014 ms (p99) instead of 380 ms. The long queue matters more.
        readers = ReaderPool(path: path, capacity: readerCapacity, mapped: true)
        scanners = ReaderPool(path: path, capacity: 2, mapped: true)
    }

    /// See ``Writer/write(_:)``.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(body)
    }

    /// See ``ReaderPool/read(_:)``: a quick read (a few rows).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try readers.read(body)
    }

    /// A long read that visits much of the file (a year's statistics, an access-log search).
    public func scan<T>(_ body: (Database) throws -> T) throws -> T {
        try scanners.read(body)
    }

    /// Writes a consistent copy of the whole database to `destination`.
    public func backup(to destination: String) throws {
        try scanners.read { db in try db.backup(to: destination) }
    }

    /// Finishes queued writes and closes every connection: the readers first,
    /// so that the writer's is the last and checkpoints and removes the WAL.
    public func close() {
        readers.closeAll()
        scanners.closeAll()
        writer.stop()
    }
}
