import Foundation
import NeuvoTestSupport
import Testing

/// `neuvo bundle OUTPUT`: one file that carries its pages, migrations and demo
/// catalog, and serves from an empty folder with only its database path given.
@Suite struct BundleTests {
    @Test func aBundledBinaryServesFromAnEmptyFolderWithOnlyItsDatabasePath() throws {
        let folder = NSTemporaryDirectory() + "neuvo-bundle-\(UUID().uuidString)"
        let empty = folder + "/srv"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bundled = folder + "/neuvo"
        let made = try runNeuvo(["bundle", bundled])
        #expect(made.status == 0 && made.output.contains("files"), "\(made.output)")
        #expect(try runNeuvo(["bundle", bundled]).output.contains("never overwrites"))

        // Nothing beside it: no Public/, no Migrations/, no checkout above either folder, no NEUVO_* settings.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bundled)
        process.arguments = ["serve", "--port", "0", "--db", empty + "/neuvo.sqlite", "--retention-days", "0", "--public-url", "http://127.0.0.1"]
        process.currentDirectoryURL = URL(fileURLWithPath: empty)
        process.environment = ["PATH": "/usr/bin:/bin", "TMPDIR": folder]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("listening on") && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(text.range(of: "listening on http://127.0.0.1:").flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) },
                                "\(text)")
        let client = try RawClient(port: port)
        let page = try client.call("GET", "/")
        #expect(page.status == 200 && page.text.contains("<!DOCTYPE html>"))
        #expect(try client.call("GET", "/pro/").status == 200)
        #expect(try client.call("GET", "/openapi.json").status == 200)
        // Migrated from the carried files: the API answers from the new database.
        #expect(try client.call("POST", "/api/v1/conversations", headers: [("X-Requested-With", "neuvo"), ("Content-Type", "application/json")],
                                body: Array("{}".utf8)).status == 201)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: empty + "/neuvo.sqlite")[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        // It unpacked into a private folder of its own, and removes it when it stops.
        let unpacked = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("neuvo-assets-") }
        #expect(unpacked.count == 1)
        let unpackedMode = try FileManager.default.attributesOfItem(atPath: folder + "/" + unpacked[0])[.posixPermissions] as? Int
        #expect(unpackedMode.map { $0 & 0o777 } == 0o700)
        process.terminate()
        process.waitUntilExit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("neuvo-assets-") }.isEmpty)
    }
}
