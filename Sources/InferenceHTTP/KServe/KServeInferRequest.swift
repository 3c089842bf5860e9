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
        var data: JSONTensorData?

        /// Triton's binary tensor data extension: the input's bytes follow the JSON header.
        var binaryDataSize: Int? {
            get throws(APIError) {
                guard let parameter = parameters?["binary_data_size"] else { return nil }
                guard let size = parameter.intValue, size >= 0, size <= Int64(Int.max) else {
                    throw APIError.badRequest("binary_data_size of input '\(name)' must be a non-negative integer", code: "invalid_binary_data")
                }
                return Int(size)
            }
        }
    }

    struct Output: Decodable, Sendable {
        var name: String
        var parameters: KServeParameters?
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
