import NeuvoJSON

/// A position in a JSON document that remembers its path, so every read can
/// fail with a ``CatalogError`` naming the exact place.
struct JSONCursor {
    let path: String
    let value: JSONValue?

    init(_ value: JSONValue?, path: String = "") {
        self.value = value
        self.path = path
    }

    func fail(_ message: String) -> CatalogError { CatalogError(path: path, message: message) }

    subscript(key: String) -> JSONCursor {
        JSONCursor(value?[key], path: path.isEmpty ? key : "\(path).\(key)")
    }

    var exists: Bool {
        if case .none = value { return false }
        if case .some(.null) = value { return false }
        return true
    }

    func object(allowed keys: Set<String>) throws(CatalogError) -> JSONObject {
        guard case .object(let object)? = value else { throw fail(exists ? "must be an object" : "is required") }
        for key in object.keys where !keys.contains(key) {
            throw self[key].fail("is not a known field (known: \(keys.sorted().joined(separator: ", ")))")
        }
        return object
    }

    func array(nonEmpty: Bool = false) throws(CatalogError) -> [JSONCursor] {
        guard case .array(let items)? = value else { throw fail(exists ? "must be an array" : "is required") }
        if nonEmpty && items.isEmpty { throw fail("must not be empty") }
        return items.enumerated().map { JSONCursor($1, path: "\(path)[\($0)]") }
    }

    func optionalArray() throws(CatalogError) -> [JSONCursor] {
        exists ? try array() : []
    }

    func string(maxLength: Int = 2000) throws(CatalogError) -> String {
        guard case .string(let s)? = value else { throw fail(exists ? "must be a string" : "is required") }
        guard !s.trimmingSpacesAndNewlines().isEmpty else { throw fail("must not be blank") }
        guard s.count <= maxLength else { throw fail("is longer than \(maxLength) characters") }
        return s
    }

    func optionalString(maxLength: Int = 2000) throws(CatalogError) -> String? {
        exists ? try string(maxLength: maxLength) : nil
    }

    /// An identifier: lowercase letters, digits and '-', 1–64 characters.
    func identifier() throws(CatalogError) -> String {
        let s = try string(maxLength: 64)
        guard s.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }) else {
            throw fail("must use only a–z, 0–9 and '-'")
        }
        return s
    }

    func bool(default fallback: Bool) throws(CatalogError) -> Bool {
        guard exists else { return fallback }
        guard case .bool(let b)? = value else { throw fail("must be true or false") }
        return b
    }

    func number() throws(CatalogError) -> Double {
        guard case .number(let d)? = value else { throw fail(exists ? "must be a number" : "is required") }
        return d
    }

    func integer(in range: ClosedRange<Int>) throws(CatalogError) -> Int {
        guard let i = value?.intValue else { throw fail(exists ? "must be a whole number" : "is required") }
        guard range.contains(i) else { throw fail("must be from \(range.lowerBound) to \(range.upperBound)") }
        return i
    }
}

extension String {
    func trimmingSpacesAndNewlines() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s
    }
}
