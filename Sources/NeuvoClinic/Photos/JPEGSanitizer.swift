import NeuvoEncoding

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
        "FF" + String(decoding: [Hex.uppercaseDigits[Int(marker >> 4)], Hex.uppercaseDigits[Int(marker & 0xF)]], as: UTF8.self)
    }
}
