import Models
import Testing
import TestFixtures

/// Which models read running text: decoders build a causal mask, encoders attend both ways
/// (`prune` picks its calibration unit from this).
@Suite struct CausalAttentionTests {
    @Test(arguments: [("gpt2", true), ("llama-gqa", true), ("falcon", true), ("mixtral", true), ("gemma2", true),
                      ("bert", false), ("distilbert", false), ("modernbert", false), ("deberta-v2", false), ("vit", false)])
    func decodersMaskAttentionCausallyAndEncodersDoNot(_ name: String, _ causal: Bool) throws {
        let model = try ModelLoading.load(Fixtures.model(name), mode: .meta).model
        #expect(try model.masksAttentionCausally() == causal, "\(name)")
    }
}
