import Testing

@testable import NeuvoClinic

/// The wait estimate a queued resident sees.
@Suite struct WaitEstimateTests {
    let mondayNoonHelsinki = Timestamp(millis: 1_795_428_000_000)  // 2026-11-23T10:00Z = 12:00 in Helsinki
    let sundayNoonHelsinki = Timestamp(millis: 1_795_341_600_000)  // 2026-11-22T10:00Z

    func nurse() throws -> WorkQueue { try #require(try testCatalog().queue("nurse")) }

    @Test func closedQueueSaysWhenItOpens() throws {
        let estimate = WaitEstimate.estimate(position: 1, queue: try nurse(), at: sundayNoonHelsinki, onShift: 3, picksLastHour: 10)
        // Monday 08:00 in Helsinki is 06:00 UTC.
        #expect(estimate == .closed(opensAt: Timestamp(millis: 1_795_413_600_000)))
        if case .closed(let opensAt) = estimate { #expect(opensAt?.rfc3339 == "2026-11-23T06:00:00.000Z") }
    }

    @Test func nobodyOnShiftPromisesNoNumber() throws {
        #expect(WaitEstimate.estimate(position: 1, queue: try nurse(), at: mondayNoonHelsinki, onShift: 0, picksLastHour: 10) == .nobodyOnShift)
    }

    @Test func rangesGrowWithPositionAndShrinkWithStaff() throws {
        let queue = try nurse()
        // One nurse, no history: 4 cases an hour → the 2nd waits about 22 minutes.
        #expect(WaitEstimate.estimate(position: 2, queue: queue, at: mondayNoonHelsinki, onShift: 1, picksLastHour: 0)
                == .minutes(low: 10, high: 35, onShift: 1))
        // Two nurses halve it.
        #expect(WaitEstimate.estimate(position: 2, queue: queue, at: mondayNoonHelsinki, onShift: 2, picksLastHour: 0)
                == .minutes(low: 5, high: 15, onShift: 2))
        // A busy recent hour (12 picks) beats the staff assumption: the 6th waits about 27 minutes.
        #expect(WaitEstimate.estimate(position: 6, queue: queue, at: mondayNoonHelsinki, onShift: 1, picksLastHour: 12)
                == .minutes(low: 15, high: 40, onShift: 1))
        // The first in line never sees "0–0".
        if case .minutes(let low, let high, _) = WaitEstimate.estimate(position: 1, queue: queue, at: mondayNoonHelsinki, onShift: 9, picksLastHour: 0) {
            #expect(low == 0 && high >= 5)
        } else {
            Issue.record("expected a range")
        }
    }
}
