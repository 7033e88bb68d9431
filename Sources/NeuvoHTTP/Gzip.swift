import CZlib

/// gzip (RFC 1952) through the system's zlib.
enum Gzip {
    /// `bytes` compressed at the best level; nil if zlib fails (the caller then sends them as they are).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        guard neuvo_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        let status: Int32 = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// Whether `Accept-Encoding` (RFC 9110 §12.5.3) allows gzip: listed as `gzip`
    /// (or `x-gzip`) or `*`, with a q-value above 0.
    static func accepted(by header: String?) -> Bool {
        guard let header else { return false }
        var named: Double?, wildcard: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { String($0).trimmingSpaces().lowercased() }
            guard let coding = parts.first else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if coding == "gzip" || coding == "x-gzip" { named = q } else if coding == "*" { wildcard = q }
        }
        // gzip named wins over `*` (RFC 9110 §12.5.3).
        return (named ?? wildcard ?? 0) > 0
    }
}
