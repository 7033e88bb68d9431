import Synchronization

/// Reading connections, lent to one borrower at a time.
///
/// Each read runs in its own read transaction, so it sees one consistent
/// snapshot of committed data while the writer goes on (WAL).
public final class ReaderPool: Sendable {
    private let path: String
    private let capacity: Int
    private let mapped: Bool
    private let idle = Mutex<[Database]>([])

    /// `mapped`: read the file through a memory map (for long scans); see ``open()``.
    init(path: String, capacity: Int, mapped: Bool) {
        self.path = path
        self.capacity = capacity
        self.mapped = mapped
    }

    /// Runs `body` on a reading connection inside a read transaction.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        let db = try idle.withLock { $0.popLast() } ?? open()
        defer {
            idle.withLock { pool in
                if pool.count < capacity { pool.append(db) }
            }
        }
        return try db.transaction(.deferred, body)
    }

    private func open() throws(DatabaseError) -> Database {
        let db = try Database(path: path, mode: .reader)
        try db.execute("PRAGMA query_only = ON")
        // Read the file through a memory map rather than a copy per page: a year's statistics visit
        // ~40 MB of index, and copying it page by page (pread) was a fifth of their time. Address space
        // only; the pages are the kernel's file cache, shared by every connection. (See Store.init for
        // the cost under a stream of writes, and why the quick readers are mapped all the same.)
        try db.execute("PRAGMA mmap_size = \(mapped ? 1_073_741_824 : 0)")
        return db
    }

    /// Closes the idle connections (at stop, when none is borrowed); later reads open new ones.
    func closeAll() {
        let connections = idle.withLock { pool in
            defer { pool.removeAll() }
            return pool
        }
        for db in connections { db.close() }
    }
}
