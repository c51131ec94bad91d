#!/usr/bin/env bash
# run.sh — run every benchmark (`make bench`); never part of `make test`.
#
# Each bench times Bricks against reference implementations on the same data, in
# one run, and prints the ratios.  Generated data goes to bench/out/ (git-ignored).
#   parquet_scan   full decode of a 10M-row file: Bricks, pyarrow, DuckDB
#   delta_log      loading the latest snapshot of a 100k-file table: Bricks, delta-rs
#   sort           ORDER BY (20M integers; TPC-H SF1 lineitem 2-key strings, top-N): Bricks, DuckDB
# Extra arguments go to every bench (e.g. --rows 1000000 --runs 1 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
[[ -x build/release/bricks ]] || make -s release
"$PY" bench/parquet_scan/run.py "$@"
"$PY" bench/delta_log/gen.py
"$PY" bench/delta_log/run.py
"$PY" bench/sort/run.py
