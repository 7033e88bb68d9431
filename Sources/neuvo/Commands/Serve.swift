import Foundation
import NeuvoClinic
import NeuvoServer
import NeuvoStore

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
        ("mikko", "Mikko Palveluesihenkilö", "palveluesihenkilö", .manager, ["nurse-general", "medicines", "child-health"]),
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
    // A start that fails (the port taken) exits from main: what was logged before must not wait in the batch.
    defer { app.logger.flush() }
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
