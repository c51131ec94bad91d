#!/usr/bin/env python3
"""parquet_scan — full decode of a 10M-row Parquet file: Bricks vs pyarrow vs DuckDB.

    .venv/bin/python bench/parquet_scan/run.py [--rows N] [--threads T] [--runs R]

Generates (once, into bench/out/, which git ignores) four files of the same rows —
{dictionary, plain} x {snappy, zstd} — with pyarrow:

    id  BIGINT   sequential            k  INT      1000 distinct values
    x   DOUBLE   random                s  STRING   1000 distinct ("city_123")
    u   STRING   unique, 16 hex chars

Then, for each file, times a full decode of every column by each reader, best of R
runs, all with the same number of threads (default 2):

    bricks   `bricks parquet scan FILE --threads T`: pq_scan over a bk_pool, every
             column of every row group decoded into vectors, nothing printed.  The
             time is the one it reports (open to close, process start excluded).
    pyarrow  pq.read_table(FILE) with use_threads (CPU and IO pools set to T).
    duckdb   SELECT of one aggregate per column that needs every value decoded, with
             `SET threads = T` (see DUCKDB_QUERY for why this one).

and prints a table of seconds and ratios (Bricks time / reference time: below 1.0
means Bricks is faster).
"""

import argparse
import os
import re
import subprocess
import sys
import time

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "bench", "out")

# Why this query for DuckDB: `SELECT *` into Python would time the conversion of
# every value to Arrow as well (a copy of every string), which Bricks does not do;
# COUNT(col) may be answered without the values (an optimizer may turn it into
# COUNT(*) when statistics say the column has no NULLs), and MIN/MAX could come
# from row group statistics.  A hash of every column, folded with BIT_XOR, needs
# every value decoded and costs little next to decoding (a few ns per value).
DUCKDB_QUERY = ("SELECT bit_xor(hash(id)), bit_xor(hash(k)), bit_xor(hash(x)), "
                "bit_xor(hash(s)), bit_xor(hash(u)) FROM read_parquet('{path}')")

VARIANTS = [("dict", "snappy"), ("dict", "zstd"), ("plain", "snappy"), ("plain", "zstd")]


def make_table(n):
    rng = np.random.default_rng(42)
    ids = np.arange(n, dtype=np.int64)
    k = (ids * 2654435761 % 1000).astype(np.int32)
    u_int = rng.integers(0, 2 ** 63 - 1, size=n, dtype=np.int64)
    u = pc.utf8_lpad(pc.cast(pa.array(u_int), pa.string()), 16, "0")
    s = pc.binary_join_element_wise("city_", pc.cast(pa.array(k), pa.string()), "")
    return pa.table({"id": ids, "k": k, "x": rng.random(n), "s": s, "u": u})


def ensure_files(n):
    os.makedirs(OUT, exist_ok=True)
    files = []
    table = None
    for dictionary, codec in VARIANTS:
        path = os.path.join(OUT, "scan_%d_%s_%s.parquet" % (n, dictionary, codec))
        if not os.path.exists(path):
            if table is None:
                print("generating %d rows ..." % n, flush=True)
                table = make_table(n)
            tmp = path + ".tmp"
            pq.write_table(table, tmp, compression=codec, use_dictionary=dictionary == "dict",
                           row_group_size=1 << 20)
            os.replace(tmp, path)
            print("  wrote %s (%.0f MB)" % (os.path.basename(path), os.path.getsize(path) / 1e6),
                  flush=True)
        files.append(path)
    return files


def time_bricks(binary, path, threads, n_rows):
    p = subprocess.run([binary, "parquet", "scan", path, "--threads", str(threads)],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError("bricks failed on %s: %s" % (path, p.stderr.strip()))
    m = re.match(r"rows (\d+) .* seconds ([0-9.]+)", p.stdout)
    if not m or int(m.group(1)) != n_rows:
        raise RuntimeError("bricks: unexpected output %r" % p.stdout)
    return float(m.group(2))


def time_pyarrow(path, n_rows):
    t0 = time.perf_counter()
    table = pq.read_table(path)
    elapsed = time.perf_counter() - t0
    assert table.num_rows == n_rows
    return elapsed


def time_duckdb(con, path):
    query = DUCKDB_QUERY.format(path=path.replace("'", "''"))
    t0 = time.perf_counter()
    con.execute(query).fetchall()
    return time.perf_counter() - t0


def best_of(runs, fn):
    return min(fn() for _ in range(runs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bricks"))
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit("no bricks binary at %s (make release)" % args.bin)

    pa.set_cpu_count(args.threads)
    pa.set_io_thread_count(args.threads)
    con = duckdb.connect()
    con.execute("SET threads = %d" % args.threads)

    files = ensure_files(args.rows)
    print()
    print("parquet_scan: full decode of all 5 columns, %d rows, %d threads, best of %d"
          % (args.rows, args.threads, args.runs))
    header = "%-34s %8s %8s %8s %10s %10s" % ("file", "bricks", "pyarrow", "duckdb",
                                               "vs pyarrow", "vs duckdb")
    print(header)
    print("-" * len(header))
    for path in files:
        b = best_of(args.runs, lambda: time_bricks(args.bin, path, args.threads, args.rows))
        p = best_of(args.runs, lambda: time_pyarrow(path, args.rows))
        d = best_of(args.runs, lambda: time_duckdb(con, path))
        print("%-34s %7.3fs %7.3fs %7.3fs %9.2fx %9.2fx"
              % (os.path.basename(path), b, p, d, b / p, b / d), flush=True)
    print()
    print("ratio = Bricks time / reference time (below 1.00: Bricks is faster)")


if __name__ == "__main__":
    main()
