import Foundation
@testable import Tokenizers

/// A committed reference case: a `tokenizer.json` and what Hugging Face `tokenizers` 0.23.3 gave for it
/// (`expected.json`), under `Tests/Fixtures/tokenizers/` (made by `scripts/reference/make_tokenizer_cases.py`,
/// or copied from the shared fixtures into `shared/`).
struct ReferenceCase: CustomStringConvertible, Sendable {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("tokenizers")

    /// Every case folder, the shared ones as `shared/<name>`.
    static let all: [ReferenceCase] = {
        let manager = FileManager.default
        var names: [String] = []
        for name in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] {
            if name == "shared" {
                for shared in (try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(name).path)) ?? []
                where manager.fileExists(atPath: root.appendingPathComponent(name).appendingPathComponent(shared).appendingPathComponent("expected.json").path) {
                    names.append("shared/\(shared)")
                }
            } else if manager.fileExists(atPath: root.appendingPathComponent(name).appendingPathComponent("expected.json").path) {
                names.append(name)
            }
        }
        return names.sorted().map(ReferenceCase.init(name:))
    }()

    let name: String
    var description: String { name }
    var folder: URL { Self.root.appendingPathComponent(name) }

    func tokenizer() throws -> Tokenizer {
        try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json"))
    }

    func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

/// JSON values of `expected.json` as Swift values.
extension Dictionary where Key == String, Value == Any {
    func ints(_ key: String) -> [Int]? { (self[key] as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } }
    func strings(_ key: String) -> [String]? { self[key] as? [String] }
    func ranges(_ key: String) -> [Range<Int>]? {
        (self[key] as? [[Any]])?.map { pair in
            let start = (pair[0] as? NSNumber)?.intValue ?? 0
            return start..<Swift.max(start, (pair[1] as? NSNumber)?.intValue ?? 0)
        }
    }
    func records(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}
