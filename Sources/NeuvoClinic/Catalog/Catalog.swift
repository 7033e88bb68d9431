import NeuvoJSON

/// The service catalog: services with their pre-questionnaires, and the work
/// queues they route to. Imported as a JSON document and validated whole.
public struct Catalog: Sendable, Equatable {
    /// Names this version of the catalog; conversations record which one they used.
    public let version: String
    public let services: [Service]
    public let queues: [WorkQueue]
    private let servicesByID: [String: Service]

    public func service(_ id: String) -> Service? { servicesByID[id] }
    public func queue(_ id: String) -> WorkQueue? { queues.first { $0.id == id } }

    /// Reads and validates a catalog document; the error names the exact place.
    public init(json: JSONValue) throws(CatalogError) {
        let root = JSONCursor(json)
        _ = try root.object(allowed: ["version", "services", "queues"])
        version = try root["version"].string(maxLength: 64)
        var queues: [WorkQueue] = []
        for item in try root["queues"].array(nonEmpty: true) {
            let queue = try WorkQueue(item)
            guard !queues.contains(where: { $0.id == queue.id }) else { throw item["id"].fail("'\(queue.id)' is used twice") }
            queues.append(queue)
        }
        self.queues = queues
        let queueIDs = Set(queues.map(\.id))
        var services: [Service] = []
        for item in try root["services"].array(nonEmpty: true) {
            services.append(try Service(item, queues: queueIDs))
        }
        self.services = services
        var byID: [String: Service] = [:]
        for (index, service) in services.flatMap(\.flattened).enumerated() {
            guard byID[service.id] == nil else {
                throw CatalogError(path: "services", message: "service id '\(service.id)' is used twice (the \(index + 1). service in tree order)")
            }
            byID[service.id] = service
        }
        servicesByID = byID
    }

    public init(bytes: [UInt8]) throws(CatalogError) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw CatalogError(path: "", message: "is not valid JSON: \(error.description)")
        }
        try self.init(json: json)
    }

    public static func == (a: Catalog, b: Catalog) -> Bool {
        a.version == b.version && a.services == b.services && a.queues == b.queues
    }
}
