#!/usr/bin/env python3
"""Writes the small ONNX models used by the Swift and Python tests.

Usage: make_test_models.py OUTPUT_DIR [--full-check]

Models (all opset 17, IR version 8):

* affine.onnx     x float32 [batch, 3] -> y = 2*x + 1, metadata names/purpose
* two_inputs.onnx a, b float32 [batch, 4] -> sum = a + b, prod = a * b
* types.onnx      i8 int8 [2,2], u8 uint8 [2,2], f16 float16 [2,2], i64 int64 [n]
                  -> i8_out = -i8, u8_out = u8, f16_out = f16 * 2, i64_out = i64 * 3
* slow.onnx       x float32 [256,256], iterations int64 [] (scalar) -> y float32 [256,256].
                  A Loop runs `iterations` times over MatMul/Tanh/MatMul/Tanh on the carried
                  state (initialised from x). ONNX Runtime checks its terminate flag between the
                  nodes of the loop body, so a run can be cancelled at any point.
                  ITERATIONS_SHORT (10) runs in a few milliseconds; ITERATIONS_LONG (1,000,000)
                  runs for many minutes (0.35 to 1.3 ms per iteration on 2 cores, i.e. 6 to 20
                  min), far longer than any deadline used in the tests.
* bad.onnx        64 bytes of garbage (not a model).

Every model is checked with onnxruntime before the script exits, so a broken generator fails
setup. --full-check additionally runs slow.onnx with ITERATIONS_LONG until it has run for
10 s (then terminates it) instead of extrapolating from a short run.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8

SLOW_SIZE = 256
ITERATIONS_SHORT = 10
ITERATIONS_LONG = 1_000_000
# slow.onnx with ITERATIONS_LONG must run at least this long.
LONG_RUN_MIN_SECONDS = 10.0


def _model(graph: onnx.GraphProto, metadata: dict[str, str] | None = None) -> onnx.ModelProto:
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
        producer_name="hailo8-service-tests",
    )
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(model, full_check=True)
    return model


def make_affine() -> onnx.ModelProto:
    graph = helper.make_graph(
        [
            helper.make_node("Mul", ["x", "two"], ["x2"]),
            helper.make_node("Add", ["x2", "one"], ["y"]),
        ],
        "affine",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        [
            numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two"),
            numpy_helper.from_array(np.array(1.0, dtype=np.float32), "one"),
        ],
    )
    return _model(graph, {"names": "{0: 'cat', 1: 'dog'}", "purpose": "test"})


def make_two_inputs() -> onnx.ModelProto:
    graph = helper.make_graph(
        [
            helper.make_node("Add", ["a", "b"], ["sum"]),
            helper.make_node("Mul", ["a", "b"], ["prod"]),
        ],
        "two_inputs",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, ["batch", 4]),
        ],
        [
            helper.make_tensor_value_info("sum", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("prod", TensorProto.FLOAT, ["batch", 4]),
        ],
    )
    return _model(graph)


def make_types() -> onnx.ModelProto:
    graph = helper.make_graph(
        [
            helper.make_node("Neg", ["i8"], ["i8_out"]),
            helper.make_node("Identity", ["u8"], ["u8_out"]),
            helper.make_node("Mul", ["f16", "f16_two"], ["f16_out"]),
            helper.make_node("Mul", ["i64", "i64_three"], ["i64_out"]),
        ],
        "types",
        [
            helper.make_tensor_value_info("i8", TensorProto.INT8, [2, 2]),
            helper.make_tensor_value_info("u8", TensorProto.UINT8, [2, 2]),
            helper.make_tensor_value_info("f16", TensorProto.FLOAT16, [2, 2]),
            helper.make_tensor_value_info("i64", TensorProto.INT64, ["n"]),
        ],
        [
            helper.make_tensor_value_info("i8_out", TensorProto.INT8, [2, 2]),
            helper.make_tensor_value_info("u8_out", TensorProto.UINT8, [2, 2]),
            helper.make_tensor_value_info("f16_out", TensorProto.FLOAT16, [2, 2]),
            helper.make_tensor_value_info("i64_out", TensorProto.INT64, ["n"]),
        ],
        [
            numpy_helper.from_array(np.array(2.0, dtype=np.float16), "f16_two"),
            numpy_helper.from_array(np.array(3, dtype=np.int64), "i64_three"),
        ],
    )
    return _model(graph)


def make_slow() -> onnx.ModelProto:
    n = SLOW_SIZE
    rng = np.random.default_rng(1)
    # Scaled so that Tanh(s @ w) neither explodes nor collapses to zero.
    weights = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    body = helper.make_graph(
        [
            helper.make_node("MatMul", ["state_in", "w"], ["m1"]),
            helper.make_node("Tanh", ["m1"], ["t1"]),
            helper.make_node("MatMul", ["t1", "w"], ["m2"]),
            helper.make_node("Tanh", ["m2"], ["state_out"]),
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
        ],
        "slow_body",
        [
            helper.make_tensor_value_info("iteration", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("state_in", TensorProto.FLOAT, [n, n]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("state_out", TensorProto.FLOAT, [n, n]),
        ],
    )
    graph = helper.make_graph(
        [helper.make_node("Loop", ["iterations", "keep_going", "x"], ["y"], body=body)],
        "slow",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, n]),
            helper.make_tensor_value_info("iterations", TensorProto.INT64, []),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, n])],
        [
            numpy_helper.from_array(weights, "w"),
            numpy_helper.from_array(np.array(True), "keep_going"),
        ],
    )
    return _model(graph, {"purpose": "test", "iterations_long": str(ITERATIONS_LONG)})


BAD_BYTES = bytes((i * 37 + 11) % 256 for i in range(64))


# ---------------------------------------------------------------------------------------------
# Checks


def _session(path: str) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.log_severity_level = 4  # the terminated run of slow.onnx would log an error
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def check_affine(path: str) -> None:
    sess = _session(path)
    assert [i.name for i in sess.get_inputs()] == ["x"]
    assert sess.get_inputs()[0].shape == ["batch", 3]
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    (y,) = sess.run(None, {"x": x})
    np.testing.assert_array_equal(y, 2 * x + 1)
    meta = sess.get_modelmeta().custom_metadata_map
    assert meta == {"names": "{0: 'cat', 1: 'dog'}", "purpose": "test"}, meta


def check_two_inputs(path: str) -> None:
    sess = _session(path)
    assert [i.name for i in sess.get_inputs()] == ["a", "b"]
    assert [o.name for o in sess.get_outputs()] == ["sum", "prod"]
    a = np.arange(8, dtype=np.float32).reshape(2, 4)
    b = np.full((2, 4), 0.5, dtype=np.float32)
    s, p = sess.run(None, {"a": a, "b": b})
    np.testing.assert_array_equal(s, a + b)
    np.testing.assert_array_equal(p, a * b)


def check_types(path: str) -> None:
    sess = _session(path)
    i8 = np.array([[-128, -1], [0, 127]], dtype=np.int8)
    u8 = np.array([[0, 1], [254, 255]], dtype=np.uint8)
    f16 = np.array([[0.5, -1.25], [3.0, 1000.0]], dtype=np.float16)
    i64 = np.array([-(2**40), -1, 0, 2**40], dtype=np.int64)
    out = sess.run(None, {"i8": i8, "u8": u8, "f16": f16, "i64": i64})
    names = [o.name for o in sess.get_outputs()]
    assert names == ["i8_out", "u8_out", "f16_out", "i64_out"], names
    i8_out, u8_out, f16_out, i64_out = out
    assert i8_out.dtype == np.int8 and u8_out.dtype == np.uint8
    assert f16_out.dtype == np.float16 and i64_out.dtype == np.int64
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(i8_out, -i8)  # -(-128) wraps to -128 in int8
    np.testing.assert_array_equal(u8_out, u8)
    np.testing.assert_array_equal(f16_out, f16 * np.float16(2))
    np.testing.assert_array_equal(i64_out, i64 * 3)


def _slow_inputs(iterations: int) -> dict[str, np.ndarray]:
    x = np.random.default_rng(0).random((SLOW_SIZE, SLOW_SIZE), dtype=np.float32)
    return {"x": x, "iterations": np.array(iterations, dtype=np.int64)}


def _run_until_terminated(sess: ort.InferenceSession, after: float) -> float:
    """Runs ITERATIONS_LONG, sets the terminate flag after `after` seconds; returns the elapsed
    time. Fails if the run finishes by itself or does not stop soon after the flag is set."""
    options = ort.RunOptions()
    timer = threading.Timer(after, lambda: setattr(options, "terminate", True))
    start = time.perf_counter()
    timer.start()
    try:
        sess.run(None, _slow_inputs(ITERATIONS_LONG), run_options=options)
    except Exception as error:  # onnxruntime raises a Fail error naming the terminate flag
        elapsed = time.perf_counter() - start
        assert "terminate" in str(error).lower(), error
    else:
        raise AssertionError(f"slow.onnx with {ITERATIONS_LONG} iterations finished before {after} s")
    finally:
        timer.cancel()
    assert elapsed < after + 2.0, f"terminate took {elapsed - after:.2f} s to take effect"
    return elapsed


def check_slow(path: str, full_check: bool) -> None:
    sess = _session(path)
    assert [i.name for i in sess.get_inputs()] == ["x", "iterations"]
    assert sess.get_inputs()[1].shape == []
    sess.run(None, _slow_inputs(ITERATIONS_SHORT))  # warm-up
    start = time.perf_counter()
    (y,) = sess.run(None, _slow_inputs(ITERATIONS_SHORT))
    short = time.perf_counter() - start
    assert y.shape == (SLOW_SIZE, SLOW_SIZE) and np.isfinite(y).all()
    assert short < 0.5, f"slow.onnx with {ITERATIONS_SHORT} iterations took {short:.3f} s"

    probe = 200
    start = time.perf_counter()
    sess.run(None, _slow_inputs(probe))
    per_iteration = (time.perf_counter() - start) / probe
    estimate = per_iteration * ITERATIONS_LONG
    assert estimate >= LONG_RUN_MIN_SECONDS, f"ITERATIONS_LONG would only run ~{estimate:.1f} s"

    elapsed = _run_until_terminated(sess, LONG_RUN_MIN_SECONDS if full_check else 0.3)
    print(
        f"  slow.onnx: {ITERATIONS_SHORT} iterations {short * 1000:.1f} ms, "
        f"{ITERATIONS_LONG} iterations ~{estimate:.0f} s, terminated after {elapsed:.2f} s"
    )


def check_bad(path: str) -> None:
    try:
        _session(path)
    except Exception:
        return
    raise AssertionError("onnxruntime accepted bad.onnx")


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    full_check = "--full-check" in argv[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = args[0]
    os.makedirs(out_dir, exist_ok=True)

    models = {
        "affine.onnx": (make_affine, check_affine),
        "two_inputs.onnx": (make_two_inputs, check_two_inputs),
        "types.onnx": (make_types, check_types),
        "slow.onnx": (make_slow, lambda p: check_slow(p, full_check)),
    }
    for name, (make, check) in models.items():
        path = os.path.join(out_dir, name)
        onnx.save(make(), path)
        check(path)
    bad = os.path.join(out_dir, "bad.onnx")
    with open(bad, "wb") as f:
        f.write(BAD_BYTES)
    check_bad(bad)
    print(f"  wrote {', '.join(list(models) + ['bad.onnx'])} to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
