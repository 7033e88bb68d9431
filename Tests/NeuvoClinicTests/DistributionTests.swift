import NeuvoClinic
import Testing

/// The statistics' durations: selection gives what sorting would.
@Suite struct DistributionTests {
    @Test func selectedRanksEqualTheSortedOnes() {
        var generator = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 9, 10, 11, 100, 1_001, 20_000] {
            for duplicates in [false, true] {
                let values = (0..<n).map { _ in Int64.random(in: 0...(duplicates ? 5 : 10_000_000), using: &generator) }
                let sorted = values.sorted()
                let d = try! #require(Distribution(millis: values))
                #expect(d.count == n)
                #expect(d.median == Double(sorted[(n * 50 + 99) / 100 - 1]) / 1000, "n=\(n)")
                #expect(d.p90 == Double(sorted[(n * 90 + 99) / 100 - 1]) / 1000, "n=\(n)")
                #expect(d.min == Double(sorted[0]) / 1000 && d.max == Double(sorted[n - 1]) / 1000)
            }
        }
        // Already in order, and in reverse: the pivot still halves the range.
        let ordered = (0..<50_000).map(Int64.init)
        #expect(Distribution(millis: ordered)?.median == 24.999 && Distribution(millis: ordered.reversed())?.p90 == 44.999)
        #expect(Distribution(millis: []) == nil)
    }
}
