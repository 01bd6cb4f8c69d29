@testable import Tensor

/// Maps a fixture case's `op` and attributes to the Swift op, so the reference tests and the
/// meta-tensor tests run exactly the same calls.
enum ReferenceOps {
    /// Builds the case's inputs (meta tensors of the same shapes when `meta`) and runs its op.
    static func run(_ reference: ReferenceCase, meta: Bool) throws -> [Tensor] {
        let inputs = try reference.inputs.map { try $0.makeTensor(meta: meta) }
        return try run(reference.op, inputs: inputs, attributes: reference.attributes, meta: meta)
    }

    /// Every op name `run` knows.
    static let ops: Set<String> = [
        "linear", "matmul", "add", "sub", "mul", "div", "rsub", "gelu", "silu", "relu", "tanh", "sigmoid", "dropout",
        "softmax", "layer_norm", "rms_norm", "embedding", "gather", "conv2d", "rotary", "rotary_tables", "causal_mask",
        "padding_mask", "masked_fill", "where", "sum", "mean", "argmax", "to", "contiguous", "permute", "transpose",
        "narrow", "select", "expand", "reshape", "unsqueeze", "squeeze", "flatten", "concat", "split", "chunk",
    ]

    static func run(_ op: String, inputs: [Tensor], attributes a: ReferenceAttributes, meta: Bool) throws -> [Tensor] {
        func input(_ index: Int) throws -> Tensor {
            guard index < inputs.count else { throw FixtureError("\(op) needs input \(index), the case has \(inputs.count)") }
            return inputs[index]
        }
        func optionalInput(_ index: Int, if present: Bool) throws -> Tensor? { present ? try input(index) : nil }
        func pair(_ key: String) throws -> (Int, Int) {
            let values = try a.ints(key)
            guard values.count == 2 else { throw FixtureError("attribute \(key) needs 2 values") }
            return (values[0], values[1])
        }

        switch op {
        case "linear":
            guard let layout = WeightLayout(rawValue: try a.string("layout")) else { throw FixtureError("unknown layout") }
            return [try input(0).linear(weight: try input(1), bias: inputs.count > 2 ? inputs[2] : nil, layout: layout)]
        case "matmul":
            return [try input(0).matmul(try input(1))]
        case "add", "sub", "mul", "div":
            if inputs.count == 1 {
                let scalar = Float(try a.double("scalar"))
                switch op {
                case "add": return [try input(0).add(scalar)]
                case "sub": return [try input(0).sub(scalar)]
                case "mul": return [try input(0).mul(scalar)]
                default: return [try input(0).div(scalar)]
                }
            }
            switch op {
            case "add": return [try input(0).add(try input(1))]
            case "sub": return [try input(0).sub(try input(1))]
            case "mul": return [try input(0).mul(try input(1))]
            default: return [try input(0).div(try input(1))]
            }
        case "rsub":
            return [try input(0).reverseSub(Float(try a.double("scalar")))]
        case "gelu":
            guard let approximate = GELUApproximation(rawValue: try a.string("approximate")) else { throw FixtureError("unknown approximation") }
            return [try input(0).gelu(approximate: approximate)]
        case "silu": return [try input(0).silu()]
        case "relu": return [try input(0).relu()]
        case "tanh": return [try input(0).tanh()]
        case "sigmoid": return [try input(0).sigmoid()]
        case "dropout": return [try input(0).dropout(probability: try a.double("p"))]
        case "softmax": return [try input(0).softmax()]
        case "layer_norm":
            let hasWeight = try a.bool("has_weight"), hasBias = try a.bool("has_bias")
            return [try input(0).layerNorm(weight: try optionalInput(1, if: hasWeight),
                                           bias: try optionalInput(hasWeight ? 2 : 1, if: hasBias), eps: try a.double("eps"))]
        case "rms_norm":
            return [try input(0).rmsNorm(weight: try optionalInput(1, if: try a.bool("has_weight")), eps: try a.double("eps"))]
        case "embedding":
            return [try input(0).embedding(try input(1))]
        case "gather":
            return [try input(0).gather(axis: try a.int("dim"), index: try input(1))]
        case "conv2d":
            return [try input(0).conv2d(weight: try input(1), bias: try optionalInput(2, if: try a.bool("has_bias")),
                                        stride: try pair("stride"), padding: try pair("padding"))]
        case "rotary":
            guard let style = RotaryStyle(rawValue: try a.string("style")) else { throw FixtureError("unknown rotary style") }
            return [try input(0).rotary(cos: try input(1), sin: try input(2), style: style)]
        case "rotary_tables":
            guard let style = RotaryStyle(rawValue: try a.string("style")) else { throw FixtureError("unknown rotary style") }
            let tables = try Tensor.rotaryTables(length: try a.int("length"), rotaryDim: try a.int("dim"), base: try a.double("base"),
                                                 style: style, meta: meta)
            return [tables.cos, tables.sin]
        case "causal_mask":
            return [try Tensor.causalMask(queryLength: try a.int("query_length"), keyLength: try a.int("key_length"), meta: meta)]
        case "padding_mask": return [try input(0).paddingMask()]
        case "masked_fill": return [try input(0).maskedFill(try input(1), value: Float(try a.double("value")))]
        case "where": return [try Tensor.where(try input(0), try input(1), try input(2))]
        case "sum": return [try input(0).sum(axis: try a.int("dim"), keepDim: try a.bool("keepdim"))]
        case "mean": return [try input(0).mean(axis: try a.int("dim"), keepDim: try a.bool("keepdim"))]
        case "argmax": return [try input(0).argmax(axis: try a.int("dim"), keepDim: try a.bool("keepdim"))]
        case "to":
            guard let dtype = DType(rawValue: try a.string("dtype")) else { throw FixtureError("unknown dtype") }
            return [try input(0).to(dtype)]
        case "contiguous": return [try input(0).contiguous()]
        case "permute": return [try input(0).permute(try a.ints("dims"))]
        case "transpose":
            let (first, second) = try pair("dims")
            return [try input(0).transpose(first, second)]
        case "narrow": return [try input(0).narrow(try a.int("dim"), start: try a.int("start"), length: try a.int("length"))]
        case "select": return [try input(0).select(try a.int("dim"), try a.int("index"))]
        case "expand": return [try input(0).expand(try a.ints("shape"))]
        case "reshape": return [try input(0).reshape(try a.ints("shape"))]
        case "unsqueeze": return [try input(0).unsqueeze(try a.int("dim"))]
        case "squeeze": return [try input(0).squeeze(try a.int("dim"))]
        case "flatten": return [try input(0).flatten(from: try a.int("start"), to: try a.int("end"))]
        case "concat": return [try Tensor.concat(inputs, axis: try a.int("dim"))]
        case "split": return try input(0).split(sizes: try a.ints("sizes"), axis: try a.int("dim"))
        case "chunk": return try input(0).chunk(try a.int("chunks"), axis: try a.int("dim"))
        default:
            throw FixtureError("no Swift op for fixture op \"\(op)\"")
        }
    }
}
