import NeuvoClinic

/// The statistics tables as CSV downloads, one per table the page shows.
enum StatisticsTable: String, CaseIterable, Sendable {
    case summary, hours, weekdays, days, queues, services, redFlags = "red-flags", comments, callBacks = "call-backs"

    /// Queue and service names in the reader's language.
    func csv(_ report: StatisticsReport, queueName: (String) -> String, serviceName: (String) -> String) -> CSVTable {
        switch self {
        case .summary:
            var table = CSVTable(["measure", "value"])
            for (measure, value) in Self.summaryRows(report.totals) { table.add([.text(measure), value]) }
            return table
        case .hours:
            return Self.buckets("hour", report.byHour.enumerated().map { (String(format2: $0.offset) + "–" + String(format2: $0.offset + 1), $0.element) })
        case .weekdays:
            return Self.buckets("weekday", report.byWeekday.enumerated().map { (weekdayKeys[$0.offset], $0.element) })
        case .days:
            return Self.buckets("date", report.byDay.map { ($0.date.description, $0.bucket) })
        case .queues:
            return Self.groups("queue", report.byQueue, name: queueName)
        case .services:
            return Self.groups("service", report.byService, name: serviceName)
        case .redFlags:
            var table = CSVTable(["red flag", "action", "count"])
            for flag in report.redFlags { table.add([.text(flag.flag), .text(flag.action?.rawValue ?? ""), .int(flag.count)]) }
            return table
        case .comments:
            var table = CSVTable(["score", "comment"])
            for comment in report.comments { table.add([.int(comment.score), .text(comment.text)]) }
            return table
        case .callBacks:
            return report.callBacks.csv
        }
    }

    private static func buckets(_ key: String, _ rows: [(String, TimeBucket)]) -> CSVTable {
        var table = CSVTable([key, "contacts", "picked", "mean wait (min)"])
        for (label, bucket) in rows {
            table.add([.text(label), .int(bucket.contacts), .int(bucket.picked), .number(bucket.meanWait.map { $0 / 60 }, places: 1)])
        }
        return table
    }

    private static func groups(_ key: String, _ groups: [StatisticsReport.Group], name: (String) -> String) -> CSVTable {
        let measures = summaryRows(CaseMeasures()).map(\.0)
        var table = CSVTable([key, "name"] + measures)
        for group in groups {
            table.add([.text(group.id), .text(name(group.id))] + summaryRows(group.measures).map(\.1))
        }
        return table
    }

    /// Every measure of a set of conversations, in the README's order; durations in minutes.
    static func summaryRows(_ m: CaseMeasures) -> [(String, CSVTable.Cell)] {
        func minutes(_ value: Double?) -> CSVTable.Cell { .number(value.map { $0 / 60 }, places: 1) }
        var rows: [(String, CSVTable.Cell)] = [
            ("conversations opened", .int(m.opened)), ("answered the pre-questions", .int(m.triaged)),
            ("reached a queue", .int(m.reachedQueue)), ("red flags", .int(m.redFlags)),
        ]
        for action in PreQuestionnaire.RedFlag.Action.allCases {
            rows.append(("red flags \(action.rawValue)", .int(m.redFlagsByAction[action] ?? 0)))
        }
        rows += [
            ("withdrawn before pick", .int(m.withdrawnBeforePick)), ("unanswered", .int(m.unanswered)),
            ("unanswered share", .number(m.unansweredShare, places: 4)), ("waiting now", .int(m.waitingNow)),
            ("picked", .int(m.picked)), ("closed", .int(m.closed)),
            ("wait mean (min)", minutes(m.wait?.mean)), ("wait median (min)", minutes(m.wait?.median)),
            ("wait p90 (min)", minutes(m.wait?.p90)), ("wait min (min)", minutes(m.wait?.min)), ("wait max (min)", minutes(m.wait?.max)),
            ("first reply mean (min)", minutes(m.firstReply?.mean)), ("first reply median (min)", minutes(m.firstReply?.median)),
            ("first reply p90 (min)", minutes(m.firstReply?.p90)),
            ("handling mean (min)", minutes(m.handling?.mean)), ("handling median (min)", minutes(m.handling?.median)),
            ("handling p90 (min)", minutes(m.handling?.p90)), ("handling min (min)", minutes(m.handling?.min)),
            ("handling max (min)", minutes(m.handling?.max)),
            ("transfers per case", .number(m.transfersPerCase, places: 4)),
            ("consultations per case", .number(m.consultationsPerCase, places: 4)),
        ]
        for outcome in ClosingOutcome.allCases { rows.append(("closed with \(outcome.rawValue)", .int(m.outcomes[outcome] ?? 0))) }
        rows += [("identified", .int(m.identified)), ("identified share", .number(m.identifiedShare, places: 4))]
        for whose in WhoseMatter.allCases { rows.append(("whose matter \(whose.rawValue)", .int(m.whoseMatter[whose] ?? 0))) }
        rows += [
            ("feedback given", .int(m.feedbackGiven)), ("feedback share", .number(m.feedbackShare, places: 4)),
            ("NPS", .number(m.nps.score, places: 1)), ("NPS answers", .int(m.nps.answers)),
            ("NPS promoters", .int(m.nps.promoters)), ("NPS passives", .int(m.nps.passives)), ("NPS detractors", .int(m.nps.detractors)),
        ]
        return rows
    }
}

extension String {
    /// Two digits: 07.
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : "\(value)" }
}
