/// The EXIF Orientation tag (0x0112), which tells viewers how to turn the stored pixels.
enum ExifOrientation {
    /// The orientation (1–8) in IFD0 of the TIFF data that follows `Exif\0\0`, or nil if
    /// there is none or the data is not sound enough to tell.
    static func read(_ tiff: ArraySlice<UInt8>) -> Int? {
        let t = Array(tiff)
        guard t.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (t[0], t[1]) {
        case (0x4D, 0x4D): bigEndian = true  // "MM"
        case (0x49, 0x49): bigEndian = false  // "II"
        default: return nil
        }
        func u16(_ i: Int) -> Int { bigEndian ? t.uint16BE(at: i) : t.uint16LE(at: i) }
        func u32(_ i: Int) -> Int { bigEndian ? t.uint32BE(at: i) : t.uint32LE(at: i) }
        guard u16(2) == 42 else { return nil }
        let ifd = u32(4)
        guard ifd >= 8, ifd + 2 <= t.count else { return nil }
        let entries = u16(ifd)
        guard ifd + 2 + 12 * entries <= t.count else { return nil }
        for k in 0..<entries {
            let e = ifd + 2 + 12 * k
            // Tag 0x0112, type SHORT (3), count 1; the value sits in the first two bytes of the field.
            if u16(e) == 0x0112 {
                guard u16(e + 2) == 3, u32(e + 4) == 1 else { return nil }
                let orientation = u16(e + 8)
                return (1...8).contains(orientation) ? orientation : nil
            }
        }
        return nil
    }

    /// A complete APP1 segment whose EXIF data is IFD0 with the Orientation tag alone.
    static func segment(_ orientation: Int) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xE1, 0x00, 0x22]
        out += Array("Exif\0\0MM".utf8)
        out += [0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]  // TIFF magic 42; IFD0 at offset 8.
        out += [0x00, 0x01]  // One entry:
        out += [0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, UInt8(orientation), 0x00, 0x00]
        out += [0x00, 0x00, 0x00, 0x00]  // No next IFD.
        return out
    }
}
