#!/usr/bin/env python3
"""delta_log/run.py — time loading a 100,000-file Delta log: Bricks vs delta-rs.

    .venv/bin/python bench/delta_log/run.py [DIR] [--runs 5] [--bin build/release/bricks]

Uses the tables bench/delta_log/gen.py makes in DIR (default /tmp/bricks-bench-delta;
generated first when missing) and times, N times each, interleaved, after one
untimed warm-up run of each (so the log is in the page cache for everyone):

    bricks info       `bricks delta info PATH --format json`, wall time of the whole
                      process: snapshot load (list, checkpoint, commits, replay) plus
                      the file count, bytes and records it sums from the adds' stats
    bricks --version  `bricks --version`: process start and exit alone, to subtract
    delta-rs open     deltalake.DeltaTable(PATH) alone, in-process
    delta-rs files    deltalake.DeltaTable(PATH) + .file_uris(), in-process
    delta-rs adds     the same + .get_add_actions(flatten=True) (stats parsed, as
                      `info` needs them for num_records)

for two tables: `checkpoint` (Parquet checkpoint at version 99 + 10 JSON commits)
and `json_only` (110 JSON commits).  Prints min and median seconds and the ratios
Bricks/delta-rs (below 1.00: Bricks is faster), with and without the process start.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import deltalake

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import gen  # noqa: E402

CASES = ["checkpoint", "json_only"]


def run_bricks(argv):
    t0 = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError("%s: exit status %d: %s"
                           % (" ".join(argv), p.returncode, p.stderr.decode(errors="replace")))
    return elapsed, p.stdout


def bricks_info(binary, path, want_files):
    elapsed, out = run_bricks([binary, "delta", "info", path, "--format", "json"])
    info = json.loads(out)
    if info["num_files"] != want_files:
        raise RuntimeError("bricks: %d files in %s, expected %d" % (info["num_files"], path,
                                                                   want_files))
    return elapsed


def rs_files(path, want_files):
    t0 = time.perf_counter()
    n = len(deltalake.DeltaTable(path).file_uris())
    elapsed = time.perf_counter() - t0
    if n != want_files:
        raise RuntimeError("delta-rs: %d files in %s, expected %d" % (n, path, want_files))
    return elapsed


def rs_open(path, want_files):
    """DeltaTable(PATH) alone: the snapshot load, nothing materialised for Python."""
    del want_files
    t0 = time.perf_counter()
    deltalake.DeltaTable(path).version()
    return time.perf_counter() - t0


def rs_adds(path, want_files):
    t0 = time.perf_counter()
    n = deltalake.DeltaTable(path).get_add_actions(flatten=True).num_rows
    elapsed = time.perf_counter() - t0
    if n != want_files:
        raise RuntimeError("delta-rs: %d adds in %s, expected %d" % (n, path, want_files))
    return elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=gen.DEFAULT_DIR)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bricks"))
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit("no bricks binary at %s (make release)" % args.bin)
    if not all(os.path.isdir(os.path.join(args.dir, c, "_delta_log")) for c in CASES):
        print("delta_log: no tables in %s; generating them" % args.dir, flush=True)
        gen.generate(args.dir)

    want = len(deltalake.DeltaTable(os.path.join(args.dir, CASES[0])).file_uris())
    version = lambda: run_bricks([args.bin, "--version"])[0]  # noqa: E731
    print()
    print("delta_log: load a snapshot of %d live files (bricks %s, deltalake %s), %d runs"
          % (want, run_bricks([args.bin, "--version"])[1].decode().strip(),
             deltalake.__version__, args.runs))
    header = "%-11s %-17s %9s %9s" % ("table", "what", "min", "median")
    print(header)
    print("-" * len(header))
    for case in CASES:
        path = os.path.join(args.dir, case)
        timers = [("bricks info", lambda: bricks_info(args.bin, path, want)),
                  ("bricks --version", version),
                  ("delta-rs open", lambda: rs_open(path, want)),
                  ("delta-rs files", lambda: rs_files(path, want)),
                  ("delta-rs adds", lambda: rs_adds(path, want))]
        times = {name: [] for name, _ in timers}
        for _, fn in timers:  # warm-up
            fn()
        for _ in range(args.runs):
            for name, fn in timers:
                times[name].append(fn())
        for name, _ in timers:
            print("%-11s %-17s %8.3fs %8.3fs" % (case, name, min(times[name]),
                                                 statistics.median(times[name])))
        med = {name: statistics.median(v) for name, v in times.items()}
        net = med["bricks info"] - med["bricks --version"]
        best = min(med["delta-rs open"], med["delta-rs files"], med["delta-rs adds"])
        print("%-11s ratio bricks info / fastest delta-rs (medians): %.2fx"
              % (case, med["bricks info"] / best), flush=True)
        print("%-11s ratio bricks/delta-rs (medians): %.2fx vs files, %.2fx vs adds; "
              "without process start %.2fx, %.2fx"
              % (case, med["bricks info"] / med["delta-rs files"],
                 med["bricks info"] / med["delta-rs adds"], net / med["delta-rs files"],
                 net / med["delta-rs adds"]), flush=True)
    print()
    print("ratio = Bricks time / delta-rs time (below 1.00: Bricks is faster)")


if __name__ == "__main__":
    main()
