/// A summary of durations (wait, first reply, handling) in seconds.
///
/// Median and p90 are nearest-rank: the smallest value with at least 50 % /
/// 90 % of the values at or below it, so each is a duration that happened.
public struct Distribution: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    public let median: Double
    public let p90: Double
    public let min: Double
    public let max: Double

    /// Nil when there is nothing to summarise. `millis` need not be sorted.
    public init?(millis: [Int64]) {
        guard !millis.isEmpty else { return nil }
        let sorted = millis.sorted()
        func rank(_ percent: Int) -> Double {
            let index = (sorted.count * percent + 99) / 100 - 1
            return Double(sorted[Swift.max(0, index)]) / 1000
        }
        count = sorted.count
        mean = Double(sorted.reduce(0, +)) / Double(sorted.count) / 1000
        median = rank(50)
        p90 = rank(90)
        min = Double(sorted[0]) / 1000
        max = Double(sorted[sorted.count - 1]) / 1000
    }
}

/// Net Promoter Score: promoters (9–10) minus detractors (0–6), in percent of all answers.
public struct NetPromoterScore: Sendable, Equatable {
    public let answers: Int
    public let promoters: Int
    public let passives: Int
    public let detractors: Int

    public init(answers: Int, promoters: Int, passives: Int, detractors: Int) {
        self.answers = answers
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
    }

    /// -100 … 100, nil without answers.
    public var score: Double? {
        answers == 0 ? nil : Double(promoters - detractors) * 100 / Double(answers)
    }
}
