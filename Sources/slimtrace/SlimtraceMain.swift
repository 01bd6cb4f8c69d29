import SlimtraceCLI

/// The `slimtrace` executable: `Slimtrace` (in SlimtraceCLI, where tests drive it) is the root
/// command; its `main()` exits with status 1 and one `error:` line for every error.
@main
extension Slimtrace {}
