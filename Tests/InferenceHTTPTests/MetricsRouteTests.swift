import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InferenceHTTP
import NIOCore
import TestSupport
import Testing

@Suite("Metrics, status and request ids over HTTP", .timeLimit(.minutes(1)))
struct MetricsRouteTests {
    static let requestID = HTTPField.Name("X-Request-Id")!

    func scrape(_ client: any TestClientProtocol, headers: HTTPFields = [:]) async throws -> PrometheusText {
        try await client.execute(uri: "/metrics", method: .get, headers: headers) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            return try PrometheusText(String(buffer: response.body))
        }
    }

    @Test("requests count by model, route, method and code; the stage histograms fill their sub-millisecond buckets")
    func requestsCounted() async throws {
        let app = try await TestService(metrics: true).application
        try await app.test(.router) { client in
            #expect(try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"]).0 == .created)
            for _ in 0..<3 {
                #expect(try await client.json(.post, "/inference", ["model_id": "aff", "input_data": base64([1, 2, 3])]).0 == .ok)
            }
            #expect(
                try await client.json(.post, "/inference", ["model_id": "aff", "input_data": base64([1, 2])]).0 == .unprocessableContent)
            #expect(try await client.json(.post, "/inference", ["model_id": "made-up", "input_data": base64([1, 2, 3])]).0 == .notFound)
            #expect(try await client.json(.get, "/no/such/route").0 == .notFound)
            let metrics = try await scrape(client)
            let route = ["route": "/inference", "method": "POST"]
            #expect(metrics.value("hailo8_http_requests_total", route.merging(["model": "aff", "code": "200"]) { $1 }) == 3)
            #expect(metrics.value("hailo8_http_requests_total", route.merging(["model": "aff", "code": "422"]) { $1 }) == 1)
            // A model id that is not loaded never becomes a label value.
            #expect(metrics.value("hailo8_http_requests_total", route.merging(["model": "", "code": "404"]) { $1 }) == 1)
            #expect(metrics.all("hailo8_http_requests_total", ["model": "made-up"]).isEmpty)
            #expect(metrics.value("hailo8_http_requests_total", ["route": "unmatched", "code": "404"]) == 1)
            #expect(metrics.value("hailo8_http_requests_total", ["route": "/models/load", "model": "", "code": "201"]) == 1)
            #expect(metrics.types["hailo8_http_requests_total"] == "counter")
            #expect(metrics.value("hailo8_http_request_duration_seconds_count", route.merging(["model": "aff"]) { $1 }) == 4)
            let inference = metrics.all("hailo8_stage_duration_seconds_bucket", ["model": "aff", "stage": "inference"])
            let bounds = inference.compactMap { $0.labels["le"] }.compactMap(Double.init)
            #expect(bounds.contains(0.00005) && bounds.contains(0.0005) && bounds.contains(10))
            #expect(metrics.value("hailo8_stage_duration_seconds_count", ["model": "aff", "stage": "total"]) == 3)
        }
    }

    @Test("image requests fill the decode, preprocess and postprocess stages")
    func imageStages() async throws {
        let app = try await TestService(maxBodySize: 8 << 20, withDemoModel: true, metrics: true).application
        try await app.test(.router) { client in
            #expect(try await client.json(.post, "/models/load", ["model_path": "demo.onnx", "model_id": "demo"]).0 == .created)
            let (form, boundary) = multipart(["image": try TestEnvironment.image("small-320.jpg")])
            let status = try await client.execute(
                uri: "/v1/vision/detection", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(bytes: form)
            ) { $0.status }
            #expect(status == .ok)
            let metrics = try await scrape(client)
            for stage in ["decode", "preprocess", "inference", "postprocess"] {
                #expect(metrics.value("hailo8_stage_duration_seconds_count", ["model": "demo", "stage": stage]) == 1, "\(stage)")
            }
            #expect(metrics.value("hailo8_http_requests_total", ["route": "/v1/vision/detection", "model": "demo", "code": "200"]) == 1)
        }
    }

    @Test("a sane X-Request-Id is echoed; others are replaced; every answer carries one, errors included")
    func requestIDs() async throws {
        let app = try await TestService(apiKeys: ["k"], metrics: true).application
        try await app.test(.router) { client in
            let given = "3f2c9a1e-trace.7:42"
            try await client.execute(uri: "/health", method: .get, headers: [Self.requestID: given]) { response in
                #expect(response.headers[Self.requestID] == given)
            }
            for bad in [String(repeating: "a", count: 129), "two words", "quote\"d"] {
                try await client.execute(uri: "/health", method: .get, headers: [Self.requestID: bad]) { response in
                    let id = response.headers[Self.requestID] ?? ""
                    #expect(!id.isEmpty && id != bad)
                }
            }
            var ids = Set<String>()
            for uri in ["/models", "/no/such/route", "/metrics"] {  // 401 without the key, 404 with it
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized)
                    ids.insert(response.headers[Self.requestID] ?? "")
                }
            }
            #expect(ids.count == 3 && !ids.contains(""))
            try await client.execute(uri: "/models/nope", method: .get, headers: [.authorization: "Bearer k", Self.requestID: "abc"]) {
                response in
                #expect(response.status == .notFound)
                #expect(response.headers[Self.requestID] == "abc")
            }
        }
    }

    @Test("/metrics needs the API key when keys are set; Prometheus sends it as a bearer token")
    func metricsAuthorization() async throws {
        let app = try await TestService(apiKeys: ["k"], metrics: true).application
        try await app.test(.router) { client in
            #expect(try await client.json(.get, "/metrics").0 == .unauthorized)
            let metrics = try await scrape(client, headers: [.authorization: "Bearer k"])
            #expect(metrics.value("hailo8_http_requests_total", ["route": "/metrics", "code": "401"]) == 1)
            #expect(metrics.value("hailo8_tasks_capacity") == 16)
        }
    }

    @Test("without a metrics registry there is no /metrics route")
    func noRegistry() async throws {
        let app = try await TestService().application
        try await app.test(.router) { client in
            let (status, body) = try await client.json(.get, "/metrics")
            #expect(status == .notFound && errorCode(body) == "not_found")
        }
    }

    @Test("/status shows each model's last minute: requests, rate and percentiles; and the devices")
    func statusLastMinute() async throws {
        let app = try await TestService(metrics: true).application
        try await app.test(.router) { client in
            #expect(try await client.json(.post, "/models/load", ["model_path": "affine.onnx", "model_id": "aff"]).0 == .created)
            for _ in 0..<4 {
                #expect(try await client.json(.post, "/inference", ["model_id": "aff", "input_data": base64([1, 2, 3])]).0 == .ok)
            }
            let (status, body) = try await client.json(.get, "/status")
            #expect(status == .ok)
            let model = try #require((body["models"] as? [[String: Any]])?.first)
            let minute = try #require(model["last_minute"] as? [String: Any])
            #expect(minute["requests"] as? Int == 4 && minute["failed"] as? Int == 0)
            #expect((minute["requests_per_second"] as? Double ?? 0) > 0)
            let latency = minute["latency_ms"] as? [String: Double] ?? [:]
            #expect(latency["p50"] != nil && latency["p99"] != nil)
            #expect((latency["p50"] ?? 0) <= (latency["p99"] ?? 0))
            let devices = body["devices"] as? [[String: Any]] ?? []
            #expect(devices.first?["id"] as? String == "cpu" && devices.first?["state"] as? String == "ready")
        }
    }
}
