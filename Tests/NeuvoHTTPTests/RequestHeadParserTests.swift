import Testing
@testable import NeuvoHTTP
import NeuvoJSON

// MARK: - Helpers

/// Parses `text` with a fresh parser: the head and consumed count, nil when more bytes are needed.
private func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> (RequestHead, Int)? {
    var parser = RequestHeadParser()
    return try parser.parse(Array(text.utf8), limits: limits)
}

/// Parses `text` and requires a complete head.
private func head(_ text: String, limits: HTTPLimits = HTTPLimits(),
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> RequestHead {
    try #require(try parse(text, limits: limits), sourceLocation: sourceLocation).0
}

/// What parsing `bytes` produced: a head, a request for more bytes, or an error.
private enum Outcome {
    case head(RequestHead, Int)
    case needMore
    case failed(HTTPParseError)

    var error: HTTPParseError? {
        if case .failed(let e) = self { return e }
        return nil
    }
}

private func outcome(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> Outcome {
    var parser = RequestHeadParser()
    do {
        guard let (head, consumed) = try parser.parse(bytes, limits: limits) else { return .needMore }
        return .head(head, consumed)
    } catch {
        return .failed(error)
    }
}

private func outcome(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Outcome {
    outcome(Array(text.utf8), limits: limits)
}

/// Feeds `bytes` one at a time into one parser, calling `parse` on the growing prefix each time.
/// Returns the head, the consumed count and how many bytes had arrived when it first completed.
private func feedByteByByte(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits())
    throws(HTTPParseError) -> (head: RequestHead, consumed: Int, arrived: Int)? {
    var parser = RequestHeadParser()
    var buffer: [UInt8] = []
    buffer.reserveCapacity(bytes.count)
    for byte in bytes {
        buffer.append(byte)
        if let (head, consumed) = try parser.parse(buffer, limits: limits) {
            return (head, consumed, buffer.count)
        }
    }
    return nil
}

extension HTTPParseError {
    var isMalformed: Bool {
        if case .malformed = self { return true }
        return false
    }
}

/// Small limits so that limit tests need only small inputs.
private func smallLimits(line: Int = 64, head: Int = 256, headers: Int = 4) -> HTTPLimits {
    var limits = HTTPLimits()
    limits.maxRequestLineBytes = line
    limits.maxHeadBytes = head
    limits.maxHeaderCount = headers
    return limits
}

// MARK: - Valid requests

/// Well-formed request heads: request line, headers, keep-alive and framing.
@Suite struct RequestHeadParserValidTests {
    @Test func getWithHeaders() throws {
        let text = "GET /search/items?q=a%20b&page=2 HTTP/1.1\r\nHost: example.com\r\nX-Custom-Header: Value With Case\r\nAccept:   */*  \t\r\n\r\n"
        let (head, consumed) = try #require(try parse(text))
        #expect(consumed == text.utf8.count)
        #expect(head.method == "GET")
        #expect(head.path == "/search/items")
        #expect(head.query == "q=a%20b&page=2")
        #expect(head.version == .http1_1)
        #expect(head.headers.map(\.name) == ["host", "x-custom-header", "accept"])
        #expect(head.headers["X-CUSTOM-HEADER"] == "Value With Case")
        #expect(head.headers["accept"] == "*/*")  // optional whitespace trimmed
        #expect(head.headers["host"] == "example.com")
        #expect(head.contentLength == 0)
        #expect(head.keepAlive)
        #expect(!head.expectsContinue)
    }

    @Test func pathWithoutQueryAndEmptyQuery() throws {
        let plain = try head("GET /a/b HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(plain.path == "/a/b")
        #expect(plain.query == nil)
        let empty = try head("GET /a? HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(empty.path == "/a")
        #expect(empty.query == "")
    }

    @Test func http11ConnectionClose() throws {
        let h = try head("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n")
        #expect(!h.keepAlive)
        let listed = try head("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, close\r\n\r\n")
        #expect(!listed.keepAlive)
    }

    @Test func http10KeepAliveIsOptIn() throws {
        let plain = try head("GET / HTTP/1.0\r\n\r\n")  // Host is optional in 1.0
        #expect(plain.version == .http1_0)
        #expect(!plain.keepAlive)
        let kept = try head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        #expect(kept.keepAlive)
    }

    @Test func postWithContentLengthLeavesBodyUnconsumed() throws {
        let headText = "POST /submit HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n"
        let (head, consumed) = try #require(try parse(headText + "hello"))
        #expect(head.method == "POST")
        #expect(head.path == "/submit")
        #expect(head.contentLength == 5)
        #expect(consumed == headText.utf8.count)
    }

    @Test func absoluteFormTargetIsStrippedToPath() throws {
        let h = try head("GET http://example.com:8080/a/b?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n")
        #expect(h.path == "/a/b")
        #expect(h.query == "x=1")
        let https = try head("GET https://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(https.path == "/")
        let bare = try head("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(bare.path == "/")
        #expect(bare.query == nil)
    }

    /// RFC 3986 §3.2: the authority ends at the first "/", "?" or "#"; a "/" inside the query is not the path.
    @Test func absoluteFormWithQueryButNoPath() throws {
        let h = try head("GET http://example.com?next=/admin HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(h.path == "/")
        #expect(h.query == "next=/admin")
    }

    @Test func asteriskFormForOptions() throws {
        let h = try head("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(h.method == "OPTIONS")
        #expect(h.path == "*")
    }

    @Test func leadingEmptyLinesAreSkipped() throws {
        let request = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n"
        let (head, consumed) = try #require(try parse("\r\n\r\n" + request))
        #expect(head.path == "/x")
        #expect(consumed == 4 + request.utf8.count)
        // Only empty lines on their own are not a request.
        #expect(try parse("\r\n\r\n") == nil)
        #expect(try parse("\r\n\r") == nil)
    }

    @Test func expectContinue() throws {
        let h = try head("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-Continue\r\n\r\n")
        #expect(h.expectsContinue)
        #expect(h.contentLength == 3)
        let old = try head("POST / HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        #expect(!old.expectsContinue)  // HTTP/1.0 clients do not wait for 100
    }

    @Test func duplicateIdenticalContentLengthIsAccepted() throws {
        let twoFields = try head("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")
        #expect(twoFields.contentLength == 5)
        let list = try head("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n")
        #expect(list.contentLength == 5)
        let zero = try head("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        #expect(zero.contentLength == 0)
    }

    @Test func incompleteHeadNeedsMoreBytes() throws {
        #expect(try parse("") == nil)
        #expect(try parse("GET / HTTP/1.1\r\nHost: h\r\n") == nil)
        #expect(try parse("GET / HTTP/1.1\r\nHost: h\r\n\r") == nil)
    }
}

// MARK: - Incremental and pipelined input

/// Bytes arriving one at a time, and several requests in one buffer.
@Suite struct RequestHeadParserIncrementalTests {
    @Test func pipelinedRequests() throws {
        let first = "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
        let second = "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
        var buffer = Array((first + second).utf8)
        var parser = RequestHeadParser()
        let (head1, consumed1) = try #require(try parser.parse(buffer, limits: HTTPLimits()))
        #expect(head1.path == "/one")
        #expect(consumed1 == first.utf8.count)

        parser.reset()
        buffer.removeFirst(consumed1)
        let (head2, consumed2) = try #require(try parser.parse(buffer, limits: HTTPLimits()))
        #expect(head2.method == "POST")
        #expect(head2.path == "/two")
        #expect(consumed2 == second.utf8.count)
    }

    @Test func byteByByte() throws {
        let text = "\r\nPOST /api/v1/things?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 12\r\nConnection: close\r\n\r\n"
        let bytes = Array(text.utf8)
        let result = try #require(try feedByteByByte(bytes))
        #expect(result.arrived == bytes.count)
        #expect(result.consumed == bytes.count)
        #expect(result.head.path == "/api/v1/things")
        #expect(result.head.query == "x=1")
        #expect(result.head.contentLength == 12)
        #expect(!result.head.keepAlive)
    }

    /// A head exactly as large as the default 16 KiB limit, fed one byte at a time.
    @Test func byteByByteMaximalHead() throws {
        let limits = HTTPLimits()
        let bytes = Array(headOfSize(limits.maxHeadBytes).utf8)
        #expect(bytes.count == limits.maxHeadBytes)
        let result = try #require(try feedByteByByte(bytes, limits: limits))
        #expect(result.arrived == bytes.count)
        #expect(result.consumed == bytes.count)
        #expect(result.head.headers.count <= limits.maxHeaderCount)
        #expect(result.head.headers["x-fill-0"]?.isEmpty == false)
    }

    /// A request line of exactly the limit is allowed, also when its CR and LF arrive separately.
    @Test func requestLineAtLimitByteByByte() throws {
        let limits = smallLimits(line: 32)
        let line = "GET /" + String(repeating: "a", count: 32 - 14) + " HTTP/1.1"
        #expect(line.utf8.count == 32)
        let text = line + "\r\nHost: h\r\n\r\n"
        // Whole: accepted.
        let whole = try #require(try parse(text, limits: limits))
        #expect(whole.1 == text.utf8.count)
        // One byte at a time: must be accepted as well, including when only the CR has arrived.
        var parser = RequestHeadParser()
        var buffer: [UInt8] = []
        for byte in text.utf8 {
            buffer.append(byte)
            do {
                if let (head, consumed) = try parser.parse(buffer, limits: limits) {
                    #expect(buffer.count == text.utf8.count)
                    #expect(consumed == text.utf8.count)
                    #expect(head.path.utf8.count == 19)
                    return
                }
            } catch {
                Issue.record("refused with \(error) after \(buffer.count) of \(text.utf8.count) bytes")
                return
            }
        }
        Issue.record("never completed")
    }

    /// A request line that is too long is refused as soon as it passes the limit, before any CRLF.
    @Test func requestLineTooLongDetectedWhileArriving() throws {
        let limits = smallLimits(line: 32)
        let bytes = Array(("GET /" + String(repeating: "a", count: 100)).utf8)
        var parser = RequestHeadParser()
        var buffer: [UInt8] = []
        var failedAt: Int?
        for byte in bytes {
            buffer.append(byte)
            do {
                let result = try parser.parse(buffer, limits: limits)
                #expect(result == nil)
            } catch {
                #expect(error == .requestLineTooLong)
                failedAt = buffer.count
                break
            }
        }
        #expect(failedAt == 33)
    }
}

/// A GET head of exactly `size` bytes: filler header fields after Host.
private func headOfSize(_ size: Int) -> String {
    var text = "GET /big HTTP/1.1\r\nHost: example.com\r\n"
    var n = 0
    while true {
        let prefix = "X-Fill-\(n): "
        let remaining = size - text.utf8.count - 2  // final CRLF
        let fixed = prefix.utf8.count + 2
        if remaining - fixed <= 400 {
            text += prefix + String(repeating: "v", count: max(1, remaining - fixed)) + "\r\n"
            break
        }
        text += prefix + String(repeating: "v", count: 200) + "\r\n"
        n += 1
    }
    return text + "\r\n"
}

// MARK: - Limits

/// Each size limit yields its own error and status.
@Suite struct RequestHeadParserLimitTests {
    @Test func requestLineTooLongWhenComplete() throws {
        let limits = smallLimits(line: 32)
        let text = "GET /" + String(repeating: "a", count: 40) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        let error = try #require(outcome(text, limits: limits).error)
        #expect(error == .requestLineTooLong)
        #expect(error.httpError.status.code == 414)
    }

    @Test func requestLineTooLongWhileArriving() throws {
        let limits = smallLimits(line: 32)
        let text = "GET /" + String(repeating: "a", count: 40)
        let error = try #require(outcome(text, limits: limits).error)
        #expect(error == .requestLineTooLong)
        #expect(error.httpError.status.code == 414)
    }

    @Test func requestLineJustUnderLimitWhileArrivingNeedsMore() {
        let limits = smallLimits(line: 32)
        guard case .needMore = outcome("GET /" + String(repeating: "a", count: 27), limits: limits) else {
            Issue.record("expected the parser to wait for more bytes")
            return
        }
    }

    @Test func headTooLargeWhenComplete() throws {
        let limits = smallLimits(line: 64, head: 128, headers: 50)
        let text = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 150) + "\r\n\r\n"
        let error = try #require(outcome(text, limits: limits).error)
        #expect(error == .headTooLarge)
        #expect(error.httpError.status.code == 431)
    }

    @Test func headTooLargeWhileArriving() throws {
        let limits = smallLimits(line: 64, head: 128, headers: 50)
        let text = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 150)
        let error = try #require(outcome(text, limits: limits).error)
        #expect(error == .headTooLarge)
        #expect(error.httpError.status.code == 431)
    }

    @Test func headExactlyAtLimitIsAcceptedOneMoreIsNot() throws {
        let limits = HTTPLimits()
        guard case .head(_, let consumed) = outcome(headOfSize(limits.maxHeadBytes), limits: limits) else {
            Issue.record("a head of exactly maxHeadBytes should parse")
            return
        }
        #expect(consumed == limits.maxHeadBytes)
        let error = try #require(outcome(headOfSize(limits.maxHeadBytes + 1), limits: limits).error)
        #expect(error == .headTooLarge)
    }

    @Test func tooManyHeaders() throws {
        let limits = smallLimits(headers: 3)
        let ok = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n"
        guard case .head = outcome(ok, limits: limits) else {
            Issue.record("exactly maxHeaderCount fields should parse")
            return
        }
        let text = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        let error = try #require(outcome(text, limits: limits).error)
        #expect(error == .tooManyHeaders)
        #expect(error.httpError.status.code == 431)
    }
}

// MARK: - Malformed input

/// Malformed request lines and header fields are refused with 400 (or 505 for other versions).
@Suite struct RequestHeadParserMalformedTests {
    @Test(arguments: [
        "GET /\r\nHost: h\r\n\r\n",                    // missing version
        "GET / \r\nHost: h\r\n\r\n",                   // empty version
        "GET / http/1.1\r\nHost: h\r\n\r\n",           // lowercase version
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",          // two spaces after method
        "GET /  HTTP/1.1\r\nHost: h\r\n\r\n",          // two spaces before version
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",          // trailing space
        " GET / HTTP/1.1\r\nHost: h\r\n\r\n",          // leading space
        "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",          // tab instead of space
        "GET /\tHTTP/1.1\r\nHost: h\r\n\r\n",          // tab before version
        "G(ET / HTTP/1.1\r\nHost: h\r\n\r\n",          // method with a separator
        "GE\"T / HTTP/1.1\r\nHost: h\r\n\r\n",         // method with a quote
        "GET foo HTTP/1.1\r\nHost: h\r\n\r\n",         // target not starting with /
        "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n",   // authority-form
        "GET * HTTP/1.1\r\nHost: h\r\n\r\n",           // * with GET
        "GET / HTTP/1.1x\r\nHost: h\r\n\r\n",          // junk after version
        "GET / HTTP/11\r\nHost: h\r\n\r\n",            // no dot
        "GET / HTTP/1.\r\nHost: h\r\n\r\n",            // no minor
        "GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n",     // fragment
        "GET /\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n",     // DEL in target
        "GET / HTTP/1.1\nHost: h\r\n\r\n",             // bare LF after request line
    ])
    func malformedRequestLine(_ text: String) throws {
        let error = try #require(outcome(text).error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }

    @Test(arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"])
    func unsupportedVersion(_ version: String) throws {
        let error = try #require(outcome("GET / \(version)\r\nHost: h\r\n\r\n").error)
        #expect(error == .unsupportedVersion)
        #expect(error.httpError.status.code == 505)
    }

    @Test(arguments: [
        "Host: h\r\nX-Thing : value\r\n",              // space before colon
        "Host: h\r\nX-Thing\t: value\r\n",             // tab before colon
        "Host: h\r\nNoColonHere\r\n",                  // no colon
        "Host: h\r\n: value\r\n",                      // empty name
        "Host: h\r\nX-Thing: a\r\n  folded\r\n",       // obsolete line folding (space)
        "Host: h\r\nX-Thing: a\r\n\tfolded\r\n",       // obsolete line folding (tab)
        "Host: h\r\nX-Thing: a\u{0}b\r\n",             // NUL in value
        "Host: h\r\nX-Thing: a\rb\r\n",                // bare CR in value
        "Host: h\r\nX-Thing: a\r\r\n",                 // bare CR at end of value
        "Host: h\r\nX-Thing: a\nb\r\n",                // bare LF in value
        "Host: h\nX-Thing: b\r\n",                     // bare LF line ending between fields
        "Host: h\r\nX-Thing: a\u{7F}\r\n",             // DEL in value
        "Host: h\r\nX Thing: a\r\n",                   // space in name
        "Host: h\r\nX(Thing): a\r\n",                  // separator in name
        "Host: h\r\n\u{E9}t\u{E9}: a\r\n",             // non-ASCII name
    ])
    func malformedHeaderField(_ fields: String) throws {
        let error = try #require(outcome("GET / HTTP/1.1\r\n" + fields + "\r\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }

    /// A bare LF is refused as soon as it arrives, not only once a CRLFCRLF follows.
    @Test func bareLFLineEndings() throws {
        let error = try #require(outcome("GET / HTTP/1.1\nHost: h\n\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }

    @Test func obsTextInValueIsAllowed() throws {
        let h = try head("GET / HTTP/1.1\r\nHost: h\r\nX-Name: J\u{F6}rg\r\n\r\n")
        #expect(h.headers["x-name"] == "J\u{F6}rg")
    }

    @Test func tooManyLeadingEmptyLines() throws {
        let error = try #require(outcome(String(repeating: "\r\n", count: 40) + "GET / HTTP/1.1\r\nHost: h\r\n\r\n").error)
        #expect(error.isMalformed)
    }
}

// MARK: - Host

/// HTTP/1.1 requires exactly one valid Host field.
@Suite struct RequestHeadParserHostTests {
    @Test func missingHostInHTTP11() throws {
        let error = try #require(outcome("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }

    @Test func twoHostFields() throws {
        let error = try #require(outcome("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
        let old = try #require(outcome("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n").error)
        #expect(old.isMalformed)
    }

    @Test(arguments: ["a b", "a/b", "user@a"])
    func invalidHost(_ host: String) throws {
        let error = try #require(outcome("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }
}

// MARK: - Body framing

/// Content-Length validation and refusal of Transfer-Encoding, including smuggling shapes.
@Suite struct RequestHeadParserFramingTests {
    @Test(arguments: ["5, 6", "5,6"])
    func conflictingContentLengthList(_ value: String) throws {
        let error = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }

    @Test func conflictingContentLengthFields() throws {
        let error = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }

    @Test(arguments: ["abc", "-5", "+5", "5a", "0x10", "1.5", "", "5,", ",5", "5 5", "\u{661}"])
    func invalidContentLength(_ value: String) throws {
        let error = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n").error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }

    @Test(arguments: ["99999999999999999999", "9223372036854775808", "1000000000000000"])
    func hugeContentLength(_ value: String) throws {
        let error = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n").error)
        #expect(error == .bodyTooLarge)
        #expect(error.httpError.status.code == 413)
    }

    @Test func chunkedIsLengthRequired() throws {
        let error = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n").error)
        #expect(error == .lengthRequired)
        #expect(error.httpError.status.code == 411)
        let listed = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n").error)
        #expect(listed == .lengthRequired)
    }

    @Test(arguments: ["gzip", "identity", "chunked, gzip", "xchunked", ""])
    func otherTransferCodingIsNotImplemented(_ coding: String) throws {
        let error = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \(coding)\r\n\r\n").error)
        #expect(error == .unsupportedTransferCoding)
        #expect(error.httpError.status.code == 501)
    }

    @Test func duplicatedTransferEncoding() throws {
        let error = try #require(outcome(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n").error)
        #expect(error == .lengthRequired)
        #expect(error.httpError.status.code == 411)
    }

    /// Request-smuggling shapes: every one is refused, none yields a head with a body length.
    @Test(arguments: [
        // CL.TE
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
        // TE.CL
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST",
        // TE.TE with CL
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\nContent-Length: 4\r\n\r\n",
        // obfuscated TE value with CL
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: \tchunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\ntransfer-encoding: CHUNKED\r\n\r\n",
        // space before colon, with and without CL
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding : chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n",
        // folded TE
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding:\r\n chunked\r\n\r\n",
        // TE in HTTP/1.0
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        // CL with space before colon
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length : 4\r\n\r\n",
    ])
    func smugglingShapesAreRefusedAsMalformed(_ text: String) throws {
        let result = outcome(text)
        if case .head(let head, _) = result {
            Issue.record("smuggling shape parsed: contentLength \(head.contentLength)")
        }
        let error = try #require(result.error)
        #expect(error.isMalformed)
        #expect(error.httpError.status.code == 400)
    }
}

// MARK: - Expect

/// Only `Expect: 100-continue` is supported.
@Suite struct RequestHeadParserExpectTests {
    @Test(arguments: ["200-ok", "100-continue-please", "something"])
    func otherExpectation(_ value: String) throws {
        let error = try #require(outcome("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nExpect: \(value)\r\n\r\n").error)
        #expect(error == .unsupportedExpectation)
        #expect(error.httpError.status.code == 417)
    }
}

// MARK: - Query values and percent-decoding

/// Request.queryValue and PercentDecoding.
@Suite struct QueryAndPercentDecodingTests {
    private func request(query: String?) -> Request {
        Request(method: "GET", path: "/", query: query, headers: HTTPHeaders())
    }

    @Test func queryValueDecodes() {
        let r = request(query: "q=hello+world&name=J%C3%B6rg&empty=&flag&my%20key=v%2Bw&a=1&a=2")
        #expect(r.queryValue("q") == "hello world")
        #expect(r.queryValue("name") == "J\u{F6}rg")
        #expect(r.queryValue("empty") == "")
        #expect(r.queryValue("flag") == "")
        #expect(r.queryValue("my key") == "v+w")
        #expect(r.queryValue("a") == "1")
        #expect(r.queryValue("missing") == nil)
        #expect(request(query: nil).queryValue("q") == nil)
    }

    @Test func queryValueWithMalformedEscapeIsEmpty() {
        // A malformed value reads as empty rather than as its raw text.
        #expect(request(query: "q=%zz").queryValue("q") == "")
        #expect(request(query: "q=%FF").queryValue("q") == "")
    }

    @Test func percentDecoding() {
        #expect(PercentDecoding.decode("a%20b") == "a b")
        #expect(PercentDecoding.decode("%e2%9c%93") == "\u{2713}")
        #expect(PercentDecoding.decode("a+b") == "a+b")
        #expect(PercentDecoding.decode("a+b", plusAsSpace: true) == "a b")
        #expect(PercentDecoding.decode("%2B", plusAsSpace: true) == "+")
        #expect(PercentDecoding.decode("") == "")
    }

    @Test(arguments: ["%zz", "%", "%2", "a%g0", "%0z"])
    func percentDecodingRejectsMalformedEscapes(_ text: String) {
        #expect(PercentDecoding.decode(text) == nil)
    }

    @Test(arguments: ["%FF", "%C3", "%E2%9C", "%C0%AF", "%ED%A0%80", "%80"])
    func percentDecodingRejectsInvalidUTF8(_ text: String) {
        #expect(PercentDecoding.decode(text) == nil)
    }
}
