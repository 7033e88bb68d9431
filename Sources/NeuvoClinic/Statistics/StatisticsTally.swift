/// Counts one set of conversations as they are read, then makes its ``CaseMeasures``.
struct MeasuresTally {
    private var measures = CaseMeasures()
    private var waits: [Int64] = []
    private var firstReplies: [Int64] = []
    private var handlings: [Int64] = []
    private var promoters = 0, passives = 0, detractors = 0

    mutating func add(_ facts: CaseFacts) {
        measures.opened += 1
        if facts.redFlag != nil {
            measures.redFlags += 1
            measures.triaged += 1
            if let action = facts.redFlagAction { measures.redFlagsByAction[action, default: 0] += 1 }
        }
        if facts.reachedQueue {
            measures.reachedQueue += 1
            measures.triaged += 1
            if facts.pickedAt == nil {
                switch facts.status {
                case .withdrawn:
                    measures.withdrawnBeforePick += 1
                    measures.unanswered += 1
                case .closed:
                    measures.unanswered += 1
                case .queued:
                    measures.waitingNow += 1
                default:
                    break
                }
            }
        }
        if facts.identified && (facts.reachedQueue || facts.redFlag != nil) { measures.identified += 1 }
        if let kind = facts.whoseMatter { measures.whoseMatter[kind, default: 0] += 1 }
        if let wait = facts.wait {
            measures.picked += 1
            waits.append(wait)
            measures.transfers += facts.transfers
            measures.consultations += facts.consultations
            if let reply = facts.firstReplyAt, let picked = facts.pickedAt { firstReplies.append(max(0, reply - picked)) }
            if facts.status == .closed, let closed = facts.closedAt, let picked = facts.pickedAt {
                measures.closed += 1
                handlings.append(max(0, closed - picked))
                if let outcome = facts.outcome { measures.outcomes[outcome, default: 0] += 1 }
            }
        }
        if let score = facts.feedbackScore {
            measures.feedbackGiven += 1
            switch score {
            case 9...10: promoters += 1
            case 7...8: passives += 1
            default: detractors += 1
            }
        }
    }

    var result: CaseMeasures {
        var result = measures
        result.wait = Distribution(millis: waits)
        result.firstReply = Distribution(millis: firstReplies)
        result.handling = Distribution(millis: handlings)
        result.nps = NetPromoterScore(answers: promoters + passives + detractors, promoters: promoters, passives: passives, detractors: detractors)
        return result
    }
}

/// The whole report's tallies: the totals, each queue and service, the red
/// flags, and contacts per hour, weekday and date.
struct StatisticsTally {
    let from: LocalDate
    let through: LocalDate
    let calendar: LocalCalendar
    private var totals = MeasuresTally()
    private var queues: [String: MeasuresTally] = [:]
    private var services: [String: MeasuresTally] = [:]
    private var redFlags: [String: (action: PreQuestionnaire.RedFlag.Action?, count: Int)] = [:]
    private var hours = Array(repeating: TimeBucket(), count: 24)
    private var weekdays = Array(repeating: TimeBucket(), count: 7)
    private var days: [TimeBucket]

    init(from: LocalDate, through: LocalDate, calendar: LocalCalendar) {
        self.from = from
        self.through = through
        self.calendar = calendar
        days = Array(repeating: TimeBucket(), count: through.dayNumber - from.dayNumber + 1)
    }

    mutating func add(_ facts: CaseFacts) {
        totals.add(facts)
        if let queue = facts.queue { queues[queue, default: MeasuresTally()].add(facts) }
        if let service = facts.service { services[service, default: MeasuresTally()].add(facts) }
        if let flag = facts.redFlag {
            redFlags[flag, default: (facts.redFlagAction, 0)].count += 1
        }
        let (day, hour) = calendar.dayAndHour(of: facts.openedAt)
        let wait = facts.wait
        hours[hour].add(wait: wait)
        weekdays[LocalDate(dayNumber: day).weekday].add(wait: wait)
        let index = day - from.dayNumber
        if days.indices.contains(index) { days[index].add(wait: wait) }
    }

    func report(queues filter: [String]?, service: String?, comments: [StatisticsReport.Comment], commentCount: Int) -> StatisticsReport {
        StatisticsReport(
            from: from, through: through, queues: filter, service: service, totals: totals.result,
            redFlags: redFlags.map { .init(flag: $0.key, action: $0.value.action, count: $0.value.count) }
                .sorted { ($0.count, $1.flag) > ($1.count, $0.flag) },
            byHour: hours, byWeekday: weekdays,
            byDay: days.enumerated().map { (from.adding(days: $0.offset), $0.element) },
            byQueue: queues.keys.sorted().map { .init(id: $0, measures: queues[$0]!.result) },
            byService: services.keys.sorted().map { .init(id: $0, measures: services[$0]!.result) },
            comments: comments, commentCount: commentCount)
    }
}
