import Foundation
import NeuvoClinic
import NeuvoServer
import NeuvoStore

func apiKeyCommand(_ invocation: Invocation) throws {
    let arguments = invocation.positional
    let store = try Store(path: invocation.configuration.databasePath, migrator: try Migrator(folder: invocation.configuration.migrationsFolder))
    defer { store.close() }
    let clinic = Clinic(store: store)
    switch (arguments.first, arguments.count) {
    case ("create", 2):
        guard let scope = ApiKey.Scope(rawValue: invocation.options["scope"] ?? "records") else {
            throw CommandLineError(description: "--scope must be records or notifications")
        }
        let (key, hash) = NeuvoApp.newApiKey()
        let created = try runBlocking { try await clinic.createApiKey(name: arguments[1], keyHash: hash, scope: scope) }
        print("API key \(created.name) for \(created.scope.rawValue) (shown once; only its hash is stored):")
        print(key)
    case ("list", 1):
        for key in try clinic.apiKeys() {
            print("\(key.name)\t\(key.scope.rawValue)\tcreated \(key.createdAt.rfc3339)\t\(key.revokedAt.map { "revoked " + $0.rfc3339 } ?? "active")")
        }
    case ("revoke", 2):
        try runBlocking { try await clinic.revokeApiKey(name: arguments[1]) }
        print("revoked \(arguments[1])")
    default:
        throw CommandLineError(description: usage)
    }
}
