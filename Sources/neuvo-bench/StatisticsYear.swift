import Foundation
import NeuvoStore

// The data of `neuvo-bench stats`: a realistic year of conversations written
// straight into a database, with the demo catalog's six queues and their
// services, a weekly and daily rhythm (Kotka's curve: a morning peak), and
// outcomes, waits, feedback and whose matter in plausible shares.

/// One leaf service of the catalog and the queue its default route leads to.
struct BenchService {
    let id: String
    let queue: String
}

/// The services with pre-questions and their default queues, read from a catalog document.
func benchServices(catalogPath: String) throws -> [BenchService] {
    guard let data = FileManager.default.contents(atPath: catalogPath),
          let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
          let services = root["services"] as? [[String: Any]] else { throw BenchError("cannot read \(catalogPath)") }
    var found: [BenchService] = []
    func walk(_ service: [String: Any]) {
        if let children = service["children"] as? [[String: Any]] { children.forEach(walk) }
        if let id = service["id"] as? String, let questionnaire = service["questionnaire"] as? [String: Any],
           let routes = questionnaire["routes"] as? [[String: Any]], let queue = routes.last?["queue"] as? String {
            found.append(BenchService(id: id, queue: queue))
        }
    }
    services.forEach(walk)
    guard !found.isEmpty else { throw BenchError("no services with routes in \(catalogPath)") }
    return found
}

/// A small, fast, seeded generator: the same year every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Kotka's contacts per hour of day: nothing at night, a peak at 8–10, tailing off by the evening.
private let hourWeights: [Double] = [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 4, 10, 11, 9, 8, 7, 7, 6, 5, 4, 3, 2.5, 2, 1.5, 1, 0.6, 0.4]
/// Monday is the busiest day, the weekend the quietest.
private let weekdayWeights: [Double] = [1.35, 1.1, 1.0, 1.0, 0.95, 0.35, 0.3]

private func pick(_ weights: [Double], _ random: inout SplitMix64) -> Int {
    let total = weights.reduce(0, +)
    var r = Double.random(in: 0..<total, using: &random)
    for (index, weight) in weights.enumerated() {
        r -= weight
        if r < 0 { return index }
    }
    return weights.count - 1
}

/// Minutes, skewed: most short, a few long (a rough log-normal).
private func minutes(median: Double, spread: Double, _ random: inout SplitMix64) -> Int64 {
    let u1 = Double.random(in: 0.000_001..<1, using: &random), u2 = Double.random(in: 0..<1, using: &random)
    let normal = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
    return max(1, Int64(median * Foundation.exp(spread * normal) * 60_000))
}

/// Writes `count` conversations opened over the 365 days before `end` into `databasePath`
/// (already migrated), in transactions of 10,000. Returns the number of feedback rows.
func fillYear(databasePath: String, services: [BenchService], count: Int, end: Date) throws -> Int {
    let db = try Database(path: databasePath)
    defer { db.close() }
    var random = SplitMix64(state: 2026)
    let dayMillis: Int64 = 86_400_000
    // Finnish local midnight is 22:00 UTC in winter; close enough for a generator (the buckets come from the server).
    let lastMidnight = Int64(end.timeIntervalSince1970 * 1000) / dayMillis * dayMillis - 2 * 3_600_000
    let firstDay = lastMidnight - 364 * dayMillis
    let dayWeights = (0..<365).map { day -> Double in
        let weekday = Int(((firstDay + Int64(day) * dayMillis + 2 * 3_600_000) / dayMillis + 3) % 7)
        return weekdayWeights[weekday]
    }
    let outcomes = ["adviceGiven", "adviceGiven", "adviceGiven", "appointmentArranged", "appointmentArranged", "referred", "noCareNeed"]
    let kinds = ["self", "self", "self", "self", "self", "self", "self", "child", "child", "otherAdult"]
    let comments = ["Nopea ja ystävällinen palvelu.", "Jonotin liian kauan.", "Sain hyvät ohjeet, kiitos!", "Chat katkesi kerran.",
                    "Selkeät neuvot lapsen kuumeeseen.", "Toivoisin iltapäivällä enemmän hoitajia."]
    try db.execute("INSERT INTO resident_sessions (id, token_hash, created_at, expires_at) VALUES (1, x'00', 0, 0)")
    var feedbackRows = 0
    var written = 0
    while written < count {
        try db.transaction { db in
            for _ in 0..<min(10_000, count - written) {
                written += 1
                let day = pick(dayWeights, &random), hour = pick(hourWeights, &random)
                let opened = firstDay + Int64(day) * dayMillis + Int64(hour) * 3_600_000 + Int64.random(in: 0..<3_600_000, using: &random)
                let service = services[Int.random(in: 0..<services.count, using: &random)]
                let roll = Double.random(in: 0..<1, using: &random)
                let id = String(format: "%032llx", random.next())
                let kind = kinds[Int.random(in: 0..<kinds.count, using: &random)]
                let identified = Double.random(in: 0..<1, using: &random) < 0.6 ? 1 : 0
                if roll < 0.05 {  // opened, never answered
                    try db.run("INSERT INTO conversations (id, resident_session_id, status, created_at, updated_at) VALUES (?, 1, 'withdrawn', ?, ?)",
                               id, opened, opened + 120_000)
                    continue
                }
                if roll < 0.08 {  // a red flag
                    try db.run("""
                        INSERT INTO conversations (id, resident_session_id, status, created_at, updated_at, service_id, outcome, red_flag,
                            red_flag_action, subject_kind, identified) VALUES (?, 1, 'closed', ?, ?, ?, 'redFlag', 'danger', ?, ?, ?)
                        """, id, opened, opened + 60_000, service.id, roll < 0.065 ? "call112" : "call116117", kind, identified)
                    continue
                }
                let queued = opened + 90_000
                if roll < 0.15 {  // withdrawn before anyone picked it
                    try db.run("""
                        INSERT INTO conversations (id, resident_session_id, status, created_at, updated_at, service_id, outcome, queue_id,
                            first_queue_id, urgency_rank, queued_at, subject_kind, identified) VALUES (?, 1, 'withdrawn', ?, ?, ?, 'queued', ?, ?, 2, ?, ?, ?)
                        """, id, opened, queued + minutes(median: 25, spread: 0.8, &random), service.id, service.queue, service.queue, queued, kind, identified)
                    continue
                }
                let picked = queued + minutes(median: 18 + Double(hour >= 8 && hour < 11 ? 20 : 0), spread: 0.7, &random)
                let reply = picked + minutes(median: 2, spread: 0.6, &random)
                let closed = reply + minutes(median: 14, spread: 0.6, &random)
                let feedback: Int? = Double.random(in: 0..<1, using: &random) < 0.3 ? [10, 10, 9, 9, 9, 8, 8, 7, 5, 3][Int.random(in: 0..<10, using: &random)] : nil
                try db.run("""
                    INSERT INTO conversations (id, resident_session_id, status, created_at, updated_at, service_id, outcome, queue_id, first_queue_id,
                        urgency_rank, queued_at, picked_at, first_reply_at, closed_at, closing_outcome, transfers, consultations, subject_kind,
                        identified, feedback_score)
                    VALUES (?, 1, 'closed', ?, ?, ?, 'queued', ?, ?, 2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, id, opened, closed, service.id, service.queue, service.queue, queued, picked, reply, closed,
                       outcomes[Int.random(in: 0..<outcomes.count, using: &random)],
                       Double.random(in: 0..<1, using: &random) < 0.05 ? 1 : 0, Double.random(in: 0..<1, using: &random) < 0.03 ? 1 : 0,
                       kind, identified, feedback.map(Int64.init))
                if let feedback {
                    feedbackRows += 1
                    let comment: String? = Double.random(in: 0..<1, using: &random) < 0.3 ? comments[Int.random(in: 0..<comments.count, using: &random)] : nil
                    try db.run("INSERT INTO feedback (conversation_id, score, comment, created_at) VALUES (?, ?, ?, ?)", id, feedback, comment, closed + 60_000)
                }
            }
        }
    }
    try db.execute("ANALYZE")
    return feedbackRows
}
