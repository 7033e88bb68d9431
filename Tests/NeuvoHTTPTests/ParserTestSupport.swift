import Testing
@testable import NeuvoHTTP
import NeuvoJSON

// What the head-parser suites share: parse helpers and small limits.

/// Parses `text` with a fresh parser: the head and consumed count, nil when more bytes are needed.
func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> (RequestHead, Int)? {
    var parser = RequestHeadParser()
    return try parser.parse(Array(text.utf8), limits: limits)
}

/// Parses `text` and requires a complete head.
func head(_ text: String, limits: HTTPLimits = HTTPLimits(),
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> RequestHead {
    try #require(try parse(text, limits: limits), sourceLocation: sourceLocation).0
}

/// What parsing `bytes` produced: a head, a request for more bytes, or an error.
enum Outcome {
    case head(RequestHead, Int)
    case needMore
    case failed(HTTPParseError)

    var error: HTTPParseError? {
        if case .failed(let e) = self { return e }
        return nil
    }
}

func outcome(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> Outcome {
    var parser = RequestHeadParser()
    do {
        guard let (head, consumed) = try parser.parse(bytes, limits: limits) else { return .needMore }
        return .head(head, consumed)
    } catch {
        return .failed(error)
    }
}

func outcome(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Outcome {
    outcome(Array(text.utf8), limits: limits)
}

/// Feeds `bytes` one at a time into one parser, calling `parse` on the growing prefix each time.
/// Returns the head, the consumed count and how many bytes had arrived when it first completed.
func feedByteByByte(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits())
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
func smallLimits(line: Int = 64, head: Int = 256, headers: Int = 4) -> HTTPLimits {
    var limits = HTTPLimits()
    limits.maxRequestLineBytes = line
    limits.maxHeadBytes = head
    limits.maxHeaderCount = headers
    return limits
}
