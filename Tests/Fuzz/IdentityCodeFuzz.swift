// libFuzzer target: the Finnish personal identity code. Invariant: an accepted
// code is 11 characters and reads back as itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIdentityCode(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let code = PersonalIdentityCode(text) else { return 0 }
    guard code.value.utf8.count == 11, PersonalIdentityCode(code.value)?.value == code.value else { fatalError("unstable code") }
    return 0
}
