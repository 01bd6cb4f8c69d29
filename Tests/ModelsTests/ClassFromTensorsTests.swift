import Formats
import Foundation
import Testing
import TestFixtures
@testable import Models

/// A config without `architectures` (as conversion tools write them) loads as the class its tensors
/// were saved from, the same rule for every family: the base prefix and a head's marker tensors
/// (or a decoder's tied `lm_head`) give the full model, no prefix gives the base model.
@Suite struct ClassFromTensorsTests {
    /// Every fixture with INC's results, and the rotary decoders' variants (three of them tied, so
    /// without `lm_head.weight`).
    static let cases = Fixtures.searchCases + ["qwen3-variant", "gemma2-variant", "gemma3_text-variant", "olmo2-variant"]

    /// The fixture's class (`architectures[0]`) and its family's registry row.
    static func expected(_ fixture: String) throws -> (className: String, architecture: Architecture) {
        let config = try #require(try Fixtures.json("config.json", of: fixture) as? [String: Any])
        let className = try #require((config["architectures"] as? [String])?.first)
        let modelType = try #require(config["model_type"] as? String)
        let architecture = try #require(Architectures.table[modelType])
        return (className, architecture)
    }

    @Test(arguments: cases)
    func fullCheckpointWithoutArchitecturesLoadsItsHeadAndMatchesPyTorch(_ fixture: String) throws {
        let (className, _) = try Self.expected(fixture)
        let folder = try CheckpointMatchingTests.copy(of: fixture, config: { $0["architectures"] = nil })
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Checkpoint(directory: folder).loadModel()
        #expect(model.typeName == className)
        let logits = try model.forward(ReferenceChecks.referenceInputs(case: fixture))
        let reference = try SafetensorsFile(url: Fixtures.model(fixture).appendingPathComponent("reference_io.safetensors"))
        let comparison = try ReferenceChecks.compare(logits, with: reference.tensor(named: "logits"), caseName: fixture)
        #expect(comparison.maxAbsDiff <= 1e-4, "\(comparison)")
    }

    @Test(arguments: cases)
    func baseTensorsWithoutPrefixOrArchitecturesLoadAsTheBaseModel(_ fixture: String) throws {
        let (_, architecture) = try Self.expected(fixture)
        let prefix = architecture.basePrefix + "."
        let folder = try CheckpointMatchingTests.copy(of: fixture, renaming: { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil },
                                                      config: { $0["architectures"] = nil })
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = try ModelLoading.load(folder, mode: .real)
        #expect(loaded.model.typeName == architecture.classNames[0])
        #expect(loaded.unusedTensors.isEmpty, "\(loaded.unusedTensors)")
        _ = try loaded.model.forward(ReferenceChecks.referenceInputs(case: fixture))
    }

    @Test func tiedDecoderWithPrefixButNoLanguageModelHeadTensorIsTheCausalLM() throws {
        let folder = try CheckpointMatchingTests.copy(of: "llama", renaming: { $0 == "lm_head.weight" ? nil : $0 }, config: { config in
            config["architectures"] = nil
            config["tie_word_embeddings"] = true
        })
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Checkpoint(directory: folder).loadModel()
        #expect(model.typeName == "LlamaForCausalLM")
    }
}
