import BareBLAS
import Tensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The benchmarked shapes: BERT-base's three linear shapes (128 tokens, hidden 768,
/// intermediate 3072) and one `[128, 3072]` f32 activation (1.5 MiB) for the elementwise ops.
public enum Workloads {
    public static let tokens = 128
    /// `(in, out)` of BERT-base's linears: attention projections, intermediate, output.
    public static let linearShapes: [(inFeatures: Int, outFeatures: Int)] = [(768, 768), (768, 3072), (3072, 768)]
    public static let elementwiseShape = [128, 3072]

    /// Every comparison, in table order.
    public static func all() throws -> [Comparison] {
        try linearShapes.map { try linear(inFeatures: $0.inFeatures, outFeatures: $0.outFeatures) } + elementwise()
    }

    /// `Tensor.linear(weight:bias:)` on `[128, in] × [out, in]ᵀ + bias` against one bare
    /// `cblas_sgemm(RowMajor, NoTrans, Trans)` on the same shape into a preallocated output.
    public static func linear(inFeatures: Int, outFeatures: Int) throws -> Comparison {
        let m = tokens, n = outFeatures, k = inFeatures
        let xValues = pseudoRandomFloats(m * k, seed: 1)
        let wValues = pseudoRandomFloats(n * k, seed: 2).map { $0 * 0.05 }
        let bValues = pseudoRandomFloats(n, seed: 3)
        let x = try Tensor(xValues, shape: [m, k])
        let weight = try Tensor(wValues, shape: [n, k])
        let bias = try Tensor(bValues, shape: [n])
        let shape = "\(m)x\(k)->\(n)"
        let work = Work.flops(2 * Double(m) * Double(n) * Double(k))
        let op = Workload(name: "linear", shape: shape, work: work) {
            keep(try x.linear(weight: weight, bias: bias))
        }
        let a = FloatBuffer(xValues), b = FloatBuffer(wValues), c = FloatBuffer(count: m * n)
        let baseline = Workload(name: "cblas_sgemm", shape: shape, work: work) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                        1, a.pointer, Int32(k), b.pointer, Int32(k), 0, c.pointer, Int32(n))
            keep(c)
        }
        return Comparison(op: op, baseline: baseline, goal: .throughputAtLeast(fractionOfBaseline: 0.9))
    }

    /// BERT-base's forward (`ModelForward.bertBase`, 1×128 tokens) untraced and traced, against
    /// one bare `cblas_sgemm` on `[128, 768] × [768, 3072]` (the intermediate linear's shape).
    public static func bertBaseForward() throws -> ModelComparison {
        let model = try ModelForward.bertBase(sequenceLength: tokens)
        let work = Work.flops(model.flops)
        return ModelComparison(
            model: model,
            forward: Workload(name: "forward", shape: model.shape, work: work) { keep(try model.forward()) },
            tracedForward: Workload(name: "traced forward", shape: model.shape, work: work) { keep(try model.tracedForward()) },
            sgemm: try linear(inFeatures: 768, outFeatures: 3072).baseline
        )
    }

    /// softmax, layerNorm, gelu and add on `[128, 3072]` f32, each against a plain `memcpy` of the
    /// tensor's bytes (1.5 MiB) between two preallocated buffers. Bytes moved count every input
    /// read once and the output written once (memcpy: 1.5 MiB read + 1.5 MiB written).
    public static func elementwise() throws -> [Comparison] {
        let shape = elementwiseShape
        let count = shape.reduce(1, *), columns = shape[1]
        let tensorBytes = Double(count * MemoryLayout<Float>.size)
        let shapeText = shape.map(String.init).joined(separator: "x")
        let xValues = pseudoRandomFloats(count, seed: 4).map { $0 * 4 }
        let x = try Tensor(xValues, shape: shape)
        let y = try Tensor(pseudoRandomFloats(count, seed: 5), shape: shape)
        let gamma = try Tensor(pseudoRandomFloats(columns, seed: 6).map { 1 + 0.1 * $0 }, shape: [columns])
        let beta = try Tensor(pseudoRandomFloats(columns, seed: 7).map { 0.1 * $0 }, shape: [columns])

        let source = FloatBuffer(xValues), destination = FloatBuffer(count: count)
        let byteCount = count * MemoryLayout<Float>.size
        func memcpyBaseline() -> Workload {
            Workload(name: "memcpy", shape: shapeText, work: .bytes(2 * tensorBytes)) {
                _ = memcpy(destination.pointer, source.pointer, byteCount)
                keep(destination)
            }
        }
        func compare(_ name: String, inputs: Int, _ call: @escaping () throws -> Tensor) -> Comparison {
            let op = Workload(name: name, shape: shapeText, work: .bytes(Double(inputs + 1) * tensorBytes)) { keep(try call()) }
            return Comparison(op: op, baseline: memcpyBaseline(), goal: .timeAtMost(timesBaseline: 3))
        }
        return [
            compare("softmax", inputs: 1) { try x.softmax() },
            compare("layerNorm", inputs: 1) { try x.layerNorm(weight: gamma, bias: beta, eps: 1e-12) },
            compare("gelu", inputs: 1) { try x.gelu() },
            compare("add", inputs: 2) { try x.add(y) },
        ]
    }
}

/// The BLAS both `Tensor.linear` and the baseline run on: OpenBLAS's build config, core and threads.
public func blasDescription() -> String {
    let config = openblas_get_config().map { String(cString: $0) } ?? "?"
    let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
    return "\(config), core \(core), \(openblas_get_num_threads()) threads"
}

/// Monotonic time in nanoseconds.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
