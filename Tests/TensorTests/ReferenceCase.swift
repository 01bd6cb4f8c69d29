import Foundation
import Testing
@testable import Tensor

/// The op reference fixture (`Fixtures/op_reference.json`, written by `make_op_fixtures.py` with
/// numpy/scipy): loading it, building the Swift tensors it describes, and comparing op outputs
/// with its expected values. The format is documented at the top of the script.

/// A JSON value as the fixture writes it (numbers, the strings "inf"/"-inf"/"nan", lists, ...).
enum JSONValue: Decodable, Sendable, CustomStringConvertible {
    case integer(Int)
    case number(Double)
    case string(String)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .integer(value) }  // exact beyond 2^53
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// A number, with the special values the fixture writes as strings.
    var double: Double? {
        switch self {
        case let .integer(value): Double(value)
        case let .number(value): value
        case let .bool(value): value ? 1 : 0  // a decoder may read 0/1 as bools
        case .string("inf"): .infinity
        case .string("-inf"): -.infinity
        case .string("nan"): .nan
        default: nil
        }
    }

    var int: Int? {
        switch self {
        case let .integer(value): value
        case let .number(value): Int(exactly: value)
        case let .bool(value): value ? 1 : 0  // a decoder may read 0/1 as bools
        default: nil
        }
    }

    var description: String {
        switch self {
        case let .integer(value): String(value)
        case let .number(value): String(value)
        case let .string(value): "\"\(value)\""
        case let .bool(value): String(value)
        case let .array(values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case let .object(fields): "{" + fields.map { "\($0.key): \($0.value)" }.sorted().joined(separator: ", ") + "}"
        case .null: "null"
        }
    }
}

/// A fixture that cannot be read or does not say what a test needs.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The attributes of one case, read by name (a missing or mistyped one is a `FixtureError`).
struct ReferenceAttributes: Decodable, Sendable {
    let values: [String: JSONValue]

    init(from decoder: Decoder) throws { values = try [String: JSONValue](from: decoder) }

    private func value(_ key: String) throws -> JSONValue {
        guard let value = values[key] else { throw FixtureError("attribute \"\(key)\" is missing") }
        return value
    }

    func int(_ key: String) throws -> Int {
        guard let result = try value(key).int else { throw FixtureError("attribute \"\(key)\" is not an integer") }
        return result
    }

    func ints(_ key: String) throws -> [Int] {
        guard case let .array(items) = try value(key) else { throw FixtureError("attribute \"\(key)\" is not a list") }
        return try items.map { item in
            guard let result = item.int else { throw FixtureError("attribute \"\(key)\" holds a non-integer") }
            return result
        }
    }

    func double(_ key: String) throws -> Double {
        guard let result = try value(key).double else { throw FixtureError("attribute \"\(key)\" is not a number") }
        return result
    }

    func string(_ key: String) throws -> String {
        guard case let .string(result) = try value(key) else { throw FixtureError("attribute \"\(key)\" is not a string") }
        return result
    }

    func bool(_ key: String) throws -> Bool {
        guard case let .bool(result) = try value(key) else { throw FixtureError("attribute \"\(key)\" is not a bool") }
        return result
    }
}

/// A view applied to a stored fixture tensor so the op sees a non-contiguous input.
struct ViewStep: Decodable, Sendable {
    let op: String
    let dims: [Int]?
    let dim: Int?
    let start: Int?
    let length: Int?
    let index: Int?
    let shape: [Int]?

    func apply(to tensor: Tensor) throws -> Tensor {
        func required<T>(_ value: T?, _ name: String) throws -> T {
            guard let value else { throw FixtureError("view step \(op) needs \(name)") }
            return value
        }
        switch op {
        case "transpose":
            let axes = try required(dims, "dims")
            guard axes.count == 2 else { throw FixtureError("transpose needs 2 dims") }
            return try tensor.transpose(axes[0], axes[1])
        case "permute": return try tensor.permute(try required(dims, "dims"))
        case "narrow": return try tensor.narrow(try required(dim, "dim"), start: try required(start, "start"), length: try required(length, "length"))
        case "select": return try tensor.select(try required(dim, "dim"), try required(index, "index"))
        case "expand": return try tensor.expand(try required(shape, "shape"))
        default: throw FixtureError("unknown view step \(op)")
        }
    }
}

/// Values generated from a formula instead of listed: `((i · multiplier) mod modulus + offset) · scale`.
struct ValuePattern: Decodable, Sendable {
    let multiplier: Int
    let modulus: Int
    let offset: Int
    let scale: Double

    func values(count: Int) -> [Double] {
        (0..<count).map { Double((($0 * multiplier) % modulus) + offset) * scale }
    }
}

/// One tensor of a case: an input (stored shape, data, then views) or an expected output.
struct TensorSpec: Decodable, Sendable {
    let shape: [Int]
    let dtype: DType
    let data: [JSONValue]?
    let pattern: ValuePattern?
    let views: [ViewStep]?

    /// The elements of an integer, bool or half (16-bit patterns) tensor, exactly, row-major.
    func integers() throws -> [Int] {
        guard let data, data.count == Shape.elementCount(shape) else { throw FixtureError("integer tensor needs one data item per element") }
        return try data.map { item in
            guard let value = item.int else { throw FixtureError("data holds \(item), not an integer") }
            return value
        }
    }

    /// The elements as numbers, row-major.
    func numbers() throws -> [Double] {
        let count = Shape.elementCount(shape)
        let result: [Double]
        if let pattern {
            result = pattern.values(count: count)
        } else if let data {
            result = try data.map { item in
                guard let value = item.double else { throw FixtureError("data holds \(item), not a number") }
                return value
            }
        } else {
            throw FixtureError("tensor has neither data nor pattern")
        }
        guard result.count == count else { throw FixtureError("\(result.count) values for shape \(Shape.describe(shape))") }
        return result
    }

    /// The tensor an op receives: the stored tensor (or a meta tensor of its shape) with the views applied.
    func makeTensor(meta: Bool) throws -> Tensor {
        var tensor = meta ? Tensor.meta(shape: shape, dtype: dtype) : try makeStored()
        for step in views ?? [] { tensor = try step.apply(to: tensor) }
        return tensor
    }

    private func makeStored() throws -> Tensor {
        switch dtype {
        case .f32:
            return try Tensor(try numbers().map { Float($0) }, shape: shape)
        case .f16, .bf16:
            let values = try integers()
            let storage = TensorStorage(uninitializedByteCount: values.count * 2)
            let bits = storage.base.assumingMemoryBound(to: UInt16.self)
            for (index, value) in values.enumerated() {
                guard let pattern = UInt16(exactly: value) else { throw FixtureError("\(value) is not a 16-bit pattern") }
                bits[index] = pattern
            }
            return Tensor(shape: shape, dtype: dtype, storage: storage)
        case .i64, .i32, .bool:
            return try Tensor(integers: try integers(), shape: shape, dtype: dtype)
        }
    }
}

/// Elementwise tolerance: `|actual − expected| ≤ abs + rel · |expected|`.
struct Tolerance: Decodable, Sendable {
    let abs: Double
    let rel: Double
}

/// One fixture case: an op, its inputs and attributes, and the outputs numpy computed.
struct ReferenceCase: Decodable, Sendable {
    let name: String
    let op: String
    let inputs: [TensorSpec]
    let attributes: ReferenceAttributes
    let expected: [TensorSpec]
    let tolerance: Tolerance
}

enum ReferenceFixture {
    private struct Document: Decodable {
        let cases: [ReferenceCase]
    }

    /// Every case, loaded once (or why the fixture could not be loaded).
    static let loaded: Result<[ReferenceCase], FixtureError> = {
        do {
            guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw FixtureError("the test bundle has no Fixtures folder")
            }
            let data = try Data(contentsOf: folder.appendingPathComponent("op_reference.json"))
            let cases = try JSONDecoder().decode(Document.self, from: data).cases
            guard Set(cases.map(\.name)).count == cases.count else { throw FixtureError("case names are not unique") }
            return .success(cases)
        } catch let error as FixtureError {
            return .failure(error)
        } catch {
            return .failure(FixtureError("cannot load op_reference.json: \(error)"))
        }
    }()

    static func cases() throws -> [ReferenceCase] { try loaded.get() }

    /// The names of the cases for `ops` (all cases when nil), to parameterize a test over. When the
    /// fixture cannot be loaded or has no such case, one placeholder name that fails the test.
    static func caseNames(ops: Set<String>? = nil) -> [String] {
        let names = ((try? loaded.get()) ?? []).filter { ops?.contains($0.op) ?? true }.map(\.name)
        return names.isEmpty ? ["<no fixture case for \(ops.map { $0.sorted().joined(separator: ",") } ?? "any op")>"] : names
    }

    static func `case`(named name: String) throws -> ReferenceCase {
        guard let found = try cases().first(where: { $0.name == name }) else { throw FixtureError("no fixture case named \(name)") }
        return found
    }

    /// Runs case `name` through the Swift op and compares every output with numpy's.
    static func check(_ name: String) throws {
        let reference = try `case`(named: name)
        let outputs = try ReferenceOps.run(reference, meta: false)
        #expect(outputs.count == reference.expected.count, "\(name): \(outputs.count) outputs, expected \(reference.expected.count)")
        for (index, (output, expected)) in zip(outputs, reference.expected).enumerated() {
            let label = reference.expected.count == 1 ? name : "\(name) output \(index)"
            try expectMatches(output, expected, tolerance: reference.tolerance, label: label)
        }
    }

    /// Records an issue, naming `label` and the max abs/rel error, unless `actual` has the expected
    /// shape, dtype and values (floats within `tolerance`; NaN and ±inf must match exactly; half
    /// types compare bit patterns, integers and bools compare exactly).
    static func expectMatches(_ actual: Tensor, _ expected: TensorSpec, tolerance: Tolerance, label: String) throws {
        guard actual.shape == expected.shape, actual.dtype == expected.dtype else {
            Issue.record("\(label): got \(actual.dtype.rawValue) \(Shape.describe(actual.shape)), expected \(expected.dtype.rawValue) \(Shape.describe(expected.shape))")
            return
        }
        switch expected.dtype {
        case .f32:
            let want = try expected.numbers()
            let got = try actual.floats()
            // The fixture's f32 values are decimal; the tensor holds their nearest floats.
            let report = ErrorReport(got: got.map(Double.init), want: want.map { Double(Float($0)) }, tolerance: tolerance)
            #expect(report.failures == 0, "\(label): \(report)")
        case .f16, .bf16:
            let want = try expected.integers()
            let bits = try actual.withContiguousBytes { Array($0.bindMemory(to: UInt16.self)) }
            let wrong = bits.indices.filter { Int(bits[$0]) != want[$0] }
            #expect(wrong.isEmpty, "\(label): \(wrong.count) of \(bits.count) \(expected.dtype.rawValue) bit patterns differ; first at index \(wrong.first ?? 0): got 0x\(String(bits[wrong.first ?? 0], radix: 16)), expected 0x\(String(want[wrong.first ?? 0], radix: 16))")
        case .i64, .i32, .bool:
            let want = try expected.integers()
            let got = try actual.integers()
            let wrong = got.indices.filter { got[$0] != want[$0] }
            #expect(wrong.isEmpty, "\(label): \(wrong.count) of \(got.count) elements differ; first at index \(wrong.first ?? 0): got \(got[wrong.first ?? 0]), expected \(want[wrong.first ?? 0])")
        }
    }
}

/// How far `got` is from `want`: elements outside the tolerance, max abs and max rel error, first failure.
struct ErrorReport: CustomStringConvertible {
    var failures = 0
    var maxAbs = 0.0
    var maxRel = 0.0
    var first: (index: Int, got: Double, want: Double)?
    let count: Int
    let tolerance: Tolerance

    init(got: [Double], want: [Double], tolerance: Tolerance) {
        count = want.count
        self.tolerance = tolerance
        for (index, (a, e)) in zip(got, want).enumerated() {
            let bad: Bool
            if e.isNaN || a.isNaN || e.isInfinite || a.isInfinite {
                bad = !(e.isNaN && a.isNaN) && a != e
                if bad { maxAbs = .infinity; maxRel = .infinity }
            } else {
                let difference = Swift.abs(a - e)
                maxAbs = max(maxAbs, difference)
                if e != 0 { maxRel = max(maxRel, difference / Swift.abs(e)) }
                bad = difference > tolerance.abs + tolerance.rel * Swift.abs(e)
            }
            if bad {
                failures += 1
                if first == nil { first = (index, a, e) }
            }
        }
    }

    var description: String {
        var text = "\(failures) of \(count) elements outside abs \(tolerance.abs) + rel \(tolerance.rel); max abs error \(maxAbs), max rel error \(maxRel)"
        if let first { text += "; first at index \(first.index): got \(first.got), expected \(first.want)" }
        return text
    }
}
