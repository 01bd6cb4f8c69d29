import Foundation
import Tensor

/// The validated header of a safetensors file.
///
/// The format: an 8-byte little-endian header length `n`, then `n` bytes of JSON mapping each
/// tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (plus an optional
/// `__metadata__` object of strings), then the data section, which the offsets index.
/// Everything here is checked before any tensor byte is touched: a known dtype, a shape of
/// non-negative integers, offsets inside the data section that span exactly the bytes the shape
/// and dtype need, no name or key given twice, and no two tensors sharing bytes.
struct SafetensorsHeader {
    /// Bytes of the length prefix.
    static let lengthPrefixByteCount = 8
    /// The largest header accepted, as in the reference implementation (100 MB).
    static let maximumByteCount = 100_000_000
    /// The key of the free-form string map; every other key names a tensor.
    static let metadataKey = "__metadata__"

    /// The tensors, ordered by where their bytes begin (ties by end, then name).
    let entries: [SafetensorsEntry]
    /// The `__metadata__` map (empty when the file has none).
    let metadata: [String: String]

    /// The JSON header's length, read from the file's first bytes `prefix` and checked against
    /// `fileSize`; `file` names the file in errors.
    static func headerByteCount(prefix: some Collection<UInt8>, fileSize: Int, file: String) throws -> Int {
        guard fileSize >= lengthPrefixByteCount, prefix.count >= lengthPrefixByteCount else {
            throw FormatError.invalidSafetensors(file: file, detail: "the file is \(fileSize) bytes long, shorter than the \(lengthPrefixByteCount)-byte header length that starts every safetensors file")
        }
        var length: UInt64 = 0
        for (position, byte) in prefix.prefix(lengthPrefixByteCount).enumerated() {
            length |= UInt64(byte) << (8 * UInt64(position))
        }
        guard length <= UInt64(maximumByteCount) else {
            throw FormatError.invalidSafetensors(file: file, detail: "header length \(length) bytes is larger than the \(maximumByteCount)-byte limit")
        }
        let byteCount = Int(length)
        guard lengthPrefixByteCount + byteCount <= fileSize else {
            throw FormatError.invalidSafetensors(file: file, detail: "header length \(byteCount) bytes goes beyond the end of the file (\(lengthPrefixByteCount) + \(byteCount) > \(fileSize) bytes)")
        }
        return byteCount
    }

    /// Parses and validates the JSON header `json` of a file whose data section (what follows the
    /// header) is `dataByteCount` bytes long; `file` names the file in errors.
    init(json: Data, dataByteCount: Int, file: String) throws {
        func invalid(_ detail: String) -> FormatError {
            FormatError.invalidSafetensors(file: file, detail: detail)
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "unreadable"
            throw invalid("the header is not valid JSON (\(reason))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw invalid("the header is not a JSON object")
        }
        if let duplicate = JSONDuplicateKey.first(in: json) {
            guard let tensor = duplicate.path.first else {
                throw invalid("tensor \"\(duplicate.key)\" is listed twice (each name must appear once)")
            }
            throw invalid("\(tensor == SafetensorsHeader.metadataKey ? tensor : "tensor \"\(tensor)\"") has the key \"\(duplicate.key)\" twice")
        }

        var entries: [SafetensorsEntry] = []
        var metadata: [String: String] = [:]
        for name in dictionary.keys.sorted() {
            let value = dictionary[name]!
            if name == SafetensorsHeader.metadataKey {
                metadata = try SafetensorsHeader.metadata(value, invalid: invalid)
            } else {
                entries.append(try SafetensorsHeader.entry(name: name, value, dataByteCount: dataByteCount, invalid: invalid))
            }
        }
        entries.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }

        var furthest: SafetensorsEntry?
        for entry in entries where !entry.byteRange.isEmpty {
            if let previous = furthest, entry.byteRange.overlaps(previous.byteRange) {
                throw invalid("tensors \"\(previous.name)\" (data_offsets \(SafetensorsHeader.offsetsText(previous.byteRange))) and \"\(entry.name)\" (data_offsets \(SafetensorsHeader.offsetsText(entry.byteRange))) overlap")
            }
            if entry.byteRange.upperBound > furthest?.byteRange.upperBound ?? 0 { furthest = entry }
        }

        self.entries = entries
        self.metadata = metadata
    }

    /// The `__metadata__` value as a map of strings (null counts as none).
    private static func metadata(_ value: Any, invalid: (String) -> FormatError) throws -> [String: String] {
        if value is NSNull { return [:] }
        guard let map = value as? [String: Any] else {
            throw invalid("\(metadataKey) is \(jsonText(value)), not an object of strings")
        }
        var strings: [String: String] = [:]
        for key in map.keys.sorted() {
            let item = map[key]!
            guard let text = item as? String else {
                throw invalid("\(metadataKey) entry \"\(key)\" is \(jsonText(item)), not a string")
            }
            strings[key] = text
        }
        return strings
    }

    /// One tensor's description, validated against a data section of `dataByteCount` bytes.
    private static func entry(name: String, _ value: Any, dataByteCount: Int, invalid: (String) -> FormatError) throws -> SafetensorsEntry {
        guard let info = value as? [String: Any] else {
            throw invalid("tensor \"\(name)\" is described by \(jsonText(value)), not an object with dtype, shape and data_offsets")
        }
        guard let dtypeName = info["dtype"] as? String else {
            throw invalid("tensor \"\(name)\" has no dtype string")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("tensor \"\(name)\" has dtype \"\(dtypeName)\", which the safetensors format does not define (it defines \(known))")
        }
        guard let rawShape = info["shape"] as? [Any] else {
            throw invalid("tensor \"\(name)\" has no shape array")
        }
        let shape = rawShape.compactMap(integer)
        guard shape.count == rawShape.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw invalid("tensor \"\(name)\" has shape \(jsonText(rawShape)): every dimension must be a non-negative integer")
        }
        guard let rawOffsets = info["data_offsets"] as? [Any], rawOffsets.count == 2,
              let begin = integer(rawOffsets[0]), let end = integer(rawOffsets[1]), 0 <= begin, begin <= end else {
            throw invalid("tensor \"\(name)\" has data_offsets \(jsonText(info["data_offsets"] ?? NSNull())): expected [begin, end] with 0 <= begin <= end")
        }
        let byteRange = begin..<end
        // Zero dimensions count as ones here: [0, 2^62, 2^62] holds no bytes, but its strides overflow.
        guard Shape.checkedElementCount(shape) != nil else {
            throw invalid("tensor \"\(name)\" has shape \(Shape.describe(shape)), too large to address")
        }
        var bits = dtype.bitCount
        for dimension in shape {
            let (product, overflow) = bits.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw invalid("tensor \"\(name)\" has shape \(Shape.describe(shape)), too large to address")
            }
            bits = product
        }
        guard bits % 8 == 0 else {
            throw invalid("tensor \"\(name)\" has shape \(Shape.describe(shape)) of \(dtypeName) elements (\(dtype.bitCount) bits each), which do not fill whole bytes")
        }
        let expected = bits / 8
        guard expected == byteRange.count else {
            throw invalid("tensor \"\(name)\" has shape \(Shape.describe(shape)) and dtype \(dtypeName), which need \(expected) bytes, but its data_offsets \(offsetsText(byteRange)) span \(byteRange.count) bytes")
        }
        guard end <= dataByteCount else {
            throw invalid("tensor \"\(name)\" has data_offsets \(offsetsText(byteRange)), beyond the end of the \(dataByteCount)-byte data section (the file is truncated or the offsets are wrong)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: byteRange)
    }

    /// `value` when it is a JSON integer: not a boolean, not a number written with a fraction or
    /// an exponent (`2.0`, `1e3`), and within `Int`'s range.
    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        switch String(cString: number.objCType) {
        case "c", "B", "f", "d": return nil
        default: return value as? Int
        }
    }

    /// `value` written back as compact JSON, numbers as the file wrote them (`2.0` stays `2.0`),
    /// for error messages.
    private static func jsonText(_ value: Any) -> String {
        switch value {
        case let text as String:
            return "\"\(text)\""
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": return number.boolValue ? "true" : "false"
            case "f", "d": return "\(number.doubleValue)"
            default: return number.stringValue
            }
        case let array as [Any]:
            return "[" + array.map(jsonText).joined(separator: ",") + "]"
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { "\"\($0)\":\(jsonText(object[$0]!))" }.joined(separator: ",") + "}"
        default:
            return "null"
        }
    }

    /// `data_offsets` as the header writes them: `[begin, end]`.
    private static func offsetsText(_ range: Range<Int>) -> String {
        "[\(range.lowerBound), \(range.upperBound)]"
    }
}
