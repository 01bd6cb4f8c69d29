import Foundation
import Testing
import TestFixtures
@testable import Models

@Suite struct ConfigFileTests {
    private func config(_ text: String) throws -> ConfigFile {
        try ConfigFile(data: Data(text.utf8), url: URL(fileURLWithPath: "/tmp/ckpt/config.json"))
    }

    @Test func configThatIsNotJSONIsAnErrorNamingTheFile() {
        #expect { try config("{not json") } throws: { error in
            (error as? ModelError)?.localizedDescription.contains("/tmp/ckpt/config.json") == true
        }
    }

    @Test func configWithoutModelTypeNamesTheMissingKey() {
        #expect { try config(#"{"hidden_size": 8}"#) } throws: { error in
            error.localizedDescription.contains("model_type")
        }
    }

    @Test func unsupportedModelTypeListsWhatIsSupported() throws {
        let file = try config(#"{"model_type": "mamba"}"#)
        #expect { try Architectures.build(config: file, parameterNames: []) } throws: { error in
            error.localizedDescription.contains("mamba") && error.localizedDescription.contains("supported")
        }
    }

    @Test func missingConfigFileIsAnErrorNamingThePath() {
        #expect { try ConfigFile(url: URL(fileURLWithPath: "/nonexistent/config.json")) } throws: { error in
            error.localizedDescription.contains("/nonexistent/config.json")
        }
    }

    @Test func configThatIsADirectoryIsAOneLineErrorNamingTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-config-dir-\(UUID().uuidString)")
        let url = folder.appendingPathComponent("config.json")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect { try ConfigFile(url: url) } throws: { error in
            let message = error.localizedDescription
            return message.contains(url.path) && !message.contains("NSCocoaErrorDomain") && !message.contains("\n")
        }
    }

    /// The parameter shapes of the model a config describes, or the error it gives.
    private static func outcome(_ object: [String: Any]) -> String {
        do {
            let file = try ConfigFile(data: JSONSerialization.data(withJSONObject: object), url: URL(fileURLWithPath: "/tmp/ckpt/config.json"))
            let model = try Architectures.build(config: file, parameterNames: [])
            return model.namedParameters().map { "\($0.name) \($0.parameter.shape)" }.joined(separator: "\n")
        } catch {
            return "error"
        }
    }

    /// `null` for a key means the key is absent, for every key of every fixture's config
    /// (`pad_token_id` aside: Hugging Face reads its `null` as "no padding token").
    @Test(arguments: Fixtures.searchCases)
    func aNullValueBuildsTheSameModelAsAnAbsentKey(_ name: String) throws {
        let original = try #require(try Fixtures.json("config.json", of: name) as? [String: Any])
        for key in original.keys.sorted() where key != "pad_token_id" && key != "model_type" {
            var absent = original, null = original
            absent[key] = nil
            null[key] = NSNull()
            let (withoutKey, withNull) = (Self.outcome(absent), Self.outcome(null))
            #expect(withNull == withoutKey, "\(name): \"\(key)\": null gives \(withNull == "error" ? "an error" : "another model")")
        }
    }

    /// The fixture BERT config with `{"a": [` ... `null` ... `]}` `pairs` times under a key slimtrace
    /// does not read (two levels of nesting per pair).
    private func nestedConfig(pairs: Int) throws -> String {
        var object = try #require(try Fixtures.json("config.json", of: "bert") as? [String: Any])
        object["task_specific_params"] = "NESTED"
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            .replacingOccurrences(of: #""NESTED""#, with: String(repeating: #"{"a": ["#, count: pairs) + "null" + String(repeating: "]}", count: pairs))
    }

    /// Valid JSON nested 400 levels deep (a config may carry any JSON under keys slimtrace does
    /// not read) loads; past Foundation's limit (512 levels) the error says so in one line.
    @Test func deeplyNestedValidJSONLoadsAndTooDeepJSONSaysWhy() throws {
        let file = try config(try nestedConfig(pairs: 200))
        #expect(file.modelType == "bert")
        _ = try Architectures.build(config: file, parameterNames: [])
        #expect { try config(try nestedConfig(pairs: 5000)) } throws: { error in
            let message = error.localizedDescription
            return message.contains("/tmp/ckpt/config.json") && message.contains("nested") && !message.contains("\n")
        }
    }
}
