import Foundation
import Testing
@testable import Formats
import Tensor

@Suite struct SafetensorsTests {
    /// A fresh folder for one test's files; removed when the test's `defer` calls `remove()`.
    struct ScratchDirectory {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("slimtrace-safetensors-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        func file(_ name: String) -> URL { url.appendingPathComponent(name) }

        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    /// The bytes of `tensor` in row-major order.
    static func bytes(of tensor: Tensor) throws -> [UInt8] {
        try tensor.withContiguousBytes { Array($0) }
    }

    /// Checks that `body` throws an `E` whose message contains every string in `mentions`.
    static func expectError<E: LocalizedError>(_: E.Type, mentioning mentions: [String], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        let error = #expect(throws: E.self, sourceLocation: sourceLocation) { try body() }
        guard let error else { return }
        let message = error.errorDescription ?? ""
        for mention in mentions {
            #expect(message.contains(mention), "message \"\(message)\" does not mention \(mention)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Round trip

    @Test func roundTripKeepsEveryDTypeShapeAndByteIncludingNonContiguousInputs() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("round-trip.safetensors")

        let f32 = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).transpose(0, 1)
        let f16 = try Tensor([0.5, -1, 2, 3.25], shape: [2, 2]).to(.f16).transpose(0, 1)
        let bf16 = try Tensor([1, -2.5, 0.15625, 65536, 7, 8], shape: [3, 2]).to(.bf16).slice(0, 1..<3)
        let i64 = try Tensor(integers: [1, -2, 1 << 40, 4, 5, 6], shape: [2, 3]).slice(1, 1..<3)
        let i32 = try Tensor(integers: [-7, 0, Int(Int32.max)], shape: [3], dtype: .i32)
        let bool = try Tensor(integers: [1, 0, 0, 1, 1, 0], shape: [3, 2], dtype: .bool).transpose(0, 1)
        let scalar = try Tensor([2.5], shape: [])
        let empty = Tensor.zeros(shape: [0, 3])
        #expect(!f32.isContiguous && !f16.isContiguous && !i64.isContiguous && !bool.isContiguous)

        let tensors: [(String, Tensor)] = [
            ("f32", f32), ("f16", f16), ("bf16", bf16), ("i64", i64), ("i32", i32),
            ("bool", bool), ("weird \"name\"\n\u{1}é", scalar), ("empty", empty),
        ]
        let metadata = ["format": "pt", "quote\"": "line\nbreak\\"]
        try SafetensorsWriter.write(tensors, metadata: metadata, to: url)

        let file = try SafetensorsFile(url: url)
        #expect(file.names == tensors.map(\.0))
        #expect(file.metadata == metadata)
        for (name, original) in tensors {
            let entry = try #require(file.entry(named: name))
            let loaded = try file.tensor(named: name)
            #expect(entry.dtype.rawValue == original.dtype.safetensorsName && loaded.dtype == original.dtype, "\(name)")
            #expect(entry.shape == original.shape && loaded.shape == original.shape, "\(name)")
            #expect(entry.byteRange.count == original.byteCount, "\(name)")
            #expect(try Self.bytes(of: loaded) == Self.bytes(of: original), "\(name)")
            #expect(try loaded.floats() == original.floats(), "\(name)")
        }
        #expect(try SafetensorsFile.readHeader(url: url) == file.entries)
    }

    @Test func writerPadsTheHeaderToEightBytesAndLaysDataContiguouslyInTheGivenOrder() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("layout.safetensors")
        let tensors: [(String, Tensor)] = [
            ("z", try Tensor([1, 2, 3], shape: [3])),
            ("a", try Tensor(integers: [1], shape: [1], dtype: .bool)),
            ("m", try Tensor(integers: [5, 6], shape: [2])),
        ]
        try SafetensorsWriter.write(tensors, to: url)

        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + headerLength) % 8 == 0)
        let header = try #require(String(data: data[8..<(8 + headerLength)], encoding: .utf8))
        #expect(header.hasPrefix(#"{"z":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"a":{"dtype":"BOOL""#))
        #expect(header.trimmingCharacters(in: .whitespaces).hasSuffix("}"))
        #expect(data.count == 8 + headerLength + 12 + 1 + 16)
        let entries = try SafetensorsFile.readHeader(url: url)
        #expect(entries.map(\.name) == ["z", "a", "m"])
        #expect(entries.map(\.byteRange) == [0..<12, 12..<13, 13..<29])
    }

    @Test func writerReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("model.safetensors")
        try SafetensorsWriter.write([("old", try Tensor([1], shape: [1]))], to: url)
        try SafetensorsWriter.write([("new", try Tensor([2, 3], shape: [2]))], to: url)

        let file = try SafetensorsFile(url: url)
        #expect(file.names == ["new"])
        #expect(try file.tensor(named: "new").floats() == [2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) == ["model.safetensors"])
    }

    @Test func writerRejectsMetaRepeatedAndReservedTensorsNamingThemAndWritesNothing() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("rejected.safetensors")
        let real = try Tensor([1], shape: [1])

        Self.expectError(TensorError.self, mentioning: ["\"layer.weight\"", "rejected.safetensors", "meta"]) {
            try SafetensorsWriter.write([("ok", real), ("layer.weight", .meta(shape: [4, 4]))], to: url)
        }
        Self.expectError(TensorError.self, mentioning: ["\"twice\"", "rejected.safetensors"]) {
            try SafetensorsWriter.write([("twice", real), ("twice", real)], to: url)
        }
        Self.expectError(TensorError.self, mentioning: ["\"__metadata__\"", "rejected.safetensors"]) {
            try SafetensorsWriter.write([("__metadata__", real)], to: url)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty)
    }

    @Test func readHeaderReadsOnlyTheHeaderOfASparseSixteenGigabyteFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("huge.safetensors")
        let weightBytes = 65536 * 65536 * 4
        let header = Array(#"{"__metadata__":{"format":"pt"},"lm_head.weight":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,\#(weightBytes)]}}"#.utf8)
        let prefix = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) }
        try Data(prefix + header).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(8 + header.count + weightBytes))
        try handle.close()

        let entries = try SafetensorsFile.readHeader(url: url)
        #expect(entries == [SafetensorsEntry(name: "lm_head.weight", dtype: .f32, shape: [65536, 65536], byteRange: 0..<weightBytes)])
    }

    // MARK: Zero copy

    @Test func alignedF32TensorsBorrowTheMappedBytesAndOutliveTheFileObject() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("zero-copy.safetensors")
        try SafetensorsWriter.write([("w", try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]))], to: url)

        var first: Tensor
        do {
            let file = try SafetensorsFile(url: url)
            first = try file.tensor(named: "w")
            let second = try file.tensor(named: "w")
            let storage = try #require(first.storage)
            #expect(!storage.isWritable, "an aligned f32 tensor should borrow the mapping, not own a copy")
            #expect(storage.base == second.storage?.base, "two reads of one tensor should share the mapped bytes")
            #expect(Int(bitPattern: storage.base) % 4 == 0)
        }
        #expect(try first.floats() == [1, 2, 3, 4, 5, 6])

        try first.withUnsafeMutableFloats { $0[0] = 100 }
        #expect(first.storage?.isWritable == true)
        #expect(try SafetensorsFile(url: url).tensor(named: "w").floats() == [1, 2, 3, 4, 5, 6])
    }

    @Test func unalignedTensorsAreCopiedIntoOwnedStorageWithTheRightValues() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("unaligned.safetensors")
        try SafetensorsWriter.write([
            ("flag", try Tensor(integers: [1], shape: [1], dtype: .bool)),
            ("w", try Tensor([1.5, -2, 3], shape: [3])),
            ("ids", try Tensor(integers: [1 << 40, -3], shape: [2])),
        ], to: url)

        let file = try SafetensorsFile(url: url)
        #expect(file.entry(named: "w")?.byteRange == 1..<13)
        let w = try file.tensor(named: "w")
        #expect(w.storage?.isWritable == true, "an unaligned f32 tensor must be copied")
        #expect(try w.floats() == [1.5, -2, 3])
        #expect(try file.tensor(named: "ids").integers() == [1 << 40, -3])
        #expect(try file.tensor(named: "flag").integers() == [1])
    }

    @Test func askingForAMissingTensorNamesItAndTheFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("small.safetensors")
        try SafetensorsWriter.write([("w", try Tensor([1], shape: [1]))], to: url)
        let file = try SafetensorsFile(url: url)
        #expect(file.entry(named: "nope") == nil)
        Self.expectError(TensorError.self, mentioning: ["\"nope\"", "small.safetensors"]) { _ = try file.tensor(named: "nope") }
    }

    // MARK: Reference implementation

    struct ExpectedFixture: Decodable {
        struct Entry: Decodable {
            let dtype: String
            let shape: [Int]
            let data_offsets: [Int]
            let values: [Double]
        }

        let metadata: [String: String]
        let order: [String]
        let tensors: [String: Entry]
    }

    @Test func readsTheFileWrittenByThePythonReferenceImplementation() throws {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let url = fixtures.appendingPathComponent("reference.safetensors")
        let expected = try JSONDecoder().decode(ExpectedFixture.self, from: Data(contentsOf: fixtures.appendingPathComponent("reference_expected.json")))

        let file = try SafetensorsFile(url: url)
        #expect(file.names == expected.order)
        #expect(file.metadata == expected.metadata)
        #expect(try SafetensorsFile.readHeader(url: url) == file.entries)
        for name in expected.order {
            let want = try #require(expected.tensors[name])
            let entry = try #require(file.entry(named: name))
            #expect(entry.dtype.rawValue == want.dtype, "\(name)")
            #expect(entry.shape == want.shape, "\(name)")
            #expect([entry.byteRange.lowerBound, entry.byteRange.upperBound] == want.data_offsets, "\(name)")

            let tensor = try file.tensor(named: name)
            #expect(tensor.shape == want.shape, "\(name)")
            if tensor.dtype.isFloatingPoint {
                let got = try tensor.floats()
                let wanted = want.values.map { Float($0) }
                let maxAbsDiff = zip(got, wanted).map { abs($0 - $1) }.max() ?? 0
                #expect(got == wanted, "\(name): max abs diff \(maxAbsDiff)")
            } else {
                #expect(try tensor.integers() == want.values.map { Int($0) }, "\(name)")
            }
        }
        #expect(try file.tensor(named: "encoder.weight").storage?.isWritable == false, "the reference file's f32 tensors are aligned and read in place")
    }

    // MARK: Every dtype of the format

    @Test func everyDTypeOfTheFormatIsReadF64AsF32AndATypeTheRuntimeCannotComputeWithIsAnErrorNamingIt() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // Four elements of every type (whole bytes for the 4- and 6-bit types), F64 holding
        // 1.5, -2.25, 0, 3; the rest zero bytes.
        var fields: [String] = [], data: [UInt8] = [], offset = 0
        for type in SafetensorsDType.allCases {
            let byteCount = 4 * type.bitCount / 8
            fields.append("\"t_\(type.rawValue)\": {\"dtype\": \"\(type.rawValue)\", \"shape\": [4], \"data_offsets\": [\(offset), \(offset + byteCount)]}")
            data += type == .f64 ? [1.5, -2.25, 0, 3].flatMap { value in withUnsafeBytes(of: Double(value).bitPattern.littleEndian, Array.init) }
                                 : [UInt8](repeating: 0, count: byteCount)
            offset += byteCount
        }
        let header = Array(("{" + fields.joined(separator: ", ") + "}").utf8)
        let url = scratch.file("all-dtypes.safetensors")
        try Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * $0)) } + header + data).write(to: url)

        let file = try SafetensorsFile(url: url)
        #expect(Set(file.entries.map(\.dtype)) == Set(SafetensorsDType.allCases))
        #expect(try SafetensorsFile.readHeader(url: url) == file.entries)
        let converted = try file.tensor(named: "t_F64")
        #expect(converted.dtype == .f32)
        #expect(try converted.floats() == [1.5, -2.25, 0, 3])
        for type in [SafetensorsDType.f32, .f16, .bf16, .i64, .i32, .bool] {
            #expect(try file.tensor(named: "t_\(type.rawValue)").dtype.safetensorsName == type.rawValue)
        }
        Self.expectError(TensorError.self, mentioning: [url.path, #""t_F8_E4M3""#, "F8_E4M3"]) { _ = try file.tensor(named: "t_F8_E4M3") }
        Self.expectError(TensorError.self, mentioning: [url.path, #""t_I16""#, "I16"]) { _ = try file.tensor(named: "t_I16") }
    }

    // MARK: Malformed files

    /// One malformed file: its bytes and what its error message must mention (besides the file).
    struct BadFile: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let mentions: [String]
        var testDescription: String { name }

        /// An 8-byte little-endian `length` (the header's own length unless given), the header, the data.
        init(_ name: String, header: String, data: Int = 0, length: UInt64? = nil, mentions: [String]) {
            self.name = name
            let json = Array(header.utf8)
            let declared = length ?? UInt64(json.count)
            bytes = (0..<8).map { UInt8(truncatingIfNeeded: declared >> (8 * $0)) } + json + [UInt8](repeating: 0, count: data)
            self.mentions = mentions
        }

        init(_ name: String, bytes: [UInt8], mentions: [String]) {
            self.name = name
            self.bytes = bytes
            self.mentions = mentions
        }

        static let all: [BadFile] = [
            BadFile("empty", bytes: [], mentions: ["0 bytes", "8-byte header length"]),
            BadFile("shorter-than-length-prefix", bytes: [16, 0, 0, 0, 0], mentions: ["5 bytes", "8-byte header length"]),
            BadFile("header-length-beyond-file", header: "{}", length: 1000, mentions: ["header length 1000", "beyond the end of the file"]),
            BadFile("absurd-header-length", header: "{}", length: .max, mentions: ["header length \(UInt64.max)", "limit"]),
            BadFile("invalid-json", header: #"{"w": {"dtype": "F32", "shape": [1],"#, mentions: ["not valid JSON"]),
            BadFile("json-not-an-object", header: "[1, 2]", mentions: ["not a JSON object"]),
            BadFile("entry-not-an-object", header: #"{"w": 3}"#, mentions: [#""w""#, "not an object"]),
            BadFile("missing-dtype", header: #"{"w": {"shape": [1], "data_offsets": [0, 4]}}"#, data: 4, mentions: [#""w""#, "no dtype"]),
            BadFile("unknown-dtype", header: #"{"w": {"dtype": "F128", "shape": [1], "data_offsets": [0, 16]}}"#, data: 16, mentions: [#""w""#, #""F128""#]),
            BadFile("sub-byte-dtype-not-filling-bytes", header: #"{"w": {"dtype": "F4", "shape": [3], "data_offsets": [0, 2]}}"#, data: 2, mentions: [#""w""#, "F4", "whole bytes"]),
            BadFile("missing-shape", header: #"{"w": {"dtype": "F32", "data_offsets": [0, 4]}}"#, data: 4, mentions: [#""w""#, "no shape"]),
            BadFile("negative-shape", header: #"{"w": {"dtype": "F32", "shape": [2, -1], "data_offsets": [0, 0]}}"#, mentions: [#""w""#, "[2,-1]", "non-negative integer"]),
            BadFile("fractional-shape", header: #"{"w": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 8]}}"#, data: 8, mentions: [#""w""#, "2.5"]),
            BadFile("float-written-shape", header: #"{"w": {"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8]}}"#, data: 8, mentions: [#""w""#, "[2.0]", "non-negative integer"]),
            BadFile("string-shape", header: #"{"w": {"dtype": "F32", "shape": ["2"], "data_offsets": [0, 8]}}"#, data: 8, mentions: [#""w""#, #"["2"]"#, "non-negative integer"]),
            BadFile("boolean-shape", header: #"{"w": {"dtype": "F32", "shape": [true], "data_offsets": [0, 4]}}"#, data: 4, mentions: [#""w""#, "[true]", "non-negative integer"]),
            BadFile("overflowing-shape", header: #"{"w": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 4]}}"#, data: 4, mentions: [#""w""#, "too large"]),
            BadFile("offsets-not-a-pair", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}"#, data: 4, mentions: [#""w""#, "data_offsets"]),
            BadFile("offsets-reversed", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#, data: 4, mentions: [#""w""#, "data_offsets [4,0]"]),
            BadFile("offsets-negative", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}}"#, data: 4, mentions: [#""w""#, "data_offsets [-4,0]"]),
            BadFile("offsets-out-of-range", header: #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, data: 8, mentions: [#""w""#, "[4, 12]", "8-byte data section"]),
            BadFile("data-cut-short", header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "I64", "shape": [1], "data_offsets": [8, 16]}}"#, data: 12, mentions: [#""b""#, "[8, 16]", "12-byte data section"]),
            BadFile("overlapping-offsets", header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, data: 12, mentions: [#""a""#, #""b""#, "overlap"]),
            BadFile("size-disagrees-with-offsets", header: #"{"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}}"#, data: 24, mentions: [#""w""#, "[2, 3]", "24 bytes", "20 bytes"]),
            BadFile("duplicate-tensor-name", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, data: 8, mentions: [#""w""#, "listed twice"]),
            BadFile("duplicate-tensor-name-escaped", header: #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "\u0077": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, data: 8, mentions: [#""w""#, "listed twice"]),
            BadFile("duplicate-field", header: #"{"w": {"dtype": "F32", "shape": [2], "shape": [1], "data_offsets": [0, 4]}}"#, data: 4, mentions: [#""w""#, #""shape" twice"#]),
            BadFile("metadata-not-strings", header: #"{"__metadata__": {"step": 3}}"#, mentions: ["__metadata__", #""step""#]),
        ]
    }

    @Test(arguments: BadFile.all)
    func malformedFileThrowsAnErrorNamingTheFileAndTensor(_ bad: BadFile) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("\(bad.name).safetensors")
        try Data(bad.bytes).write(to: url)
        let mentions = [url.path] + bad.mentions

        Self.expectError(FormatError.self, mentioning: mentions) { _ = try SafetensorsFile(url: url) }
        Self.expectError(FormatError.self, mentioning: mentions) { _ = try SafetensorsFile.readHeader(url: url) }
    }

    @Test func unreadablePathsThrowIOErrorsNamingThem() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let missing = scratch.file("missing.safetensors")
        for url in [missing, scratch.url] {
            let error = #expect(throws: FormatError.self) { _ = try SafetensorsFile(url: url) }
            guard case let .io(file, _)? = error else {
                Issue.record("expected an io error for \(url.path), got \(String(describing: error))")
                continue
            }
            #expect(file == url.path)
        }
        Self.expectError(FormatError.self, mentioning: ["missing.safetensors"]) { _ = try SafetensorsFile.readHeader(url: missing) }
    }

    @Test func emptyFileMapsToAnEmptyBuffer() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let url = scratch.file("empty.bin")
        try Data().write(to: url)
        let mapped = try MappedFile(url: url)
        #expect(mapped.bytes.isEmpty)
    }
}
