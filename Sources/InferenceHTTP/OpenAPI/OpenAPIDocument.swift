/// The OpenAPI 3.1 document served at `GET /openapi.yaml`: `openapi.yaml` beside this file,
/// compiled into the binary. Kept by hand beside the routes: OpenAPITests checks that it lists
/// exactly the router's routes, and tests/integration/test_openapi.py that the live service's
/// answers match its schemas.
enum OpenAPIDocument {
    static let yaml = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
}
