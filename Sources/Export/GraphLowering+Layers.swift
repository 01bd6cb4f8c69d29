import ONNXProto
import Tensor
import Tracer

/// Layers as ONNX nodes: `linear` is `MatMul` (+ `Add`) as torch.onnx writes `nn.Linear`, with the
/// `[out, in]` weight transposed by a `Transpose` node so the initializer stays the checkpoint's
/// tensor; RMS norm is spelled out (`RMSNormalization` needs opset 23); rotary embedding is
/// `rotate_half` / `rotate_every_two` on `Slice`, `Neg` and `Concat`, as Hugging Face computes it.
extension GraphLowering {
    func lowerLayer(_ op: Op, _ node: Node) throws {
        switch op {
        case .linear:
            let inOut = node.attributes["layout"] == .string("inOut")
            let weight = inOut ? floatInput(node, 1) : transposedWeight(node, 1)
            if node.inputs.count == 3 {
                finish(node, "Add", [builder.emit1("MatMul", [floatInput(node, 0), weight]), floatInput(node, 2)])
            } else {
                finish(node, "MatMul", [floatInput(node, 0), weight])
            }
        case .matmul:
            finish(node, "MatMul", [floatInput(node, 0), floatInput(node, 1)])
        case .conv2d:
            let stride = try ints("stride", node), padding = try ints("padding", node)
            let kernel = Array(shape(of: node.inputs[1]).suffix(2))
            finish(node, "Conv", node.inputs.indices.map { floatInput(node, $0) },
                   [Onnx_AttributeProto("kernel_shape", ints: kernel), Onnx_AttributeProto("strides", ints: stride),
                    Onnx_AttributeProto("pads", ints: padding + padding)])
        case .embedding:
            let indices = node.inputs[1]
            let index = [DType.i64, .i32].contains(dtype(of: indices)) ? input(node, 1)
                : builder.emit1("Cast", [input(node, 1)], [Onnx_AttributeProto("to", int: Int(DType.i64.onnxType))])
            finish(node, "Gather", [floatInput(node, 0), index], [Onnx_AttributeProto("axis", int: 0)])
        case .softmax:
            finish(node, "Softmax", [floatInput(node, 0)], [Onnx_AttributeProto("axis", int: try int("dim", node))])
        case .layerNorm:
            let width = shape(of: node.inputs[0]).last ?? 1
            let scale = node.inputs.count > 1 ? floatInput(node, 1) : builder.constant(try Onnx_TensorProto(Tensor.full(shape: [width], value: 1)))
            finish(node, "LayerNormalization", [floatInput(node, 0), scale] + (node.inputs.count > 2 ? [floatInput(node, 2)] : []),
                   [Onnx_AttributeProto("axis", int: -1), Onnx_AttributeProto("epsilon", float: Float(try float("eps", node)))])
        case .rmsNorm:
            let x = floatInput(node, 0)
            let meanSquare = builder.emit1("ReduceMean", [builder.emit1("Mul", [x, x]), builder.constant(int64: [-1])], [Onnx_AttributeProto("keepdims", int: 1)])
            let root = builder.emit1("Sqrt", [builder.emit1("Add", [meanSquare, try builder.constant(float("eps", node), dtype: .f32)])])
            if node.inputs.count > 1 {
                finish(node, "Mul", [builder.emit1("Div", [x, root]), floatInput(node, 1)])
            } else {
                finish(node, "Div", [x, root])
            }
        case .rotary:
            try lowerRotary(node)
        default:
            preconditionFailure("\(op) is not a layer")
        }
    }

    /// `x·cos + rotate(x)·sin` on the first `rotaryDim` features of `x` `[..., positions, headDim]`,
    /// the rest passed through (GPT-J's partial rotary).
    private func lowerRotary(_ node: Node) throws {
        let x = floatInput(node, 0), cos = floatInput(node, 1), sin = floatInput(node, 2)
        let xShape = shape(of: node.inputs[0])
        let headDim = xShape.last ?? 0, rotaryDim = shape(of: node.inputs[1]).last ?? 0, half = rotaryDim / 2
        let lastAxis = builder.constant(int64: [-1])
        func slice(_ value: String, _ start: Int, _ end: Int) -> String {
            builder.emit1("Slice", [value, builder.constant(int64: [start]), builder.constant(int64: [end]), lastAxis])
        }
        let rotated = rotaryDim < headDim ? slice(x, 0, rotaryDim) : x
        let turned: String
        if node.attributes["style"] == .string(RotaryStyle.interleaved.rawValue) {
            // rotate_every_two: pairs (2i, 2i+1) → (−x[2i+1], x[2i]).
            let keep = Array(repeating: 0, count: xShape.count - 1)
            let pairs = builder.emit1("Reshape", [rotated, builder.constant(int64: keep + [half, 2])])
            let parts = builder.emit("Split", [pairs, builder.constant(int64: [1, 1])], [Onnx_AttributeProto("axis", int: -1)], outputs: 2)
            let swapped = builder.emit1("Concat", [builder.emit1("Neg", [parts[1]]), parts[0]], [Onnx_AttributeProto("axis", int: -1)])
            turned = builder.emit1("Reshape", [swapped, builder.constant(int64: keep + [rotaryDim])])
        } else {
            // rotate_half: (x1, x2) → (−x2, x1).
            turned = builder.emit1("Concat", [builder.emit1("Neg", [slice(rotated, half, rotaryDim)]), slice(rotated, 0, half)],
                                   [Onnx_AttributeProto("axis", int: -1)])
        }
        let sum = [builder.emit1("Mul", [rotated, cos]), builder.emit1("Mul", [turned, sin])]
        if rotaryDim < headDim {
            let embedded = builder.emit1("Add", sum)
            finish(node, "Concat", [embedded, slice(x, rotaryDim, headDim)], [Onnx_AttributeProto("axis", int: -1)])
        } else {
            finish(node, "Add", sum)
        }
    }
}
