/// A Finnish telephone number, kept in E.164 (`+358401234567`).
///
/// Accepts what people type: `040 123 4567`, `+358 40 123 4567`, `00358 40…`,
/// with spaces, hyphens or brackets. Anything else (letters, a foreign country
/// code, too short or long) is not a number we can call.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+358` and the national significant number (no leading 0).
    public let e164: String

    public init?(_ text: String) {
        guard text.utf8.count <= 32 else { return nil }
        var digits = ""
        for (index, c) in text.unicodeScalars.enumerated() {
            switch c {
            case "0"..."9": digits.unicodeScalars.append(c)
            case " ", "-", "(", ")", "\u{00A0}": continue
            case "+" where index == 0 || text.unicodeScalars.prefix(index).allSatisfy({ $0 == " " }): digits += "+"
            default: return nil
            }
        }
        let national: Substring
        if digits.hasPrefix("+358") { national = digits.dropFirst(4) }
        else if digits.hasPrefix("00358") { national = digits.dropFirst(5) }
        else if digits.hasPrefix("+") || digits.hasPrefix("00") { return nil }  // another country
        else if digits.hasPrefix("0") { national = digits.dropFirst() }
        else { return nil }
        // Finnish national significant numbers are 5–12 digits and never start with 0.
        guard (5...12).contains(national.count), let first = national.first, first != "0" else { return nil }
        // Service and premium-rate numbers (0100, 020, 030, 0600, 0700): staff must not be sent to call them.
        guard !["10", "20", "30", "60", "70"].contains(where: { national.hasPrefix($0) }) else { return nil }
        e164 = "+358" + national
    }

    /// A mobile number (04x, 050): one a text message can reach.
    public var isMobile: Bool {
        let national = e164.dropFirst(4)
        return national.hasPrefix("4") || national.hasPrefix("50")
    }

    /// As people read it: `+358 40 1234567`.
    public var description: String {
        let national = e164.dropFirst(4)
        let area = national.hasPrefix("9") ? 1 : 2  // Helsinki's 09 is one digit; 040, 050, 02… two
        return "+358 " + national.prefix(area) + " " + national.dropFirst(area)
    }
}
