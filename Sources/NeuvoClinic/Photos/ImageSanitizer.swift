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
    /// More pixels than ``ImageSanitizer/maxPixels``: a small file can decode to gigabytes
    /// in the professional's browser (a decompression bomb).
    case tooManyPixels(width: Int, height: Int, maxPixels: Int)

    /// What to tell the resident, in plain English.
    public var message: String {
        switch self {
        case .tooLarge(let maxBytes):
            return "The image is too large. The limit is \(Self.readableSize(maxBytes))."
        case .unsupportedFormat:
            return "The file is not a still JPEG, PNG or WebP image."
        case .malformed:
            return "The image file is damaged or incomplete, so it cannot be attached."
        case .tooManyPixels(let width, let height, let maxPixels):
            return "The image is \(width) × \(height) pixels; the limit is \(maxPixels / 1_000_000) megapixels. Send a smaller photo."
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
    /// The most pixels accepted (width × height): a 108-megapixel phone photo fits, a
    /// 20,000 × 20,000 bomb (400 megapixels, 1.6 GB decoded) does not.
    public static let maxPixels = 128_000_000

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

    /// Refuses a width or height outside 1...maxDimension, and more than ``maxPixels`` in all.
    static func checkDimensions(width: Int, height: Int, _ format: ImageFormat) throws(ImageError) {
        guard (1...maxDimension).contains(width), (1...maxDimension).contains(height) else {
            throw .malformed("\(format.rawValue.uppercased()) is \(width)×\(height) pixels; each side must be 1–\(maxDimension)")
        }
        guard width * height <= maxPixels else { throw .tooManyPixels(width: width, height: height, maxPixels: maxPixels) }
    }
}
