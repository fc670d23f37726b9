#!/usr/bin/env bash
# Benchmark (not a timed test): `radar inspect` against GuardDog on the same PyPI archives,
# in the same run, printing both wall times and the ratio (issue 7 asks for >= 20x).
# Usage: vs-guarddog.sh CORPUS_DIR [GUARDDOG]   (CORPUS_DIR made by
#        ../shared/bench/make-benign-corpus.sh; GUARDDOG defaults to `guarddog` on PATH,
#        install with `pip install guarddog`).
set -euo pipefail
corpus=${1:?usage: vs-guarddog.sh CORPUS_DIR [GUARDDOG]}
guarddog=${2:-guarddog}
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cargo build --release -q -p radar --manifest-path "$here/Cargo.toml"
radar="${CARGO_TARGET_DIR:-$here/target}/release/radar"
mapfile -t archives < <(ls "$corpus"/pypi/* | sort)
echo "${#archives[@]} PyPI archives from $corpus/pypi"

# radar runs before and after GuardDog, and its mean is used: the machine's load drifts
# over GuardDog's minutes, and both sides of the ratio should see the same drift.
time_radar() {
  local start
  start=$(date +%s.%N)
  "$radar" inspect --quiet --format json "${archives[@]}" > "$out/radar.json" || true
  echo "$(date +%s.%N) - $start" | bc
}
radar_1=$(time_radar)

start=$(date +%s.%N)
for a in "${archives[@]}"; do
  "$guarddog" pypi scan --no-sandbox --output-format json "$a" > "$out/gd-$(basename "$a").json" 2>/dev/null || true
done
gd_s=$(echo "$(date +%s.%N) - $start" | bc)

radar_2=$(time_radar)
radar_s=$(echo "($radar_1 + $radar_2) / 2" | bc -l)

radar_mal=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(p["verdict"]=="malicious" for p in r["packages"]), sum(p["verdict"]=="suspicious" for p in r["packages"]))' "$out/radar.json")
gd_flagged=$(python3 - "$out" <<'PY'
import json, glob, sys
# GuardDog 3.2 prints {"package", "results": {rule: findings}, ...}; older ones a "score".
scored = flagged = 0
for f in glob.glob(sys.argv[1] + "/gd-*.json"):
    try:
        d = json.load(open(f))
    except Exception:
        continue
    if not isinstance(d, dict):
        continue
    score = d.get("score") or d.get("risk_score") or 0
    if isinstance(score, dict):
        score = score.get("score") or score.get("value") or 0
    scored += isinstance(score, (int, float)) and score >= 5
    flagged += any(v for v in (d.get("results") or {}).values())
print(f"scored >= 5: {scored}, with any rule finding: {flagged}")
PY
) || gd_flagged="findings not counted"
printf 'radar inspect: %.1f s (runs: %.1f s, %.1f s; malicious, suspicious: %s)\n' \
  "$radar_s" "$radar_1" "$radar_2" "$radar_mal"
printf 'guarddog:      %.1f s (%s)\n' "$gd_s" "$gd_flagged"
printf 'ratio:         %.1fx faster\n' "$(echo "$gd_s / $radar_s" | bc -l)"
