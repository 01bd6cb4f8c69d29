/// An owned, 64-byte-aligned f32 buffer for the bare baselines (freed with the buffer).
public final class FloatBuffer: @unchecked Sendable {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}

/// Deterministic pseudo-random inputs in [-1, 1) (a 64-bit LCG), so every run measures the same data.
public func pseudoRandomFloats(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
    }
}

/// Keeps a result alive so the optimiser cannot drop the work that produced it.
@inline(never)
public func keep<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
