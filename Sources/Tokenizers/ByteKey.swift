/// Token text as a dictionary key compared byte for byte (Swift's `String` equality is canonical
/// equivalence, under which two different vocabulary entries could collide).
struct ByteKey: Hashable, Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    static func == (left: ByteKey, right: ByteKey) -> Bool {
        left.bytes == right.bytes
    }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
