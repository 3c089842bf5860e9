#!/usr/bin/env bash
# Several hosts behind HAProxy (docs/scaling.md), each host a network namespace this script makes:
#   client ── balancer (Debian's haproxy, deploy/haproxy/make-config.sh) ─┬─ service 1
#                                                                          ├─ service 2
#                                                                          └─ service 3
# joined by veth pairs, one /30 per link in 198.18.0.0/15 (the range set aside for network
# tests). The services are the release binary serving the demo model; tests/cluster/ runs inside
# the client namespace (pytest) and shows load spread over the hosts, async tasks polled back
# through the balancer, a host killed under load, and the host coming back.
# scripts/test.sh runs it; it also runs alone, as root, after scripts/setup.sh and a release build:
#   ./scripts/test-cluster.sh
#
# Network safety: every process that sends a packet runs inside one of these namespaces; the
# namespaces have no default route and no route out (checked), the balancer's namespace does not
# forward, and nothing in this machine's own namespace addresses them. Every namespace, link and
# process made here is removed at the end, also on failure, and this machine's ip_forward and
# firewall rules are checked to be as they were.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

say() { printf 'test-cluster: %s\n' "$*"; }
die() { printf 'test-cluster: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
BINARY="${HAILO8_BINARY:-$(swift build -c release --show-bin-path 2>/dev/null)/hailo8-service}"
DEMO_MODEL="${HAILO8_DEMO_MODEL:-$ROOT/models/nudenet-320n.onnx}"
PYTHON="$ROOT/.venv/bin/python"
[ -x "$BINARY" ] || die "no release binary at $BINARY: swift build -c release --product hailo8-service"
[ -f "$DEMO_MODEL" ] || die "no demo model at $DEMO_MODEL: run scripts/setup.sh"
[ -x "$PYTHON" ] || die "no .venv: run scripts/setup.sh"
ORT_LIBRARY="$("$PYTHON" -c 'import glob, os, onnxruntime; print(sorted(glob.glob(os.path.join(os.path.dirname(onnxruntime.__file__), "capi", "libonnxruntime.so.*")))[0])')"

missing=()
for tool in haproxy:haproxy ip:iproute2 iptables-save:iptables; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    # Installing haproxy must not start Debian's own haproxy service: this test runs its own.
    policy="/usr/sbin/policy-rc.d"
    made_policy=""
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -z "$made_policy" ] || rm -f "$policy"
fi

# --- what is made here, and how it is removed ---------------------------------------------------------
host_network_state() { sysctl -n net.ipv4.ip_forward; { iptables-save 2>/dev/null || true; } | sed '/^#/d' | md5sum; }
HOST_NETWORK_BEFORE="$(host_network_state)"
started=$SECONDS
TAG="h8c$$"                       # prefix of every namespace; links live only inside them
NS_CLIENT="$TAG-client" NS_LB="$TAG-lb"
SERVICES=(1 2 3)
WORK="$(mktemp -d /tmp/hailo8-cluster.XXXXXX)"
NAMESPACES=()

# The PIDs this run recorded (WORK/*.pid) whose process is still one of ours: its command line
# names this run's folder (a PID freed by a killed service is never taken for ours).
recorded_pids() {
    local file pid
    for file in "$WORK"/*.pid; do
        [ -f "$file" ] || continue
        pid="$(cat "$file")"
        [ -n "$pid" ] && { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$WORK/" && echo "$pid"
    done
    return 0
}

kill_recorded() {   # SIGTERM, up to 5 s, then SIGKILL
    local pids
    pids="$(recorded_pids)"
    [ -n "$pids" ] || return 0
    kill $pids 2>/dev/null || true
    for _ in $(seq 1 50); do
        [ -n "$(recorded_pids)" ] || return 0
        sleep 0.1
    done
    pids="$(recorded_pids)"
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
}

cleanup() {
    local status=$?
    kill_recorded
    for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    if ip netns list | grep -q "^$TAG-"; then
        echo "test-cluster: error: namespaces left: $(ip netns list | grep "^$TAG-" | tr '\n' ' ')" >&2
        status=1
    fi
    if ip -o link show | grep -q "$TAG"; then
        echo "test-cluster: error: links left in this machine's namespace" >&2
        status=1
    fi
    if [ "$status" -ne 0 ] && [ -d "$WORK" ]; then
        # The whole logs stay in .cache/cluster-logs/ (git-ignored) for a look.
        rm -rf "$ROOT/.cache/cluster-logs" && mkdir -p "$ROOT/.cache/cluster-logs"
        cp "$WORK"/*.log "$ROOT/.cache/cluster-logs/" 2>/dev/null || true
        for log in "$WORK"/*.log; do
            [ -f "$log" ] || continue
            echo "--- $(basename "$log") (last lines)" >&2
            tail -n 15 "$log" >&2
        done
    fi
    rm -rf "$WORK"
    if [ "$(host_network_state)" != "$HOST_NETWORK_BEFORE" ]; then
        echo "test-cluster: error: the host's ip_forward or firewall rules changed" >&2
        status=1
    fi
    say "took $((SECONDS - started)) s"
    exit "$status"
}
trap cleanup EXIT INT TERM

# --- the hosts ------------------------------------------------------------------------------------------
add_ns() {
    ip netns add "$1"
    NAMESPACES+=("$1")
    ip -n "$1" link set lo up
}
# link NS_A ADDR_A NS_B ADDR_B: a veth pair made inside the two namespaces (never in this one).
link() {
    local name="${TAG}l${#NAMESPACES[@]}"
    ip -n "$1" link add "${name}a" type veth peer name "${name}b" netns "$3"
    ip -n "$1" addr add "$2/30" dev "${name}a"
    ip -n "$3" addr add "$4/30" dev "${name}b"
    ip -n "$1" link set "${name}a" up
    ip -n "$3" link set "${name}b" up
}

say "making namespaces $TAG-{client,lb,svc1..3} joined by veth pairs (198.18.0.0/15, no route out)"
add_ns "$NS_CLIENT"
add_ns "$NS_LB"
LB_ADDR=198.18.0.1
link "$NS_LB" "$LB_ADDR" "$NS_CLIENT" 198.18.0.2
NODES=()
for n in "${SERVICES[@]}"; do
    add_ns "$TAG-svc$n"
    link "$NS_LB" "198.18.$n.1" "$TAG-svc$n" "198.18.$n.2"
    NODES+=("svc$n=198.18.$n.2:8080")
done
for ns in "${NAMESPACES[@]}"; do
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0
    [ -z "$(ip -n "$ns" route show default)" ] || die "$ns has a default route"
    ip -n "$ns" route get 192.0.2.1 >/dev/null 2>&1 && die "$ns has a route out"
done

# --- the services ---------------------------------------------------------------------------------------
# start_service N: the release binary in namespace svcN, its PID in svcN.pid. The command is also
# written to svcN.cmd, for the test to start it again after killing it.
for n in "${SERVICES[@]}"; do
    mkdir -p "$WORK/svc$n/models" "$WORK/svc$n/data"
    cp "$DEMO_MODEL" "$WORK/svc$n/models/nudenet-320n.onnx"
    printf '%s\n' ip netns exec "$TAG-svc$n" "$BINARY" serve --host "198.18.$n.2" --port 8080 \
        --models-dir "$WORK/svc$n/models" --data-dir "$WORK/svc$n/data" --node-name "svc$n" \
        --preload demo=nudenet-320n.onnx --onnxruntime-library "$ORT_LIBRARY" \
        --inference-threads 1 --intra-op-threads 1 --vision-threads 1 --log-level notice >"$WORK/svc$n.cmd"
    mapfile -t cmd <"$WORK/svc$n.cmd"
    env -i PATH="$PATH" "${cmd[@]}" >>"$WORK/svc$n.log" 2>&1 &
    echo $! >"$WORK/svc$n.pid"
    disown $!   # the test kills one: no job report from this shell
done

# --- the balancer ---------------------------------------------------------------------------------------
INTER_MS=1000
bash deploy/haproxy/make-config.sh --bind "$LB_ADDR:8080" --stats "$LB_ADDR:8404" --log stderr \
    --inter "$INTER_MS" "${NODES[@]}" >"$WORK/haproxy.cfg"
haproxy -c -q -f "$WORK/haproxy.cfg" || die "haproxy refuses the generated configuration"
ip netns exec "$NS_LB" haproxy -db -f "$WORK/haproxy.cfg" >>"$WORK/haproxy.log" 2>&1 &
echo $! >"$WORK/haproxy.pid"

# --- the clients, inside the client namespace ------------------------------------------------------------
say "3 services and haproxy started ($((SECONDS - started)) s); running tests/cluster in $NS_CLIENT"
export CLUSTER_BALANCER="http://$LB_ADDR:8080" CLUSTER_STATS="http://$LB_ADDR:8404/stats;csv"
export CLUSTER_WORK="$WORK" CLUSTER_NODES="svc1 svc2 svc3" CLUSTER_CHECK_INTERVAL_MS="$INTER_MS"
export CLUSTER_FIGURES="$ROOT/.cache/cluster-figures.json"
mkdir -p "$ROOT/.cache"
timeout 600 ip netns exec "$NS_CLIENT" "$PYTHON" -m pytest -q -p no:cacheprovider tests/cluster "$@"
[ ! -f "$CLUSTER_FIGURES" ] || say "figures: $(cat "$CLUSTER_FIGURES")"
