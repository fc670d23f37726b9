#!/bin/sh
# Regenerates ../rocky/var/lib/rpm/rpmdb.sqlite from the .spec files beside this script,
# with the real rpm tools (Debian: `apt-get install rpm`). Only needed to change the fixture;
# tests read the committed database.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/../rocky/var/lib/rpm"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for spec in "$here"/*.spec; do
    rpmbuild --quiet --define "_topdir $work/build" -bb "$spec"
done

rm -rf "$out"
mkdir -p "$out"
rpm --define '_db_backend sqlite' --dbpath "$out" --initdb
rpm --define '_db_backend sqlite' --dbpath "$out" --nodeps --justdb --noscripts \
    --ignorearch --ignoreos -i "$work"/build/RPMS/noarch/*.rpm

# Keep only the database itself (no WAL or shared-memory leftovers), compacted.
sqlite3 "$out/rpmdb.sqlite" 'PRAGMA journal_mode=DELETE; VACUUM;' >/dev/null 2>&1 || true
rm -f "$out"/rpmdb.sqlite-* "$out"/.rpm.lock "$out"/.dbenv.lock
ls -l "$out"
