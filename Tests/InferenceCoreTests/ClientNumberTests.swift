import Foundation
import Testing

@testable import InferenceCore

@Suite("Numbers from clients are checked, never trapped on", .timeLimit(.minutes(1)))
struct ClientNumberTests {
    static let timeouts = 1...86_400_000

    @Test("whole numbers within the range pass", arguments: [(1.0, 1), (1500, 1500), (86_400_000, 86_400_000), (-0.0, 0)])
    func inRange(value: Double, expected: Int) throws {
        #expect(try ClientNumber.int(value, field: "f", in: 0...86_400_000) == expected)
    }

    @Test(
        "huge, negative, fractional, NaN and infinite values are refused naming the field and the range",
        arguments: [1e13, -1, 0, 2.5, 1e300, -1e300, .nan, .infinity, -.infinity, 9.3e18, Double(Int.max), Double(Int.min)])
    func outOfRange(value: Double) {
        #expect {
            try ClientNumber.int(value, field: "timeout_ms", in: Self.timeouts)
        } throws: { error in
            let error = error as! InferenceError
            return error.kind == .invalidRequest && error.code == .outOfRange
                && error.message.contains("'timeout_ms'") && error.message.contains("from 1 to 86400000")
        }
    }

    @Test("-2^63, a whole number whose absolute value no Int holds, is refused as a fraction or a count, not trapped on")
    func intMin() {
        #expect(throws: InferenceError.self) { try ClientNumber.double(Double(Int.min), field: "score_threshold", in: 0...1) }
        #expect(ClientNumber.describe(Double(Int.min)) == "\(Double(Int.min))")
    }

    @Test(
        "text is parsed as an integer or a number, and refused the same way",
        arguments: [
            ("12", 12 as Int?), (" 7 ", 7), ("1e3", 1000), ("1e13", nil), ("-1e300", nil), ("nan", nil), ("inf", nil),
            ("-inf", nil), ("abc", nil), ("", nil), ("9223372036854775808", nil), ("2.5", nil),
        ])
    func text(text: String, expected: Int?) throws {
        if let expected {
            #expect(try ClientNumber.int(text, field: "max_detections", in: 1...1_000_000) == expected)
        } else {
            #expect { try ClientNumber.int(text, field: "max_detections", in: 1...1_000_000) } throws: { error in
                (error as! InferenceError).code == .outOfRange && (error as! InferenceError).message.contains("'max_detections'")
            }
        }
    }

    @Test("64-bit integers outside the range are refused")
    func int64() throws {
        #expect(try ClientNumber.int(Int64(5), field: "timeout", in: 1...10) == 5)
        #expect { try ClientNumber.int(Int64.max, field: "timeout", in: 1...10) } throws: { ($0 as! InferenceError).code == .outOfRange }
        #expect { try ClientNumber.int(Int64.min, field: "timeout", in: 1...10) } throws: { ($0 as! InferenceError).code == .outOfRange }
    }

    @Test("fractions must be finite and within their range", arguments: [Double.nan, .infinity, -0.1, 1.5, 1e300])
    func fractions(value: Double) {
        #expect { try ClientNumber.double(value, field: "score_threshold", in: 0...1) } throws: { error in
            (error as! InferenceError).message.contains("'score_threshold' must be a number from 0 to 1")
        }
        #expect { try ClientNumber.double("\(value)", field: "score_threshold", in: 0...1) } throws: {
            ($0 as! InferenceError).code == .outOfRange
        }
    }

    @Test(
        "element counts and byte sizes of client shapes are checked for overflow",
        arguments: [
            ([1, 3, 3037000500, 3037000500], nil as Int?),
            ([1, 3, 1073741824, 1073741824], nil),
            ([Int.max, 2], nil),
            ([1, -3], nil),
            ([1, 3, 320, 320], 3 * 320 * 320 * 4),
            ([], 4),
            ([0, 1 << 62, 1 << 62], 0),
        ])
    func shapes(shape: [Int], bytes: Int?) {
        #expect(TensorSpec.checkedByteCount(shape, dtype: .float32) == bytes)
    }

    @Test(
        "a Dispatch interval from any deadline is in range",
        arguments: [
            Duration.seconds(-5), .zero, .milliseconds(1500), .seconds(Int64(1e13)), .seconds(Int64.max),
        ])
    func dispatchInterval(duration: Duration) {
        guard case .nanoseconds(let nanoseconds) = duration.dispatchInterval else {
            Issue.record("not in nanoseconds")
            return
        }
        #expect(nanoseconds >= 0 && nanoseconds <= 365 * 86_400 * 1_000_000_000)
    }

    @Test(
        "load options are refused outside their ranges, naming the option",
        arguments: [
            #"{"intra_op_threads": 2000}"#, #"{"inter_op_threads": -1}"#, #"{"max_queue": -1}"#, #"{"max_in_flight": 0}"#,
            #"{"max_batch_size": 1e300}"#, #"{"max_queue_delay_us": 1e13}"#, #"{"scheduler_priority": 32}"#,
            #"{"max_detections": 0}"#, #"{"score_threshold": 2}"#, #"{"input_shapes": {"images": [1, 3, 3037000500, 3037000500]}}"#,
            #"{"input_shapes": {"images": [1, 3, 0, 320]}}"#, #"{"input_shapes": {"images": [1, 3, 1e300, 320]}}"#,
        ])
    func loadOptions(json: String) {
        #expect { try JSONDecoder().decode(ModelOptions.self, from: Data(json.utf8)) } throws: { error in
            let error = error as! InferenceError
            return error.code == .outOfRange && error.message.contains("options.")
        }
    }

    @Test("load options within their ranges decode as before")
    func loadOptionsInRange() throws {
        let json =
            #"{"intra_op_threads": 1, "max_queue": 0, "max_in_flight": 2, "max_batch_size": 4, "score_threshold": 0.5, "mean": [0, 0.5, 1], "input_shapes": {"images": [1, 3, 320, 320]}}"#
        let options = try JSONDecoder().decode(ModelOptions.self, from: Data(json.utf8))
        #expect(options.intraOpThreads == 1 && options.maxQueue == 0 && options.maxInFlight == 2 && options.maxBatchSize == 4)
        #expect(options.scoreThreshold == 0.5 && options.mean == [0, 0.5, 1] && options.inputShapes == ["images": [1, 3, 320, 320]])
        #expect(try JSONDecoder().decode(ModelOptions.self, from: JSONEncoder().encode(options)) == options)
    }
}
