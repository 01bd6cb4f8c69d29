extension Tensor {
    /// 2-D convolution of `[N, C, H, W]` with a `[O, C, kH, kW]` weight (groups = 1), zero padding,
    /// by im2col and one GEMM per image: `[O, C·kH·kW] × [C·kH·kW, outH·outW]`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        let attributes: [String: OpAttribute] = ["stride": .ints([stride.0, stride.1]), "padding": .ints([padding.0, padding.1])]
        return try OpRecording.run(.conv2d, inputs: inputs, attributes: attributes) {
            guard rank == 4, weight.rank == 4 else {
                throw TensorError.shapeMismatch(op: Op.conv2d.rawValue, detail: "input \(Shape.describe(shape)) and weight \(Shape.describe(weight.shape)) must both be 4-D")
            }
            let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
            let (outChannels, kernelH, kernelW) = (weight.shape[0], weight.shape[2], weight.shape[3])
            guard weight.shape[1] == channels else {
                throw TensorError.shapeMismatch(op: Op.conv2d.rawValue, detail: "input has \(channels) channels, weight \(Shape.describe(weight.shape)) expects \(weight.shape[1])")
            }
            guard stride.0 > 0, stride.1 > 0, padding.0 >= 0, padding.1 >= 0 else {
                throw TensorError.invalidArgument(op: Op.conv2d.rawValue, detail: "stride must be positive and padding non-negative")
            }
            if let bias, bias.shape != [outChannels] {
                throw TensorError.shapeMismatch(op: Op.conv2d.rawValue, detail: "bias \(Shape.describe(bias.shape)) does not match \(outChannels) output channels")
            }
            let outH = (height + 2 * padding.0 - kernelH) / stride.0 + 1
            let outW = (width + 2 * padding.1 - kernelW) / stride.1 + 1
            guard outH > 0, outW > 0 else {
                throw TensorError.shapeMismatch(op: Op.conv2d.rawValue, detail: "kernel \(kernelH)x\(kernelW) is larger than the padded input \(height)x\(width)")
            }
            let result = Tensor.uninitialized(shape: [batch, outChannels, outH, outW], dtype: .f32, meta: inputs.contains { $0.isMeta })
            guard !result.isMeta else { return result }
            let image = contiguousF32(), kernel = weight.contiguousF32()
            let patch = channels * kernelH * kernelW, pixels = outH * outW
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: max(patch * pixels, 1))
            defer { columns.deallocate() }
            let output = result.floatPointer()
            let biasValues = try bias.map { try $0.floats() }
            let gemm = GEMM.active
            for n in 0..<batch {
                let source = image.floatPointer() + n * channels * height * width
                for row in 0..<patch {
                    let c = row / (kernelH * kernelW), ky = (row / kernelW) % kernelH, kx = row % kernelW
                    for oy in 0..<outH {
                        let y = oy * stride.0 - padding.0 + ky
                        for ox in 0..<outW {
                            let x = ox * stride.1 - padding.1 + kx
                            let inside = y >= 0 && y < height && x >= 0 && x < width
                            columns[row * pixels + oy * outW + ox] = inside ? source[(c * height + y) * width + x] : 0
                        }
                    }
                }
                let destination = output + n * outChannels * pixels
                for o in 0..<outChannels {
                    (destination + o * pixels).update(repeating: biasValues?[o] ?? 0, count: pixels)
                }
                gemm.sgemm(transposeA: false, transposeB: false, m: outChannels, n: pixels, k: patch, alpha: 1,
                           a: kernel.floatPointer(), lda: patch, b: columns, ldb: pixels, beta: 1, c: destination, ldc: pixels)
            }
            return result
        }
    }
}
