import Foundation
import NeuvoClinic
import NeuvoServer
import NeuvoStore

/// `neuvo serve | migrate | backup PATH`, configured by flags, then environment
/// variables, then defaults that point into this checkout.
struct CommandLineError: Error, CustomStringConvertible {
    let description: String
}

let usage = """
    usage: neuvo serve   [--host H] [--port P] [--db FILE] [--public DIR] [--migrations DIR] [--log-level L]
                         [--catalog FILE] [--trusted-proxy ADDR,...] --public-url URL (required unless --demo)
                         [--fhir-base URL (default: the public URL + /fhir)] [--export-transcript on|off (default on)]
                         [--continuity-days N (14; 0 turns it off)] [--continuity-minutes N (30)] [--demo]
                         [--metrics-from ADDR,... (who may read /metrics; default 127.0.0.1,::1)]
                         [--secure-cookies on|off (default on behind --trusted-proxy or an https --public-url)]
                         [--retention-days N (30: content of matters ended N days ago, deleted daily at 03.00; 0: off)]
                         [--wal-autocheckpoint PAGES (10000; 0 leaves checkpoints to Litestream)]
                         [--commit-linger-us N (0: off; up to 5000: while writes come fast, a commit waits up to N µs for more)]
                         [--organization-oid OID --organization-name NAME (the records' custodian, e.g. the wellbeing services county)]
           neuvo migrate [--db FILE] [--migrations DIR]
           neuvo backup PATH [--db FILE] [--migrations DIR]
           neuvo bundle OUTPUT   (a copy of this binary that carries Public/, Migrations/ and the demo catalog)
           neuvo catalog check FILE
           neuvo catalog import FILE [--db FILE] [--migrations DIR]
           neuvo user add USERNAME --name NAME --title TITLE [--role professional|admin|manager]
                         [--queues q1,q2 (a manager: the queues whose statistics they see)] [--register-number N (Valvira's, Terhikki)]
           neuvo user passwd USERNAME | user disable USERNAME | user queues USERNAME q1,q2 | user register-number USERNAME N|- | user list
             (passwords are read from NEUVO_PASSWORD or the first line of standard input)
           neuvo apikey create NAME [--scope records|notifications] | apikey list | apikey revoke NAME
             (records: the patient-record system's documents; notifications: the SMS gateway's text messages)
           neuvo retention DAYS   (deletes the content of cases ended DAYS ago whose export was acknowledged)

    Environment: NEUVO_HOST, NEUVO_PORT, NEUVO_DB, NEUVO_PUBLIC, NEUVO_MIGRATIONS, NEUVO_LOG_LEVEL, NEUVO_TRUSTED_PROXIES,
                 NEUVO_PUBLIC_URL, NEUVO_FHIR_BASE, NEUVO_EXPORT_TRANSCRIPT=on|off, NEUVO_SECURE_COOKIES=on|off, NEUVO_RETENTION_DAYS,
                 NEUVO_ORGANIZATION_OID, NEUVO_ORGANIZATION_NAME,
                 NEUVO_WAL_AUTOCHECKPOINT, NEUVO_COMMIT_LINGER_US, NEUVO_METRICS_FROM, NEUVO_METRICS_TOKEN (a bearer token that
                 also opens /metrics; from the environment only).
    --catalog imports a service catalog at start (`neuvo catalog import` does it offline).
    --demo serves with demo data (the demo catalog) on a fresh database in the temporary folder (unless --db is given).
    --public-url is the https address the record system reaches Neuvo at: photo links and code systems in record documents
      start with it, so `serve` refuses to start without it (outside --demo, where it is http://localhost:PORT).
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

/// A new folder of its own (mode 0700) in the temporary folder, not a guessable name in a shared one.
func privateTemporaryFolder(_ prefix: String, for purpose: String) throws -> String {
    var template = Array((NSTemporaryDirectory() + prefix + "-XXXXXX").utf8CString)  // mkdtemp replaces the X's
    guard let made = mkdtemp(&template) else { throw CommandLineError(description: "cannot create a folder for \(purpose)") }
    return String(cString: made)
}

struct Invocation {
    var command: String
    var positional: [String]
    var configuration: NeuvoApp.Configuration
    var demo: Bool
    var catalog: String?
    var options: [String: String]
    /// The folder the bundled files were unpacked into (removed at exit), if any.
    var assets: String?
    var checkout: String
}

func parse(_ arguments: [String]) throws -> Invocation {
    guard let command = arguments.first else { throw CommandLineError(description: usage) }
    let env = ProcessInfo.processInfo.environment
    let checkout = checkoutFolder()
    var configuration = NeuvoApp.Configuration()
    configuration.host = env["NEUVO_HOST"] ?? "127.0.0.1"
    var publicFolder = env["NEUVO_PUBLIC"], migrationsFolder = env["NEUVO_MIGRATIONS"]
    var port = env["NEUVO_PORT"] ?? "8080"
    var database = env["NEUVO_DB"]
    var level = env["NEUVO_LOG_LEVEL"] ?? "info"
    var demo = false
    var catalog: String?
    var proxies = env["NEUVO_TRUSTED_PROXIES"] ?? ""
    var metricsFrom = env["NEUVO_METRICS_FROM"]
    var secureCookies = env["NEUVO_SECURE_COOKIES"].flatMap { $0.isEmpty ? nil : $0 }
    var retentionDays = env["NEUVO_RETENTION_DAYS"] ?? "30"
    var walPages = env["NEUVO_WAL_AUTOCHECKPOINT"] ?? "10000"
    var linger = env["NEUVO_COMMIT_LINGER_US"] ?? "0"
    var organizationOID = env["NEUVO_ORGANIZATION_OID"], organizationName = env["NEUVO_ORGANIZATION_NAME"]
    // The token only from the environment: a command line is visible to every user of the machine.
    configuration.metricsToken = env["NEUVO_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    var publicURL = env["NEUVO_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
    var fhirBase = env["NEUVO_FHIR_BASE"].flatMap { $0.isEmpty ? nil : $0 }
    var transcript = env["NEUVO_EXPORT_TRANSCRIPT"].flatMap { $0.isEmpty ? nil : $0 }
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
        case "--public": publicFolder = try value(argument)
        case "--migrations": migrationsFolder = try value(argument)
        case "--log-level": level = try value(argument)
        case "--demo": demo = true
        case "--catalog": catalog = try value(argument)
        case "--trusted-proxy": proxies = try value(argument)
        case "--metrics-from": metricsFrom = try value(argument)
        case "--secure-cookies": secureCookies = try value(argument)
        case "--retention-days": retentionDays = try value(argument)
        case "--wal-autocheckpoint": walPages = try value(argument)
        case "--commit-linger-us": linger = try value(argument)
        case "--organization-oid": organizationOID = try value(argument)
        case "--organization-name": organizationName = try value(argument)
        case "--public-url": publicURL = try value(argument)
        case "--fhir-base": fhirBase = try value(argument)
        case "--export-transcript": transcript = try value(argument)
        case "--continuity-days", "--continuity-minutes":
            let text = try value(argument)
            guard let number = Int(text), (0...365 * 24 * 60).contains(number) else {
                throw CommandLineError(description: "\(argument) needs a whole number, got \(text)")
            }
            if argument == "--continuity-days" { configuration.continuity.days = number } else { configuration.continuity.offerMinutes = number }
        case "--name", "--title", "--role", "--queues", "--scope", "--register-number": options[String(argument.dropFirst(2))] = try value(argument)
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
        configuration.databasePath = try privateTemporaryFolder("neuvo-demo", for: "the demo database") + "/neuvo.sqlite"
    } else {
        configuration.databasePath = "neuvo.sqlite"
    }
    // Pages, migrations and the demo catalog: as given; else those the binary carries (`neuvo bundle`);
    // else the checkout's.
    var assets: String?
    if command != "bundle" && (publicFolder == nil || migrationsFolder == nil || (demo && catalog == nil)) {
        assets = try EmbeddedAssets.unpack()
    }
    configuration.publicFolder = publicFolder ?? (assets ?? checkout) + "/Public"
    configuration.migrationsFolder = migrationsFolder ?? (assets ?? checkout) + "/Migrations"
    if demo && catalog == nil { catalog = assets.map { $0 + "/demo-catalog.json" } ?? checkout + "/Sources/neuvo/demo-catalog.json" }
    configuration.demoIdentification = demo
    configuration.trustedProxies = proxies.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard let days = Int(retentionDays), (0...3650).contains(days) else {
        throw CommandLineError(description: "--retention-days must be a whole number of days, 0–3650, got \(retentionDays)")
    }
    configuration.retention = RetentionSchedule(days: days)
    guard let pages = Int(walPages), (0...10_000_000).contains(pages) else {
        throw CommandLineError(description: "--wal-autocheckpoint must be a number of pages (0 for none), got \(walPages)")
    }
    configuration.walAutocheckpointPages = pages
    guard let lingerMicroseconds = Int(linger), (0...5000).contains(lingerMicroseconds) else {
        throw CommandLineError(description: "--commit-linger-us must be a whole number of microseconds, 0–5000, got \(linger)")
    }
    configuration.commitLinger = .microseconds(lingerMicroseconds)
    switch (organizationOID, organizationName) {
    case (nil, nil): break
    case (let oid?, let name?):
        guard let custodian = RecordExportOptions.Custodian(oid: oid, name: name) else {
            throw CommandLineError(description: "--organization-oid must be an OID (e.g. 1.2.246.10.12345678.10) and --organization-name one line, got \(oid)")
        }
        configuration.custodian = custodian
    default: throw CommandLineError(description: "--organization-oid and --organization-name go together")
    }
    switch transcript?.lowercased() {
    case nil, "on", "1", "true", "yes": configuration.exportTranscript = true
    case "off", "0", "false", "no": configuration.exportTranscript = false
    case let other?: throw CommandLineError(description: "--export-transcript must be on or off, got \(other)")
    }
    // Record documents link back here; a document naming a wrong address is filed for good.
    if let url = publicURL {
        guard let address = PublicAddress.normalized(url) else {
            throw CommandLineError(description: "--public-url must be an http(s) address without query or fragment (e.g. https://neuvo.hyvaks.fi), got \(url)")
        }
        // The record system fetches photos from it with its key: never in clear text across a network.
        guard address.hasPrefix("https://") || demo || PublicAddress.isLoopback(address) else {
            throw CommandLineError(description: "--public-url must be https (plain http only on this machine's loopback or with --demo), got \(url)")
        }
        configuration.publicBaseURL = address
    } else if demo {
        configuration.publicBaseURL = portNumber == 0 ? "http://localhost" : "http://localhost:\(portNumber)"
    }
    if let fhirBase {
        guard let base = PublicAddress.normalized(fhirBase) else {
            throw CommandLineError(description: "--fhir-base must be an http(s) address without query or fragment, got \(fhirBase)")
        }
        configuration.fhirBase = base
    }
    // Behind TLS a cookie must never travel in clear: a trusted proxy or an https
    // public address means TLS is in front, unless the operator says otherwise.
    switch secureCookies?.lowercased() {
    case nil: configuration.secureCookies = !configuration.trustedProxies.isEmpty || configuration.publicBaseURL.lowercased().hasPrefix("https://")
    case "on", "1", "true", "yes": configuration.secureCookies = true
    case "off", "0", "false", "no": configuration.secureCookies = false
    case let other?: throw CommandLineError(description: "--secure-cookies must be on or off, got \(other)")
    }
    if let metricsFrom {
        configuration.metricsAddresses = metricsFrom.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    if publicURL == nil && !demo && command == "serve" {
        throw CommandLineError(description: "serve needs --public-url (or NEUVO_PUBLIC_URL): the address the record system reaches Neuvo at, "
                               + "which record documents link to. Only --demo runs without it.")
    }
    return Invocation(command: command, positional: positional, configuration: configuration, demo: demo, catalog: catalog,
                      options: options, assets: assets, checkout: checkout)
}
