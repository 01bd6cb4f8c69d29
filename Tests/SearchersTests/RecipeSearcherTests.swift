import Models
import NN
import Searchers
import Testing
import TestFixtures

@Suite struct RecipeSearcherTests {
    /// INC's own example recipe on BERT returns the 4 linears of every layer.
    @Test func incExampleRecipeOnBertReturnsFourLinearsPerLayer() throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model("bert"))
        let model = try Architectures.build(config: checkpoint.config, parameterNames: checkpoint.tensorNames)
        let recipe = ["BertAttention": ["self.query", "self.key", "self.value", "output.dense"]]
        let groups = try RecipeSearcher(model: model, recipe: recipe).search()
        let layers = model.namedModules().filter { $0.module.typeName == "BertLayer" }.map(\.path)
        #expect(groups.count == layers.count)
        for (group, layer) in zip(groups, layers) {
            #expect(group.map(\.path) == ["self.query", "self.key", "self.value", "output.dense"].map { "\(layer).attention.\($0)" })
            #expect(group.allSatisfy { $0.module is Linear })
        }
    }

    @Test func recipePathThatDoesNotExistIsAnErrorNamingIt() throws {
        let checkpoint = try Checkpoint(directory: Fixtures.model("bert"))
        let model = try Architectures.build(config: checkpoint.config, parameterNames: checkpoint.tensorNames)
        #expect { try RecipeSearcher(model: model, recipe: ["BertAttention": ["self.quary"]]).search() } throws: { error in
            error.localizedDescription.contains("quary")
        }
    }
}
