#!/usr/bin/env python3
"""tpch/run.py — the 22 TPC-H queries through Bricks and DuckDB on the same Parquet files.

    .venv/bin/python bench/tpch/run.py [--sf 1] [--dir /tmp/bricks-tpch] [--runs 3]
                                       [--bin build/release/bricks] [--threads 2]
                                       [--queries 1-5,9] [--no-delta] [--cold]

Generates the data with tpchgen-cli (PyPI) when DIR/sf<SF>/ has none, and a Delta copy
of it written by Bricks (`bricks delta write --from-parquet`, DIR/sf<SF>/delta/<table>)
when missing.  Then runs each query `--runs` times (interleaved; best time kept) in
DuckDB on the Parquet files, in Bricks on the same Parquet files, and in Bricks on the
Delta tables; checks every Bricks answer against DuckDB's (numbers to 1e-9 relative,
or to the decimal digits of Spark's result type); and prints per-query seconds
(columns bricks = on Parquet, delta = on Delta), the ratios Bricks/DuckDB (below 1.00:
Bricks is faster; d-ratio for Delta) and the totals over the queries all answered.

DuckDB runs in this process on one warm connection (views created once), timed
from execute to fetchall.  Bricks runs in one of two modes, with the same thread
count (both use one thread per CPU unless --threads says otherwise for DuckDB):

- warm (the default): one `bricks sql` session per format for the whole run,
  like DuckDB's connection — the views are created once, then the queries go in
  over a pipe one by one, and each is timed inside the shell (`.timer on`: from
  the statement's start to its CSV result written), so process start, opening
  the catalog and the first touch of fresh memory are paid once, not per query.
- --cold: a fresh `bricks sql` process per query (views, then the query), timed
  from outside, so each time includes process start, creating the views and
  faulting in all memory the query uses from zero.

Either way every answer is checked against DuckDB's, in every run.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tpch  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sf", default="1")
    ap.add_argument("--dir", default="/tmp/bricks-tpch")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=os.path.join(tpch.ROOT, "build", "release", "bricks"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--queries", default="1-22", help="a list of numbers and ranges: 1-5,9,18")
    ap.add_argument("--no-delta", action="store_true",
                    help="skip the Delta copy (Bricks on Parquet only)")
    ap.add_argument("--cold", action="store_true",
                    help="a fresh `bricks sql` process per query instead of one warm session")
    args = ap.parse_args()
    queries = []
    for part in args.queries.split(","):
        lo, _, hi = part.partition("-")
        queries.extend(range(int(lo), int(hi or lo) + 1))

    data = os.path.join(args.dir, "sf" + args.sf)
    tpch.generate(args.sf, data)
    formats = ["parquet"]
    if not args.no_delta:
        spent = tpch.generate_delta(args.bin, data)
        if spent:
            print("wrote the Delta copy with `bricks delta write --from-parquet` in %.1fs" % spent)
        formats.append("delta")
    con = tpch.duckdb_connection(data)
    con.execute("SET threads = %d" % args.threads)
    sessions = {}
    if not args.cold:
        sessions = {f: tpch.BricksSession(args.bin, data, f) for f in formats}
    print("mode: %s" % ("cold (a bricks process per query)" if args.cold
                         else "warm (one bricks session per format)"))

    head = "%-4s %9s" % ("q", "bricks")
    if "delta" in formats:
        head += " %9s" % "delta"
    head += " %9s %7s" % ("duckdb", "ratio")
    if "delta" in formats:
        head += " %7s" % "d-ratio"
    print(head + "  check")
    tot = {f: 0.0 for f in formats}
    tot_d = 0.0
    answered = 0
    for n in queries:
        best = {f: None for f in formats}
        best_d = None
        problems = []
        for _ in range(args.runs):
            t, _, expected = tpch.run_duckdb(con, n)
            best_d = t if best_d is None else min(best_d, t)
            for f in formats:
                if best[f] is False:
                    continue
                try:
                    if args.cold:
                        t, _, got = tpch.run_bricks(args.bin, data, n, f)
                    else:
                        t, _, got = sessions[f].run(n)
                except RuntimeError as e:
                    problems.append("%s error: %s" % (f, str(e).splitlines()[0][:80]))
                    best[f] = False
                    continue
                best[f] = t if best[f] is None else min(best[f], t)
                why = tpch.compare(got, expected)
                if why is not None:
                    problems.append("%s WRONG: %s" % (f, why))
        check = "; ".join(sorted(set(problems))) or "ok"
        ok = all(best[f] not in (None, False) for f in formats)
        if ok:
            answered += 1
            tot_d += best_d
            for f in formats:
                tot[f] += best[f]

        def cell(v):
            return "%8.3fs" % v if v not in (None, False) else "%9s" % "-"

        def ratio(v):
            return "%6.2fx" % (v / best_d) if v not in (None, False) else "%7s" % "-"

        line = "q%-3d %s" % (n, cell(best["parquet"]))
        if "delta" in formats:
            line += " " + cell(best["delta"])
        line += " %8.3fs %s" % (best_d, ratio(best["parquet"]))
        if "delta" in formats:
            line += " " + ratio(best["delta"])
        print(line + "  " + check)
    for session in sessions.values():
        session.close()
    if answered:
        print("total (%d queries answered by all): bricks %.3fs, duckdb %.3fs, ratio %.2fx"
              % (answered, tot["parquet"], tot_d, tot["parquet"] / tot_d))
        if "delta" in formats:
            print("total on Delta: bricks %.3fs, duckdb (Parquet) %.3fs, ratio %.2fx"
                  % (tot["delta"], tot_d, tot["delta"] / tot_d))

if __name__ == "__main__":
    main()
