/// A Finnish personal identity code (henkilötunnus), e.g. `131052-308T`.
///
/// The form is `DDMMYYCZZZQ`: date of birth, century sign, individual number, check
/// character. Every value is guaranteed to be 11 uppercase ASCII characters with a real
/// calendar date (leap years included), a known century sign, an individual number in
/// 002–999 and the right check character. Not checked: that the date is in the past or
/// that the code was ever issued.
public struct PersonalIdentityCode: Sendable, Hashable {
    /// The code in upper case, e.g. `131052-308T`.
    public let value: String

    /// Century signs and the first year of the century each stands for. The 2023 reform
    /// added `Y X W V U` beside `-` for the 1900s and `B C D E F` beside `A` for the 2000s.
    static let centuries: [UInt8: Int] = [
        UInt8(ascii: "+"): 1800,
        UInt8(ascii: "-"): 1900, UInt8(ascii: "Y"): 1900, UInt8(ascii: "X"): 1900,
        UInt8(ascii: "W"): 1900, UInt8(ascii: "V"): 1900, UInt8(ascii: "U"): 1900,
        UInt8(ascii: "A"): 2000, UInt8(ascii: "B"): 2000, UInt8(ascii: "C"): 2000,
        UInt8(ascii: "D"): 2000, UInt8(ascii: "E"): 2000, UInt8(ascii: "F"): 2000,
    ]

    /// The check character is this string's character at (DDMMYYZZZ as a number) mod 31.
    static let checkCharacters = Array("0123456789ABCDEFHJKLMNPRSTUVWXY".utf8)

    /// The code in `text` after upper-casing it, or nil if it is not a valid code.
    /// Nothing else is normalised: surrounding spaces make it invalid.
    public init?(_ text: String) {
        let code = text.uppercased()
        let b = Array(code.utf8)
        guard b.count == 11,
              let date = Self.number(b[0..<6]),
              let individual = Self.number(b[7..<10]),
              let century = Self.centuries[b[6]] else { return nil }
        let day = date / 10_000, month = date / 100 % 100, year = century + date % 100
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              (2...999).contains(individual),
              b[10] == Self.checkCharacters[(date * 1000 + individual) % 31] else { return nil }
        value = code
    }

    /// The date of birth the code states.
    public var birthDate: (year: Int, month: Int, day: Int) {
        let b = Array(value.utf8)
        let date = Self.number(b[0..<6])!
        return (Self.centuries[b[6]]! + date % 100, date / 100 % 100, date / 10_000)
    }

    /// The three digits after the century sign, 2–999.
    public var individualNumber: Int { Self.number(Array(value.utf8)[7..<10])! }

    /// Whether this is a temporary code (individual number 900–999), given e.g. to a
    /// patient whose real code is not known; it does not identify a person for good.
    public var isTemporary: Bool { individualNumber >= 900 }

    /// The decimal value of `digits`, or nil if any is not 0–9.
    static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var n = 0
        for d in digits {
            guard (48...57).contains(d) else { return nil }
            n = n * 10 + Int(d - 48)
        }
        return n
    }

    /// Days in `month` (1–12) of `year` in the Gregorian calendar.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
