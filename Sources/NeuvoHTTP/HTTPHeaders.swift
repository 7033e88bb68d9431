/// The header fields of a request or response, in the order received or set.
///
/// Field names are stored lowercased (HTTP field names are case-insensitive),
/// so lookups compare plain strings.
public struct HTTPHeaders: Sendable, Sequence {
    public typealias Element = (name: String, value: String)
    private var fields: [Element] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        for (name, value) in fields { add(name: name, value: value) }
    }

    /// The number of fields, counting repeated names separately.
    public var count: Int { fields.count }

    public mutating func add(name: String, value: String) {
        fields.append((name.lowercased(), value))
    }

    /// Replaces every field called `name` with one field of `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        let name = name.lowercased()
        fields.removeAll { $0.name == name }
        fields.append((name, value))
    }

    public mutating func remove(name: String) {
        let name = name.lowercased()
        fields.removeAll { $0.name == name }
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        let name = name.lowercased()
        return fields.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let name = name.lowercased()
        return fields.filter { $0.name == name }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }
}
