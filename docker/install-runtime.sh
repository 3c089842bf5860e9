#!/bin/sh
# Prepares the runtime image (run as root while the image is built):
#   * the libraries the binary links (libjpeg-turbo's TurboJPEG API, libspng; the package names
#     differ between Debian and Ubuntu), libstdc++ for ONNX Runtime, curl for the health check,
#   * HailoRT's user-space package, when a hailort_<version>_ARCH.deb was put in DEB_DIR,
#   * the unprivileged user the service runs as (uid/gid 10001) and its /models and /data.
#   docker/install-runtime.sh ARCH DEB_DIR
set -eu
ARCH="$1" DEB_DIR="$2"
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
available() { [ -n "$(apt-cache madison "$1" 2>/dev/null)" ]; }
pick() { for name in "$@"; do if available "$name"; then echo "$name"; return; fi; done; echo "install-runtime.sh: none of $* in this base's packages" >&2; exit 1; }
turbojpeg="$(pick libturbojpeg0 libturbojpeg)"
spng="$(pick libspng0)"
apt-get install -y -qq --no-install-recommends ca-certificates curl libstdc++6 "$turbojpeg" "$spng" >/dev/null

deb="$(find "$DEB_DIR" -maxdepth 1 -name "hailort_*_$ARCH.deb" | sort | tail -n 1)"
if [ -n "$deb" ]; then
    echo "install-runtime.sh: installing $(basename "$deb")"
    # Its post-install script starts hailort_service with systemd, which a container lacks.
    apt-get install -y -qq --no-install-recommends "$deb" >/dev/null || dpkg --force-depends -i "$deb"
else
    echo "install-runtime.sh: no hailort_*_$ARCH.deb: mount the host's libhailort (docs/container.md)"
fi
rm -rf /var/lib/apt/lists/*

groupadd --system --gid 10001 hailo8
useradd --system --uid 10001 --gid hailo8 --home-dir /data --no-create-home --shell /usr/sbin/nologin hailo8
mkdir -p /models /data
chown 10001:10001 /data
