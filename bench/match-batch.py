#!/usr/bin/env python3
"""Load generator for `POST /api/v1/match/batch` on loopback (issue 6 benchmark).

Samples package names from the advisory database the server serves (read-only), mixes in
names no advisory mentions, and sends batches of --batch queries from --workers parallel
connections for --seconds. Prints queries a second and request latency percentiles.

Usage:
  radar --db DB keys create --name bench --tier bench --config bench.toml > key
  radar --db DB serve --listen 127.0.0.1:18090 --config bench.toml &
  bench/match-batch.py --db DB --key "$(cat key)" --url http://127.0.0.1:18090

with bench.toml giving a tier `bench` whose limits do not bind, e.g.
  [tiers.bench]  hourly = 1000000000, monthly = 1000000000, max_batch = 4000, max_assets = 1
"""
import argparse
import http.client
import json
import os
import random
import sqlite3
import threading
import time
from urllib.parse import urlparse

PURL_TYPES = {"npm": "npm", "PyPI": "pypi", "RubyGems": "gem", "NuGet": "nuget",
              "crates.io": "cargo"}


def sample_queries(db, count, seed):
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT ecosystem, name FROM affected ORDER BY random() LIMIT ?", (count,)
    ).fetchall()
    queries = []
    for ecosystem, name in rows:
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}"
        if rng.random() < 0.2:
            name = f"no-such-package-{rng.randint(0, 10**9)}"
        if ecosystem in PURL_TYPES and rng.random() < 0.5:
            queries.append({"purl": f"pkg:{PURL_TYPES[ecosystem]}/{name}@{version}"})
        else:
            queries.append({"package": {"name": name, "ecosystem": ecosystem},
                            "version": version})
    return queries


def worker(url, key, bodies, deadline, latencies, counts, lock):
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    i = 0
    while time.monotonic() < deadline:
        body, n = bodies[i % len(bodies)]
        i += 1
        started = time.monotonic()
        conn.request("POST", "/api/v1/match/batch", body=body,
                     headers={"X-API-Key": key, "Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        elapsed = time.monotonic() - started
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}: {data[:300]!r}")
        with lock:
            latencies.append(elapsed)
            counts[0] += n
            counts[1] += len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--key", default="")
    parser.add_argument("--url", default="http://127.0.0.1:18090")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--distinct", type=int, default=50000,
                        help="distinct queries sampled; batches cycle through them")
    parser.add_argument("--write-bodies", metavar="DIR",
                        help="only write the request bodies to DIR/0.json, 1.json, ... "
                             "(for bench/match-batch.lua) and exit")
    args = parser.parse_args()

    queries = sample_queries(args.db, max(args.distinct, args.batch), args.seed)
    bodies = []
    for start in range(0, len(queries) - args.batch + 1, args.batch):
        chunk = queries[start:start + args.batch]
        bodies.append((json.dumps({"queries": chunk}).encode(), len(chunk)))
    if args.write_bodies:
        os.makedirs(args.write_bodies, exist_ok=True)
        for i, (body, _) in enumerate(bodies):
            with open(os.path.join(args.write_bodies, f"{i}.json"), "wb") as f:
                f.write(body)
        print(f"wrote {len(bodies)} bodies of {args.batch} queries to {args.write_bodies}")
        return

    latencies, counts, lock = [], [0, 0], threading.Lock()
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [threading.Thread(target=worker, args=(args.url, args.key, bodies, deadline,
                                                     latencies, counts, lock))
               for _ in range(args.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started

    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    print(json.dumps({
        "batch": args.batch, "workers": args.workers, "requests": len(latencies),
        "queries": counts[0], "seconds": round(wall, 2),
        "queries_per_second": round(counts[0] / wall),
        "latency_ms": {"p50": round(pct(0.50), 1), "p90": round(pct(0.90), 1),
                       "p99": round(pct(0.99), 1), "max": round(latencies[-1] * 1000, 1)},
        "response_mb": round(counts[1] / 1e6, 1),
    }, indent=2))


if __name__ == "__main__":
    main()
