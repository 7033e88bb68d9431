import Testing
@testable import NeuvoHTTP
import NeuvoJSON

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
