/// Which decoder turns a model's outputs into detections.
public enum Postprocess: String, Sendable, Codable, CaseIterable {
    /// Chosen from the output signature (and, for Hailo, the NMS metadata).
    case auto
    /// Ultralytics YOLOv8/YOLO11: `[1, 4+C, N]` (or transposed `[1, N, 4+C]`), boxes cx,cy,w,h.
    case yolov8
    /// YOLOv5: `[1, N, 5+C]`, boxes cx,cy,w,h, objectness, class scores.
    case yolov5
    /// YOLOX: `[1, N, 5+C]` like YOLOv5, with grid decoding when the export lacks it.
    case yolox
    /// Hailo `NMS_BY_CLASS` float32 buffers.
    case hailoNMS = "hailo_nms"
    /// No decoding: the raw tensors are the answer.
    case none
}
