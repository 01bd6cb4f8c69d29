/// A pure elementwise f32 function of two arguments (add, sub, mul, div).
protocol BinaryKernel {
    static func apply(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
    static func apply(_ a: Float, _ b: Float) -> Float
}

enum ElementwiseLoop {
    /// `output[i] = K(a[i·strideA], b[i·strideB])` for `count` elements; strides are 0 or 1.
    @inline(__always)
    static func binary<K: BinaryKernel>(_: K.Type, _ a: UnsafePointer<Float>, _ strideA: Int, _ b: UnsafePointer<Float>, _ strideB: Int,
                                        _ output: UnsafeMutablePointer<Float>, _ count: Int) {
        var index = 0
        switch (strideA, strideB) {
        case (1, 1):
            while index + 8 <= count {
                let x = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
                let y = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(output + index).storeBytes(of: K.apply(x, y), as: SIMD8<Float>.self)
                index += 8
            }
        case (1, 0):
            let y = SIMD8<Float>(repeating: b[0])
            while index + 8 <= count {
                let x = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(output + index).storeBytes(of: K.apply(x, y), as: SIMD8<Float>.self)
                index += 8
            }
        case (0, 1):
            let x = SIMD8<Float>(repeating: a[0])
            while index + 8 <= count {
                let y = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(output + index).storeBytes(of: K.apply(x, y), as: SIMD8<Float>.self)
                index += 8
            }
        default:
            break
        }
        while index < count {
            output[index] = K.apply(a[index * strideA], b[index * strideB])
            index += 1
        }
    }
}
