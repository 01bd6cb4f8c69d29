/// An attribute value recorded with an op (`dim`, `eps`, `approximate`, ...).
public enum OpAttribute: Sendable, Codable, Equatable, CustomStringConvertible {
    case int(Int)
    case ints([Int])
    case float(Double)
    case floats([Double])
    case string(String)
    case bool(Bool)

    public var description: String {
        switch self {
        case let .int(value): String(value)
        case let .ints(values): "[" + values.map(String.init).joined(separator: ", ") + "]"
        case let .float(value): String(value)
        case let .floats(values): "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case let .string(value): "\"\(value)\""
        case let .bool(value): String(value)
        }
    }
}

/// Receives every op that runs while it is installed (see `OpRecording.withRecorder`).
///
/// `Tensor` knows nothing about graphs: the tracer implements this protocol. Only the outermost op
/// is reported (an op built from other ops is one op), after it has run, with its inputs in
/// argument order; the recorder returns the value id to stamp on each output.
public protocol OpRecorder: AnyObject {
    func record(op: Op, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> [Int]
}

/// The per-task "current recorder" and the op entry point every public op goes through.
public enum OpRecording {
    final class Context: @unchecked Sendable {
        let recorder: OpRecorder
        var depth = 0
        init(recorder: OpRecorder) { self.recorder = recorder }
    }

    @TaskLocal static var current: Context?

    /// Runs `body` with `recorder` receiving every outermost op it executes.
    public static func withRecorder<R>(_ recorder: OpRecorder, _ body: () throws -> R) rethrows -> R {
        try $current.withValue(Context(recorder: recorder), operation: body)
    }

    /// The recorder installed for the current task, if any.
    public static var currentRecorder: OpRecorder? { current?.recorder }

    /// Runs one op: `compute` produces the outputs; if a recorder is installed and this is the
    /// outermost op, the op is reported and the outputs get fresh value ids.
    @inline(__always)
    static func run(_ op: Op, inputs: [Tensor], attributes: [String: OpAttribute] = [:],
                    _ compute: () throws -> [Tensor]) throws -> [Tensor] {
        guard let context = current else { return try compute() }
        context.depth += 1
        defer { context.depth -= 1 }
        var outputs = try compute()
        if context.depth == 1 {
            let ids = context.recorder.record(op: op, inputs: inputs, outputs: outputs, attributes: attributes)
            for index in outputs.indices { outputs[index].traceID = ids[index] }
        }
        return outputs
    }

    /// `run` for the common one-output op.
    @inline(__always)
    static func run(_ op: Op, inputs: [Tensor], attributes: [String: OpAttribute] = [:],
                    _ compute: () throws -> Tensor) throws -> Tensor {
        try run(op, inputs: inputs, attributes: attributes) { [try compute()] }[0]
    }
}
