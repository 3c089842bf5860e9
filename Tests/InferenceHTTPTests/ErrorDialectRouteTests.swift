import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InferenceCore
import Logging
import NIOCore
import Synchronization
import Testing

@testable import InferenceHTTP

/// Every API answers its errors in its own form, whichever layer fails the request: the API key
/// check and the body limit (before any route runs), the routing itself (unknown paths, wrong
/// methods) and the route's handler. Each answer is compared whole: status, body and the headers
/// that go with errors.
@Suite("Error forms by API", .timeLimit(.minutes(1)))
struct ErrorDialectRouteTests {
    struct Case: CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var headers: HTTPFields = [:]
        var body: ByteBuffer?
        var status: HTTPResponse.Status
        /// `WWW-Authenticate`, `Allow`, `Connection` and `Retry-After` as they must be (absent when not given).
        var answerHeaders: [String: String] = [:]
        var json: String

        var description: String { "\(method) \(path)" }
    }

    static let key: HTTPFields = [HTTPField.Name("X-API-Key")!: "secret"]
    static let tooLarge: HTTPFields = [.contentType: "application/json", .contentLength: "10000000000"]
    static let headerHint = "a valid API key is required: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
    static let doodsHint = "a valid API key is required: send it in a 'doods-auth-key' header"
    static let formHint =
        "a valid API key is required: send it as the 'api_key' form field (before the image) or an 'X-API-Key' header"
    static let limit = "the request body of 10000000000 bytes is larger than the service's limit of 1024 bytes (--max-body-size)"

    static let cases: [Case] = [
        // The API key check, on routes of each API and on paths no route takes.
        Case(
            method: .get, path: "/models", status: .unauthorized, answerHeaders: ["WWW-Authenticate": "Bearer"],
            json: #"{"error": {"code": "unauthorized", "message": "\#(headerHint)"}}"#),
        Case(
            method: .get, path: "/v2/models/aff", status: .unauthorized, answerHeaders: ["WWW-Authenticate": "Bearer"],
            json: #"{"error": "\#(headerHint)"}"#),
        Case(
            method: .get, path: "/v1/status/system-status", status: .unauthorized, answerHeaders: ["WWW-Authenticate": "Bearer"],
            json: #"{"success": false, "error": "\#(headerHint)", "code": 401}"#),
        Case(
            method: .post, path: "/v1/vision/detection", status: .unauthorized,
            json: #"{"success": false, "error": "\#(formHint)", "code": 401}"#),
        Case(
            method: .post, path: "/detect", status: .unauthorized, answerHeaders: ["WWW-Authenticate": "Bearer"],
            json: #"{"detections": [], "error": "\#(doodsHint)"}"#),
        Case(
            method: .get, path: "/no/such", status: .unauthorized, answerHeaders: ["WWW-Authenticate": "Bearer"],
            json: #"{"error": {"code": "unauthorized", "message": "\#(headerHint)"}}"#),
        Case(
            method: .get, path: "/v2/no/such", status: .unauthorized, answerHeaders: ["WWW-Authenticate": "Bearer"],
            json: #"{"error": "\#(headerHint)"}"#),
        Case(
            method: .post, path: "/v1/vision/face", status: .unauthorized,
            json: #"{"success": false, "error": "\#(formHint)", "code": 401}"#),
        Case(
            method: .get, path: "/detect", status: .unauthorized, answerHeaders: ["WWW-Authenticate": "Bearer"],
            json: #"{"detections": [], "error": "\#(doodsHint)"}"#),
        // Unknown paths.
        Case(
            method: .get, path: "/no/such", headers: key, status: .notFound,
            json: #"{"error": {"code": "not_found", "message": "no route GET /no/such; see docs/api.md"}}"#),
        Case(
            method: .get, path: "/v2/no/such", headers: key, status: .notFound,
            json: #"{"error": "no route GET /v2/no/such; see docs/kserve.md"}"#),
        Case(
            method: .get, path: "/v1/no/such", headers: key, status: .notFound,
            json: #"{"success": false, "error": "no route GET /v1/no/such; see docs/integrations.md", "code": 404}"#),
        Case(
            method: .get, path: "/v1", headers: key, status: .notFound,
            json: #"{"success": false, "error": "no route GET /v1; see docs/integrations.md", "code": 404}"#),
        // Known paths asked with another method.
        Case(
            method: .post, path: "/v1/server/status/ping", status: .methodNotAllowed, answerHeaders: ["Allow": "GET"],
            json: #"{"success": false, "error": "POST is not allowed on /v1/server/status/ping; use GET", "code": 405}"#),
        Case(
            method: .put, path: "/models", headers: key, status: .methodNotAllowed, answerHeaders: ["Allow": "GET"],
            json: #"{"error": {"code": "method_not_allowed", "message": "PUT is not allowed on /models; use GET"}}"#),
        Case(
            method: .delete, path: "/v2/models/aff/infer", headers: key, status: .methodNotAllowed, answerHeaders: ["Allow": "POST"],
            json: #"{"error": "DELETE is not allowed on /v2/models/aff/infer; use POST"}"#),
        Case(
            method: .get, path: "/v1/vision/detection", headers: key, status: .methodNotAllowed, answerHeaders: ["Allow": "POST"],
            json: #"{"success": false, "error": "GET is not allowed on /v1/vision/detection; use POST", "code": 405}"#),
        Case(
            method: .get, path: "/detect", headers: key, status: .methodNotAllowed, answerHeaders: ["Allow": "POST"],
            json: #"{"detections": [], "error": "GET is not allowed on /detect; use POST"}"#),
        // The body limit, which comes before the key.
        Case(
            method: .post, path: "/inference", headers: tooLarge, status: .contentTooLarge, answerHeaders: ["Connection": "close"],
            json: #"{"error": {"code": "payload_too_large", "message": "\#(limit)"}}"#),
        Case(
            method: .post, path: "/v2/models/aff/infer", headers: tooLarge, status: .contentTooLarge,
            answerHeaders: ["Connection": "close"], json: #"{"error": "\#(limit)"}"#),
        Case(
            method: .post, path: "/v1/vision/detection", headers: tooLarge, status: .contentTooLarge,
            answerHeaders: ["Connection": "close"], json: #"{"success": false, "error": "\#(limit)", "code": 413}"#),
        Case(
            method: .post, path: "/detect", headers: tooLarge, status: .contentTooLarge, answerHeaders: ["Connection": "close"],
            json: #"{"detections": [], "error": "\#(limit)"}"#),
        Case(
            method: .post, path: "/v2/no/such", headers: tooLarge, status: .contentTooLarge, answerHeaders: ["Connection": "close"],
            json: #"{"error": "\#(limit)"}"#),
        // The routes' own errors.
        Case(
            method: .get, path: "/models/nope", headers: key, status: .notFound,
            json: #"{"error": {"code": "model_not_found", "message": "no model with id 'nope' is loaded"}}"#),
        Case(
            method: .get, path: "/v2/models/nope", headers: key, status: .notFound,
            json:
                #"{"error": "model 'nope' is not loaded: load it with POST /v2/repository/models/nope/load (POST /v2/repository/index lists the models)"}"#
        ),
        Case(
            method: .post, path: "/v1/vision/custom/nope",
            headers: key + [.contentType: "multipart/form-data; boundary=b"],
            body: ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nx\r\n--b--\r\n"), status: .ok,
            json: #"{"success": false, "error": "no model with id 'nope' is loaded", "code": 404, "predictions": [], "count": 0}"#),
        Case(
            method: .post, path: "/detect", headers: key + [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"id": "t1", "detector_name": "nope", "data": ""}"#), status: .badRequest,
            json: #"{"id": "t1", "detections": [], "error": "unknown detector name: nope (the detectors are none; GET /detectors)"}"#),
    ]

    @Test("the API key check, the body limit, routing and the routes answer in the form of the API asked for")
    func dialects() async throws {
        let app = try await TestService(apiKeys: ["secret"], maxBodySize: 1024).application
        try await app.test(.router) { client in
            for expected in Self.cases {
                try await client.execute(uri: expected.path, method: expected.method, headers: expected.headers, body: expected.body) {
                    response in
                    #expect(response.status == expected.status, "\(expected)")
                    let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? NSDictionary
                    let wanted = try JSONSerialization.jsonObject(with: Data(expected.json.utf8)) as? NSDictionary
                    #expect(body == wanted, "\(expected): \(String(buffer: response.body))")
                    for name in ["WWW-Authenticate", "Allow", "Connection", "Retry-After"] {
                        #expect(response.headers[HTTPField.Name(name)!] == expected.answerHeaders[name], "\(expected): \(name)")
                    }
                }
            }
        }
    }

    @Test("a request passes the body limit once, in its group or, when no route takes it, in the fallback")
    func bodyLimitOnce() async throws {
        let test = try await TestService(maxBodySize: 1024)
        var configuration = test.configuration
        configuration.maxBodyBytesInFlight = 1024  // a body reserved twice would not fit
        let app = buildApplication(service: test.service, configuration: configuration, logger: Logger(label: "test"))
        let body = ByteBuffer(string: #"{"model_id": "nope", "input_data": "\#(String(repeating: "A", count: 960))"}"#)
        try await app.test(.router) { client in
            for (path, status) in [
                ("/inference", HTTPResponse.Status.notFound), ("/v2/models/nope/infer", .notFound), ("/no/such", .notFound),
            ] {
                let answer = try await client.execute(
                    uri: path, method: .post, headers: [.contentType: "application/json", .contentLength: "\(body.readableBytes)"],
                    body: body
                ) { $0.status }
                #expect(answer == status, "\(path)")
            }
        }
    }

    struct RuntimeFailure: Error, CustomStringConvertible {
        var description: String { "runtime failure 42" }
    }

    @Test("a failure of the service is logged with the runtime error behind it as cause; the client sees the message")
    func causeLogged() async throws {
        let lines = LogLines()
        let router = Router(context: AppRequestContext.self)
        router.group().add(middleware: ErrorMiddleware(.kServe))
            .get("/v2/fail") { _, _ -> Response in
                throw InferenceError(.internal, .inferenceFailed, "the run failed", cause: RuntimeFailure())
            }
        let app = Application(router: router, logger: Logger(label: "test") { _ in LogLines.Handler(lines: lines) })
        try await app.test(.router) { client in
            try await client.execute(uri: "/v2/fail", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(String(buffer: response.body) == #"{"error":"the run failed"}"#)
            }
        }
        let failed = try #require(lines.all.first { $0.message == "request failed" })
        #expect(failed.metadata["error"] == "500 inference_failed: the run failed")
        #expect(failed.metadata["cause"] == "runtime failure 42", "\(failed.metadata)")
    }
}

/// The lines a logger was given, with their metadata.
final class LogLines: Sendable {
    private let lines = Mutex<[(message: String, metadata: Logger.Metadata)]>([])

    var all: [(message: String, metadata: Logger.Metadata)] { lines.withLock { $0 } }

    struct Handler: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            lines.lines.withLock { $0.append(("\(event.message)", all)) }
        }
    }
}

extension HTTPFields {
    fileprivate static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        fields.append(contentsOf: rhs)
        return fields
    }
}
