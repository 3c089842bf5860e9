#!/usr/bin/env bash
# Prints an HAProxy configuration (Debian's haproxy 2.6 or later) for hailo8-service on several
# hosts (docs/scaling.md):
#
#   deploy/haproxy/make-config.sh NODE=HOST:PORT ... > /etc/haproxy/haproxy.cfg
#   deploy/haproxy/make-config.sh gpu1=192.0.2.11:8080 gpu2=192.0.2.12:8080
#
# NODE is the host's --node-name (HAILO8_NODE_NAME, default its host name): async task ids start
# with it (<node>_<uuid>), and the polls of a task are sent to that host. Options, before the nodes:
#   --bind ADDR:PORT     where clients connect (default :8080)
#   --stats ADDR:PORT    also serve HAProxy's statistics page at /stats there (default: none)
#   --log TARGET         HAProxy's log target (default /dev/log; `stderr` in a foreground run)
#   --inter MS           the health check interval (default 1000); a host is taken out after 2
#                        failed checks, put back after 2 good ones
# deploy/haproxy/haproxy.cfg is its output for two example hosts.
set -euo pipefail

bind=":8080" stats="" log="/dev/log" inter=1000
while [ $# -gt 0 ]; do
    case "$1" in
        --bind) bind="$2"; shift 2 ;;
        --stats) stats="$2"; shift 2 ;;
        --log) log="$2"; shift 2 ;;
        --inter) inter="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        --*) echo "make-config.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "make-config.sh: name at least one NODE=HOST:PORT" >&2; exit 2; }
for node in "$@"; do
    [[ "$node" =~ ^[A-Za-z0-9.-]{1,128}=[^=[:space:]]+:[0-9]+$ ]] \
        || { echo "make-config.sh: '$node' is not NODE=HOST:PORT (a node name is 1 to 128 of A-Z a-z 0-9 . -)" >&2; exit 2; }
done
case "$log" in stdout|stderr) log_line="log $log format raw local0 info" ;; *) log_line="log $log local0 info" ;; esac

cat <<CFG
# hailo8-service on $# host(s) behind HAProxy (docs/scaling.md); made by deploy/haproxy/make-config.sh.
global
    $log_line
    maxconn 4096

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 2s
    timeout client 60s
    # Above the service's default request deadline (--request-timeout-ms, 30 s).
    timeout server 40s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 10s
    # Retries, only where nothing can run twice: a connection that could not be made (the
    # request was never sent) is retried for every method, on another host; an empty answer or
    # a timeout only for GET and HEAD (disable-l7-retry below). A POST that reached a host that
    # then died is answered 502, not sent again.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend hailo8
    bind $bind
    http-request disable-l7-retry if !METH_GET
    # The service's queues take turns between clients: name the client, or all look alike.
    http-request set-header X-Client-Id %[src] unless { req.hdr(X-Client-Id) -m found }
    # GET/DELETE /inference/<node>_<uuid> go to the host that holds the task (backend
    # node_<node>). An id naming no host here, or a bare UUID, goes to any host (404 there).
    acl task_poll path_reg ^/inference/[A-Za-z0-9.-]+_[0-9A-Fa-f-]+\$
    http-request set-var(txn.task_node) path,field(3,/),field(1,_) if task_poll
    use_backend node_%[var(txn.task_node)] if task_poll
    default_backend hailo8

# Every host, least connections first. A host is in while GET /v2/health/ready answers 200:
# a backend serves and every model of its models file is ready on an available device.
backend hailo8
    balance leastconn
    option httpchk
    http-check send meth GET uri /v2/health/ready
    http-check expect status 200
    default-server check inter ${inter}ms fastinter $((inter / 2))ms downinter $((inter * 2))ms fall 2 rise 2 observe layer4 error-limit 3 on-error mark-down
CFG
for node in "$@"; do
    printf '    server %s %s\n' "${node%%=*}" "${node#*=}"
done
for node in "$@"; do
    name="${node%%=*}"
    printf '\n# The polls of the tasks of %s: only there, while its checks pass (503 when it is down).\n' "$name"
    printf 'backend node_%s\n    server %s %s track hailo8/%s\n' "$name" "$name" "${node#*=}" "$name"
done
if [ -n "$stats" ]; then
    cat <<CFG

listen stats
    bind $stats
    stats enable
    stats uri /stats
    stats refresh 5s
CFG
fi
