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
