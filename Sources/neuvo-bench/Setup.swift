import Foundation

/// Sends `count` requests (`make(i)`) over `parallel` keep-alive connections,
/// handing each answer to `done(i, response)`. A request whose connection broke is
/// retried on a fresh one (at most 3 times in all per request). Bounded by `timeoutSeconds`.
func runBatch(port: Int, count: Int, parallel: Int, timeoutSeconds: Double,
              make: @escaping (Int) -> [UInt8], done: @escaping (Int, ClientResponse) throws -> Void) throws {
    guard count > 0 else { return }
    let loop = try ClientLoop(port: port)
    var queue = Array((0..<count).reversed())   // pop from the end
    var attempts = [UInt8](repeating: 0, count: count)
    var finished = 0
    var failure: (any Error)?
    let deadline = nowNanos() + UInt64(timeoutSeconds * 1e9)

    func feed(_ c: ClientConnection) {
        guard failure == nil, let index = queue.popLast() else { return }
        attempts[index] += 1
        c.tag = index
        loop.send(c, make(index))
    }
    loop.onConnect = { c in feed(c) }
    loop.onResponse = { c, response in
        finished += 1
        do { try done(c.tag, response) } catch { failure = failure ?? error }
        if !response.closes { feed(c) }
    }
    loop.onClose = { c, reason, error in
        guard reason != .local else { return }
        if c.awaiting {
            if attempts[c.tag] >= 3 {
                failure = failure ?? BenchError("request \(c.tag) failed 3 times (last: \(reason.rawValue), errno \(error))")
            } else {
                queue.append(c.tag)
            }
        }
        if failure == nil && !queue.isEmpty { _ = loop.connect(tag: -1) }
    }
    for _ in 0..<min(parallel, count) {
        let (c, error) = loop.connect(tag: -1)
        if c == nil { loop.shutdown(); throw BenchError("cannot connect to 127.0.0.1:\(port): errno \(error)") }
    }
    while finished < count && failure == nil {
        if nowNanos() > deadline {
            loop.shutdown()
            throw BenchError("batch of \(count) requests not done within \(timeoutSeconds) s (\(finished) done)")
        }
        if loop.openCount == 0 && !queue.isEmpty { _ = loop.connect(tag: -1) }
        loop.poll(timeoutMillis: 50)
    }
    loop.shutdown()
    if let failure { throw failure }
}

/// Opens `count` conversations in one resident session. Returns the session cookie and the ids.
func createConversations(port: Int, count: Int, parallel: Int = 64, cookie existing: String? = nil) throws -> (cookie: String, ids: [String]) {
    let started = nowNanos()
    var cookie = existing ?? ""
    var ids = [String](repeating: "", count: count)
    func check(_ index: Int, _ response: ClientResponse) throws {
        guard response.status == 201, let id = response.strings(after: "id").first, id.utf8.count == 32 else {
            throw BenchError("opening a conversation answered \(response.status): \(response.bodyText.prefix(300))")
        }
        ids[index] = id
    }
    if existing == nil {
        try runBatch(port: port, count: 1, parallel: 1, timeoutSeconds: 30,
                     make: { _ in Requests.post(Requests.openConversation, cookie: nil, json: "{}") },
                     done: { index, response in
                         try check(index, response)
                         guard let header = response.headers.first(where: { $0.name == "set-cookie" && $0.value.hasPrefix("neuvo_resident=") }),
                               let value = header.value.split(separator: ";").first?.dropFirst("neuvo_resident=".count) else {
                             throw BenchError("the first conversation came without a neuvo_resident cookie")
                         }
                         cookie = String(value)
                     })
    }
    let skip = existing == nil ? 1 : 0
    let theCookie = cookie
    try runBatch(port: port, count: count - skip, parallel: parallel, timeoutSeconds: 600,
                 make: { _ in Requests.post(Requests.openConversation, cookie: theCookie, json: "{}") },
                 done: { index, response in try check(index + skip, response) })
    let seconds = Double(nowNanos() - started) / 1e9
    note(String(format: "opened %d conversations in %.1f s (%.0f/s)", count, seconds, Double(count) / seconds))
    return (cookie, ids)
}

/// The current cursor (`next` of an `after=0&wait=0` poll) of each conversation.
func fetchCursors(port: Int, cookie: String, ids: [String], parallel: Int = 64) throws -> [Int64] {
    var cursors = [Int64](repeating: 0, count: ids.count)
    try runBatch(port: port, count: ids.count, parallel: parallel, timeoutSeconds: 300,
                 make: { Requests.events(ids[$0], after: 0, wait: 0, cookie: cookie) },
                 done: { index, response in
                     guard response.status == 200, let next = response.integer(after: "next") else {
                         throw BenchError("events poll answered \(response.status): \(response.bodyText.prefix(300))")
                     }
                     cursors[index] = next
                 })
    return cursors
}

/// Writes one id per line to a temporary file for the workers.
func writeIDsFile(_ ids: [String]) throws -> String {
    let path = temporaryPath("ids", ".txt")
    try (ids.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
