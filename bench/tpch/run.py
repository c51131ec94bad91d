#!/usr/bin/env python3
"""tpch/run.py — the 22 TPC-H queries through Bricks and DuckDB on the same Parquet files.

    .venv/bin/python bench/tpch/run.py [--sf 1] [--dir /tmp/bricks-tpch] [--runs 3]
                                       [--bin build/release/bricks] [--threads 2]

Generates the data with tpchgen-cli (PyPI) when DIR/sf<SF>/ has none, then runs each
query `--runs` times in each engine (interleaved; best time kept), checks every Bricks
answer against DuckDB's (numbers to 1e-9 relative, or to the decimal digits of
Spark's result type), and prints per-query seconds, the ratio Bricks/DuckDB (below
1.00: Bricks is faster) and the totals over the queries both answered.

Bricks runs each query as a `bricks sql` process (views over the Parquet files,
then the query), so its time includes process start and opening the files; DuckDB
runs in this process on a warm connection with the same thread count.
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
    args = ap.parse_args()
    queries = []
    for part in args.queries.split(","):
        lo, _, hi = part.partition("-")
        queries.extend(range(int(lo), int(hi or lo) + 1))

    data = os.path.join(args.dir, "sf" + args.sf)
    tpch.generate(args.sf, data)
    con = tpch.duckdb_connection(data)
    con.execute("SET threads = %d" % args.threads)

    print("%-4s %9s %9s %7s  %s" % ("q", "bricks", "duckdb", "ratio", "check"))
    tot_b = tot_d = 0.0
    answered = 0
    for n in queries:
        best_b = best_d = None
        check = ""
        for _ in range(args.runs):
            t, _, expected = tpch.run_duckdb(con, n)
            best_d = t if best_d is None else min(best_d, t)
            try:
                t, _, got = tpch.run_bricks(args.bin, data, n)
            except RuntimeError as e:
                check = "error: " + str(e).splitlines()[0][:90]
                break
            best_b = t if best_b is None else min(best_b, t)
            why = tpch.compare(got, expected)
            check = "ok" if why is None else "WRONG: " + why
        if best_b is None:
            print("q%-3d %9s %8.3fs %7s  %s" % (n, "-", best_d, "-", check))
            continue
        answered += 1
        tot_b += best_b
        tot_d += best_d
        print("q%-3d %8.3fs %8.3fs %6.2fx  %s" % (n, best_b, best_d, best_b / best_d, check))
    if answered:
        print("total (%d queries both answered): bricks %.3fs, duckdb %.3fs, ratio %.2fx"
              % (answered, tot_b, tot_d, tot_b / tot_d))


if __name__ == "__main__":
    main()
