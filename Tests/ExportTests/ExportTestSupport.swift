import Export
import Foundation
import Models
import TestFixtures

/// Helpers for the export tests: loading fixtures, exporting them at 16 tokens, scratch folders.
enum ExportTestSupport {
    /// A fixture loaded with its weights.
    static func load(_ name: String) throws -> any TransformerModel {
        try ModelLoading.load(Fixtures.model(name), mode: .real).model
    }

    /// `model` exported from its default inputs at `[1, 16]` (images at their declared shape).
    static func export(_ model: any TransformerModel) throws -> ONNXExport {
        let tokens = model.inputSpecs.first(where: \.isPrimary)?.defaultShape.count == 2
        return try ONNXExport(model: model, inputs: ONNXExport.defaultInputs(for: model, shape: tokens ? [1, 16] : nil))
    }

    /// A fresh, created temporary folder; the caller removes it.
    static func scratchFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-export-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
