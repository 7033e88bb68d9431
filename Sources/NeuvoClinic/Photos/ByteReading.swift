/// Reading big- and little-endian integers and ASCII tags from image bytes.
extension Array where Element == UInt8 {
    /// Callers check that the bytes read are in bounds.
    func uint16BE(at i: Int) -> Int { Int(self[i]) << 8 | Int(self[i + 1]) }
    func uint16LE(at i: Int) -> Int { Int(self[i]) | Int(self[i + 1]) << 8 }
    func uint24LE(at i: Int) -> Int { Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16 }
    func uint32BE(at i: Int) -> Int {
        Int(self[i]) << 24 | Int(self[i + 1]) << 16 | Int(self[i + 2]) << 8 | Int(self[i + 3])
    }
    func uint32LE(at i: Int) -> Int {
        Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16 | Int(self[i + 3]) << 24
    }

    /// Whether the ASCII text `s` is at `i` (false if it would run past the end).
    func hasASCII(_ s: String, at i: Int) -> Bool {
        let text = Array(s.utf8)
        return i >= 0 && i + text.count <= count && self[i..<(i + text.count)].elementsEqual(text)
    }

    mutating func appendUInt32LE(_ value: Int) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}
