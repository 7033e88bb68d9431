import Foundation
import NeuvoClinic
import NeuvoServer
import NeuvoStore

/// `neuvo migrate`: applies pending migrations and exits.
func migrateCommand(_ configuration: NeuvoApp.Configuration) throws {
    let database = try Database(path: configuration.databasePath)
    let applied = try Migrator(folder: configuration.migrationsFolder).migrate(database)
    print(applied.isEmpty ? "up to date" : "applied \(applied.map(String.init).joined(separator: ", "))")
}

/// `neuvo backup PATH`: a consistent online copy; never overwrites.
func backupCommand(_ positional: [String], _ configuration: NeuvoApp.Configuration) throws {
    guard positional.count == 1 else { throw CommandLineError(description: "backup needs one PATH\n\n\(usage)") }
    guard !FileManager.default.fileExists(atPath: positional[0]) else {
        throw CommandLineError(description: "\(positional[0]) exists; refusing to overwrite it")
    }
    let store = try Store(path: configuration.databasePath, migrator: try Migrator(folder: configuration.migrationsFolder))
    try store.backup(to: positional[0])
    store.close()
    print("backed up to \(positional[0])")
}

/// `neuvo catalog check|import FILE`.
func catalogCommand(_ positional: [String], _ configuration: NeuvoApp.Configuration) throws {
    guard positional.count == 2, ["check", "import"].contains(positional[0]) else {
        throw CommandLineError(description: "catalog needs check FILE or import FILE\n\n\(usage)")
    }
    guard let data = FileManager.default.contents(atPath: positional[1]) else {
        throw CommandLineError(description: "cannot read \(positional[1])")
    }
    if positional[0] == "check" {
        let catalog = try Catalog(bytes: Array(data))
        print("catalog \(catalog.version) is valid: \(catalog.services.count) top-level services, \(catalog.queues.count) work queues")
    } else {
        let store = try Store(path: configuration.databasePath, migrator: try Migrator(folder: configuration.migrationsFolder))
        defer { store.close() }
        let catalog = try runBlocking { try await Clinic(store: store).importCatalog(Array(data)).catalog }
        print("imported catalog \(catalog.version)")
    }
}

/// `neuvo retention DAYS`: deletes the content of ended, acknowledged cases.
func retentionCommand(_ positional: [String], _ configuration: NeuvoApp.Configuration) throws {
    guard positional.count == 1, let days = Int(positional[0]), days >= 1 else {
        throw CommandLineError(description: "retention needs a number of days (1 or more)")
    }
    let store = try Store(path: configuration.databasePath, migrator: try Migrator(folder: configuration.migrationsFolder))
    defer { store.close() }
    let report = try runBlocking { try await Clinic(store: store).applyRetention(olderThanDays: days) }
    print("purged \(report.purged) conversations")
    if !report.keptUnacknowledged.isEmpty {
        print("kept \(report.keptUnacknowledged.count) whose export is not acknowledged:")
        for id in report.keptUnacknowledged { print("  \(id)") }
    }
}
