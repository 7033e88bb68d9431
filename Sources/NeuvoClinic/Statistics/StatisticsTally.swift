import NeuvoStore

/// Counts one set of conversations as they are read, then makes its ``CaseMeasures``.
/// Counts by category are arrays indexed like their enum's `allCases`.
struct MeasuresTally {
    private var measures = CaseMeasures()
    private var actions = Array(repeating: 0, count: PreQuestionnaire.RedFlag.Action.allCases.count)
    private var outcomes = Array(repeating: 0, count: ClosingOutcome.allCases.count)
    private var whose = Array(repeating: 0, count: WhoseMatter.allCases.count)
    private var waits: [Int64] = [], firstReplies: [Int64] = [], handlings: [Int64] = []
    private var promoters = 0, passives = 0, detractors = 0

    mutating func add(_ facts: CaseFacts, wait: Int64?) {
        measures.opened += 1
        if facts.isRedFlag {
            measures.redFlags += 1
            measures.triaged += 1
            if facts.redFlagAction >= 0 { actions[Int(facts.redFlagAction)] += 1 }
        }
        if facts.reachedQueue {
            measures.reachedQueue += 1
            measures.triaged += 1
            if facts.pickedAt == nil {
                switch facts.status {
                case .withdrawn:
                    measures.withdrawnBeforePick += 1
                    measures.unanswered += 1
                case .closed: measures.unanswered += 1
                case .queued: measures.waitingNow += 1
                default: break
                }
            }
        }
        if facts.identified && (facts.reachedQueue || facts.isRedFlag) { measures.identified += 1 }
        if facts.whoseMatter >= 0 { whose[Int(facts.whoseMatter)] += 1 }
        if let wait, let picked = facts.pickedAt {
            measures.picked += 1
            waits.append(wait)
            measures.transfers += Int(facts.transfers)
            measures.consultations += Int(facts.consultations)
            if let reply = facts.firstReplyAt { firstReplies.append(max(0, reply - picked)) }
            if facts.status == .closed, let closed = facts.closedAt {
                measures.closed += 1
                handlings.append(max(0, closed - picked))
                if facts.outcome >= 0 { outcomes[Int(facts.outcome)] += 1 }
            }
        }
        if facts.feedbackScore >= 0 {
            measures.feedbackGiven += 1
            switch facts.feedbackScore {
            case 9...10: promoters += 1
            case 7...8: passives += 1
            default: detractors += 1
            }
        }
    }

    var result: CaseMeasures {
        var result = measures
        for (index, action) in PreQuestionnaire.RedFlag.Action.allCases.enumerated() where actions[index] > 0 {
            result.redFlagsByAction[action] = actions[index]
        }
        for (index, outcome) in ClosingOutcome.allCases.enumerated() where outcomes[index] > 0 { result.outcomes[outcome] = outcomes[index] }
        for (index, kind) in WhoseMatter.allCases.enumerated() where whose[index] > 0 { result.whoseMatter[kind] = whose[index] }
        result.wait = Distribution(millis: waits)
        result.firstReply = Distribution(millis: firstReplies)
        result.handling = Distribution(millis: handlings)
        result.nps = NetPromoterScore(answers: promoters + passives + detractors, promoters: promoters, passives: passives, detractors: detractors)
        return result
    }
}

/// The whole report's tallies: the totals, each queue and service, the red
/// flags, and contacts per hour, weekday and date, for the conversations that
/// pass the filters.
struct StatisticsTally {
    let from: LocalDate
    let through: LocalDate
    let calendar: LocalCalendar
    /// The queues counted (nil: all, and conversations that reached none); the one service counted.
    let queueFilter: Set<String>?
    let serviceFilter: String?
    let numbering: StatisticsDays.Numbering
    /// Per queue number: whether it passes the filter; the service filter's number.
    private let queuePasses: [Bool]
    private let serviceNumber: Int?
    private var totals = MeasuresTally()
    private var queues: [MeasuresTally], services: [MeasuresTally]
    private var redFlags: [Int32: (action: Int8, count: Int)] = [:]
    private var hours = Array(repeating: TimeBucket(), count: 24)
    private var weekdays = Array(repeating: TimeBucket(), count: 7)
    private var days: [TimeBucket]
    private var commentCount = 0
    /// The newest comments, set once read.
    var comments: [StatisticsReport.Comment] = []

    init(from: LocalDate, through: LocalDate, calendar: LocalCalendar, queues: Set<String>?, service: String?,
         numbering: StatisticsDays.Numbering) {
        self.from = from
        self.through = through
        self.calendar = calendar
        queueFilter = queues
        serviceFilter = service
        self.numbering = numbering
        queuePasses = numbering.queues.ids.map { queues?.contains($0) ?? true }
        serviceNumber = service.flatMap { numbering.services.ids.firstIndex(of: $0) } ?? (service == nil ? nil : -2)
        self.queues = Array(repeating: MeasuresTally(), count: numbering.queues.ids.count)
        services = Array(repeating: MeasuresTally(), count: numbering.services.ids.count)
        days = Array(repeating: TimeBucket(), count: through.dayNumber - from.dayNumber + 1)
    }

    /// Whether a conversation of this queue and service number is counted.
    func passes(queue: Int32, service: Int32) -> Bool {
        if queueFilter != nil, queue < 0 || Int(queue) >= queuePasses.count || !queuePasses[Int(queue)] { return false }
        if let serviceNumber, Int(service) != serviceNumber { return false }
        return true
    }

    mutating func add(_ facts: CaseFacts) {
        guard passes(queue: facts.queue, service: facts.service) else { return }
        let wait = facts.wait
        totals.add(facts, wait: wait)
        if facts.queue >= 0 { queues[Int(facts.queue)].add(facts, wait: wait) }
        if facts.service >= 0 { services[Int(facts.service)].add(facts, wait: wait) }
        if facts.redFlag >= 0 { redFlags[facts.redFlag, default: (facts.redFlagAction, 0)].count += 1 }
        if facts.commented { commentCount += 1 }
        let (day, hour) = calendar.dayAndHour(of: facts.openedAt)
        hours[hour].add(wait: wait)
        weekdays[((day % 7) + 10) % 7].add(wait: wait)  // 1970-01-01 was a Thursday (3, counting from Monday)
        let index = day - from.dayNumber
        if days.indices.contains(index) { days[index].add(wait: wait) }
    }

    var report: StatisticsReport {
        let actions = PreQuestionnaire.RedFlag.Action.allCases
        func groups(_ ids: [String], _ tallies: [MeasuresTally]) -> [StatisticsReport.Group] {
            ids.indices.filter { tallies[$0].counted }.sorted { ids[$0] < ids[$1] }
                .map { StatisticsReport.Group(id: ids[$0], measures: tallies[$0].result) }
        }
        return StatisticsReport(
            from: from, through: through, queues: queueFilter.map { $0.sorted() }, service: serviceFilter, totals: totals.result,
            redFlags: redFlags.map { .init(flag: numbering.flags.ids[Int($0.key)], action: $0.value.action < 0 ? nil : actions[Int($0.value.action)],
                                           count: $0.value.count) }
                .sorted { ($0.count, $1.flag) > ($1.count, $0.flag) },
            byHour: hours, byWeekday: weekdays,
            byDay: days.enumerated().map { (from.adding(days: $0.offset), $0.element) },
            byQueue: groups(numbering.queues.ids, queues), byService: groups(numbering.services.ids, services),
            comments: comments, commentCount: commentCount)
    }
}

extension MeasuresTally {
    /// Whether any conversation was counted (a queue seen only in filtered-out rows is not reported).
    var counted: Bool { measures.opened > 0 }
}
