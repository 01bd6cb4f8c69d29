import Foundation
import Testing

/// The target boundaries stay true: every Swift file under `Sources/<target>/` imports, and
/// every target in `Package.swift` depends on, only the targets below it in the table.
@Suite struct ImportRulesTests {
    /// Each target and the project targets it may import (system modules are always allowed).
    static let allowed: [String: Set<String>] = [
        "Tensor": ["CBLAS", "CKernels"],
        "Formats": ["Tensor", "CZlib"],
        "NN": ["Tensor"],
        "Tracer": ["NN", "Tensor"],
        "Profiler": ["Tracer", "NN", "Tensor"],
        "Tokenizers": ["Formats"],
        "Models": ["NN", "Tracer", "Formats", "Tokenizers", "Tensor"],
        "Searchers": ["Tracer", "NN", "Formats", "Tensor"],
        "Slim": ["Searchers", "Models", "Formats", "NN", "Tracer", "Tensor"],
        "ONNXProto": ["SwiftProtobuf", "FoundationEssentials"],
        "Export": ["ONNXProto", "Models", "Tracer", "Formats", "NN", "Tensor", "SwiftProtobuf"],
        "Report": ["Searchers", "Profiler", "Tracer", "Tensor"],
        "SlimtraceCLI": ["Report", "Prune", "Slim", "Export", "Searchers", "Models", "Profiler", "Tokenizers", "Formats", "NN", "Tracer", "Tensor", "ArgumentParser"],
        "Prune": ["Slim", "Searchers", "Models", "Formats", "Tracer", "NN", "Tensor", "CBLAS"],
        "slimtrace": ["SlimtraceCLI"],
        "CBLAS": [], "CKernels": [], "CZlib": [],
    ]
    /// Modules of the platform, allowed everywhere.
    static let system: Set<String> = ["Foundation", "Dispatch", "Glibc", "Musl", "Darwin"]

    /// The package root, found from this file (`Tests/ArchitectureTests/`).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The modules a Swift source imports (`import X`, `@testable import X`, `public import X`...).
    static func imports(in source: String) -> Set<String> {
        var modules: Set<String> = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: true) {
            let words = line.split(separator: " ")
            guard let position = words.firstIndex(of: "import"), position + 1 < words.count,
                  words[..<position].allSatisfy({ $0.hasPrefix("@") || ["public", "internal", "package", "private", "fileprivate"].contains($0) })
            else { continue }
            modules.insert(String(words[position + 1].split(separator: ".")[0]))
        }
        return modules
    }

    /// One line per module `target` uses that the table does not allow it.
    static func violations(target: String, uses modules: Set<String>, in place: String) -> [String] {
        guard let allowed = allowed[target] else { return ["\(place): target \(target) is not in the import table"] }
        return modules.subtracting(allowed).subtracting(system).sorted().map { "\(place): \(target) may not use \($0)" }
    }

    /// Each target's direct dependencies as `Package.swift` declares them.
    static func declaredDependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"\.(?:target|executableTarget)\(\s*name:\s*"(\w+)"(?:,\s*dependencies:\s*\[([^\]]*)\])?"#)
        let quoted = try NSRegularExpression(pattern: #""([^"]*)""#)
        var result: [String: Set<String>] = [:]
        let text = manifest as NSString
        for match in pattern.matches(in: manifest, range: NSRange(location: 0, length: text.length)) {
            let name = text.substring(with: match.range(at: 1))
            guard match.range(at: 2).location != NSNotFound else { result[name] = []; continue }
            let list = text.substring(with: match.range(at: 2))
            let names = quoted.matches(in: list, range: NSRange(location: 0, length: (list as NSString).length))
                .map { (list as NSString).substring(with: $0.range(at: 1)) }
            result[name] = Set(names.filter { !$0.contains("-") })
        }
        return result
    }

    @Test func everySourceImportsOnlyTargetsBelowIt() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let targets = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { !$0.hasPrefix(".") }
        #expect(Set(targets).isSubset(of: Self.allowed.keys), "targets missing from the import table: \(Set(targets).subtracting(Self.allowed.keys).sorted())")
        var checked = 0
        var problems: [String] = []
        for target in targets.sorted() {
            let folder = sources.appendingPathComponent(target)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                problems += Self.violations(target: target, uses: Self.imports(in: source), in: "Sources/\(target)/\(file)")
                checked += 1
            }
        }
        #expect(checked > 50, "read only \(checked) source files under \(sources.path)")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func packageDependenciesFollowTheSameTable() throws {
        let declared = try Self.declaredDependencies()
        #expect(declared["Tensor"] != nil && declared["SlimtraceCLI"] != nil, "could not read the targets of Package.swift")
        let problems = declared.filter { Self.allowed[$0.key] != nil }.sorted { $0.key < $1.key }
            .flatMap { Self.violations(target: $0.key, uses: $0.value, in: "Package.swift") }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func aForbiddenImportIsReported() {
        let source = "import Foundation\n@testable import Tracer\nimport Models\n"
        #expect(Self.imports(in: source) == ["Foundation", "Tracer", "Models"])
        #expect(Self.violations(target: "Searchers", uses: Self.imports(in: source), in: "x.swift") == ["x.swift: Searchers may not use Models"])
        #expect(Self.violations(target: "Tensor", uses: ["Formats"], in: "y.swift") == ["y.swift: Tensor may not use Formats"])
    }
}
