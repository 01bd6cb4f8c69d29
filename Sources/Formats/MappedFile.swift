import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory, unmapped when the last reference goes away.
///
/// Tensors borrow windows of the mapping (`TensorStorage(borrowing:byteCount:owner:)` with the
/// mapped file as owner), so the bytes stay valid for as long as any such tensor lives. An empty
/// file maps to an empty buffer. The file must not be truncated while it is mapped.
public final class MappedFile: @unchecked Sendable {
    /// The mapped file.
    public let url: URL
    /// The file's bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer

    /// Maps the file at `url`, or throws `FormatError.io` naming it.
    public init(url: URL) throws {
        self.url = url
        let path = url.path
        let (descriptor, byteCount) = try MappedFile.openRegularFile(url)
        defer { close(descriptor) }
        guard byteCount > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw FormatError.io(file: path, detail: "cannot map \(byteCount) bytes into memory: \(MappedFile.lastErrorDescription())")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: byteCount)
    }

    /// Opens the regular file at `url` read-only and returns its descriptor (the caller closes
    /// it) and size, or throws `FormatError.io` naming the file and saying why in one line (no
    /// such file, a dangling symbolic link, a loop, a directory).
    static func openRegularFile(_ url: URL) throws -> (descriptor: Int32, byteCount: Int) {
        let path = url.path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FormatError.io(file: path, detail: "cannot open for reading: \(MappedFile.lastErrorDescription())")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = MappedFile.lastErrorDescription()
            close(descriptor)
            throw FormatError.io(file: path, detail: "cannot read file status: \(reason)")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw FormatError.io(file: path, detail: (status.st_mode & S_IFMT) == S_IFDIR ? "is a directory, not a file" : "is not a regular file")
        }
        return (descriptor, Int(status.st_size))
    }

    /// Drops this process's resident pages of the mapping (`madvise(MADV_DONTNEED)`): the page
    /// cache keeps them and the next read faults them back in. For a long command that has read
    /// the weights and will not read most of them again soon, so they stop counting in its memory.
    public func releaseResidentPages() {
        guard let base = bytes.baseAddress else { return }
        madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_DONTNEED)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }

    /// The text of the current `errno`.
    private static func lastErrorDescription() -> String {
        String(cString: strerror(errno))
    }
}
