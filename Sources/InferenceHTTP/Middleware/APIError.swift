import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
public import InferenceCore

/// An error answered as `{"error": {"code", "message"}}` with its status.
public struct APIError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public init(_ error: InferenceError) {
        self.init(Self.status(of: error.kind), error.code.rawValue, error.message)
        switch error.kind {
        case .resourceExhausted: headers[.retryAfter] = "1"  // queues drain in milliseconds to seconds
        case .unavailable: headers[.retryAfter] = "5"  // a device recovering, a backend starting
        default: break
        }
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// Any error a request's handling threw, as its answer.
    static func from(_ error: any Error) -> APIError {
        error as? APIError ?? (error as? InferenceError).map(APIError.init) ?? APIError.badRequest("\(error)")
    }

    public static func badRequest(_ message: String, code: String = "invalid_request") -> APIError {
        APIError(.badRequest, code, message)
    }

    /// The native API's status for each kind of core error.
    public static func status(of kind: InferenceError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMedia: .unsupportedMediaType
        case .unprocessable: .unprocessableContent
        case .resourceExhausted: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .deadlineExceeded: .gatewayTimeout
        case .internal: .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody.make(["error": APIErrorDetail(code: code, message: message)], status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
