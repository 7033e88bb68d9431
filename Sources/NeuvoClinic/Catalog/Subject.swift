import NeuvoJSON

/// Whose matter it is ("puolesta-asiointi"): the resident's own, a child's, or
/// another adult's who has agreed to it.
public enum Subject: Sendable, Equatable {
    case myself
    /// A child: first name, and age in whole months (from the age, birth date or identity code given);
    /// the birth date (`YYYY-MM-DD`) when given or read from the code; the identity code when an
    /// identified guardian gave it.
    case child(firstName: String, ageMonths: Int, birthDate: String? = nil, identity: ChildIdentity? = nil)
    case otherAdult(name: String, relation: String)

    public var kind: String {
        switch self {
        case .myself: return "self"
        case .child: return "child"
        case .otherAdult: return "otherAdult"
        }
    }

    /// The patient's own identity code when it is not the acting resident's (a child's).
    public var patientIdentityCode: String? {
        if case .child(_, _, _, let identity?) = self { return identity.code.value }
        return nil
    }

    public var json: JSONValue {
        switch self {
        case .myself:
            return .object(["kind": .string("self")])
        case .child(let firstName, let ageMonths, let birthDate, let identity):
            var object = JSONObject([("kind", .string("child")), ("firstName", .string(firstName)), ("ageMonths", .int(ageMonths))])
            if let birthDate { object["birthDate"] = .string(birthDate) }
            if let identity {
                object["identityCode"] = .string(identity.code.value)
                object["identitySource"] = .string(identity.source.rawValue)
            }
            return .object(object)
        case .otherAdult(let name, let relation):
            return .object(["kind": .string("otherAdult"), "name": .string(name), "relation": .string(relation)])
        }
    }

    /// Reads what the resident said. A child needs `firstName` and either `ageYears`
    /// (0–17), `birthDate` (YYYY-MM-DD, not in the future, under 18 years ago) or
    /// `identityCode`; another adult needs `name`, `relation` and `consent: true`.
    ///
    /// A child's `identityCode` is taken only from a strongly identified `guardian` (their code); it must
    /// be valid, a child's, and agree with any age or birth date also given. It is `.mandate`
    /// when it is among the codes the identification proxy vouched for (`mandates`).
    public static func parse(_ value: JSONValue?, today: Timestamp, guardian: PersonalIdentityCode? = nil,
                             mandates: Set<String> = []) throws(ClinicError) -> Subject {
        func invalid(_ message: String) -> ClinicError { .invalid(field: "subject", message: message) }
        guard let object = value?.objectValue else { throw invalid("subject must be an object with a kind.") }
        func name(_ key: String) throws(ClinicError) -> String {
            guard let text = object[key]?.stringValue?.trimmingSpacesAndNewlines(), !text.isEmpty else {
                throw invalid("\(key) is required.")
            }
            guard text.count <= 100, !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw invalid("\(key) must be at most 100 characters on one line.")
            }
            return String(text)
        }
        switch object["kind"]?.stringValue {
        case "self":
            return .myself
        case "child":
            let firstName = try name("firstName")
            var identity: ChildIdentity?
            var birthDate: String?
            if let raw = object["identityCode"], raw != .null {
                guard guardian != nil else {
                    throw invalid("A child's identity code can be given only by a strongly identified guardian.")
                }
                guard let text = raw.stringValue, let code = PersonalIdentityCode(text) else {
                    throw invalid("identityCode is not a valid Finnish personal identity code (check the date, the century sign and the check character).")
                }
                guard code.value != guardian?.value else { throw invalid("identityCode is the guardian's own; give the child's.") }
                identity = ChildIdentity(code: code, source: mandates.contains(code.value) ? .mandate : .guardian)
                birthDate = identity?.birthDate
            }
            if let given = object["birthDate"], given != .null {
                guard let text = given.stringValue, CalendarDate(text) != nil else {
                    throw invalid("A child needs ageYears (0–17) or birthDate (YYYY-MM-DD) under 18 years ago.")
                }
                guard birthDate == nil || birthDate == text else { throw invalid("birthDate does not match the identity code's date of birth.") }
                birthDate = text
            }
            var months: Int?
            if let date = birthDate {
                guard let m = CalendarDate(date)?.monthsUntil(today), (0..<(18 * 12)).contains(m) else {
                    throw invalid("A child needs ageYears (0–17) or birthDate (YYYY-MM-DD) under 18 years ago.")
                }
                months = m
            }
            if let years = object["ageYears"], years != .null {
                guard let y = years.intValue, (0...17).contains(y) else { throw invalid("ageYears must be a whole number from 0 to 17.") }
                guard months == nil || months! / 12 == y else { throw invalid("ageYears does not match the birth date.") }
                months = months ?? y * 12
            }
            guard let months else {
                throw invalid("A child needs ageYears (0–17) or birthDate (YYYY-MM-DD) under 18 years ago, or an identity code.")
            }
            return .child(firstName: firstName, ageMonths: months, birthDate: birthDate, identity: identity)
        case "otherAdult":
            let person = try name("name")
            let relation = try name("relation")
            guard object["consent"]?.boolValue == true else {
                throw invalid("Acting for another adult needs their consent (consent: true).")
            }
            return .otherAdult(name: person, relation: relation)
        default:
            throw invalid("subject.kind must be self, child or otherAdult.")
        }
    }

    /// Reads a subject stored by ``json``.
    init?(stored value: JSONValue) {
        switch value["kind"]?.stringValue {
        case "self": self = .myself
        case "child":
            guard let name = value["firstName"]?.stringValue, let months = value["ageMonths"]?.intValue else { return nil }
            let code = value["identityCode"]?.stringValue.flatMap(PersonalIdentityCode.init)
            let source = value["identitySource"]?.stringValue.flatMap(ChildIdentity.Source.init(rawValue:)) ?? .guardian
            self = .child(firstName: name, ageMonths: months, birthDate: value["birthDate"]?.stringValue,
                          identity: code.map { ChildIdentity(code: $0, source: source) })
        case "otherAdult":
            guard let name = value["name"]?.stringValue, let relation = value["relation"]?.stringValue else { return nil }
            self = .otherAdult(name: name, relation: relation)
        default: return nil
        }
    }
}

/// A calendar date `YYYY-MM-DD`.
struct CalendarDate {
    let year: Int, month: Int, day: Int

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { (48...57).contains($0) } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1900...2200).contains(y), (1...12).contains(m), (1...CalendarDate.daysIn(month: m, year: y)).contains(d) else { return nil }
        year = y; month = m; day = d
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whole months from this date to `timestamp`'s date in Finland; negative if in the future.
    /// (Finnish time, so a child born on 1 March is not a day younger between midnight and 02:00.)
    func monthsUntil(_ timestamp: Timestamp) -> Int {
        let today = OpeningHours.localDate(timestamp)
        var months = (today.year - year) * 12 + (today.month - month)
        if today.day < day { months -= 1 }
        if today.year < year || (today.year == year && (today.month, today.day) < (month, day)) { return -1 }
        return months
    }
}

extension Subject {
    /// A child's age in Finnish, the one rule everywhere (the record document, the
    /// draft summary, and `Public/shared/people.js` on the pages): months below two
    /// years ("18 kk"), then whole years ("4 v").
    public static func ageText(months: Int) -> String {
        months < 24 ? "\(months) kk" : "\(months / 12) v"
    }
}
