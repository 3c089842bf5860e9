import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the OpenAPI 3.1 document of every route (`OpenAPIDocument.yaml`).
/// tests/integration/test_openapi.py checks the live service's answers against it.
struct OpenAPIController {
    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("/openapi.yaml", use: document)
    }

    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }
}
