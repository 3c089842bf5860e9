#!/usr/bin/env bash
# Builds the image from the repository's Dockerfile with a real container engine and runs it as
# the seed does (tests/container/test_image.py). scripts/test.sh runs it; it also runs alone:
#   ./scripts/test-container.sh            (after scripts/setup.sh and a release build)
#
# The engine is Debian's docker.io, started by hand with its own data and exec roots under a
# temporary folder and stopped by its PID. Network safety:
#   * the images are built by a daemon in this machine's network namespace with no bridge, no
#     iptables rules and no forwarding (--bridge=none --iptables=false --ip-forward=false): the
#     build's RUN steps use the host network to reach Debian's mirror, nothing else is created;
#   * the containers run under a second daemon started inside a network namespace this script
#     makes, holding only its loopback and the daemon's bridges: it has no route out of the
#     machine, its firewall rules and ip_forward are its own, and the tests' clients run inside it.
# Everything made here (containers, images, networks, the daemons, the namespace) is removed at
# the end, also on failure. Cached in .cache/container/ (git-ignored): the base image's root
# filesystem, made once with debootstrap (~1 min), and the onnxruntime wheel.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
CACHE="$ROOT/.cache/container"
SUITE="${CONTAINER_BASE_SUITE:-bookworm}"
BASE_IMAGE="debian:$SUITE"
DOCKER=/usr/bin/docker   # docker.io's own client: it has BuildKit built in (no buildx plugin needed)
ONNXRUNTIME_VERSION="$(sed -n 's/^onnxruntime==//p' requirements-dev.txt)"

say() { printf 'test-container: %s\n' "$*"; }
die() { printf 'test-container: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (a Docker daemon and a network namespace)"
[ "$(uname -m)" = x86_64 ] || die "builds linux/amd64 only ($(uname -m) here)"

# --- the engine and tools, from Debian's packages --------------------------------------------------
missing=()
for pkg in docker.io docker-compose debootstrap iproute2 util-linux; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- the base image's root filesystem (cached) ------------------------------------------------------
ROOTFS_TAR="$CACHE/debian-$SUITE-minbase.tar"
if [ ! -s "$ROOTFS_TAR" ]; then
    say "making the $BASE_IMAGE base with debootstrap (once; cached in .cache/container/)"
    mkdir -p "$CACHE"
    rootfs="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
    debootstrap --variant=minbase "$SUITE" "$rootfs" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
        || { rm -rf "$rootfs"; die "debootstrap failed: see $CACHE/debootstrap.log"; }
    tar -C "$rootfs" -cf "$ROOTFS_TAR.tmp" . && mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
    rm -rf "$rootfs"
fi

# --- what the build context takes: the binary built here, the onnxruntime wheel --------------------
say "staging the release binary (docker/stage-binary.sh)"
bash docker/stage-binary.sh >/dev/null
SIMULATOR="$(swift build -c release --show-bin-path)/libHailoRTSimulator.so"
[ -f "$SIMULATOR" ] || swift build -c release --product HailoRTSimulator >/dev/null
wheel_glob="docker/wheels/onnxruntime-$ONNXRUNTIME_VERSION-*manylinux*_x86_64.whl"
if ! compgen -G "$wheel_glob" >/dev/null; then
    say "downloading the onnxruntime $ONNXRUNTIME_VERSION wheel into docker/wheels/"
    "$ROOT/.venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --platform manylinux_2_28_x86_64 --python-version 3.12 -d docker/wheels "onnxruntime==$ONNXRUNTIME_VERSION"
fi

# --- a temporary home for the daemons; removed on exit ----------------------------------------------
# The host's forwarding switch and firewall rules, compared at the end: this test must leave both.
host_network_state() { sysctl -n net.ipv4.ip_forward; { iptables-save 2>/dev/null || true; } | sed '/^#/d' | md5sum; }
HOST_NETWORK_BEFORE="$(host_network_state)"
WORK="$(mktemp -d /tmp/hailo8-container.XXXXXX)"
NETNS="hailo8-ct-$$"
export DOCKER_HOST="unix://$WORK/docker.sock"
DAEMON_PID=""

stop_daemon() {
    [ -n "$DAEMON_PID" ] || return 0
    local ids
    ids="$("$DOCKER" ps -aq 2>/dev/null || true)"
    [ -z "$ids" ] || "$DOCKER" rm -f $ids >/dev/null 2>&1 || true
    kill "$DAEMON_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=""
}

cleanup() {
    local status=$?
    stop_daemon
    # containerd and its shims were started by the daemon with this exec root; end any left.
    pkill -f -- "$WORK/" 2>/dev/null || true
    grep -o " $WORK/[^ ]*" /proc/mounts 2>/dev/null | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    ip netns del "$NETNS" 2>/dev/null || true
    rm -rf "$WORK"
    if [ "$(host_network_state)" != "$HOST_NETWORK_BEFORE" ]; then
        echo "test-container: error: the host's ip_forward or firewall rules changed" >&2
        status=1
    fi
    exit "$status"
}
trap cleanup EXIT INT TERM

start_daemon() {   # start_daemon [netns]
    local prefix=() log="$WORK/dockerd-${1:-host}.log"
    local flags=(--data-root "$WORK/data" --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid"
                 -H "$DOCKER_HOST" --iptables=false --ip-forward=false --ip-masq=false --ip6tables=false)
    if [ -n "${1:-}" ]; then
        prefix=(nsenter "--net=/var/run/netns/$1")
    else
        flags+=(--bridge=none)
    fi
    "${prefix[@]}" dockerd "${flags[@]}" >"$log" 2>&1 &
    DAEMON_PID=$!
    for _ in $(seq 1 150); do
        "$DOCKER" version >/dev/null 2>&1 && return 0
        kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$log" >&2; die "dockerd did not start"; }
        sleep 0.2
    done
    cat "$log" >&2
    die "dockerd did not answer within 30 s"
}

# --- the build context: the repository's, plus HailoRT packages standing in for Hailo's --------------
# Two .deb files named and laid out like Hailo's (usr/lib/libhailort.so.<version>) carrying the
# simulator, so that the image holds two versions side by side and picks one at start.
CONTEXT="$WORK/context"
mkdir -p "$CONTEXT"
cp -a Dockerfile .dockerignore Package.swift Sources Tests docker "$CONTEXT/"
for version in 4.20.1 4.21.0; do
    pkg="$WORK/pkg-$version"
    mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib"
    cp "$SIMULATOR" "$pkg/usr/lib/libhailort.so.$version"
    printf 'Package: hailort\nVersion: %s\nArchitecture: amd64\nMaintainer: hailo8-service tests\nDescription: stand-in\n' \
        "$version" >"$pkg/DEBIAN/control"
    dpkg-deb --build -Zgzip "$pkg" "$CONTEXT/docker/hailort/hailort_${version}_amd64.deb" >/dev/null
done

# --- build -----------------------------------------------------------------------------------------
say "starting dockerd to build (host network, no bridge, no iptables)"
start_daemon
"$DOCKER" import - "$BASE_IMAGE" <"$ROOTFS_TAR" >/dev/null
started=$SECONDS
say "building hailo8-service:latest from the Dockerfile (BASE_IMAGE=$BASE_IMAGE, BINARY=context)"
DOCKER_BUILDKIT=1 "$DOCKER" build --progress=plain --network host \
    --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg BINARY=context \
    --build-arg ONNXRUNTIME_VERSION="$ONNXRUNTIME_VERSION" \
    -t hailo8-service:latest "$CONTEXT" >"$WORK/build.log" 2>&1 \
    || { tail -n 40 "$WORK/build.log" >&2; die "the image did not build (log above)"; }
DOCKER_BUILDKIT=1 "$DOCKER" build --progress=plain --network host --build-arg BASE_IMAGE="$BASE_IMAGE" \
    -f tests/container/client.Dockerfile -t hailo8-test-client:latest tests/container >"$WORK/client-build.log" 2>&1 \
    || { tail -n 40 "$WORK/client-build.log" >&2; die "the client image did not build (log above)"; }
say "images built in $((SECONDS - started)) s; image size $("$DOCKER" image inspect -f '{{.Size}}' hailo8-service:latest | awk '{printf "%.0f MB", $1/1e6}')"
stop_daemon

# --- run, inside a network namespace of its own ------------------------------------------------------
say "starting dockerd inside network namespace $NETNS (no route out)"
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
start_daemon "$NETNS"
export CONTAINER_TEST_WORK="$WORK" CONTAINER_TEST_DOCKER="$DOCKER" CONTAINER_TEST_SIMULATOR="$SIMULATOR"
export CONTAINER_TEST_CLIENT_IMAGE=hailo8-test-client:latest
ip netns exec "$NETNS" "$ROOT/.venv/bin/python" -m pytest -q -p no:cacheprovider tests/container "$@"
