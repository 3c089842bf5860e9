/// Work done once when a model loads, from its signature, labels and options — the vision
/// layer's input geometry, output decoder and label map — kept with the model for every request,
/// and the place where options that cannot work refuse the load (on every load route: native,
/// the models file, KServe's repository).
public protocol ModelPlanner: Sendable {
    /// The plan kept in `ModelInfo.plan`; throws (a 4xx) to refuse the load.
    func plan(signature: ModelSignature, labels: [String]?, options: ModelOptions) throws(InferenceError) -> any Sendable
}
