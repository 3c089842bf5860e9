import Hummingbird
import Testing
import Yams

@testable import InferenceHTTP

@Suite("The OpenAPI document", .timeLimit(.minutes(1)))
struct OpenAPITests {
    @Test("documents exactly the routes the router has, method by method")
    func everyRoute() async throws {
        let test = try await TestService(metrics: true)
        let router = buildRouter(service: test.service, configuration: test.configuration, metrics: test.prometheus)
        let routed = Set(router.routes.map { "\($0.method) \($0.path)" })

        let document = try #require(try Yams.load(yaml: OpenAPIDocument.yaml) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var documented = Set<String>()
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys where methods.contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(routed.subtracting(documented).sorted() == [], "routes missing from the document")
        #expect(documented.subtracting(routed).sorted() == [], "documented routes the router does not have")
    }
}
