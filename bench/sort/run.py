#!/usr/bin/env python3
"""sort — ORDER BY and top-N: Bricks vs DuckDB on the same queries.

    .venv/bin/python bench/sort/run.py [--threads T] [--runs R] [--lineitem PATH]
                                       [--rows N] [--bricks PATH]

Cases (each query returns a few rows, so printing costs nothing; the sort cannot
be skipped because a LIMIT with an OFFSET near the end needs the whole order):

    int_key     SELECT id, (id * 7919) % 1000003 AS k FROM range(0, N)
                ORDER BY k LIMIT 5 OFFSET N - 10                      (N = 20M)
    str_2key    lineitem (l_orderkey, l_shipmode, l_comment)
                ORDER BY l_shipmode, l_comment LIMIT 5 OFFSET 6000000
    top_n       lineitem ORDER BY l_extendedprice DESC LIMIT 10

The lineitem cases need TPC-H SF1 Parquet (bench/tpch/run.py makes it under
/tmp/bricks-tpch/sf1); they are skipped when the file is missing.

Bricks runs as `bricks sql -c` on every core (the process's wall time, start-up
included, and its CPU time user + sys); DuckDB in this process with `SET
threads = T`, default 2, this machine's core count (wall
time of execute + fetch, and process CPU time).  Best of R runs each, interleaved
(Bricks, DuckDB, Bricks, ...) so both see the same machine load.  Prints seconds
and the ratio Bricks / DuckDB (below 1.0: Bricks is faster).
"""

import argparse
import os
import resource
import subprocess
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def cases(rows, lineitem):
    k = "(id * 7919) % 1000003"
    yield ("int_key",
           "SELECT id, %s AS k FROM range(0, %d) ORDER BY k LIMIT 5 OFFSET %d"
           % (k, rows, rows - 10),
           "SELECT id, %s AS k FROM range(0, %d) t(id) ORDER BY k LIMIT 5 OFFSET %d"
           % (k, rows, rows - 10))
    if not os.path.exists(lineitem):
        print("(no %s: lineitem cases skipped)" % lineitem)
        return
    cols = "l_orderkey, l_shipmode, l_comment"
    yield ("str_2key",
           "SELECT %s FROM parquet.`%s` ORDER BY l_shipmode, l_comment LIMIT 5 OFFSET 6000000"
           % (cols, lineitem),
           "SELECT %s FROM read_parquet('%s') ORDER BY l_shipmode, l_comment "
           "LIMIT 5 OFFSET 6000000" % (cols, lineitem))
    yield ("top_n",
           "SELECT l_orderkey, l_linenumber, l_extendedprice FROM parquet.`%s` "
           "ORDER BY l_extendedprice DESC LIMIT 10" % lineitem,
           "SELECT l_orderkey, l_linenumber, l_extendedprice FROM read_parquet('%s') "
           "ORDER BY l_extendedprice DESC LIMIT 10" % lineitem)


def time_bricks(bricks, sql):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([bricks, "sql", "--format", "csv", "-c", sql], capture_output=True,
                       text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit("bricks failed: %s\n%s" % (sql, r.stderr))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r.stdout


def time_duckdb(con, sql):
    c0 = time.process_time()
    t = time.perf_counter()
    rows = con.execute(sql).fetchall()
    return time.perf_counter() - t, time.process_time() - c0, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2, help="DuckDB's threads")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rows", type=int, default=20000000)
    ap.add_argument("--lineitem", default="/tmp/bricks-tpch/sf1/lineitem.parquet")
    ap.add_argument("--bricks", default=os.path.join(ROOT, "build", "release", "bricks"))
    args = ap.parse_args()
    con = duckdb.connect()
    con.execute("SET threads = %d" % args.threads)
    print("%-10s %10s %10s %10s %10s %8s %8s" % ("case", "bricks_s", "bricks_cpu", "duckdb_s",
                                                 "duckdb_cpu", "wall_x", "cpu_x"))
    for name, bq, dq in cases(args.rows, args.lineitem):
        best_b = best_bc = best_d = best_dc = float("inf")
        for _ in range(args.runs):
            w, c, _out = time_bricks(args.bricks, bq)
            best_b, best_bc = min(best_b, w), min(best_bc, c)
            w, c, _rows = time_duckdb(con, dq)
            best_d, best_dc = min(best_d, w), min(best_dc, c)
        print("%-10s %10.3f %10.3f %10.3f %10.3f %8.2f %8.2f" % (
            name, best_b, best_bc, best_d, best_dc, best_b / best_d, best_bc / best_dc),
            flush=True)


if __name__ == "__main__":
    main()
