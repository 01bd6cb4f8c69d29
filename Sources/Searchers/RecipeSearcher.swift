import NN

/// Collects sub-layers named by a recipe (INC's `RecipeSearcher`): for every module, in pre-order,
/// whose class name is a recipe key, the modules at the recipe's dotted paths below it.
/// Example recipe: `["BertAttention": ["self.query", "self.key", "self.value", "output.dense"]]`.
public struct RecipeSearcher {
    public let model: Module
    public let recipe: [String: [String]]

    public init(model: Module, recipe: [String: [String]]) {
        self.model = model
        self.recipe = recipe
    }

    /// One group per matching module, each the (full path, module) pairs of its recipe entries;
    /// a recipe path that does not exist is an error naming it.
    public func search() throws -> [[(path: String, module: Module)]] {
        try model.namedModules().compactMap { path, module in
            guard let subpaths = recipe[module.typeName] else { return nil }
            return try subpaths.map { subpath in
                let full = path.isEmpty ? subpath : path + "." + subpath
                return (full, try ModulePaths.attribute(of: module, path: subpath))
            }
        }
    }
}
