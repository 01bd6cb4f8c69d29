// Tokenizer throughput: encodes a text file with a tokenizer.json, as one text and line by line,
// and prints MB/s (single thread). scripts/tokenizer-speed.sh runs it beside Python's `tokenizers`.
//
//   swift run -c release --package-path Benchmarks TokenizerSpeed <tokenizer.json> <text file> [repeats]
import Foundation
import Tokenizers

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: TokenizerSpeed <tokenizer.json> <text file> [repeats]\n".utf8))
    exit(2)
}
let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: arguments[1]))
let text = try String(contentsOf: URL(fileURLWithPath: arguments[2]), encoding: .utf8)
let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
let megabytes = Double(text.utf8.count) / 1_000_000

/// The best of `repeats` runs, in seconds (the first run also fills the word cache, as in Python).
func best(_ body: () throws -> Int) rethrows -> (seconds: Double, tokens: Int) {
    var fastest = Double.infinity
    var tokens = 0
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        tokens = try body()
        fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (fastest, tokens)
}

let whole = try best { try tokenizer.encode(text).count }
let byLine = try best { try lines.reduce(0) { $0 + (try tokenizer.encode($1).count) } }
print(String(format: "whole %.2f MB/s (%d tokens)  lines %.2f MB/s (%d tokens)",
             megabytes / whole.seconds, whole.tokens, megabytes / byLine.seconds, byLine.tokens))
