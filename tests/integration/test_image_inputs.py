"""Images as clients really send them: CMYK JPEGs from print workflows, base64 with line breaks,
URL-safe or as a data URL; and the right status for what cannot be an image."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
from PIL import Image

import pytest

from conftest import REPO_ROOT, Server, StartServer, assert_error

ASTRONAUT = REPO_ROOT / ".test-images" / "astronaut.jpg"


@pytest.fixture(scope="module")
def demo_server(start_server: StartServer) -> Server:
    return start_server(args=["--preload", "demo=nudenet-320n.onnx", "--deepstack-model", "demo"])


def detections(server: Server, payload: str) -> list[dict]:
    r = server.post("/inference", json={"model_id": "demo", "input_data": payload})
    assert r.status_code == 200, r.text
    return r.json()["detections"]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_cmyk_jpeg_is_decoded_like_its_rgb_original(demo_server: Server) -> None:
    rgb = Image.open(ASTRONAUT).convert("RGB")
    out = io.BytesIO()
    rgb.convert("CMYK").save(out, "JPEG", quality=95)   # Adobe-style inverted CMYK, as Photoshop writes it
    cmyk = out.getvalue()
    assert Image.open(io.BytesIO(cmyk)).mode == "CMYK"
    got = detections(demo_server, base64.b64encode(cmyk).decode())
    want = detections(demo_server, base64.b64encode(ASTRONAUT.read_bytes()).decode())
    assert got and [d["label"] for d in got[:1]] == [d["label"] for d in want[:1]], (got, want)
    a, b = got[0]["box"], want[0]["box"]
    assert max(abs(a[k] - b[k]) for k in a) < 6, (a, b)   # pixels of a 512x512 image


def test_base64_with_line_breaks_url_safe_or_a_data_url_is_the_same_image(demo_server: Server) -> None:
    jpeg = ASTRONAUT.read_bytes()
    plain = base64.b64encode(jpeg).decode()
    want = detections(demo_server, plain)
    mime = base64.encodebytes(jpeg).decode()   # 76-column lines
    urlsafe = base64.urlsafe_b64encode(jpeg).decode().rstrip("=")
    for payload in (mime, urlsafe, "data:image/jpeg;base64," + plain):
        assert detections(demo_server, payload) == want


def test_invalid_base64_characters_are_refused_not_dropped(demo_server: Server) -> None:
    x = np.zeros((1, 3, 320, 320), dtype=np.float32)
    text = base64.b64encode(x.tobytes()).decode()
    broken = text[:100] + "*!" + text[100:]
    error = assert_error(demo_server.post("/inference", json={"model_id": "demo", "input_data": broken}), 400, "invalid_base64")
    assert "input_data" in error["message"]
    assert demo_server.get("/health").status_code == 200


def test_an_empty_png_is_a_bad_image_not_a_large_one(demo_server: Server) -> None:
    header = struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0)   # 0x0 pixels, RGB
    png = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"")) + png_chunk(b"IEND", b"")
    r = demo_server.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(png).decode()})
    assert r.status_code == 400, r.text
    r = demo_server.post("/v1/vision/detection", files={"image": ("e.png", png, "image/png")})
    assert r.status_code in (200, 400) and r.json()["success"] is False, r.text
