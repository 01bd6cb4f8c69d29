import Foundation
import Searchers

extension SearchReport {
    /// The readable report: the model and its input, each searcher's findings grouped by layer,
    /// counts and timings.
    public func text() -> String {
        var lines: [String] = []
        let input = inputs.map { "\($0.name) [\($0.shape.map(String.init).joined(separator: ", "))] \($0.dtype)" }.joined(separator: ", ")
        lines.append("\(model) traced on \(input): \(graphNodes) graph nodes in \(Self.milliseconds(traceSeconds)), searched in \(Self.milliseconds(searchSeconds))")
        if let linear2linear {
            let safe = linear2linear.filter(\.safe).count
            lines.append("")
            lines.append("Linear2Linear: \(linear2linear.count) coupled linear group\(linear2linear.count == 1 ? "" : "s") (\(safe) safe to slim)")
            for (layer, findings) in Self.grouped(linear2linear, by: { $0.rootLinear }) {
                lines.append("  \(layer)")
                for finding in findings {
                    lines.append("    \(finding.targetFrontierLinears.joined(separator: ", ")) -> \(finding.rootLinear)\(finding.safe ? "" : "  [unsafe]")")
                    if let explain = finding.explain {
                        lines.append("      path: \(explain.path.joined(separator: " -> "))")
                        if let reason = explain.unsafeBecause { lines.append("      unsafe because of \(reason)") }
                    }
                }
            }
        }
        if let stoppedLinears, !stoppedLinears.isEmpty {
            lines.append("")
            lines.append("Linears that are not roots (the walk back from their input stopped):")
            for stopped in stoppedLinears { lines.append("  \(stopped.linear): \(stopped.stoppedAt)") }
        }
        if let mha {
            lines.append("")
            lines.append("Attention: \(mha.count) block\(mha.count == 1 ? "" : "s")")
            for (layer, findings) in Self.grouped(mha, by: { $0.qkv[0] }) {
                lines.append("  \(layer)")
                for finding in findings {
                    var geometry: [String] = []
                    if let heads = finding.numHeads { geometry.append("\(heads) heads") }
                    if let kv = finding.numKVHeads, kv != finding.numHeads { geometry.append("\(kv) key/value heads") }
                    if let size = finding.headSize { geometry.append("head size \(size)") }
                    if finding.fusedQKV { geometry.append("fused qkv") }
                    let suffix = geometry.isEmpty ? "" : " (\(geometry.joined(separator: ", ")))"
                    lines.append("    qkv \(finding.qkv.joined(separator: ", ")) -> \(finding.ffn.joined(separator: ", "))\(suffix)")
                }
            }
        }
        if let recipe {
            lines.append("")
            lines.append("Recipe: \(recipe.count) match\(recipe.count == 1 ? "" : "es")")
            for group in recipe { lines.append("  \(group.joined(separator: ", "))") }
        }
        if searchers.contains(.head) {
            lines.append("")
            lines.append("Classifier head: \(head.map { $0.isEmpty ? "<root>" : $0 } ?? "none")")
        }
        return lines.joined(separator: "\n")
    }

    /// Findings grouped by the layer their key path belongs to (the path up to the first list
    /// index, e.g. `bert.encoder.layer.0`), in first-seen order.
    static func grouped<T>(_ items: [T], by path: (T) -> String) -> [(String, [T])] {
        var order: [String] = []
        var groups: [String: [T]] = [:]
        for item in items {
            let layer = layerName(of: path(item))
            if groups[layer] == nil { order.append(layer) }
            groups[layer, default: []].append(item)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// `bert.encoder.layer.0` for `bert.encoder.layer.0.output.dense`; `(outside the layers)` for
    /// paths with no list index.
    static func layerName(of path: String) -> String {
        let parts = path.split(separator: ".")
        guard let index = parts.firstIndex(where: { $0.allSatisfy(\.isNumber) }) else { return "(outside the layers)" }
        return parts[...index].joined(separator: ".")
    }

    static func milliseconds(_ seconds: Double) -> String {
        String(format: "%.1f ms", seconds * 1000)
    }
}
