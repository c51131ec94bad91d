#!/usr/bin/env bash
# bench/api/cost.sh — user-space instructions per request of `bricks serve`, under callgrind.
#
#     bench/api/cost.sh [REQUESTS]          default 2000 per endpoint
#
# Wall-clock numbers (run.sh) swing with whatever else the machine runs; instruction
# counts do not.  This starts the server under valgrind --tool=callgrind with one
# worker thread, warms each endpoint of run.sh up with 50 requests, zeroes the
# counters, sends REQUESTS keep-alive requests one at a time (python3 http.client,
# in another process, so not counted) and divides the dumped total by REQUESTS.
# Kernel work (syscalls, TCP) is not counted: see `strace -c` for that.
# BRICKS_BIN picks another binary; the dumps stay in bench/out/api-cost/ for
# callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-2000}
bin=${BRICKS_BIN:-build/release/bricks}
[[ -x $bin ]] || make -s release
command -v valgrind >/dev/null || { echo "bench/api: cost.sh needs valgrind"; exit 1; }

out=bench/out/api-cost
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.%p" --compress-strings=no \
    --compress-pos=no "$bin" serve --data "$tmp/data" --listen 127.0.0.1:0 --threads 1 \
    >"$tmp/out" 2>"$tmp/log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do
    grep -q "listening on" "$tmp/out" 2>/dev/null && break
    sleep 0.1
done
host=$(sed -nE 's/^bricks serve: listening on (http:\/\/[^ ]+) .*/\1/p' "$tmp/out")
token=$(grep -E '^dapi[0-9a-f]{64}$' "$tmp/out" | head -n1)
[[ -n $host && -n $token ]] || { echo "bench/api: the server did not start"; cat "$tmp/log"; exit 1; }

python3 - "$host" "$token" "$n" "$pid" <<'PY'
import http.client, json, subprocess, sys
host, token, n, pid = sys.argv[1].split("//")[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
auth = {"Authorization": "Bearer " + token}
conn = http.client.HTTPConnection(host)

def call(method, path, body=None):
    conn.request(method, path, body=body, headers=auth)
    r = conn.getresponse()
    return r.status, r.read()

admin = json.loads(call("GET", "/api/2.0/preview/scim/v2/Me")[1])["userName"]
spec = {"cluster_name": "bench", "spark_version": "15.4.x-scala2.12", "num_workers": 0}
cluster = json.loads(call("POST", "/api/2.1/clusters/create", json.dumps(spec))[1])["cluster_id"]
for name, path in [("scim-me", "/api/2.0/preview/scim/v2/Me"),
                   ("workspace-get-status", "/api/2.0/workspace/get-status?path=/Users/" + admin),
                   ("clusters-get", "/api/2.1/clusters/get?cluster_id=" + cluster)]:
    for _ in range(50):
        call("GET", path)
    subprocess.run(["callgrind_control", "-z", pid], check=True, capture_output=True)
    for _ in range(n):
        status, _ = call("GET", path)
        if status != 200:
            sys.exit(f"bench/api: {name} answered {status}")
    subprocess.run(["callgrind_control", "--dump=" + name, pid], check=True, capture_output=True)
PY
for f in "$out"/callgrind.*.*; do
    name=$(sed -nE 's/^desc: Trigger: dump (.*)$/\1/p' "$f")
    total=$(sed -nE 's/^summary: ([0-9]+)$/\1/p' "$f")
    [[ -n $name && -n $total ]] || continue
    printf '%-22s %8d instructions/request  (%s)\n' "$name" $((total / n)) "$f"
done
