"""The reference detection pipeline the service is checked against: Pillow decodes (with EXIF
orientation; JPEGs in draft mode, i.e. libjpeg's DCT scaling to the smallest of 1/8…1 that
covers the input, as the service does), numpy letterboxes (keep aspect, centred, pad 114;
bilinear with half-pixel centres like OpenCV's INTER_LINEAR, which Ultralytics trains with, after
2×2 averaging while the image is at least twice the target), numpy normalises to float32 NCHW
0..1, onnxruntime runs the model, numpy decodes the YOLOv8 head, class-wise greedy NMS, and boxes
are mapped back to the image's pixels."""
import io

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

SCORE_THRESHOLD = 0.25
IOU_THRESHOLD = 0.45
MAX_DETECTIONS = 100


def upright_size(image: Image.Image) -> tuple[int, int]:
    w, h = image.size
    return (h, w) if image.getexif().get(0x0112, 1) in (5, 6, 7, 8) else (w, h)


def load_rgb(data: bytes, size: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The upright RGB pixels (possibly DCT-reduced) and the full upright size."""
    image = Image.open(io.BytesIO(data))
    w, h = upright_size(image)
    if image.format == "JPEG":
        ratio = min(size / w, size / h)
        scale = next(s for s in (1 / 8, 1 / 4, 1 / 2, 1) if s >= max(round(w * ratio) / w, round(h * ratio) / h))
        stored = image.size
        image.draft("RGB", (int(stored[0] * scale + 0.999), int(stored[1] * scale + 0.999)))
    image = ImageOps.exif_transpose(image)
    return np.asarray(image.convert("RGB")), (w, h)


def bilinear(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    while pixels.shape[1] >= 2 * width and pixels.shape[0] >= 2 * height:
        h2, w2 = pixels.shape[0] // 2, pixels.shape[1] // 2
        p = pixels[: h2 * 2, : w2 * 2].astype(np.uint16)
        pixels = ((p[0::2, 0::2] + p[0::2, 1::2] + p[1::2, 0::2] + p[1::2, 1::2] + 2) >> 2).astype(np.uint8)
    sh, sw = pixels.shape[:2]

    def taps(n: int, s: int):
        pos = np.maximum((np.arange(n) + 0.5) * (s / n) - 0.5, 0)
        i0 = np.minimum(pos.astype(int), s - 1)
        return i0, np.minimum(i0 + 1, s - 1), (pos - i0)

    y0, y1, fy = taps(height, sh)
    x0, x1, fx = taps(width, sw)
    p = pixels.astype(np.float64)
    top = p[y0][:, x0] * (1 - fx)[None, :, None] + p[y0][:, x1] * fx[None, :, None]
    bottom = p[y1][:, x0] * (1 - fx)[None, :, None] + p[y1][:, x1] * fx[None, :, None]
    return np.clip(np.rint(top * (1 - fy)[:, None, None] + bottom * fy[:, None, None]), 0, 255).astype(np.uint8)


def letterbox(pixels: np.ndarray, full: tuple[int, int], size: int):
    w, h = full
    ratio = min(size / w, size / h)
    cw, ch = max(1, min(size, round(w * ratio))), max(1, min(size, round(h * ratio)))
    px, py = (size - cw) // 2, (size - ch) // 2
    canvas = np.full((size, size, 3), 114, np.uint8)
    canvas[py:py + ch, px:px + cw] = bilinear(pixels, cw, ch)
    return canvas, (w, h, cw, ch, px, py)


def iou(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


class Reference:
    def __init__(self, model_path: str, size: int = 320):
        self.session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
        self.size = size
        meta = self.session.get_modelmeta().custom_metadata_map
        self.names = eval(meta["names"]) if "names" in meta else {}  # Ultralytics writes a dict literal

    def detect(self, data: bytes, score_threshold: float = SCORE_THRESHOLD):
        pixels, full = load_rgb(data, self.size)
        canvas, (w, h, cw, ch, px, py) = letterbox(pixels, full, self.size)
        tensor = (canvas.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        (output,) = self.session.run(None, {self.session.get_inputs()[0].name: tensor})
        preds = output[0].T  # [N, 4+C]
        scores = preds[:, 4:]
        classes = scores.argmax(axis=1)
        best = scores.max(axis=1)
        keep = best >= score_threshold
        candidates = sorted(
            ((float(best[i]), int(classes[i]), preds[i, :4]) for i in np.nonzero(keep)[0]),
            key=lambda c: -c[0])
        kept = []
        for score, cls, (cx, cy, bw, bh) in candidates:
            box = (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2)
            if any(k[1] == cls and iou(k[2], box) > IOU_THRESHOLD for k in kept):
                continue
            kept.append((score, cls, box))
            if len(kept) >= MAX_DETECTIONS:
                break
        sx, sy = cw / w, ch / h

        def back(v, pad, s, limit):
            return min(max((v - pad) / s, 0.0), float(limit))

        return [
            {"label": self.names.get(cls, f"class_{cls}"), "class_id": cls, "score": score,
             "box": [back(b[0], px, sx, w), back(b[1], py, sy, h), back(b[2], px, sx, w), back(b[3], py, sy, h)]}
            for score, cls, b in kept
        ], (w, h)
