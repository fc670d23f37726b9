#!/usr/bin/env bash
# Benchmark (not a timed test) of `radar sync` from disk: a full sync of an OSV export into
# a new database, then a no-change re-sync; wall time and peak RSS of each, and the ratio
# of the full sync to a floor measured in the same run: decompressing every all.zip
# (`unzip -p … > /dev/null`), the least any sync of that export must do.
#
# Usage: bench/sync.sh RADAR_BIN [EXPORT_DIR]
# EXPORT_DIR defaults to bench-data/export-full, written first by
# ../shared/bench/gen-osv-export.py (scale 1.0, the real shared records mixed in).
set -euo pipefail
radar=${1:?usage: bench/sync.sh RADAR_BIN [EXPORT_DIR]}
export_dir=${2:-bench-data/export-full}
shared=${RADAR_SHARED_DIR:-../shared}

if [[ ! -f $export_dir/ecosystems.txt ]]; then
    python3 "$shared/bench/gen-osv-export.py" "$export_dir" --scale 1.0 \
        --include "$shared/data/osv"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, command...: prints wall seconds and peak RSS in MiB
    local label=$1
    shift
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>&1 || true
    read -r wall rss <"$work/time"
    printf '%-16s %8.2f s %8d MiB\n' "$label" "$wall" $((rss / 1024))
    echo "$wall" >"$work/$label"
}

measure floor sh -c "for z in \"$export_dir\"/*/all.zip; do unzip -p \"\$z\" >/dev/null; done"
measure full-sync "$radar" -q --db "$work/radar.db" sync "$export_dir"
tail -1 "$work/out"
measure re-sync "$radar" -q --db "$work/radar.db" sync "$export_dir"
tail -1 "$work/out"
echo "full sync / floor: $(echo "scale=1; $(cat "$work/full-sync") / $(cat "$work/floor")" | bc)"
