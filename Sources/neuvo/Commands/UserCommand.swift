import Foundation
import NeuvoClinic
import NeuvoServer
import NeuvoStore

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
            throw CommandLineError(description: "--role must be professional, admin or manager")
        }
        let hash = try PasswordHasher.hash(try readPassword())
        let memberships = queues(invocation.options["queues"])
        let added = try runBlocking {
            try await clinic.addProfessional(username: arguments[1], displayName: name, title: title, role: role,
                                             passwordHash: hash, queues: memberships)
        }
        if let number = invocation.options["register-number"] {
            try runBlocking { try await clinic.setRegisterNumber(username: added.username, number: number) }
        }
        print("added \(added.username) (\(added.role.rawValue)) \(queuesText(added))")
    case ("passwd", 2):
        let hash = try PasswordHasher.hash(try readPassword())
        try runBlocking { try await clinic.setPassword(username: arguments[1], passwordHash: hash) }
        print("password changed; \(arguments[1])'s sessions ended")
    case ("disable", 2):
        let returned = try runBlocking { try await clinic.disableProfessional(username: arguments[1]) }
        print("disabled \(arguments[1]); sessions ended; \(returned.count) open case(s) back in their queues")
    case ("register-number", 3):
        // Valvira's register (Terhikki); "-" removes it.
        let number = arguments[2] == "-" ? nil : arguments[2]
        try runBlocking { try await clinic.setRegisterNumber(username: arguments[1], number: number) }
        print(number.map { "\(arguments[1])'s register number is \($0)" } ?? "\(arguments[1])'s register number removed")
    case ("queues", 3):
        let memberships = queues(arguments[2])
        let updated = try runBlocking { try await clinic.setQueues(username: arguments[1], queues: memberships) }
        print("\(updated.username) \(queuesText(updated))")
    case ("list", 1):
        for p in try clinic.professionals() {
            print("\(p.username)\t\(p.displayName)\t\(p.title)\t\(p.role.rawValue)\t\((p.role == .manager ? p.manages : p.queues).joined(separator: ","))\(p.disabled ? "\tdisabled" : "")")
        }
    default:
        throw CommandLineError(description: usage)
    }
}

/// "works in a, b" or, for a manager, "manages a, b".
private func queuesText(_ account: Professional) -> String {
    account.role == .manager ? "manages \(account.manages.joined(separator: ", "))" : "works in \(account.queues.joined(separator: ", "))"
}
