import Foundation
import Models
import Searchers
import Testing
import TestFixtures

/// The search report on every fixture equals what INC found (same findings, same order), and
/// `slimtrace_expected.json` where INC failed or where slimtrace says more (`safe`, GQA, fused qkv).
@Suite struct FixtureParityTests {
    static func report(_ name: String) throws -> [String: Any] {
        let checkpoint = try Checkpoint(directory: Fixtures.model(name))
        let model = try checkpoint.loadModel()
        let trace = try TraceSearcher(model: model, graph: model.trace(PlaceholderInputs.make(for: model, shape: nil, dtype: nil)))
        let data = try JSONEncoder().encode(SearchReport(trace: trace))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// `actual` restricted to the keys `expected` has, so extra fields slimtrace adds do not matter.
    static func restricted(_ actual: Any?, like expected: Any) -> Any? {
        switch (actual, expected) {
        case let (actual as [Any], expected as [Any]) where actual.count == expected.count:
            return zip(actual, expected).map { restricted($0, like: $1) as Any }
        case let (actual as [String: Any], expected as [String: Any]):
            return expected.keys.reduce(into: [String: Any]()) { $0[$1] = actual[$1] ?? NSNull() }
        default:
            return actual
        }
    }

    /// Equal as JSON (compared as canonical text with sorted keys).
    static func same(_ a: Any?, _ b: Any) -> Bool {
        func canonical(_ value: Any) -> String? {
            (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
                .map { String(decoding: $0, as: UTF8.self) }
        }
        return canonical(a ?? NSNull()) == canonical(b)
    }

    /// Expects the report's `part` (`linear2linear`, `mha`) on fixture `name` to equal the one in
    /// `slimtrace_expected.json`, or in `inc_expected.json` where slimtrace gives none, on the
    /// keys the expected findings have.
    static func expectPartEqualsINCOrSlimtraceExpected(_ part: String, of name: String,
                                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = try report(name)[part]
        let slimtrace = try Fixtures.json("slimtrace_expected.json", of: name) as? [String: Any]
        let inc = try Fixtures.json("inc_expected.json", of: name) as? [String: Any]
        let expected = slimtrace?[part] ?? inc?[part]
        let reference = try #require(expected, sourceLocation: sourceLocation)
        let compared = restricted(actual, like: reference)
        #expect(same(compared, reference), "\(name): got \(String(describing: compared)), expected \(reference)", sourceLocation: sourceLocation)
    }

    @Test(arguments: Fixtures.searchCases)
    func linear2linearEqualsINCOrSlimtraceExpected(_ name: String) throws {
        try Self.expectPartEqualsINCOrSlimtraceExpected("linear2linear", of: name)
    }

    @Test(arguments: Fixtures.searchCases)
    func attentionEqualsINCOrSlimtraceExpected(_ name: String) throws {
        try Self.expectPartEqualsINCOrSlimtraceExpected("mha", of: name)
    }

    @Test(arguments: Fixtures.searchCases)
    func headEqualsINC(_ name: String) throws {
        let actual = try Self.report(name)["head"]
        let expected = try #require((try Fixtures.json("inc_expected.json", of: name) as? [String: Any])?["head"])
        #expect(Self.same(actual, expected), "\(name): got \(String(describing: actual)), expected \(expected)")
    }
}
