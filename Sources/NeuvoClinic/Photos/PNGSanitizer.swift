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
