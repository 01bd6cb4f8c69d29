import Testing
@testable import Tensor

/// The op-recording hook: only the outermost op is reported, with its inputs in argument order,
/// and every output, views included, gets a fresh value id.
@Suite struct OpRecordingTests {
    /// Records every op it receives and hands out ids 100, 101, ...
    final class Recorder: OpRecorder {
        struct Entry {
            let op: String
            let inputIDs: [Int?]
            let outputIDs: [Int]
            let outputShapes: [[Int]]
            let attributes: [String: OpAttribute]
        }

        private(set) var entries: [Entry] = []
        private var nextID = 100

        func record(op: Op, inputs: [Tensor], outputs: [Tensor], attributes: [String: OpAttribute]) -> [Int] {
            let ids = outputs.map { _ in defer { nextID += 1 }; return nextID }
            entries.append(Entry(op: op.rawValue, inputIDs: inputs.map(\.traceID), outputIDs: ids, outputShapes: outputs.map(\.shape),
                                 attributes: attributes))
            return ids
        }

        var ops: [String] { entries.map(\.op) }
    }

    @Test func viewsGetFreshIDsAndChainThroughInputs() throws {
        let recorder = Recorder()
        let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let (t1, t2, merged) = try OpRecording.withRecorder(recorder) {
            let t1 = try x.transpose(0, 1)
            let t2 = try x.transpose(0, 1)
            let merged = try t1.reshape([6])
            return (t1, t2, merged)
        }
        #expect(recorder.ops == ["transpose", "transpose", "reshape"])
        #expect(t1.traceID == 100 && t2.traceID == 101 && merged.traceID == 102)
        #expect(t1.traceID != t2.traceID, "the same view taken twice is two values")
        #expect(recorder.entries[0].inputIDs == [nil], "an input made outside the trace has no id")
        #expect(recorder.entries[2].inputIDs == [100], "reshape's input is the first transpose's output")
        #expect(recorder.entries[0].attributes == ["dim0": .int(0), "dim1": .int(1)])
        #expect(x.traceID == nil, "recording does not stamp the caller's tensor")
    }

    @Test func viewOfAnUnchangedTensorIsStillANewValue() throws {
        let recorder = Recorder()
        let x = try Tensor([1, 2, 3], shape: [3])
        let (a, b, c) = try OpRecording.withRecorder(recorder) {
            let a = try x.dropout(probability: 0.1)
            let b = try a.contiguous()
            let c = try b.to(.f32)
            return (a, b, c)
        }
        #expect(recorder.ops == ["dropout", "contiguous", "to"])
        #expect([a.traceID, b.traceID, c.traceID] == [100, 101, 102])
        #expect(recorder.entries.map(\.inputIDs) == [[nil], [100], [101]])
    }

    @Test func onlyTheOutermostOpIsRecorded() throws {
        let recorder = Recorder()
        let x = try Tensor([1, -2, 3, -4, 5, -6], shape: [2, 3])
        let output = try OpRecording.withRecorder(recorder) {
            try OpRecording.run(.linear, inputs: [x], attributes: ["k": .int(3)]) {
                try x.transpose(0, 1).reshape([6]).gelu().softmax()
            }
        }
        #expect(recorder.ops == ["linear"])
        #expect(recorder.entries.first?.attributes == ["k": .int(3)])
        #expect(output.traceID == 100)
    }

    @Test func opsBuiltOnOtherOpsRecordOnce() throws {
        let recorder = Recorder()
        let x = try Tensor([Float](repeating: 1, count: 24), shape: [2, 3, 4])
        let (flat, pieces) = try OpRecording.withRecorder(recorder) {
            (try x.flatten(from: 1), try x.chunk(2, axis: 2))
        }
        #expect(recorder.ops == ["reshape", "split"])
        #expect(flat.traceID == 100)
        #expect(pieces.map(\.traceID) == [101, 102], "each output of a multi-output op gets its own id")
        #expect(recorder.entries[1].outputShapes == [[2, 3, 2], [2, 3, 2]])
    }

    @Test func inputsAreReportedInArgumentOrder() throws {
        let recorder = Recorder()
        let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let weight = Tensor.full(shape: [4, 3], value: 0.5), bias = Tensor.zeros(shape: [4])
        try OpRecording.withRecorder(recorder) {
            let (tx, tw, tb) = (try x.contiguous(), try weight.contiguous(), try bias.contiguous())
            _ = try tx.linear(weight: tw, bias: tb)
            _ = try Tensor.where(try tx.relu().to(.bool), tx, tb.narrow(0, start: 0, length: 3))
        }
        #expect(recorder.ops == ["contiguous", "contiguous", "contiguous", "linear", "relu", "to", "narrow", "where"])
        #expect(recorder.entries[3].inputIDs == [100, 101, 102])
        #expect(recorder.entries[7].inputIDs == [105, 100, 106])
    }

    @Test func aThrowingOpLeavesRecordingBalanced() throws {
        let recorder = Recorder()
        let x = try Tensor([1, 2, 3, 4], shape: [2, 2])
        try OpRecording.withRecorder(recorder) {
            #expect(throws: TensorError.self) { try x.reshape([3]) }
            _ = try x.relu()
        }
        #expect(recorder.ops == ["relu"], "after a failed op the next op is outermost again")
    }

    @Test func nothingIsRecordedOutsideWithRecorder() throws {
        let recorder = Recorder()
        let x = try Tensor([1, 2], shape: [2])
        try OpRecording.withRecorder(recorder) { _ = try x.relu() }
        let after = try x.relu()
        #expect(recorder.ops == ["relu"])
        #expect(after.traceID == nil)
        #expect(OpRecording.currentRecorder == nil)
    }
}
