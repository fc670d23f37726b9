#!/usr/bin/env python3
"""Compares `radar inventory --format json` with the tools' own lists (issue 4, Done when).

Usage:
  compare-truth.py pip  INVENTORY.json PIP_LIST.json       # pip list --format=json
  compare-truth.py npm  INVENTORY.json NPM_QUERY.json      # npm query '*'
  compare-truth.py cargo INVENTORY.json CARGO_METADATA.json # cargo metadata --format-version 1

Prints the counts on both sides and every difference; exits 1 when they differ.
"""
import json
import re
import sys


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def main():
    kind, inventory_path, truth_path = sys.argv[1:4]
    inventory = json.load(open(inventory_path))
    truth = json.load(open(truth_path))
    packages = inventory["packages"]

    if kind == "pip":
        ours = {(pep503(p["name"]), p["version"]) for p in packages if p["ecosystem"] == "PyPI"}
        theirs = {(pep503(p["name"]), p["version"]) for p in truth}
    elif kind == "npm":
        # Per installed folder: npm query's `location` is the package folder; ours is the
        # package.json inside it.
        ours = set()
        for p in packages:
            if p["ecosystem"] != "npm":
                continue
            for loc in p["locations"]:
                if loc["collector"] == "npm-package-json":
                    folder = loc["path"].rsplit("/package.json", 1)[0]
                    ours.add((folder, p["name"], p["version"]))
        theirs = {
            (p["location"], p["name"], p.get("version"))
            for p in truth
            if p["location"].startswith("node_modules/")
        }
    elif kind == "cargo":
        ours = {
            (p["name"], p["version"], p["source"] == "registry")
            for p in packages
            if p["ecosystem"] == "crates.io"
        }
        theirs = {
            (p["name"], p["version"], (p.get("source") or "").startswith(("registry+", "sparse+")))
            for p in truth["packages"]
        }
    else:
        sys.exit(f"unknown kind {kind}")

    print(f"{kind}: inventory {len(ours)}, truth {len(theirs)}, common {len(ours & theirs)}")
    for extra in sorted(ours - theirs, key=str):
        print(f"  only in inventory: {extra}")
    for missing in sorted(theirs - ours, key=str):
        print(f"  only in truth:     {missing}")
    sys.exit(0 if ours == theirs else 1)


if __name__ == "__main__":
    main()
