#!/usr/bin/env bash
# Benchmark (not a timed test) of `radar inventory` against its floor, in the same run:
# `find` + `cat` of the same metadata files (dist-info METADATA and installed package.json
# files), warm cache, median of RUNS; and the peak RSS of radar.
# Usage: inventory/bench/bench.sh RADAR_BIN TREE...   (RUNS=7 by default)
# COMMAND=scan RADAR_DB=PATH times `radar scan` against that advisory database instead.
# e.g.   inventory/bench/bench.sh target/release/radar /work/bench-trees/py-env /work/bench-trees/node-env
set -euo pipefail
radar=${1:?usage: bench.sh RADAR_BIN TREE...}
shift
trees=("$@")
runs=${RUNS:-7}

floor() {
    find "${trees[@]}" -type f \( -path '*.dist-info/METADATA' \
        -o -regex '.*/node_modules/\(@[^/]*/\)?[^/]*/package\.json' \) -print0 \
        | xargs -0 cat >/dev/null
}
command=${COMMAND:-inventory}
scan() {
    local status=0
    "$radar" -q "$command" --format json "${trees[@]}" >/dev/null || status=$?
    # 1 (findings) and 4 (incomplete) are answers, not failures of the benchmark.
    [[ $status == 0 || $status == 1 || $status == 4 ]]
}

median() {
    local fn=$1 times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s.%N)
        $fn
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc)")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

floor; scan # warm the page cache
files=$(find "${trees[@]}" -type f \( -path '*.dist-info/METADATA' \
    -o -regex '.*/node_modules/\(@[^/]*/\)?[^/]*/package\.json' \) | wc -l)
f=$(median floor)
r=$(median scan)
rss=$(/usr/bin/time -f %M "$radar" -q "$command" --format json "${trees[@]}" 2>&1 >/dev/null | tail -1 || true)
echo "metadata files: $files"
echo "find+cat median: ${f}s"
echo "radar $command median: ${r}s"
echo "ratio: $(echo "scale=2; $r / $f" | bc)"
echo "radar peak RSS: $((rss / 1024)) MiB"
