/// Vectorised f32 math for the activation and softmax kernels: `exp`, `erf` and friends on
/// `SIMD8<Float>`, accurate to a few ulps, branch-free so each row runs as straight-line SIMD.
enum VectorMath {
    typealias Vector = SIMD8<Float>

    /// e^x (Cephes-style: range reduction by ln 2, degree-6 polynomial, exponent bits); inputs are
    /// clamped to ±88, where f32 e^x overflows, so the result is always finite. The rounding of
    /// x·log2(e) to an integer uses the 1.5·2²³ trick: adding it leaves the integer in the low
    /// mantissa bits, so no float-to-integer conversion is needed.
    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        let x = input.clamped(lowerBound: Vector(repeating: -87.3), upperBound: Vector(repeating: 88.3))
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * r * r + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return p * unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
    }

    /// e^x for one value, the same formula as the vector form.
    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(Vector(repeating: x))[0] }

    /// 1 / (1 + e^-x).
    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector { 1 / (1 + exp(-x)) }

    /// tanh x = 2·sigmoid(2x) − 1.
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector { 2 / (1 + exp(-2 * x)) - 1 }

    /// erf x (Abramowitz & Stegun 7.1.26, max abs error 1.5e-7).
    @inline(__always)
    static func erf(_ x: Vector) -> Vector {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var poly = Vector(repeating: 1.061_405_429)
        poly = poly * t - 1.453_152_027
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        let magnitude = 1 - poly * t * exp(-a * a)
        return magnitude.replacing(with: -magnitude, where: x .< 0)
    }
}
