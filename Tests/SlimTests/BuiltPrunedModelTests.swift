import Foundation
import Models
import Slim
import Tensor
import Testing
import TestFixtures

/// Pruned models built in the test from unpruned fixtures (weights zeroed by hand), for the cases
/// the fixtures do not cover: grouped-query attention, GPT-2's Conv1D layout and fused `c_attn`,
/// ELECTRA's unsafe `embeddings_project`. Each is slimmed and run against its unslimmed self.
@Suite struct BuiltPrunedModelTests {
    /// Slims `folder` into a new folder and returns the report, the new folder, and the max abs
    /// difference between the unslimmed and the slimmed checkpoint's outputs on the reference input.
    static func slimAndCompare(_ folder: URL, fixture: String) throws -> (SlimReport, URL, Float) {
        let output = SlimTestSupport.temporaryFolder("slimmed-\(fixture)")
        let report = try CheckpointSlimmer(directory: folder).slim(to: output)
        let inputs = try SlimTestSupport.referenceInputs(fixture)
        let before = try Checkpoint(directory: folder).loadModel().forward(inputs)
        let after = try Checkpoint(directory: output).loadModel().forward(inputs)
        return (report, output, try SlimTestSupport.maxAbsDiff(after, before))
    }

    @Test func groupedQueryAttentionLosesOnlyWholeKeyValueGroupsAndChannelsRoundDownKeepingTheHighestZeros() throws {
        // llama-gqa: 4 query heads, 2 key/value heads of 16; group g = kv head g with query heads 2g, 2g+1.
        let pruned = try SlimTestSupport.prunedCopy(of: "llama-gqa") { tensors in
            // Layer 0: the whole group 1 (kv head 1, query heads 2 and 3) is zero.
            SlimTestSupport.zeroRows(&tensors["model.layers.0.self_attn.q_proj.weight"]!, SlimTestSupport.headChannels([2, 3], size: 16))
            SlimTestSupport.zeroRows(&tensors["model.layers.0.self_attn.k_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
            SlimTestSupport.zeroRows(&tensors["model.layers.0.self_attn.v_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
            SlimTestSupport.zeroColumns(&tensors["model.layers.0.self_attn.o_proj.weight"]!, SlimTestSupport.headChannels([2, 3], size: 16))
            // Layer 1: kv head 0 and query head 1 are zero, query head 0 is not: group 0 must stay.
            SlimTestSupport.zeroRows(&tensors["model.layers.1.self_attn.q_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
            SlimTestSupport.zeroRows(&tensors["model.layers.1.self_attn.k_proj.weight"]!, SlimTestSupport.headChannels([0], size: 16))
            SlimTestSupport.zeroRows(&tensors["model.layers.1.self_attn.v_proj.weight"]!, SlimTestSupport.headChannels([0], size: 16))
            SlimTestSupport.zeroColumns(&tensors["model.layers.1.self_attn.o_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
            // Layer 1's feed-forward: 40 zero channels, 32 of which go (the lowest-index ones).
            SlimTestSupport.zeroColumns(&tensors["model.layers.1.mlp.down_proj.weight"]!, Array(0..<40))
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "llama-gqa")
        defer { try? FileManager.default.removeItem(at: output) }

        let shapes = try SlimTestSupport.shapes(output)
        #expect(shapes["model.layers.0.self_attn.q_proj.weight"] == [32, 64])
        #expect(shapes["model.layers.0.self_attn.k_proj.weight"] == [16, 64])
        #expect(shapes["model.layers.0.self_attn.v_proj.weight"] == [16, 64])
        #expect(shapes["model.layers.0.self_attn.o_proj.weight"] == [64, 32])
        #expect(shapes["model.layers.1.self_attn.q_proj.weight"] == [64, 64])
        #expect(shapes["model.layers.1.self_attn.k_proj.weight"] == [32, 64])
        #expect(shapes["model.layers.1.self_attn.o_proj.weight"] == [64, 64])
        #expect(shapes["model.layers.0.mlp.down_proj.weight"] == [64, 128])
        #expect(shapes["model.layers.1.mlp.down_proj.weight"] == [64, 96])
        #expect(shapes["model.layers.1.mlp.gate_proj.weight"] == [96, 64])
        #expect(shapes["model.layers.1.mlp.up_proj.weight"] == [96, 64])

        let heads = try #require(report.changes.first { $0.kind == .heads })
        #expect(heads.layer == "model.layers.0" && heads.removed == [2, 3] && heads.removedKeyValueHeads == [1])
        #expect(heads.keyValueHeadsBefore == 2 && heads.keyValueHeadsAfter == 1)
        #expect(report.changes.filter { $0.kind == .heads }.count == 1)
        let channels = try #require(report.changes.first { $0.kind == .channels })
        #expect(channels.layer == "model.layers.1" && channels.zeroChannels == 40 && channels.removed == Array(0..<32))
        let layer1Heads = try #require(report.skipped.first { $0.kind == .heads && $0.modules[0].hasPrefix("model.layers.1.") })
        #expect(layer1Heads.reason.contains("no whole key/value group"), "\(layer1Heads.reason)")

        // The first kept down_proj column is the original column 32.
        let original = try Checkpoint(directory: pruned).tensor(named: "model.layers.1.mlp.down_proj.weight").floats()
        let slimmed = try Checkpoint(directory: output).tensor(named: "model.layers.1.mlp.down_proj.weight").floats()
        #expect(slimmed[0] == original[32] && slimmed[96] == original[128 + 32])

        let section = try #require(try SlimTestSupport.slimtraceSection(output))
        let layer0 = try #require((section["layers"] as? [String: Any])?["model.layers.0"] as? [String: Any])
        #expect(layer0["num_attention_heads"] as? Int == 2 && layer0["removed_heads"] as? [Int] == [2, 3])
        #expect(layer0["num_key_value_heads"] as? Int == 1 && layer0["removed_key_value_heads"] as? [Int] == [1])
        print("llama-gqa (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func gpt2SlimsHeadsInsideTheFusedConv1DAndFeedForwardChannelsInConv1DLayout() throws {
        // GPT-2: c_attn Conv1D [64, 192] = [q | k | v], 4 heads of 16; attn.c_proj Conv1D [64, 64]
        // (input channels are rows); mlp.c_fc [64, 128], mlp.c_proj [128, 64].
        let zeroHeads = [0, 2]
        let pruned = try SlimTestSupport.prunedCopy(of: "gpt2") { tensors in
            let fused = SlimTestSupport.headChannels(zeroHeads, size: 16) + SlimTestSupport.headChannels(zeroHeads, size: 16, offset: 64)
                + SlimTestSupport.headChannels(zeroHeads, size: 16, offset: 128)
            SlimTestSupport.zeroColumns(&tensors["transformer.h.0.attn.c_attn.weight"]!, fused)
            SlimTestSupport.zeroRows(&tensors["transformer.h.0.attn.c_proj.weight"]!, SlimTestSupport.headChannels(zeroHeads, size: 16))
            for layer in 0..<2 {
                SlimTestSupport.zeroRows(&tensors["transformer.h.\(layer).mlp.c_proj.weight"]!, Array(stride(from: 1, to: 128, by: 2)))
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "gpt2")
        defer { try? FileManager.default.removeItem(at: output) }

        let shapes = try SlimTestSupport.shapes(output)
        #expect(shapes["transformer.h.0.attn.c_attn.weight"] == [64, 96])
        #expect(shapes["transformer.h.0.attn.c_attn.bias"] == [96])
        #expect(shapes["transformer.h.0.attn.c_proj.weight"] == [32, 64])
        #expect(shapes["transformer.h.1.attn.c_attn.weight"] == [64, 192])
        for layer in 0..<2 {
            #expect(shapes["transformer.h.\(layer).mlp.c_fc.weight"] == [64, 64])
            #expect(shapes["transformer.h.\(layer).mlp.c_fc.bias"] == [64])
            #expect(shapes["transformer.h.\(layer).mlp.c_proj.weight"] == [64, 64])
        }
        let heads = try #require(report.changes.first { $0.kind == .heads })
        #expect(heads.modules == ["transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj"] && heads.removed == [0, 2])
        #expect(report.changes.filter { $0.kind == .channels }.allSatisfy { $0.removed == Array(stride(from: 1, to: 128, by: 2)) })

        // Kept fused columns: heads 1 and 3 of q, then of k, then of v.
        let original = try Checkpoint(directory: pruned).tensor(named: "transformer.h.0.attn.c_attn.weight").floats()
        let slimmed = try Checkpoint(directory: output).tensor(named: "transformer.h.0.attn.c_attn.weight").floats()
        let keptColumns = SlimTestSupport.headChannels([1, 3], size: 16) + SlimTestSupport.headChannels([1, 3], size: 16, offset: 64)
            + SlimTestSupport.headChannels([1, 3], size: 16, offset: 128)
        #expect((0..<64).allSatisfy { row in keptColumns.enumerated().allSatisfy { slimmed[row * 96 + $0.offset] == original[row * 192 + $0.element] } })

        print("gpt2 (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func electrasUnsafeEmbeddingsProjectFindingIsLeftUntouched() throws {
        // Zero half of query's input columns (a root whose frontier is embeddings_project, unsafe:
        // the projection also feeds key, value and the residual) and half the feed-forward channels.
        let pruned = try SlimTestSupport.prunedCopy(of: "electra") { tensors in
            SlimTestSupport.zeroColumns(&tensors["electra.encoder.layer.0.attention.self.query.weight"]!, Array(0..<32))
            SlimTestSupport.zeroColumns(&tensors["electra.encoder.layer.0.output.dense.weight"]!, Array(64..<128))
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "electra")
        defer { try? FileManager.default.removeItem(at: output) }

        let shapes = try SlimTestSupport.shapes(output)
        #expect(shapes["electra.embeddings_project.weight"] == [64, 32])
        #expect(shapes["electra.embeddings_project.bias"] == [64])
        #expect(shapes["electra.encoder.layer.0.attention.self.query.weight"] == [64, 64])
        #expect(shapes["electra.encoder.layer.0.intermediate.dense.weight"] == [64, 64])
        #expect(shapes["electra.encoder.layer.0.output.dense.weight"] == [64, 64])
        #expect(shapes["electra.encoder.layer.1.output.dense.weight"] == [64, 128])
        let unsafe = try #require(report.skipped.first { $0.modules == ["electra.encoder.layer.0.attention.self.query", "electra.embeddings_project"] })
        #expect(unsafe.reason.hasPrefix("unsafe"), "\(unsafe.reason)")
        #expect(report.changes.map(\.layer) == ["electra.encoder.layer.0"])

        print("electra (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    /// Zeroes half of every feed-forward channel pair (`down_proj` columns 0, 2, 4...) and the last
    /// key/value group (kv head 1 with query heads 2 and 3, 16 channels each) in both layers of a
    /// rotary decoder fixture (hidden 64, 4 heads over 2 key/value heads, intermediate 128).
    static func prunedRotaryDecoder(_ fixture: String) throws -> URL {
        try SlimTestSupport.prunedCopy(of: fixture) { tensors in
            for layer in 0..<2 {
                let prefix = "model.layers.\(layer)."
                SlimTestSupport.zeroColumns(&tensors[prefix + "mlp.down_proj.weight"]!, Array(stride(from: 0, to: 128, by: 2)))
                SlimTestSupport.zeroRows(&tensors[prefix + "self_attn.q_proj.weight"]!, SlimTestSupport.headChannels([2, 3], size: 16))
                SlimTestSupport.zeroRows(&tensors[prefix + "self_attn.k_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
                SlimTestSupport.zeroRows(&tensors[prefix + "self_attn.v_proj.weight"]!, SlimTestSupport.headChannels([1], size: 16))
                SlimTestSupport.zeroColumns(&tensors[prefix + "self_attn.o_proj.weight"]!, SlimTestSupport.headChannels([2, 3], size: 16))
            }
        }
    }

    @Test func gemma3PerHeadQueryKeyNormsStayWholeWhileWholeGroupsAndChannelsGo() throws {
        let pruned = try Self.prunedRotaryDecoder("gemma3_text")
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "gemma3_text")
        defer { try? FileManager.default.removeItem(at: output) }

        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "model.layers.\(layer)."
            #expect(shapes[prefix + "self_attn.q_proj.weight"] == [32, 64] && shapes[prefix + "self_attn.k_proj.weight"] == [16, 64])
            #expect(shapes[prefix + "self_attn.o_proj.weight"] == [64, 32])
            #expect(shapes[prefix + "self_attn.q_norm.weight"] == [16] && shapes[prefix + "self_attn.k_norm.weight"] == [16])
            #expect(shapes[prefix + "mlp.gate_proj.weight"] == [64, 64] && shapes[prefix + "mlp.down_proj.weight"] == [64, 64])
        }
        // Per layer: 64 channels of gate, up (64 wide) and down; q 32 rows, k and v 16 rows, o 32 columns, of 64.
        #expect(report.parametersRemoved == 2 * (3 * 64 * 64 + (32 + 16 + 16 + 32) * 64))
        #expect(report.changes.filter { $0.kind == .heads }.map(\.removed) == [[2, 3], [2, 3]])
        print("gemma3_text (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func olmo2KeepsItsHeadsBecauseItsQueryKeyNormSpansAllHeadsButSlimsItsChannels() throws {
        let pruned = try Self.prunedRotaryDecoder("olmo2")
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "olmo2")
        defer { try? FileManager.default.removeItem(at: output) }

        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "model.layers.\(layer)."
            #expect(shapes[prefix + "self_attn.q_proj.weight"] == [64, 64] && shapes[prefix + "self_attn.q_norm.weight"] == [64])
            #expect(shapes[prefix + "self_attn.k_norm.weight"] == [32] && shapes[prefix + "mlp.down_proj.weight"] == [64, 64])
        }
        #expect(report.parametersRemoved == 2 * 3 * 64 * 64)
        #expect(report.changes.allSatisfy { $0.kind == .channels } && report.changes.count == 2)
        let refused = report.skipped.filter { $0.kind == .heads }
        #expect(refused.count == 2)
        #expect(refused.allSatisfy { $0.reason.contains("self_attn.q_norm normalises") && $0.reason.contains("all heads") }, "\(refused.map(\.reason))")
        print("olmo2 (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func phi3CutsTheSameChannelsFromBothGLUHalvesAndWholeKeyValueGroupsInsideTheFusedQKV() throws {
        // phi3: qkv_proj [128, 64] = [q 4×16 | k 2×16 | v 2×16]; gate_up_proj [256, 64] = [gate 128 | up 128].
        let pruned = try SlimTestSupport.prunedCopy(of: "phi3") { tensors in
            for layer in 0..<2 {
                let prefix = "model.layers.\(layer)."
                // Group 1: query heads 2 and 3, key/value head 1.
                SlimTestSupport.zeroRows(&tensors[prefix + "self_attn.qkv_proj.weight"]!, Array(32..<64) + Array(80..<96) + Array(112..<128))
                SlimTestSupport.zeroColumns(&tensors[prefix + "self_attn.o_proj.weight"]!, Array(32..<64))
                // Feed-forward channels 0..<64 in the gate half, the up half and down_proj.
                SlimTestSupport.zeroRows(&tensors[prefix + "mlp.gate_up_proj.weight"]!, Array(0..<64) + Array(128..<192))
                SlimTestSupport.zeroColumns(&tensors[prefix + "mlp.down_proj.weight"]!, Array(0..<64))
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "phi3")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "model.layers.\(layer)."
            #expect(shapes[prefix + "self_attn.qkv_proj.weight"] == [64, 64])
            #expect(shapes[prefix + "self_attn.o_proj.weight"] == [64, 32])
            #expect(shapes[prefix + "mlp.gate_up_proj.weight"] == [128, 64])
            #expect(shapes[prefix + "mlp.down_proj.weight"] == [64, 64])
        }
        #expect(report.changes.filter { $0.kind == .heads }.allSatisfy { $0.removed == [2, 3] && $0.removedKeyValueHeads == [1] })
        #expect(report.parametersBefore - report.parametersAfter == 2 * (64 * 64 + 64 * 32 + 128 * 64 + 64 * 64))
        print("phi3 (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func gptNeoXCutsHeadsInsideItsPerHeadFusedQueryKeyValue() throws {
        // gpt_neox: query_key_value [192, 64] (with bias) = per head h, rows 48h..<48h+48 holding [q, k, v].
        let pruned = try SlimTestSupport.prunedCopy(of: "gpt_neox") { tensors in
            for layer in 0..<2 {
                let prefix = "gpt_neox.layers.\(layer).attention."
                SlimTestSupport.zeroRows(&tensors[prefix + "query_key_value.weight"]!, Array(48..<96) + Array(144..<192))
                SlimTestSupport.zeroColumns(&tensors[prefix + "dense.weight"]!, SlimTestSupport.headChannels([1, 3], size: 16))
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "gpt_neox")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        #expect(shapes["gpt_neox.layers.0.attention.query_key_value.weight"] == [96, 64])
        #expect(shapes["gpt_neox.layers.1.attention.query_key_value.bias"] == [96])
        #expect(shapes["gpt_neox.layers.1.attention.dense.weight"] == [64, 32])
        #expect(report.changes.filter { $0.kind == .heads }.map(\.removed) == [[1, 3], [1, 3]])
        print("gpt_neox (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func falconCutsWholeKeyValueGroupsInsideItsGroupedQueryKeyValueAndFeedForwardChannels() throws {
        // falcon: query_key_value [128, 64] = per key/value group g, rows 64g..<64g+64 holding [q 2×16 | k 16 | v 16].
        let pruned = try SlimTestSupport.prunedCopy(of: "falcon") { tensors in
            for layer in 0..<2 {
                let prefix = "transformer.h.\(layer)."
                // Group 1: query heads 2 and 3 and key/value head 1.
                SlimTestSupport.zeroRows(&tensors[prefix + "self_attention.query_key_value.weight"]!, Array(64..<128))
                SlimTestSupport.zeroColumns(&tensors[prefix + "self_attention.dense.weight"]!, SlimTestSupport.headChannels([2, 3], size: 16))
                SlimTestSupport.zeroColumns(&tensors[prefix + "mlp.dense_4h_to_h.weight"]!, Array(0..<128))
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "falcon")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "transformer.h.\(layer)."
            #expect(shapes[prefix + "self_attention.query_key_value.weight"] == [64, 64])
            #expect(shapes[prefix + "self_attention.dense.weight"] == [64, 32])
            #expect(shapes[prefix + "mlp.dense_h_to_4h.weight"] == [128, 64])
            #expect(shapes[prefix + "mlp.dense_4h_to_h.weight"] == [64, 128])
        }
        #expect(report.changes.filter { $0.kind == .heads }.allSatisfy { $0.removed == [2, 3] && $0.removedKeyValueHeads == [1] })
        #expect(report.parametersBefore - report.parametersAfter == 2 * (64 * 64 + 64 * 32 + 128 * 64 + 64 * 128))
        print("falcon (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func bloomSlimsFeedForwardChannelsAndKeepsHeadsBecauseALiBiSlopesFollowTheHeadIndex() throws {
        // bloom: query_key_value [192, 64] = per head h, rows 48h..<48h+48 holding [q, k, v]; dense_4h_to_h [64, 256].
        let pruned = try SlimTestSupport.prunedCopy(of: "bloom") { tensors in
            for layer in 0..<2 {
                let prefix = "transformer.h.\(layer)."
                SlimTestSupport.zeroRows(&tensors[prefix + "self_attention.query_key_value.weight"]!, Array(144..<192))
                SlimTestSupport.zeroColumns(&tensors[prefix + "self_attention.dense.weight"]!, SlimTestSupport.headChannels([3], size: 16))
                SlimTestSupport.zeroColumns(&tensors[prefix + "mlp.dense_4h_to_h.weight"]!, Array(0..<64))
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "bloom")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "transformer.h.\(layer)."
            #expect(shapes[prefix + "self_attention.query_key_value.weight"] == [192, 64])
            #expect(shapes[prefix + "mlp.dense_h_to_4h.weight"] == [192, 64])
            #expect(shapes[prefix + "mlp.dense_h_to_4h.bias"] == [192])
            #expect(shapes[prefix + "mlp.dense_4h_to_h.weight"] == [64, 192])
        }
        #expect(report.changes.allSatisfy { $0.kind == .channels } && report.changes.count == 2)
        let refused = report.skipped.filter { $0.kind == .heads }
        #expect(refused.count == 2 && refused.allSatisfy { $0.reason.contains("ALiBi") }, "\(refused.map(\.reason))")
        #expect(report.parametersBefore - report.parametersAfter == 2 * (64 * 64 + 64 + 64 * 64))
        print("bloom (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func phiCutsHeadsFromItsSeparateProjectionsAndDenseAndChannelsFromFc1AndFc2() throws {
        // phi: q/k/v_proj [64, 64] with biases, dense [64, 64], fc1 [128, 64], fc2 [64, 128].
        let pruned = try SlimTestSupport.prunedCopy(of: "phi") { tensors in
            for layer in 0..<2 {
                let prefix = "model.layers.\(layer)."
                for projection in ["q_proj", "k_proj", "v_proj"] {
                    SlimTestSupport.zeroRows(&tensors[prefix + "self_attn.\(projection).weight"]!, SlimTestSupport.headChannels([1, 3], size: 16))
                }
                SlimTestSupport.zeroColumns(&tensors[prefix + "self_attn.dense.weight"]!, SlimTestSupport.headChannels([1, 3], size: 16))
                SlimTestSupport.zeroColumns(&tensors[prefix + "mlp.fc2.weight"]!, Array(0..<64))
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "phi")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "model.layers.\(layer)."
            #expect(shapes[prefix + "self_attn.q_proj.weight"] == [32, 64])
            #expect(shapes[prefix + "self_attn.v_proj.bias"] == [32])
            #expect(shapes[prefix + "self_attn.dense.weight"] == [64, 32])
            #expect(shapes[prefix + "mlp.fc1.weight"] == [64, 64])
            #expect(shapes[prefix + "mlp.fc2.weight"] == [64, 64])
        }
        #expect(report.changes.filter { $0.kind == .heads }.map(\.removed) == [[1, 3], [1, 3]])
        #expect(report.parametersBefore - report.parametersAfter == 2 * ((64 * 64 + 64 + 64 * 64) + 3 * (32 * 64 + 32) + 64 * 32))
        print("phi (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }
}

/// Encoders whose attention scores get more than q·kᵀ.
extension BuiltPrunedModelTests {
    @Test func mpnetKeepsItsHeadsBecauseTheSharedRelativeBiasHoldsOneColumnPerHeadButSlimsItsChannels() throws {
        // mpnet: 4 heads of 16; heads 1 and 3 zero in q, k, v and o; intermediate 128, half of it zero.
        let pruned = try SlimTestSupport.prunedCopy(of: "mpnet") { tensors in
            for layer in 0..<2 {
                let prefix = "mpnet.encoder.layer.\(layer)."
                for projection in ["q", "k", "v"] {
                    SlimTestSupport.zeroRows(&tensors[prefix + "attention.attn.\(projection).weight"]!, SlimTestSupport.headChannels([1, 3], size: 16))
                }
                SlimTestSupport.zeroColumns(&tensors[prefix + "attention.attn.o.weight"]!, SlimTestSupport.headChannels([1, 3], size: 16))
                SlimTestSupport.zeroColumns(&tensors[prefix + "output.dense.weight"]!, Array(stride(from: 0, to: 128, by: 2)))
            }
        }
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "mpnet")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "mpnet.encoder.layer.\(layer)."
            #expect(shapes[prefix + "attention.attn.q.weight"] == [64, 64])
            #expect(shapes[prefix + "intermediate.dense.weight"] == [64, 64] && shapes[prefix + "output.dense.weight"] == [64, 64])
        }
        #expect(report.parametersRemoved == 2 * (2 * 64 * 64 + 64))
        let refused = report.skipped.filter { $0.kind == .heads }
        #expect(refused.count == 2)
        #expect(refused.allSatisfy { $0.reason.contains("mpnet.encoder.relative_attention_bias") }, "\(refused.map(\.reason))")
        print("mpnet (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    /// A DeBERTa-v2 variant with heads 1 and 3 of every layer zero in query_proj, key_proj,
    /// value_proj and attention.output.dense, and every other feed-forward channel zero (4 heads of 8,
    /// hidden 32, intermediate 64).
    static func prunedDeberta(_ fixture: String) throws -> URL {
        try SlimTestSupport.prunedCopy(of: fixture) { tensors in
            for layer in 0..<2 {
                let prefix = "deberta.encoder.layer.\(layer)."
                for projection in ["query_proj", "key_proj", "value_proj"] {
                    SlimTestSupport.zeroRows(&tensors[prefix + "attention.self.\(projection).weight"]!, SlimTestSupport.headChannels([1, 3], size: 8))
                }
                SlimTestSupport.zeroColumns(&tensors[prefix + "attention.output.dense.weight"]!, SlimTestSupport.headChannels([1, 3], size: 8))
                SlimTestSupport.zeroColumns(&tensors[prefix + "output.dense.weight"]!, Array(stride(from: 0, to: 64, by: 2)))
            }
        }
    }

    @Test func debertaWithSharedAttentionKeySlimsHeadsExactlyBecauseItsPositionTermsUseTheCutProjections() throws {
        // share_att_key: c2p and p2c project the relative embeddings with query_proj and key_proj,
        // so a head's rows go from the content and the position terms together.
        let pruned = try Self.prunedDeberta("deberta-v2-v3")
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "deberta-v2-v3")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        for layer in 0..<2 {
            let prefix = "deberta.encoder.layer.\(layer)."
            #expect(shapes[prefix + "attention.self.query_proj.weight"] == [16, 32] && shapes[prefix + "attention.self.key_proj.bias"] == [16])
            #expect(shapes[prefix + "attention.output.dense.weight"] == [32, 16])
            #expect(shapes[prefix + "intermediate.dense.weight"] == [32, 32] && shapes[prefix + "output.dense.weight"] == [32, 32])
        }
        #expect(report.changes.filter { $0.kind == .heads }.map(\.removed) == [[1, 3], [1, 3]])
        // Per layer: 16 rows (and biases) of q, k, v; 16 columns of the output dense; 32 feed-forward channels.
        #expect(report.parametersRemoved == 2 * (3 * (16 * 32 + 16) + 32 * 16 + (32 * 32 + 32) + 32 * 32))
        print("deberta-v2-v3 (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }

    @Test func debertaWithSeparatePositionProjectionsKeepsItsHeadsAndSaysWhyButSlimsItsChannels() throws {
        let pruned = try Self.prunedDeberta("deberta-v2-separate")
        defer { try? FileManager.default.removeItem(at: pruned) }
        let (report, output, difference) = try Self.slimAndCompare(pruned, fixture: "deberta-v2-separate")
        defer { try? FileManager.default.removeItem(at: output) }
        let shapes = try SlimTestSupport.shapes(output)
        #expect(shapes["deberta.encoder.layer.0.attention.self.query_proj.weight"] == [32, 32])
        #expect(shapes["deberta.encoder.layer.1.output.dense.weight"] == [32, 32])
        #expect(report.parametersRemoved == 2 * ((32 * 32 + 32) + 32 * 32))
        let refused = report.skipped.filter { $0.kind == .heads }
        #expect(refused.count == 2)
        #expect(refused.allSatisfy { $0.reason.contains("attention.self.pos_") }, "\(refused.map(\.reason))")
        print("deberta-v2-separate (built): max abs diff \(difference), in-slim \(report.maxAbsDiff)")
        #expect(difference <= 1e-5)
    }
}
