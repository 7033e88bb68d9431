import Foundation
import NeuvoClinic
import NeuvoJSON
import NeuvoServer
import NeuvoStore
import NeuvoTestSupport
import Testing

/// Runs `neuvo ARGS…` to completion; returns its exit status and combined output.
func runNeuvo(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The `neuvo` command line: migrate, backup, and refusing a newer database.
@Suite struct CommandLineTests {
    let migrations = repositoryRoot + "/Migrations"

    func freshDatabase() -> String { NSTemporaryDirectory() + "neuvo-cli-\(UUID().uuidString).sqlite" }

    @Test func migrateAppliesOnceThenReportsUpToDate() throws {
        let db = freshDatabase()
        let first = try runNeuvo(["migrate", "--db", db, "--migrations", migrations])
        #expect(first.status == 0)
        #expect(first.output.contains("applied 1"))
        let second = try runNeuvo(["migrate"], environment: ["NEUVO_DB": db, "NEUVO_MIGRATIONS": migrations])
        #expect(second.status == 0)
        #expect(second.output.contains("up to date"))
    }

    @Test func backupWritesAConsistentCopyAndNeverOverwrites() async throws {
        let db = freshDatabase()
        let store = try Store(path: db, migrator: try Migrator(folder: migrations))
        try await store.write { db in
            try db.run("INSERT INTO resident_sessions (token_hash, created_at, expires_at) VALUES (x'00', 1, 2)")
        }
        store.close()
        let copy = freshDatabase()
        let result = try runNeuvo(["backup", copy, "--db", db, "--migrations", migrations])
        #expect(result.status == 0)
        let backup = try Database(path: copy, mode: .reader)
        #expect(try backup.row("SELECT COUNT(*) AS n FROM resident_sessions")?.int("n") == 1)
        // A copy of health data is its owner's only, like the database.
        #expect((try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        let again = try runNeuvo(["backup", copy, "--db", db, "--migrations", migrations])
        #expect(again.status != 0)
        #expect(again.output.contains("refusing to overwrite"))
    }

    @Test func serveRefusesADatabaseFromANewerNeuvo() throws {
        let db = freshDatabase()
        _ = try runNeuvo(["migrate", "--db", db, "--migrations", migrations])
        let database = try Database(path: db)
        try database.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)")
        let result = try runNeuvo(["serve", "--port", "0", "--db", db, "--migrations", migrations, "--public-url", "http://127.0.0.1"])
        #expect(result.status != 0)
        #expect(result.output.contains("newer than this program knows"))
    }

    @Test func userCommandsSetPasswordsQueuesAndDisable() async throws {
        let db = freshDatabase()
        let catalog = NSTemporaryDirectory() + "neuvo-cli-catalog-\(UUID().uuidString).json"
        try Data(testCatalogJSON.utf8).write(to: URL(fileURLWithPath: catalog))
        let at = ["--db", db, "--migrations", migrations]
        #expect(try runNeuvo(["catalog", "import", catalog] + at).status == 0)
        let added = try runNeuvo(["user", "add", "hanna", "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse"] + at,
                                 environment: ["NEUVO_PASSWORD": "ensimmainen-salasana"])
        #expect(added.status == 0 && added.output.contains("added hanna"), "\(added.output)")
        #expect(!added.output.contains("ensimmainen-salasana"))
        let unknownQueue = try runNeuvo(["user", "queues", "hanna", "nurse,nowhere"] + at)
        #expect(unknownQueue.status != 0 && unknownQueue.output.contains("nowhere"), "\(unknownQueue.output)")

        let store = try Store(path: db, migrator: try Migrator(folder: migrations))
        defer { store.close() }
        let clinic = Clinic(store: store)
        func password(_ candidate: String) throws -> Bool {
            PasswordHasher.verify(candidate, against: try #require(try clinic.professional(username: "hanna")).passwordHash)
        }
        func signedIn(_ token: [UInt8]) throws -> Bool { try clinic.professionalSession(tokenHash: token) != nil }
        let hanna = try #require(try clinic.professional(username: "hanna")).professional
        #expect(try password("ensimmainen-salasana"))
        let first: [UInt8] = Array(repeating: 1, count: 32)
        _ = try await clinic.startProfessionalSession(professionalID: hanna.id, tokenHash: first)
        #expect(try signedIn(first))

        // passwd: the new password works, the old does not, and sessions signed in with the old one end.
        let changed = try runNeuvo(["user", "passwd", "hanna"] + at, environment: ["NEUVO_PASSWORD": "toinen-salasana-123"])
        #expect(changed.status == 0, "\(changed.output)")
        #expect(try password("toinen-salasana-123") && !password("ensimmainen-salasana"))
        #expect(try !signedIn(first))

        // queues: exactly the given set.
        let moved = try runNeuvo(["user", "queues", "hanna", "nurse,child-health"] + at)
        #expect(moved.status == 0, "\(moved.output)")
        #expect(try clinic.professional(username: "hanna")?.professional.queues.sorted() == ["child-health", "nurse"])

        // disable: sessions end, and `list` says so.
        let second: [UInt8] = Array(repeating: 2, count: 32)
        _ = try await clinic.startProfessionalSession(professionalID: hanna.id, tokenHash: second)
        #expect(try signedIn(second))
        #expect(try runNeuvo(["user", "disable", "hanna"] + at).status == 0)
        #expect(try !signedIn(second))
        #expect(try clinic.professional(username: "hanna")?.professional.disabled == true)
        #expect(try runNeuvo(["user", "list"] + at).output.contains("hanna\tHanna Hoitaja\tsairaanhoitaja\tprofessional\tchild-health,nurse\tdisabled"))
        #expect(try runNeuvo(["user", "disable", "nobody"] + at).status != 0)
        #expect(try runNeuvo(["user", "register-number", "hanna", "10100123456"] + at).status == 0)
        #expect(try runNeuvo(["user", "register-number", "hanna", "12a"] + at).status != 0)
        let number = try Store(path: db, migrator: try Migrator(folder: migrations))
        defer { number.close() }
        #expect(try number.read { db in try db.row("SELECT register_number FROM professionals WHERE username = 'hanna'")?.string("register_number") }
                == "10100123456")
    }

    @Test func badArgumentsAreExplained() throws {
        let port = try runNeuvo(["serve", "--port", "http"])
        #expect(port.status != 0)
        #expect(port.output.contains("port must be"))
        let unknown = try runNeuvo(["serve", "--colour"])
        #expect(unknown.output.contains("unknown option --colour"))
        let level = try runNeuvo(["serve", "--log-level", "loud"])
        #expect(level.output.contains("log level must be"))
        let cookies = try runNeuvo(["serve", "--secure-cookies", "maybe"])
        #expect(cookies.status != 0)
        #expect(cookies.output.contains("--secure-cookies must be on or off"))
        #expect(try runNeuvo(["serve", "--retention-days", "-1"]).output.contains("--retention-days must be"))
        #expect(try runNeuvo(["serve", "--wal-autocheckpoint", "many"]).output.contains("--wal-autocheckpoint must be"))
        #expect(try runNeuvo(["serve", "--commit-linger-us", "5001"]).output.contains("--commit-linger-us must be"))
        #expect(try runNeuvo(["serve", "--commit-linger-us", "-1"]).output.contains("--commit-linger-us must be"))
        #expect(try runNeuvo(["serve", "--organization-oid", "1.2.246.10.2805557.10"]).output.contains("go together"))
        #expect(try runNeuvo(["serve", "--organization-oid", "county", "--organization-name", "X"]).output.contains("must be an OID"))
        #expect(try runNeuvo(["serve", "--export-transcript", "maybe"]).output.contains("--export-transcript must be on or off"))
        for bad in ["neuvo.example.fi", "ftp://neuvo.example.fi", "https://", "https://neuvo.example.fi/?x=1", "https://a b.fi",
                    "https://host:notaport", "https://host:", "https://host:99999", "https://h|x.fi", "https://user@host.fi", "https://höst.fi"] {
            #expect(try runNeuvo(["serve", "--public-url", bad]).output.contains("--public-url must be an http(s) address"), "\(bad)")
        }
        #expect(try runNeuvo(["serve", "--public-url", "https://neuvo.example.fi", "--fhir-base", "urn:x"]).output.contains("--fhir-base must be"))
        // The record system fetches photos with its key: plain http only on loopback (or in demo mode).
        #expect(try runNeuvo(["serve", "--public-url", "http://neuvo.example.fi"]).output.contains("--public-url must be https"))
        // Record documents link to the public address: outside demo mode the server will not start without it.
        let missing = try runNeuvo(["serve", "--port", "0", "--db", NSTemporaryDirectory() + "neuvo-missing-url.sqlite"])
        #expect(missing.status != 0)
        #expect(missing.output.contains("serve needs --public-url"))
    }
}

/// `neuvo serve --demo`: the demo catalog and professionals whose printed passwords work.
@Suite struct DemoRunTests {
    /// Runs `neuvo serve --demo EXTRA…` until it prints its port; returns the port, the output so far and hanna's password.
    func startDemo(_ extra: [String] = [], _ body: (Int, String, String) throws -> Void) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerProcess.binary)
        let db = NSTemporaryDirectory() + "neuvo-demo-\(UUID().uuidString).sqlite"
        process.arguments = ["serve", "--demo", "--port", "0", "--db", db, "--log-level", "warning"] + extra
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("listening on") && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(text.range(of: "listening on http://127.0.0.1:").flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) })
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("  hanna / ") })
        try body(port, text, String(line.split(separator: "/")[1].trimmingCharacters(in: .whitespaces)))
        #expect(process.isRunning, "the demo server stopped: \(text)")
    }

    @Test func aDemoWithAnotherCatalogStartsItsProfessionalsInTheQueuesItHas() throws {
        let catalog = NSTemporaryDirectory() + "neuvo-demo-catalog-\(UUID().uuidString).json"
        try Data(testCatalogJSON.utf8).write(to: URL(fileURLWithPath: catalog))
        try startDemo(["--catalog", catalog]) { port, text, password in
            // The test catalog has none of Hanna's demo queues, but it has Terhi's child-health.
            let hanna = Workspace(client: try RawClient(port: port))
            #expect(try hanna.login("hanna", password).json?["queues"] == .array([]))
            let terhiLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("  terhi / ") })
            #expect(terhiLine.hasSuffix(" / child-health"))
            #expect(try hanna.client.call("GET", "/api/v1/catalog").json?["version"]?.stringValue == "test-1")
        }
    }

    @Test func theDemoPrintsWorkingPasswords() throws {
        try startDemo { port, _, password in
        let workspace = Workspace(client: try RawClient(port: port))
        let me = try workspace.login("hanna", password)
        #expect(me.status == 200)
        #expect(me.json?["queues"]?.arrayValue?.contains(.string("nurse-general")) == true)
        #expect(try workspace.client.call("GET", "/api/v1/catalog").json?["version"]?.stringValue == "demo-2026-11")
        let session = try workspace.client.call("GET", "/api/v1/session").json
        #expect(session?["demoIdentification"] == .bool(true))
        }
    }
}
