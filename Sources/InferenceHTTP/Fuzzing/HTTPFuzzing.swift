import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

/// The fuzz harnesses of the HTTP front end's parsers (`FuzzTargets`): each takes the bytes a
/// client controls, runs them through the code a route runs, and checks that whatever is thrown
/// is answered with a client error (`FuzzOracle`), as `ErrorMiddleware` would answer it.
package enum HTTPFuzzing {
    /// A `multipart/form-data` request: the `Content-Type` value on the first line, the body
    /// after it. The form is parsed whole, as the image, DeepStack and upload routes do, and its
    /// `api_key` read from the start of the body, as `APIKeyMiddleware` does.
    package static func multipart(_ data: [UInt8]) {
        let (line, body) = firstLine(data)
        guard let contentType = line, let boundary = MultipartForm.boundary(contentType: contentType) else { return }
        _ = MultipartForm.completeField("api_key", in: Array(body.prefix(64 << 10)), boundary: boundary)
        expectClientError {
            let form = try MultipartForm(body: body, boundary: boundary)
            _ = form.text("model_id")
            _ = try ModelsController.uploadRequest(form)
        }
    }

    /// A KServe infer request's JSON header, with no binary data.
    package static func kserveJSON(_ data: [UInt8]) {
        infer(body: data, headerLength: nil)
    }

    /// A KServe infer request under the binary tensor data extension: the
    /// `Inference-Header-Content-Length` value on the first line, the body after it (no line
    /// break at all: no such header).
    package static func kserveBinary(_ data: [UInt8]) {
        let (line, body) = firstLine(data)
        infer(body: body, headerLength: line)
    }

    /// The native API's base64 fields (`input_data`, `inputs.*.data`).
    package static func base64(_ data: [UInt8]) {
        expectClientError {
            let bytes = try InferenceBody.base64(String(decoding: data, as: UTF8.self), field: "input_data")
            _ = try ImageRequest.image(bytes, inputType: nil, width: nil as Int?, height: nil)
        }
    }

    /// `POST /inference` as JSON: the tensor request, or the image request it makes and its
    /// image decoded (raw frames too) with the default limits.
    package static func inferenceJSON(_ data: [UInt8]) {
        expectClientError {
            let body = try JSONDecoder().decode(InferenceBody.self, from: Data(data))
            let (image, inputBytes) = try body.imageRequest()
            if let image {
                _ = try ImageDecoder.decode(image.image, limits: ImageLimits())
            } else {
                _ = try body.request(inputBytes: inputBytes)
            }
        }
    }

    /// A DOODS2 detect request (`POST /detect`), up to the image bytes and the filter.
    package static func doods(_ data: [UInt8]) {
        expectClientError {
            let body = try JSONDecoder().decode(DOODSRequest.self, from: Data(data))
            try body.validate()
            _ = try body.wantsImage()
            _ = try body.imageBytes()
            let filter = DOODSFilter(body)
            _ = filter.lowestScore
            let box = DOODSResponse.Box(Box(xMin: 10, yMin: 20, xMax: 30, yMax: 40), width: 100, height: 100)
            _ = filter.keep(label: "person", confidence: 50, box: box)
        }
    }

    static func infer(body: [UInt8], headerLength: String?) {
        expectClientError {
            let split = try BinaryTensorBody(body: body, headerLength: headerLength)
            guard !split.header.isEmpty else { return }
            let decoded = try KServeInferRequest.decode(header: split.header)
            _ = try decoded.coreRequest(modelID: "m", body: split) { input, _ in InputTensor(name: input.name, data: []) }
            _ = decoded.outputs.map { $0.map { decoded.wantsBinary(output: $0.name) } }
        }
    }

    /// The text before the first line feed (a carriage return before it dropped), and the bytes
    /// after it; no line feed: nil and all the bytes.
    static func firstLine(_ data: [UInt8]) -> (String?, [UInt8]) {
        guard let newline = data.firstIndex(of: 0x0A) else { return (nil, data) }
        var line = data[..<newline]
        if line.last == 0x0D { line = line.dropLast() }
        return (String(decoding: line, as: UTF8.self), Array(data[(newline + 1)...]))
    }

    /// Runs `body`; what it throws must be a client error as the routes answer it.
    static func expectClientError(_ body: () throws -> Void) {
        do {
            try body()
        } catch let error as DOODSError {
            FuzzOracle.refused(status: error.status.code, error)
        } catch {
            FuzzOracle.refused(status: ErrorMiddleware<AppRequestContext>.apiError(for: error, request: request).status.code, error)
        }
    }

    /// The request `ErrorMiddleware` is given (only a 404's message reads it).
    private static var request: Request {
        Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/"), body: RequestBody(buffer: ByteBuffer()))
    }
}
