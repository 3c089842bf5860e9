import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import InferenceCore

/// Turns every error a request's handling throws into the JSON error body with the right status,
/// so that no client ever sees Hummingbird's plain-text errors or a dropped connection, in the
/// form of the API the request is for (`ErrorDialect`).
///
/// Each API's routes are a router group (`buildRouter`) whose first middleware is this one with
/// the API's dialect, followed by the middlewares every request goes through (body limit,
/// disconnect, client, API key), so that their refusals too are answered in the group's form.
/// A request no route takes enters no group: the same middlewares are added to the router after
/// the last route, where Hummingbird applies them to its not-found responder only, behind this
/// middleware without a dialect (`init(unrouted:)`). That fallback answers an unknown path 404
/// and a known one asked with another method 405 with `Allow`, and picks the form by the path's
/// prefix (`ErrorDialect(unroutedPath:)`), as there is no route to go by.
///
/// Failures of the service itself (5xx) are logged at `error`, with the runtime error behind an
/// `InferenceError` as `cause`; a request given up because its client went away never gets here
/// (`DisconnectMiddleware`).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The form of the group's API; nil in the fallback for requests no route took.
    let dialect: ErrorDialect?
    /// The routes, for the fallback to answer a known path asked with another method 405.
    let routes: RouteTable?

    /// The error middleware of a group of routes that answer in `dialect`.
    init(_ dialect: ErrorDialect) {
        self.dialect = dialect
        routes = nil
    }

    /// The fallback for requests no route takes.
    init(unrouted routes: RouteTable) {
        dialect = nil
        self.routes = routes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as DeepStackError {
            log(error.status, error.message, cause: error.cause, request, context)
            return try error.response(from: request, context: context)
        } catch let error as DOODSError {
            log(error.status, error.message, cause: error.cause, request, context)
            return try error.response(from: request, context: context)
        } catch {
            var apiError = Self.apiError(for: error, request: request)
            if let routes, apiError.status == .notFound, (error as? HTTPError)?.status == .notFound {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    apiError = APIError(
                        .methodNotAllowed, "method_not_allowed",
                        "\(request.method) is not allowed on \(request.uri.path); use \(allowed.joined(separator: ", "))")
                    apiError.headers[.allow] = allowed.joined(separator: ", ")
                }
            }
            log(apiError.status, "\(apiError)", cause: Self.cause(of: error), request, context)
            switch dialect ?? ErrorDialect(unroutedPath: request.uri.path) {
            case .native: return try apiError.response(from: request, context: context)
            case .kServe: return try KServeError.response(for: apiError)
            case .deepStack: return try DeepStackError(apiError).response(from: request, context: context)
            case .doods: return try DOODSError(apiError).response(from: request, context: context)
            }
        }
    }

    /// Logs a failure of the service itself; a request that was cancelled is not one.
    private func log(_ status: HTTPResponse.Status, _ message: String, cause: (any Error)?, _ request: Request, _ context: Context) {
        guard status.code >= 500, !Task.isCancelled else { return }
        var metadata: Logger.Metadata = ["error": "\(message)", "status": "\(status.code)", "path": "\(request.uri.path)"]
        if let cause { metadata["cause"] = "\(String(reflecting: cause))" }
        context.logger.error("request failed", metadata: metadata)
    }

    /// The runtime or library error behind `error`, when it is an `InferenceError` that wraps one.
    static func cause(of error: any Error) -> (any Error)? {
        (error as? InferenceError)?.cause
    }

    static func apiError(for error: any Error, request: Request) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as InferenceError:
            return APIError(error)
        case is NIOTooManyBytesError:
            return tooLarge
        case let error as HTTPParserError:
            // The head was fine but the body broke the protocol (a bad chunk size): the client's
            // fault, and the connection cannot go on.
            var apiError = APIError.badRequest("the request is not valid HTTP/1.1: \(error)", code: "invalid_http")
            apiError.headers[.connection] = "close"
            return apiError
        case let error as DecodingError:
            return APIError.badRequest("the JSON body does not match the API: \(describe(error))", code: "invalid_json")
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                let docs = ErrorDialect(unroutedPath: request.uri.path).docs
                return APIError(.notFound, "not_found", "no route \(request.method) \(request.uri.path); see \(docs)")
            case .contentTooLarge:
                return tooLarge
            case .methodNotAllowed:
                return APIError(.methodNotAllowed, "method_not_allowed", "\(request.method) is not allowed on \(request.uri.path)")
            default:
                return APIError(error.status, "http_error", error.body ?? error.status.reasonPhrase)
            }
        default:
            return APIError(.internalServerError, "internal_error", "\(error)")
        }
    }

    static var tooLarge: APIError {
        APIError(.contentTooLarge, "payload_too_large", "the request body is larger than the service's limit (--max-body-size)")
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : " at '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .dataCorrupted(let context): return "malformed JSON\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context)): \(context.debugDescription)"
        case .valueNotFound(_, let context): return "missing value\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
