"""The reference detection pipeline the service is checked against: Pillow decodes (with EXIF
orientation), letterboxes (keep aspect, centred, pad 114, bilinear), numpy normalises to float32
NCHW 0..1, onnxruntime runs the model, numpy decodes the YOLOv8 head, class-wise greedy NMS, and
boxes are mapped back to the image's pixels."""
import io

import numpy as np
import onnxruntime as ort
from PIL import Image, ImageOps

SCORE_THRESHOLD = 0.25
IOU_THRESHOLD = 0.45
MAX_DETECTIONS = 100


def load_rgb(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image = ImageOps.exif_transpose(image)
    return image.convert("RGB")


def letterbox(image: Image.Image, size: int):
    w, h = image.size
    ratio = min(size / w, size / h)
    cw, ch = max(1, min(size, round(w * ratio))), max(1, min(size, round(h * ratio)))
    px, py = (size - cw) // 2, (size - ch) // 2
    canvas = Image.new("RGB", (size, size), (114, 114, 114))
    canvas.paste(image.resize((cw, ch), Image.BILINEAR), (px, py))
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
        image = load_rgb(data)
        canvas, (w, h, cw, ch, px, py) = letterbox(image, self.size)
        tensor = (np.asarray(canvas, dtype=np.float32) / 255.0).transpose(2, 0, 1)[None]
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
