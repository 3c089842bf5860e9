/// Polls `condition` every `interval` until it holds or `limit` has passed; returns whether it
/// held. Tests wait with it for state that another task or thread sets: the limit is generous
/// because a busy machine can take seconds for what takes milliseconds alone, and it costs
/// nothing when the condition comes true at once.
public func eventually(
    within limit: Duration = .seconds(30), every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
}
