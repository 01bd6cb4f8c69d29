import Foundation
import Models
import Testing

/// Sizes read from a config are bounded before a model is built (`ConfigLimits`): an absurd value
/// is a one-line invalid-config error naming the key, returned at once, never an arithmetic
/// overflow trap or a build of a billion layers.
@Suite struct ConfigLimitsTests {
    static let path = "/tmp/ckpt/config.json"

    /// The error building `json` throws, after checking that it came quickly and is one line.
    static func buildError(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let start = Date()
        defer { #expect(Date().timeIntervalSince(start) < 2, "took too long", sourceLocation: sourceLocation) }
        do {
            let file = try ConfigFile(data: Data(json.utf8), url: URL(fileURLWithPath: path))
            _ = try Architectures.build(config: file, parameterNames: [])
        } catch let error as ModelError {
            let message = error.localizedDescription
            #expect(message.hasPrefix(path) && !message.contains("\n"), "\(message)", sourceLocation: sourceLocation)
            return message
        } catch {
            Issue.record("expected a ModelError, got \(error)", sourceLocation: sourceLocation)
            return ""
        }
        Issue.record("the config was accepted", sourceLocation: sourceLocation)
        return ""
    }

    /// A small LLaMA config with `overrides` replacing its values.
    static func llama(_ overrides: [String: Int]) -> String {
        var object: [String: Any] = ["model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 128, "hidden_size": 64,
                                     "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4]
        object.merge(overrides) { $1 }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func vocabularyOfTwoToTheSixtyOneIsAnErrorNamingVocabSize() {
        #expect(Self.buildError(Self.llama(["vocab_size": 1 << 61])).contains("\"vocab_size\""))
        let bert = #"{"model_type": "bert", "vocab_size": 2305843009213693952}"#
        #expect(Self.buildError(bert).contains("\"vocab_size\""))
    }

    @Test func aBillionLayersIsAnErrorNamingTheLayerCount() {
        #expect(Self.buildError(Self.llama(["num_hidden_layers": 1_000_000_000])).contains("\"num_hidden_layers\""))
        let gpt2 = #"{"model_type": "gpt2", "n_layer": 1000000000}"#
        #expect(Self.buildError(gpt2).contains("\"n_layer\""))
    }

    @Test func widthWhoseFourfoldOverflowsIsAnErrorNamingIt() {
        let gpt2 = #"{"model_type": "gpt2", "n_embd": 4611686018427387904, "n_head": 1}"#
        #expect(Self.buildError(gpt2).contains("\"n_embd\""))
    }

    @Test func vitPatchesWhoseProductOverflowsAreAnErrorNamingTheKey() {
        let patch = #"{"model_type": "vit", "patch_size": 1048576, "num_channels": 3, "image_size": 1048576}"#
        #expect(Self.buildError(patch).contains("\"num_channels\""))
        let image = #"{"model_type": "vit", "patch_size": 1, "image_size": 268435456}"#
        #expect(Self.buildError(image).contains("\"image_size / patch_size\""))
    }

    @Test func sizesWithinEachLimitButBeyondTenToTheThirteenParametersAreAnError() {
        let json = Self.llama(["hidden_size": 1 << 20, "intermediate_size": 1 << 20, "num_attention_heads": 1, "num_hidden_layers": 100])
        #expect(Self.buildError(json).contains("more than \(ConfigLimits.parameters) parameters"))
    }

    @Test func configFileLargerThanSixtyFourMiBIsRefusedBeforeReading() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-huge-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 4 << 30)  // sparse: 4 GiB that take no disk space
        try handle.close()
        #expect(throws: ModelError.invalidConfig(path: url.path, detail: "is \(4 << 30) bytes, more than the \(ConfigLimits.configFileBytes) slimtrace reads")) {
            try ConfigFile(url: url)
        }
    }
}
