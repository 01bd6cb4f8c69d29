#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds on the system's monotonic clock (`CLOCK_MONOTONIC`): never goes backwards and is
/// not changed by setting the wall-clock time, so differences of two readings are durations. The
/// zero point is arbitrary (boot, usually); only differences mean anything.
enum MonotonicClock {
    /// The current reading, in nanoseconds.
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
