/// Small real images for tests, built byte by byte.
public enum TestImages {
    /// A 2×2 RGB PNG carrying the metadata a phone might add: a tEXt chunk with a
    /// GPS position and an eXIf chunk.
    public static func pngWithLocation() -> [UInt8] { png(width: 2, height: 2, location: true) }

    /// A PNG that says it is `width` × `height` pixels, with the 2×2 image data above: the
    /// sanitiser reads the header, never the pixels (a 20,000 × 20,000 one is a decompression bomb).
    /// `padding` adds a private ancillary chunk of that many bytes (dropped by the sanitiser), for a large upload.
    public static func png(width: Int, height: Int, location: Bool = false, padding: Int = 0) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
        if padding > 0 { png += chunk("prVt", [UInt8](repeating: 0x41, count: padding)) }
        if location {
            png += chunk("tEXt", Array("GPSLatitude\u{0}60.1699 N".utf8))
            png += chunk("eXIf", Array("MM\u{0}*GPS-position-24.9384E".utf8))
        }
        // Two rows of two red pixels, each row starting with filter byte 0, in one stored deflate block.
        let raw: [UInt8] = [0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0]
        var zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(raw.count & 0xFF), UInt8(raw.count >> 8),
                             UInt8(~raw.count & 0xFF), UInt8((~raw.count >> 8) & 0xFF)]
        zlib += raw
        zlib += be32(Int(adler32(raw)))
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    /// The chunk types of a PNG, in order.
    public static func pngChunkTypes(_ bytes: [UInt8]) -> [String] {
        var types: [String] = []
        var i = 8
        while i + 8 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            types.append(String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self))
            i += 12 + length
        }
        return types
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(data.count) + typeBytes + data + be32(Int(crc32(typeBytes + data)))
    }

    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }
}
