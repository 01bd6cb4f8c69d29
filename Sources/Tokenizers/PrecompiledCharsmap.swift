import Foundation

/// SentencePiece's precompiled normalization map (`precompiled_charsmap`, base64 in `tokenizer.json`):
/// a darts-clone double-array trie of byte sequences and a blob of NUL-terminated replacements.
/// Hugging Face `tokenizers`' `normalizers.Precompiled` (the `spm_precompiled` crate).
struct PrecompiledCharsmap: Sendable {
    private let units: [UInt32]
    private let replacements: [UInt8]

    init(base64: String) throws {
        let component = "Precompiled normalizer"
        guard let data = Data(base64Encoded: base64) else {
            throw TokenizerError.invalid(component: component, reason: "'precompiled_charsmap' is not base64")
        }
        let blob = [UInt8](data)
        guard blob.count >= 4 else { throw TokenizerError.invalid(component: component, reason: "'precompiled_charsmap' is too short") }
        let trieSize = Int(blob[0]) | Int(blob[1]) << 8 | Int(blob[2]) << 16 | Int(blob[3]) << 24
        guard trieSize % 4 == 0, 4 + trieSize <= blob.count else {
            throw TokenizerError.invalid(component: component, reason: "'precompiled_charsmap' trie size \(trieSize) does not fit the blob")
        }
        units = stride(from: 4, to: 4 + trieSize, by: 4).map {
            UInt32(blob[$0]) | UInt32(blob[$0 + 1]) << 8 | UInt32(blob[$0 + 2]) << 16 | UInt32(blob[$0 + 3]) << 24
        }
        replacements = Array(blob[(4 + trieSize)...])
        guard String(bytes: replacements, encoding: .utf8) != nil else {
            throw TokenizerError.invalid(component: component, reason: "'precompiled_charsmap' replacements are not UTF-8")
        }
    }

    /// The replacement of the shortest key that is a prefix of `chunk`, if any (`transform`).
    func replacement(for chunk: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let first = units.first else { return nil }
        var node = Int(Self.offset(first))
        for byte in chunk {
            if byte == 0 { return nil }
            node ^= Int(byte)
            guard node < units.count else { return nil }
            let unit = units[node]
            guard unit & 0x8000_00FF == UInt32(byte) else { return nil }
            node ^= Int(Self.offset(unit))
            if (unit >> 8) & 1 == 1 {
                guard node < units.count else { return nil }
                let start = Int(units[node] & 0x7FFF_FFFF)
                guard start <= replacements.count else { return nil }
                let end = replacements[start...].firstIndex(of: 0) ?? replacements.count
                return replacements[start..<end]
            }
        }
        return nil
    }

    private static func offset(_ unit: UInt32) -> UInt32 {
        (unit >> 10) << ((unit & 512) >> 6)
    }
}

extension NormalizedString {
    /// Applies a precompiled charsmap: each grapheme shorter than 6 bytes is replaced whole if it has an
    /// entry, otherwise each scalar is replaced by its entry (Hugging Face's `Precompiled::normalize`).
    mutating func apply(_ charsmap: PrecompiledCharsmap) {
        var transforms: [(Unicode.Scalar, Int)] = []
        transforms.reserveCapacity(bytes.count)
        var modified = false
        var offset = 0
        let bytes = bytes
        for character in String(utf8Bytes: bytes) {
            let length = character.utf8.count
            let grapheme = bytes[offset..<offset + length]
            defer { offset += length }
            if length < 6, let replacement = charsmap.replacement(for: grapheme) {
                modified = true
                Self.replace(&transforms, oldScalars: character.unicodeScalars.count, with: replacement)
                continue
            }
            var index = offset
            while index < offset + length {
                let (scalar, scalarLength) = bytes.scalar(at: index)
                if let replacement = charsmap.replacement(for: bytes[index..<index + scalarLength]) {
                    modified = true
                    Self.replace(&transforms, oldScalars: 1, with: replacement)
                } else {
                    transforms.append((scalar, 0))
                }
                index += scalarLength
            }
        }
        if modified { transform(transforms, initialOffset: 0) }
    }

    /// Appends the changes replacing `oldScalars` scalars by `replacement` (the `replace` helper of
    /// Hugging Face's precompiled normalizer).
    private static func replace(_ transforms: inout [(Unicode.Scalar, Int)], oldScalars: Int, with replacement: ArraySlice<UInt8>) {
        let newScalars = Array(replacement).scalarsWithOffsets().map(\.scalar)
        let difference = newScalars.count - oldScalars
        transforms.append(contentsOf: newScalars.map { ($0, 0) })
        if difference > 0 {
            for index in (transforms.count - difference)..<transforms.count { transforms[index].1 = 1 }
        } else if difference < 0, !transforms.isEmpty {
            transforms[transforms.count - 1].1 += difference
        }
    }
}
