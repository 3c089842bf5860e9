"""The dashboard in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
Selenium): it loads with no console errors, shows the models and devices with live figures, runs
an image through the public API and draws the boxes, loads and unloads models, asks for the API
key when there is one, and shows what users named as text. Screenshots go to
`.test-output/screenshots/` (git-ignored)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import REPO_ROOT, TEST_MODELS, Server, StartServer

SCREENSHOTS = REPO_ROOT / ".test-output" / "screenshots"
ASTRONAUT = REPO_ROOT / ".test-images" / "astronaut.jpg"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not binary or not driver:
        pytest.fail("chromium and chromium-driver are missing: scripts/setup.sh installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(options=options, service=ChromeService(executable_path=driver))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield chrome
    chrome.quit()


def wait(browser: webdriver.Chrome, condition: Callable[[webdriver.Chrome], object], seconds: float = 15, what: str = "") -> object:
    try:
        # The page redraws its tables every second: an element found a moment ago may be gone.
        return WebDriverWait(browser, seconds, poll_frequency=0.1,
                             ignored_exceptions=(StaleElementReferenceException,)).until(condition)
    except TimeoutException:
        browser.save_screenshot(str(SCREENSHOTS / "timeout.png"))
        raise AssertionError(f"timed out waiting for {what or condition}")


def console_errors(browser: webdriver.Chrome) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def model_row(browser: webdriver.Chrome, model_id: str) -> list:
    return browser.find_elements(By.CSS_SELECTOR, f'#models tbody tr[data-model="{model_id}"]')


@pytest.fixture(scope="module")
def dashboard(start_server: StartServer) -> Server:
    return start_server(args=["--preload", "demo=nudenet-320n.onnx"])


def test_the_page_shows_models_devices_and_live_figures(browser: webdriver.Chrome, dashboard: Server) -> None:
    page = requests.get(f"{dashboard.url}/", timeout=10)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    total = sum(len(requests.get(f"{dashboard.url}{p}", timeout=10).content) for p in ("/", "/ui/app.js", "/ui/app.css"))
    assert total < 150_000, total

    browser.get(f"{dashboard.url}/")
    wait(browser, lambda b: model_row(b, "demo"), what="the demo model's row")
    wait(browser, lambda b: all(word in b.find_element(By.CSS_SELECTOR, '#devices [data-device="cpu"]').text
                                for word in ("onnxruntime", "ready")), what="the CPU card")

    stop = threading.Event()

    def load() -> None:   # a short, bounded load on loopback
        jpeg = ASTRONAUT.read_bytes()
        deadline = time.monotonic() + 20
        while not stop.is_set() and time.monotonic() < deadline:
            requests.post(f"{dashboard.url}/inference?model_id=demo", data=jpeg, headers={"Content-Type": "image/jpeg"}, timeout=30)

    worker = threading.Thread(target=load)
    worker.start()
    try:
        wait(browser, lambda b: float(model_row(b, "demo")[0].find_element(By.CSS_SELECTOR, ".rps").text) > 0,
             seconds=20, what="a non-zero requests/s")
    finally:
        stop.set()
        worker.join()
    legend = browser.find_element(By.ID, "routes-legend").text
    assert "native" in legend, legend
    browser.save_screenshot(str(SCREENSHOTS / "dashboard.png"))
    assert console_errors(browser) == []


def test_an_image_is_run_through_the_api_and_its_boxes_drawn(browser: webdriver.Chrome, dashboard: Server) -> None:
    browser.get(f"{dashboard.url}/")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '#try-model option[value="demo"]'), what="the model list")
    browser.find_element(By.ID, "try-file").send_keys(str(ASTRONAUT))
    browser.find_element(By.CSS_SELECTOR, "#try-form button").click()
    rows = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#try-table tbody tr"), what="detections")
    labels = [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows]
    assert any("FACE" in label for label in labels), labels
    assert "total" in browser.find_element(By.ID, "try-timing").text
    # The boxes are drawn over the photo: the canvas is the image's size and not blank.
    size = browser.execute_script("const c = document.getElementById('try-canvas'); return [c.width, c.height];")
    assert size == [512, 512], size
    browser.save_screenshot(str(SCREENSHOTS / "try-an-image.png"))
    assert console_errors(browser) == []


def test_models_are_loaded_and_unloaded_from_the_page(browser: webdriver.Chrome, dashboard: Server) -> None:
    shutil.copy2(TEST_MODELS / "affine.onnx", dashboard.models_dir / "affine.onnx")
    browser.get(f"{dashboard.url}/")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '#load-file option[value="affine.onnx"]'), what="affine.onnx offered")
    Select(browser.find_element(By.ID, "load-file")).select_by_value("affine.onnx")
    browser.find_element(By.ID, "load-id").send_keys("from-page")
    browser.find_element(By.CSS_SELECTOR, "#load-form button").click()
    wait(browser, lambda b: model_row(b, "from-page"), what="the loaded model's row")
    assert "from-page" in {m["model_id"] for m in dashboard.get("/models").json()["models"]}
    wait(browser, lambda b: model_row(b, "from-page")[0].find_element(By.CSS_SELECTOR, "button[data-unload]").click() or True,
         what="the unload button")
    wait(browser, lambda b: not model_row(b, "from-page"), what="the row to go")
    assert "from-page" not in {m["model_id"] for m in dashboard.get("/models").json()["models"]}
    # A refused load shows the service's own message.
    Select(browser.find_element(By.ID, "load-file")).select_by_value("affine.onnx")
    browser.find_element(By.ID, "load-id").clear()
    browser.find_element(By.ID, "load-id").send_keys("demo")   # taken, from another file
    browser.find_element(By.CSS_SELECTOR, "#load-form button").click()
    message = wait(browser, lambda b: "409" in b.find_element(By.ID, "load-message").text and b.find_element(By.ID, "load-message"),
                   what="the 409 message")
    assert "already loaded" in message.text


def test_labels_users_gave_are_shown_as_text(browser: webdriver.Chrome, dashboard: Server) -> None:
    hostile = '<img src=x onerror="document.title=\'owned\'">'
    labels = [hostile] * 18   # the demo model has 18 classes
    r = dashboard.post("/models/load", json={"model_path": "nudenet-320n.onnx", "model_id": "labelled", "labels": labels})
    assert r.status_code == 201, r.text
    browser.get(f"{dashboard.url}/")
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, '#try-model option[value="labelled"]'), what="the labelled model")
    Select(browser.find_element(By.ID, "try-model")).select_by_value("labelled")
    browser.find_element(By.ID, "try-file").send_keys(str(ASTRONAUT))
    browser.find_element(By.CSS_SELECTOR, "#try-form button").click()
    rows = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#try-table tbody tr"), what="detections")
    assert rows[0].find_elements(By.TAG_NAME, "td")[0].text == hostile
    assert browser.find_elements(By.CSS_SELECTOR, "#try-table img") == []
    assert browser.title != "owned"
    dashboard.delete("/models/labelled")


def test_with_an_api_key_the_page_asks_for_it(browser: webdriver.Chrome, start_server: StartServer) -> None:
    server = start_server(args=["--api-key", "s3cret", "--preload", "demo=nudenet-320n.onnx"])
    assert requests.get(f"{server.url}/", timeout=10).status_code == 200   # the page itself is open
    assert requests.get(f"{server.url}/status", timeout=10).status_code == 401
    browser.get(f"{server.url}/")
    wait(browser, lambda b: b.find_element(By.ID, "auth").is_displayed(), what="the key prompt")
    browser.find_element(By.ID, "auth-key").send_keys("wrong")
    browser.find_element(By.CSS_SELECTOR, "#auth-form button").click()
    wait(browser, lambda b: "refused" in b.find_element(By.ID, "auth-message").text, what="the refusal")
    browser.find_element(By.ID, "auth-key").clear()
    browser.find_element(By.ID, "auth-key").send_keys("s3cret")
    browser.find_element(By.CSS_SELECTOR, "#auth-form button").click()
    wait(browser, lambda b: model_row(b, "demo"), what="the models once the key is given")
    assert not browser.find_element(By.ID, "auth").is_displayed()


def test_simulated_hailo_devices_show_their_temperature(browser: webdriver.Chrome, start_server: StartServer, tmp_path: Path) -> None:
    from test_hailo import SIMULATOR
    server = start_server(env={"HAILO8_HAILORT_LIBRARY": str(SIMULATOR), "HAILO_SIM_STATE_DIR": str(tmp_path),
                               "HAILO_SIM_DEVICES": "2", "HAILO_SIM_TEMPERATURE": "61.5"})
    browser.get(f"{server.url}/")
    texts = wait(browser, lambda b: [t for t in (c.text for c in b.find_elements(By.CSS_SELECTOR, "#devices .card")) if "HAILO8" in t],
                 what="the Hailo cards")
    assert len(texts) == 2
    assert "62.8 °C" in texts[0] and "ready" in texts[0] and "0000:01:00.0" in texts[0], texts[0]
    wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#devices .card canvas.spark"), what="a temperature chart")
    browser.save_screenshot(str(SCREENSHOTS / "dashboard-hailo.png"))


def test_a_device_fault_shows_the_device_recovering_then_ready(browser: webdriver.Chrome, start_server: StartServer,
                                                                tmp_path: Path) -> None:
    """The 4th read aborts the streams; the first three attempts to open the device again find it
    taken (74), so it stays `recovering` for a few seconds (0.5 + 1 + 2 s of backoff)."""
    from test_hailo import DETECTOR, SIMULATOR, frame, infer_frame
    server = start_server(env={"HAILO8_HAILORT_LIBRARY": str(SIMULATOR), "HAILO_SIM_STATE_DIR": str(tmp_path),
                               "HAILO_SIM_FAULTS": "read:3:63," + ",".join(["create_vdevice:1:74"] * 3)})
    shutil.copy2(TEST_MODELS / DETECTOR, server.models_dir / DETECTOR)
    assert server.post("/models/load", json={"model_path": DETECTOR, "model_id": "det"}).status_code == 201
    browser.get(f"{server.url}/")

    def hailo_card(b: webdriver.Chrome) -> str:
        return next((c.text for c in b.find_elements(By.CSS_SELECTOR, "#devices .card") if "HAILO8" in c.text or "Hailo" in c.text), "")

    wait(browser, lambda b: "ready" in hailo_card(b), what="the Hailo card, ready")
    for seed in range(4):
        infer_frame(server, "det", frame(seed))   # the 4th fails: the fault
    wait(browser, lambda b: "recovering" in hailo_card(b), seconds=10, what="the card to say recovering")
    wait(browser, lambda b: "recovering" not in hailo_card(b) and "ready" in hailo_card(b), seconds=20, what="ready again")
    assert "Faults\n1" in hailo_card(browser) or "Faults 1" in hailo_card(browser), hailo_card(browser)
