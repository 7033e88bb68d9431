import Testing

@testable import NeuvoClinic

/// Finnish personal identity codes (henkilötunnus): format, date, individual number, check character.
@Suite struct PersonalIdentityCodeTests {
    /// A code for `ddmmyy`, `sign` and `individual` with its check character computed here,
    /// independently of the type under test: (DDMMYYZZZ as a number) mod 31.
    func code(_ ddmmyy: String, _ sign: Character, _ individual: String) -> String {
        let alphabet = Array("0123456789ABCDEFHJKLMNPRSTUVWXY")
        return ddmmyy + String(sign) + individual + String(alphabet[Int(ddmmyy + individual)! % 31])
    }

    @Test func publishedExampleReadsBack() throws {
        let hetu = try #require(PersonalIdentityCode("131052-308T"))
        #expect(hetu.value == "131052-308T")
        #expect(hetu.birthDate == (year: 1952, month: 10, day: 13))
        #expect(hetu.individualNumber == 308)
        #expect(!hetu.isTemporary)
        #expect(code("131052", "-", "308") == "131052-308T")  // The helper agrees with the published example.
    }

    /// The century sign is not part of the check, so the same digits are valid in the 2000s.
    @Test func sameDigitsInTheTwoThousands() throws {
        let hetu = try #require(PersonalIdentityCode("131052A308T"))
        #expect(hetu.birthDate == (year: 2052, month: 10, day: 13))
    }

    /// Examples of the signs added by the 2023 reform, as the Digital and Population Data
    /// Services Agency published them (all with temporary-range individual numbers).
    @Test(arguments: [
        ("010594Y9032", 1994), ("010594Y9021", 1994), ("020594X903P", 1994), ("020594X902N", 1994),
        ("030594W903B", 1994), ("030694W9024", 1994), ("040594V9030", 1994), ("040594V902Y", 1994),
        ("050594U903M", 1994), ("050594U902L", 1994), ("010516B903X", 2016), ("010516B902W", 2016),
        ("020516C903K", 2016), ("020516C902J", 2016), ("030516D9037", 2016), ("030516D9026", 2016),
        ("010501E9032", 2001), ("020502E902X", 2002), ("020503F9037", 2003),
    ])
    func reformExamples(text: String, year: Int) throws {
        let hetu = try #require(PersonalIdentityCode(text))
        #expect(hetu.birthDate.year == year)
        #expect(hetu.isTemporary)
    }

    @Test(arguments: [
        ("+", 1800), ("-", 1900), ("Y", 1900), ("X", 1900), ("W", 1900), ("V", 1900), ("U", 1900),
        ("A", 2000), ("B", 2000), ("C", 2000), ("D", 2000), ("E", 2000), ("F", 2000),
    ] as [(Character, Int)])
    func everyCenturySign(sign: Character, century: Int) throws {
        let hetu = try #require(PersonalIdentityCode(code("240367", sign, "123")))
        #expect(hetu.birthDate == (year: century + 67, month: 3, day: 24))
        #expect(hetu.value.contains(sign))
    }

    @Test(arguments: ["G", "Z", "a", "*", " ", "/", "1", "Å"] as [Character])
    func unknownCenturySignIsRefused(sign: Character) {
        // "a" upper-cases to "A", a real sign; build it in upper case so only the sign is wrong.
        let text = code("240367", "-", "123").replacingCharacter(at: 6, with: sign)
        if sign == "a" {
            #expect(PersonalIdentityCode(text) != nil)
        } else {
            #expect(PersonalIdentityCode(text) == nil)
        }
    }

    @Test func wrongCheckCharacterIsRefused() {
        #expect(PersonalIdentityCode("131052-308U") == nil)
        #expect(PersonalIdentityCode("131052-308G") == nil)  // G is never a check character.
        #expect(PersonalIdentityCode("131052-309T") == nil)  // One digit off.
        #expect(PersonalIdentityCode("131053-308T") == nil)
    }

    @Test func impossibleDatesAreRefused() {
        for (ddmmyy, sign) in [("300280", "-"), ("310480", "-"), ("320180", "-"), ("000180", "-"),
                               ("010080", "-"), ("011380", "-"), ("310980", "A"), ("290201", "A")] as [(String, Character)] {
            #expect(PersonalIdentityCode(code(ddmmyy, sign, "123")) == nil, "\(ddmmyy)\(sign)")
        }
        #expect(PersonalIdentityCode(code("310180", "-", "123")) != nil)
        #expect(PersonalIdentityCode(code("301180", "-", "123")) != nil)
    }

    /// 1900 and 1800 are not leap years (divisible by 100); 2000 is (divisible by 400).
    @Test func leapDays() {
        #expect(PersonalIdentityCode(code("290200", "-", "123")) == nil)
        #expect(PersonalIdentityCode(code("290200", "Y", "123")) == nil)
        #expect(PersonalIdentityCode(code("290200", "+", "123")) == nil)
        #expect(PersonalIdentityCode(code("290200", "A", "123"))?.birthDate.year == 2000)
        #expect(PersonalIdentityCode(code("290296", "-", "123"))?.birthDate.year == 1996)
        #expect(PersonalIdentityCode(code("290204", "B", "123")) != nil)
        #expect(PersonalIdentityCode(code("290297", "-", "123")) == nil)
        #expect(PersonalIdentityCode(code("290203", "A", "123")) == nil)
    }

    @Test func individualNumberRange() {
        #expect(PersonalIdentityCode(code("131052", "-", "000")) == nil)
        #expect(PersonalIdentityCode(code("131052", "-", "001")) == nil)
        #expect(PersonalIdentityCode(code("131052", "-", "002"))?.individualNumber == 2)
        #expect(PersonalIdentityCode(code("131052", "-", "899"))?.isTemporary == false)
        #expect(PersonalIdentityCode(code("131052", "-", "900"))?.isTemporary == true)
        #expect(PersonalIdentityCode(code("131052", "-", "999"))?.isTemporary == true)
    }

    @Test func lowercaseIsUpperCasedFirst() throws {
        let lower = try #require(PersonalIdentityCode("131052a308t"))
        #expect(lower.value == "131052A308T")
        #expect(lower == PersonalIdentityCode("131052A308T"))
        #expect(PersonalIdentityCode("010594y9032")?.value == "010594Y9032")
    }

    @Test(arguments: [
        "", "131052-308", "131052-308TT", "31052-308T", " 131052-308T", "131052-308T ", "131052 308T",
        "1310 52-308T", "13105x-308T", "131052-3o8T", "131052-308T\n",
        "131052-308Т",  // Cyrillic Т
        "１３１０５２-308T",  // full-width digits
    ])
    func malformedTextIsRefused(text: String) {
        #expect(PersonalIdentityCode(text) == nil)
    }

    /// Every remainder 0–30 maps to a character the type accepts, and only that one.
    @Test func everyCheckCharacterIsReachable() {
        var seen = Set<Character>()
        for individual in 2...100 {
            let text = code("010101", "-", String(individual + 1000).dropFirst().description)
            #expect(PersonalIdentityCode(text) != nil, "\(text)")
            seen.insert(text.last!)
        }
        #expect(seen.count == 31)
    }
}

extension String {
    fileprivate func replacingCharacter(at offset: Int, with character: Character) -> String {
        var characters = Array(self)
        characters[offset] = character
        return String(characters)
    }
}
