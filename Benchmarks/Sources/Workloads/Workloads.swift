import BareBLAS
import Tensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The benchmarked shapes: BERT-base's three linear shapes (128 tokens, hidden 768,
/// intermediate 3072), its attention matmuls (12 heads of 64 over 128 tokens), and one
/// `[128, 3072]` f32 activation (1.5 MiB) for the elementwise ops.
public enum Workloads {
    public static let tokens = 128
    /// `(in, out)` of BERT-base's linears: attention projections, intermediate, output.
    public static let linearShapes: [(inFeatures: Int, outFeatures: Int)] = [(768, 768), (768, 3072), (3072, 768)]
    public static let (heads, headSize) = (12, 64)
    public static let elementwiseShape = [128, 3072]

    /// Every comparison, in table order: the GEMM ops on `backend` (default: the process's choice),
    /// then the elementwise ops.
    public static func all(backend: GEMMBackend = GEMM.active) throws -> [Comparison] {
        try gemm(backend: backend) + elementwise()
    }

    /// The linears and the attention matmuls on `backend`, each against the backend's bare GEMM.
    public static func gemm(backend: GEMMBackend) throws -> [Comparison] {
        try linearShapes.map { try linear(inFeatures: $0.inFeatures, outFeatures: $0.outFeatures, backend: backend) }
            + attentionMatmuls(backend: backend)
    }

    /// `Tensor.linear(weight:bias:)` on `[128, in] × [out, in]ᵀ + bias` run on `backend`, against one
    /// bare `backend.sgemm(NoTrans, Trans)` on the same shape into a preallocated output.
    public static func linear(inFeatures: Int, outFeatures: Int, backend: GEMMBackend) throws -> Comparison {
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
            keep(try GEMM.withBackend(backend) { try x.linear(weight: weight, bias: bias) })
        }
        let a = FloatBuffer(xValues), b = FloatBuffer(wValues), c = FloatBuffer(count: m * n)
        let baseline = Workload(name: "sgemm", shape: shape, work: work) {
            backend.sgemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: a.pointer, lda: k,
                          b: b.pointer, ldb: k, beta: 0, c: c.pointer, ldc: n)
            keep(c)
        }
        return Comparison(op: op, baseline: baseline, goal: .throughputAtLeast(fractionOfBaseline: 0.9))
    }

    /// BERT-base's two attention matmuls as the model runs them, on `backend`: scores
    /// `q · kᵀ` (`[1, 12, 128, 64] × [1, 12, 64, 128]`, kᵀ a transposed view) and context
    /// `p · v` (`[1, 12, 128, 128] × [1, 12, 128, 64]`), each against the same per-head GEMMs
    /// called bare on preallocated buffers.
    public static func attentionMatmuls(backend: GEMMBackend) throws -> [Comparison] {
        let (h, s, d) = (heads, tokens, headSize)
        let qValues = pseudoRandomFloats(h * s * d, seed: 8), kValues = pseudoRandomFloats(h * s * d, seed: 9)
        let pValues = pseudoRandomFloats(h * s * s, seed: 10).map { ($0 + 1) / Float(2 * s) }
        let q = try Tensor(qValues, shape: [1, h, s, d]), k = try Tensor(kValues, shape: [1, h, s, d])
        let p = try Tensor(pValues, shape: [1, h, s, s])
        let kT = try k.transpose(2, 3)
        let qBuffer = FloatBuffer(qValues), kBuffer = FloatBuffer(kValues), pBuffer = FloatBuffer(pValues)
        let scores = FloatBuffer(count: h * s * s), context = FloatBuffer(count: h * s * d)
        let work = Work.flops(2 * Double(h * s * s * d))
        let scoresOp = Workload(name: "matmul", shape: "\(h)x\(s)x\(d)·kT", work: work) {
            keep(try GEMM.withBackend(backend) { try q.matmul(kT) })
        }
        let scoresBaseline = Workload(name: "sgemm×\(h)", shape: "\(h)x\(s)x\(d)·kT", work: work) {
            for head in 0..<h {
                backend.sgemm(transposeA: false, transposeB: true, m: s, n: s, k: d, alpha: 1, a: qBuffer.pointer + head * s * d, lda: d,
                              b: kBuffer.pointer + head * s * d, ldb: d, beta: 0, c: scores.pointer + head * s * s, ldc: s)
            }
            keep(scores)
        }
        let contextOp = Workload(name: "matmul", shape: "\(h)x\(s)x\(s)·v", work: work) {
            keep(try GEMM.withBackend(backend) { try p.matmul(k) })
        }
        let contextBaseline = Workload(name: "sgemm×\(h)", shape: "\(h)x\(s)x\(s)·v", work: work) {
            for head in 0..<h {
                backend.sgemm(transposeA: false, transposeB: false, m: s, n: d, k: s, alpha: 1, a: pBuffer.pointer + head * s * s, lda: s,
                              b: kBuffer.pointer + head * s * d, ldb: d, beta: 0, c: context.pointer + head * s * d, ldc: d)
            }
            keep(context)
        }
        return [Comparison(op: scoresOp, baseline: scoresBaseline, goal: .throughputAtLeast(fractionOfBaseline: 0.9)),
                Comparison(op: contextOp, baseline: contextBaseline, goal: .throughputAtLeast(fractionOfBaseline: 0.9))]
    }

    /// BERT-base's forward (`ModelForward.bertBase`, 1×128 tokens) untraced and traced, against
    /// one bare GEMM of the process's backend on `[128, 768] × [768, 3072]` (the intermediate linear's shape).
    public static func bertBaseForward() throws -> ModelComparison {
        let model = try ModelForward.bertBase(sequenceLength: tokens)
        let work = Work.flops(model.flops)
        return ModelComparison(
            model: model,
            forward: Workload(name: "forward", shape: model.shape, work: work) { keep(try model.forward()) },
            tracedForward: Workload(name: "traced forward", shape: model.shape, work: work) { keep(try model.tracedForward()) },
            sgemm: try linear(inFeatures: 768, outFeatures: 3072, backend: GEMM.active).baseline
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

/// The linked OpenBLAS (the baseline library): its build config, core and threads.
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
