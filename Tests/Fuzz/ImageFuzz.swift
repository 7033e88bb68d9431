// libFuzzer target: the image sanitiser (JPEG, PNG, WebP). Invariant: what it
// accepts, sanitised again, comes out unchanged and within the limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let image = try? ImageSanitizer.sanitize(bytes) else { return 0 }
    guard image.width * image.height <= ImageSanitizer.maxPixels else { fatalError("over the pixel limit") }
    guard let again = try? ImageSanitizer.sanitize(image.bytes), again.bytes == image.bytes else { fatalError("not idempotent") }
    return 0
}
