import Foundation
import FuzzSupport
import Tokenizers

// A `tokenizer.json`: loaded, then every pipeline stage run on hard text (accents, CJK, emoji with
// joiners, Arabic, full-width forms, control characters, runs of spaces), as a pair, padded and
// truncated in a batch, and decoded. The text is the input's own bytes too (invalid UTF-8 arrives
// replaced, as it would from a text file), so a valid seed tokenizer also fuzzes the text path.
let hardText = [
    "Héllo, wörld! ﬁne Ｆｕｌｌｗｉｄｔｈ 東京 👩‍👩‍👧‍👦 مرحبا\t\u{0}\u{7}  runs   of spaces\n",
    "", " ", "a\u{301}\u{302}\u{303}", String(repeating: "x", count: 300),
]

FuzzDriver.run { data, size in
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let tokenizer = try? Tokenizer(json: bytes) else { return 0 }
    let ownText = String(decoding: bytes.prefix(512), as: UTF8.self)
    for text in hardText + [ownText] {
        guard let encoding = try? tokenizer.encode(text, pair: text) else { continue }
        _ = tokenizer.decode(encoding.ids, skipSpecialTokens: false)
        _ = tokenizer.decode(encoding.ids)
    }
    _ = try? tokenizer.encodeBatch(hardText)
    return 0
}
