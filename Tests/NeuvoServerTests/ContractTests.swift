import Foundation
import NeuvoClinic
import NeuvoJSON
import Testing
@testable import NeuvoServer

/// `Public/openapi.json` and the routes' declarations agree: every route the
/// server declares is in the contract with its method, and every error a route
/// may answer (its own, its caller's refusals, CSRF and invalid JSON) is listed
/// there under its status with its code. Together with `TestApp.stop()`, which
/// fails a test whenever a route answers an error it does not declare, the
/// server and the contract cannot drift apart unseen.
@Suite struct ContractTests {
    static func contract() throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Public/openapi.json"))))
    }

    /// Follows `$ref`s inside the document.
    static func resolve(_ value: JSONValue, in document: JSONValue) -> JSONValue {
        guard let ref = value["$ref"]?.stringValue, ref.hasPrefix("#/") else { return value }
        var node = document
        for part in ref.dropFirst(2).split(separator: "/") { node = node[String(part)] ?? .null }
        return resolve(node, in: document)
    }

    /// Every `code` enum under a response's schema; empty when the schema does not restrict codes.
    static func codes(_ value: JSONValue, in document: JSONValue) -> Set<String> {
        let value = resolve(value, in: document)
        var found = Set<String>()
        if case .object(let object) = value {
            for (key, child) in object {
                if key == "code", let values = child["enum"]?.arrayValue { found.formUnion(values.compactMap(\.stringValue)) }
                found.formUnion(codes(child, in: document))
            }
        } else if case .array(let items) = value {
            for item in items { found.formUnion(codes(item, in: document)) }
        }
        return found
    }

    @Test func everyDeclaredRouteAndAnswerIsInTheContract() throws {
        let app = try TestApp()
        defer { app.stop() }
        let document = try Self.contract()
        let contracts = app.app.routeContracts
        #expect(contracts.count >= 36)
        var missing: [String] = []
        for route in contracts {
            guard let operation = document["paths"]?[route.template]?[route.method.lowercased()] else {
                missing.append("\(route.method) \(route.template) is not in the contract")
                continue
            }
            for answer in route.answers.sorted(by: { ($0.status, $0.code) < ($1.status, $1.code) }) {
                guard let response = operation["responses"]?[String(answer.status)] else {
                    missing.append("\(route.method) \(route.template): no \(answer.status) for \(answer.code)")
                    continue
                }
                // A response must name its codes: one without an enum would let any code through.
                let listed = Self.codes(response, in: document)
                if !listed.contains(answer.code) {
                    missing.append("\(route.method) \(route.template): \(answer.status) lists \(listed.sorted()), not \(answer.code)")
                }
            }
        }
        #expect(missing.isEmpty, "\(missing.joined(separator: "\n"))")
    }

    @Test func everyPathInTheContractIsARoute() throws {
        let app = try TestApp()
        defer { app.stop() }
        let declared = Set(app.app.routeContracts.map { "\($0.method.lowercased()) \($0.template)" })
        guard case .object(let paths) = try Self.contract()["paths"] ?? .null else { Issue.record("no paths"); return }
        for (path, item) in paths where path != "/healthz" {
            guard case .object(let operations) = item else { continue }
            for (method, _) in operations where ["get", "post", "put", "delete", "patch"].contains(method) {
                #expect(declared.contains("\(method) \(path)"), "\(method) \(path) is in the contract but not a route")
            }
        }
    }
}

/// The JSON the API writes for values the tests above do not reach through a route.
@Suite struct WireTests {
    @Test func noAPIAnswerIsSniffedForAnotherType() throws {
        let app = try TestApp()
        defer { app.stop() }
        for path in ["/api/v1/session", "/api/v1/catalog", "/api/v1/conversations/00112233445566778899aabbccddeeff"] {
            let response = try app.client().call("GET", path)
            #expect(response.header("x-content-type-options") == "nosniff", "\(path) answered \(response.status)")
        }
    }

    @Test func aClosedQueueSaysWhenItOpens() {
        let json = WaitEstimate.closed(opensAt: Timestamp(millis: 1_795_413_600_000)).json
        #expect(json["state"]?.stringValue == "closed")
        #expect(json["opensAt"]?.stringValue == "2026-11-23T06:00:00.000Z")
        #expect(json["key"]?.stringValue == "closed")
        #expect(WaitEstimate.minutes(low: 10, high: 25, onShift: 2).json
                == .object(["state": .string("estimate"), "minMinutes": .int(10), "maxMinutes": .int(25), "onShift": .int(2), "key": .string("10-25")]))
    }

    /// Every kind of event the clinic writes has its schema in the contract (the event streams carry them all).
    @Test func everyEventKindIsInTheContract() throws {
        let mapping = try ContractTests.contract()["components"]?["schemas"]?["Event"]?["discriminator"]?["mapping"]?.objectValue
        var documented = Set<String>()
        for key in mapping?.keys ?? [] { documented.insert(key) }
        let missing = EventKind.allCases.map(\.rawValue).filter { !documented.contains($0) }
        #expect(missing.isEmpty, "event kinds without a schema in openapi.json: \(missing)")
    }
}
