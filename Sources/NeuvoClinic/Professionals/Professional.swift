import NeuvoJSON
import NeuvoStore

/// A nurse, social worker, doctor… who works cases from work queues.
public struct Professional: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// Works cases in the queues they belong to.
        case professional
        /// Manages accounts; works cases only in queues they also belong to.
        case admin
        /// Reads the statistics and the live overview of the queues they manage; never a case.
        case manager
    }

    public let id: Int64
    public let username: String
    public let displayName: String
    /// What residents see, e.g. "sairaanhoitaja" (nurse).
    public let title: String
    public let role: Role
    public let disabled: Bool
    /// The work queues this professional belongs to.
    public let queues: [String]
    /// The queues they are on shift in now.
    public let onShift: [String]
    /// A manager's queues: whose numbers they see.
    public let manages: [String]

    /// Whether a case can be passed or shown to them: an active account that does
    /// clinical work. An administrator who works in no queue manages accounts, not cases.
    public var takesCases: Bool { !disabled && (role == .professional || (role == .admin && !queues.isEmpty)) }

    /// The table that holds the queues an account of `role` is given: a manager
    /// manages them, anyone else works in them.
    static func queueTable(_ role: Role) -> String { role == .manager ? "queue_managers" : "queue_memberships" }

    static func load(_ db: Database, where clause: String, _ argument: DatabaseValueConvertible) throws -> (professional: Professional, passwordHash: String)? {
        guard let row = try db.row("SELECT * FROM professionals WHERE \(clause)", argument), let id = row.int64("id") else { return nil }
        let memberships = try db.rows("SELECT queue_id, on_shift_since FROM queue_memberships WHERE professional_id = ? ORDER BY queue_id", id)
        let managed = try db.rows("SELECT queue_id FROM queue_managers WHERE professional_id = ? ORDER BY queue_id", id)
        let professional = Professional(
            id: id, username: row.string("username") ?? "", displayName: row.string("display_name") ?? "",
            title: row.string("title") ?? "", role: Role(rawValue: row.string("role") ?? "") ?? .professional,
            disabled: row.int64("disabled_at") != nil,
            queues: memberships.compactMap { $0.string("queue_id") },
            onShift: memberships.filter { $0.int64("on_shift_since") != nil }.compactMap { $0.string("queue_id") },
            manages: managed.compactMap { $0.string("queue_id") })
        return (professional, row.string("password_hash") ?? "")
    }

    /// Checks a display text (name or title): not blank, one line, short.
    static func validateText(_ text: String, field: String) throws(ClinicError) -> String {
        let trimmed = String(text.trimmingSpacesAndNewlines())
        guard !trimmed.isEmpty, trimmed.count <= 100, !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw .invalid(field: field, message: "\(field) must be 1–100 characters on one line.")
        }
        return trimmed
    }

    static func validateUsername(_ username: String) throws(ClinicError) -> String {
        let lower = username.lowercased()
        guard (2...64).contains(lower.utf8.count),
              lower.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 45 || $0 == 95 }) else {
            throw .invalid(field: "username", message: "username must be 2–64 characters of a–z, 0–9, '.', '-' or '_'.")
        }
        return lower
    }
}

extension Clinic {
    /// Creates a professional. `passwordHash` is already hashed by the caller.
    public func addProfessional(username: String, displayName: String, title: String, role: Professional.Role,
                                passwordHash: String, queues: [String]) async throws -> Professional {
        let username = try Professional.validateUsername(username)
        let displayName = try Professional.validateText(displayName, field: "displayName")
        let title = try Professional.validateText(title, field: "title")
        try validateQueues(queues)
        let now = self.now()
        return try await store.write { db in
            guard try db.row("SELECT id FROM professionals WHERE username = ?", username) == nil else {
                throw ClinicError.conflict(code: "username_taken", message: "The username '\(username)' is already in use.")
            }
            try db.run("""
                INSERT INTO professionals (username, display_name, title, role, password_hash, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, username, displayName, title, role.rawValue, passwordHash, now.millis)
            let id = db.lastInsertedRowID
            for queue in Set(queues) {
                try db.run("INSERT INTO \(Professional.queueTable(role)) (professional_id, queue_id) VALUES (?, ?)", id, queue)
            }
            return try Professional.load(db, where: "id = ?", id)!.0
        }
    }

    /// Replaces a professional's password hash and ends their sessions.
    public func setPassword(username: String, passwordHash: String) async throws {
        try await store.write { db in
            guard let id = try db.row("SELECT id FROM professionals WHERE username = ?", username)?.int64("id") else {
                throw ClinicError.notFound
            }
            try db.run("UPDATE professionals SET password_hash = ? WHERE id = ?", passwordHash, id)
            try db.run("UPDATE professional_sessions SET ended_at = ? WHERE professional_id = ? AND ended_at IS NULL", self.now().millis, id)
            try Self.recordOutsideChange(db, professionalID: id, events: [], at: self.now())
        }
    }

    /// Sets (or, with nil, removes) a professional's number in Valvira's register (Terhikki):
    /// 5–15 digits. The record documents of the cases they take part in name them by it.
    public func setRegisterNumber(username: String, number: String?) async throws {
        if let number, !(5...15).contains(number.utf8.count) || !number.utf8.allSatisfy({ (48...57).contains($0) }) {
            throw ClinicError.invalid(field: "registerNumber", message: "A register number is 5–15 digits.")
        }
        try await store.write { db in
            guard try db.run("UPDATE professionals SET register_number = ? WHERE username = ?", number, username) == 1 else {
                throw ClinicError.notFound
            }
        }
    }

    /// Disables an account: it can no longer sign in and its sessions end now.
    ///
    /// Their open cases go back to waiting in their queues, keeping their waiting
    /// time, so no resident is left with a handler who can no longer answer.
    @discardableResult
    public func disableProfessional(username: String) async throws -> [ClinicEvent] {
        let now = self.now()
        let catalog = try activeCatalog()
        return try await store.write { db in
            guard let id = try db.row("SELECT id FROM professionals WHERE username = ?", username)?.int64("id") else {
                throw ClinicError.notFound
            }
            try db.run("UPDATE professionals SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?", now.millis, id)
            try db.run("UPDATE professional_sessions SET ended_at = ? WHERE professional_id = ? AND ended_at IS NULL", now.millis, id)
            try db.run("UPDATE queue_memberships SET on_shift_since = NULL WHERE professional_id = ?", id)
            var events = try Self.endOffers(db, to: id, at: now)
            for open in try db.rows("SELECT id, queue_id FROM conversations WHERE professional_id = ? AND status = 'active'", id) {
                guard let conversationID = open.string("id"), let queueID = open.string("queue_id") else { continue }
                let data = try Self.requeue(db, conversationID: conversationID, queueID: queueID,
                                            queueName: catalog?.queue(queueID)?.name.json ?? .string(queueID), at: now)
                events += try Self.passedOn(db, conversationID: conversationID, data: data, at: now)
            }
            try Self.recordOutsideChange(db, professionalID: id, events: events, at: now)
            return events
        }
    }

    /// Sets exactly which queues a professional belongs to (a manager: manages).
    public func setQueues(username: String, queues: [String]) async throws -> Professional {
        try validateQueues(queues)
        return try await store.write { db in
            guard let account = try db.row("SELECT id, role FROM professionals WHERE username = ?", username),
                  let id = account.int64("id") else {
                throw ClinicError.notFound
            }
            let table = Professional.queueTable(Professional.Role(rawValue: account.string("role") ?? "") ?? .professional)
            let wanted = Set(queues)
            for row in try db.rows("SELECT queue_id FROM \(table) WHERE professional_id = ?", id) {
                if let queue = row.string("queue_id"), !wanted.contains(queue) {
                    try db.run("DELETE FROM \(table) WHERE professional_id = ? AND queue_id = ?", id, queue)
                }
            }
            for queue in wanted {
                try db.run("INSERT OR IGNORE INTO \(table) (professional_id, queue_id) VALUES (?, ?)", id, queue)
            }
            return try Professional.load(db, where: "id = ?", id)!.0
        }
    }

    public func professional(username: String) throws -> (professional: Professional, passwordHash: String)? {
        try store.read { db in try Professional.load(db, where: "username = ?", username.lowercased()) }
    }

    public func professional(id: Int64) throws -> Professional? {
        try store.read { db in try Professional.load(db, where: "id = ?", id)?.0 }
    }

    public func professionals() throws -> [Professional] {
        try store.read { db in
            try db.rows("SELECT id FROM professionals ORDER BY username").compactMap { row in
                try row.int64("id").flatMap { try Professional.load(db, where: "id = ?", $0)?.0 }
            }
        }
    }

    func validateQueues(_ queues: [String]) throws {
        guard let catalog = try activeCatalog() else {
            if queues.isEmpty { return }
            throw ClinicError.conflict(code: "no_catalog", message: "Import a service catalog before assigning work queues.")
        }
        for queue in queues where catalog.queue(queue) == nil {
            throw ClinicError.invalid(field: "queues", message: "'\(queue)' is not a work queue of the active catalog.")
        }
    }
}
