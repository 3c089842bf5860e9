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

    /// Number of elements of a concrete shape the service made or checked (a model's outputs).
    /// Shapes from clients go through `checkedElementCount` or `checkedByteCount`.
    public static func elementCount(_ shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    /// Number of elements of a shape from a client: nil when a dimension is negative or the
    /// product overflows.
    public static func checkedElementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Bytes of a tensor of `shape` and `dtype` from a client: nil when a dimension is negative
    /// or the size overflows.
    public static func checkedByteCount(_ shape: [Int], dtype: ElementType) -> Int? {
        guard let count = checkedElementCount(shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : bytes
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
