import Foundation

/// A graph whose parts contradict each other (ids, producers, execution order).
public enum GraphError: LocalizedError, Equatable {
    case inconsistent(String)

    public var errorDescription: String? {
        switch self {
        case let .inconsistent(detail): "inconsistent graph: \(detail)"
        }
    }
}
