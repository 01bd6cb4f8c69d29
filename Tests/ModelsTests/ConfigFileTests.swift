import Foundation
import Testing
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
}
