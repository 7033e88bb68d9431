import Foundation
import Glibc
import NeuvoJSON
import NeuvoTestSupport
import Synchronization
import Testing

/// The `neuvo` executable as a child process.
final class ServerProcess {
    let process = Process()
    let port: Int

    static var binary: String { repositoryRoot + "/.build/debug/neuvo" }

    init(database: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw RawClient.Failure(description: "\(Self.binary) is missing: run `swift build` before the tests")
        }
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--port", "0", "--db", database, "--log-level", "warning", "--public-url", "http://127.0.0.1",
                             "--migrations", repositoryRoot + "/Migrations", "--public", repositoryRoot + "/Public"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Read the "listening on" line to learn the port.
        var text = ""
        let handle = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("\n") && Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "listening on http://127.0.0.1:"),
              let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw RawClient.Failure(description: "server did not start: \(text)")
        }
        self.port = port
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Acknowledged means durable: kill -9 the server mid-write and every 2xx survives.
@Suite struct CrashDurabilityTests {
    @Test func everyAcknowledgedWriteSurvivesKill9() throws {
        let database = NSTemporaryDirectory() + "neuvo-crash-\(UUID().uuidString).sqlite"
        let first = try ServerProcess(database: database)
        let opener = Resident(client: try RawClient(port: first.port))
        let conversation = try opener.openConversation()
        let cookie = try #require(opener.cookie)

        let acknowledged = Mutex<[String]>([])
        let writers = 8
        let started = Counter()
        let port = first.port
        let group = DispatchGroup()
        for _ in 0..<writers {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let client = try? RawClient(port: port, timeout: 5) else { return }
                let resident = Resident(client: client)
                resident.cookie = cookie
                started.increment()
                while true {
                    let clientId = UUID().uuidString.lowercased()
                    guard let response = try? resident.postMessage(conversation, clientId: clientId, text: "viesti \(clientId)") else {
                        return  // the server died under us
                    }
                    if response.status == 201 { acknowledged.withLock { $0.append(clientId) } }
                }
            }.start()
        }
        // Let the writers get going, then kill the server in the middle of their writes.
        while started.value < writers { usleep(5_000) }
        usleep(400_000)
        first.kill9()
        group.wait()
        let acked = acknowledged.withLock { $0 }
        #expect(acked.count > 50, "the writers should have been answered many times before the kill")

        let second = try ServerProcess(database: database)
        defer { second.terminate() }
        let reader = Resident(client: try RawClient(port: second.port))
        reader.cookie = cookie
        var stored = Set<String>()
        var cursor = 0
        while true {
            let page = try reader.get("/api/v1/conversations/\(conversation)/events?after=\(cursor)")
            let events = try #require(page.json?["events"]?.arrayValue)
            if events.isEmpty { break }
            for event in events where event["type"]?.stringValue == "message" {
                if let id = event["data"]?["clientId"]?.stringValue { stored.insert(id) }
            }
            cursor = try #require(page.json?["next"]?.intValue)
        }
        let lost = acked.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(acked.count) acknowledged messages were lost")
    }
}
