import NN

/// The classifier head of a PyTorch-style model (INC's `ClassifierHeadSearcher`): over
/// `named_modules` minus Dropout modules, the last `Linear` or `Conv2d`, if it is the very last
/// module; nil otherwise (where INC would fail on a model with no such layer, this returns nil).
public struct ClassifierHeadSearcher {
    public let model: Module

    public init(model: Module) {
        self.model = model
    }

    public func search() -> String? {
        HeadRule.lastLayer(of: model.namedModules().map { ($0.path, $0.module.typeName) },
                           headClasses: ["Linear", "Conv2d"], excluded: ["Dropout"])
    }
}

/// INC's head rule over (name, class) pairs in order, shared by the PyTorch and Keras searchers.
enum HeadRule {
    static func lastLayer(of layers: [(name: String, typeName: String)], headClasses: Set<String>, excluded: Set<String>) -> String? {
        let kept = layers.filter { !excluded.contains($0.typeName) }
        guard let last = kept.last, headClasses.contains(last.typeName) else { return nil }
        return last.name
    }
}
