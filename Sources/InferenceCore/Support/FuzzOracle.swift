/// What the fuzz harnesses check of a refusal: input from a client, however malformed, is
/// answered with a 4xx (or 501 for an extension the service does not implement), never a 5xx,
/// never a trap. A breach traps, which is what libFuzzer and the regression tests catch.
package enum FuzzOracle {
    /// Traps when `status` is not a client error.
    package static func refused(status: Int, _ error: any Error) {
        precondition((400..<500).contains(status) || status == 501, "malformed input answered \(status): \(error)")
    }

    /// Runs `body`; what it throws must be an `InferenceError` of a client error.
    package static func expectClientError(_ body: () throws -> Void) {
        do {
            try body()
        } catch let error as InferenceError {
            refused(status: error.kind.httpStatus, error)
        } catch {
            refused(status: 500, error)
        }
    }
}
