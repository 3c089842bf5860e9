/// How an image is fitted to the model's input.
public enum ResizeMode: String, Sendable, Codable {
    /// Keep the aspect ratio, centre, pad with grey 114 (what YOLO models are trained with).
    case letterbox
    /// Scale each axis independently to fill the input.
    case stretch
}
