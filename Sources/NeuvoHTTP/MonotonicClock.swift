import Glibc

/// Milliseconds on the monotonic clock; deadlines in the engine use this unit.
@inline(__always)
func monotonicMillis() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
}

extension Duration {
    /// Whole milliseconds, rounded up so that a short timeout never becomes zero.
    var millis: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1000 + UInt64(max(0, (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
    }
}
