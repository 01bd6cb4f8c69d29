import Formats
import Foundation
import Testing
import Tensor
import TestFixtures
import Tracer
@testable import Models

/// Encoder fixtures outside the BERT family (MPNet, ModernBERT): PyTorch's logits and module tree,
/// and what must hold for any ModernBERT config (legacy keys, meta forward, config errors).
@Suite struct EncoderFamiliesTests {
    /// Fixtures with PyTorch's logits; `modernbert-variant` (windows shorter than the input, every
    /// bias, mean pooling over a padded batch) and `modernbert-mlm` (the tied masked-LM head) are
    /// made by scripts/reference/make_modernbert_variants.py.
    static let fixtures = ["mpnet", "modernbert", "modernbert-variant", "modernbert-mlm"]
    /// Fixtures with PyTorch's `named_modules()`.
    static let treeFixtures = ["mpnet", "modernbert"]

    @Test(arguments: fixtures)
    func logitsMatchPyTorchWithin1e4(fixture: String) throws {
        let comparison = try ReferenceChecks.logitsMatch(case: fixture)
        #expect(comparison.shape == comparison.expectedShape, "\(comparison)")
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
        print(comparison)
    }

    @Test(arguments: treeFixtures)
    func moduleTreeEqualsPyTorchNamedModules(fixture: String) throws {
        try ReferenceChecks.expectModuleTreeEqualsPyTorch(case: fixture)
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
