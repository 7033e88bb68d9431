import Synchronization

/// A thread-safe counter that closures can capture (an `Atomic` alone cannot be captured).
public final class Counter: Sendable {
    private let atomic: Atomic<Int>
    public init(_ value: Int = 0) { atomic = Atomic(value) }
    public var value: Int { atomic.load(ordering: .sequentiallyConsistent) }
    public func increment() { atomic.add(1, ordering: .sequentiallyConsistent) }
    public func set(_ value: Int) { atomic.store(value, ordering: .sequentiallyConsistent) }
}
