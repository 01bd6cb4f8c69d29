import Foundation
import Tensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes tensors to a `.safetensors` file.
public enum SafetensorsWriter {
    /// Writes `tensors` to `url` in the given order: the header lists them in that order, their
    /// bytes follow one another without gaps (row-major, whatever the input's strides), and the
    /// JSON header is padded with spaces to a multiple of 8 bytes, as the reference implementation
    /// does. `metadata` becomes the header's `__metadata__` map.
    ///
    /// The file is written to a temporary file in the same folder and renamed over `url` once
    /// complete, so `url` never holds a partial file. Throws `TensorError.invalidArgument` for a
    /// repeated or reserved name, `TensorError.metaTensorHasNoData` for a meta tensor (both naming
    /// the tensor) and `FormatError.io` when writing fails.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String]? = nil, to url: URL) throws {
        let path = url.path
        var seen: Set<String> = []
        for (name, tensor) in tensors {
            guard name != SafetensorsHeader.metadataKey else {
                throw TensorError.invalidArgument(op: "SafetensorsWriter.write", detail: "cannot write a tensor named \"\(name)\" to \(path): the name is reserved for metadata")
            }
            guard seen.insert(name).inserted else {
                throw TensorError.invalidArgument(op: "SafetensorsWriter.write", detail: "cannot write tensor \"\(name)\" twice to \(path)")
            }
            guard !tensor.isMeta else {
                throw TensorError.metaTensorHasNoData(op: "writing tensor \"\(name)\" to \(path)")
            }
        }
        let header = headerBytes(tensors, metadata: metadata)

        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw FormatError.io(file: path, detail: "cannot create the temporary file \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                var length = UInt64(header.count).littleEndian
                try handle.write(contentsOf: Data(bytes: &length, count: SafetensorsHeader.lengthPrefixByteCount))
                try handle.write(contentsOf: header)
                for (_, tensor) in tensors {
                    try tensor.withContiguousBytes { bytes in
                        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                        try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
                    }
                }
                try handle.synchronize()
            } catch {
                try? handle.close()
                throw error
            }
            try handle.close()
            guard rename(temporary.path, path) == 0 else {
                throw FormatError.io(file: path, detail: "cannot move the written file into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if error is FormatError || error is TensorError { throw error }
            throw FormatError.io(file: path, detail: "cannot write: \(error.localizedDescription)")
        }
    }

    /// The JSON header, keys in the order given (metadata first, its keys sorted), padded with
    /// spaces to a multiple of 8 bytes.
    private static func headerBytes(_ tensors: [(String, Tensor)], metadata: [String: String]?) -> Data {
        var fields: [String] = []
        if let metadata {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\(jsonString(SafetensorsHeader.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            let end = offset + tensor.byteCount
            fields.append("\(jsonString(name)):{\"dtype\":\"\(tensor.dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var bytes = Data("{\(fields.joined(separator: ","))}".utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
