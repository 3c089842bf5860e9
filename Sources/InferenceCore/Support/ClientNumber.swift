/// Numbers sent by clients (JSON numbers, query and form fields, load options, protocol
/// parameters), turned into the values the service works with only after a range check. A value
/// that is not a number, not whole where a count is wanted, not finite, or outside its range is
/// refused with 400 `out_of_range` naming the field and the range; nothing a client sends is
/// ever converted with a conversion that can trap.
public enum ClientNumber {
    /// `value` as a whole number within `range`.
    public static func int(_ value: Double, field: String, in range: ClosedRange<Int>) throws(InferenceError) -> Int {
        guard let whole = Int(exactly: value), range.contains(whole) else {
            throw outOfRange(field, shown: describe(value), range: range)
        }
        return whole
    }

    /// An integer already parsed, checked against `range`.
    public static func int(_ value: Int, field: String, in range: ClosedRange<Int>) throws(InferenceError) -> Int {
        guard range.contains(value) else { throw outOfRange(field, shown: "\(value)", range: range) }
        return value
    }

    /// A 64-bit integer (a protocol's parameter), checked against `range`.
    public static func int(_ value: Int64, field: String, in range: ClosedRange<Int>) throws(InferenceError) -> Int {
        guard let fitting = Int(exactly: value), range.contains(fitting) else { throw outOfRange(field, shown: "\(value)", range: range) }
        return fitting
    }

    /// A whole number from text (`12`, `1e3`), checked against `range`.
    public static func int(_ text: String, field: String, in range: ClosedRange<Int>) throws(InferenceError) -> Int {
        let trimmed = trim(text)
        if let exact = Int(trimmed) {
            guard range.contains(exact) else { throw outOfRange(field, shown: shown(text), range: range) }
            return exact
        }
        guard let value = Double(trimmed), let whole = Int(exactly: value), range.contains(whole) else {
            throw outOfRange(field, shown: shown(text), range: range)
        }
        return whole
    }

    /// `value` when it is finite and within `range`.
    public static func double(_ value: Double, field: String, in range: ClosedRange<Double>) throws(InferenceError) -> Double {
        guard value.isFinite, range.contains(value) else {
            throw outOfRange(field, shown: describe(value), range: range)
        }
        return value
    }

    /// A finite number from text, within `range`.
    public static func double(_ text: String, field: String, in range: ClosedRange<Double>) throws(InferenceError) -> Double {
        guard let value = Double(trim(text)), value.isFinite, range.contains(value) else {
            throw outOfRange(field, shown: shown(text), range: range)
        }
        return value
    }

    /// The error for a number outside its range, e.g. "'timeout_ms' must be a whole number from 1
    /// to 86400000, not 1e+13".
    public static func outOfRange(_ field: String, shown: String, range: ClosedRange<Int>) -> InferenceError {
        InferenceError(
            .invalidRequest, .outOfRange, "'\(field)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(shown)")
    }

    public static func outOfRange(_ field: String, shown: String, range: ClosedRange<Double>) -> InferenceError {
        InferenceError(
            .invalidRequest, .outOfRange,
            "'\(field)' must be a number from \(describe(range.lowerBound)) to \(describe(range.upperBound)), not \(shown)")
    }

    static func trim(_ text: String) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// A client's text as shown in a message: quoted, and cut short.
    static func shown(_ text: String) -> String {
        text.count > 40 ? "'\(text.prefix(40))…'" : "'\(text)'"
    }

    /// A number as a person writes it: `3`, `0.5`, `1e+300`, `nan`.
    static func describe(_ value: Double) -> String {
        // `magnitude`, not `abs`: -2^63 is a whole number, and abs(Int.min) traps.
        if let whole = Int(exactly: value), whole.magnitude < 1 << 53 { return "\(whole)" }
        return "\(value)"
    }
}
