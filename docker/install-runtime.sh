#!/bin/sh
# Prepares the runtime image (run as root while the image is built):
#   * the libraries the binary links (libjpeg-turbo's TurboJPEG API, libspng, libzmq; the package names
#     differ between Debian and Ubuntu), libstdc++ for ONNX Runtime, curl for the health check,
#   * libhailort from each hailort_<version>_ARCH.deb put in DEB_DIR (one or several versions),
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
apt-get install -y -qq --no-install-recommends ca-certificates curl libstdc++6 libzmq5 "$turbojpeg" "$spng" >/dev/null

# HailoRT: only libhailort.so.<version> of each package, so that several versions sit side by
# side (the service loads the one of the host driver's version at start); the packages' tools
# and the hailort_service daemon belong on the host.
found=0
for deb in "$DEB_DIR"/hailort_*_"$ARCH".deb; do
    [ -f "$deb" ] || continue
    echo "install-runtime.sh: taking libhailort from $(basename "$deb")"
    unpacked="$(mktemp -d)"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$unpacked" --wildcards '*libhailort.so.*'
    find "$unpacked" -name 'libhailort.so.*' \( -type f -o -type l \) -exec cp -P {} /usr/lib/ \;
    rm -rf "$unpacked"
    found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
    echo "install-runtime.sh: no hailort_*_$ARCH.deb: mount the host's libhailort (docs/container.md)"
fi
ldconfig
rm -rf /var/lib/apt/lists/*

groupadd --system --gid 10001 hailo8
useradd --system --uid 10001 --gid hailo8 --home-dir /data --no-create-home --shell /usr/sbin/nologin hailo8
mkdir -p /models /data
chown 10001:10001 /data
