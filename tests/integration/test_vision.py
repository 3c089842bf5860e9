"""Images in, detections out, against the release binary over real HTTP: the native /inference
route with images, the DeepStack / CodeProject.AI routes with a Frigate-like client and the real
deepstack-python library, agreement with the Python reference pipeline, and bad images."""
import base64
import io
from pathlib import Path

import numpy as np
import onnx
import pytest
import requests
from onnx import TensorProto, helper
from PIL import Image

from conftest import DEMO_MODEL, IMAGES, Server, assert_error
from reference import Reference, iou

REFERENCE_IMAGES = ["astronaut.png", "astronaut.jpg", "astronaut-1080p.jpg", "astronaut-alpha.png",
                    "astronaut-exif6.jpg", "coffee.png", "coffee.jpg"]


def image(name: str) -> bytes:
    path = IMAGES / name
    if not path.exists():
        pytest.fail(f"test image {path} is missing: run scripts/setup.sh")
    return path.read_bytes()


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference(str(DEMO_MODEL), size=320)


@pytest.fixture(scope="module")
def vision(start_server, tmp_path_factory) -> Server:
    """A service with the demo detector and a synthetic 80-class model that always finds 30
    objects (for Frigate's limit of 20)."""
    root = tmp_path_factory.mktemp("vision")
    many_boxes_model(root / "models" / "many.onnx")
    return start_server(root=root, args=["--preload", "demo=nudenet-320n.onnx", "--deepstack-model", "demo"])


def many_boxes_model(path: Path, boxes: int = 30, anchors: int = 100) -> None:
    """A YOLOv8-shaped [1, 84, N] model over a 64×64 input answering a fixed set of boxes,
    8×8 each on a 10-pixel grid, scores 0.95 down to 0.45, classes person/car/truck in turn
    (the other anchors score 0)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    values = np.zeros((1, 84, anchors), dtype=np.float32)
    for i in range(boxes):
        values[0, 0, i] = 5 + 10 * (i % 6)
        values[0, 1, i] = 5 + 10 * (i // 6)
        values[0, 2:4, i] = 8
        values[0, 4 + [0, 2, 7][i % 3], i] = 0.95 - i * (0.5 / (boxes - 1))
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
         helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
         helper.make_node("Add", ["boxes", "nothing"], ["output0"])],
        "many",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, [1, 84, anchors])],
        [helper.make_tensor("boxes", TensorProto.FLOAT, values.shape, values.flatten()),
         helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


def detect(server: Server, data: bytes, **fields) -> dict:
    response = server.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(data).decode(), **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_seed_example_with_a_real_jpeg(vision: Server) -> None:
    # The seed's client example: base64 image in input_data, JSON out.
    payload = {"model_id": "demo", "input_data": base64.b64encode(image("astronaut.jpg")).decode()}
    result = requests.post(f"{vision.url}/inference", json=payload, timeout=30).json()
    (face,) = result["detections"]
    assert face["label"] == "FACE_FEMALE"
    box = face["box"]
    assert np.allclose([box["x_min"], box["y_min"], box["x_max"], box["y_max"]], [173, 83, 274, 180], atol=4)
    assert result["image"] == {"width": 512, "height": 512}
    assert set(result["timing"]) == {"decode_ms", "preprocess_ms", "queue_ms", "inference_ms", "postprocess_ms", "total_ms"}


def test_coffee_has_no_people(vision: Server) -> None:
    assert detect(vision, image("coffee.png"))["detections"] == []


@pytest.mark.parametrize("name", REFERENCE_IMAGES)
def test_matches_the_reference_pipeline(vision: Server, reference: Reference, name: str) -> None:
    data = image(name)
    expected, (width, height) = reference.detect(data, score_threshold=0.05)
    got = detect(vision, data, score_threshold=0.05)
    assert got["image"] == {"width": width, "height": height}
    ours = [(d["class_id"], d["score"], [d["box"][k] for k in ("x_min", "y_min", "x_max", "y_max")]) for d in got["detections"]]
    theirs = [(d["class_id"], d["score"], d["box"]) for d in expected]
    # Every confident detection of either side has a twin on the other: same class, IoU >= 0.9,
    # score within 0.02. (Detections near the threshold may fall either side of it.)
    for mine, other, who in ((ours, theirs, "reference"), (theirs, ours, "service")):
        for cls, score, box in mine:
            if score < 0.1:
                continue
            twins = [(s, iou(box, b)) for c, s, b in other if c == cls]
            assert any(i >= 0.9 and abs(s - score) <= 0.02 for s, i in twins), f"{name}: {cls} {score:.3f} {box} has no twin in the {who}: {other}"
    assert any(d["label"] == "FACE_FEMALE" for d in got["detections"]) == name.startswith("astronaut")


def test_exif_orientation_is_honoured(vision: Server) -> None:
    upright = detect(vision, image("astronaut.png"))["detections"][0]["box"]
    rotated = detect(vision, image("astronaut-exif6.jpg"))
    assert rotated["image"] == {"width": 512, "height": 512}
    box = rotated["detections"][0]["box"]
    assert iou([box[k] for k in ("x_min", "y_min", "x_max", "y_max")], [upright[k] for k in ("x_min", "y_min", "x_max", "y_max")]) > 0.9


def test_body_forms_and_raw_frames(vision: Server) -> None:
    jpeg = image("astronaut.jpg")
    as_jpeg = vision.post("/inference?model_id=demo", data=jpeg, headers={"Content-Type": "image/jpeg"}).json()
    as_form = vision.post("/inference", files={"image": jpeg}, data={"model_id": "demo"}).json()
    assert as_jpeg["detections"][0]["label"] == as_form["detections"][0]["label"] == "FACE_FEMALE"
    pixels = np.asarray(Image.open(io.BytesIO(image("astronaut.png"))).convert("RGB"))
    rgb = detect(vision, pixels.tobytes(), input_type="rgb24", width=512, height=512)
    bgr = detect(vision, pixels[:, :, ::-1].tobytes(), input_type="bgr24", width=512, height=512)
    assert rgb["detections"][0]["label"] == bgr["detections"][0]["label"] == "FACE_FEMALE"
    assert abs(rgb["detections"][0]["score"] - bgr["detections"][0]["score"]) < 1e-6


def test_image_requests_as_async_tasks(vision: Server) -> None:
    """`"async": true` on an image request (JSON, multipart, raw body): 202 at once, then the
    same detections the synchronous request answers, as the task's result."""
    jpeg = image("astronaut.jpg")
    expected = detect(vision, jpeg)["detections"]
    accepted = [
        vision.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(jpeg).decode(), "async": True}),
        vision.post("/inference", files={"image": jpeg}, data={"model_id": "demo", "async": "true"}),
        vision.post("/inference?model_id=demo&async=1", data=jpeg, headers={"Content-Type": "image/jpeg"}),
    ]
    for response in accepted:
        assert response.status_code == 202, response.text
        assert response.headers["Location"] == f"/inference/{response.json()['task_id']}"
        task = vision.wait_task(response.json()["task_id"])
        assert task["status"] == "succeeded" and task["kind"] == "image" and task["model_id"] == "demo", task
        assert task["result"]["detections"] == expected and task["result"]["image"] == {"width": 512, "height": 512}
        assert set(task["result"]["timing"]) == {"decode_ms", "preprocess_ms", "queue_ms", "inference_ms", "postprocess_ms", "total_ms"}
    # A broken image fails the task with the error the synchronous request gets.
    broken = vision.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(jpeg[:600]).decode(), "async": True})
    assert broken.status_code == 202, broken.text
    task = vision.wait_task(broken.json()["task_id"])
    assert task["status"] == "failed" and task["error"]["code"] == "invalid_image", task
    # An annotated JPEG cannot be a task's JSON result: refused before anything is queued.
    assert_error(vision.post("/inference?model_id=demo&async=1&annotate=1", data=jpeg, headers={"Content-Type": "image/jpeg"}),
                 400, "invalid_request")
    assert_error(vision.post("/inference", json={"model_id": "nope", "input_data": base64.b64encode(jpeg).decode(), "async": True}),
                 404, "model_not_found")


@pytest.mark.parametrize("run_async", [False, True])
def test_a_batch_of_images_and_tensors(vision: Server, run_async: bool) -> None:
    """Batch items may be images: each answers its detections beside the tensor items' outputs,
    one bad item failing alone (synchronously), in order, also as one async task."""
    jpeg, png = image("astronaut.jpg"), image("coffee.png")
    zeros = np.zeros((1, 3, 320, 320), dtype=np.float32)
    items = [{"input_data": base64.b64encode(jpeg).decode()},
             {"input_data": base64.b64encode(zeros.tobytes()).decode()},
             {"input_data": base64.b64encode(png).decode(), "score_threshold": 0.5}]
    if not run_async:
        items.append({"input_data": base64.b64encode(jpeg[:600]).decode(), "input_type": "image"})
    response = vision.post("/inference/batch", json={"model_id": "demo", "items": items, "async": run_async})
    if run_async:
        assert response.status_code == 202, response.text
        task = vision.wait_task(response.json()["task_id"])
        assert task["status"] == "succeeded" and task["kind"] == "batch", task
        body = task["result"]
    else:
        assert response.status_code == 200, response.text
        body = response.json()
    results = body["results"]
    assert [r["index"] for r in results] == list(range(len(items)))
    assert body["succeeded"] == 3 and body["failed"] == len(items) - 3, body
    assert results[0]["detections"] == detect(vision, jpeg)["detections"] and results[0]["image"] == {"width": 512, "height": 512}
    assert results[1]["outputs"][0]["shape"] and "detections" not in results[1]
    assert results[2]["detections"] == [] and results[2]["status"] == "succeeded"
    if not run_async:
        assert results[3]["status"] == "failed" and results[3]["error"]["code"] == "invalid_image", results[3]


def test_annotated_jpeg(vision: Server) -> None:
    response = vision.post("/inference?model_id=demo&annotate=1", data=image("astronaut.png"), headers={"Content-Type": "image/png"})
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    drawn = Image.open(io.BytesIO(response.content))
    assert drawn.size == (512, 512)
    # The frame of the box is drawn in the first palette colour (class 1 → second entry) on the face's edge.
    original = np.asarray(Image.open(io.BytesIO(image("astronaut.png"))).convert("RGB"), dtype=np.int32)
    assert np.abs(np.asarray(drawn, dtype=np.int32) - original).max() > 100


def test_load_options_and_request_overrides(vision: Server) -> None:
    bad = vision.post("/models/load", json={"model_path": "nudenet-320n.onnx", "model_id": "bad", "options": {"postprocess": "yolov9"}})
    assert_error(bad, 422, "invalid_options")
    tuned = vision.load("nudenet-320n.onnx", "tuned", options={"postprocess": "yolov8", "score_threshold": 0.9})
    assert tuned["options"]["score_threshold"] == 0.9
    png = base64.b64encode(image("astronaut.png")).decode()
    strict = vision.post("/inference", json={"model_id": "tuned", "input_data": png}).json()
    assert strict["detections"] == []  # the face scores about 0.82
    relaxed = vision.post("/inference", json={"model_id": "tuned", "input_data": png, "score_threshold": 0.05}).json()
    assert {d["label"] for d in relaxed["detections"]} >= {"FACE_FEMALE"}
    only_male = vision.post("/inference", json={"model_id": "tuned", "input_data": png, "score_threshold": 0.05, "classes": ["FACE_MALE"]}).json()
    assert {d["label"] for d in only_male["detections"]} <= {"FACE_MALE"}
    unknown = vision.post("/inference", json={"model_id": "tuned", "input_data": png, "classes": ["UNICORN"]})
    assert_error(unknown, 400, "invalid_request")
    with_outputs = vision.post("/inference", json={"model_id": "tuned", "input_data": png, "include_outputs": True}).json()
    assert with_outputs["outputs"][0]["shape"] == [1, 22, 2100]
    assert vision.delete("/models/tuned").status_code == 200
    (vision.models_dir / "faces.txt").write_text("\n".join(f"name_{i}" for i in range(18)) + "\n")
    named = vision.load("nudenet-320n.onnx", "named", labels_file="faces.txt")
    assert named["labels"][1] == "name_1"
    assert vision.post("/inference", json={"model_id": "named", "input_data": png}).json()["detections"][0]["label"] == "name_1"
    assert_error(vision.post("/models/load", json={"model_path": "nudenet-320n.onnx", "labels_file": "nope.txt"}), 404)
    assert vision.delete("/models/named").status_code == 200


# --- DeepStack / CodeProject.AI -------------------------------------------------------------


class FrigateDeepStack:
    """Behaves like Frigate's `deepstack` detector: posts the model-sized frame as a JPEG in an
    `image` file field with `api_key` as form data, reads at most 20 predictions into a fixed
    20×6 array, stops at the first one below 0.4 or with an unknown label, lowercases labels and
    maps "truck" to "car"."""

    def __init__(self, url: str, api_key: str, labels: list[str]):
        self.url, self.api_key = url, api_key
        self.labels = dict(enumerate(labels))
        self.session = requests.Session()

    def label_index(self, label: str) -> int:
        label = label.lower()
        if label == "truck":
            label = "car"
        return next((i for i, v in self.labels.items() if v == label), -1)

    def detect_raw(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        buffer = io.BytesIO()
        Image.fromarray(frame).save(buffer, format="JPEG")
        response = self.session.post(self.url, data={"api_key": self.api_key}, files={"image": buffer.getvalue()}, timeout=30)
        body = response.json()
        detections = np.zeros((20, 6), np.float32)
        if body.get("predictions") is None:
            return detections
        for i, d in enumerate(body["predictions"]):
            if d["confidence"] < 0.4:
                break
            label = self.label_index(d["label"])
            if label < 0:
                break
            detections[i] = [label, d["confidence"], d["y_min"] / h, d["x_min"] / w, d["y_max"] / h, d["x_max"] / w]
        return detections


def test_frigate_client_gets_the_face(vision: Server) -> None:
    frame = np.asarray(Image.open(io.BytesIO(image("astronaut.png"))).convert("RGB").resize((320, 320)))
    labels = [name.lower() for name in vision.get("/models/demo").json()["labels"]]
    client = FrigateDeepStack(f"{vision.url}/v1/vision/detection", "", labels)
    detections = client.detect_raw(frame)
    assert labels[int(detections[0, 0])] == "face_female" and detections[0, 1] > 0.5
    assert np.allclose(detections[0, 2:], [83 / 512, 173 / 512, 180 / 512, 274 / 512], atol=0.02)
    assert not detections[1:].any()


def test_frigate_never_sees_more_than_20(start_server, tmp_path_factory) -> None:
    root = tmp_path_factory.mktemp("many")
    many_boxes_model(root / "models" / "many.onnx")
    server = start_server(root=root, args=["--preload", "many=many.onnx", "--api-key", "k3y"])
    coco = [n.strip() for n in "person,bicycle,car".split(",")]
    frame = np.full((64, 64, 3), 90, np.uint8)
    detections = FrigateDeepStack(f"{server.url}/v1/vision/detection", "k3y", coco).detect_raw(frame)  # would raise past 20
    assert (detections[:, 1] > 0.4).all()
    assert set(detections[:, 0].astype(int)) == {0, 2}  # person, car (and truck mapped to car)
    body = requests.post(f"{server.url}/v1/vision/detection", data={"api_key": "k3y"}, files={"image": b"\xff\xd8\xff"}, timeout=30)
    assert body.status_code == 200 and body.json()["success"] is False and body.json()["code"] == 400
    custom = FrigateDeepStack(f"{server.url}/v1/vision/custom/many", "k3y", coco).detect_raw(frame)  # capped too
    assert (custom == detections).all()
    answer = requests.post(f"{server.url}/v1/vision/custom/many", data={"api_key": "k3y", "min_confidence": "0.4",
                                                                       "max_predictions": "0"},
                           files={"image": jpeg_of(frame)}, timeout=30)
    assert "Transfer-Encoding" not in answer.headers and int(answer.headers["Content-Length"]) == len(answer.content)
    full = answer.json()
    assert full["count"] == len(full["predictions"]) > 20
    labels = {p["label"] for p in full["predictions"]}
    assert labels == {"person", "car", "truck"}  # COCO-80 names for an 80-class model without names
    scores = [p["confidence"] for p in full["predictions"]]
    assert scores == sorted(scores, reverse=True)
    denied = requests.post(f"{server.url}/v1/vision/detection", data={"api_key": "nope"}, files={"image": jpeg_of(frame)}, timeout=30)
    assert denied.status_code == 401 and denied.json() == {"success": False, "error": denied.json()["error"], "code": 401}


def jpeg_of(frame: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_deepstack_python_library(vision: Server) -> None:
    from deepstack.core import DeepstackObject, get_objects

    port = int(vision.url.rsplit(":", 1)[1])
    detector = DeepstackObject(ip="127.0.0.1", port=port, min_confidence=0.4)
    predictions = detector.detect(image("astronaut.jpg"))
    assert get_objects(predictions) == ["FACE_FEMALE"]
    (p,) = predictions
    assert all(isinstance(p[k], int) for k in ("x_min", "y_min", "x_max", "y_max"))
    assert abs(p["x_min"] - 173) <= 4 and abs(p["y_max"] - 180) <= 4
    custom = DeepstackObject(ip="127.0.0.1", port=port, min_confidence=0.4, custom_model="demo")
    assert get_objects(custom.detect(image("coffee.jpg"))) == []
    listed = requests.post(f"{vision.url}/v1/vision/custom/list", timeout=30).json()
    assert listed["success"] is True and "demo" in listed["models"]


# --- bad images ----------------------------------------------------------------------------------


def huge_header_jpeg() -> bytes:
    data = bytearray(jpeg_of(np.zeros((16, 16, 3), np.uint8)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = (60000).to_bytes(2, "big") * 2
    return bytes(data)


@pytest.mark.parametrize("kind,status,code", [
    ("truncated", 400, "invalid_image"),
    ("corrupt", 400, "invalid_image"),
    ("huge", 413, "image_too_large"),
    ("gif", 415, "unsupported_image_format"),
    ("short_frame", 400, "invalid_image"),
    ("frame_without_size", 400, "invalid_request"),
])
def test_bad_images_are_refused_and_the_service_keeps_serving(vision: Server, kind: str, status: int, code: str) -> None:
    jpeg = image("astronaut.jpg")
    fields: dict = {"input_type": "image"}
    if kind == "truncated":
        data = jpeg[: len(jpeg) // 3]
    elif kind == "corrupt":
        data = jpeg[:600] + bytes(range(256)) * 40
    elif kind == "huge":
        data = huge_header_jpeg()
        assert len(data) < 50_000
    elif kind == "gif":
        data = b"GIF89a" + bytes(100)
    elif kind == "short_frame":
        data, fields = bytes(100), {"input_type": "rgb24", "width": 64, "height": 64}
    else:
        data, fields = bytes(100), {"input_type": "nv12"}
    response = vision.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(data).decode(), **fields})
    assert_error(response, status, code)
    ds = vision.post("/v1/vision/detection", files={"image": data})
    # CodeProject.AI's way: HTTP 200, success false, the status in code, no predictions.
    assert ds.status_code == 200 and ds.json()["success"] is False and ds.json()["code"] >= 400, ds.text
    assert ds.json()["predictions"] == []
    assert detect(vision, jpeg)["detections"][0]["label"] == "FACE_FEMALE"


def test_body_limit_applies_to_images(start_server) -> None:
    server = start_server(args=["--preload", "demo=nudenet-320n.onnx", "--max-body-size", "100K"])
    big = image("astronaut-1080p.jpg")
    assert len(big) > 100 * 1024
    assert server.post("/inference?model_id=demo", data=big, headers={"Content-Type": "image/jpeg"}).status_code == 413
    ds = server.post("/v1/vision/detection", files={"image": big})
    assert ds.status_code == 413 and ds.json()["success"] is False
    assert server.get("/health").status_code == 200
