import Foundation

/// An infer request or response body under Triton's binary tensor data extension: a JSON header
/// of `Inference-Header-Content-Length` bytes, then the raw bytes of the binary tensors, one after
/// the other in the order of the tensors in the header, each `binary_data_size` bytes long.
struct BinaryTensorBody: Sendable {
    var header: ArraySlice<UInt8>
    var binary: ArraySlice<UInt8>

    /// Splits `body` by the `Inference-Header-Content-Length` value; without one the whole body
    /// is the JSON header.
    init(body: [UInt8], headerLength: String?) throws(APIError) {
        guard let text = headerLength else {
            header = body[...]
            binary = body[body.endIndex...]
            return
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let length = Int(trimmed), length >= 0 else {
            throw APIError.badRequest("Inference-Header-Content-Length '\(text)' is not a byte count", code: "invalid_header_length")
        }
        guard length <= body.count else {
            throw APIError.badRequest(
                "Inference-Header-Content-Length is \(length) but the body has only \(body.count) bytes", code: "invalid_header_length")
        }
        header = body[..<length]
        binary = body[length...]
    }

    /// Cuts the binary part into consecutive pieces of the given sizes (nil: the tensor has no
    /// binary data). The sizes must account for every byte exactly.
    func slices(sizes: [(name: String, size: Int?)]) throws(APIError) -> [ArraySlice<UInt8>?] {
        var offset = binary.startIndex
        var result: [ArraySlice<UInt8>?] = []
        for (name, size) in sizes {
            guard let size else {
                result.append(nil)
                continue
            }
            guard size >= 0 else {
                throw APIError.badRequest("binary_data_size of '\(name)' is negative", code: "invalid_binary_data")
            }
            guard binary.endIndex - offset >= size else {
                throw APIError.badRequest(
                    "tensor '\(name)' has binary_data_size \(size) but only \(binary.endIndex - offset) bytes of binary data are left "
                        + "(the body holds \(binary.count) bytes after the \(header.count)-byte JSON header)",
                    code: "invalid_binary_data")
            }
            result.append(binary[offset..<(offset + size)])
            offset += size
        }
        guard offset == binary.endIndex else {
            throw APIError.badRequest(
                "\(binary.endIndex - offset) bytes of binary data follow the JSON header that no tensor's binary_data_size accounts for",
                code: "invalid_binary_data")
        }
        return result
    }
}
