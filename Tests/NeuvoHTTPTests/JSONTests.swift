import Testing
import NeuvoJSON

/// Parsing and serialising round trips, key order and value accessors.
@Suite struct JSONRoundTripTests {
    @Test func nestedRoundTrip() throws {
        let text = #"{"a":[1,2.5,-3,true,false,null,"s\"q\\"],"b":{"c":{},"d":[[],[{}]]},"e":"J\#u{F6}rg \#u{1F600}"}"#
        let value = try JSONValue.parse(text)
        #expect(value.text == text)
        #expect(try JSONValue.parse(value.bytes) == value)
        #expect(value["a"]?.arrayValue?.count == 7)
        #expect(value["a"]?.arrayValue?[1] == .number(2.5))
        #expect(value["a"]?.arrayValue?[6].stringValue == "s\"q\\")
        #expect(value["b"]?["d"]?.arrayValue?[1].arrayValue?[0] == .object(JSONObject()))
        #expect(value["e"]?.stringValue == "J\u{F6}rg \u{1F600}")
    }

    @Test func builtValueRoundTrip() throws {
        let value: JSONValue = .object([
            "id": .int(42),
            "tags": .array([.string("a"), .string("<b>"), .null]),
            "nested": .object(["ok": .bool(true), "ratio": .number(-0.125)]),
        ])
        #expect(try JSONValue.parse(value.bytes) == value)
        #expect(value.text == #"{"id":42,"tags":["a","\u003cb\u003e",null],"nested":{"ok":true,"ratio":-0.125}}"#)
    }

    @Test func whitespaceIsAllowedBetweenTokens() throws {
        let value = try JSONValue.parse(" \t\r\n{ \"a\" : [ 1 , 2 ] }\n ")
        #expect(value.text == #"{"a":[1,2]}"#)
    }

    @Test func keyOrderIsKept() throws {
        let value = try JSONValue.parse(#"{"z":1,"a":2,"m":3,"b":4}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m", "b"])
        #expect(value.text == #"{"z":1,"a":2,"m":3,"b":4}"#)
    }

    @Test func repeatedKeyLastWriteWinsInFirstPosition() throws {
        let value = try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"]?.intValue == 3)
    }

    @Test func scalarsAtTopLevel() throws {
        #expect(try JSONValue.parse("true") == .bool(true))
        #expect(try JSONValue.parse("null") == .null)
        #expect(try JSONValue.parse("-0") == .number(0))
        #expect(try JSONValue.parse("1.5e2") == .number(150))
        #expect(try JSONValue.parse("1E-2") == .number(0.01))
        #expect(try JSONValue.parse(#""x""#) == .string("x"))
    }

    @Test func intValue() {
        #expect(JSONValue.number(3).intValue == 3)
        #expect(JSONValue.number(-7).intValue == -7)
        #expect(JSONValue.number(1.5).intValue == nil)
        #expect(JSONValue.number(-0.5).intValue == nil)
        #expect(JSONValue.number(1e300).intValue == nil)
        #expect(JSONValue.string("3").intValue == nil)
        #expect(JSONValue.bool(true).intValue == nil)
    }

    @Test func accessorsOnWrongType() {
        #expect(JSONValue.number(1).stringValue == nil)
        #expect(JSONValue.string("a")["key"] == nil)
        #expect(JSONValue.null.boolValue == nil)
        #expect(JSONValue.array([]).objectValue == nil)
    }
}

/// Strict RFC 8259 parsing: everything outside the grammar is refused.
@Suite struct JSONStrictnessTests {
    @Test(arguments: [
        "[1,]", #"{"a":1,}"#, "[,1]", "{,}",              // trailing / leading commas
        "{'a':1}", "['a']",                                 // single quotes
        "01", "-01", "00", "[01]",                          // leading zeros
        "NaN", "Infinity", "-Infinity", "1e400",            // non-finite numbers
        "+1", ".5", "1.", "1e", "1e+", "-", "0x10",        // bad numbers
        "\"a\u{1}b\"", "\"a\nb\"", "\"a\tb\"",              // unescaped control characters
        #""\ud800""#, #""\ud800x""#, #""\ud800\u0041""#, #""\udc00""#, #""\udfff\ud800""#,  // lone surrogates
        #""\x""#, #""\u12""#, #""\u12g4""#, #""\U0041""#,   // bad escapes
        "{} x", "[1] ]", "1 2", "nulll", "truex",           // trailing garbage
        "", " ", "[", "{", #"{"a""#, #"{"a":"#, #""abc"#,  // truncated
        "{a:1}", #"{"a" 1}"#, #"{1:2}"#,                    // bad keys
        "tru", "nul", "True", "NULL",                       // bad literals
        "//c\n1", "/*c*/1",                                 // comments
    ])
    func rejects(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func errorOffsetPointsAtTrailingGarbage() {
        do {
            _ = try JSONValue.parse("{} x")
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 3)
        }
    }

    @Test func depthLimit() throws {
        func nested(_ n: Int) -> String { String(repeating: "[", count: n) + "1" + String(repeating: "]", count: n) }
        // The innermost value of n arrays sits at depth n.
        #expect(try JSONValue.parse(nested(64)).arrayValue != nil)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(nested(65)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(nested(3).utf8), maxDepth: 2) }
        _ = try JSONValue.parse(Array(nested(2).utf8), maxDepth: 2)
        // Hostile depth is refused without exhausting the stack.
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: #"{"a":"#, count: 100_000)) }
    }
}

/// String escapes in both directions.
@Suite struct JSONEscapeTests {
    @Test func simpleEscapesDecode() throws {
        let value = try JSONValue.parse(#""\"\\\/\b\f\n\r\t""#)
        #expect(value.stringValue == "\"\\/\u{8}\u{C}\n\r\t")
    }

    @Test func unicodeEscapesDecode() throws {
        #expect(try JSONValue.parse(#""\u0041\u00e9\u00E9""#).stringValue == "A\u{E9}\u{E9}")
        #expect(try JSONValue.parse(#""\u2713""#).stringValue == "\u{2713}")
        #expect(try JSONValue.parse(#""\u0000""#).stringValue == "\u{0}")
    }

    @Test func surrogatePairsDecodeToOneScalar() throws {
        let grin = try #require(try JSONValue.parse(#""\ud83d\ude00""#).stringValue)
        #expect(grin.unicodeScalars.map(\.value) == [0x1F600])
        let upper = try #require(try JSONValue.parse(#""\uD834\uDD1E""#).stringValue)
        #expect(upper.unicodeScalars.map(\.value) == [0x1D11E])
        let highest = try #require(try JSONValue.parse(#""\udbff\udfff""#).stringValue)
        #expect(highest.unicodeScalars.map(\.value) == [0x10FFFF])
    }

    @Test func writerEscapes() throws {
        let value = JSONValue.string("q\"b\\s/n\nr\rt\t\u{0}\u{1}\u{8}\u{C}\u{1F}<tag>&\u{7F}\u{E9}\u{1F600}")
        #expect(value.text == #""q\"b\\s/n\nr\rt\t\u0000\u0001\u0008\u000c\u001f\u003ctag\u003e\u0026"# + "\u{7F}\u{E9}\u{1F600}\"")
        #expect(try JSONValue.parse(value.bytes) == value)
    }

    @Test func writerEscapesKeys() {
        let value: JSONValue = .object(["<k\"ey>": .null])
        #expect(value.text == #"{"\u003ck\"ey\u003e":null}"#)
    }
}

/// Number formatting of the writer.
@Suite struct JSONNumberWriterTests {
    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-42.0, "-42"), (1_234_567_890.0, "1234567890"),
        (999_999_999_999_999.0, "999999999999999"), (1.5, "1.5"), (-0.25, "-0.25"), (0.1, "0.1"),
    ])
    func numbers(_ number: Double, _ text: String) {
        #expect(JSONValue.number(number).text == text)
    }

    @Test func integersPrintWithoutFraction() {
        #expect(JSONValue.int(7).text == "7")
        #expect(JSONValue.int64(1_700_000_000_000).text == "1700000000000")
        #expect(JSONValue.array([.int(1), .int(-2)]).text == "[1,-2]")
    }

    @Test func largeNumbersStayValidJSON() throws {
        for d in [1e15, 1e300, -1e20, 1.5e-10] {
            let text = JSONValue.number(d).text
            #expect(try JSONValue.parse(text) == .number(d), "\(text)")
        }
    }

    @Test func nonFiniteWritesNull() {
        #expect(JSONValue.number(.nan).text == "null")
        #expect(JSONValue.number(.infinity).text == "null")
        #expect(JSONValue.number(-.infinity).text == "null")
    }
}
