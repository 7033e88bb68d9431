/// The image formats a resident may attach to a conversation.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    case jpeg, png, webp

    /// The media type to serve the image with, e.g. `image/jpeg`.
    public var mediaType: String {
        switch self {
        case .jpeg: return "image/jpeg"
        case .png: return "image/png"
        case .webp: return "image/webp"
        }
    }
}

/// An image that passed ``ImageSanitizer/sanitize(_:maxBytes:)``: a structurally sound
/// still JPEG, PNG or WebP with its metadata removed.
///
/// Guaranteed: `bytes` is in `format`, keeps the input's image data byte for byte, and
/// carries none of XMP, IPTC/Photoshop, comments, text chunks or embedded thumbnails, and
/// no EXIF except, in a JPEG, a new EXIF block holding only the photo's orientation.
/// `width` and `height` are in 1...``ImageSanitizer/maxDimension``.
public struct SanitizedImage: Sendable, Equatable {
    public let format: ImageFormat
    public let bytes: [UInt8]
    public let width: Int
    public let height: Int
}

/// Why an uploaded image was refused. The server maps `tooLarge` to 413 and the others to 415.
public enum ImageError: Error, Sendable, Equatable {
    /// The file is longer than `maxBytes`.
    case tooLarge(maxBytes: Int)
    /// The file does not start like a JPEG, PNG or WebP image, or it is animated (APNG, animated WebP).
    case unsupportedFormat
    /// The file starts like a supported image but its structure is broken, truncated, or its
    /// dimensions are out of range; the text says where, for logs (not for residents).
    case malformed(String)

    /// What to tell the resident, in plain English.
    public var message: String {
        switch self {
        case .tooLarge(let maxBytes):
            return "The image is too large. The limit is \(Self.readableSize(maxBytes))."
        case .unsupportedFormat:
            return "The file is not a still JPEG, PNG or WebP image."
        case .malformed:
            return "The image file is damaged or incomplete, so it cannot be attached."
        }
    }

    /// `10485760` → "10 MB", `512000` → "500 KB", `1000` → "1000 bytes".
    static func readableSize(_ bytes: Int) -> String {
        let mebibyte = 1024 * 1024
        if bytes >= mebibyte && bytes % mebibyte == 0 { return "\(bytes / mebibyte) MB" }
        if bytes >= 1024 && bytes % 1024 == 0 { return "\(bytes / 1024) KB" }
        return "\(bytes) bytes"
    }
}

/// Checks an uploaded photo and removes everything from it that is not the picture:
/// camera and location metadata (EXIF, GPS, XMP), IPTC, comments and text.
///
/// It is an allow-list: only the parts a decoder needs to show the image in its intended
/// colours are copied; anything unknown is dropped. The pixels are never decoded or
/// re-encoded, so the image data is kept byte for byte.
public enum ImageSanitizer {
    /// The largest width or height accepted, in pixels.
    public static let maxDimension = 20_000

    /// The sanitized copy of `bytes`.
    ///
    /// The format is recognised by its magic bytes only (JPEG `FF D8 FF`, PNG's 8-byte
    /// signature, WebP `RIFF….WEBP`). Bytes after the image's end (JPEG EOI, PNG IEND,
    /// the RIFF size) are dropped.
    ///
    /// - Throws: ``ImageError/tooLarge(maxBytes:)`` if `bytes` is longer than `maxBytes`
    ///   (checked first); ``ImageError/unsupportedFormat`` for any other format or an
    ///   animated image; ``ImageError/malformed(_:)`` for a broken structure, a failed
    ///   checksum, truncation, or a width or height of 0 or over ``maxDimension``.
    public static func sanitize(_ bytes: [UInt8], maxBytes: Int = 10 * 1024 * 1024) throws(ImageError) -> SanitizedImage {
        guard bytes.count <= maxBytes else { throw .tooLarge(maxBytes: maxBytes) }
        switch format(of: bytes) {
        case .jpeg: return try JPEGSanitizer.sanitize(bytes)
        case .png: return try PNGSanitizer.sanitize(bytes)
        case .webp: return try WebPSanitizer.sanitize(bytes)
        case nil: throw .unsupportedFormat
        }
    }

    /// The format `bytes` claims by its magic bytes, or nil. Says nothing about validity.
    static func format(of bytes: [UInt8]) -> ImageFormat? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: PNGSanitizer.signature) { return .png }
        if bytes.count >= 12 && bytes.hasASCII("RIFF", at: 0) && bytes.hasASCII("WEBP", at: 8) { return .webp }
        return nil
    }

    /// Refuses a width or height outside 1...maxDimension.
    static func checkDimensions(width: Int, height: Int, _ format: ImageFormat) throws(ImageError) {
        guard (1...maxDimension).contains(width), (1...maxDimension).contains(height) else {
            throw .malformed("\(format.rawValue.uppercased()) is \(width)×\(height) pixels; each side must be 1–\(maxDimension)")
        }
    }
}

// MARK: - JPEG

/// Rebuilds a JPEG from its marker segments, keeping only what decoding needs.
///
/// Kept: APP0 JFIF (with any thumbnail removed), APP2 `ICC_PROFILE`, APP14 `Adobe`,
/// DQT, DHT, DAC, DRI, the one SOFn and every SOS with its entropy-coded data (copied
/// verbatim, restart markers included), and EOI. Dropped: every other APPn (APP1 EXIF
/// and XMP, APP13 Photoshop/IPTC, …), COM, and any other marker, also between scans.
/// The one exception: if the first EXIF block says the photo is rotated or mirrored
/// (orientation 2–8), a new EXIF block holding only that orientation takes its place.
enum JPEGSanitizer {
    static func sanitize(_ bytes: [UInt8]) throws(ImageError) -> SanitizedImage {
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(bytes.count)
        var size: (width: Int, height: Int)?
        var sawScan = false
        var sawExif = false
        var i = 2
        while true {
            // A marker is 0xFF, any number of 0xFF fill bytes, then a code.
            guard i < bytes.count else { throw .malformed("JPEG ends before its end-of-image marker") }
            guard bytes[i] == 0xFF else { throw .malformed("JPEG has no marker at byte \(i)") }
            while i < bytes.count && bytes[i] == 0xFF { i += 1 }
            guard i < bytes.count else { throw .malformed("JPEG ends before its end-of-image marker") }
            let marker = bytes[i]
            let markerStart = i - 1
            i += 1

            switch marker {
            case 0xD9:
                guard let size else { throw .malformed("JPEG has no frame header (SOF)") }
                guard sawScan else { throw .malformed("JPEG has no scan (SOS)") }
                out += [0xFF, 0xD9]
                return SanitizedImage(format: .jpeg, bytes: out, width: size.width, height: size.height)
            case 0x00, 0x01, 0xD0...0xD8:
                throw .malformed("JPEG has a stray marker \(hex(marker)) at byte \(markerStart)")
            default:
                break
            }

            guard i + 2 <= bytes.count else { throw .malformed("JPEG ends inside segment \(hex(marker)) at byte \(markerStart)") }
            let length = bytes.uint16BE(at: i)
            guard length >= 2 else { throw .malformed("JPEG segment \(hex(marker)) at byte \(markerStart) has length \(length)") }
            let end = i + length
            guard end <= bytes.count else {
                throw .malformed("JPEG segment \(hex(marker)) at byte \(markerStart) runs past the end of the file")
            }
            let payload = bytes[(i + 2)..<end]
            let segment = bytes[markerStart..<end]  // FF, marker, length, payload: without fill bytes.
            i = end

            switch marker {
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard size == nil else { throw .malformed("JPEG has more than one frame header (SOF)") }
                size = try frameSize(payload, marker: marker)
                out += segment
            case 0xC4, 0xCC, 0xDB, 0xDD:  // DHT, DAC, DQT, DRI
                out += segment
            case 0xDA:
                guard size != nil else { throw .malformed("JPEG has a scan (SOS) before its frame header (SOF)") }
                let components = payload.first.map(Int.init) ?? 0
                guard (1...4).contains(components), payload.count == 1 + 2 * components + 3 else {
                    throw .malformed("JPEG scan header (SOS) at byte \(markerStart) is malformed")
                }
                out += segment
                let dataEnd = try entropyCodedEnd(bytes, from: i)
                out += bytes[i..<dataEnd]
                i = dataEnd
                sawScan = true
            case 0xE0 where payload.count >= 14 && bytes.hasASCII("JFIF\0", at: payload.startIndex):
                // Version, units and densities; the thumbnail size is set to 0×0 and its pixels left out.
                out += [0xFF, 0xE0, 0x00, 0x10]
                out += payload.prefix(12)
                out += [0x00, 0x00]
            case 0xE1 where !sawExif && bytes.hasASCII("Exif\0\0", at: payload.startIndex):
                // Only the orientation survives, in a new EXIF block, so portrait photos stay upright.
                sawExif = true
                if let orientation = ExifOrientation.read(payload.dropFirst(6)), orientation != 1 {
                    out += ExifOrientation.segment(orientation)
                }
            case 0xE2 where bytes.hasASCII("ICC_PROFILE\0", at: payload.startIndex):
                out += segment
            case 0xEE where bytes.hasASCII("Adobe", at: payload.startIndex):
                out += segment
            default:
                break  // APPn metadata, COM, and anything not needed to decode.
            }
        }
    }

    /// Width and height from an SOFn payload: precision, height, width, component count, components.
    static func frameSize(_ payload: ArraySlice<UInt8>, marker: UInt8) throws(ImageError) -> (width: Int, height: Int) {
        let p = payload.startIndex
        guard payload.count >= 6 else { throw .malformed("JPEG frame header \(hex(marker)) is too short") }
        let components = Int(payload[p + 5])
        guard components >= 1, payload.count == 6 + 3 * components else {
            throw .malformed("JPEG frame header \(hex(marker)) has the wrong length for \(components) components")
        }
        let height = Int(payload[p + 1]) << 8 | Int(payload[p + 2])
        let width = Int(payload[p + 3]) << 8 | Int(payload[p + 4])
        try ImageSanitizer.checkDimensions(width: width, height: height, .jpeg)
        return (width, height)
    }

    /// Where the entropy-coded data starting at `start` ends: at the first 0xFF that is not
    /// a stuffed `FF 00` or a restart marker `FF D0`…`FF D7`.
    static func entropyCodedEnd(_ bytes: [UInt8], from start: Int) throws(ImageError) -> Int {
        var j = start
        while true {
            guard j + 1 < bytes.count else { throw .malformed("JPEG ends inside its image data") }
            if bytes[j] == 0xFF {
                let next = bytes[j + 1]
                if next == 0x00 || (0xD0...0xD7).contains(next) {
                    j += 2
                    continue
                }
                return j
            }
            j += 1
        }
    }

    static func hex(_ marker: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "FF" + String(digits[Int(marker >> 4)]) + String(digits[Int(marker & 0xF)])
    }
}

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

// MARK: - PNG

/// Rebuilds a PNG from its chunks, keeping only what decoding needs.
///
/// Every chunk's CRC is verified. Kept: the critical chunks IHDR (first), PLTE, IDAT and
/// IEND (last), and the colour and display chunks tRNS, gAMA, cHRM, sRGB, cICP, iCCP,
/// sBIT, pHYs and bKGD, each copied verbatim. Dropped: every other ancillary chunk
/// (tEXt, zTXt, iTXt, eXIf, tIME, private chunks, …). Refused: APNG (`acTL`) as
/// unsupported, and unknown critical chunks as malformed.
enum PNGSanitizer {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let keptAncillaryChunks: Set<String> = ["tRNS", "gAMA", "cHRM", "sRGB", "cICP", "iCCP", "sBIT", "pHYs", "bKGD"]

    static func sanitize(_ bytes: [UInt8]) throws(ImageError) -> SanitizedImage {
        var out = signature
        out.reserveCapacity(bytes.count)
        var header: (width: Int, height: Int, colourType: UInt8)?
        var sawPalette = false
        var sawData = false
        var i = signature.count
        while true {
            guard i + 12 <= bytes.count else { throw .malformed("PNG ends before its IEND chunk") }
            let length = bytes.uint32BE(at: i)
            guard length <= 0x7FFF_FFFF else { throw .malformed("PNG chunk at byte \(i) has length \(length)") }
            let typeBytes = bytes[(i + 4)..<(i + 8)]
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw .malformed("PNG chunk at byte \(i) has a type that is not four letters")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let dataStart = i + 8
            let crcAt = dataStart + length
            guard crcAt + 4 <= bytes.count else { throw .malformed("PNG chunk \(type) at byte \(i) runs past the end of the file") }
            guard CRC32.checksum(bytes[(i + 4)..<crcAt]) == UInt32(bytes.uint32BE(at: crcAt)) else {
                throw .malformed("PNG chunk \(type) at byte \(i) fails its CRC")
            }
            let chunk = bytes[i..<(crcAt + 4)]
            i = crcAt + 4

            guard let size = header else {
                guard type == "IHDR" else { throw .malformed("PNG does not start with IHDR") }
                header = try imageHeader(bytes, at: dataStart, length: length)
                out += chunk
                continue
            }
            switch type {
            case "IHDR":
                throw .malformed("PNG has more than one IHDR")
            case "PLTE":
                sawPalette = true
                out += chunk
            case "IDAT":
                guard size.colourType != 3 || sawPalette else { throw .malformed("PNG with a palette colour type has no PLTE before IDAT") }
                sawData = true
                out += chunk
            case "IEND":
                guard sawData else { throw .malformed("PNG has no IDAT") }
                guard length == 0 else { throw .malformed("PNG IEND chunk is not empty") }
                out += chunk
                return SanitizedImage(format: .png, bytes: out, width: size.width, height: size.height)
            case "acTL":
                throw .unsupportedFormat  // Animated PNG.
            default:
                guard typeBytes.first! & 0x20 != 0 else { throw .malformed("PNG has an unknown critical chunk \(type)") }
                if keptAncillaryChunks.contains(type) { out += chunk }
            }
        }
    }

    /// Width, height and colour type from IHDR, whose 13 bytes must be a combination PNG allows.
    static func imageHeader(_ bytes: [UInt8], at d: Int, length: Int) throws(ImageError) -> (width: Int, height: Int, colourType: UInt8) {
        guard length == 13 else { throw .malformed("PNG IHDR chunk has \(length) bytes, not 13") }
        let width = bytes.uint32BE(at: d), height = bytes.uint32BE(at: d + 4)
        let bitDepth = bytes[d + 8], colourType = bytes[d + 9]
        let allowedDepths: [UInt8]
        switch colourType {
        case 0: allowedDepths = [1, 2, 4, 8, 16]
        case 3: allowedDepths = [1, 2, 4, 8]
        case 2, 4, 6: allowedDepths = [8, 16]
        default: throw .malformed("PNG has colour type \(colourType)")
        }
        guard allowedDepths.contains(bitDepth) else { throw .malformed("PNG colour type \(colourType) cannot have bit depth \(bitDepth)") }
        guard bytes[d + 10] == 0, bytes[d + 11] == 0, bytes[d + 12] <= 1 else {
            throw .malformed("PNG IHDR names an unknown compression, filter or interlace method")
        }
        try ImageSanitizer.checkDimensions(width: width, height: height, .png)
        return (width, height, colourType)
    }
}

/// CRC-32 as PNG (and zlib, Ethernet) define it: polynomial 0xEDB88320 reflected,
/// initial value and final XOR 0xFFFFFFFF. `checksum("123456789") == 0xCBF43926`.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
            return c ^ 0xFFFF_FFFF
        }
    }
}

// MARK: - WebP

/// Rebuilds a WebP RIFF container, keeping only what decoding needs.
///
/// Simple files (one `VP8 ` or `VP8L` chunk) keep that chunk. Extended files (`VP8X`
/// first) keep VP8X with its EXIF (0x08) and XMP (0x04) flags cleared, ICCP, ALPH and the
/// one image chunk, whose size must match the VP8X canvas. Dropped: `EXIF`, `XMP ` and
/// unknown chunks. Refused as unsupported: animation (the VP8X flag, `ANIM`, `ANMF`).
/// Chunks are re-emitted with a zero pad byte after odd sizes, and the RIFF size is
/// recomputed.
enum WebPSanitizer {
    static let exifFlag: UInt8 = 0x08
    static let xmpFlag: UInt8 = 0x04
    static let animationFlag: UInt8 = 0x02

    static func sanitize(_ bytes: [UInt8]) throws(ImageError) -> SanitizedImage {
        let riffSize = bytes.uint32LE(at: 4)
        guard riffSize >= 4, 8 + riffSize <= bytes.count else {
            throw .malformed("WebP RIFF size \(riffSize) does not fit the file's \(bytes.count) bytes")
        }
        let chunks = try chunks(bytes, end: 8 + riffSize)
        guard let first = chunks.first else { throw .malformed("WebP has no chunks") }

        var kept: [Chunk] = []
        let width: Int, height: Int
        switch first.fourCC {
        case "VP8 ", "VP8L":
            // The simple format has nothing but the image; anything after it is dropped.
            if chunks.dropFirst().contains(where: { $0.isImage }) { throw .malformed("WebP has more than one image chunk") }
            (width, height) = try first.imageSize(bytes)
            kept = [first]
        case "VP8X":
            let payload = bytes[first.payload]
            guard payload.count == 10 else { throw .malformed("WebP VP8X chunk has \(payload.count) bytes, not 10") }
            let p = payload.startIndex
            let flags = payload[p]
            guard flags & animationFlag == 0 else { throw .unsupportedFormat }
            width = bytes.uint24LE(at: p + 4) + 1
            height = bytes.uint24LE(at: p + 7) + 1
            var image: Chunk?
            for chunk in chunks.dropFirst() {
                switch chunk.fourCC {
                case "VP8X":
                    throw .malformed("WebP has more than one VP8X chunk")
                case "ANIM", "ANMF":
                    throw .unsupportedFormat
                case "VP8 ", "VP8L":
                    guard image == nil else { throw .malformed("WebP has more than one image chunk") }
                    let size = try chunk.imageSize(bytes)
                    guard size == (width, height) else {
                        throw .malformed("WebP image is \(size.width)×\(size.height) but its canvas is \(width)×\(height)")
                    }
                    image = chunk
                    kept.append(chunk)
                case "ALPH", "ICCP":
                    kept.append(chunk)
                default:
                    break  // EXIF, XMP and unknown chunks.
                }
            }
            guard image != nil else { throw .malformed("WebP has no image chunk") }
            var header = Array(payload)
            header[0] = flags & ~(exifFlag | xmpFlag)
            kept.insert(Chunk(fourCC: "VP8X", payload: first.payload, replacement: header), at: 0)
        default:
            throw .malformed("WebP starts with chunk \"\(first.fourCC)\", not VP8, VP8L or VP8X")
        }
        try ImageSanitizer.checkDimensions(width: width, height: height, .webp)

        var body: [UInt8] = Array("WEBP".utf8)
        for chunk in kept {
            let payload = chunk.replacement ?? Array(bytes[chunk.payload])
            body += Array(chunk.fourCC.utf8)
            body.appendUInt32LE(payload.count)
            body += payload
            if payload.count % 2 == 1 { body.append(0) }
        }
        var out: [UInt8] = Array("RIFF".utf8)
        out.appendUInt32LE(body.count)
        out += body
        return SanitizedImage(format: .webp, bytes: out, width: width, height: height)
    }

    /// One RIFF chunk: its four-character code and where its payload lies in the input.
    struct Chunk {
        let fourCC: String
        let payload: Range<Int>
        /// New payload bytes to write instead of the input's (the VP8X header with flags cleared).
        var replacement: [UInt8]? = nil

        var isImage: Bool { fourCC == "VP8 " || fourCC == "VP8L" }

        /// The bitstream's own width and height.
        func imageSize(_ bytes: [UInt8]) throws(ImageError) -> (width: Int, height: Int) {
            let p = payload.lowerBound
            if fourCC == "VP8 " {
                // 3-byte frame tag (bit 0 clear on a key frame), start code 9D 01 2A, then 14-bit
                // width and height, each with 2 scaling bits on top.
                guard payload.count >= 10 else { throw .malformed("WebP VP8 chunk is too short") }
                guard bytes[p] & 1 == 0 else { throw .malformed("WebP VP8 data does not start with a key frame") }
                guard bytes[p + 3] == 0x9D, bytes[p + 4] == 0x01, bytes[p + 5] == 0x2A else {
                    throw .malformed("WebP VP8 data has no start code")
                }
                return (bytes.uint16LE(at: p + 6) & 0x3FFF, bytes.uint16LE(at: p + 8) & 0x3FFF)
            }
            // VP8L: signature 0x2F, then 14 bits width − 1, 14 bits height − 1, 1 alpha bit, 3 version bits.
            guard payload.count >= 5 else { throw .malformed("WebP VP8L chunk is too short") }
            guard bytes[p] == 0x2F else { throw .malformed("WebP VP8L data has no signature") }
            let bits = bytes.uint32LE(at: p + 1)
            guard bits >> 29 == 0 else { throw .malformed("WebP VP8L data has version \(bits >> 29)") }
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        }
    }

    /// The chunks between byte 12 and `end`; each must fit, with its pad byte, before `end`.
    static func chunks(_ bytes: [UInt8], end: Int) throws(ImageError) -> [Chunk] {
        var chunks: [Chunk] = []
        var i = 12
        while i < end {
            guard i + 8 <= end else { throw .malformed("WebP chunk header at byte \(i) runs past the end of the RIFF data") }
            let fourCC = String(decoding: bytes[i..<(i + 4)], as: UTF8.self)
            let size = bytes.uint32LE(at: i + 4)
            let payloadEnd = i + 8 + size
            guard payloadEnd + size % 2 <= end else {
                throw .malformed("WebP chunk \"\(fourCC)\" at byte \(i) runs past the end of the RIFF data")
            }
            chunks.append(Chunk(fourCC: fourCC, payload: (i + 8)..<payloadEnd))
            i = payloadEnd + size % 2
        }
        return chunks
    }
}

// MARK: - Byte access

extension Array where Element == UInt8 {
    /// Callers check that the bytes read are in bounds.
    fileprivate func uint16BE(at i: Int) -> Int { Int(self[i]) << 8 | Int(self[i + 1]) }
    fileprivate func uint16LE(at i: Int) -> Int { Int(self[i]) | Int(self[i + 1]) << 8 }
    fileprivate func uint24LE(at i: Int) -> Int { Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16 }
    fileprivate func uint32BE(at i: Int) -> Int {
        Int(self[i]) << 24 | Int(self[i + 1]) << 16 | Int(self[i + 2]) << 8 | Int(self[i + 3])
    }
    fileprivate func uint32LE(at i: Int) -> Int {
        Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16 | Int(self[i + 3]) << 24
    }

    /// Whether the ASCII text `s` is at `i` (false if it would run past the end).
    fileprivate func hasASCII(_ s: String, at i: Int) -> Bool {
        let text = Array(s.utf8)
        return i >= 0 && i + text.count <= count && self[i..<(i + text.count)].elementsEqual(text)
    }

    fileprivate mutating func appendUInt32LE(_ value: Int) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}
