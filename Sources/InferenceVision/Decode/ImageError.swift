public import InferenceCore

/// Error codes of image inputs. They are `InferenceError`s, so every protocol layer maps them
/// like the core's own.
extension InferenceError.Code {
    public static let invalidImage = InferenceError.Code("invalid_image")
    public static let unsupportedImageFormat = InferenceError.Code("unsupported_image_format")
    public static let imageTooLarge = InferenceError.Code("image_too_large")
    public static let notADetectionModel = InferenceError.Code("not_a_detection_model")
    public static let invalidOptions = InferenceError.Code("invalid_options")
}

extension InferenceError {
    static func invalidImage(_ message: String) -> InferenceError {
        InferenceError(.invalidRequest, .invalidImage, message)
    }

    static func imageTooLarge(_ message: String) -> InferenceError {
        InferenceError(.payloadTooLarge, .imageTooLarge, message)
    }

    static func unsupportedImage(_ message: String) -> InferenceError {
        InferenceError(.unsupportedMedia, .unsupportedImageFormat, message)
    }
}
