import NeuvoJSON

/// A complete HTTP request as a handler sees it: head, body and the route it matched.
public struct Request: Sendable {
    public let method: String
    /// The path part of the request-target, percent-encoded as received.
    public let path: String
    /// The query part of the request-target without the `?`, if any.
    public let query: String?
    public let version: HTTPVersion
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// The remote peer's address (IP only).
    public let remoteAddress: String
    /// The route template that matched, e.g. `/api/v1/conversations/{id}`.
    public internal(set) var routeTemplate: String = ""
    /// Values of the template's `{name}` segments, percent-decoded.
    public internal(set) var parameters: [String: String] = [:]

    public init(method: String, path: String, query: String?, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders, body: [UInt8] = [], remoteAddress: String = "") {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The first value of a query parameter, percent-decoded (`+` as space).
    ///
    /// Scans the query's bytes without splitting it into strings: a resident's
    /// poll asks for four parameters, thousands of times a second in a long queue.
    public func queryValue(_ name: String) -> String? {
        guard var query else { return nil }
        return query.withUTF8 { bytes -> String? in
            var start = 0
            while start < bytes.count {
                var end = start, equals = -1
                while end < bytes.count && bytes[end] != UInt8(ascii: "&") {
                    if equals < 0 && bytes[end] == UInt8(ascii: "=") { equals = end }
                    end += 1
                }
                let keyEnd = equals < 0 ? end : equals
                if keyEnd > start || equals >= 0, Self.matches(UnsafeBufferPointer(rebasing: bytes[start..<keyEnd]), name) {
                    return equals < 0 ? "" : Self.decoded(UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<end])) ?? ""
                }
                start = end + 1
            }
            return nil
        }
    }

    private static func matches(_ key: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        if key.contains(UInt8(ascii: "%")) || key.contains(UInt8(ascii: "+")) { return decoded(key) == name }
        return key.elementsEqual(name.utf8)
    }

    private static func decoded(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.contains(UInt8(ascii: "%")) || bytes.contains(UInt8(ascii: "+")) {
            return PercentDecoding.decode(String(decoding: bytes, as: UTF8.self), plusAsSpace: true)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The body as JSON, or a 400 naming what is wrong.
    public func jsonBody() throws(HTTPError) -> JSONValue {
        do {
            return try JSONValue.parse(body)
        } catch {
            throw HTTPError.badRequest("The request body is not valid JSON (\(error.description)).", code: "invalid_json")
        }
    }

    /// The media type of the body without parameters, lowercased (`application/json`).
    public var mediaType: String? {
        guard let value = headers["content-type"] else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        return type.trimmingSpaces().lowercased()
    }
}

public struct HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
}

extension String {
    /// The string without leading and trailing spaces and tabs (HTTP's OWS).
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

/// RFC 3986 percent-decoding.
public enum PercentDecoding {
    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    public static func decode(_ s: String, plusAsSpace: Bool = false) -> String? {
        var out: [UInt8] = []
        var bytes = s.utf8.makeIterator()
        while let b = bytes.next() {
            if b == UInt8(ascii: "%") {
                guard let h = bytes.next(), let l = bytes.next(), let hv = hexValue(h), let lv = hexValue(l) else { return nil }
                out.append(hv << 4 | lv)
            } else if plusAsSpace && b == UInt8(ascii: "+") {
                out.append(0x20)
            } else {
                out.append(b)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - 55
        default: return nil
        }
    }
}
