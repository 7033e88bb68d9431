import Testing
@testable import NeuvoClinic

// Test images, built here so no binary fixtures are needed.

func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

func u32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

extension Array where Element == UInt8 {
    func contains(ascii text: String) -> Bool {
        let needle = Array(text.utf8)
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// A real, decodable 16×8 baseline greyscale JPEG (two flat mid-grey blocks with a restart
/// marker between them), wrapped in the metadata a phone camera writes.
enum TestJPEG {
    static let soi: [UInt8] = [0xFF, 0xD8]
    static let eoi: [UInt8] = [0xFF, 0xD9]

    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    // Metadata.
    static let jfif = segment(0xE0, ascii("JFIF\0") + [1, 1, 0, 0, 1, 0, 1, 0, 0])
    static let jfxx = segment(0xE0, ascii("JFXX\0") + [0x13, 1, 1, 9, 9, 9])
    static let exif = segment(0xE1, ascii("Exif\0\0") + ascii("MM\0*") + [0, 0, 0, 8, 0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26]
                              + ascii("GPS\0") + [0, 0, 0, 60, 0, 0, 0, 1])
    static let xmp = segment(0xE1, ascii("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPSLatitude 60,10.2N</x:xmpmeta>"))
    static let photoshop = segment(0xED, ascii("Photoshop 3.0\08BIM") + [4, 4, 0, 0, 0, 0, 0, 8] + ascii("GPS city"))
    static let comment = segment(0xFE, ascii("Taken at home, GPS on"))
    // Colour information that must survive.
    static let icc = segment(0xE2, ascii("ICC_PROFILE\0") + [1, 1] + ascii("not a real profile"))
    static let adobe = segment(0xEE, ascii("Adobe") + [0, 100, 0, 0, 0, 0, 0])

    // Image: quantisation all 1; one-code Huffman tables (DC category 0, AC end-of-block);
    // a restart after every MCU. Each block codes as bits "00", padded with ones: 0x3F.
    static let dqt = segment(0xDB, [0x00] + Array(repeating: 1, count: 64))
    static let sof0 = segment(0xC0, [8, 0, 8, 0, 16, 1, 1, 0x11, 0])
    static let dhtDC = segment(0xC4, [0x00, 1] + Array(repeating: 0, count: 15) + [0x00])
    static let dhtAC = segment(0xC4, [0x10, 1] + Array(repeating: 0, count: 15) + [0x00])
    static let dri = segment(0xDD, [0, 1])
    static let sos = segment(0xDA, [1, 1, 0x00, 0, 63, 0])
    static let scan: [UInt8] = [0x3F, 0xFF, 0xD0, 0x3F]
    static let decodingSegments: [UInt8] = dqt + sof0 + dhtDC + dhtAC + dri + sos

    static let camera: [UInt8] = soi + jfif + exif + xmp + jfxx + photoshop + icc + adobe + comment + decodingSegments + scan + eoi

    /// The plain image with `frame` in place of its SOF0.
    static func with(frame: [UInt8]) -> [UInt8] {
        soi + dqt + frame + dhtDC + dhtAC + dri + sos + scan + eoi
    }

    /// The marker codes in order, independently of the sanitizer; entropy-coded data is skipped.
    static func markers(_ bytes: [UInt8]) -> [UInt8] {
        var markers: [UInt8] = [bytes[1]]
        var i = 2
        while i + 1 < bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            markers.append(marker)
            if marker == 0xD9 { break }
            i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
            if marker == 0xDA {
                while !(bytes[i] == 0xFF && bytes[i + 1] != 0 && !(0xD0...0xD7).contains(bytes[i + 1])) { i += 1 }
            }
        }
        return markers
    }
}

/// A real, decodable 16×8 RGB gradient PNG (stored, uncompressed deflate) with the text,
/// EXIF and time chunks a phone or editor adds.
enum TestPNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        u32(data.count) + ascii(type) + data + u32(Int(CRC32.checksum(ascii(type) + data)))
    }

    /// A zlib stream holding `raw` in one stored deflate block.
    static func zlibStored(_ raw: [UInt8]) -> [UInt8] {
        var a = 1, b = 0
        for byte in raw {
            a = (a + Int(byte)) % 65521
            b = (b + a) % 65521
        }
        let n = raw.count
        return [0x78, 0x01, 0x01, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8 & 0xFF)] + raw + u32(b << 16 | a)
    }

    static let header = chunk("IHDR", u32(16) + u32(8) + [8, 2, 0, 0, 0])
    static let gamma = chunk("gAMA", u32(45455))
    static let sRGB = chunk("sRGB", [0])
    static let physical = chunk("pHYs", u32(2835) + u32(2835) + [1])
    /// Rows of red rising left to right, green top to bottom, blue constant; split over two IDATs.
    static let imageData: [UInt8] = {
        var raw: [UInt8] = []
        for y in 0..<8 {
            raw.append(0)  // Filter: none.
            for x in 0..<16 { raw += [UInt8(x * 16), UInt8(y * 32), 160] }
        }
        let stream = zlibStored(raw)
        return chunk("IDAT", Array(stream.prefix(100))) + chunk("IDAT", Array(stream.dropFirst(100)))
    }()
    static let end = chunk("IEND", [])

    static let camera: [UInt8] = signature + header + gamma + chunk("tEXt", ascii("Comment\0GPS 60.17N 24.94E"))
        + chunk("iTXt", ascii("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPSLatitude</x:xmpmeta>"))
        + chunk("zTXt", ascii("Author\0\0") + [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 1])
        + chunk("eXIf", ascii("MM\0*") + [0, 0, 0, 8] + ascii("GPS")) + sRGB
        + chunk("tIME", [0x07, 0xE9, 6, 1, 12, 0, 0]) + physical + chunk("prVt", ascii("private GPS"))
        + imageData + chunk("tEXt", ascii("Software\0GPS tracker")) + end

    /// Every chunk's type, data and whether its CRC is right, or nil if the structure is broken.
    static func chunks(_ bytes: [UInt8]) -> [(type: String, data: [UInt8], crcIsValid: Bool)]? {
        guard bytes.starts(with: signature) else { return nil }
        var chunks: [(type: String, data: [UInt8], crcIsValid: Bool)] = []
        var i = 8
        while i + 12 <= bytes.count {
            let length = bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard i + 12 + length <= bytes.count else { return nil }
            let typeAndData = Array(bytes[(i + 4)..<(i + 8 + length)])
            let crc = bytes[(i + 8 + length)..<(i + 12 + length)].reduce(0) { $0 << 8 | Int($1) }
            chunks.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4)),
                           Int(CRC32.checksum(typeAndData)) == crc))
            i += 12 + length
        }
        return i == bytes.count ? chunks : nil
    }
}

/// A real, decodable 16×8 lossless WebP (one flat colour) in the extended format, with
/// EXIF and XMP chunks; plus a lossy frame header that only carries a size.
enum TestWebP {
    static func chunk(_ fourCC: String, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return ascii(fourCC) + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + payload
            + (n % 2 == 1 ? [0] : [])
    }

    static func riff(_ chunks: [[UInt8]]) -> [UInt8] {
        let body = ascii("WEBP") + chunks.flatMap { $0 }
        let n = body.count
        return ascii("RIFF") + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + body
    }

    static func vp8x(flags: UInt8, width: Int, height: Int) -> [UInt8] {
        let w = width - 1, h = height - 1
        return chunk("VP8X", [flags, 0, 0, 0, UInt8(w & 0xFF), UInt8(w >> 8 & 0xFF), UInt8(w >> 16),
                              UInt8(h & 0xFF), UInt8(h >> 8 & 0xFF), UInt8(h >> 16)])
    }

    /// A VP8L bitstream: no transforms, no colour cache, and five prefix codes of one symbol
    /// each, so every pixel is the same colour and the pixel data takes no bits at all.
    static func losslessBitstream(width: Int, height: Int, argb: (UInt8, UInt8, UInt8, UInt8)) -> [UInt8] {
        var bits = BitWriter()
        bits.write(width - 1, count: 14)
        bits.write(height - 1, count: 14)
        bits.write(0, count: 1)  // Alpha hint.
        bits.write(0, count: 3)  // Version.
        bits.write(0, count: 1)  // No transform.
        bits.write(0, count: 1)  // No colour cache.
        bits.write(0, count: 1)  // No meta prefix codes.
        for symbol in [argb.2, argb.1, argb.3, argb.0, 0] {  // Green, red, blue, alpha, distance.
            bits.write(1, count: 1)  // Simple code,
            bits.write(0, count: 1)  // one symbol,
            bits.write(1, count: 1)  // eight bits wide.
            bits.write(Int(symbol), count: 8)
        }
        return [0x2F] + bits.bytes
    }

    static let lossless = chunk("VP8L", losslessBitstream(width: 16, height: 8, argb: (255, 200, 80, 40)))

    /// A lossy key-frame header: frame tag, start code, 16-bit width and height fields.
    static func lossy(width: Int, height: Int) -> [UInt8] {
        chunk("VP8 ", [0x50, 0x01, 0x00, 0x9D, 0x01, 0x2A, UInt8(width & 0xFF), UInt8(width >> 8),
                       UInt8(height & 0xFF), UInt8(height >> 8), 0x00, 0x00])
    }

    static let camera = riff([
        vp8x(flags: 0x08 | 0x04, width: 16, height: 8), lossless,
        chunk("EXIF", ascii("MM\0*") + [0, 0, 0, 8] + ascii("GPS")),  // Odd size: padded.
        chunk("XMP ", ascii("<x:xmpmeta>GPSLatitude 60,10.2N</x:xmpmeta>!")),
    ])

    /// The chunks and whether the RIFF size matches the file, independently of the sanitizer.
    static func parse(_ bytes: [UInt8]) -> (chunks: [(fourCC: String, payload: [UInt8])], riffSizeIsConsistent: Bool)? {
        func le32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        guard bytes.count >= 12, bytes.starts(with: ascii("RIFF")) else { return nil }
        var chunks: [(fourCC: String, payload: [UInt8])] = []
        var i = 12
        while i + 8 <= bytes.count {
            let size = le32(i + 4)
            guard i + 8 + size + size % 2 <= bytes.count else { return nil }
            if size % 2 == 1 && bytes[i + 8 + size] != 0 { return nil }
            chunks.append((String(decoding: bytes[i..<(i + 4)], as: UTF8.self), Array(bytes[(i + 8)..<(i + 8 + size)])))
            i += 8 + size + size % 2
        }
        return (chunks, i == bytes.count && le32(4) == bytes.count - 8)
    }
}

/// Bits packed least significant first, as VP8L reads them.
struct BitWriter {
    var bytes: [UInt8] = []
    var used = 0

    mutating func write(_ value: Int, count: Int) {
        for k in 0..<count {
            if used % 8 == 0 { bytes.append(0) }
            if value >> k & 1 == 1 { bytes[bytes.count - 1] |= UInt8(1 << (used % 8)) }
            used += 1
        }
    }
}
