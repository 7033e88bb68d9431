import NeuvoEncoding
/// Random, unguessable identifiers.
public enum Identifier {
    /// 128 random bits as 32 lowercase hex digits.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(of: (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// 48 bits of `milliseconds` (since the Unix epoch) followed by 80 random bits, as 32 lowercase hex digits.
    ///
    /// Ids made one after another sort in time order, so an index keyed by them grows at its right
    /// edge instead of dirtying a random page per insert: for messages that was most of a commit's
    /// I/O. The 80 random bits keep them unguessable; access never rests on the id alone anyway.
    public static func timeOrdered(milliseconds: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        let time = UInt64(clamping: max(0, milliseconds)) & 0xFFFF_FFFF_FFFF
        let head = (0..<6).map { UInt8(truncatingIfNeeded: time >> (8 * (5 - $0))) }
        return hex(of: head + (0..<10).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    public static func hex(of bytes: [UInt8]) -> String { Hex.lowercase(bytes) }

    /// Whether `s` looks like an id this module made (so malformed ids never reach SQL).
    public static func isWellFormed(_ s: String) -> Bool {
        s.utf8.count == 32 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The canonical lowercase form of a UUID string, or nil if `s` is not one.
    public static func canonicalUUID(_ s: String) -> String? {
        let lower = s.lowercased()
        let bytes = Array(lower.utf8)
        guard bytes.count == 36 else { return nil }
        for (i, b) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard b == UInt8(ascii: "-") else { return nil }
            } else {
                guard (48...57).contains(b) || (97...102).contains(b) else { return nil }
            }
        }
        return lower
    }
}
