import Foundation

// `neuvo-bench stats`: a year of conversations (default 300,000 over the demo
// catalog's six queues), then the managers' statistics requests for a month and
// for the year, timed over HTTP against the real server.

private let statsAdmin = "stats-admin"
private let statsPassword = "stats-password-\(UInt32.random(in: 0...UInt32.max))"

func runStatistics(_ arguments: Arguments) throws {
    let count = try arguments.int("conversations", 300_000, 1_000...5_000_000)
    let repeats = try arguments.int("repeats", 7, 1...100)
    let repo = try repositoryFolder()
    let database = temporaryPath("db", ".sqlite")
    let catalog = repo + "/Sources/neuvo/demo-catalog.json"
    let migrations = repo + "/Migrations"
    try runNeuvoCommand(["catalog", "import", catalog, "--db", database, "--migrations", migrations])
    try runNeuvoCommand(["user", "add", statsAdmin, "--name", "Stats Admin", "--title", "ylläpitäjä", "--role", "admin",
                         "--db", database, "--migrations", migrations], password: statsPassword)
    let services = try benchServices(catalogPath: catalog)
    let queues = Array(Set(services.map(\.queue))).sorted()
    let fillStart = nowNanos()
    let feedback = try fillYear(databasePath: database, services: services, count: count, end: Date())
    let size = (try? FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) ?? 0
    say("filled \(count) conversations (\(feedback) with feedback) over 365 days in \(queues.count) queues, "
        + "\(services.count) services in \(String(format: "%.1f", millis(nowNanos() - fillStart) / 1000)) s; database \(size / 1_048_576) MB")

    let server = try ServerProcess(database: database)
    let startedAt = nowNanos()
    defer {
        _ = server.stop()
        server.removeFiles()
    }
    let cookie = try signIn(port: server.port, username: statsAdmin, password: statsPassword)
    let today = Date()
    func date(_ daysAgo: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "Europe/Helsinki")
        return formatter.string(from: today.addingTimeInterval(-Double(daysAgo) * 86_400))
    }
    let month = "from=\(date(30))&to=\(date(0))", year = "from=\(date(364))&to=\(date(0))"
    let requests: [(String, String)] = [
        ("a month, all queues", "/api/v1/stats?\(month)"),
        ("a month, one queue", "/api/v1/stats?\(month)&queue=\(queues[0])"),
        ("a year, all queues", "/api/v1/stats?\(year)"),
        ("a year, one queue", "/api/v1/stats?\(year)&queue=\(queues[0])"),
        ("a year, one service", "/api/v1/stats?\(year)&service=\(services[0].id)"),
        ("a year, days as CSV", "/api/v1/stats/csv/days?\(year)"),
        ("a year, comments as CSV", "/api/v1/stats/csv/comments?\(year)"),
        ("live overview", "/api/v1/stats/live"),
    ]
    // The server reads the last 400 days into memory after it starts; the first report may wait for that.
    let first = nowNanos()
    try runBatch(port: server.port, count: 1, parallel: 1, timeoutSeconds: 60,
                 make: { _ in Array("GET /api/v1/stats?\(year) HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: neuvo_pro=\(cookie)\r\n\r\n".utf8) },
                 done: { _, response in guard response.status == 200 else { throw BenchError("first report answered \(response.status)") } })
    say(String(format: "first year report, %.0f ms after the server started listening: %.1f ms", millis(first - startedAt), millis(nowNanos() - first)))
    say("request (ms over HTTP, \(repeats) runs, release build expected)     min   median    max   bytes")
    var worst = 0.0
    for (name, path) in requests {
        var times: [Double] = []
        var bytes = 0
        for _ in 0..<repeats {
            let start = nowNanos()
            try runBatch(port: server.port, count: 1, parallel: 1, timeoutSeconds: 60,
                         make: { _ in Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: neuvo_pro=\(cookie)\r\n\r\n".utf8) },
                         done: { _, response in
                             guard response.status == 200 else { throw BenchError("\(path) answered \(response.status): \(response.bodyText.prefix(200))") }
                             bytes = response.body.count
                         })
            times.append(millis(nowNanos() - start))
        }
        times.sort()
        worst = max(worst, times[times.count / 2])
        say(name.padding(toLength: 50, withPad: " ", startingAt: 0)
            + String(format: "%8.1f %8.1f %8.1f %8d", times[0], times[times.count / 2], times[times.count - 1], bytes))
    }
    say("slowest median: \(String(format: "%.1f", worst)) ms (target ≤ 300 ms)")
}

/// Runs `neuvo ARGS` found beside this binary; `password` goes in NEUVO_PASSWORD.
func runNeuvoCommand(_ arguments: [String], password: String? = nil) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try neuvoExecutable())
    process.arguments = arguments
    if let password { process.environment = ProcessInfo.processInfo.environment.merging(["NEUVO_PASSWORD": password]) { $1 } }
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchError("neuvo \(arguments.prefix(2).joined(separator: " ")) failed") }
}

/// Signs a professional in; returns the `neuvo_pro` cookie.
func signIn(port: Int, username: String, password: String) throws -> String {
    var cookie = ""
    try runBatch(port: port, count: 1, parallel: 1, timeoutSeconds: 30,
                 make: { _ in proPost(port: port, "/api/v1/pro/login", cookie: nil,
                                      json: #"{"username": "\#(username)", "password": "\#(password)"}"#) },
                 done: { _, response in
                     guard response.status == 200,
                           let header = response.headers.first(where: { $0.name == "set-cookie" && $0.value.hasPrefix("neuvo_pro=") }),
                           let value = header.value.split(separator: ";").first?.dropFirst("neuvo_pro=".count) else {
                         throw BenchError("sign-in answered \(response.status): \(response.bodyText.prefix(300))")
                     }
                     cookie = String(value)
                 })
    return cookie
}
