/// `torch.nn.ModuleList`: children named `0`, `1`, ... in order.
public final class ModuleList<Element: Module>: Module {
    public let items: [Element]

    public init(_ items: [Element]) {
        self.items = items
        super.init(typeName: "ModuleList")
        for (index, item) in items.enumerated() { register(String(index), item) }
    }
}
