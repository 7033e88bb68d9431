/// A parsed request head: everything before the body.
public struct RequestHead: Sendable {
    public var method: String
    public var path: String
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The body length from `Content-Length` (0 when absent).
    public var contentLength: Int
    /// Whether the connection may serve another request after this one.
    public var keepAlive: Bool
    /// Whether the client waits for `100 Continue` before sending the body.
    public var expectsContinue: Bool
}

/// Why a request head was refused. Every case maps to one status; after any of
/// them the connection is closed, because the framing can no longer be trusted.
public enum HTTPParseError: Error, Sendable, Equatable {
    case requestLineTooLong
    case headTooLarge
    case tooManyHeaders
    case malformed(String)
    case unsupportedVersion
    case lengthRequired
    case unsupportedTransferCoding
    case unsupportedExpectation
    case bodyTooLarge

    public var httpError: HTTPError {
        switch self {
        case .requestLineTooLong:
            return HTTPError(.uriTooLong, code: "uri_too_long", message: "The request line is too long.")
        case .headTooLarge:
            return HTTPError(.headerFieldsTooLarge, code: "headers_too_large", message: "The request headers are too large.")
        case .tooManyHeaders:
            return HTTPError(.headerFieldsTooLarge, code: "too_many_headers", message: "The request has too many header fields.")
        case .malformed(let why):
            return HTTPError(.badRequest, code: "malformed_request", message: "Malformed request: \(why).")
        case .unsupportedVersion:
            return HTTPError(.httpVersionNotSupported, code: "http_version", message: "Only HTTP/1.0 and HTTP/1.1 are supported.")
        case .lengthRequired:
            return HTTPError(.lengthRequired, code: "length_required", message: "Send the body with a Content-Length; chunked bodies are not accepted.")
        case .unsupportedTransferCoding:
            return HTTPError(.notImplemented, code: "transfer_coding", message: "Transfer codings are not supported; send a Content-Length.")
        case .unsupportedExpectation:
            return HTTPError(.expectationFailed, code: "expectation_failed", message: "Only 'Expect: 100-continue' is supported.")
        case .bodyTooLarge:
            return HTTPError(.contentTooLarge, code: "body_too_large", message: "The request body is too large.")
        }
    }
}

/// An incremental parser of HTTP/1.1 request heads (RFC 9112 §2–§6).
///
/// Feed it the bytes received so far; it remembers how far it has scanned,
/// so bytes arriving one at a time cost linear, not quadratic, time. It is
/// strict where the RFC says MUST: CRLF line endings only, no whitespace before
/// a field's colon, no obsolete line folding, exactly one `Host` in HTTP/1.1,
/// no conflicting `Content-Length`, and no `Transfer-Encoding` beside one.
public struct RequestHeadParser: Sendable {
    /// Bytes already known to hold no end of head.
    private var scanned: Int32 = 0
    /// Leading empty lines skipped (RFC 9112 §2.2 allows them before a request).
    private var leading: Int32 = 0

    public init() {}

    /// Forgets progress, for the next request on the connection.
    public mutating func reset() {
        scanned = 0
        leading = 0
    }

    /// Looks for a complete head at the start of `buffer`.
    ///
    /// - Returns: the head and the number of bytes it occupied, or nil if more bytes are needed.
    public mutating func parse(_ buffer: [UInt8], limits: HTTPLimits) throws(HTTPParseError) -> (RequestHead, Int)? {
        var leading = Int(self.leading)
        defer { self.leading = Int32(leading) }
        // Skip empty lines sent before the request line (e.g. after a previous body).
        while leading + 1 < buffer.count, buffer[leading] == 0x0D, buffer[leading + 1] == 0x0A {
            leading += 2
            guard leading <= 64 else { throw .malformed("too many empty lines") }
        }
        if leading < buffer.count, buffer[leading] == 0x0D, leading + 1 == buffer.count { return nil }
        let count = buffer.count
        var i = max(Int(scanned), leading)
        var end = -1
        var firstLineEnd = -1
        while i + 3 < count {
            if buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
                end = i
                break
            }
            // A bare LF can never start a valid line ending: refuse it as soon as it is seen.
            if buffer[i + 1] == 0x0A && buffer[i] != 0x0D { throw .malformed("bare LF line ending") }
            i += 1
        }
        if end < 0, leading < count, buffer[leading] == 0x0A { throw .malformed("bare LF line ending") }
        if end < 0 {
            scanned = Int32(max(leading, count - 3))
            // Decide between 414 and 431 as soon as a limit is certainly passed.
            if count - leading > limits.maxRequestLineBytes {
                // A CR at the very end may be the first half of the line's CRLF: it does not count.
                let partialEnd = buffer[count - 1] == 0x0D ? count - 1 : count
                let lineEnd = firstCRLF(buffer, from: leading, to: count)
                if (lineEnd ?? partialEnd) - leading > limits.maxRequestLineBytes { throw .requestLineTooLong }
            }
            if count - leading > limits.maxHeadBytes { throw .headTooLarge }
            return nil
        }
        firstLineEnd = firstCRLF(buffer, from: leading, to: end + 2) ?? end
        if firstLineEnd - leading > limits.maxRequestLineBytes { throw .requestLineTooLong }
        if end + 4 - leading > limits.maxHeadBytes { throw .headTooLarge }
        let head = try parseHead(buffer, start: leading, lineEnd: firstLineEnd, end: end, limits: limits)
        return (head, end + 4)
    }

    private func firstCRLF(_ b: [UInt8], from: Int, to: Int) -> Int? {
        var i = from
        while i + 1 < to {
            if b[i] == 0x0D && b[i + 1] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    private func parseHead(_ b: [UInt8], start: Int, lineEnd: Int, end: Int, limits: HTTPLimits) throws(HTTPParseError) -> RequestHead {
        // Request line: method SP request-target SP HTTP-version
        var i = start
        let methodStart = i
        while i < lineEnd, Self.isTokenChar(b[i]) { i += 1 }
        guard i > methodStart, i < lineEnd, b[i] == 0x20 else { throw .malformed("invalid method") }
        let method = String(decoding: b[methodStart..<i], as: UTF8.self)
        i += 1
        let targetStart = i
        while i < lineEnd, b[i] > 0x20, b[i] < 0x7F { i += 1 }
        guard i > targetStart, i < lineEnd, b[i] == 0x20 else { throw .malformed("invalid request target") }
        var target = String(decoding: b[targetStart..<i], as: UTF8.self)
        i += 1
        let version = try parseVersion(b[i..<lineEnd])

        // Header fields.
        var headers = HTTPHeaders()
        var lineStart = lineEnd + 2
        while lineStart < end + 2 {
            var lineStop = lineStart
            while lineStop < end + 2, !(b[lineStop] == 0x0D && lineStop + 1 < b.count && b[lineStop + 1] == 0x0A) {
                lineStop += 1
            }
            if lineStop == lineStart { break }
            let first = b[lineStart]
            if first == 0x20 || first == 0x09 { throw .malformed("obsolete line folding") }
            var c = lineStart
            while c < lineStop, Self.isTokenChar(b[c]) { c += 1 }
            guard c > lineStart, c < lineStop, b[c] == UInt8(ascii: ":") else {
                throw .malformed("invalid header field name")
            }
            let name = String(decoding: b[lineStart..<c], as: UTF8.self)
            var vs = c + 1
            var ve = lineStop
            while vs < ve, b[vs] == 0x20 || b[vs] == 0x09 { vs += 1 }
            while ve > vs, b[ve - 1] == 0x20 || b[ve - 1] == 0x09 { ve -= 1 }
            for k in vs..<ve {
                let ch = b[k]
                // field-vchar / SP / HTAB / obs-text; bare CR, LF and NUL are refused.
                if ch < 0x20 && ch != 0x09 || ch == 0x7F { throw .malformed("invalid character in header field value") }
            }
            headers.add(name: name, value: String(decoding: b[vs..<ve], as: UTF8.self))
            guard headers.count <= limits.maxHeaderCount else { throw .tooManyHeaders }
            lineStart = lineStop + 2
        }

        // Request target: origin-form, absolute-form, or '*' for OPTIONS.
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            // The authority ends at the first '/', '?' or '#' (RFC 3986 §3.2).
            let afterScheme = target.drop { $0 != "/" }.dropFirst(2)
            if let end = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
                target = afterScheme[end] == "/" ? String(afterScheme[end...]) : "/" + afterScheme[end...]
            } else {
                target = "/"
            }
        } else if target == "*" {
            guard method == "OPTIONS" else { throw .malformed("'*' is only for OPTIONS") }
        } else if !target.hasPrefix("/") {
            throw .malformed("invalid request target")
        }
        let path: String
        let query: String?
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        } else {
            path = target
            query = nil
        }
        if let hash = path.firstIndex(of: "#"), hash >= path.startIndex { throw .malformed("fragment in request target") }

        // Host: exactly one in HTTP/1.1 (RFC 9112 §3.2).
        let hosts = headers.values("host")
        if hosts.count > 1 { throw .malformed("more than one Host header") }
        if version == .http1_1 && hosts.isEmpty { throw .malformed("missing Host header") }
        if let host = hosts.first, host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) {
            throw .malformed("invalid Host header")
        }

        // Body framing (RFC 9112 §6).
        let transferEncodings = headers.values("transfer-encoding")
        let lengths = headers.values("content-length")
        var contentLength = 0
        if !transferEncodings.isEmpty {
            // A request with both is a smuggling shape: refuse it outright.
            if !lengths.isEmpty { throw .malformed("both Transfer-Encoding and Content-Length") }
            if version == .http1_0 { throw .malformed("Transfer-Encoding in HTTP/1.0") }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces().lowercased() }
            if codings.last == "chunked" { throw .lengthRequired }
            throw .unsupportedTransferCoding
        }
        if !lengths.isEmpty {
            var value: Int?
            for field in lengths {
                for part in field.split(separator: ",", omittingEmptySubsequences: false) {
                    let digits = String(part).trimmingSpaces()
                    guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                        throw .malformed("invalid Content-Length")
                    }
                    guard digits.utf8.count <= 15, let n = Int(digits) else { throw .bodyTooLarge }
                    if let value, value != n { throw .malformed("conflicting Content-Length values") }
                    value = n
                }
            }
            contentLength = value ?? 0
        }

        let connection = headers.values("connection").flatMap { $0.split(separator: ",") }
            .map { String($0).trimmingSpaces().lowercased() }
        let keepAlive = version == .http1_1 ? !connection.contains("close") : connection.contains("keep-alive")

        var expectsContinue = false
        if let expect = headers["expect"] {
            guard expect.lowercased() == "100-continue" else { throw .unsupportedExpectation }
            expectsContinue = version == .http1_1
        }

        return RequestHead(method: method, path: path, query: query, version: version, headers: headers,
                           contentLength: contentLength, keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    private func parseVersion(_ v: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let a = Array(v)
        guard a.count == 8, a[0] == 0x48, a[1] == 0x54, a[2] == 0x54, a[3] == 0x50, a[4] == 0x2F, a[6] == 0x2E,
              (48...57).contains(a[5]), (48...57).contains(a[7]) else {
            throw .malformed("invalid HTTP version")
        }
        let version = HTTPVersion(major: Int(a[5] - 48), minor: Int(a[7] - 48))
        guard version.major == 1, version.minor <= 1 else { throw .unsupportedVersion }
        return version
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
