import Dispatch
import Foundation
import NeuvoClinic
import NeuvoServer
import NeuvoStore

/// Runs async work from the synchronous command line and waits for it.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<T, any Error>?
    Task {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        semaphore.signal()
    }
    semaphore.wait()
    return try result!.get()
}

/// The folder a bundled binary unpacked its files into, removed at exit.
nonisolated(unsafe) var unpacked: String?

do {
    let invocation = try parse(Array(CommandLine.arguments.dropFirst()))
    unpacked = invocation.assets
    defer { unpacked.map { try? FileManager.default.removeItem(atPath: $0) } }
    let (command, positional, configuration) = (invocation.command, invocation.positional, invocation.configuration)
    switch command {
    case "serve":
        try serve(configuration, demo: invocation.demo, catalog: invocation.catalog)
    case "migrate":
        try migrateCommand(configuration)
    case "backup":
        try backupCommand(positional, configuration)
    case "catalog":
        try catalogCommand(positional, configuration)
    case "user":
        try userCommand(invocation)
    case "apikey":
        try apiKeyCommand(invocation)
    case "retention":
        try retentionCommand(positional, configuration)
    case "bundle":
        guard positional.count == 1 else { throw CommandLineError(description: "bundle needs one output path\n\n\(usage)") }
        let count = try EmbeddedAssets.bundle(to: positional[0], publicFolder: configuration.publicFolder,
                                              migrationsFolder: configuration.migrationsFolder,
                                              demoCatalog: invocation.checkout + "/Sources/neuvo/demo-catalog.json")
        print("wrote \(positional[0]) with \(count) files")
    default:
        throw CommandLineError(description: usage)
    }
} catch {
    FileHandle.standardError.write(Data("neuvo: \(error)\n".utf8))
    unpacked.map { try? FileManager.default.removeItem(atPath: $0) }
    exit(1)
}
