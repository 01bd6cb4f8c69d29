/// The result of encoding one text or pair: Hugging Face `tokenizers`' `Encoding`, with offsets in
/// characters (Unicode scalars) of the original text as Python's `Encoding.offsets` gives them.
public struct Encoding: Equatable, Sendable {
    public private(set) var ids: [Int] = []
    public private(set) var tokens: [String] = []
    public private(set) var typeIds: [Int] = []
    /// The pre-tokenized piece each token comes from, nil for special and padding tokens.
    public private(set) var wordIds: [Int?] = []
    public private(set) var offsets: [Range<Int>] = []
    public private(set) var specialTokensMask: [Int] = []
    public private(set) var attentionMask: [Int] = []

    public init() {}

    public var count: Int { ids.count }

    mutating func append(id: Int, token: String, typeId: Int, wordId: Int?, offsets: Range<Int>, special: Bool) {
        ids.append(id)
        tokens.append(token)
        typeIds.append(typeId)
        wordIds.append(wordId)
        self.offsets.append(offsets)
        specialTokensMask.append(special ? 1 : 0)
        attentionMask.append(1)
    }

    /// Appends all of `other` (`merge_with` without growing offsets).
    mutating func append(contentsOf other: Encoding) {
        ids += other.ids
        tokens += other.tokens
        typeIds += other.typeIds
        wordIds += other.wordIds
        offsets += other.offsets
        specialTokensMask += other.specialTokensMask
        attentionMask += other.attentionMask
    }

    /// Sets every type id.
    mutating func setTypeIds(_ typeId: Int) {
        typeIds = Array(repeating: typeId, count: ids.count)
    }

    /// Changes every token's offsets.
    mutating func mapOffsets(_ transform: (_ index: Int, _ token: String, _ offsets: Range<Int>) -> Range<Int>) {
        for index in offsets.indices { offsets[index] = transform(index, tokens[index], offsets[index]) }
    }

    /// Keeps the tokens in `range` (the kept part of `truncate`).
    mutating func keep(_ range: Range<Int>) {
        ids = Array(ids[range])
        tokens = Array(tokens[range])
        typeIds = Array(typeIds[range])
        wordIds = Array(wordIds[range])
        offsets = Array(offsets[range])
        specialTokensMask = Array(specialTokensMask[range])
        attentionMask = Array(attentionMask[range])
    }

    /// Pads to `length` with the padding token on the given side (`pad`).
    mutating func pad(to length: Int, with padding: PaddingParameters) {
        let count = length - ids.count
        guard count > 0 else { return }
        func padded<T>(_ values: [T], _ value: T) -> [T] {
            padding.side == .right ? values + repeatElement(value, count: count) : repeatElement(value, count: count) + values
        }
        ids = padded(ids, padding.padId)
        tokens = padded(tokens, padding.padToken)
        typeIds = padded(typeIds, padding.padTypeId)
        wordIds = padded(wordIds, nil)
        offsets = padded(offsets, 0..<0)
        specialTokensMask = padded(specialTokensMask, 1)
        attentionMask = padded(attentionMask, 0)
    }
}
