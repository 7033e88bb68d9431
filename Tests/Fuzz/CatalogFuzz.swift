// libFuzzer target: the service catalog reader (what `neuvo catalog check` and
// `import` run on an operator's file). Invariants: reading is deterministic (the
// same bytes give an equal catalog), what it accepts writes the residents' JSON
// that reads back as the same value, and a refusal names where, never crashes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCatalog(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let catalog = try Catalog(bytes: bytes)
        guard (try? Catalog(bytes: bytes)) == catalog else { fatalError("the same bytes read as another catalog") }
        let published = catalog.publicJSON
        guard (try? JSONValue.parse(published.bytes)) == published else { fatalError("the residents' JSON does not read back") }
    } catch {
        guard !error.message.isEmpty else { fatalError("a refusal without a message at '\(error.path)'") }
    }
    return 0
}
