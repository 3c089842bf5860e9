#!/usr/bin/env python3
"""Writes the simulated HEF files read by the HailoRT simulator (libHailoRTSimulator.so).

Usage: make_sim_hefs.py OUTPUT_DIR

Each file is a HEF container as HailoRT reads it (header version 2, then the protobuf message
whose header names the chip of the program's `arch` line, then the program: the simulator's text
format). The format is described in docs/hailo-simulator.md. Python 3 standard library only.

Files:

* sim_yolov8n.hef          640x640x3 input, NMS output 80 classes x 100 boxes
* sim_detector_small.hef   64x64x3 input, NMS output 3 classes x 5 boxes (fast tests)
* sim_classifier.hef       224x224x3 input, output 1x1x1000 uint8 (zp 0, scale 1/256)
* sim_perchannel.hef       4x4x3 input, output 2x2x4 (zp 10, scale 0.5, per channel)
* sim_two_outputs.hef      8x8x3 input, outputs .../out_b and .../out_a, listed in the file in
                           the reverse of name order
* sim_slow.hef             64x64x3 input, NMS 3 x 5, fps 5 (one frame takes 200 ms per device)
* sim_zero_640.hef         640x640x3 input, output 1x1x16 uint8, fps 0 (no compute: the benchmark
                           of the host path, bench/run.sh)
* sim_yolov8n_zero.hef     sim_yolov8n.hef at fps 0: the host's whole share of a detection request
                           (decode, letterbox to 640, NMS parsing) with no device time (bench/run.sh)
* sim_hailo15.hef          a Hailo-15H model: loads, but does not configure on a Hailo-8
* sim_detector_8l.hef      sim_detector_small.hef compiled for Hailo-8L: runs on a Hailo-8, more
                           slowly on a real one, and is the only one a Hailo-8L takes
* sim_bad_magic.hef        random bytes (not a HEF)
* sim_corrupt.hef          a good container and magic line, then a malformed input line
"""

from __future__ import annotations

import os
import random
import re
import struct
import sys

MAGIC = "HAILO-SIM-HEF 1\n"

HEF_MAGIC = 0x01484546
HEF_VERSION = 2
# ProtoHEFHwArch by the program's `arch` line (no line: hailo8).
HW_ARCH = {"hailo8": 0, "hailo8l": 3, "hailo15h": 103}
SDK_VERSION = "hailo8-service simulator"

PROGRAMS = {
    "sim_yolov8n.hef": """\
network_group yolov8n
arch hailo8
input yolov8n/input_layer1 640 640 3
output_nms yolov8n/yolov8_nms_postprocess 80 100
""",
    "sim_detector_small.hef": """\
# A tiny detector for fast tests.
network_group detector_small
arch hailo8
input detector_small/input_layer1 64 64 3
output_nms detector_small/nms_postprocess 3 5
""",
    "sim_classifier.hef": """\
network_group classifier
arch hailo8
input classifier/input_layer1 224 224 3
output classifier/fc1 1 1 1000 0 0.00390625
""",
    "sim_perchannel.hef": """\
network_group perchannel
arch hailo8
input perchannel/input_layer1 4 4 3
output perchannel/conv1 2 2 4 10 0.5 per_channel
""",
    "sim_two_outputs.hef": """\
network_group two_outputs
arch hailo8
input two_outputs/input_layer1 8 8 3
# Listed out of name order on purpose: vstream params and handles come back sorted by name.
output two_outputs/out_b 2 2 2 128 0.25
output two_outputs/out_a 1 1 8 0 1
""",
    "sim_slow.hef": """\
network_group slow
arch hailo8
fps 5
input slow/input_layer1 64 64 3
output_nms slow/nms_postprocess 3 5
""",
    "sim_zero_640.hef": """\
# Zero compute and a 16-byte output: what the host path alone can move (bench/run.sh).
network_group zero_640
arch hailo8
fps 0
input zero_640/input_layer1 640 640 3
output zero_640/out 1 1 16 0 1
""",
    "sim_yolov8n_zero.hef": """\
# yolov8n's shape at zero compute: what the host path of a detection request can move (bench/run.sh).
network_group yolov8n_zero
arch hailo8
fps 0
input yolov8n_zero/input_layer1 640 640 3
output_nms yolov8n_zero/yolov8_nms_postprocess 80 100
""",
    "sim_hailo15.hef": """\
network_group hailo15_model
arch hailo15h
input hailo15_model/input_layer1 64 64 3
output_nms hailo15_model/nms_postprocess 3 5
""",
    "sim_detector_8l.hef": """\
# The small detector compiled for Hailo-8L.
network_group detector_8l
arch hailo8l
input detector_8l/input_layer1 64 64 3
output_nms detector_8l/nms_postprocess 3 5
""",
    "sim_corrupt.hef": """\
network_group corrupt
input corrupt/input_layer1 64 sixty-four 3
output_nms corrupt/nms_postprocess 3 5
""",
}


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value == 0:
            return bytes(out + bytes([byte]))
        out.append(byte | 0x80)


def field(number: int, value: int | bytes) -> bytes:
    """A protobuf field: a varint, or length-delimited bytes."""
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    return varint(number << 3 | 2) + varint(len(value)) + value


def container(program: bytes) -> bytes:
    """A HEF of header version 2 around the program. Its xxh3 is 0: the simulator does not check
    it. Proto3 leaves out a field at its default, as hw_arch 0 (HAILO8)."""
    arch = re.search(rb"^arch[ \t]+(\S+)", program, re.MULTILINE)
    hw_arch = HW_ARCH[arch.group(1).decode() if arch else "hailo8"]
    header = (field(1, hw_arch) if hw_arch else b"") + field(3, SDK_VERSION.encode())
    proto = field(1, header)
    hef_header = struct.pack(">IIIQQQQ", HEF_MAGIC, HEF_VERSION, len(proto), 0, len(program), 0, 0)
    return hef_header + proto + program


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name, body in PROGRAMS.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(container((MAGIC + body).encode("ascii")))
    # Deterministic "random" bytes that start with neither magic.
    rng = random.Random(20240423)
    data = bytes([0x7F]) + bytes(rng.randrange(256) for _ in range(255))
    with open(os.path.join(out_dir, "sim_bad_magic.hef"), "wb") as f:
        f.write(data)
    print(f"wrote {len(PROGRAMS) + 1} simulated HEF files into {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
