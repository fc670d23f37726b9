#!/usr/bin/env bash
# Makes inspect/data/popular-{pypi,npm}.txt, the popular package names the inspector's
# typosquatting signal compares against, from public registry statistics:
#   PYPI_TSV: name, version, month, rank among the 15000 most downloaded PyPI projects
#   NPM_TSV:  name, version, downloads a month (npm registry download counts)
# Usage: make-popular-names.sh PYPI_TSV NPM_TSV [COUNT]   (COUNT per ecosystem, default 5000)
set -eu  # no pipefail: `head` closes the pipe of `sort` on purpose
pypi_tsv=${1:?usage: make-popular-names.sh PYPI_TSV NPM_TSV [COUNT]}
npm_tsv=${2:?usage: make-popular-names.sh PYPI_TSV NPM_TSV [COUNT]}
count=${3:-5000}
out=$(cd "$(dirname "$0")/../../inspect/data" && pwd)
today=$(date -u +%Y-%m-%d)

{
  echo "# Most downloaded PyPI projects (top $count by download rank), made $today"
  echo "# by bench/inspect/make-popular-names.sh from public PyPI download statistics."
  awk -F'\t' 'NR > 1 && $4 != "" { print $4 "\t" tolower($1) }' "$pypi_tsv" |
    sort -n | head -n "$count" | cut -f2
} > "$out/popular-pypi.txt"

{
  echo "# Most downloaded npm packages (top $count by monthly downloads), made $today"
  echo "# by bench/inspect/make-popular-names.sh from public npm registry download counts."
  awk -F'\t' 'NR > 1 && $3 ~ /^[0-9]+$/ { print $3 "\t" tolower($1) }' "$npm_tsv" |
    sort -rn | head -n "$count" | cut -f2
} > "$out/popular-npm.txt"

echo "$(grep -vc '^#' "$out/popular-pypi.txt") PyPI and $(grep -vc '^#' "$out/popular-npm.txt") npm names in $out" >&2
