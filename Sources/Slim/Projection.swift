import NN
import Searchers
import Tensor

/// A linear layer whatever its weight layout: `Linear` stores `[out, in]`, Hugging Face's `Conv1D`
/// (GPT-2) `[in, out]`. Slimming speaks of input channels (the columns a `Linear` multiplies, the
/// rows of a `Conv1D`) and output channels (rows of a `Linear` and its bias; columns of a `Conv1D`
/// and its bias), and this type maps them onto the weight's axes.
public struct Projection {
    /// The module's dotted path.
    public let path: String
    public let weight: Parameter
    public let bias: Parameter?
    /// The weight axis that indexes output channels: 0 for `Linear`, 1 for `Conv1D`.
    public let outputAxis: Int

    /// The weight axis that indexes input channels.
    public var inputAxis: Int { 1 - outputAxis }
    public var inFeatures: Int { weight.shape[inputAxis] }
    public var outFeatures: Int { weight.shape[outputAxis] }

    /// The `Linear` or `Conv1D` at `path` below `root`.
    public init(path: String, in root: Module) throws {
        let module: Module
        do { module = try ModulePaths.attribute(of: root, path: path) } catch {
            throw SlimError.unsupportedModule(path: path, detail: error.localizedDescription)
        }
        self.path = path
        switch module {
        case let linear as Linear:
            (weight, bias, outputAxis) = (linear.weight, linear.bias, 0)
        case let conv as Conv1D:
            (weight, bias, outputAxis) = (conv.weight, conv.bias, 1)
        default:
            throw SlimError.unsupportedModule(path: path, detail: "is a \(module.typeName), not a Linear or Conv1D")
        }
        guard weight.shape.count == 2, !weight.tensor.isMeta else {
            throw SlimError.unsupportedTensor(detail: "\(path).weight is \(weight.tensor.isMeta ? "a meta tensor (no data)" : "not 2-D")")
        }
    }

    /// For each input channel, whether its weights are all zero.
    func zeroInputChannels() throws -> [Bool] { try weight.tensor.zeroSlices(axis: inputAxis) }

    /// For each output channel, whether its weights are all zero (the bias is not consulted).
    func zeroOutputChannels() throws -> [Bool] { try weight.tensor.zeroSlices(axis: outputAxis) }

    /// The new weight keeping only input channels `kept` (the bias is unchanged).
    func keepingInputChannels(_ kept: [Int]) throws -> [(Parameter, Tensor)] {
        [(weight, try weight.tensor.selecting(kept, axis: inputAxis))]
    }

    /// The new weight and bias keeping only output channels `kept`.
    func keepingOutputChannels(_ kept: [Int]) throws -> [(Parameter, Tensor)] {
        var result = [(weight, try weight.tensor.selecting(kept, axis: outputAxis))]
        if let bias { result.append((bias, try bias.tensor.selecting(kept, axis: 0))) }
        return result
    }

    /// The module's parameters by name suffix, for shape reports.
    var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
