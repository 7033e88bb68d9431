import Foundation
import Glibc

// The setup of `neuvo-bench queue`: a database with a two-queue catalog and one
// professional, residents queued each in a session of their own, and the
// professional signed in and on shift.

/// Two work queues open around the clock; the answer to `line` routes to one of them.
private let queueBenchCatalog = #"""
{
  "version": "bench-queue-1",
  "queues": [
    {"id": "q1", "name": {"fi": "Jono 1", "sv": "Kö 1", "en": "Queue 1"}, "targetFirstResponseMinutes": 60,
     "openingHours": {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]],
                      "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}},
    {"id": "q2", "name": {"fi": "Jono 2", "sv": "Kö 2", "en": "Queue 2"}, "targetFirstResponseMinutes": 60,
     "openingHours": {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]],
                      "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]}}
  ],
  "services": [
    {"id": "bench", "title": {"fi": "Testi", "sv": "Test", "en": "Test"},
     "questionnaire": {
      "questions": [
        {"id": "line", "type": "singleChoice", "required": true, "text": {"fi": "Jono?", "sv": "Kö?", "en": "Queue?"},
         "options": [{"id": "one", "label": {"fi": "1", "sv": "1", "en": "1"}}, {"id": "two", "label": {"fi": "2", "sv": "2", "en": "2"}}]}
      ],
      "redFlags": [],
      "routes": [
        {"when": {"question": "line", "equals": "two"}, "queue": "q2", "urgency": "normal", "reason": {"fi": "2", "sv": "2", "en": "2"}},
        {"queue": "q1", "urgency": "normal", "reason": {"fi": "1", "sv": "1", "en": "1"}}
      ]}}
  ]
}
"""#

let queueBenchUsername = "bench"
private let queueBenchPassword = "bench-password-\(UInt32.random(in: 0...UInt32.max))"

/// A new database with the bench catalog imported and the `bench` professional in both queues.
func prepareQueueDatabase() throws -> String {
    let database = temporaryPath("db", ".sqlite")
    let catalog = temporaryPath("catalog", ".json")
    try queueBenchCatalog.write(toFile: catalog, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: catalog) }
    let migrations = try repositoryFolder() + "/Migrations"
    try runNeuvoCommand(["catalog", "import", catalog, "--db", database, "--migrations", migrations])
    try runNeuvoCommand(["user", "add", queueBenchUsername, "--name", "Bench Nurse", "--title", "sairaanhoitaja", "--queues", "q1,q2",
                  "--db", database, "--migrations", migrations], password: queueBenchPassword)
    return database
}

/// A queued resident as the bench follows them.
struct QueuedResident {
    var cookie = ""
    var id = ""
    /// 0 for q1, 1 for q2.
    var queue = 0
    /// Place in its queue at queueing, from 0: picks take the queue's head, so
    /// after `m` picks from the queue the true position is `index - m + 1`.
    var index = 0
    var cursor: Int64 = 0
    var position = 0
    var estimate = ""
}

/// Opens `count` conversations, each in a new resident session, and queues them
/// (resident `i` in queue `i % queues`).
func queueResidents(port: Int, count: Int, queues: Int) throws -> [QueuedResident] {
    var residents = [QueuedResident](repeating: QueuedResident(), count: count)
    var started = nowNanos()
    try runBatch(port: port, count: count, parallel: 64, timeoutSeconds: 600,
                 make: { _ in Requests.post(Requests.openConversation, cookie: nil, json: "{}") },
                 done: { i, response in
                     guard response.status == 201, let id = response.strings(after: "id").first,
                           let header = response.headers.first(where: { $0.name == "set-cookie" && $0.value.hasPrefix("neuvo_resident=") }),
                           let value = header.value.split(separator: ";").first?.dropFirst("neuvo_resident=".count) else {
                         throw BenchError("opening a conversation answered \(response.status): \(response.bodyText.prefix(300))")
                     }
                     residents[i].id = id
                     residents[i].cookie = String(value)
                     residents[i].queue = i % queues
                 })
    note(String(format: "opened %d conversations in new sessions in %.1f s", count, Double(nowNanos() - started) / 1e9))
    started = nowNanos()
    try runBatch(port: port, count: count, parallel: 16, timeoutSeconds: 600,
                 make: { i in
                     Requests.post("/api/v1/conversations/\(residents[i].id)/pre-questionnaire", cookie: residents[i].cookie,
                                   json: #"{"serviceId": "bench", "subject": {"kind": "self"}, "answers": {"line": "\#(residents[i].queue == 0 ? "one" : "two")"}}"#)
                 },
                 done: { i, response in
                     guard response.status == 200, let position = response.integer(after: "position") else {
                         throw BenchError("queueing answered \(response.status): \(response.bodyText.prefix(300))")
                     }
                     residents[i].index = Int(position) - 1
                 })
    let seconds = Double(nowNanos() - started) / 1e9
    note(String(format: "queued %d residents in %.1f s (%.0f/s, %.2f ms each)", count, seconds, Double(count) / seconds, seconds * 1000 / Double(count)))
    try runBatch(port: port, count: count, parallel: 64, timeoutSeconds: 600,
                 make: { i in Requests.events(residents[i].id, after: 0, wait: 0, cookie: residents[i].cookie) },
                 done: { i, response in
                     guard response.status == 200, let next = response.integer(after: "next"), let position = response.integer(after: "position"),
                           let key = response.strings(after: "key").last else {
                         throw BenchError("the first poll answered \(response.status): \(response.bodyText.prefix(300))")
                     }
                     residents[i].cursor = next
                     residents[i].position = Int(position)
                     residents[i].estimate = key
                 })
    return residents
}

/// Signs the bench professional in and puts them on shift in `queues` queues; returns the `neuvo_pro` cookie.
func startBenchShift(port: Int, queues: Int) throws -> String {
    let theCookie = try signIn(port: port, username: queueBenchUsername, password: queueBenchPassword)
    try runBatch(port: port, count: queues, parallel: 1, timeoutSeconds: 30,
                 make: { q in proPost(port: port, "/api/v1/pro/shifts", cookie: theCookie, json: #"{"queueId": "q\#(q + 1)", "onShift": true}"#) },
                 done: { _, response in
                     guard response.status == 200 else { throw BenchError("going on shift answered \(response.status): \(response.bodyText.prefix(300))") }
                 })
    return theCookie
}

/// A state-changing request of the professional's workspace.
func proPost(port: Int, _ path: String, cookie: String?, json: String) -> [UInt8] {
    Requests.post(path, cookie: cookie, json: json, cookieName: "neuvo_pro")
}

/// The resident page's poll: events after the cursor, and the position and estimate it last showed.
func residentPoll(_ resident: QueuedResident, wait: Int) -> [UInt8] {
    var path = "/api/v1/conversations/\(resident.id)/events?after=\(resident.cursor)&wait=\(wait)"
    if resident.position > 0 { path += "&position=\(resident.position)&estimate=\(resident.estimate)" }
    return Requests.get(path, cookie: resident.cookie)
}
