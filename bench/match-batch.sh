#!/usr/bin/env bash
# Benchmark (not a timed test) of `POST /api/v1/match/batch` with 1,000-query batches on
# loopback: queries a second and latency percentiles from wrk, against a baseline measured
# in the same run on the same server and connections, `GET /api/v1/match/help` (a request
# that does no matching), so the figure that compares across machines is a ratio.
#
# Usage: bench/match-batch.sh RADAR_BIN DB
# DB is a database synced from the full-size synthetic export (see bench/sync.sh). The
# database gets one key of a `bench` tier whose limits do not bind, revoked at the end.
# Environment: SECONDS_EACH (default 20), THREADS (wrk threads, default 2), CONNECTIONS
# (default 4), BATCH (default 1000), PORT (default 18090). Needs wrk and python3.
set -euo pipefail
radar=${1:?usage: bench/match-batch.sh RADAR_BIN DB}
db=${2:?usage: bench/match-batch.sh RADAR_BIN DB}
seconds=${SECONDS_EACH:-20}
threads=${THREADS:-2}
connections=${CONNECTIONS:-4}
batch=${BATCH:-1000}
port=${PORT:-18090}
here=$(cd "$(dirname "$0")" && pwd)
url="http://127.0.0.1:$port"

work=$(mktemp -d)
server_pid=
name="bench-$$"
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    "$radar" -q --db "$db" keys revoke "$name" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/bench.toml" <<EOF
[server]
request_timeout_secs = 120

[tiers.bench]
hourly = 1000000000
monthly = 1000000000
max_batch = 4000
max_assets = 1
EOF

key=$("$radar" -q --db "$db" keys create --name "$name" --tier bench \
    --config "$work/bench.toml")
python3 "$here/match-batch.py" --db "$db" --batch "$batch" --write-bodies "$work/bodies" >&2

"$radar" -q --db "$db" serve --listen "127.0.0.1:$port" --config "$work/bench.toml" \
    2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null -H "X-API-Key: $key" "$url/api/v1/match/help" && break
    sleep 0.1
done

run() { # label, URLPATH, duration: one wrk run, its JSON line on stdout
    KEY=$key BODIES="$work/bodies" BATCH=$batch URLPATH=$2 \
        wrk -t "$threads" -c "$connections" -d "$3s" --timeout 60s \
        -s "$here/match-batch.lua" "$url" | grep '^{' | sed "s/^{/{\"run\": \"$1\", /"
}

echo "load before: $(uptime)" >&2
# A first pass fills the server's cache of prepared entries, as on a server that has run.
run warm-up /api/v1/match/batch "$((seconds / 2))" >/dev/null
help=$(run baseline /api/v1/match/help "$seconds")
echo "$help"
match=$(run match-batch /api/v1/match/batch "$seconds")
echo "$match"
echo "load after: $(uptime)" >&2

python3 - "$help" "$match" <<'EOF'
import json, sys
help, match = (json.loads(a) for a in sys.argv[1:])
for run in (help, match):
    if run["errors"]:
        sys.exit(f"{run['run']}: {run['errors']} errors")
print(json.dumps({
    "queries_per_second": match["queries_per_second"],
    "p99_ms": match["latency_ms"]["p99"],
    "baseline_requests_per_second": round(help["requests_per_second"]),
    "queries_per_baseline_request": round(
        match["queries_per_second"] / help["requests_per_second"], 2),
}))
EOF
