import Tensor

/// `torch.nn.Conv2d` with groups = 1 (ViT's patch embedding).
public final class Conv2d: Module {
    @ParameterInfo(key: "weight") public private(set) var weight: Parameter
    @ParameterInfo(key: "bias") public private(set) var bias: Parameter?
    public let stride: (Int, Int)
    public let padding: (Int, Int)

    public init(inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), bias: Bool = true) {
        self.stride = stride
        self.padding = padding
        super.init(typeName: "Conv2d")
        weight = Parameter(shape: [outChannels, inChannels, kernelSize.0, kernelSize.1])
        self.bias = bias ? Parameter(shape: [outChannels]) : nil
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try x.conv2d(weight: value(weight), bias: value(bias), stride: stride, padding: padding) }
    }
}
