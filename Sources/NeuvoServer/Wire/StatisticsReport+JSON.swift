import NeuvoClinic
import NeuvoJSON

/// Shares to four decimals, durations and means to one: what a chart or a table shows.
func rounded(_ value: Double?, places: Double) -> JSONValue {
    guard let value else { return .null }
    let scale = places == 4 ? 10_000.0 : 10.0
    return .number((value * scale).rounded() / scale)
}

extension Distribution {
    var json: JSONValue {
        .object(["count": .int(count), "mean": rounded(mean, places: 1), "median": rounded(median, places: 1),
                 "p90": rounded(p90, places: 1), "min": rounded(min, places: 1), "max": rounded(max, places: 1)])
    }
}

extension NetPromoterScore {
    var json: JSONValue {
        .object(["score": rounded(score, places: 1), "answers": .int(answers), "promoters": .int(promoters),
                 "passives": .int(passives), "detractors": .int(detractors)])
    }
}

extension CaseMeasures {
    var json: JSONValue {
        .object([
            "opened": .int(opened), "reachedQueue": .int(reachedQueue), "triaged": .int(triaged),
            "redFlags": .int(redFlags),
            "redFlagsByAction": .object(JSONObject(PreQuestionnaire.RedFlag.Action.allCases.map { ($0.rawValue, .int(redFlagsByAction[$0] ?? 0)) })),
            "withdrawnBeforePick": .int(withdrawnBeforePick), "unanswered": .int(unanswered),
            "unansweredShare": rounded(unansweredShare, places: 4), "waitingNow": .int(waitingNow),
            "picked": .int(picked), "closed": .int(closed),
            "identified": .int(identified), "identifiedShare": rounded(identifiedShare, places: 4),
            "transfers": .int(transfers), "transfersPerCase": rounded(transfersPerCase, places: 4),
            "consultations": .int(consultations), "consultationsPerCase": rounded(consultationsPerCase, places: 4),
            "outcomes": .object(JSONObject(ClosingOutcome.allCases.map { ($0.rawValue, .int(outcomes[$0] ?? 0)) })),
            "whoseMatter": .object(JSONObject(WhoseMatter.allCases.map { ($0.rawValue, .int(whoseMatter[$0] ?? 0)) })),
            "feedbackGiven": .int(feedbackGiven), "feedbackShare": rounded(feedbackShare, places: 4), "nps": nps.json,
            "waitSeconds": wait?.json ?? .null, "firstReplySeconds": firstReply?.json ?? .null,
            "handlingSeconds": handling?.json ?? .null,
        ])
    }
}

extension TimeBucket {
    func json(_ key: String, _ value: JSONValue) -> JSONValue {
        .object([key: value, "contacts": .int(contacts), "picked": .int(picked), "meanWaitSeconds": rounded(meanWait, places: 1)])
    }
}

/// Weekday keys, Monday first, as the opening hours name them.
let weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

extension StatisticsReport {
    /// Queue and service names come from the catalog; ids stay the keys.
    func json(queueName: (String) -> JSONValue, serviceName: (String) -> JSONValue) -> JSONValue {
        .object([
            "from": .string(from.description), "to": .string(through.description),
            "queues": queues.map { .array($0.map { .string($0) }) } ?? .null,
            "service": service.map { .string($0) } ?? .null,
            "totals": totals.json,
            "redFlags": .array(redFlags.map {
                .object(["flag": .string($0.flag), "action": $0.action.map { .string($0.rawValue) } ?? .null, "count": .int($0.count)])
            }),
            "byHour": .array(byHour.enumerated().map { $0.element.json("hour", .int($0.offset)) }),
            "byWeekday": .array(byWeekday.enumerated().map { $0.element.json("weekday", .string(weekdayKeys[$0.offset])) }),
            "byDay": .array(byDay.map { $0.bucket.json("date", .string($0.date.description)) }),
            "byQueue": .array(byQueue.map { .object(["id": .string($0.id), "name": queueName($0.id), "measures": $0.measures.json]) }),
            "byService": .array(byService.map { .object(["id": .string($0.id), "name": serviceName($0.id), "measures": $0.measures.json]) }),
            "comments": .object(["total": .int(commentCount),
                                 "shown": .array(comments.map { .object(["score": .int($0.score), "text": .string($0.text)]) })]),
            "callBacks": callBacks.json,
        ])
    }
}
