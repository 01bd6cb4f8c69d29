import Formats
import Foundation
import Tensor

/// Placeholder inputs, as INC makes them for `torch.jit.trace`: a tensor of ones of a given shape
/// and dtype for the model's primary input.
public enum PlaceholderInputs {
    /// Parses a `--shape` argument such as `1,128` (positive integers separated by commas).
    public static func parseShape(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InputError.malformedShape(text, detail: "expected positive integers separated by commas, e.g. 1,128")
        }
        return try parts.map { part in
            guard !part.isEmpty else { throw InputError.malformedShape(text, detail: "empty dimension (expected e.g. 1,128)") }
            guard let value = Int(part) else { throw InputError.malformedShape(text, detail: "\"\(part)\" is not an integer") }
            guard value > 0 else { throw InputError.malformedShape(text, detail: "dimension \(value) must be positive") }
            return value
        }
    }

    /// Parses a `--dtype` argument (`int64`, `float32`, ...).
    public static func parseDType(_ text: String) throws -> DType {
        guard let dtype = DType(userName: text) else { throw InputError.unknownDType(text) }
        return dtype
    }

    /// Ones of `shape` and `dtype` for the model's primary input, or, when `shape`/`dtype` are nil,
    /// of the shape and dtype the model declares. In meta mode the tensor has no data.
    /// Refuses shapes whose input plus one `[batch, length, length]` attention score matrix would
    /// not fit in this machine's memory.
    public static func make(for model: any TransformerModel, shape: [Int]?, dtype: DType?, meta: Bool = false) throws -> ModelInputs {
        guard let primary = model.inputSpecs.first(where: \.isPrimary) else {
            throw ModelError.missingInput(name: "primary input", model: model.typeName)
        }
        let finalShape = shape ?? primary.defaultShape
        let finalDType = dtype ?? primary.dtype
        if !meta { try checkFits(finalShape, dtype: finalDType) }
        return ModelInputs([(primary.name, Tensor.full(shape: finalShape, value: 1, dtype: finalDType, meta: meta))])
    }

    static func checkFits(_ shape: [Int], dtype: DType) throws {
        var elements = 1.0
        for dimension in shape { elements *= Double(dimension) }
        let length = Double(shape.last ?? 1)
        let batch = elements / length
        let bytes = elements * Double(dtype.byteSize) + batch * length * length * 4
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        if bytes > available { throw InputError.tooLarge(shape: shape, bytes: bytes, available: available) }
    }
}
