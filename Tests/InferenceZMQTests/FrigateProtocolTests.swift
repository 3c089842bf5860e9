import Foundation
import InferenceCore
import InferenceVision
@testable import InferenceZMQ
import Testing

@Suite("Frigate's zmq detector: messages", .timeLimit(.minutes(1)))
struct FrigateProtocolTests {
    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object))
    }

    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    static func object(_ frame: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(frame)) as? [String: Any])
    }

    @Test("the handshake and the model transfer parse as Frigate sends them")
    func modelMessages() throws {
        guard
            case .modelRequest(let name) = try FrigateRequest.parse([try Self.json(["model_request": true, "model_name": "yolov8n.hef"])])
        else {
            Issue.record("not a model request")
            return
        }
        #expect(name == "yolov8n.hef")
        guard
            case .modelData(let saved, let bytes) = try FrigateRequest.parse([
                try Self.json(["model_data": true, "model_name": "m.onnx"]), [1, 2, 3],
            ])
        else {
            Issue.record("not model data")
            return
        }
        #expect(saved == "m.onnx" && bytes == [1, 2, 3])
    }

    @Test("an NHWC uint8 frame, as Frigate's Hailo-style config sends it")
    func nhwcFrame() throws {
        let header = try Self.json(["shape": [1, 4, 6, 3], "dtype": "uint8", "model_type": "yologeneric"])
        guard case .inference(let tensor, let type) = try FrigateRequest.parse([header, [UInt8](repeating: 7, count: 72)]) else {
            Issue.record("not an inference request")
            return
        }
        #expect(tensor.layout == .hwc && tensor.scalar == .uint8 && tensor.width == 6 && tensor.height == 4 && type == "yologeneric")
    }

    @Test("NCHW float32 frames, and the layout given in the header")
    func nchwFrame() throws {
        let header = try Self.json(["shape": [1, 3, 2, 5], "dtype": "float32"])
        guard case .inference(let tensor, _) = try FrigateRequest.parse([header, [UInt8](repeating: 0, count: 120)]) else {
            Issue.record("not an inference request")
            return
        }
        #expect(tensor.layout == .chw && tensor.scalar == .float32 && tensor.width == 5 && tensor.height == 2)
        let hwnc = try Self.json(["shape": [2, 5, 1, 3], "dtype": "uint8"])
        guard case .inference(let other, _) = try FrigateRequest.parse([hwnc, [UInt8](repeating: 0, count: 30)]) else {
            Issue.record("not an inference request")
            return
        }
        #expect(other.layout == .hwc && other.width == 5 && other.height == 2)
    }

    static func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let malformedCases: [(String, [[UInt8]])] = [
        ("no frames", []),
        ("not JSON", [utf8("{nope"), [0]]),
        ("JSON array", [utf8("[1]"), [0]]),
        ("no shape", [utf8(#"{"dtype":"uint8"}"#), [0]]),
        ("negative axis", [utf8(#"{"shape":[1,-4,4,3],"dtype":"uint8"}"#), [0]]),
        ("fractional axis", [utf8(#"{"shape":[1,4.5,4,3],"dtype":"uint8"}"#), [0]]),
        ("int64", [utf8(#"{"shape":[1,4,4,3],"dtype":"int64"}"#), [UInt8](repeating: 0, count: 384)]),
        ("two channels", [utf8(#"{"shape":[1,4,4,2],"dtype":"uint8"}"#), [UInt8](repeating: 0, count: 32)]),
        ("short tensor", [utf8(#"{"shape":[1,4,4,3],"dtype":"uint8"}"#), [UInt8](repeating: 0, count: 47)]),
        ("float count", [utf8(#"{"shape":[1,4,4,3],"dtype":"float32"}"#), [UInt8](repeating: 0, count: 48)]),
        ("overflow", [utf8(#"{"shape":[1,4294967296,4294967296,3],"dtype":"float32"}"#), [0]]),
        ("no tensor", [utf8(#"{"shape":[1,4,4,3],"dtype":"uint8"}"#)]),
        ("handshake without a name", [utf8(#"{"model_request":true}"#)]),
        ("model data without bytes", [utf8(#"{"model_data":true,"model_name":"a.onnx"}"#)]),
    ]

    @Test("malformed messages are refused with a reason", arguments: malformedCases)
    func malformed(_ name: String, _ frames: [[UInt8]]) throws {
        #expect(throws: FrigateProtocolError.self, "\(name)") { try FrigateRequest.parse(frames) }
    }

    @Test("replies: 20 score-sorted rows normalised to the tensor, zero rows after the last")
    func detectionRows() throws {
        let detections = [
            Detection(classID: 2, score: 0.5, box: Box(xMin: 10, yMin: 20, xMax: 30, yMax: 40)),
            Detection(classID: 0, score: 0.9, box: Box(xMin: -5, yMin: 0, xMax: 320, yMax: 400)),
        ]
        let frames = FrigateReply.detections(detections, width: 320, height: 160)
        #expect(frames.count == 2 && frames[1].count == 480)
        let header = try Self.object(frames[0])
        #expect(header["shape"] as? [Int] == [20, 6] && header["dtype"] as? String == "float32" && header["error"] == nil)
        let rows = Self.floats(frames[1])
        #expect(Array(rows[0..<6]) == [0, 0.9, 0, 0, 1, 1])
        let second: [Float] = [2, 0.5, 20.0 / 160, 10.0 / 320, 40.0 / 160, 30.0 / 320]
        #expect(Array(rows[6..<12]) == second)
        #expect(rows[12...].allSatisfy { $0 == 0 })
    }

    @Test("never more than 20 rows")
    func capped() {
        let many = (0..<30).map { Detection(classID: 1, score: Double($0) / 30, box: Box(xMin: 0, yMin: 0, xMax: 1, yMax: 1)) }
        let rows = Self.floats(FrigateReply.detections(many, width: 1, height: 1)[1])
        #expect(rows.count == 120 && rows[1] == Float(29.0 / 30) && rows[6 * 19 + 1] == Float(10.0 / 30))
    }

    @Test("a failure is zero rows with the error in the header")
    func failure() throws {
        let frames = FrigateReply.failure("queue is full", code: "queue_full")
        let header = try Self.object(frames[0])
        #expect(header["error"] as? String == "queue is full" && header["code"] as? String == "queue_full")
        #expect(header["shape"] as? [Int] == [20, 6] && frames[1] == [UInt8](repeating: 0, count: 480))
    }

    @Test("handshake and transfer answers carry the keys Frigate reads")
    func modelReplies() throws {
        let status = try Self.object(
            FrigateReply.modelStatus(name: "a.hef", available: true, loaded: false, modelID: "a", error: "busy")[0])
        #expect(
            status["model_available"] as? Bool == true && status["model_loaded"] as? Bool == false && status["error"] as? String == "busy")
        let saved = try Self.object(FrigateReply.modelSaved(name: "a.hef", saved: true, loaded: true, modelID: "a", error: nil)[0])
        #expect(saved["model_saved"] as? Bool == true && saved["model_loaded"] as? Bool == true && saved["error"] == nil)
    }

    @Test("REQ envelopes split at the empty delimiter; DEALER ones at the routing id")
    func envelopes() throws {
        let req = try #require(ZMQIncoming(socket: 0, frames: [[0, 0x80, 0, 0, 0x29], [], [1], [2]]))
        #expect(req.envelope == [[0, 0x80, 0, 0, 0x29], []] && req.body == [[1], [2]] && req.peer == "0080000029")
        #expect(req.reply([[9]]).frames == [[0, 0x80, 0, 0, 0x29], [], [9]])
        let dealer = try #require(ZMQIncoming(socket: 1, frames: [[7], [1]]))
        #expect(dealer.envelope == [[7]] && dealer.body == [[1]])
    }

    static func record(_ json: String) throws -> ModelRecord {
        try JSONDecoder().decode(ModelRecord.self, from: Data(json.utf8))
    }

    @Test("model names: file names of loaded and uploaded models, plain names only")
    func names() throws {
        let file = try Self.record(
            #"{"model_id":"yolov8n","source":"hailo/yolov8n.hef","uploaded":false,"device":"hailo","format":"hef","options":{},"fingerprint":"x"}"#
        )
        #expect(
            FrigateModels.matches(file, "yolov8n.hef") && FrigateModels.matches(file, "yolov8n")
                && !FrigateModels.matches(file, "yolov8n.onnx"))
        let upload = try Self.record(
            #"{"model_id":"m-1","source":"uploads/0123456789abcdef-42-m-1.onnx","uploaded":true,"device":"cpu","format":"onnx","options":{},"fingerprint":"0123456789abcdef-42"}"#
        )
        #expect(FrigateModels.fileName(of: upload) == "m-1.onnx" && FrigateModels.matches(upload, "m-1.onnx"))
        for bad in ["", "../x.onnx", "a/b.onnx", ".hidden.onnx", "..", "a\u{0}.onnx", "a\\b.onnx"] {
            #expect(!FrigateModels.isPlainFileName(bad), "\(bad)")
        }
        #expect(FrigateModels.isPlainFileName("yolo v8.onnx"))
    }
}
