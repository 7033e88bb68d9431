import NeuvoJSON
import NeuvoStore

/// What a waiting resident is told about the wait.
public enum WaitEstimate: Sendable, Equatable {
    /// A range in minutes, from the queue's recent pick rate and who is on shift.
    case minutes(low: Int, high: Int, onShift: Int)
    /// The queue is open but nobody is on shift: no number can be promised.
    case nobodyOnShift
    /// The queue is closed; the case is taken up when it opens.
    case closed(opensAt: Timestamp?)

    /// A short stable form; clients send it back as `estimate=` to be woken when it changes.
    public var key: String {
        switch self {
        case .minutes(let low, let high, _): return "\(low)-\(high)"
        case .nobodyOnShift: return "nobody"
        case .closed: return "closed"
        }
    }

    /// Minutes one professional is assumed to spend on a case when the queue
    /// has no recent picks to learn from (Soite's chats averaged 14.5 minutes).
    static let assumedMinutesPerCase = 15.0

    /// The estimate for the case at `position` in a queue.
    ///
    /// - Parameters:
    ///   - picksLastHour: cases picked from this queue in the past hour.
    ///   - onShift: professionals on shift in the queue now.
    static func estimate(position: Int, queue: WorkQueue, at now: Timestamp, onShift: Int, picksLastHour: Int) -> WaitEstimate {
        guard queue.openingHours.isOpen(at: now) else { return .closed(opensAt: queue.openingHours.nextOpening(after: now)) }
        guard onShift > 0 else { return .nobodyOnShift }
        // Cases per hour: what the queue has recently managed, or what its staff could.
        let capacity = Double(onShift) * 60 / assumedMinutesPerCase
        let rate = picksLastHour > 0 ? max(Double(picksLastHour), capacity / 2) : capacity
        // The case at position 1 is next: on average half a case-time away.
        let expected = (Double(position) - 0.5) / rate * 60
        func round5(_ m: Double) -> Int { max(0, Int((m / 5).rounded()) * 5) }
        let low = round5(expected * 0.5), high = max(round5(expected * 1.5), low + 5)
        return .minutes(low: low, high: high, onShift: onShift)
    }
}
