import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InferenceCore
import InferenceHTTP
import InferenceVision
import Logging
import Metrics
import NIOCore
import ONNXBackend
import Prometheus
import TestSupport
import Testing

/// A complete service over the real ONNX backend, with the test models copied into a fresh
/// models root.
struct TestService {
    static let backend = ONNXBackend(
        configuration: .init(libraryPath: TestEnvironment.libraryPath, intraOpThreads: 1, inferenceThreads: 2),
        logger: Logger(label: "test"))
    let service: InferenceService
    let configuration: HTTPConfiguration
    let models: URL
    /// The registry of the service's own metrics factory, with `metrics: true`.
    let prometheus: PrometheusCollectorRegistry?
    /// Makes each model's vision plan when it loads, as `serve`'s does.
    let planner = VisionPlanner()

    init(
        apiKeys: Set<String> = [], maxBodySize: Int = 1 << 20, withDemoModel: Bool = false, deepStackModel: String? = nil,
        metrics: Bool = false, resources: ResourceMonitor = ResourceMonitor(), node: NodeName = .host
    ) async throws {
        let base = try TestEnvironment.temporaryDirectory()
        models = base.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        for name in ["affine.onnx", "two_inputs.onnx", "types.onnx", "slow.onnx", "bad.onnx"] {
            try FileManager.default.copyItem(atPath: try TestEnvironment.model(name), toPath: models.appendingPathComponent(name).path)
        }
        if withDemoModel {
            try FileManager.default.copyItem(
                atPath: try TestEnvironment.demoModel(), toPath: models.appendingPathComponent("demo.onnx").path)
        }
        var settings = CoreAssembly.Settings(modelsDirectory: models, dataDirectory: base.appendingPathComponent("data"))
        (settings.planner, settings.taskCapacity, settings.taskTimeToLive) = (planner, 16, .seconds(60))
        (settings.node, settings.resources) = (node, resources)
        let prometheus = metrics ? PrometheusCollectorRegistry() : nil
        // The service keeps the factory current when it is made: this test's own, or the no-op one.
        var factory: any MetricsFactory = NOOPMetricsHandler.instance
        if let prometheus { factory = PrometheusExport.factory(registry: prometheus) }
        service = await withMetricsFactory(factory) {
            await CoreAssembly.make(backends: [Self.backend], settings: settings, logger: Logger(label: "test")).service
        }
        self.prometheus = prometheus
        configuration = HTTPConfiguration(
            host: "127.0.0.1", port: 0, maxBodySize: maxBodySize, apiKeys: apiKeys, deepStackModel: deepStackModel)
    }

    var application: some ApplicationProtocol {
        buildApplication(service: service, configuration: configuration, metrics: prometheus, logger: Logger(label: "test"))
    }
}

extension Optional<TestService> {
    /// The service given, or a new one.
    func orMake(_ make: () async throws -> TestService) async throws -> TestService {
        if let self { return self }
        return try await make()
    }
}

/// Small helpers for JSON requests and answers.
extension TestClientProtocol {
    @discardableResult
    func json(_ method: HTTPRequest.Method, _ uri: String, _ body: Any? = nil, headers: HTTPFields = [:]) async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        var fields = headers
        var buffer: ByteBuffer?
        if let body {
            fields[.contentType] = fields[.contentType] ?? "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
        }
        return try await execute(uri: uri, method: method, headers: fields, body: buffer) { response in
            let object =
                response.body.readableBytes == 0
                ? [:] : (try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:])
            return (response.status, object)
        }
    }
}

func base64(_ values: [Float]) -> String {
    values.withUnsafeBytes { Data($0).base64EncodedString() }
}

func floats(_ base64: Any?) -> [Float] {
    guard let text = base64 as? String, let data = Data(base64Encoded: text) else { return [] }
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
}

/// The `error.code` of an error answer.
func errorCode(_ body: [String: Any]) -> String? {
    (body["error"] as? [String: Any])?["code"] as? String
}
