"""The detection clients people run, with their own libraries unmodified, against the release
binary over real HTTP, configured with the snippets of docs/integrations.md:

* pydoods 1.0.2 (what Home Assistant core pins) and Home Assistant core's `doods` platform code;
* deepstack-python (Home Assistant's `deepstack_object` component) and codeproject-ai-api (the
  `codeproject_ai_object` component);
* a client that does what Frigate's `deepstack` detector does (test_vision.FrigateDeepStack), on
  every DeepStack route a Frigate label map can reach, with an image of 36 faces;
* CodeProject.AI's status routes as Blue Iris and Agent DVR call them; Double Take's face routes;
* each protocol's malformed requests, answered in that protocol's own form while the service
  goes on serving; and a client that gives up, logged as such (499, info), not as an error.

Home Assistant's platform code is not vendored: it is read at test time from the Home Assistant
wheel scripts/setup.sh downloads (.cache/wheels), and runs against minimal stand-ins for the parts
of Home Assistant it imports (see `home_assistant_stubs`)."""
from __future__ import annotations

import base64
import concurrent.futures
import io
import logging
import re
import sys
import time
import types
import zipfile
from typing import Any, Iterator

import numpy as np
import pytest
import requests
import yaml
from PIL import Image

from conftest import IMAGES, REPO_ROOT, Server, StartServer

DOC = REPO_ROOT / "docs" / "integrations.md"
HOME_ASSISTANT_VERSION = "2025.4.4"  # scripts/setup.sh downloads the same
HOME_ASSISTANT_WHEEL = REPO_ROOT / ".cache" / "wheels" / f"homeassistant-{HOME_ASSISTANT_VERSION}-py3-none-any.whl"
KEY = "k3y"


def image(name: str) -> bytes:
    path = IMAGES / name
    if not path.exists():
        pytest.fail(f"test image {path} is missing: run scripts/setup.sh")
    return path.read_bytes()


# --- the snippets of docs/integrations.md -----------------------------------------------------


def snippet(name: str, server: Server | None = None) -> str:
    """The fenced block after `<!-- test: NAME -->`, pointed at `server`."""
    match = re.search(rf"<!-- test: {re.escape(name)} -->\s*```\w*\n(.*?)```", DOC.read_text(), re.S)
    assert match, f"docs/integrations.md has no snippet '{name}'"
    text = match.group(1)
    if server is not None:
        text = (text.replace("hailo8-service:8080", f"127.0.0.1:{server.port}")
                .replace("port: 8080", f"port: {server.port}").replace("hailo8-service", "127.0.0.1"))
    return text


def config(name: str, server: Server) -> dict:
    return yaml.safe_load(snippet(name, server))


# --- servers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def open_server(start_server: StartServer) -> Server:
    """No API keys (Blue Iris, Agent DVR and codeproject-ai-api send none)."""
    return start_server(args=["--preload", "demo=nudenet-320n.onnx", "--preload", "aff=affine.onnx",
                              "--deepstack-model", "demo", "--log-level", "info"])


@pytest.fixture(scope="module")
def keyed_server(start_server: StartServer) -> Server:
    return start_server(args=["--preload", "demo=nudenet-320n.onnx", "--api-key", KEY])


def alive(server: Server) -> None:
    assert server.process is not None and server.process.poll() is None, server.log_tail()
    answer = server.post("/v1/vision/custom/demo", files={"image": image("astronaut.jpg")},
                         headers={"X-API-Key": KEY})
    assert answer.status_code == 200 and answer.json()["predictions"][0]["label"] == "FACE_FEMALE", answer.text


# --- DOODS: pydoods ------------------------------------------------------------------------------


def test_pydoods_detectors_and_thresholds(open_server: Server) -> None:
    from pydoods import PyDOODS

    doods = PyDOODS(open_server.url, timeout=30)  # the constructor already asks for the detectors
    (detector,) = doods.get_detectors()["detectors"]
    assert detector["name"] == "demo" and detector["type"] == "onnx" and detector["model"] == "nudenet-320n.onnx"
    assert (detector["width"], detector["height"]) == (320, 320) and "FACE_FEMALE" in detector["labels"]

    jpeg = image("astronaut.jpg")
    answer = doods.detect(jpeg, {"*": 50}, detector_name="demo", id="frame-1")
    assert answer["id"] == "frame-1" and "error" not in answer and answer["duration"] >= 0
    (face,) = answer["detections"]
    assert face["label"] == "FACE_FEMALE" and 70 < face["confidence"] <= 100
    assert np.allclose([face["top"], face["left"], face["bottom"], face["right"]],
                       [83 / 512, 173 / 512, 180 / 512, 274 / 512], atol=0.01)

    assert len(doods.detect(jpeg, {"FACE_FEMALE": 60}, detector_name="demo")["detections"]) == 1
    assert doods.detect(jpeg, {"FACE_FEMALE": 99.9}, detector_name="demo")["detections"] == []
    only = doods.detect(jpeg, {"FACE_MALE": 5}, detector_name="demo")["detections"]
    assert {d["label"] for d in only} <= {"FACE_MALE"}  # no '*': the other labels are dropped
    low = doods.detect(jpeg, {"*": 1}, detector_name="demo")["detections"]
    assert len(low) >= 1 and all(d["confidence"] >= 1 for d in low)
    assert [d["confidence"] for d in low] == sorted((d["confidence"] for d in low), reverse=True)
    assert doods.detect(jpeg, {"*": 50})["detections"][0]["label"] == "FACE_FEMALE"  # pydoods' "default" detector
    many = doods.detect(image("faces-36.jpg"), {"FACE_FEMALE": 40}, detector_name="demo")["detections"]
    assert len(many) >= 25  # DOODS has no 20-row limit

    region = {"id": "upper-left", "top": 0, "left": 0, "bottom": 0.5, "right": 0.6, "detect": {"*": 40}}
    framed = requests.post(f"{open_server.url}/detect", json={"data": doods.encode_image(jpeg), "detector_name": "demo",
                                                              "regions": [region]}, timeout=30).json()
    assert [d.get("region_id") for d in framed["detections"]] == ["upper-left"]

    drawn = requests.post(f"{open_server.url}/image", json={"data": doods.encode_image(jpeg), "detector_name": "demo",
                                                            "detect": {"*": 50}}, timeout=30)
    assert drawn.status_code == 200 and drawn.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(drawn.content)).size == (512, 512)


def test_pydoods_auth_key(keyed_server: Server) -> None:
    from pydoods import PyDOODS

    doods = PyDOODS(keyed_server.url, auth_key=KEY, timeout=30)
    assert doods.detect(image("astronaut.jpg"), {"*": 50}, detector_name="demo")["detections"][0]["label"] == "FACE_FEMALE"
    for key in ("wrong", None):
        with pytest.raises(requests.HTTPError) as refused:
            PyDOODS(keyed_server.url, auth_key=key, timeout=30)
        assert refused.value.response.status_code == 401
        body = refused.value.response.json()
        assert body["detections"] == [] and "doods-auth-key" in body["error"]
    alive(keyed_server)


# --- DOODS: Home Assistant core's doods platform -----------------------------------------------


def home_assistant_stubs() -> dict[str, types.ModuleType]:
    """Stand-ins for the Home Assistant modules homeassistant/components/doods/image_processing.py
    imports, each with only the names it uses:

    * homeassistant.components.image_processing: CONF_CONFIDENCE, PLATFORM_SCHEMA (a voluptuous
      schema with `platform`, `source` and `confidence`, as Home Assistant's), ImageProcessingEntity
      (an empty base class);
    * homeassistant.const: the CONF_* names, with Home Assistant's values;
    * homeassistant.core: HomeAssistant (a placeholder type), split_entity_id;
    * homeassistant.helpers.config_validation: string (scalars as text, as Home Assistant's),
      small_float, boolean, positive_int, ensure_list, template (which keeps the text: no Jinja);
    * homeassistant.helpers.template: Template (never instantiated here);
    * homeassistant.helpers.entity_platform, homeassistant.helpers.typing: type names only.

    homeassistant.util.pil (draw_box) is Home Assistant's own, from the same wheel."""
    import voluptuous as vol

    def module(name: str, **names: Any) -> types.ModuleType:
        m = types.ModuleType(name)
        m.__dict__.update(names)
        m.__path__ = []  # a package, so that submodules import
        return m

    def string(value: Any) -> str:
        """As Home Assistant's: any scalar as text; None, lists and mappings are invalid."""
        if value is None or isinstance(value, (list, dict)):
            raise vol.Invalid("value should be a string")
        return str(value)

    cv = module(
        "homeassistant.helpers.config_validation",
        string=string,
        small_float=vol.All(vol.Coerce(float), vol.Range(min=0, max=1)),
        boolean=vol.Boolean(),
        positive_int=vol.All(vol.Coerce(int), vol.Range(min=0)),
        ensure_list=lambda value: [] if value is None else value if isinstance(value, list) else [value],
        template=string,
    )
    template = module("homeassistant.helpers.template", Template=type("Template", (), {}))
    source = vol.Schema({vol.Required("entity_id"): str, vol.Optional("name"): str})
    image_processing = module(
        "homeassistant.components.image_processing",
        CONF_CONFIDENCE="confidence",
        PLATFORM_SCHEMA=vol.Schema({
            vol.Required("platform"): str,
            vol.Optional("source"): vol.All(cv.ensure_list, [source]),
            vol.Optional("confidence"): vol.All(vol.Coerce(float), vol.Range(min=0, max=100)),
        }),
        ImageProcessingEntity=type("ImageProcessingEntity", (), {}),
    )
    return {
        "homeassistant": module("homeassistant"),
        "homeassistant.components": module("homeassistant.components"),
        "homeassistant.components.image_processing": image_processing,
        "homeassistant.const": module("homeassistant.const", CONF_COVERS="covers", CONF_ENTITY_ID="entity_id",
                                      CONF_NAME="name", CONF_SOURCE="source", CONF_TIMEOUT="timeout", CONF_URL="url"),
        "homeassistant.core": module("homeassistant.core", HomeAssistant=type("HomeAssistant", (), {}),
                                     split_entity_id=lambda entity_id: entity_id.split(".", 1)),
        "homeassistant.helpers": module("homeassistant.helpers", config_validation=cv, template=template),
        "homeassistant.helpers.config_validation": cv,
        "homeassistant.helpers.template": template,
        "homeassistant.helpers.entity_platform": module("homeassistant.helpers.entity_platform", AddEntitiesCallback=object),
        "homeassistant.helpers.typing": module("homeassistant.helpers.typing", ConfigType=dict, DiscoveryInfoType=dict),
        "homeassistant.util": module("homeassistant.util"),
    }


@pytest.fixture(scope="module")
def ha_doods() -> Iterator[types.ModuleType]:
    """Home Assistant's doods platform, from the wheel, over the stand-ins."""
    if not HOME_ASSISTANT_WHEEL.is_file():
        pytest.fail(f"{HOME_ASSISTANT_WHEEL.name} is missing from .cache/wheels: run scripts/setup.sh")
    saved = {name: sys.modules[name] for name in list(sys.modules) if name.split(".")[0] == "homeassistant"}
    sys.modules.update(home_assistant_stubs())

    def load(name: str, path: str) -> types.ModuleType:
        with zipfile.ZipFile(HOME_ASSISTANT_WHEEL) as wheel:
            source = wheel.read(path)
        m = types.ModuleType(name)
        m.__file__ = f"{HOME_ASSISTANT_WHEEL.name}/{path}"
        sys.modules[name] = m
        exec(compile(source, m.__file__, "exec"), m.__dict__)
        return m

    load("homeassistant.util.pil", "homeassistant/util/pil.py")
    yield load("homeassistant.components.doods.image_processing", "homeassistant/components/doods/image_processing.py")
    for name in [n for n in sys.modules if n.split(".")[0] == "homeassistant"]:
        del sys.modules[name]
    sys.modules.update(saved)


def ha_entities(ha_doods: types.ModuleType, platform_config: dict) -> list:
    entities: list = []
    ha_doods.setup_platform(None, ha_doods.PLATFORM_SCHEMA(platform_config), entities.extend)
    return entities


def test_home_assistant_doods_platform(ha_doods: types.ModuleType, keyed_server: Server,
                                       caplog: pytest.LogCaptureFixture) -> None:
    platform_config = config("home-assistant-doods", keyed_server)["image_processing"][0]
    (entity,) = ha_entities(ha_doods, platform_config)
    assert entity.name == "Doods front_door"
    assert entity._dconfig == {"FACE_FEMALE": 60, "FACE_MALE": 50}

    entity.process_image(image("astronaut.jpg"))
    assert entity.state == 1
    attributes = entity.extra_state_attributes
    assert attributes["summary"] == {"FACE_FEMALE": 1} and attributes["total_matches"] == 1
    (match,) = attributes["matches"]["FACE_FEMALE"]
    assert match["score"] > 60
    assert np.allclose(match["box"], [83 / 512, 173 / 512, 180 / 512, 274 / 512], atol=0.01)

    entity.process_image(image("coffee.jpg"))
    assert entity.state == 0 and entity.extra_state_attributes["matches"] == {}

    # A label the detector does not list is dropped, as Home Assistant does; then any label counts.
    caplog.set_level(logging.WARNING)
    (anything,) = ha_entities(ha_doods, {**platform_config, "labels": ["cat"], "confidence": 40})
    assert "Detector does not support label cat" in caplog.text
    assert anything._dconfig == {"*": 40}
    anything.process_image(image("faces-36.jpg"))
    assert anything.state >= 25

    # A wrong key: pydoods raises, and the platform sets nothing up.
    with pytest.raises(requests.HTTPError):
        ha_entities(ha_doods, {**platform_config, "auth_key": "wrong"})
    # A detector the service does not have: Home Assistant's warning, no entity.
    assert ha_entities(ha_doods, {**platform_config, "detector": "nope"}) == []
    assert "Detector nope is not supported by doods server" in caplog.text


# --- DeepStack / CodeProject.AI clients --------------------------------------------------------


def test_home_assistant_deepstack_component_settings(keyed_server: Server) -> None:
    """What the deepstack_object component does with its settings: a DeepstackObject with
    min_confidence 0.1, then the targets by exact name above their confidence."""
    from deepstack.core import DeepstackObject

    settings = config("home-assistant-deepstack", keyed_server)["image_processing"][0]
    client = DeepstackObject(ip=settings["ip_address"], port=settings["port"], api_key=settings["api_key"],
                             timeout=10, min_confidence=0.1, custom_model=settings["custom_model"])
    targets = {t["target"] for t in settings["targets"]}
    found = [p for p in client.detect(image("astronaut.jpg"))
             if p["label"] in targets and p["confidence"] * 100 > settings["confidence"]]
    assert [p["label"] for p in found] == ["FACE_FEMALE"]
    assert len(client.detect(image("faces-36.jpg"))) == 20  # the 20 most confident
    default = DeepstackObject(ip=settings["ip_address"], port=settings["port"], api_key=settings["api_key"], min_confidence=0.1)
    assert default.detect(image("astronaut.jpg"))[0]["label"] == "FACE_FEMALE"


def test_codeproject_ai_api(open_server: Server) -> None:
    import codeprojectai.core as cpai

    settings = config("home-assistant-codeproject", open_server)["image_processing"][0]
    client = cpai.CodeProjectAIObject(ip=settings["ip_address"], port=settings["port"], timeout=10,
                                      min_confidence=0.1, custom_model=settings["custom_model"])
    predictions = client.detect(image("astronaut.jpg"))  # every box from 0.1 up, as the component asks
    assert "FACE_FEMALE" in cpai.get_objects(predictions)
    targets = {t["target"] for t in settings["targets"]}
    found = [p for p in predictions if p["label"] in targets and p["confidence"] * 100 > settings["confidence"]]
    assert len(found) == 1 and cpai.get_object_confidences(found, "FACE_FEMALE")[0] > 0.7
    assert len(client.detect(image("faces-36.jpg"))) == 20
    # A broken frame is CodeProject.AI's 200 with success false: the client sees no objects, no crash.
    assert client.detect(image("astronaut.jpg")[:3000]) == []
    assert cpai.CodeProjectAIObject(ip="127.0.0.1", port=open_server.port, custom_model="nope").detect(image("coffee.jpg")) == []
    default = cpai.CodeProjectAIObject(ip="127.0.0.1", port=open_server.port, min_confidence=0.4)
    assert cpai.get_objects_summary(default.detect(image("astronaut.jpg"))) == {"FACE_FEMALE": 1}


# --- Frigate -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["frigate-detection", "frigate-custom"])
def test_frigate_gets_at_most_20_rows_from_36_faces(open_server: Server, name: str) -> None:
    from test_vision import FrigateDeepStack

    frigate = config(name, open_server)
    (detector,) = frigate["detectors"].values()
    assert detector["type"] == "deepstack"
    labelmap = frigate["model"]["labelmap"]
    labels = [labelmap.get(i, "unknown") for i in range(max(labelmap) + 1)]
    assert all(label == label.lower() for label in labels)
    size = (frigate["model"]["width"], frigate["model"]["height"])
    frame = np.asarray(Image.open(io.BytesIO(image("faces-36.jpg"))).convert("RGB").resize(size))

    client = FrigateDeepStack(detector["api_url"], detector.get("api_key", ""), labels)
    rows = client.detect_raw(frame)  # would raise IndexError on a 21st prediction at or above 0.4
    assert rows.shape == (20, 6) and (rows[:, 1] >= 0.4).all() and set(rows[:, 0].astype(int)) <= {0, 1}

    answer = requests.post(detector["api_url"], files={"image": image("faces-36.jpg")}, timeout=30).json()
    assert answer["count"] == len(answer["predictions"]) == 20
    everything = requests.post(detector["api_url"], data={"max_predictions": "0"}, files={"image": image("faces-36.jpg")},
                               timeout=30).json()
    assert everything["count"] >= 25 and everything["predictions"][:20] == answer["predictions"]
    native = open_server.post("/inference", json={"model_id": "demo", "input_data": base64.b64encode(image("faces-36.jpg")).decode(),
                                                 "score_threshold": 0.4})
    assert len(native.json()["detections"]) >= 25


def test_frigate_with_upper_case_labels_sees_nothing(open_server: Server) -> None:
    """Why the label map must be lower case: Frigate lower-cases the service's labels."""
    from test_vision import FrigateDeepStack

    detector = config("frigate-detection", open_server)["detectors"]["hailo8"]
    frame = np.asarray(Image.open(io.BytesIO(image("astronaut.jpg"))).convert("RGB").resize((320, 320)))
    assert not FrigateDeepStack(detector["api_url"], "", ["FACE_FEMALE"]).detect_raw(frame).any()
    assert FrigateDeepStack(detector["api_url"], "", ["face_female"]).detect_raw(frame)[0, 1] > 0.5


# --- Blue Iris, Agent DVR, Double Take ---------------------------------------------------------


@pytest.mark.parametrize("fixture", ["open_server", "keyed_server"])
def test_blue_iris_and_agent_dvr_checks(request: pytest.FixtureRequest, fixture: str) -> None:
    server: Server = request.getfixturevalue(fixture)
    settings = snippet("blue-iris", server)
    host, port = re.search(r"IP/port:\s+(\S+)\s+port: (\d+)", settings).groups()
    assert (host, int(port)) == ("127.0.0.1", server.port)
    assert re.search(r"URL:\s+(\S+)", settings).group(1) == f"http://127.0.0.1:{server.port}/"
    for path in ("/v1/server/status/ping", "/v1/status/ping"):  # no key, whatever the service's keys
        answer = requests.get(f"{server.url}{path}", timeout=10)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
        assert "Transfer-Encoding" not in answer.headers  # "Blue Iris will roll over and die" on chunked answers
        body = answer.json()
        assert body["success"] is True and body["code"] == 200 and body["hostname"]
        assert body["message"] == "{major}.{minor}.{patch}".format(**body["version"])


def test_blue_iris_status_custom_models_and_frames(open_server: Server) -> None:
    url = open_server.url
    for prefix in ("/v1/server/status", "/v1/status"):
        assert requests.get(f"{url}{prefix}/version", timeout=10).json()["success"] is True
        system = requests.get(f"{url}{prefix}/system-status", timeout=10).json()
        assert "hailo8-service" in system["data"]["serverStatus"] and "demo" in system["data"]["serverStatus"]
        modules = requests.get(f"{url}{prefix}/modules/list", timeout=10).json()["statuses"]
        assert {m["moduleId"]: m["status"] for m in modules} == {"demo": "Started", "aff": "Started"}
    assert {m["moduleId"] for m in requests.get(f"{url}/v1/module/list/status", timeout=10).json()["statuses"]} == {"demo", "aff"}
    assert requests.post(f"{url}/v1/vision/custom/list", timeout=10).json() == {"success": True, "models": ["demo"]}
    for path in ("/v1/vision/detection", "/v1/vision/custom/demo"):
        answer = requests.post(f"{url}{path}", data={"min_confidence": "0.5"}, files={"image": image("astronaut.jpg")}, timeout=30)
        assert "Transfer-Encoding" not in answer.headers
        assert [p["label"] for p in answer.json()["predictions"]] == ["FACE_FEMALE"]


def test_double_take_face_routes_are_not_served(open_server: Server) -> None:
    base = config("double-take", open_server)["detectors"]["deepstack"]["url"]
    for route in ("face/recognize", "face/register", "face/list"):
        answer = requests.post(f"{base}/v1/vision/{route}", files={"image": image("astronaut.jpg")}, timeout=30)
        assert answer.status_code == 404, answer.text
        body = answer.json()
        assert body["success"] is False and body["code"] == 404 and "docs/integrations.md" in body["error"]
    alive(open_server)


# --- malformed requests, each in its protocol's form -------------------------------------------


DOODS_MALFORMED = [
    ("truncated JSON", {"data": b'{"data": ', "headers": {"Content-Type": "application/json"}}),
    ("not JSON", {"data": b"data=abc", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}),
    ("no data", {"json": {"detector_name": "demo"}}),
    ("not base64", {"json": {"data": "%%%", "detector_name": "demo"}}),
    ("not an image", {"json": {"data": "aGVsbG8gd29ybGQ=", "detector_name": "demo"}}),
    ("a URL", {"json": {"data": "http://camera/snapshot.jpg", "detector_name": "demo"}}),
    ("unknown detector", {"json": {"data": "aGVsbG8=", "detector_name": "nope"}}),
    ("not a detector", {"json": {"data": "aGVsbG8=", "detector_name": "aff"}}),
    ("threshold over 100", {"json": {"data": "aGVsbG8=", "detector_name": "demo", "detect": {"*": 101}}}),
    ("threshold not a number", {"json": {"data": "aGVsbG8=", "detector_name": "demo", "detect": {"*": "high"}}}),
    ("region outside", {"json": {"data": "aGVsbG8=", "detector_name": "demo", "regions": [
        {"top": 0.5, "left": 0, "bottom": 0.2, "right": 1, "detect": {"*": 50}}]}}),
    ("preprocess", {"json": {"data": "aGVsbG8=", "detector_name": "demo", "preprocess": ["grayscale"]}}),
    ("png answer", {"json": {"data": "aGVsbG8=", "detector_name": "demo", "image": "png"}}),
]


@pytest.mark.parametrize("path", ["/detect", "/image"])
@pytest.mark.parametrize("name,request_kwargs", DOODS_MALFORMED, ids=[m[0] for m in DOODS_MALFORMED])
def test_doods_malformed_requests(open_server: Server, path: str, name: str, request_kwargs: dict) -> None:
    answer = requests.post(f"{open_server.url}{path}", timeout=30, **request_kwargs)
    assert answer.status_code == 400, (name, answer.text)
    body = answer.json()
    assert set(body) <= {"id", "detections", "error"} and body["detections"] == [] and body["error"], body
    alive(open_server)


def test_doods_wrong_methods_and_ids(open_server: Server) -> None:
    answer = requests.get(f"{open_server.url}/detect", timeout=10)
    assert answer.status_code == 405 and answer.json()["detections"] == [] and "POST" in answer.json()["error"]
    answer = requests.post(f"{open_server.url}/detect", json={"id": "cam-7", "data": "aGVsbG8=", "detector_name": "nope"}, timeout=10)
    assert answer.json()["id"] == "cam-7" and "unknown detector name: nope" in answer.json()["error"]
    alive(open_server)


DEEPSTACK_MALFORMED = [
    ("no image field", {"files": {"picture": b"x"}}, 400),
    ("empty image", {"files": {"image": b""}}, 400),
    ("not multipart", {"json": {"image": "aGVsbG8="}}, 415),
    ("not an image", {"files": {"image": b"hello world"}}, 415),
    ("truncated JPEG", {"files": {"image": b"\xff\xd8\xff\xe0" + bytes(300)}}, 400),
    ("min_confidence", {"files": {"image": b"x"}, "data": {"min_confidence": "lots"}}, 400),
    ("max_predictions", {"files": {"image": b"x"}, "data": {"max_predictions": "-1"}}, 400),
]


@pytest.mark.parametrize("path", ["/v1/vision/detection", "/v1/vision/custom/demo", "/v1/vision/custom/nope"])
@pytest.mark.parametrize("name,request_kwargs,status", DEEPSTACK_MALFORMED, ids=[m[0] for m in DEEPSTACK_MALFORMED])
def test_deepstack_malformed_requests(open_server: Server, path: str, name: str, request_kwargs: dict, status: int) -> None:
    answer = requests.post(f"{open_server.url}{path}", timeout=30, **request_kwargs)
    assert answer.status_code == 200, (name, answer.text)
    body = answer.json()
    assert body["success"] is False and body["error"] and body["predictions"] == [] and body["count"] == 0, body
    # The unknown model is found out once the form is read: 404 unless the form is wrong first.
    assert body["code"] == status or (path.endswith("/nope") and body["code"] == 404), body
    alive(open_server)


@pytest.mark.parametrize("method,path,status", [
    ("POST", "/v1/vision/scene", 404), ("GET", "/v1/vision/detection", 405), ("POST", "/v1/server/status/ping", 405),
    ("GET", "/v1/server/status/nope", 404), ("GET", "/v1", 404), ("DELETE", "/v1/status/version", 405),
])
def test_unknown_v1_routes_answer_in_deepstack_form(open_server: Server, method: str, path: str, status: int) -> None:
    answer = requests.request(method, f"{open_server.url}{path}", timeout=10)
    assert answer.status_code == status, answer.text
    assert answer.json()["success"] is False and answer.json()["code"] == status
    alive(open_server)


# --- a client that gives up --------------------------------------------------------------------


def test_a_client_that_gives_up_is_an_info_line_with_499(start_server: StartServer) -> None:
    """Frigate's api_timeout: clients that close their connection before the answer are logged at
    info with status 499, never at error (no "the image pipeline is not running: CancellationError()")."""
    server = start_server(args=["--preload", "demo=nudenet-320n.onnx", "--log-level", "info"])
    frame = image("astronaut-1080p.jpg")

    def impatient(timeout: float) -> None:
        try:
            requests.post(f"{server.url}/v1/vision/detection", files={"image": frame}, timeout=timeout)
        except requests.RequestException:
            pass

    deadline = time.monotonic() + 60
    while "status=499" not in server.log_path.read_text(errors="replace"):
        assert time.monotonic() < deadline, server.log_tail()
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(impatient, [0.005, 0.01, 0.02, 0.03, 0.05, 0.08] * 3))
        time.sleep(0.5)
    log = server.log_path.read_text(errors="replace")
    gone = [line for line in log.splitlines() if "status=499" in line]
    assert gone and all(" info " in line and "the client closed its connection" in line for line in gone), gone[:3]
    assert "CancellationError" not in log and "image pipeline is not running" not in log, log[-3000:]
    assert not [line for line in log.splitlines() if " error " in line], log[-3000:]
    answer = requests.post(f"{server.url}/v1/vision/detection", files={"image": frame}, timeout=30)
    assert answer.json()["predictions"][0]["label"] == "FACE_FEMALE"
