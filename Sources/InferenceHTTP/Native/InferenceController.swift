import Foundation
import HTTPTypes
import Hummingbird
import InferenceCore
import InferenceVision
import NIOCore

/// `/inference`: single and batch inference, synchronous or as tasks.
struct InferenceController {
    let service: InferenceService
    let vision: VisionService
    let maxBodySize: Int

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.post("/inference", use: infer)
        router.post("/inference/batch", use: batch)
        router.get("/inference/{task_id}", use: task)
        router.delete("/inference/{task_id}", use: cancel)
    }

    @Sendable func infer(_ request: Request, context: AppRequestContext) async throws -> Response {
        switch MediaKind(request) {
        case .octetStream, .image:  // straight into the bytes the core takes: one copy
            return try await inferBytes(request, bytes: try await request.collectBytes(limit: maxBodySize))
        default:
            break
        }
        let body = try await request.collectBody(limit: maxBodySize)
        switch MediaKind(request, body: body) {
        case .json:
            let decoded = try JSONBody.decode(InferenceBody.self, from: body)
            let (image, inputBytes) = try decoded.imageRequest()
            if let image { return try await respond(image, request) }
            let inference = try decoded.request(inputBytes: inputBytes)
            let format = decoded.outputFormat ?? .base64
            if decoded.async == true {
                return try accepted(await service.submit(inference, attributes: ["output_format": format.rawValue]))
            }
            return try JSONBody.make(InferenceResponse(try await service.infer(inference), format: format))
        case .octetStream, .image:
            return try await inferBytes(request, bytes: Array(buffer: body))
        case .multipart(let boundary):
            return try await respond(try imageForm(MultipartForm(body: Array(buffer: body), boundary: boundary)), request)
        case .other:
            throw MediaKind.unsupported(
                request.headers[.contentType] ?? "",
                expected: "application/json, multipart/form-data, application/octet-stream, image/jpeg or image/png")
        }
    }

    /// An `application/octet-stream` or `image/*` body: an image, or the only input's bytes.
    func inferBytes(_ request: Request, bytes: [UInt8]) async throws -> Response {
        if let image = try imageBody(request, bytes: bytes) { return try await respond(image, request) }
        return try await inferRaw(request, bytes: bytes)
    }

    /// An `application/octet-stream` body holding the only input's bytes; parameters in the query.
    func inferRaw(_ request: Request, bytes: [UInt8]) async throws -> Response {
        let query = request.uri.queryParameters
        guard let modelID = query["model_id"].map(String.init), !modelID.isEmpty else {
            throw APIError.badRequest("an application/octet-stream body needs the 'model_id' query parameter")
        }
        let shape = try query["shape"].map { (text) throws(InferenceError) in try RequestLimits.shape(String(text)) }
        let input = InputTensor(
            name: query["input"].map(String.init), dtype: try InferenceBody.dtype(query["dtype"].map(String.init)),
            shape: shape, data: bytes)
        let outputs = query["output"].map { [String($0)] } ?? []
        let inference = InferenceRequest(
            modelID: modelID, inputs: [input], outputs: outputs,
            timeout: try RequestLimits.timeout(milliseconds: query["timeout_ms"].map(String.init)))
        let format = query["output_format"].flatMap { OutputFormat(rawValue: String($0)) } ?? .base64
        if ImageRequest.flag(query["async"].map(String.init)) {
            return try accepted(await service.submit(inference, attributes: ["output_format": format.rawValue]))
        }
        let result = try await service.infer(inference)
        let wantsRaw = request.headers[.accept]?.contains("application/octet-stream") == true
        guard wantsRaw, let first = result.outputs.first else {
            return try JSONBody.make(InferenceResponse(result, format: format))
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[HTTPField.Name("X-Tensor-Name")!] = first.name
        headers[HTTPField.Name("X-Tensor-Dtype")!] = first.dtype.rawValue
        headers[HTTPField.Name("X-Tensor-Shape")!] = first.shape.map(String.init).joined(separator: ",")
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: first.data)))
    }

    @Sendable func batch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: maxBodySize)
        guard case .json = MediaKind(request, body: body) else {
            throw MediaKind.unsupported(request.headers[.contentType] ?? "", expected: "application/json")
        }
        let decoded = try JSONBody.decode(BatchBody.self, from: body)
        guard !decoded.items.isEmpty else { throw APIError.badRequest("'items' is empty") }
        let timeout = try RequestLimits.timeout(milliseconds: decoded.timeoutMs)
        // An item that cannot even be decoded fails alone, like one the model refuses.
        let jobs: [Result<BatchJob, APIError>] = decoded.items.map { item in
            Result { () throws -> BatchJob in try BatchJob(item, modelID: decoded.modelID, timeout: timeout) }.mapError(APIError.from)
        }
        let format = decoded.outputFormat ?? .base64
        if decoded.async == true {
            let failures = jobs.enumerated().compactMap { i, r in if case .failure(let e) = r { (i, e) } else { nil } }
            if let (index, error) = failures.first {
                throw APIError(error.status, error.code, "item \(index): \(error.message)")
            }
        }
        guard jobs.contains(where: { if case .success(.image) = $0 { true } else { false } }) else {
            return try await tensorBatch(decoded, jobs.map { $0.map(\.tensor!) }, format: format)
        }
        // Images among the items: each item's answer is made here (detections or tensors), and an
        // async task keeps the whole answer as the document it would have been.
        let modelID = decoded.modelID
        let answer = { @Sendable () async throws -> BatchResponse in
            BatchResponse(modelID: modelID, answers: await self.answers(jobs), format: format)
        }
        if decoded.async == true {
            return try accepted(
                await service.submit(modelID: modelID, kind: "batch") { progress in
                    progress.running()
                    return .document(try JSONBody.encode(try await answer()))
                })
        }
        return try JSONBody.make(try await answer())
    }

    /// A batch of tensors only: run (or queued) by the core, its task rendered when fetched.
    func tensorBatch(_ decoded: BatchBody, _ requests: [Result<InferenceRequest, APIError>], format: OutputFormat) async throws -> Response
    {
        let valid = requests.compactMap { try? $0.get() }
        if decoded.async == true {
            return try accepted(await service.submitBatch(modelID: decoded.modelID, valid, attributes: ["output_format": format.rawValue]))
        }
        let results = await service.inferBatch(valid)
        var next = results.makeIterator()
        let merged: [Result<InferenceResult, APIError>] = requests.map { request in
            switch request {
            case .failure(let error): .failure(error)
            case .success: next.next()!.mapError(APIError.init)
            }
        }
        return try JSONBody.make(BatchResponse(modelID: decoded.modelID, results: merged, format: format))
    }

    @Sendable func task(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("task_id")
        let snapshot = try await service.tasks.get(id)
        let format =
            request.uri.queryParameters["output_format"].flatMap { OutputFormat(rawValue: String($0)) }
            ?? snapshot.attributes["output_format"].flatMap(OutputFormat.init) ?? .base64
        return try JSONBody.make(TaskResponse(snapshot, format: format))
    }

    /// Cancels a queued or running task, or deletes a finished one; answers the task as it is.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("task_id")
        let snapshot = try await service.tasks.cancel(id)
        let format = snapshot.attributes["output_format"].flatMap(OutputFormat.init) ?? .base64
        return try JSONBody.make(TaskResponse(snapshot, format: format))
    }

    func accepted(_ taskID: String) throws -> Response {
        var headers = HTTPFields()
        headers[.location] = "/inference/\(taskID)"
        return try JSONBody.make(
            ["task_id": taskID, "status": TaskStore.Status.queued.rawValue, "status_url": "/inference/\(taskID)"],
            status: .accepted, headers: headers)
    }
}
