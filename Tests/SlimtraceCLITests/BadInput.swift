import Formats
import Foundation
import Tensor
import TestFixtures

/// Every kind of bad argument or unreadable input the command line must report as one
/// `error:` line with exit status 1: what to run, and what the line must name.
enum BadInput: String, CaseIterable, Sendable {
    case missingFolder, missingConfig, configNotJSON, configMissingModelType, configKeyOfWrongType
    case weightsDisagreeWithConfig, tensorOfWrongShape, missingTensor, missingWeightsFile, corruptWeightsFile
    case unsupportedModelType
    case shapeEmptyDimension, shapeZero, shapeNegative, shapeNotAnInteger, shapeTooLargeForMemory, shapeBeyondPositions
    case unknownDType, inputsWithShape
    case tokenOutsideVocabularyTrace, tokenOutsideVocabularyRun
    case inputNotTakenTrace, inputNotTakenRun, raggedInputs, emptyLineInInputs, unknownInputsExtension, missingInputsFile
    case unknownOption, unknownSubcommand, missingModelArgument, missingRunInputs, runOutputNotSafetensors, outputFolderMissing
    case negativeSparsity, slimOutputIsAFile, helpOfUnknownCommand, emptySearchers

    /// The command line for this case, building what it needs in `scratch`.
    func arguments(in scratch: ScratchFolder) throws -> [String] {
        let bert = fixturePath("bert")
        switch self {
        case .missingFolder:
            return ["trace", scratch.file("no-such-checkpoint").path]
        case .missingConfig:
            let folder = try scratch.checkpoint("ckpt")
            try FileManager.default.removeItem(at: folder.appendingPathComponent("config.json"))
            return ["trace", folder.path]
        case .configNotJSON:
            let folder = try scratch.checkpoint("ckpt")
            try Data("{\"model_type\": \"bert\", oops".utf8).write(to: folder.appendingPathComponent("config.json"))
            return ["trace", folder.path]
        case .configMissingModelType:
            return ["trace", try scratch.checkpoint("ckpt", editConfig: { $0["model_type"] = nil }).path]
        case .configKeyOfWrongType:
            return ["trace", try scratch.checkpoint("ckpt", editConfig: { $0["hidden_size"] = "sixty-four" }).path]
        case .weightsDisagreeWithConfig:
            return ["trace", try scratch.checkpoint("ckpt", editConfig: { $0["vocab_size"] = 2000 }).path]
        case .tensorOfWrongShape:
            let folder = try scratch.checkpoint("ckpt", editTensors: { tensors in
                let index = tensors.firstIndex { $0.0 == "bert.encoder.layer.0.intermediate.dense.weight" }!
                tensors[index].1 = Tensor.zeros(shape: [100, 64])
            })
            return ["trace", folder.path]
        case .missingTensor:
            return ["trace", try scratch.checkpoint("ckpt", editTensors: { $0.removeAll { $0.0 == "classifier.weight" } }).path]
        case .missingWeightsFile:
            let folder = try scratch.checkpoint("ckpt")
            try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
            // `trace` goes meta on a config-only folder; `run` needs the weights.
            let inputs = try scratch.write("{\"input_ids\": [[1]]}\n", to: "in.jsonl")
            return ["run", folder.path, "--inputs", inputs.path, "--output", scratch.file("out.safetensors").path]
        case .corruptWeightsFile:
            let folder = try scratch.checkpoint("ckpt")
            try Data("definitely not safetensors".utf8).write(to: folder.appendingPathComponent("model.safetensors"))
            return ["trace", folder.path]
        case .unsupportedModelType:
            return ["trace", try scratch.checkpoint("ckpt", editConfig: { $0["model_type"] = "t5" }).path]
        case .shapeEmptyDimension: return ["trace", bert, "--shape", "1,,128"]
        case .shapeZero: return ["trace", bert, "--shape", "0"]
        case .shapeNegative: return ["trace", bert, "--shape", "-1"]
        case .shapeNotAnInteger: return ["trace", bert, "--shape", "abc"]
        case .shapeTooLargeForMemory: return ["trace", bert, "--shape", "100000,100000"]
        case .shapeBeyondPositions: return ["trace", bert, "--shape", "1,600"]
        case .unknownDType: return ["trace", bert, "--dtype", "float64"]
        case .inputsWithShape:
            return ["trace", bert, "--inputs", try scratch.write("{\"input_ids\": [[1]]}\n", to: "in.jsonl").path, "--shape", "1,8"]
        case .tokenOutsideVocabularyTrace:
            return ["trace", bert, "--inputs", try scratch.write("{\"input_ids\": [[101, 5000, 102]]}\n", to: "in.jsonl").path]
        case .tokenOutsideVocabularyRun:
            let inputs = try scratch.write("{\"input_ids\": [[101, 102]]}\n{\"input_ids\": [[101, 5000, 102]]}\n", to: "in.jsonl")
            return ["run", bert, "--inputs", inputs.path, "--output", scratch.file("out.safetensors").path]
        case .inputNotTakenTrace:
            return ["trace", bert, "--inputs", try scratch.write("{\"input_ids\": [[1, 2]], \"pixel_values\": [[0.5]]}\n", to: "in.jsonl").path]
        case .inputNotTakenRun:
            let inputs = scratch.file("in.safetensors")
            try SafetensorsWriter.write([("input_ids", try Tensor(integers: [1, 2], shape: [1, 2])),
                                         ("decoder_input_ids", try Tensor(integers: [1], shape: [1, 1]))], to: inputs)
            return ["run", bert, "--inputs", inputs.path, "--output", scratch.file("out.safetensors").path]
        case .raggedInputs:
            return ["trace", bert, "--inputs", try scratch.write("{\"input_ids\": [[1, 2, 3], [4, 5]]}\n", to: "in.jsonl").path]
        case .emptyLineInInputs:
            let inputs = try scratch.write("{\"input_ids\": [[1, 2]]}\n\n{\"input_ids\": [[3, 4]]}\n", to: "in.jsonl")
            return ["run", bert, "--inputs", inputs.path, "--output", scratch.file("out.safetensors").path]
        case .unknownInputsExtension:
            return ["trace", bert, "--inputs", try scratch.write("input_ids\n1,2\n", to: "in.csv").path]
        case .missingInputsFile:
            return ["trace", bert, "--inputs", scratch.file("absent.jsonl").path]
        case .unknownOption: return ["trace", bert, "--bogus"]
        case .unknownSubcommand: return ["frobnicate", bert]
        case .missingModelArgument: return ["trace"]
        case .missingRunInputs: return ["run", bert, "--output", scratch.file("out.safetensors").path]
        case .runOutputNotSafetensors:
            return ["run", bert, "--inputs", try scratch.write("{\"input_ids\": [[1]]}\n", to: "in.jsonl").path, "--output", scratch.file("out.txt").path]
        case .outputFolderMissing:
            return ["trace", bert, "--output", scratch.file("no/such/folder/graph.txt").path]
        case .negativeSparsity: return ["config", bert, "--ffn2-sparsity", "-0.1"]
        case .slimOutputIsAFile:
            return ["slim", fixturePath("bert-pruned"), "--output", try scratch.write("mine", to: "out.txt").path]
        case .helpOfUnknownCommand: return ["help", "bogus"]
        case .emptySearchers: return [bert, "--searchers", ""]
        }
    }

    /// Text the error line must contain (the file, tensor, argument or value at fault).
    func expectedFragments(in scratch: ScratchFolder) -> [String] {
        switch self {
        case .missingFolder: ["no-such-checkpoint", "no such checkpoint folder"]
        case .missingConfig: ["ckpt/config.json"]
        case .configNotJSON: ["ckpt/config.json", "not valid JSON"]
        case .configMissingModelType: ["ckpt/config.json", "model_type"]
        case .configKeyOfWrongType: ["ckpt/config.json", "hidden_size"]
        case .weightsDisagreeWithConfig: ["ckpt", "bert.embeddings.word_embeddings.weight", "[2000, 64]"]
        case .tensorOfWrongShape: ["ckpt", "bert.encoder.layer.0.intermediate.dense.weight", "[100, 64]", "[128, 64]"]
        case .missingTensor: ["ckpt", "classifier.weight", "missing"]
        case .missingWeightsFile: ["ckpt", "model.safetensors"]
        case .corruptWeightsFile: ["ckpt/model.safetensors", "safetensors"]
        case .unsupportedModelType: ["\"t5\"", "bert"]
        case .shapeEmptyDimension: ["--shape", "1,,128"]
        case .shapeZero: ["--shape", "\"0\"", "positive"]
        case .shapeNegative: ["--shape", "-1", "positive"]
        case .shapeNotAnInteger: ["--shape", "abc"]
        case .shapeTooLargeForMemory: ["--shape", "100000,100000", "GiB"]
        case .shapeBeyondPositions: ["600", "max_position_embeddings"]
        case .unknownDType: ["--dtype", "float64"]
        case .inputsWithShape: ["--inputs", "--shape"]
        case .tokenOutsideVocabularyTrace: ["in.jsonl", "line 1", "5000", "1000"]
        case .tokenOutsideVocabularyRun: ["in.jsonl", "line 2", "5000", "1000"]
        case .inputNotTakenTrace: ["in.jsonl", "line 1", "pixel_values"]
        case .inputNotTakenRun: ["in.safetensors", "decoder_input_ids"]
        case .raggedInputs: ["in.jsonl", "line 1", "ragged"]
        case .emptyLineInInputs: ["in.jsonl", "line 2", "empty line"]
        case .unknownInputsExtension: ["in.csv", ".jsonl", ".safetensors"]
        case .missingInputsFile: ["absent.jsonl"]
        case .unknownOption: ["--bogus"]
        case .unknownSubcommand: ["frobnicate"]
        case .missingModelArgument: ["model"]
        case .missingRunInputs: ["--inputs"]
        case .runOutputNotSafetensors: ["--output", "out.txt"]
        case .outputFolderMissing: ["graph.txt", "does not exist"]
        case .negativeSparsity: ["--ffn2-sparsity", "-0.1", "at least 0"]
        case .slimOutputIsAFile: ["out.txt", "is a file, not a folder"]
        case .helpOfUnknownCommand: ["bogus", "not a command", "trace"]
        case .emptySearchers: ["--searchers", "linear2linear", "mha", "head"]
        }
    }
}
