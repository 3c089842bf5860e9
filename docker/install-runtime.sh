#!/usr/bin/env bash
# Installs the runtimes into the runtime image (run as root at image build time):
#   * HailoRT's user-space library from a .deb placed in HAILORT_DEB_DIR (download
#     hailort_4.23.0_<arch>.deb from Hailo's Developer Zone into docker/hailort/ before building;
#     without it, mount the host's libhailort.so.4.23.0 and set HAILO8_HAILORT_LIBRARY),
#   * ONNX Runtime for the CPU backend, from the onnxruntime wheel, into ORT_VENV.
# Prints the path of libonnxruntime for the entrypoint.
set -euo pipefail

HAILORT_DEB_DIR="${HAILORT_DEB_DIR:-/tmp/hailort}"
ORT_VENV="${ORT_VENV:-/opt/onnxruntime}"
REQUIREMENTS="${REQUIREMENTS:-/opt/hailo8-service/share/requirements-runtime.txt}"

shopt -s nullglob
debs=("$HAILORT_DEB_DIR"/hailort_4.23.0_*.deb)
if [ "${#debs[@]}" -gt 0 ]; then
    echo "installing ${debs[0]}"
    # The package's post-install tries to start hailort_service with systemd: not in a container.
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${debs[0]}" || dpkg --force-depends -i "${debs[0]}"
else
    echo "no hailort_4.23.0_*.deb in $HAILORT_DEB_DIR: the image will use a libhailort mounted from the host"
fi

python3 -m venv "$ORT_VENV"
"$ORT_VENV/bin/pip" install --no-cache-dir --disable-pip-version-check -q -r "$REQUIREMENTS"
find "$ORT_VENV" -name 'libonnxruntime.so.*' -print -quit
