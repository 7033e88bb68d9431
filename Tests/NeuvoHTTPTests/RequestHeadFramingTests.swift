import Testing
@testable import NeuvoHTTP
import NeuvoJSON

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
