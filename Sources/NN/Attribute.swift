/// What a module attribute may hold: a child module, a parameter, or an optional one of either
/// (a pooler or a bias a config may leave out).
public protocol AttributeValue {
    /// Registers the value in `owner` under `key` (nothing for nil).
    func register(as key: String, in owner: Module)
}

extension Module: AttributeValue {
    public func register(as key: String, in owner: Module) {
        owner.register(key, self)
    }
}

extension Parameter: AttributeValue {
    public func register(as key: String, in owner: Module) {
        owner.register(parameter: key, self)
    }
}

extension Optional: AttributeValue where Wrapped: AttributeValue {
    public func register(as key: String, in owner: Module) {
        self?.register(as: key, in: owner)
    }
}

/// A child module declared once with its Hugging Face key, as mlx-swift's
/// `@ModuleInfo(key: "q_proj") var qProj: Linear`.
public typealias ModuleInfo<Value: AttributeValue> = Attribute<Value>

/// A parameter declared once with its Hugging Face key: `@ParameterInfo(key: "weight") var weight: Parameter`.
public typealias ParameterInfo<Value: AttributeValue> = Attribute<Value>

/// An attribute of a `Module` (a child or a parameter) declared once with its key. Assigning the
/// property (once, after `super.init`) registers the value under `key` in the enclosing module,
/// so children and parameters enumerate in assignment order, as `nn.Module.__setattr__` registers
/// them; assigning nil registers nothing.
@propertyWrapper
public struct Attribute<Value: AttributeValue> {
    public let key: String
    @usableFromInline var value: Value?

    public init(key: String) {
        self.key = key
    }

    @available(*, unavailable, message: "@ModuleInfo and @ParameterInfo are for properties of a Module")
    public var wrappedValue: Value {
        get { fatalError() }
        set { fatalError() }
    }

    @inlinable
    public static subscript<Owner: Module>(_enclosingInstance owner: Owner, wrapped wrapped: ReferenceWritableKeyPath<Owner, Value>,
                                          storage storage: ReferenceWritableKeyPath<Owner, Self>) -> Value {
        get {
            guard let value = owner[keyPath: storage].value else {
                preconditionFailure("\(owner.typeName).\(owner[keyPath: storage].key) is read before it is assigned")
            }
            return value
        }
        set {
            owner[keyPath: storage].value = newValue
            newValue.register(as: owner[keyPath: storage].key, in: owner)
        }
    }
}
