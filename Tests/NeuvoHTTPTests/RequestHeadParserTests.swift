import Testing
@testable import NeuvoHTTP
import NeuvoJSON

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
func headOfSize(_ size: Int) -> String {
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
