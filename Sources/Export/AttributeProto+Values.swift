import Foundation
import ONNXProto

/// ONNX node attributes from Swift values (`onnx.helper.make_attribute`).
extension Onnx_AttributeProto {
    init(_ name: String, int value: Int) {
        self.init()
        self.name = name
        type = .int
        i = Int64(value)
    }

    init(_ name: String, ints values: [Int]) {
        self.init()
        self.name = name
        type = .ints
        ints = values.map(Int64.init)
    }

    init(_ name: String, float value: Float) {
        self.init()
        self.name = name
        type = .float
        f = value
    }

    init(_ name: String, string value: String) {
        self.init()
        self.name = name
        type = .string
        s = Data(value.utf8)
    }

    init(_ name: String, tensor value: Onnx_TensorProto) {
        self.init()
        self.name = name
        type = .tensor
        t = value
    }
}
