import Foundation
import Models
import Slim
import Tensor
import Testing
import TestFixtures

/// Pruned routed-experts models built in the test (Mixtral, Qwen2-MoE, Qwen3-MoE): experts'
/// channels zeroed in the checkpoint's per-expert tensors, a shared expert's channels, whole
/// key/value groups. The slimmed checkpoint keeps the per-expert names, gives the same outputs and
/// loses exactly the predicted parameters; a channel zero in some experts only stays.
@Suite struct RoutedExpertsSlimTests {
    typealias Tensors = [String: (values: [Float], shape: [Int])]

    /// Zeroes, in experts `experts` of `layer`, the intermediate channels `channels` of the
    /// down projection (stored `[hidden, intermediate]`: columns).
    static func zeroExpertChannels(_ tensors: inout Tensors, _ block: String, _ down: String, experts: Range<Int>, _ channels: [Int]) {
        for expert in experts {
            SlimTestSupport.zeroColumns(&tensors["\(block).experts.\(expert).\(down).weight"]!, channels)
        }
    }

    /// Zeroes key/value group 1 of layer `layer` (4 query heads over 2 kv heads of 16).
    static func zeroGroupOne(_ tensors: inout Tensors, layer: Int) {
        let prefix = "model.layers.\(layer).self_attn."
        SlimTestSupport.zeroRows(&tensors[prefix + "q_proj.weight"]!, SlimTestSupport.headChannels([2, 3], size: 16))
        SlimTestSupport.zeroRows(&tensors[prefix + "k_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
        SlimTestSupport.zeroRows(&tensors[prefix + "v_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
        SlimTestSupport.zeroColumns(&tensors[prefix + "o_proj.weight"]!, SlimTestSupport.headChannels([2, 3], size: 16))
    }

    /// Slims `pruned`, checks the outputs against the unslimmed checkpoint and returns the report
    /// and the slimmed tensors' shapes.
    static func slim(_ pruned: URL, fixture: String, options: SlimOptions = SlimOptions()) throws -> (SlimReport, [String: [Int]]) {
        let output = SlimTestSupport.temporaryFolder("slimmed-\(fixture)")
        defer { try? FileManager.default.removeItem(at: output) }
        let report = try CheckpointSlimmer(directory: pruned, options: options).slim(to: output)
        let inputs = try SlimTestSupport.referenceInputs(fixture)
        let before = try Checkpoint(directory: pruned).loadModel().forward(inputs)
        let slimmed = try Checkpoint(directory: output)
        #expect(slimmed.unusedTensorNames(by: try slimmed.loadModel()).isEmpty)
        let difference = try SlimTestSupport.maxAbsDiff(slimmed.loadModel().forward(inputs), before)
        print("\(fixture) (built): max abs diff \(difference), \(report.parametersBefore - report.parametersAfter) parameters removed")
        #expect(difference <= 1e-5)
        return (report, try SlimTestSupport.shapes(output))
    }

    @Test func mixtralExpertChannelsZeroInEveryExpertGoFromEveryExpertAndPartlyZeroOnesStay() throws {
        let pruned = try SlimTestSupport.prunedCopy(of: "mixtral") { tensors in
            Self.zeroExpertChannels(&tensors, "model.layers.0.block_sparse_moe", "w2", experts: 0..<4, Array(0..<40))
            Self.zeroExpertChannels(&tensors, "model.layers.1.block_sparse_moe", "w2", experts: 0..<3, Array(0..<64))
            Self.zeroGroupOne(&tensors, layer: 0)
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, shapes) = try Self.slim(pruned, fixture: "mixtral")
        for expert in 0..<4 {
            #expect(shapes["model.layers.0.block_sparse_moe.experts.\(expert).w1.weight"] == [96, 64])
            #expect(shapes["model.layers.0.block_sparse_moe.experts.\(expert).w3.weight"] == [96, 64])
            #expect(shapes["model.layers.0.block_sparse_moe.experts.\(expert).w2.weight"] == [64, 96])
            #expect(shapes["model.layers.1.block_sparse_moe.experts.\(expert).w2.weight"] == [64, 128])
        }
        #expect(shapes["model.layers.0.self_attn.k_proj.weight"] == [16, 64])
        let channels = try #require(report.changes.first { $0.kind == .channels })
        #expect(channels.layer == "model.layers.0" && channels.removed == Array(0..<32) && channels.zeroChannels == 40)
        #expect(report.skipped.contains { $0.modules[0] == "model.layers.1.mlp.experts.down_proj" && $0.reason.contains("every expert") })
        // 4 experts × 32 channels × (w1 + w3 + w2 rows of 64), plus one kv group of 4 projections.
        #expect(report.parametersBefore - report.parametersAfter == 4 * 32 * 3 * 64 + (32 + 16 + 16) * 64 + 64 * 32)
    }

    @Test func qwen2MoeSlimsExpertsAndTheSharedExpertSeparately() throws {
        let pruned = try SlimTestSupport.prunedCopy(of: "qwen2_moe") { tensors in
            Self.zeroExpertChannels(&tensors, "model.layers.0.mlp", "down_proj", experts: 0..<4, Array(32..<64))
            SlimTestSupport.zeroColumns(&tensors["model.layers.1.mlp.shared_expert.down_proj.weight"]!, Array(0..<64))
            Self.zeroGroupOne(&tensors, layer: 1)
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, shapes) = try Self.slim(pruned, fixture: "qwen2_moe")
        #expect(shapes["model.layers.0.mlp.experts.3.gate_proj.weight"] == [32, 64])
        #expect(shapes["model.layers.0.mlp.experts.3.down_proj.weight"] == [64, 32])
        #expect(shapes["model.layers.0.mlp.shared_expert.down_proj.weight"] == [64, 128])
        #expect(shapes["model.layers.1.mlp.shared_expert.gate_proj.weight"] == [64, 64])
        #expect(shapes["model.layers.1.mlp.shared_expert.down_proj.weight"] == [64, 64])
        #expect(shapes["model.layers.1.self_attn.q_proj.bias"] == [32])
        let removedChannels = 4 * 32 * 3 * 64 + 64 * 3 * 64
        let removedHeads = (32 + 16 + 16) * 64 + (32 + 16 + 16) + 64 * 32
        #expect(report.parametersBefore - report.parametersAfter == removedChannels + removedHeads)
    }

    @Test func qwen3MoeSlimsExpertsAndHeadsAroundThePerHeadNorms() throws {
        let pruned = try SlimTestSupport.prunedCopy(of: "qwen3_moe") { tensors in
            for layer in 0..<2 {
                Self.zeroExpertChannels(&tensors, "model.layers.\(layer).mlp", "down_proj", experts: 0..<4, Array(0..<32))
            }
            Self.zeroGroupOne(&tensors, layer: 0)
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, shapes) = try Self.slim(pruned, fixture: "qwen3_moe")
        #expect(shapes["model.layers.1.mlp.experts.0.up_proj.weight"] == [32, 64])
        #expect(shapes["model.layers.0.self_attn.q_norm.weight"] == [16])
        #expect(report.parametersBefore - report.parametersAfter == 2 * 4 * 32 * 3 * 64 + (32 + 16 + 16) * 64 + 64 * 32)
    }

    /// Any routed-experts configuration (the fixtures and their variants: other expert counts,
    /// top-k, dense layers between sparse ones): every even intermediate channel zeroed in every
    /// expert of every sparse layer goes from every expert's three projections, and nothing else.
    @Test(arguments: ["mixtral", "qwen2_moe", "qwen3_moe", "mixtral-variant", "qwen2_moe-variant", "qwen3_moe-variant"])
    func evenChannelsZeroInEveryExpertGoFromEveryExpertOfEverySparseLayer(_ fixture: String) throws {
        let down = /\.experts\.\d+\.(w2|down_proj)\.weight$/
        var predicted = 0
        let pruned = try SlimTestSupport.prunedCopy(of: fixture) { tensors in
            for name in tensors.keys where name.contains(down) {
                let (hidden, width) = (tensors[name]!.shape[0], tensors[name]!.shape[1])
                let even = Array(stride(from: 0, to: width, by: 2))
                SlimTestSupport.zeroColumns(&tensors[name]!, even)
                predicted += even.count * 3 * hidden
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        #expect(predicted > 0)
        let (report, _) = try Self.slim(pruned, fixture: fixture, options: SlimOptions(round: 1, heads: false))
        #expect(report.changes.allSatisfy { $0.modules[0].hasSuffix("experts.down_proj") }, "\(report.changes.map(\.modules))")
        #expect(report.parametersBefore - report.parametersAfter == predicted)
    }
}
