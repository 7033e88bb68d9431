// libFuzzer target: the HTTP request-head parser, fed whole and byte by byte.
// Invariant checked: it never crashes, and parsing in pieces gives the same result as at once.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeadParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPLimits()
    limits.maxRequestLineBytes = 512
    limits.maxHeadBytes = 2048
    limits.maxHeaderCount = 20
    var whole = RequestHeadParser()
    let once: String
    do { once = try whole.parse(bytes, limits: limits).map { "\($0.0.method) \($0.0.path) \($0.1)" } ?? "more" } catch { once = "error" }
    // Byte by byte costs the square of the length: only short inputs, where the splits matter most.
    guard bytes.count <= 300 else { return 0 }
    var pieces = RequestHeadParser()
    var seen: [UInt8] = []
    var inPieces = "more"
    for byte in bytes {
        seen.append(byte)
        do {
            if let (head, used) = try pieces.parse(seen, limits: limits) { inPieces = "\(head.method) \(head.path) \(used)"; break }
        } catch {
            inPieces = "error"
            break
        }
    }
    if once != "error" && inPieces != "error" && once != inPieces && once != "more" { fatalError("whole: \(once), in pieces: \(inPieces)") }
    return 0
}
