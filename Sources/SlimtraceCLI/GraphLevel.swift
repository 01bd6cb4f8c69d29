import ArgumentParser

/// `trace --level`: what a node of the written graph is.
public enum GraphLevel: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Every op of the forward (the tracer's graph).
    case op
    /// Every module that ran ops, repeated layers folded (`ModuleGraph`); DOT only.
    case module
}
