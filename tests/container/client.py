"""The README's client example as a program: load the demo model, run one tensor through it.
The container test runs it from the host and from a client container (which has only Python,
requests and numpy: no Hailo or ONNX software).

    python3 client.py http://hailo8-service:8080
"""

import base64
import sys

import numpy as np
import requests

url = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080"
r = requests.post(f"{url}/models/load", json={"model_path": "nudenet-320n.onnx", "model_id": "demo"}, timeout=60)
r.raise_for_status()

x = np.random.default_rng(0).random((1, 3, 320, 320), dtype=np.float32)
r = requests.post(f"{url}/inference",
                  json={"model_id": "demo", "input_data": base64.b64encode(x.tobytes()).decode()}, timeout=60)
r.raise_for_status()
out = r.json()["outputs"][0]
y = np.frombuffer(base64.b64decode(out["data"]), dtype=out["dtype"]).reshape(out["shape"])
print(y.shape, r.json()["timing"])
if y.shape != (1, 22, 2100):
    sys.exit(f"unexpected output shape {y.shape}")
