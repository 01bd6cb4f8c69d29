import Formats
import Foundation
import Models
import Tensor
import TestFixtures
import Testing

/// The inputs the fuzzers (`Fuzzing/`, `scripts/fuzz.sh`) crashed on, minimised and kept in
/// `Tests/Fixtures/fuzz/`: each is now a one-line error naming the file, through every reader
/// that takes it.
@Suite struct FuzzFindingsTests {
    static func finding(_ name: String) -> URL {
        Fixtures.root.appendingPathComponent("fuzz").appendingPathComponent(name)
    }

    /// A safetensors header with the shape `[0, 2^62, 2^62]`: no bytes, but strides that overflow
    /// (it trapped in `Shape.contiguousStrides` when the tensor was made).
    @Test func zeroDimensionShapeWhoseStridesOverflowIsAnInvalidSafetensorsError() throws {
        let url = Self.finding("zero-dimension-stride-overflow.safetensors")
        for read in [{ _ = try SafetensorsFile(url: url) }, { _ = try SafetensorsFile.readHeader(url: url) }] {
            let error = #expect(throws: FormatError.self) { try read() }
            guard case let .invalidSafetensors(file, detail)? = error else {
                Issue.record("expected invalidSafetensors, got \(String(describing: error))")
                continue
            }
            #expect(file == url.path && detail.contains("too large to address"))
        }
        #expect { try InputFile(url: url) } throws: { error in
            error.localizedDescription.hasPrefix(url.path) && error.localizedDescription.contains("too large to address")
        }
    }

    /// A JSON Lines batch of 20,000 nested `[`: the parser recursed once per level and overflowed
    /// the stack; nesting now stops at `JSONBatchParser.maximumRank`.
    @Test func arraysNestedTwentyThousandDeepAreAnErrorNamingTheFileAndLine() throws {
        let url = Self.finding("deeply-nested-arrays.jsonl")
        #expect { try InputFile(url: url) } throws: { error in
            let message = error.localizedDescription
            return message.hasPrefix(url.path) && message.contains("line 1") && message.contains("more than 64 deep")
        }
    }

    /// A Phi-3 config (mutated by the config fuzzer) whose `rope_parameters.partial_rotary_factor`
    /// is 10^25: the rotary width `Int(head size × factor)` trapped while the model was built.
    @Test func aPartialRotaryFactorOutsideZeroToOneIsAConfigErrorNamingTheKey() throws {
        let folder = Self.finding("partial-rotary-factor")
        #expect { try ModelLoading.load(folder, mode: .meta) } throws: { error in
            let message = error.localizedDescription
            return message.contains("config.json") && message.contains("partial_rotary_factor") && message.contains("(0, 1]")
        }
    }
}
