import CLibFuzzer
import Foundation

/// Runs libFuzzer on one target: the command line is libFuzzer's (corpus folders, `-runs=`,
/// `-max_total_time=`, ...), and `body` is called once per input.
public enum FuzzDriver {
    /// Hands the process over to libFuzzer, which calls `body` with each input and exits.
    public static func run(_ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, body))
    }
}
