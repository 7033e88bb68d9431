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

    /// Nil when there is nothing to summarise. `millis` need not be sorted: the
    /// two ranks are selected in linear time (a year has 250,000 waits; sorting
    /// them was a seventh of the statistics' time).
    public init?(millis: [Int64]) {
        guard !millis.isEmpty else { return nil }
        var values = millis
        let n = values.count
        let i50 = (n * 50 + 99) / 100 - 1, i90 = (n * 90 + 99) / 100 - 1
        Self.select(&values, rank: i50, in: 0..<n)
        Self.select(&values, rank: i90, in: i50..<n)
        count = n
        var sum: Int64 = 0, low = Int64.max, high = Int64.min
        for value in values {
            sum += value
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        mean = Double(sum) / Double(n) / 1000
        median = Double(values[i50]) / 1000
        p90 = Double(values[i90]) / 1000
        min = Double(low) / 1000
        max = Double(high) / 1000
    }

    /// Puts the value of `rank` (0-based, in ascending order) at `values[rank]`, smaller
    /// ones before it and larger after, within `range` (Hoare's selection, median-of-three pivot).
    static func select(_ values: inout [Int64], rank: Int, in range: Range<Int>) {
        var low = range.lowerBound, high = range.upperBound - 1
        while low < high {
            let mid = low + (high - low) / 2
            if values[mid] < values[low] { values.swapAt(mid, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[mid] { values.swapAt(high, mid) }
            let pivot = values[mid]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j { high = j } else if rank >= i { low = i } else { return }
        }
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
