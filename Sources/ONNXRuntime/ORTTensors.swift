internal import CONNXRuntime
import Foundation

/// Name, element type and shape of a model input or output. Dynamic dimensions are -1.
public struct ORTTensorInfo: Sendable, Equatable {
    public var name: String
    public var elementType: ORTElementType
    public var shape: [Int64]
    /// Symbolic names of the dimensions ("" where a dimension has none).
    public var symbolicDimensions: [String]
}

/// The model's metadata, custom map included (Ultralytics exports keep `names` and `imgsz` there).
public struct ORTModelMetadata: Sendable, Equatable {
    public var producerName: String
    public var graphName: String
    public var domain: String
    public var description: String
    public var custom: [String: String]
}

/// A tensor handed to `run`: the bytes stay the caller's and must outlive the call.
public struct ORTInputTensor {
    public var name: String
    public var elementType: ORTElementType
    public var shape: [Int64]
    public var data: UnsafeRawBufferPointer

    public init(name: String, elementType: ORTElementType, shape: [Int64], data: UnsafeRawBufferPointer) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
        self.data = data
    }
}

/// An output copied out of ORT's memory.
public struct ORTOutputTensor: Sendable {
    public var name: String
    public var elementType: ORTElementType
    public var shape: [Int64]
    public var data: [UInt8]
}
