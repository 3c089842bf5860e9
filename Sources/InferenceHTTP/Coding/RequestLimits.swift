import InferenceCore

/// The ranges of the numbers a request may carry, on every route (native JSON, query and form
/// fields, KServe parameters). Values outside them are refused by `ClientNumber` with 400
/// `out_of_range` naming the field and the range.
package enum RequestLimits {
    /// `timeout_ms`: up to a day.
    static let timeoutMilliseconds = 1...86_400_000
    /// KServe's `timeout` parameter, in microseconds: up to a day.
    static let timeoutMicroseconds = 1...86_400_000_000
    /// `max_detections`.
    package static let maxDetections = 1...1_000_000
    /// `width` and `height` of a raw frame (the image limits then apply).
    static let frameSide = 1...1_000_000
    /// One dimension of a tensor's `shape`; the tensor's byte size is checked too.
    static let dimension = 0...Int.max
    /// `score_threshold`, `iou_threshold`, `min_confidence`.
    package static let fraction: ClosedRange<Double> = 0...1

    /// `timeout_ms` from JSON, a query or a form.
    static func timeout(milliseconds value: Double?) throws(InferenceError) -> Duration? {
        try value.map { (value) throws(InferenceError) in
            .milliseconds(try ClientNumber.int(value, field: "timeout_ms", in: timeoutMilliseconds))
        }
    }

    static func timeout(milliseconds text: String?) throws(InferenceError) -> Duration? {
        try text.map { (text) throws(InferenceError) in
            .milliseconds(try ClientNumber.int(text, field: "timeout_ms", in: timeoutMilliseconds))
        }
    }

    /// A `shape` as comma-separated text (`1,3,320,320`).
    static func shape(_ text: String, field: String = "shape") throws(InferenceError) -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { (index, part) throws(InferenceError) in
            try ClientNumber.int(String(part), field: "\(field)[\(index)]", in: dimension)
        }
    }

    /// A `shape` as JSON numbers.
    static func shape(_ values: [Double], field: String = "shape") throws(InferenceError) -> [Int] {
        try values.enumerated().map { (index, value) throws(InferenceError) in
            try ClientNumber.int(value, field: "\(field)[\(index)]", in: dimension)
        }
    }
}
