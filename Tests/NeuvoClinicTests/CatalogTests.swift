import NeuvoJSON
import NeuvoTestSupport
import Testing

@testable import NeuvoClinic

func testCatalog() throws -> Catalog { try Catalog(bytes: Array(testCatalogJSON.utf8)) }

/// Replaces the text at `old` in the test catalog, parses it, and returns the error.
func catalogError(replacing old: String, with new: String) -> CatalogError? {
    let text = testCatalogJSON.replacingOccurrences(of: old, with: new)
    precondition(text != testCatalogJSON, "the replacement must change the document")
    do {
        _ = try Catalog(bytes: Array(text.utf8))
        return nil
    } catch {
        return error
    }
}

extension String {
    func replacingOccurrences(of old: String, with new: String) -> String {
        guard let range = range(of: old) else { return self }
        return replacingCharacters(in: range, with: new)
    }
}

/// Importing validates the whole catalog and names the exact place of an error.
@Suite struct CatalogValidationTests {
    @Test func theTestCatalogIsValid() throws {
        let catalog = try testCatalog()
        #expect(catalog.version == "test-1")
        #expect(catalog.queues.map(\.id) == ["nurse", "child-health", "dental"])
        #expect(catalog.service("skin")?.questionnaire?.questions.count == 7)
        #expect(catalog.service("illness")?.children.count == 1)
    }

    @Test(arguments: [
        (#""version": "test-1","#, #""version": "","#, "version", "must not be blank"),
        (#""sv": "Skötare""#, #""se": "Skötare""#, "queues[0].name.se", "is not a known field"),
        (#""08:00", "16:00"]], "tue""#, #""16:00", "08:00"]], "tue""#, "queues[0].openingHours.mon[0]", "must start before it ends"),
        (#""09:00", "13:00""#, #""9:00", "13:00""#, "queues[0].openingHours.sat[0][0]", "HH:MM"),
        (#""targetFirstResponseMinutes": 60"#, #""targetFirstResponseMinutes": 0"#, "queues[0].targetFirstResponseMinutes", "must be from 1"),
        (#""showIf": {"question": "duration", "in": ["days", "weeks"]}"#, #""showIf": {"question": "duration", "in": ["days", "months"]}"#,
         "services[0].children[0].questionnaire.questions[1].showIf.in[1]", "'months' is not an option"),
        (#""showIf": {"question": "fever", "equals": "yes"}"#, #""showIf": {"question": "notes", "answered": true}"#,
         "services[0].children[0].questionnaire.questions[4].showIf.question", "not an earlier question"),
        (#""type": "yesNo", "required": true,"#, #""type": "maybe", "required": true,"#,
         "services[0].children[0].questionnaire.questions[1].type", "must be singleChoice"),
        (#""min": 35, "max": 43"#, #""min": 43, "max": 35"#, "services[0].children[0].questionnaire.questions[4].max", "greater than min"),
        (#""action": "call112""#, #""action": "call911""#, "services[0].children[0].questionnaire.redFlags[0].action", "call112 or call116117"),
        (#""queue": "child-health", "urgency": "urgent""#, #""queue": "pediatrics", "urgency": "urgent""#,
         "services[0].children[0].questionnaire.routes[0].queue", "not a work queue"),
        (#""queue": "child-health", "urgency": "urgent""#, #""queue": "child-health", "urgency": "asap""#,
         "services[0].children[0].questionnaire.routes[0].urgency", "urgent, soon or normal"),
        (#"{"queue": "nurse", "urgency": "normal","#, #"{"when": {"subject": "self"}, "queue": "nurse", "urgency": "normal","#,
         "services[0].children[0].questionnaire.routes[3].when", "the last route is the default"),
        (#""id": "dental", "title""#, #""id": "skin", "title""#, "services", "'skin' is used twice"),
        (#""maxCount": 3,"#, #""maxCount": 3, "required": true,"#, "services[0].children[0].questionnaire.questions[6].required", "cannot be required"),
    ])
    func errorsNameTheExactPlace(old: String, new: String, path: String, message: String) {
        let error = catalogError(replacing: old, with: new)
        #expect(error?.path == path)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func notJSONIsRefusedWithTheOffset() {
        #expect(throws: CatalogError.self) { try Catalog(bytes: Array("{\"version\": ".utf8)) }
    }
}

/// Whose matter it is.
@Suite struct SubjectTests {
    let today = Timestamp(millis: 1_795_000_000_000)  // 2026-11-18

    @Test func kinds() throws {
        #expect(try Subject.parse(.object(["kind": .string("self")]), today: today) == .myself)
        #expect(try Subject.parse(.object(["kind": .string("child"), "firstName": .string("Aino"), "ageYears": .int(3)]), today: today)
                == .child(firstName: "Aino", ageMonths: 36))
        #expect(try Subject.parse(.object(["kind": .string("child"), "firstName": .string("Eino"), "birthDate": .string("2025-12-01")]), today: today)
                == .child(firstName: "Eino", ageMonths: 11, birthDate: "2025-12-01"))
        #expect(try Subject.parse(.object(["kind": .string("otherAdult"), "name": .string("Matti Virtanen"), "relation": .string("isä"),
                                           "consent": .bool(true)]), today: today) == .otherAdult(name: "Matti Virtanen", relation: "isä"))
    }

    @Test func ageCountsInFinnishDates() throws {
        // 30 November 23:30 UTC is already 1 December 01:30 in Helsinki: Eino turns nine months.
        let lateEvening = Timestamp(millis: 1_796_081_400_000)
        #expect(lateEvening.rfc3339 == "2026-11-30T23:30:00.000Z")
        #expect(try Subject.parse(.object(["kind": .string("child"), "firstName": .string("Eino"), "birthDate": .string("2026-03-01")]),
                                  today: lateEvening) == .child(firstName: "Eino", ageMonths: 9, birthDate: "2026-03-01"))
    }

    @Test(arguments: [
        #"{"kind": "dog"}"#, #"{"kind": "child", "ageYears": 3}"#, #"{"kind": "child", "firstName": "A", "ageYears": 18}"#,
        #"{"kind": "child", "firstName": "A", "birthDate": "2030-01-01"}"#, #"{"kind": "child", "firstName": "A", "birthDate": "2025-02-30"}"#,
        #"{"kind": "otherAdult", "name": "M", "relation": "isä"}"#, #"{"kind": "child", "firstName": "   ", "ageYears": 1}"#, #""self""#,
    ])
    func invalidSubjects(json: String) throws {
        #expect(throws: ClinicError.self) { try Subject.parse(try JSONValue.parse(json), today: today) }
    }
}

/// Answers are validated against the questions shown for them.
@Suite struct AnswerValidationTests {
    func skin() throws -> PreQuestionnaire { try #require(try testCatalog().service("skin")?.questionnaire) }

    func answers(_ json: String) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (k, v) in try #require(try JSONValue.parse(json).objectValue) { out[k] = v }
        return out
    }

    func failure(_ json: String, subject: Subject = .myself) throws -> (String, String)? {
        do {
            _ = try skin().validate(try answers(json), subject: subject)
            return nil
        } catch {
            guard case ClinicError.invalidAnswer(let question, let message)? = error as? ClinicError else { return ("?", "\(error)") }
            return (question, message)
        }
    }

    @Test func validAnswersWithABranchTaken() throws {
        let valid = try skin().validate(try answers(#"{"duration": "days", "spreading": true, "breathing": false, "fever": true, "temperature": 38.5, "notes": "  kutisee  "}"#), subject: .myself)
        #expect(valid["spreading"] == .yesNo(true))
        #expect(valid["temperature"] == .number(38.5))
        #expect(valid["notes"] == .text("kutisee"))
    }

    @Test(arguments: [
        (#"{"duration": "hours", "breathing": false, "fever": false, "colour": "red"}"#, "colour", "not a question"),
        (#"{"duration": "hours", "spreading": true, "breathing": false, "fever": false}"#, "spreading", "not asked"),
        (#"{"duration": "hours", "breathing": false, "fever": false, "temperature": 38}"#, "temperature", "not asked"),
        (#"{"duration": "days", "breathing": false, "fever": false}"#, "spreading", "required"),
        (#"{"breathing": false, "fever": false}"#, "duration", "required"),
        (#"{"duration": "hours", "breathing": false, "fever": true}"#, "temperature", "required"),
        (#"{"duration": "months", "breathing": false, "fever": false}"#, "duration", "not an option"),
        (#"{"duration": "hours", "breathing": "no", "fever": false}"#, "breathing", "true or false"),
        (#"{"duration": "hours", "breathing": false, "fever": true, "temperature": 44}"#, "temperature", "from 35 to 43"),
        (#"{"duration": "hours", "breathing": false, "fever": true, "temperature": "39"}"#, "temperature", "a number"),
        (#"{"duration": "hours", "breathing": false, "fever": false, "notes": 5}"#, "notes", "with text"),
        (#"{"duration": "hours", "breathing": false, "fever": false, "photo": []}"#, "photo", "uploads"),
        (#"{"duration": "hours", "breathing": null, "fever": false}"#, "breathing", "null"),
    ])
    func refusedAnswersNameTheQuestion(json: String, question: String, message: String) throws {
        let failure = try #require(try failure(json))
        #expect(failure.0 == question)
        #expect(failure.1.contains(message), "\(failure.1)")
    }

    @Test func tooLongTextIsRefused() throws {
        let long = String(repeating: "a", count: 201)
        #expect(try failure(#"{"duration": "hours", "breathing": false, "fever": false, "notes": "\#(long)"}"#)?.0 == "notes")
    }
}

/// Red flags stop the flow; routes pick the queue and urgency.
@Suite struct RoutingTests {
    func outcome(_ json: String, subject: Subject) throws -> PreQuestionnaire.Outcome {
        let questionnaire = try #require(try testCatalog().service("skin")?.questionnaire)
        var raw: [String: JSONValue] = [:]
        for (k, v) in try #require(try JSONValue.parse(json).objectValue) { raw[k] = v }
        return questionnaire.outcome(for: try questionnaire.validate(raw, subject: subject), subject: subject)
    }

    func route(_ json: String, subject: Subject) throws -> (String, Urgency)? {
        if case .route(let route) = try outcome(json, subject: subject) { return (route.queue, route.urgency) }
        return nil
    }

    let calm = #"{"duration": "hours", "breathing": false, "fever": false}"#
    let hot = #"{"duration": "hours", "breathing": false, "fever": true, "temperature": 39.5}"#

    @Test func redFlags() throws {
        guard case .redFlag(let flag) = try outcome(#"{"duration": "hours", "breathing": true, "fever": false}"#, subject: .myself) else {
            Issue.record("difficult breathing must be a red flag")
            return
        }
        #expect(flag.action == .call112)
        guard case .redFlag(let infant) = try outcome(hot, subject: .child(firstName: "V", ageMonths: 2)) else {
            Issue.record("a feverish infant must be a red flag")
            return
        }
        #expect(infant.action == .call116117)
    }

    @Test func routesByWhoseMatterAndAnswers() throws {
        #expect(try route(calm, subject: .child(firstName: "A", ageMonths: 18))! == ("child-health", .urgent))
        #expect(try route(hot, subject: .child(firstName: "A", ageMonths: 18))! == ("child-health", .urgent))
        #expect(try route(calm, subject: .child(firstName: "A", ageMonths: 30))! == ("child-health", .soon))
        #expect(try route(hot, subject: .myself)! == ("nurse", .soon))
        #expect(try route(hot, subject: .otherAdult(name: "M", relation: "isä"))! == ("nurse", .soon))
        #expect(try route(calm, subject: .myself)! == ("nurse", .normal))
    }
}

/// Opening hours in Finnish local time, across daylight saving.
@Suite struct OpeningHoursTests {
    // 2026-11-23 is a Monday; Helsinki is UTC+2 in winter, UTC+3 in summer.
    func utc(_ text: String) -> Timestamp {
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).map { Int($0)! }
        var days = 0
        for year in 1970..<parts[0] { days += (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365 }
        let monthDays = [31, (parts[0] % 4 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        days += monthDays[0..<(parts[1] - 1)].reduce(0, +) + parts[2] - 1
        return Timestamp(millis: Int64(((days * 24 + parts[3]) * 60 + parts[4]) * 60) * 1000)
    }

    @Test func openAndClosedInLocalTime() throws {
        let nurse = try #require(try testCatalog().queue("nurse")).openingHours
        #expect(!nurse.isOpen(at: utc("2026-11-23T05:59")))  // 07:59 local
        #expect(nurse.isOpen(at: utc("2026-11-23T06:00")))   // 08:00 local
        #expect(nurse.isOpen(at: utc("2026-11-23T13:59")))
        #expect(!nurse.isOpen(at: utc("2026-11-23T14:00")))  // 16:00 local
        #expect(nurse.isOpen(at: utc("2026-06-15T05:00")))   // 08:00 local in summer
        #expect(!nurse.isOpen(at: utc("2026-11-29T10:00")))  // Sunday
    }

    @Test func nextOpening() throws {
        let nurse = try #require(try testCatalog().queue("nurse")).openingHours
        // Friday 17:00 local → Saturday 09:00 local.
        #expect(nurse.nextOpening(after: utc("2026-11-27T15:00")) == utc("2026-11-28T07:00"))
        // Saturday 14:00 local → Monday 08:00 local.
        #expect(nurse.nextOpening(after: utc("2026-11-28T12:00")) == utc("2026-11-30T06:00"))
        let open = utc("2026-11-23T08:00")
        #expect(nurse.nextOpening(after: open) == open)
    }
}
