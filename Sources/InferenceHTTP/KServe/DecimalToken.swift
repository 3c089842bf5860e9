import Foundation

/// The parts of a JSON number token: sign, up to 19 significant decimal digits and a power of
/// ten, read in one pass without allocating. `double` and `float` give the value rounded as
/// `strtod` (and then a conversion to `Float`) would: exactly, through a fast path when that is
/// provably exact for the token, else through `strtod` itself.
struct DecimalToken {
    var negative = false
    /// The first 19 significant digits.
    var mantissa: UInt64 = 0
    /// value = ±mantissa × 10^exponent (before any digits beyond the 19th).
    var exponent = 0
    /// Digits beyond the 19th were dropped.
    var truncated = false
    /// No fraction and no exponent part.
    var isInteger = true

    init(_ token: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = token.count
        if i < n, token[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var digits = 0
        while i < n, token[i] &- 48 < 10 {
            add(token[i] &- 48, &digits, fraction: false)
            i += 1
        }
        if i < n, token[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            while i < n, token[i] &- 48 < 10 {
                add(token[i] &- 48, &digits, fraction: true)
                i += 1
            }
        }
        if i < n, token[i] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            var sign = 1
            if i < n, token[i] == UInt8(ascii: "-") || token[i] == UInt8(ascii: "+") {
                if token[i] == UInt8(ascii: "-") { sign = -1 }
                i += 1
            }
            var value = 0
            while i < n, token[i] &- 48 < 10 {
                if value < 100_000 { value = value * 10 + Int(token[i] &- 48) }
                i += 1
            }
            exponent += sign * value
        }
    }

    @inline(__always)
    private mutating func add(_ digit: UInt8, _ digits: inout Int, fraction: Bool) {
        if digits == 0 && digit == 0 {
            if fraction { exponent -= 1 }  // leading zeros are not significant
            return
        }
        if digits < 19 {
            mantissa = mantissa * 10 + UInt64(digit)
            digits += 1
            if fraction { exponent -= 1 }
        } else {
            if digit != 0 { truncated = true }
            if !fraction { exponent += 1 }
        }
    }

    /// The exact magnitude of an integer token, nil when it does not fit 64 bits.
    func integerMagnitude(_ token: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        for byte in token where byte != UInt8(ascii: "-") {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte &- 48))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    /// Clinger's fast path: exact when the mantissa and the power of ten are exact doubles.
    private var exactDouble: Double? {
        guard !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        let m = Double(mantissa)
        let value = exponent >= 0 ? m * Self.powers[exponent] : m / Self.powers[-exponent]
        return negative ? -value : value
    }

    /// The value as `strtod` reads the token.
    func double(_ token: UnsafeBufferPointer<UInt8>) -> Double {
        exactDouble ?? Self.strtod(token)
    }

    /// The value as `Float(strtod(token))`: the double is only approximated (within a few units
    /// in its last place) when the float it rounds to is certain, far from a rounding boundary.
    func float(_ token: UnsafeBufferPointer<UInt8>) -> Float {
        if let exact = exactDouble { return Float(exact) }
        guard mantissa != 0 else { return negative ? -0.0 : 0 }
        guard exponent > -80, exponent < 60 else { return Float(Self.strtod(token)) }
        let m = Double(mantissa)
        let approximate = exponent >= 0 ? m * Self.powers[exponent] : m / Self.powers[-exponent]
        let rounded = Float(approximate)
        guard rounded.isNormal, rounded.nextUp.isFinite else { return Float(Self.strtod(token)) }
        let value = Double(rounded)
        let up = (value + Double(rounded.nextUp)) / 2, down = (value + Double(rounded.nextDown)) / 2
        let margin = 16 * approximate.ulp
        guard up - approximate > margin, approximate - down > margin else { return Float(Self.strtod(token)) }
        return negative ? -rounded : rounded
    }

    /// 10^0 … 10^79, each the double nearest to it.
    static let powers: [Double] = (0..<80).map { Double("1e\($0)")! }

    static func strtod(_ token: UnsafeBufferPointer<UInt8>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: token.count + 1) { buffer in
            for (i, byte) in token.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[token.count] = 0
            return Foundation.strtod(buffer.baseAddress!, nil)
        }
    }
}
