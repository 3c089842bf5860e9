import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import InferenceCore

/// Turns every error a route throws into the JSON error body with the right status, so that no
/// client ever sees Hummingbird's plain-text errors or a dropped connection. Each protocol's
/// routes answer in that protocol's own form: KServe's on `/v2…` (`KServeError`), DeepStack's on
/// `/v1/…` (`DeepStackError`), DOODS's on `/detectors`, `/detect` and `/image` (`DOODSError`),
/// the native one everywhere else. Failures of the service itself (5xx) are logged at `error`;
/// a request given up because its client went away never gets here (`DisconnectMiddleware`).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes, to answer a known path asked with another method 405 instead of 404.
    var routes = RouteTable()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as DeepStackError {
            log(error.status, error.message, request, context)
            return try error.response(from: request, context: context)
        } catch let error as DOODSError {
            log(error.status, error.message, request, context)
            return try error.response(from: request, context: context)
        } catch {
            var apiError = Self.apiError(for: error, request: request)
            if apiError.status == .notFound, (error as? HTTPError)?.status == .notFound {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    apiError = APIError(
                        .methodNotAllowed, "method_not_allowed",
                        "\(request.method) is not allowed on \(request.uri.path); use \(allowed.joined(separator: ", "))")
                    apiError.headers[.allow] = allowed.joined(separator: ", ")
                }
            }
            log(apiError.status, "\(apiError)", request, context)
            let path = request.uri.path
            if KServeError.applies(to: path) {
                return try KServeError.response(for: apiError)
            }
            if DeepStackError.applies(to: path) {
                return try DeepStackError(apiError).response(from: request, context: context)
            }
            if DOODSError.applies(to: path) {
                return try DOODSError(apiError).response(from: request, context: context)
            }
            return try apiError.response(from: request, context: context)
        }
    }

    /// Logs a failure of the service itself; a request that was cancelled is not one.
    private func log(_ status: HTTPResponse.Status, _ message: String, _ request: Request, _ context: Context) {
        guard status.code >= 500, !Task.isCancelled else { return }
        context.logger.error(
            "request failed", metadata: ["error": "\(message)", "status": "\(status.code)", "path": "\(request.uri.path)"])
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
                return APIError(
                    .notFound, "not_found", "no route \(request.method) \(request.uri.path); see \(docs(for: request.uri.path))")
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

    /// The page that lists a path's API.
    static func docs(for path: String) -> String {
        if KServeError.applies(to: path) { return "docs/kserve.md" }
        if DeepStackError.applies(to: path) { return "docs/integrations.md" }
        return "docs/api.md"
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
