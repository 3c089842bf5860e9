import HTTPTypes
import Synchronization

/// The router's routes, for telling "no such route" (404) from "not with this method" (405 with
/// `Allow`). Filled once the routes are added; read by the error middleware.
final class RouteTable: Sendable {
    private let routes = Mutex<[(components: [Substring], method: HTTPRequest.Method)]>([])

    func set(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        self.routes.withLock { $0 = routes.map { (Self.components($0.path), $0.method) } }
    }

    /// The methods the path is routed for, sorted; empty when no route matches it.
    func methods(for path: String) -> [String] {
        let asked = Self.components(path)
        let methods = routes.withLock { routes in
            routes.filter { Self.matches($0.components, asked) }.map(\.method.rawValue)
        }
        return Set(methods).sorted()
    }

    private static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// A template component `{name}` matches any one component.
    private static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        template.count == path.count
            && zip(template, path).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") || $0 == $1 }
    }
}
