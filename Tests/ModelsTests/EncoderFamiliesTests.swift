import Formats
import Foundation
import Testing
import Tensor
import TestFixtures
import Tracer
@testable import Models

/// Encoder fixtures outside the BERT family (MPNet, DeBERTa-v2, ModernBERT): PyTorch's logits and
/// module tree, and what must hold for any ModernBERT config (legacy keys, meta forward, config errors).
@Suite struct EncoderFamiliesTests {
    static let fixtures = ["mpnet", "deberta-v2", "modernbert"]
    /// DeBERTa-v2 with disentangled relative attention (scripts/reference/make_deberta_variants.py):
    /// v3's geometry, log buckets reached by the input, separate position projections; each
    /// reference batch has a padded row.
    static let debertaVariants = ["deberta-v2-v3", "deberta-v2-buckets", "deberta-v2-separate"]
    /// ModernBERT with windows shorter than the input, every bias and mean pooling over a padded
    /// batch, and the tied masked-LM head (scripts/reference/make_modernbert_variants.py).
    static let modernBertVariants = ["modernbert-variant", "modernbert-mlm"]

    @Test(arguments: fixtures + debertaVariants + modernBertVariants)
    func logitsMatchPyTorchWithin1e4(fixture: String) throws {
        let comparison = try ReferenceChecks.logitsMatch(case: fixture)
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
        print(comparison)
    }

    @Test(arguments: fixtures)
    func moduleTreeEqualsPyTorchNamedModules(fixture: String) throws {
        try ReferenceChecks.expectModuleTreeEqualsPyTorch(case: fixture)
    }

    @Test(arguments: debertaVariants)
    func debertaVariantModuleTreeEqualsPyTorchNamedModules(fixture: String) throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model(fixture))
        let model = try Architectures.build(config: checkpoint.config, parameterNames: checkpoint.tensorNames)
        let expected = try #require(try Fixtures.json("modules.json", of: fixture) as? [[String]])
        let tree = model.namedModules().map { [$0.path, $0.module.typeName] }
        #expect(tree == expected)
        if let first = zip(tree, expected).first(where: { $0 != $1 }) { Issue.record("first difference: slimtrace \(first.0), PyTorch \(first.1)") }
    }

    @Test func debertaLogBucketsMatchHuggingFacesMakeLogBucketPosition() {
        // PyTorch: make_log_bucket_position(tensor(distances), bucket_size, max_position).
        let distances = [0, 3, 4, 5, 7, 12, 20, 31, 40, 200, -5, -13, -200]
        #expect(distances.map { Tensor.logBucketPosition($0, buckets: 8, maxPosition: 32) } == [0, 3, 4, 5, 5, 6, 7, 7, 8, 10, -5, -6, -10])
        let far = [0, 100, 127, 128, 129, 130, 200, 300, 511, 600, -129, -300, -1000]
        #expect(far.map { Tensor.logBucketPosition($0, buckets: 256, maxPosition: 512) } == [0, 100, 127, 128, 129, 130, 169, 207, 255, 270, -129, -207, -317])
    }

    @Test func debertaGatherIndicesMatchHuggingFacesClampedRelativePositions() throws {
        // PyTorch: r = build_relative_position(40 tokens, bucket_size=8, max_position=32); span 8;
        // c2p = clamp(r + 8, 0, 15), p2c = clamp(-r + 8, 0, 15); rows 39 and 5 of c2p, row 0 of p2c.
        let c2p = try Tensor.relativePositionIndex(length: 40, buckets: 8, maxPosition: 32, span: 8, sign: 1).integers()
        let p2c = try Tensor.relativePositionIndex(length: 40, buckets: 8, maxPosition: 32, span: 8, sign: -1).integers()
        #expect(Array(c2p[(39 * 40)...]) == Array(repeating: 15, count: 24) + Array(repeating: 14, count: 8) + [13, 13, 13, 12, 11, 10, 9, 8])
        #expect(Array(c2p[(5 * 40)..<(6 * 40)]) == [13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 3, 3] + Array(repeating: 2, count: 8)
                + Array(repeating: 1, count: 16) + [0, 0, 0])
        #expect(Array(p2c[..<40]) == [8, 9, 10, 11, 12, 13, 13, 13] + Array(repeating: 14, count: 8) + Array(repeating: 15, count: 24))
    }

    @Test func debertaConfigReadsPositionTypesAsAStringAndRefusesWhatItDoesNotBuild() throws {
        func config(_ changes: [String: Any]) throws -> ConfigFile {
            var object: [String: Any] = ["model_type": "deberta-v2", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
                                         "num_attention_heads": 4, "vocab_size": 100, "relative_attention": true]
            object.merge(changes) { $1 }
            return try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: URL(fileURLWithPath: "/tmp/deberta/config.json"))
        }
        let parsed = try DebertaV2Configuration.load(config(["pos_att_type": "P2C| c2p"]))
        #expect(parsed.positionToContent && parsed.contentToPosition)
        for (key, value, words) in [("conv_kernel_size", 3, "ConvLayer"), ("pooler_hidden_size", 48, "hidden_size"), ("attention_head_size", 4, "hidden_size")] as [(String, Any, String)] {
            let message = try #require(throws: ModelError.self) { try Architectures.build(config: config([key: value]), parameterNames: []) }.localizedDescription
            #expect(message.hasPrefix("/tmp/deberta/config.json: \"\(key)\"") && message.contains(words) && !message.contains("\n"), "\(message)")
        }
        let buckets = try #require(throws: ModelError.self) {
            try Architectures.build(config: config(["position_buckets": 8, "max_relative_positions": 4]), parameterNames: [])
        }
        #expect(buckets.localizedDescription.contains("\"max_relative_positions\" is 4"), "\(buckets.localizedDescription)")
        let unknown = try #require(throws: ModelError.self) { try Architectures.build(config: config(["pos_att_type": ["c2p", "p2p"]]), parameterNames: []) }
        #expect(unknown.localizedDescription.contains("\"pos_att_type\" holds \"p2p\""), "\(unknown.localizedDescription)")
    }

    // MARK: ModernBERT

    /// The `config.json` of `fixture` with `changes` applied (`NSNull()` removes a key).
    private static func modernBertConfig(_ fixture: String, _ changes: [String: Any]) throws -> Data {
        let url = Fixtures.model(fixture).appendingPathComponent("config.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        for (key, value) in changes { object[key] = value is NSNull ? nil : value }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// The logits of `fixture`'s weights under its config with `changes`, on its reference input.
    private static func logits(_ fixture: String, configChanges changes: [String: Any]) throws -> Tensor {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-\(fixture)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try modernBertConfig(fixture, changes).write(to: folder.appendingPathComponent("config.json"))
        try FileManager.default.copyItem(at: Fixtures.model(fixture).appendingPathComponent("model.safetensors"),
                                         to: folder.appendingPathComponent("model.safetensors"))
        return try Checkpoint(directory: folder).loadModel().forward(ReferenceChecks.referenceInputs(case: fixture))
    }

    @Test func modernBertOriginalCheckpointKeysGiveTheSameLayerTypesAndRotaryBases() throws {
        // The original checkpoints say global_attn_every_n_layers, global_rope_theta and
        // local_rope_theta instead of layer_types and rope_parameters.
        let legacy: [String: Any] = ["layer_types": NSNull(), "rope_parameters": NSNull(), "global_attn_every_n_layers": 3,
                                     "global_rope_theta": 1000.0, "local_rope_theta": 50.0]
        let expected = try SafetensorsFile(url: Fixtures.model("modernbert-variant").appendingPathComponent("reference_io.safetensors")).tensor(named: "logits")
        let same = try ReferenceChecks.compare(Self.logits("modernbert-variant", configChanges: legacy), with: expected, caseName: "legacy keys")
        #expect(same.maxAbsDiff <= 1e-4, "\(same)")
        let otherBase = try ReferenceChecks.compare(Self.logits("modernbert-variant", configChanges: legacy.merging(["local_rope_theta": 10000.0]) { $1 }),
                                                    with: expected, caseName: "another local base")
        #expect(otherBase.maxAbsDiff > 1e-3, "\(otherBase)")
    }

    @Test(arguments: ["modernbert", "modernbert-variant", "modernbert-mlm"])
    func modernBertMetaAndRealForwardTraceToTheSameGraphWithTwoAttentionMatmulsPerLayer(_ fixture: String) throws {
        let real = try FixtureTraces.placeholderTrace(fixture, meta: false)
        let meta = try FixtureTraces.placeholderTrace(fixture, meta: true)
        #expect(real.irLines() == meta.irLines())
        let layers = try Checkpoint(directory: Fixtures.model(fixture)).loadModel().namedModules()
            .filter { $0.module.typeName == "ModernBertEncoderLayer" }.count
        #expect(meta.nodes.filter { $0.op == .matmul }.count == 2 * layers)
    }

    @Test(arguments: [
        (#"{"classifier_pooling": "max"}"#, "\"classifier_pooling\" is \"max\"; supported: cls, mean"),
        (#"{"local_attention": 0}"#, "\"local_attention\" must be positive, got 0"),
        (#"{"layer_types": ["full_attention"]}"#, "\"layer_types\" has 1 entries for 2 layers"),
        (#"{"layer_types": ["full_attention", "chunked_attention"]}"#, "\"layer_types\" has \"chunked_attention\""),
        (#"{"hidden_size": 60, "num_attention_heads": 4}"#, "gives the head size 15; rotary embedding needs an even one"),
    ])
    func modernBertConfigErrorsNameTheirKey(_ changes: String, _ message: String) throws {
        let edits = try #require(try JSONSerialization.jsonObject(with: Data(changes.utf8)) as? [String: Any])
        let file = try ConfigFile(data: Self.modernBertConfig("modernbert", edits), url: URL(fileURLWithPath: "/tmp/modernbert/config.json"))
        let error = try #require(throws: ModelError.self) { try Architectures.build(config: file, parameterNames: []) }
        #expect(error.localizedDescription.contains(message), "\(error.localizedDescription)")
    }
}
