import Hummingbird
import NIOCore

extension Request {
    /// The whole body in one buffer. When the client sent a `Content-Length` within the limit,
    /// the buffer is allocated at that size once and each chunk is copied into it once;
    /// otherwise (chunked bodies) the buffer grows as chunks arrive. Growing costs a 1.2 MB
    /// frame a chain of reallocations and copies (docs/performance.md).
    func collectBody(limit: Int) async throws -> ByteBuffer {
        guard let length = declaredLength(limit: limit) else { return try await body.collect(upTo: limit) }
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        try await body.collect(upTo: limit, into: &buffer)
        return buffer
    }

    /// The whole body as bytes, copied once from the network buffers when the client sent a
    /// `Content-Length` (tensor and image bodies go to the core as `[UInt8]`).
    func collectBytes(limit: Int) async throws -> [UInt8] {
        guard let length = declaredLength(limit: limit) else { return Array(buffer: try await body.collect(upTo: limit)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for try await chunk in body {
            guard bytes.count + chunk.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    private func declaredLength(limit: Int) -> Int? {
        guard let text = headers[.contentLength], let length = Int(text), length > 0, length <= limit else { return nil }
        return length
    }
}
