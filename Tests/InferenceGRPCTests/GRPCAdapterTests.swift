import Foundation
import GRPCCore
import InferenceCore
import SwiftProtobuf
import Testing

@testable import InferenceGRPC

@Suite("KServe v2 gRPC adapter", .timeLimit(.minutes(1)))
struct GRPCAdapterTests {
    @Test(
        "grpc-timeout values become durations; malformed ones are ignored",
        arguments: [
            ("5S", Duration?.some(.seconds(5))), ("250m", .milliseconds(250)), ("1H", .seconds(3600)), ("2M", .seconds(120)),
            ("7u", .microseconds(7)), ("9n", .nanoseconds(9)), ("S", nil), ("123456789S", nil), ("5x", nil), ("-1S", nil),
        ])
    func timeout(text: String, expected: Duration?) {
        #expect(GRPCTimeoutInterceptor.parse(text) == expected)
    }

    func request(_ input: Inference_ModelInferRequest.InferInputTensor, raw: [Data] = [], timeout: Int64? = nil) throws -> InferenceRequest
    {
        try GRPCTensors.request(
            .with {
                $0.inputs = [input]
                $0.rawInputContents = raw
                $0.outputs = [.with { $0.name = "y" }]
                if let timeout { $0.parameters["timeout"] = .with { $0.int64Param = timeout } }
            }, modelID: "m")
    }

    @Test("raw and typed contents become the same little-endian tensor")
    func contents() throws {
        let values: [Float] = [1.5, -2, 0]
        let raw = Data(values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        let byRaw = try request(
            .with {
                $0.name = "x"; $0.datatype = "FP32"; $0.shape = [1, 3]
            }, raw: [raw], timeout: 2000)
        let byList = try request(
            .with {
                $0.name = "x"; $0.datatype = "FP32"; $0.shape = [1, 3]
                $0.contents = .with { $0.fp32Contents = values }
            })
        #expect(byRaw.inputs.first?.data == byList.inputs.first?.data && byRaw.inputs.first?.data == [UInt8](raw))
        #expect(byRaw.inputs.first?.shape == [1, 3] && byRaw.inputs.first?.dtype == .float32)
        #expect(byRaw.timeout == .milliseconds(2) && byRaw.outputs == ["y"])
        let int8 = try request(
            .with {
                $0.name = "x"; $0.datatype = "INT8"; $0.shape = [2]; $0.contents = .with { $0.intContents = [-128, 127] }
            })
        #expect(int8.inputs.first?.data == [0x80, 0x7F])
    }

    @Test("wrong datatypes, byte counts, ranges and shapes are INVALID_ARGUMENT")
    func invalid() {
        let cases: [Inference_ModelInferRequest.InferInputTensor] = [
            .with {
                $0.name = "x"; $0.datatype = "FLOAT"; $0.shape = [1]
            },
            .with {
                $0.name = "x"; $0.datatype = "FP32"; $0.shape = [1, 4]; $0.contents = .with { $0.fp32Contents = [1, 2, 3] }
            },
            .with {
                $0.name = "x"; $0.datatype = "UINT8"; $0.shape = [1]; $0.contents = .with { $0.uintContents = [256] }
            },
            .with {
                $0.name = "x"; $0.datatype = "FP32"; $0.shape = [-1, 3]; $0.contents = .with { $0.fp32Contents = [1, 2, 3] }
            },
            .with {
                $0.name = "x"; $0.datatype = "FP32"; $0.shape = [1]
            },
            .with {
                $0.name = "x"; $0.datatype = "BYTES"; $0.shape = [1]; $0.contents = .with { $0.bytesContents = [Data([1])] }
            },
        ]
        for input in cases {
            let error = #expect(throws: RPCError.self) { try request(input) }
            #expect(error?.code == .invalidArgument, "\(input)")
        }
    }

    @Test("core errors map to Triton's gRPC statuses")
    func statuses() {
        #expect(RPCError(InferenceError(.notFound, .modelNotFound, "x")).code == .notFound)
        #expect(RPCError(InferenceError(.deadlineExceeded, .deadlineExceeded, "x")).code == .deadlineExceeded)
        #expect(RPCError(InferenceError(.invalidRequest, .invalidRequest, "x")).code == .invalidArgument)
        #expect(RPCError(InferenceError(.unavailable, .modelNotReady, "x")).code == .unavailable)
        #expect(RPCError(InferenceError(.internal, .inferenceFailed, "x")).code == .internalError)
    }
}
