/// Hexadecimal digits, the one table every encoder here uses.
public enum Hex {
    public static let lowercaseDigits: [UInt8] = Array("0123456789abcdef".utf8)
    public static let uppercaseDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `bytes` as lowercase hex, two digits a byte.
    public static func lowercase(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(lowercaseDigits[Int(b >> 4)])
            out.append(lowercaseDigits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
