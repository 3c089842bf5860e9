/// The `data` of an input in the JSON header, as `KServeInferHeader` found it: already read into
/// the tensor's bytes when the input's `datatype` came before it (as every Triton client writes
/// it), else the span of JSON text, read once the datatype is known.
enum JSONTensorData: Sendable {
    /// Little-endian elements of a numeric datatype, or the elements of a `BYTES` tensor.
    case read(count: Int, bytes: [UInt8], strings: [[UInt8]])
    /// The `data` value's JSON text.
    case pending(ArraySlice<UInt8>)

    /// The elements read from `sink`.
    init(_ sink: TensorElementSink) {
        self = .read(count: sink.count, bytes: sink.bytes, strings: sink.strings)
    }

    /// Reads the data as elements of `datatype` (when it is still pending). Errors name `input`.
    func elements(as datatype: KServeDatatype, input: String) throws(APIError) -> (count: Int, bytes: [UInt8], strings: [[UInt8]]) {
        switch self {
        case .read(let count, let bytes, let strings):
            return (count, bytes, strings)
        case .pending(let text):
            let sink = try text.withUnsafeBufferPointer { (buffer) throws(APIError) -> TensorElementSink in
                var reader = JSONTensorReader(buffer)
                var sink = TensorElementSink(datatype)
                do throws(JSONTensorReader.Failure) {
                    try reader.readTensorData(into: &sink)
                } catch {
                    throw Self.apiError(error, input: input)
                }
                return sink
            }
            return (sink.count, sink.bytes, sink.strings)
        }
    }

    /// The 400 for a failure reading `input`'s data.
    static func apiError(_ failure: JSONTensorReader.Failure, input: String) -> APIError {
        switch failure {
        case .syntax(let error):
            APIError.badRequest("malformed JSON in the 'data' of input '\(input)': \(error.message)", code: "invalid_json")
        case .value(let error):
            APIError.badRequest("input '\(input)': \(error.message)", code: "invalid_data")
        }
    }
}
