import ArgumentParser
import Models

/// `--meta`, for the commands that only trace: shapes without weights.
public struct MetaOption: ParsableArguments {
    @Flag(name: .long, help: "Trace shapes only: no weight is read (automatic when the folder has no weights or they exceed memory).")
    public var meta = false

    public init() {}

    /// How to load MODEL: `.meta` with `--meta`, else `.auto` (meta only when it must).
    var loadMode: LoadMode { meta ? .meta : .auto }
}
