/// One result row, copied out of SQLite so it outlives the statement step.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [DatabaseValue]

    public subscript(index: Int) -> DatabaseValue { values[index] }

    public subscript(name: String) -> DatabaseValue {
        guard let i = columns.firstIndex(of: name) else { return .null }
        return values[i]
    }

    public func int(_ column: String) -> Int? {
        if case .integer(let v) = self[column] { return Int(v) }
        return nil
    }

    public func int64(_ column: String) -> Int64? {
        if case .integer(let v) = self[column] { return v }
        return nil
    }

    public func double(_ column: String) -> Double? {
        switch self[column] {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }

    public func string(_ column: String) -> String? {
        if case .text(let v) = self[column] { return v }
        return nil
    }

    public func blob(_ column: String) -> [UInt8]? {
        if case .blob(let v) = self[column] { return v }
        return nil
    }
}
