import Foundation
import Testing
@testable import Tokenizers

/// Text of any scalars never crashes any reference tokenizer: offsets stay inside the text and decoding
/// the ids works.
@Suite struct HardTextTests {
    /// Control characters, NUL, long runs, piles of combining marks, emoji joiner sequences, and a
    /// deterministic sample of every plane (unassigned, private use and noncharacters included).
    static let texts: [String] = {
        var generator: UInt64 = 0x9E37_79B9_7F4A_7C15
        var scalars = String.UnicodeScalarView()
        while scalars.count < 3000 {
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: generator >> 33) % 0x110000) { scalars.append(scalar) }
        }
        return [
            String(String.UnicodeScalarView((0..<32).map { Unicode.Scalar(UInt8($0)) })),
            "\u{0}\u{0}x\u{0}",
            String(repeating: "a", count: 20_000),
            String(repeating: " ", count: 5000) + "x" + String(repeating: "\t\n", count: 2000),
            "e" + String(repeating: "\u{301}\u{323}", count: 2000),
            String(repeating: "👨‍👩‍👧‍👦🏳️‍🌈", count: 300),
            String(repeating: "'s'll'", count: 500),
            String(scalars),
            "\u{FFFD}\u{FEFF}\u{10FFFF}\u{E000}",
        ]
    }()

    @Test(arguments: ReferenceCase.all)
    func anyTextEncodesWithOffsetsInsideTheText(_ reference: ReferenceCase) throws {
        let tokenizer = try reference.tokenizer()
        for text in Self.texts {
            let encoding = try tokenizer.encode(text, pair: text)
            let length = text.unicodeScalars.count
            #expect(encoding.offsets.allSatisfy { $0.upperBound <= length })
            #expect(encoding.ids.allSatisfy { tokenizer.token(of: $0) != nil })
            _ = tokenizer.decode(encoding.ids, skipSpecialTokens: false)
        }
    }

    /// Foundation's normalization and scalar properties agree with Hugging Face on the reference
    /// sentences (the NFC/NFD/NFKC/NFKD cases pass); here the alignment-carrying composition equals
    /// Foundation's NFC on hard text.
    @Test func normalizationWithAlignmentsEqualsFoundation() {
        for text in Self.texts + ["e\u{301}\u{323} ḍ̇ q̣̇ 한국어 \u{1100}\u{1161}\u{11A8} Å ﬁ ①"] {
            for (form, expected) in [(UnicodeForm.nfc, text.precomposedStringWithCanonicalMapping),
                                     (.nfd, text.decomposedStringWithCanonicalMapping),
                                     (.nfkc, text.precomposedStringWithCompatibilityMapping),
                                     (.nfkd, text.decomposedStringWithCompatibilityMapping)] {
                var normalized = NormalizedString(text)
                normalized.normalize(form)
                #expect(Array(normalized.text.unicodeScalars) == Array(expected.unicodeScalars), "\(form)")
            }
        }
    }
}
