import Testing
@testable import NeuvoHTTP
import NeuvoJSON

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
