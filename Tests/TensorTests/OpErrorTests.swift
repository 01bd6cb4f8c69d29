import Foundation
import Testing
@testable import Tensor

/// Bad shapes, axes and indices are thrown `TensorError`s whose message names what is wrong
/// (the offending shape, axis or index), never a crash; shape rules hold in meta mode too.
@Suite struct OpErrorTests {
    /// Makes the tensors of a scenario: real ones (filled with 0.5, or the given integers), or meta
    /// tensors of the same shape and dtype.
    struct Maker: Sendable {
        let meta: Bool

        func f(_ shape: [Int]) -> Tensor { .full(shape: shape, value: 0.5, meta: meta) }

        func ints(_ values: [Int], _ shape: [Int], _ dtype: DType = .i64) throws -> Tensor {
            meta ? .meta(shape: shape, dtype: dtype) : try Tensor(integers: values, shape: shape, dtype: dtype)
        }

        func bools(_ shape: [Int]) -> Tensor { .zeros(shape: shape, dtype: .bool, meta: meta) }
    }

    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        /// Text the error message must contain.
        let mentions: [String]
        /// False when the error depends on element values, which meta tensors do not have.
        let holdsInMetaMode: Bool
        let body: @Sendable (Maker) throws -> Void

        init(_ name: String, mentions: [String], holdsInMetaMode: Bool = true, _ body: @escaping @Sendable (Maker) throws -> Void) {
            self.name = name
            self.mentions = mentions
            self.holdsInMetaMode = holdsInMetaMode
            self.body = body
        }

        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        // linear and matmul
        Scenario("linear in-features differ from weight", mentions: ["[2, 5]", "[3, 4]", "expects 4"]) { t in
            _ = try t.f([2, 5]).linear(weight: t.f([3, 4]))
        },
        Scenario("linear inOut in-features differ from weight", mentions: ["[2, 5]", "[4, 3]", "expects 4"]) { t in
            _ = try t.f([2, 5]).linear(weight: t.f([4, 3]), layout: .inOut)
        },
        Scenario("linear bias size differs from out-features", mentions: ["bias [4]", "3 output features"]) { t in
            _ = try t.f([2, 4]).linear(weight: t.f([3, 4]), bias: t.f([4]))
        },
        Scenario("linear weight is not 2-D", mentions: ["[3, 4, 1]"]) { t in
            _ = try t.f([2, 4]).linear(weight: t.f([3, 4, 1]))
        },
        Scenario("matmul inner dimensions differ", mentions: ["[2, 3]", "[4, 5]", "3 and 4"]) { t in
            _ = try t.f([2, 3]).matmul(t.f([4, 5]))
        },
        Scenario("matmul batch dimensions do not broadcast", mentions: ["[2]", "[3]", "do not broadcast"]) { t in
            _ = try t.f([2, 3, 4]).matmul(t.f([3, 4, 5]))
        },
        Scenario("matmul operand is 1-D", mentions: ["[3]", "2 or more dimensions"]) { t in
            _ = try t.f([3]).matmul(t.f([3, 2]))
        },
        // broadcasting
        Scenario("add shapes do not broadcast", mentions: ["[2, 3]", "[4, 3]", "dimension 0: 2 vs 4"]) { t in
            _ = try t.f([2, 3]).add(t.f([4, 3]))
        },
        Scenario("div shapes do not broadcast", mentions: ["[2, 5]", "[3]", "5 vs 3"]) { t in
            _ = try t.f([2, 5]).div(t.f([3]))
        },
        Scenario("where branches do not broadcast", mentions: ["[3]", "[4]"]) { t in
            _ = try Tensor.where(t.bools([3]), t.f([3]), t.f([4]))
        },
        Scenario("masked_fill mask is larger than the input", mentions: ["mask [2, 3]", "[3]"]) { t in
            _ = try t.f([3]).maskedFill(t.bools([2, 3]), value: 0)
        },
        // dtypes
        Scenario("masked_fill mask is not bool", mentions: ["masked_fill", "mask", "f32"]) { t in
            _ = try t.f([3]).maskedFill(t.f([3]), value: 0)
        },
        Scenario("where condition is not bool", mentions: ["where", "condition", "i64"]) { t in
            _ = try Tensor.where(t.ints([1, 0], [2]), t.f([2]), t.f([2]))
        },
        Scenario("embedding indices are floats", mentions: ["embedding", "indices", "f32"]) { t in
            _ = try t.f([5, 4]).embedding(t.f([2]))
        },
        // normalization
        Scenario("layer_norm weight size differs from last dimension", mentions: ["weight [5]", "[2, 4]"]) { t in
            _ = try t.f([2, 4]).layerNorm(weight: t.f([5]), bias: nil, eps: 1e-5)
        },
        Scenario("layer_norm bias size differs from last dimension", mentions: ["bias [2, 4]", "[2, 4]"]) { t in
            _ = try t.f([2, 4]).layerNorm(weight: t.f([4]), bias: t.f([2, 4]), eps: 1e-5)
        },
        Scenario("rms_norm weight size differs from last dimension", mentions: ["weight [3]", "[6, 8]"]) { t in
            _ = try t.f([6, 8]).rmsNorm(weight: t.f([3]), eps: 1e-6)
        },
        Scenario("layer_norm of a scalar", mentions: ["layer_norm", "at least one dimension"]) { t in
            _ = try t.f([]).layerNorm(weight: nil, bias: nil, eps: 1e-5)
        },
        Scenario("softmax of a scalar", mentions: ["softmax", "at least one dimension"]) { t in
            _ = try t.f([]).softmax()
        },
        // conv2d
        Scenario("conv2d input channels differ from weight", mentions: ["3 channels", "[4, 2, 3, 3]", "expects 2"]) { t in
            _ = try t.f([1, 3, 8, 8]).conv2d(weight: t.f([4, 2, 3, 3]))
        },
        Scenario("conv2d input is not 4-D", mentions: ["[3, 8, 8]", "4-D"]) { t in
            _ = try t.f([3, 8, 8]).conv2d(weight: t.f([4, 3, 3, 3]))
        },
        Scenario("conv2d kernel larger than padded input", mentions: ["3x3", "2x2"]) { t in
            _ = try t.f([1, 1, 2, 2]).conv2d(weight: t.f([1, 1, 3, 3]))
        },
        Scenario("conv2d stride zero", mentions: ["stride"]) { t in
            _ = try t.f([1, 1, 4, 4]).conv2d(weight: t.f([1, 1, 2, 2]), stride: (0, 1))
        },
        Scenario("conv2d bias size differs from out-channels", mentions: ["bias [3]", "4 output channels"]) { t in
            _ = try t.f([1, 1, 4, 4]).conv2d(weight: t.f([4, 1, 2, 2]), bias: t.f([3]))
        },
        // joins and views
        Scenario("concat parts differ outside the axis", mentions: ["[2, 4]", "[2, 3]", "dimension 0"]) { t in
            _ = try Tensor.concat([t.f([2, 3]), t.f([2, 4])], axis: 0)
        },
        Scenario("concat parts differ in dtype", mentions: ["i64", "f32"]) { t in
            _ = try Tensor.concat([t.f([2, 3]), t.ints([1, 2], [2, 1])], axis: 1)
        },
        Scenario("concat parts differ in rank", mentions: ["[6]", "[2, 3]"]) { t in
            _ = try Tensor.concat([t.f([2, 3]), t.f([6])], axis: 0)
        },
        Scenario("concat of nothing", mentions: ["at least one"]) { _ in
            _ = try Tensor.concat([], axis: 0)
        },
        Scenario("concat axis out of range", mentions: ["axis 2", "rank 2"]) { t in
            _ = try Tensor.concat([t.f([2, 3]), t.f([2, 3])], axis: 2)
        },
        Scenario("permute axis out of range", mentions: ["axis 3", "rank 3"]) { t in
            _ = try t.f([2, 3, 4]).permute([0, 1, 3])
        },
        Scenario("permute repeats an axis", mentions: ["[0, 0, 1]", "not a permutation"]) { t in
            _ = try t.f([2, 3, 4]).permute([0, 0, 1])
        },
        Scenario("transpose axis out of range", mentions: ["axis -4", "rank 3"]) { t in
            _ = try t.f([2, 3, 4]).transpose(0, -4)
        },
        Scenario("narrow past the end", mentions: ["2..<5", "size 4"]) { t in
            _ = try t.f([3, 4]).narrow(1, start: 2, length: 3)
        },
        Scenario("select index out of range", mentions: ["index 5", "size 3"]) { t in
            _ = try t.f([3, 4]).select(0, 5)
        },
        Scenario("select negative index out of range", mentions: ["index -5", "size 4"]) { t in
            _ = try t.f([3, 4]).select(1, -5)
        },
        Scenario("squeeze a dimension that is not 1", mentions: ["dimension 1", "size 3"]) { t in
            _ = try t.f([2, 3]).squeeze(1)
        },
        Scenario("unsqueeze axis out of range", mentions: ["axis 4", "rank 3"]) { t in
            _ = try t.f([2, 3]).unsqueeze(4)
        },
        Scenario("expand a dimension that is not 1", mentions: ["[2, 3]", "[4, 3]"]) { t in
            _ = try t.f([2, 3]).expand([4, 3])
        },
        Scenario("expand to fewer dimensions", mentions: ["[2, 3]", "[3]"]) { t in
            _ = try t.f([2, 3]).expand([3])
        },
        Scenario("reshape to another element count", mentions: ["[2, 3]", "[4, 2]"]) { t in
            _ = try t.f([2, 3]).reshape([4, 2])
        },
        Scenario("reshape with two inferred dimensions", mentions: ["[-1, -1]"]) { t in
            _ = try t.f([2, 3]).reshape([-1, -1])
        },
        Scenario("reshape with an inferred dimension that does not divide", mentions: ["[2, 3]", "[4, -1]"]) { t in
            _ = try t.f([2, 3]).reshape([4, -1])
        },
        Scenario("split sizes do not add up", mentions: ["[1, 1]", "size 3"]) { t in
            _ = try t.f([2, 3]).split(sizes: [1, 1], axis: 1)
        },
        Scenario("chunk into zero pieces", mentions: ["got 0"]) { t in
            _ = try t.f([2, 3]).chunk(0, axis: 1)
        },
        // reductions
        Scenario("sum axis out of range", mentions: ["axis 3", "rank 2"]) { t in
            _ = try t.f([2, 3]).sum(axis: 3)
        },
        Scenario("mean axis out of range", mentions: ["axis -3", "rank 2"]) { t in
            _ = try t.f([2, 3]).mean(axis: -3, keepDim: true)
        },
        Scenario("argmax over an empty dimension", mentions: ["empty dimension 1"]) { t in
            _ = try t.f([2, 0]).argmax(axis: 1)
        },
        // embedding
        Scenario("embedding index past the table", mentions: ["index 7", "5 rows"], holdsInMetaMode: false) { t in
            _ = try t.f([5, 4]).embedding(t.ints([1, 7], [2]))
        },
        Scenario("embedding negative index", mentions: ["index -1", "5 rows"], holdsInMetaMode: false) { t in
            _ = try t.f([5, 4]).embedding(t.ints([-1], [1], .i32))
        },
        Scenario("embedding table is not 2-D", mentions: ["[5]"]) { t in
            _ = try t.f([5]).embedding(t.ints([1], [1]))
        },
        // rotary and masks
        Scenario("rotary tables have another position count", mentions: ["[5, 8]", "[1, 4, 8]"]) { t in
            _ = try t.f([1, 4, 8]).rotary(cos: t.f([5, 8]), sin: t.f([5, 8]), style: .halfRotation)
        },
        Scenario("rotary cos and sin shapes differ", mentions: ["[4, 8]", "[4, 6]"]) { t in
            _ = try t.f([1, 4, 8]).rotary(cos: t.f([4, 8]), sin: t.f([4, 6]), style: .interleaved)
        },
        Scenario("rotary tables wider than the head", mentions: ["[4, 10]", "[1, 4, 8]"]) { t in
            _ = try t.f([1, 4, 8]).rotary(cos: t.f([4, 10]), sin: t.f([4, 10]), style: .interleaved)
        },
        Scenario("rotary tables of an odd dimension", mentions: ["got 7"]) { t in
            _ = try Tensor.rotaryTables(length: 4, rotaryDim: 7, base: 10000, style: .halfRotation, meta: t.meta)
        },
        Scenario("rotary tables of a negative length", mentions: ["length -1"]) { t in
            _ = try Tensor.rotaryTables(length: -1, rotaryDim: 8, base: 10000, style: .halfRotation, meta: t.meta)
        },
        Scenario("causal mask with more queries than keys", mentions: ["query length 5", "key length 3"]) { t in
            _ = try Tensor.causalMask(queryLength: 5, keyLength: 3, meta: t.meta)
        },
        Scenario("padding mask is not [batch, length]", mentions: ["[1, 2, 3]"]) { t in
            _ = try t.ints([1, 1, 1, 1, 1, 1], [1, 2, 3]).paddingMask()
        },
        // construction
        Scenario("values do not fill the shape", mentions: ["5 values", "[2, 3]"], holdsInMetaMode: false) { _ in
            _ = try Tensor([1, 2, 3, 4, 5], shape: [2, 3])
        },
        Scenario("integer tensor of a float dtype", mentions: ["dtype", "f32"], holdsInMetaMode: false) { _ in
            _ = try Tensor(integers: [1], shape: [1], dtype: .f32)
        },
    ]

    @Test(arguments: scenarios)
    func badArgumentsThrowATensorErrorNamingTheProblem(_ scenario: Scenario) {
        Self.expectError(scenario, meta: false)
    }

    @Test(arguments: scenarios.filter(\.holdsInMetaMode))
    func metaModeThrowsTheSameShapeErrors(_ scenario: Scenario) {
        Self.expectError(scenario, meta: true)
    }

    static func expectError(_ scenario: Scenario, meta: Bool) {
        do {
            try scenario.body(Maker(meta: meta))
            Issue.record("\(scenario.name): no error was thrown")
        } catch let error as TensorError {
            let message = error.localizedDescription
            for text in scenario.mentions {
                #expect(message.contains(text), "\(scenario.name): \"\(message)\" does not mention \"\(text)\"")
            }
        } catch {
            Issue.record("\(scenario.name): threw \(type(of: error)), not a TensorError: \(error)")
        }
    }
}
