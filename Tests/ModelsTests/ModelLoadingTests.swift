import Foundation
import Models
import Tensor
import Testing
import TestFixtures

/// Meta mode: the model is built and checked against the safetensors headers without reading a weight.
@Suite struct ModelLoadingTests {
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-loading-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func folderWithOnlyConfigLoadsInMetaMode() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.model("llama").appendingPathComponent("config.json"),
                                         to: folder.appendingPathComponent("config.json"))
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        #expect(loaded.metaReason?.contains("no weights") == true)
        #expect(loaded.model.namedParameters().allSatisfy { $0.parameter.tensor.isMeta })
    }

    @Test func metaModeChecksNamesAndShapesAgainstTheHeaders() throws {
        let loaded = try ModelLoading.load(Fixtures.model("bert"), mode: .meta)
        #expect(loaded.isMeta)
        #expect(loaded.model.namedParameters().allSatisfy { $0.parameter.tensor.isMeta })
        let real = try ModelLoading.load(Fixtures.model("bert"), mode: .auto)
        #expect(!real.isMeta)
    }

    @Test func metaModeReportsAWeightWhoseShapeDisagreesWithTheConfig() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.model("bert").appendingPathComponent("config.json"))) as! [String: Any]
        config["intermediate_size"] = 96
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        try FileManager.default.copyItem(at: Fixtures.model("bert").appendingPathComponent("model.safetensors"),
                                         to: folder.appendingPathComponent("model.safetensors"))
        #expect { try ModelLoading.load(folder, mode: .meta) } throws: { error in
            error.localizedDescription.contains("intermediate.dense.weight")
        }
    }

    /// A sharded folder whose headers promise more bytes than this machine has is traced in meta
    /// mode, not loaded: the shards are sparse files, so nothing is actually stored or read.
    @Test func shardsLargerThanMemoryAreTracedInMetaMode() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (hidden, intermediate, vocabulary) = (8192, 28672, 32000)
        let layerBytes = 4 * (4 * hidden * hidden + 3 * hidden * intermediate + 2 * hidden)
        let memory = Int(ProcessInfo.processInfo.physicalMemory)
        let layers = memory / layerBytes + 1
        let config: [String: Any] = [
            "model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": hidden,
            "intermediate_size": intermediate, "num_hidden_layers": layers, "num_attention_heads": 64,
            "num_key_value_heads": 64, "vocab_size": vocabulary, "rms_norm_eps": 1e-5, "tie_word_embeddings": false,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        var shapes: [(String, [Int])] = [("model.embed_tokens.weight", [vocabulary, hidden]), ("model.norm.weight", [hidden]),
                                         ("lm_head.weight", [vocabulary, hidden])]
        for layer in 0..<layers {
            let prefix = "model.layers.\(layer)."
            shapes += [("self_attn.q_proj.weight", [hidden, hidden]), ("self_attn.k_proj.weight", [hidden, hidden]),
                       ("self_attn.v_proj.weight", [hidden, hidden]), ("self_attn.o_proj.weight", [hidden, hidden]),
                       ("mlp.gate_proj.weight", [intermediate, hidden]), ("mlp.up_proj.weight", [intermediate, hidden]),
                       ("mlp.down_proj.weight", [hidden, intermediate]), ("input_layernorm.weight", [hidden]),
                       ("post_attention_layernorm.weight", [hidden])].map { (prefix + $0.0, $0.1) }
        }
        let half = shapes.count / 2
        var weightMap: [String: String] = [:]
        for (index, part) in [shapes[..<half], shapes[half...]].enumerated() {
            let name = "model-0000\(index + 1)-of-00002.safetensors"
            try Self.writeSparseShard(Array(part), to: folder.appendingPathComponent(name))
            for (tensor, _) in part { weightMap[tensor] = name }
        }
        try JSONSerialization.data(withJSONObject: ["weight_map": weightMap])
            .write(to: folder.appendingPathComponent("model.safetensors.index.json"))
        let loaded = try ModelLoading.load(folder)
        #expect(loaded.isMeta)
        #expect(loaded.metaReason?.contains("would not fit") == true)
        let inputs = try PlaceholderInputs.make(for: loaded.model, shape: nil, dtype: nil, meta: true)
        #expect(try loaded.model.forward(inputs).shape == [1, 16, vocabulary])
    }

    /// A safetensors file with this header whose data section is a hole (sparse).
    static func writeSparseShard(_ tensors: [(String, [Int])], to url: URL) throws {
        var offset = 0
        var header: [String: Any] = [:]
        for (name, shape) in tensors {
            let bytes = shape.reduce(4, *)
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var data = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Data($0) }
        data.append(json)
        try data.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(data.count + offset))
        try handle.close()
    }
}
