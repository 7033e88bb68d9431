import NeuvoJSON
import NeuvoStore

extension Clinic {
    /// Validates and stores a catalog document; it becomes the active catalog.
    ///
    /// Importing the same version with the same content again is harmless;
    /// the same version with other content is refused, because conversations
    /// refer to catalog versions.
    @discardableResult
    public func importCatalog(_ bytes: [UInt8]) async throws -> (catalog: Catalog, imported: Bool) {
        let catalog = try Catalog(bytes: bytes)
        let document = try JSONValue.parse(bytes).text
        let now = self.now()
        let imported = try await store.write { db -> Bool in
            if let existing = try db.row("SELECT document FROM catalogs WHERE version = ?", catalog.version) {
                guard existing.string("document") == document else {
                    throw ClinicError.conflict(code: "catalog_version_exists",
                                               message: "Catalog version '\(catalog.version)' was already imported with other content; give the new one its own version.")
                }
                // Make it the active one again.
                try db.run("DELETE FROM catalogs WHERE version = ?", catalog.version)
            }
            try db.run("INSERT INTO catalogs (version, document, imported_at) VALUES (?, ?, ?)", catalog.version, document, now.millis)
            return true
        }
        catalogCache.withLock { $0 = catalog }
        return (catalog, imported)
    }

    /// The active (most recently imported) catalog, or nil when none was imported.
    public func activeCatalog() throws -> Catalog? {
        try store.read { db in try activeCatalog(db) }
    }

    /// The active catalog as `db` sees it. Reads only its version while the
    /// parsed one is current: every poll of a waiting resident asks.
    func activeCatalog(_ db: Database) throws -> Catalog? {
        guard let version = try db.row("SELECT version FROM catalogs ORDER BY seq DESC LIMIT 1")?.string("version") else { return nil }
        if let cached = catalogCache.withLock({ $0 }), cached.version == version { return cached }
        let document = try db.row("SELECT document FROM catalogs WHERE version = ?", version)?.string("document") ?? ""
        let catalog = try Self.stored(document)
        catalogCache.withLock { $0 = catalog }
        return catalog
    }

    /// A catalog version a conversation refers to.
    func catalog(version: String) throws -> Catalog? {
        if let cached = catalogCache.withLock({ $0 }), cached.version == version { return cached }
        guard let row = try store.read({ db in try db.row("SELECT document FROM catalogs WHERE version = ?", version) }),
              let document = row.string("document") else { return nil }
        return try Self.stored(document)
    }
}

/// A catalog in the database that no longer reads: a fault of the server's data,
/// not of the request (an import is checked before it is stored), so it answers 500.
public struct StoredCatalogUnreadable: Error, Sendable {
    public let reason: String
}

extension Clinic {
    static func stored(_ document: String) throws -> Catalog {
        do {
            return try Catalog(bytes: Array(document.utf8))
        } catch {
            throw StoredCatalogUnreadable(reason: "\(error)")
        }
    }
}
