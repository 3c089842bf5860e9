/// A tensor's name, element type and shape. In a model's signature, dynamic dimensions are -1.
public struct TensorSpec: Sendable, Equatable, Codable {
    public var name: String
    public var dtype: ElementType
    public var shape: [Int]

    public init(name: String, dtype: ElementType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Number of elements of a concrete shape.
    public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }
}

/// A concrete tensor: raw little-endian elements in row-major order.
public struct Tensor: Sendable, Equatable {
    public var name: String
    public var dtype: ElementType
    public var shape: [Int]
    public var data: [UInt8]

    public init(name: String, dtype: ElementType, shape: [Int], data: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    public var spec: TensorSpec { TensorSpec(name: name, dtype: dtype, shape: shape) }
}
