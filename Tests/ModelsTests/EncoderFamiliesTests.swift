import Foundation
import Testing
import Tensor
import TestFixtures
@testable import Models

/// Encoder fixtures outside the BERT family (MPNet, DeBERTa-v2): PyTorch's logits and module tree.
@Suite struct EncoderFamiliesTests {
    static let fixtures = ["mpnet", "deberta-v2"]
    /// DeBERTa-v2 with disentangled relative attention (scripts/reference/make_deberta_variants.py):
    /// v3's geometry, log buckets reached by the input, separate position projections; each
    /// reference batch has a padded row.
    static let debertaVariants = ["deberta-v2-v3", "deberta-v2-buckets", "deberta-v2-separate"]

    @Test(arguments: fixtures + debertaVariants)
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
}
