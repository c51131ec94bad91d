#!/usr/bin/env bash
# bench/api/run.sh — HTTP throughput and latency of `bricks serve` under wrk.
#
#     bench/api/run.sh [SECONDS] [CONNECTIONS]      default 20 s, 32 connections
#
# Starts the release server over a fresh data directory, creates what the reads
# need through the API (a cluster), then runs wrk (--latency) on:
#   SCIM Me                 GET /api/2.0/preview/scim/v2/Me
#   workspace get-status    GET /api/2.0/workspace/get-status?path=/Users/<admin>
#   clusters get            GET /api/2.1/clusters/get?cluster_id=<id>
# and prints req/s, p50 and p99 per endpoint (as wrk sees them), the share of non-2xx
# replies, and p50/p99 of the time inside the server (the request log's ms: request
# parsed to reply queued; the rest of wrk's latency is sockets and waiting for a CPU)
# (an endpoint whose service is not merged yet shows 100% non-2xx: its numbers are
# the 404 path's).  Every request carries the admin token and is authenticated
# (BLAKE2b of the token and the auth cache, or an SQLite read after any metastore
# write).  wrk comes from Debian (installed on demand).
# BRICKS_BIN picks another binary, SERVE_ARGS adds serve options (--threads N),
# WRK_THREADS sets wrk's threads (default 2), PIN="SERVER_CPUS WRK_CPUS" runs each
# under taskset on its own CPUs (e.g. PIN="0 1"); PERF=1 also records
# `perf record -g` of the server during the Me run into bench/out/api-perf.data.
# The first output line says which of these were in effect, and the load average.
set -euo pipefail
cd "$(dirname "$0")/../.."

secs=${1:-20}
conns=${2:-32}
bin=${BRICKS_BIN:-build/release/bricks}
[[ -x $bin ]] || make -s release
if ! command -v wrk >/dev/null; then
    echo "bench/api: installing wrk (Debian package)"
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    $SUDO apt-get install -y -qq wrk >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null; }
fi

out=bench/out
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
wrk_threads=${WRK_THREADS:-2}
# PIN="SERVER_CPUS WRK_CPUS" (taskset lists, e.g. PIN="0 1"): each on its own cores
server_pin=() wrk_pin=()
if [[ -n ${PIN:-} ]]; then
    read -r server_cpus wrk_cpus <<<"$PIN"
    server_pin=(taskset -c "$server_cpus")
    wrk_pin=(taskset -c "$wrk_cpus")
fi
"${server_pin[@]}" "$bin" serve --data "$tmp/data" --listen 127.0.0.1:0 ${SERVE_ARGS:-} \
    >"$tmp/out" 2>"$tmp/log" &
pid=$!
for _ in $(seq 300); do
    grep -q "listening on" "$tmp/out" 2>/dev/null && break
    sleep 0.1
done
host=$(sed -nE 's/^bricks serve: listening on (http:\/\/[^ ]+) .*/\1/p' "$tmp/out")
token=$(grep -E '^dapi[0-9a-f]{64}$' "$tmp/out" | head -n1)
[[ -n $host && -n $token ]] || { echo "bench/api: the server did not start"; cat "$tmp/log"; exit 1; }
auth="Authorization: Bearer $token"

admin=$(curl -sf -H "$auth" "$host/api/2.0/preview/scim/v2/Me" | sed -nE 's/.*"userName":"([^"]+)".*/\1/p')
version=$(curl -s -H "$auth" "$host/api/2.1/clusters/spark-versions" \
          | sed -nE 's/.*"key":"([^"]+)".*/\1/p' | head -n1)
cluster=$(curl -s -H "$auth" -X POST "$host/api/2.1/clusters/create" \
          -d "{\"cluster_name\":\"bench\",\"spark_version\":\"${version:-15.4.x-scala2.12}\",\"num_workers\":0}" \
          | sed -nE 's/.*"cluster_id":"([^"]+)".*/\1/p')

run() { # NAME PATH
    local name=$1 path=$2 code
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$host$path")
    local rec=() from
    from=$(($(wc -l <"$tmp/log") + 1))
    if [[ ${PERF:-0} == 1 && $name == "scim-me" ]]; then
        perf record -g -o "$out/api-perf.data" -p "$pid" -- sleep "$secs" >/dev/null 2>&1 &
        rec=($!)
    fi
    "${wrk_pin[@]}" wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --latency -H "$auth" \
        "$host$path" >"$tmp/wrk" 2>&1
    ((${#rec[@]})) && wait "${rec[0]}" || true
    local rps p50 p99 total non2xx
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk")
    total=$(awk '/requests in/ {print $1}' "$tmp/wrk")
    non2xx=$(awk '/Non-2xx/ {print $5}' "$tmp/wrk")
    # the server's own time per request (its log line: parsed to reply queued), this run only
    local inside
    inside=$(tail -n +"$from" "$tmp/log" | grep -F " GET ${path%%\?*} " \
             | awk '{sub(/ms$/, "", $(NF-1)); print $(NF-1)}' | sort -n \
             | awk '{v[NR] = $1} END {if (NR) printf "%.2fms/%.2fms", v[int(NR*0.5)+1],
                                                   v[int(NR*0.99)+1]}')
    printf '%-22s status %s  %10s req/s  p50 %8s  p99 %8s  (%s requests, %s non-2xx)' \
        "$name" "$code" "$rps" "$p50" "$p99" "$total" "${non2xx:-0}"
    printf '  in server p50/p99 %s\n' "${inside:--}"
}

echo "bench/api: $bin ${SERVE_ARGS:-}, wrk -t$wrk_threads -c$conns -d${secs}s, $(nproc) cores," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)${PIN:+, pinned: server on CPU $server_cpus, wrk on CPU $wrk_cpus}"
run scim-me "/api/2.0/preview/scim/v2/Me"
run workspace-get-status "/api/2.0/workspace/get-status?path=/Users/${admin:-admin@bricks.local}"
run clusters-get "/api/2.1/clusters/get?cluster_id=${cluster:-none}"
