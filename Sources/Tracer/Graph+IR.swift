import Tensor

extension Graph {
    /// The graph as TorchScript-style IR lines, one per node in execution order (the analogue of
    /// INC's `flatten_static_graph`):
    ///
    /// ```
    /// %0 : Float(1, 16) = input[name="x"]()
    /// %1 : Float(64, 16) = param[name="fc1.weight"](), scope: fc1 (Linear)
    /// %3 : Float(1, 64) = linear(%0, %1, %2), scope: fc1 (Linear)
    /// %4 : Float(1, 64) = gelu[approximate="none"](%3), scope: act (GELUActivation)
    /// ```
    ///
    /// Attributes print in brackets sorted by name; `input` and `param` nodes print their value's
    /// name; the scope is the innermost module's dotted path (`<root>` for the root) and class.
    public func irLines() -> [String] {
        nodes.map(irLine)
    }

    /// `irLines()` joined with newlines, followed by a `return (%a, %b)` line naming the graph's
    /// outputs when it has any.
    public var irText: String {
        var lines = irLines()
        if !outputs.isEmpty {
            lines.append("return (" + outputs.map { "%\($0)" }.joined(separator: ", ") + ")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One node as an IR line.
    public func irLine(_ node: Node) -> String {
        var line = node.outputs.map { id in
            let value = values[id]
            return "%\(id) : " + Graph.irType(value.dtype, shape: value.shape)
        }.joined(separator: ", ")
        line += " = " + node.kind.name
        var attributes = node.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if !node.isOp, let name = node.outputs.first.flatMap({ values[$0].name }) {
            attributes.insert("name=" + OpAttribute.string(name).description, at: 0)
        }
        if !attributes.isEmpty { line += "[" + attributes.joined(separator: ", ") + "]" }
        line += "(" + node.inputs.map { "%\($0)" }.joined(separator: ", ") + ")"
        if let scope = node.scope {
            line += ", scope: \(scope.displayPath) (\(scope.typeName))"
        }
        return line
    }

    /// A value's type as TorchScript prints it: `Float(1, 16, 64)`, `Long(1, 16)`, `Float()` for a scalar.
    public static func irType(_ dtype: DType, shape: [Int]) -> String {
        irTypeName(dtype) + "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// PyTorch's scalar type name for `dtype` (`Float`, `Half`, `BFloat16`, `Long`, `Int`, `Bool`).
    public static func irTypeName(_ dtype: DType) -> String {
        switch dtype {
        case .f32: "Float"
        case .f16: "Half"
        case .bf16: "BFloat16"
        case .i64: "Long"
        case .i32: "Int"
        case .bool: "Bool"
        }
    }
}
