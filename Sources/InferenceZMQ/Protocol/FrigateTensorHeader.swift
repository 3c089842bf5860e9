import InferenceVision

/// The header of an inference request: `shape` and `dtype` (numpy's names) of the tensor, and
/// optionally `layout` (`nhwc`, `nchw`, `hwc`, `chw`). Without a layout it is read from the
/// shape: the axes that are not 1 must be `H, W, 3` (Frigate's `nhwc`, and `hwnc`/`hwcn` with one
/// image) or `3, H, W` (`nchw`).
struct FrigateTensorHeader {
    var shape: [Int]
    var scalar: TensorImage.Scalar
    var layout: TensorImage.Layout?

    init(_ header: FrigateHeader) throws(FrigateProtocolError) {
        guard let shape = header.shape, !shape.isEmpty else { throw .malformed("the header has no shape") }
        guard shape.allSatisfy({ $0 > 0 }) else { throw .malformed("shape \(shape) must hold positive integers") }
        self.shape = shape
        guard let dtype = header.dtype else { throw .malformed("the header has no dtype") }
        guard let scalar = TensorImage.Scalar(rawValue: dtype.lowercased()) else {
            throw .malformed("dtype '\(dtype)' is not supported: send uint8 or float32")
        }
        self.scalar = scalar
        if let name = header.layout {
            switch name.lowercased() {
            case "nhwc", "hwc": layout = .hwc
            case "nchw", "chw": layout = .chw
            default: throw .malformed("layout '\(name)' is not supported: nhwc or nchw")
            }
        }
    }

    /// The tensor these bytes make, after checking their count against the shape.
    func tensor(_ bytes: [UInt8]) throws(FrigateProtocolError) -> TensorImage {
        let axes = shape.filter { $0 != 1 }
        guard axes.count == 3 else {
            throw .malformed("shape \(shape) is not one image of 3 channels (H, W, 3 or 3, H, W)")
        }
        let chosen: TensorImage.Layout
        if let layout {
            chosen = layout
        } else if axes[2] == 3 {
            chosen = .hwc
        } else if axes[0] == 3 {
            chosen = .chw
        } else {
            throw .malformed("shape \(shape) has no axis of 3 channels first or last")
        }
        guard chosen == .hwc ? axes[2] == 3 : axes[0] == 3 else {
            throw .malformed("shape \(shape) does not have 3 channels where layout \(chosen.rawValue) puts them")
        }
        let (height, width) = chosen == .hwc ? (axes[0], axes[1]) : (axes[1], axes[2])
        let (count, overflow) = shape.reduce((1, false)) { partial, dimension in
            let product = partial.0.multipliedReportingOverflow(by: dimension)
            return (product.partialValue, partial.1 || product.overflow)
        }
        let expected = count.multipliedReportingOverflow(by: scalar.size)
        guard !overflow, !expected.overflow, bytes.count == expected.partialValue else {
            throw .malformed(
                "a \(scalar.rawValue) tensor of shape \(shape) is \(overflow || expected.overflow ? "too large" : "\(expected.partialValue) bytes"), the tensor frame is \(bytes.count) bytes"
            )
        }
        return TensorImage(layout: chosen, scalar: scalar, width: width, height: height, bytes: bytes)
    }
}
