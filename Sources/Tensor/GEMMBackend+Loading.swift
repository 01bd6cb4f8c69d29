import CBLAS
import CKernels
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension GEMMBackend {
    /// The OpenBLAS slimtrace links, with the kernel its loader chose.
    public static let linkedOpenBLAS = GEMMBackend(
        library: .openblas, kernel: String(cString: openblas_get_corename()),
        origin: "\(openBLASVersion(openblas_get_config())) (linked)", entry: .cblas(cblas_sgemm))

    /// A private instance of the linked OpenBLAS running `core` (`SkylakeX`...): the same library
    /// file loaded again into a new link-map namespace with `OPENBLAS_CORETYPE=core` set while it
    /// initialises (the environment is restored after). Nil when it cannot be loaded or runs
    /// another kernel than asked (a build without that kernel). Loaded once per kernel.
    public static func privateOpenBLAS(core: String) -> GEMMBackend? {
        GEMMBackendCache.shared.value(for: "openblas:\(core.lowercased())") { loadPrivateOpenBLAS(core: core) }
    }

    /// oneDNN's `dnnl_sgemm` from `libdnnl` (major version 3 or 2), when installed; loaded once.
    public static var oneDNN: GEMMBackend? {
        GEMMBackendCache.shared.value(for: "onednn") { loadOneDNN() }
    }

    private static func loadPrivateOpenBLAS(core: String) -> GEMMBackend? {
        let sgemm: CBLASSgemm = cblas_sgemm
        let linkedPath = ck_library_path_of(unsafeBitCast(sgemm, to: UnsafeRawPointer.self)).map { String(cString: $0) }
        guard let handle = ck_open_isolated_library(linkedPath ?? "libopenblas.so.0", GEMMPolicy.coreTypeVariable, core) else { return nil }
        guard let sgemmSymbol = dlsym(handle, "cblas_sgemm"), let coreSymbol = dlsym(handle, "openblas_get_corename"),
              let configSymbol = dlsym(handle, "openblas_get_config") else {
            dlclose(handle)
            return nil
        }
        typealias NameFunction = @convention(c) () -> UnsafeMutablePointer<CChar>?
        let loadedCore = unsafeBitCast(coreSymbol, to: NameFunction.self)().map { String(cString: $0) } ?? ""
        guard loadedCore.lowercased() == core.lowercased() else {
            dlclose(handle)
            return nil
        }
        let config = unsafeBitCast(configSymbol, to: NameFunction.self)()
        return GEMMBackend(library: .openblas, kernel: loadedCore, origin: "\(openBLASVersion(config)) (private instance)",
                           entry: .cblas(unsafeBitCast(sgemmSymbol, to: CBLASSgemm.self)))
    }

    private static func loadOneDNN() -> GEMMBackend? {
        let names = ["libdnnl.so.3", "libdnnl.so.2"]
        guard let handle = names.lazy.compactMap({ (name: String) in dlopen(name, RTLD_NOW | RTLD_LOCAL) }).first else { return nil }
        guard let sgemmSymbol = dlsym(handle, "dnnl_sgemm") else {
            dlclose(handle)
            return nil
        }
        var origin = "oneDNN", major: Int32 = 0
        typealias VersionFunction = @convention(c) () -> UnsafeRawPointer?
        if let versionSymbol = dlsym(handle, "dnnl_version"), let version = unsafeBitCast(versionSymbol, to: VersionFunction.self)() {
            // dnnl_version_t starts with `int major, minor, patch`.
            let numbers = (0..<3).map { version.load(fromByteOffset: $0 * 4, as: Int32.self) }
            major = numbers[0]
            origin += " " + numbers.map(String.init).joined(separator: ".")
        }
        var kernel = "default ISA"
        typealias ISAFunction = @convention(c) () -> UInt32
        if let isaSymbol = dlsym(handle, "dnnl_get_effective_cpu_isa") {
            kernel = oneDNNISAName(unsafeBitCast(isaSymbol, to: ISAFunction.self)(), major: major)
        }
        return GEMMBackend(library: .onednn, kernel: kernel, origin: origin, entry: .dnnl(unsafeBitCast(sgemmSymbol, to: DNNLSgemm.self)))
    }

    /// `OpenBLAS 0.3.21` from `openblas_get_config()`'s `OpenBLAS 0.3.21 DYNAMIC_ARCH ...`.
    private static func openBLASVersion(_ config: UnsafeMutablePointer<CChar>?) -> String {
        guard let config else { return "OpenBLAS" }
        return String(cString: config).split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// oneDNN 2.x's `dnnl_cpu_isa_t` values as its documentation names them (other versions
    /// number them differently: shown as hex).
    private static func oneDNNISAName(_ isa: UInt32, major: Int32) -> String {
        guard major == 2 else { return "isa 0x" + String(isa, radix: 16) }
        return switch isa {
        case 0x1: "sse41"
        case 0x3: "avx"
        case 0x7: "avx2"
        case 0x407: "avx2_vnni"
        case 0x27: "avx512_core"
        case 0x67: "avx512_core_vnni"
        case 0xe7: "avx512_core_bf16"
        case 0x3e7: "avx512_core_amx"
        default: "isa 0x" + String(isa, radix: 16)
        }
    }
}

/// The backends loaded so far, by key, each loaded at most once (a failed load is remembered too).
private final class GEMMBackendCache: @unchecked Sendable {
    static let shared = GEMMBackendCache()
    private let lock = NSLock()
    private var loaded: [String: GEMMBackend?] = [:]

    func value(for key: String, load: () -> GEMMBackend?) -> GEMMBackend? {
        lock.lock()
        defer { lock.unlock() }
        if let known = loaded[key] { return known }
        let backend = load()
        loaded[key] = .some(backend)
        return backend
    }
}
