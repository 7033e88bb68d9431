// libFuzzer target: the strict JSON reader. Invariant: what it accepts, written
// back and read again, is the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONValue.parse(bytes) else { return 0 }
    guard let again = try? JSONValue.parse(value.bytes), again == value else { fatalError("round trip changed the value") }
    return 0
}
