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

/// `neuvo serve | migrate | backup PATH`, configured by flags, then environment
/// variables, then defaults that point into this checkout.
struct CommandLineError: Error, CustomStringConvertible {
    let description: String
}

let usage = """
    usage: neuvo serve   [--host H] [--port P] [--db FILE] [--public DIR] [--migrations DIR] [--log-level L]
                         [--catalog FILE] [--trusted-proxy ADDR,...] [--public-url URL] [--export-transcript]
                         [--continuity-days N (14; 0 turns it off)] [--continuity-minutes N (30)] [--demo]
           neuvo migrate [--db FILE] [--migrations DIR]
           neuvo backup PATH [--db FILE] [--migrations DIR]
           neuvo catalog check FILE
           neuvo catalog import FILE [--db FILE] [--migrations DIR]
           neuvo user add USERNAME --name NAME --title TITLE [--role professional|admin] [--queues q1,q2]
           neuvo user passwd USERNAME | user disable USERNAME | user queues USERNAME q1,q2 | user list
             (passwords are read from NEUVO_PASSWORD or the first line of standard input)
           neuvo apikey create NAME | apikey list | apikey revoke NAME
           neuvo retention DAYS   (deletes the content of cases ended DAYS ago whose export was acknowledged)

    Environment: NEUVO_HOST, NEUVO_PORT, NEUVO_DB, NEUVO_PUBLIC, NEUVO_MIGRATIONS, NEUVO_LOG_LEVEL, NEUVO_TRUSTED_PROXIES,
                 NEUVO_PUBLIC_URL, NEUVO_EXPORT_TRANSCRIPT=1.
    --catalog imports a service catalog at start (`neuvo catalog import` does it offline).
    --demo serves with demo data (the demo catalog) on a fresh database in the temporary folder (unless --db is given).
    """

/// The checkout's folder: the nearest ancestor of the executable (or of the
/// working directory) that holds `Package.swift` and `Migrations/`.
func checkoutFolder() -> String {
    let fm = FileManager.default
    var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
    candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath))
    for start in candidates {
        var folder = start
        for _ in 0..<8 {
            if fm.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: folder.appendingPathComponent("Migrations").path) {
                return folder.path
            }
            folder.deleteLastPathComponent()
        }
    }
    return fm.currentDirectoryPath
}

struct Invocation {
    var command: String
    var positional: [String]
    var configuration: NeuvoApp.Configuration
    var demo: Bool
    var catalog: String?
    var options: [String: String]
}

func parse(_ arguments: [String]) throws -> Invocation {
    guard let command = arguments.first else { throw CommandLineError(description: usage) }
    let env = ProcessInfo.processInfo.environment
    let checkout = checkoutFolder()
    var configuration = NeuvoApp.Configuration()
    configuration.host = env["NEUVO_HOST"] ?? "127.0.0.1"
    configuration.publicFolder = env["NEUVO_PUBLIC"] ?? checkout + "/Public"
    configuration.migrationsFolder = env["NEUVO_MIGRATIONS"] ?? checkout + "/Migrations"
    var port = env["NEUVO_PORT"] ?? "8080"
    var database = env["NEUVO_DB"]
    var level = env["NEUVO_LOG_LEVEL"] ?? "info"
    var demo = false
    var catalog: String?
    var proxies = env["NEUVO_TRUSTED_PROXIES"] ?? ""
    if let url = env["NEUVO_PUBLIC_URL"] { configuration.publicBaseURL = url }
    if env["NEUVO_EXPORT_TRANSCRIPT"] == "1" { configuration.exportTranscript = true }
    var options: [String: String] = [:]
    var positional: [String] = []
    var rest = arguments.dropFirst()
    func value(_ flag: String) throws -> String {
        guard let v = rest.popFirst() else { throw CommandLineError(description: "\(flag) needs a value\n\n\(usage)") }
        return v
    }
    while let argument = rest.popFirst() {
        switch argument {
        case "--host": configuration.host = try value(argument)
        case "--port": port = try value(argument)
        case "--db": database = try value(argument)
        case "--public": configuration.publicFolder = try value(argument)
        case "--migrations": configuration.migrationsFolder = try value(argument)
        case "--log-level": level = try value(argument)
        case "--demo": demo = true
        case "--catalog": catalog = try value(argument)
        case "--trusted-proxy": proxies = try value(argument)
        case "--public-url": configuration.publicBaseURL = try value(argument)
        case "--export-transcript": configuration.exportTranscript = true
        case "--continuity-days", "--continuity-minutes":
            let text = try value(argument)
            guard let number = Int(text), (0...365 * 24 * 60).contains(number) else {
                throw CommandLineError(description: "\(argument) needs a whole number, got \(text)")
            }
            if argument == "--continuity-days" { configuration.continuity.days = number } else { configuration.continuity.offerMinutes = number }
        case "--name", "--title", "--role", "--queues": options[String(argument.dropFirst(2))] = try value(argument)
        case "-h", "--help": throw CommandLineError(description: usage)
        default:
            if argument.hasPrefix("-") { throw CommandLineError(description: "unknown option \(argument)\n\n\(usage)") }
            positional.append(argument)
        }
    }
    guard let portNumber = Int(port), (0...65535).contains(portNumber) else {
        throw CommandLineError(description: "port must be 0–65535, got \(port)")
    }
    configuration.port = portNumber
    guard let logLevel = Logger.Level(name: level) else {
        throw CommandLineError(description: "log level must be debug, info, warning or error, got \(level)")
    }
    configuration.logLevel = logLevel
    if let database {
        configuration.databasePath = database
    } else if demo {
        configuration.databasePath = NSTemporaryDirectory() + "neuvo-demo-\(ProcessInfo.processInfo.processIdentifier).sqlite"
    } else {
        configuration.databasePath = "neuvo.sqlite"
    }
    if demo && catalog == nil { catalog = checkout + "/Sources/neuvo/demo-catalog.json" }
    configuration.demoIdentification = demo
    configuration.trustedProxies = proxies.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return Invocation(command: command, positional: positional, configuration: configuration, demo: demo, catalog: catalog,
                      options: options)
}

/// The demo's professionals, each with a fresh random password (printed once).
func addDemoProfessionals(_ clinic: Clinic) throws -> [(String, String, String)] {
    let people: [(String, String, String, Professional.Role, [String])] = [
        ("hanna", "Hanna Hoitaja", "sairaanhoitaja", .professional, ["nurse-general", "medicines"]),
        ("terhi", "Terhi Terveydenhoitaja", "terveydenhoitaja", .professional, ["child-health", "nurse-general"]),
        ("sami", "Sami Suuhygienisti", "suuhygienisti", .professional, ["oral-health"]),
        ("maria", "Maria Mielenterveyshoitaja", "psykiatrinen sairaanhoitaja", .professional, ["mental-health"]),
        ("sonja", "Sonja Sosiaaliohjaaja", "sosiaaliohjaaja", .professional, ["social-advice"]),
        ("lauri", "Lauri Lääkäri", "lääkäri", .professional, []),
        ("admin", "Aino Ylläpitäjä", "ylläpitäjä", .admin, []),
    ]
    let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
    var generator = SystemRandomNumberGenerator()
    var created: [(String, String, String)] = []
    // With another catalog (`--demo --catalog FILE`) they join only the queues it has.
    let known = Set(try clinic.activeCatalog()?.queues.map(\.id) ?? [])
    for (username, name, title, role, allQueues) in people where try clinic.professional(username: username) == nil {
        let queues = allQueues.filter(known.contains)
        let password = String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let hash = try PasswordHasher.hash(password)
        _ = try runBlocking {
            try await clinic.addProfessional(username: username, displayName: name, title: title, role: role, passwordHash: hash, queues: queues)
        }
        created.append((username, password, queues.isEmpty ? "-" : queues.joined(separator: ",")))
    }
    return created
}

func serve(_ configuration: NeuvoApp.Configuration, demo: Bool, catalog: String?) throws {
    let app = try NeuvoApp(configuration: configuration)
    if let catalog {
        guard let data = FileManager.default.contents(atPath: catalog) else {
            throw CommandLineError(description: "cannot read catalog \(catalog)")
        }
        let imported = try runBlocking { try await app.clinic.importCatalog(Array(data)).catalog }
        app.logger.log(.info, "catalog \(imported.version) active")
    }
    // Signals arrive on a dispatch queue, never in the middle of our own code.
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)
    var sources: [DispatchSourceSignal] = []
    for number in [SIGTERM, SIGINT] {
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { app.stop() }
        source.resume()
        sources.append(source)
    }
    // Before listening, so a failure here never looks like a started server.
    let demoProfessionals = demo ? try addDemoProfessionals(app.clinic) : []
    let port = try app.start()
    if demo {
        var lines = ["Neuvo demo: database \(configuration.databasePath)",
                     "Resident page: http://localhost:\(port)/   Professional workspace: http://localhost:\(port)/pro/",
                     "Demo professionals (username / password / queues):"]
        for (username, password, queues) in demoProfessionals {
            lines.append("  \(username) / \(password) / \(queues)")
        }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
    // Tests and scripts wait for this exact line to learn the port.
    FileHandle.standardOutput.write(Data("neuvo listening on http://\(configuration.host):\(port)\n".utf8))
    app.wait()
    withExtendedLifetime(sources) {}
}

do {
    let invocation = try parse(Array(CommandLine.arguments.dropFirst()))
    let (command, positional, configuration) = (invocation.command, invocation.positional, invocation.configuration)
    switch command {
    case "serve":
        try serve(configuration, demo: invocation.demo, catalog: invocation.catalog)
    case "migrate":
        let database = try Database(path: configuration.databasePath)
        let applied = try Migrator(folder: configuration.migrationsFolder).migrate(database)
        print(applied.isEmpty ? "up to date" : "applied \(applied.map(String.init).joined(separator: ", "))")
    case "backup":
        guard positional.count == 1 else { throw CommandLineError(description: "backup needs one PATH\n\n\(usage)") }
        guard !FileManager.default.fileExists(atPath: positional[0]) else {
            throw CommandLineError(description: "\(positional[0]) exists; refusing to overwrite it")
        }
        let store = try Store(path: configuration.databasePath, migrator: try Migrator(folder: configuration.migrationsFolder))
        try store.backup(to: positional[0])
        store.close()
        print("backed up to \(positional[0])")
    case "catalog":
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
    case "user":
        try userCommand(invocation)
    case "apikey":
        try apiKeyCommand(invocation)
    case "retention":
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
    default:
        throw CommandLineError(description: usage)
    }
} catch {
    FileHandle.standardError.write(Data("neuvo: \(error)\n".utf8))
    exit(1)
}

/// The password for `user add` / `user passwd`: NEUVO_PASSWORD, else one line of standard input.
func readPassword() throws -> String {
    if let password = ProcessInfo.processInfo.environment["NEUVO_PASSWORD"] { return password }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw CommandLineError(description: "give the password in NEUVO_PASSWORD or on standard input")
    }
    return line
}

func userCommand(_ invocation: Invocation) throws {
    let arguments = invocation.positional
    guard let action = arguments.first else { throw CommandLineError(description: usage) }
    let store = try Store(path: invocation.configuration.databasePath, migrator: try Migrator(folder: invocation.configuration.migrationsFolder))
    defer { store.close() }
    let clinic = Clinic(store: store)
    func queues(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    switch (action, arguments.count) {
    case ("add", 2):
        guard let name = invocation.options["name"], let title = invocation.options["title"] else {
            throw CommandLineError(description: "user add needs --name and --title")
        }
        guard let role = Professional.Role(rawValue: invocation.options["role"] ?? "professional") else {
            throw CommandLineError(description: "--role must be professional or admin")
        }
        let hash = try PasswordHasher.hash(try readPassword())
        let memberships = queues(invocation.options["queues"])
        let added = try runBlocking {
            try await clinic.addProfessional(username: arguments[1], displayName: name, title: title, role: role,
                                             passwordHash: hash, queues: memberships)
        }
        print("added \(added.username) (\(added.role.rawValue)) in \(added.queues.joined(separator: ", "))")
    case ("passwd", 2):
        let hash = try PasswordHasher.hash(try readPassword())
        try runBlocking { try await clinic.setPassword(username: arguments[1], passwordHash: hash) }
        print("password changed; \(arguments[1])'s sessions ended")
    case ("disable", 2):
        let returned = try runBlocking { try await clinic.disableProfessional(username: arguments[1]) }
        print("disabled \(arguments[1]); sessions ended; \(returned.count) open case(s) back in their queues")
    case ("queues", 3):
        let memberships = queues(arguments[2])
        let updated = try runBlocking { try await clinic.setQueues(username: arguments[1], queues: memberships) }
        print("\(updated.username) works in \(updated.queues.joined(separator: ", "))")
    case ("list", 1):
        for p in try clinic.professionals() {
            print("\(p.username)\t\(p.displayName)\t\(p.title)\t\(p.role.rawValue)\t\(p.queues.joined(separator: ","))\(p.disabled ? "\tdisabled" : "")")
        }
    default:
        throw CommandLineError(description: usage)
    }
}

func apiKeyCommand(_ invocation: Invocation) throws {
    let arguments = invocation.positional
    let store = try Store(path: invocation.configuration.databasePath, migrator: try Migrator(folder: invocation.configuration.migrationsFolder))
    defer { store.close() }
    let clinic = Clinic(store: store)
    switch (arguments.first, arguments.count) {
    case ("create", 2):
        let (key, hash) = NeuvoApp.newApiKey()
        let created = try runBlocking { try await clinic.createApiKey(name: arguments[1], keyHash: hash) }
        print("API key \(created.name) (shown once; only its hash is stored):")
        print(key)
    case ("list", 1):
        for key in try clinic.apiKeys() {
            print("\(key.name)\tcreated \(key.createdAt.rfc3339)\t\(key.revokedAt.map { "revoked " + $0.rfc3339 } ?? "active")")
        }
    case ("revoke", 2):
        try runBlocking { try await clinic.revokeApiKey(name: arguments[1]) }
        print("revoked \(arguments[1])")
    default:
        throw CommandLineError(description: usage)
    }
}
