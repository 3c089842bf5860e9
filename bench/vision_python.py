"""The same work as `hailo8-service bench image` in Python: decode a JPEG and letterbox it to a
square uint8 RGB array (pad 114), with Pillow (draft mode = DCT scaling, as the service does, and
without) and with OpenCV (cv2.imdecode with IMREAD_REDUCED_* and without). One thread each."""
import statistics
import sys
import time

import cv2
import numpy as np
from PIL import Image
import io

cv2.setNumThreads(1)


def letterbox_pil(data: bytes, size: int, draft: bool) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    w, h = image.size
    r = min(size / w, size / h)
    cw, ch = round(w * r), round(h * r)
    if draft:
        image.draft("RGB", (cw, ch))
    image = image.convert("RGB")
    canvas = Image.new("RGB", (size, size), (114, 114, 114))
    canvas.paste(image.resize((cw, ch), Image.BILINEAR), ((size - cw) // 2, (size - ch) // 2))
    return np.asarray(canvas)


def letterbox_cv2(data: bytes, size: int, reduced: bool) -> np.ndarray:
    buffer = np.frombuffer(data, np.uint8)
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR) if not reduced else None
    if reduced:
        # Same choice as the service: the smallest of 1/8, 1/4, 1/2, 1 that still covers the input.
        w, h = FULL_SIZE
        r = min(size / w, size / h)
        for factor, f in ((8, cv2.IMREAD_REDUCED_COLOR_8), (4, cv2.IMREAD_REDUCED_COLOR_4), (2, cv2.IMREAD_REDUCED_COLOR_2), (1, cv2.IMREAD_COLOR)):
            if 1 / factor >= r:
                image = cv2.imdecode(buffer, f)
                break
    image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    h, w = image.shape[:2]
    r = min(size / w, size / h)
    cw, ch = round(w * r), round(h * r)
    resized = cv2.resize(image, (cw, ch), interpolation=cv2.INTER_LINEAR)
    canvas = np.full((size, size, 3), 114, np.uint8)
    y, x = (size - ch) // 2, (size - cw) // 2
    canvas[y:y + ch, x:x + cw] = resized
    return canvas


def bench(name: str, fn, iterations: int = 200) -> None:
    for _ in range(20):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"{name}: median {statistics.median(times):.3f} ms, p90 {times[len(times) * 9 // 10]:.3f} ms")


if __name__ == "__main__":
    path, size = sys.argv[1], int(sys.argv[2])
    data = open(path, "rb").read()
    FULL_SIZE = Image.open(io.BytesIO(data)).size
    label = f"{path.rsplit('/', 1)[-1]} {FULL_SIZE[0]}x{FULL_SIZE[1]} -> {size}"
    bench(f"pillow        {label}", lambda: letterbox_pil(data, size, draft=False))
    bench(f"pillow+draft  {label}", lambda: letterbox_pil(data, size, draft=True))
    bench(f"opencv        {label}", lambda: letterbox_cv2(data, size, reduced=False))
    bench(f"opencv+reduce {label}", lambda: letterbox_cv2(data, size, reduced=True))
