import Foundation
import InferenceCore

/// The JSON header of `POST /v2/models/{m}/infer`.
struct KServeInferRequest: Decodable, Sendable {
    var id: String?
    var parameters: KServeParameters?
    var inputs: [Input]
    var outputs: [Output]?

    struct Input: Decodable, Sendable {
        var name: String
        var shape: [Int]
        var datatype: String
        var parameters: KServeParameters?
        /// Set from `KServeInferHeader` (the header `JSONDecoder` reads has `null` in its place).
        var data: JSONTensorData?

        enum CodingKeys: String, CodingKey { case name, shape, datatype, parameters }

        /// The shape is read as JSON numbers of any size, so that a dimension no integer holds
        /// (`1e300`, `2.5`) is refused naming it, not reported as malformed JSON. Negative
        /// dimensions pass here and are refused with the shape as a whole.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            let name = name
            shape = try container.decode([Double].self, forKey: .shape).enumerated().map { index, value in
                if value < 0, let negative = Int(exactly: value) { return negative }
                return try ClientNumber.int(value, field: "inputs.\(name).shape[\(index)]", in: RequestLimits.dimension)
            }
            datatype = try container.decode(String.self, forKey: .datatype)
            parameters = try container.decodeIfPresent(KServeParameters.self, forKey: .parameters)
        }

        /// Triton's binary tensor data extension: the input's bytes follow the JSON header.
        var binaryDataSize: Int? {
            get throws(APIError) {
                guard let parameter = parameters?["binary_data_size"] else { return nil }
                guard let size = parameter.intValue, size >= 0, size <= Int64(Int.max) else {
                    throw APIError.badRequest(
                        "binary_data_size of input '\(name)' must be a non-negative integer", code: "invalid_binary_data")
                }
                return Int(size)
            }
        }
    }

    struct Output: Decodable, Sendable {
        var name: String
        var parameters: KServeParameters?
    }

    /// Decodes a header: its tensor data in one pass (`KServeInferHeader`), the rest with
    /// `JSONDecoder`.
    static func decode(header: ArraySlice<UInt8>) throws -> KServeInferRequest {
        let scanned = try KServeInferHeader(header)
        var request = try JSONDecoder().decode(KServeInferRequest.self, from: Data(scanned.stripped))
        for (index, data) in scanned.data where request.inputs.indices.contains(index) {
            request.inputs[index].data = data
        }
        return request
    }

    /// Whether an output is answered as binary data: its own `binary_data` parameter, else the
    /// request's `binary_data_output`, else JSON.
    func wantsBinary(output name: String) -> Bool {
        if let output = outputs?.first(where: { $0.name == name }), let binary = output.parameters?["binary_data"]?.boolValue {
            return binary
        }
        return parameters?["binary_data_output"]?.boolValue ?? false
    }
}
