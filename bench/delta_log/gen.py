#!/usr/bin/env python3
"""delta_log/gen.py — a Delta table with 100,000 add actions, for timing log loading.

    .venv/bin/python bench/delta_log/gen.py [DIR] [--commits 100] [--adds 1000] [--tail 10]

Writes two tables under DIR (default /tmp/bricks-bench-delta):

    checkpoint/   commits 0..99 (commit 0: protocol + metaData; every commit 1,000 adds),
                  a classic Parquet checkpoint at version 99 written by delta-rs
                  (DeltaTable.create_checkpoint, with _last_checkpoint), then 10 more
                  commits of 100 adds and 50 removes each
    json_only/    the same 110 commits, no checkpoint

The _delta_log JSON is written here, as Spark lays it out: a commitInfo first, then
add actions with partitionValues (column `region`, 8 values), size,
modificationTime, dataChange and a stats string (numRecords, minValues, maxValues
and nullCount for the 5 data columns id, amount, name, ts, qty).

The table is valid and readable in full, yet cheap to make: one small Parquet file
is written per commit (different values in each, so the statistics vary), and
every add path of that commit is a hard link to it, so each add's size and
statistics are true.  Only the log is what the benchmark loads.
"""

import argparse
import datetime
import json
import os
import shutil
import sys
import time
import uuid

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DEFAULT_DIR = "/tmp/bricks-bench-delta"
REGIONS = ["us-east", "us-west", "eu-west", "eu-central", "ap-south", "ap-east", "sa-east",
           "af-south"]
ROWS_PER_FILE = 40

SCHEMA = {"type": "struct", "fields": [
    {"name": "id", "type": "long", "nullable": True, "metadata": {}},
    {"name": "amount", "type": "double", "nullable": True, "metadata": {}},
    {"name": "name", "type": "string", "nullable": True, "metadata": {}},
    {"name": "ts", "type": "timestamp", "nullable": True, "metadata": {}},
    {"name": "qty", "type": "integer", "nullable": True, "metadata": {}},
    {"name": "region", "type": "string", "nullable": True, "metadata": {}},
]}


def template(commit):
    """The data file every add of `commit` links to, and its stats (as a dict)."""
    base = commit * ROWS_PER_FILE
    ids = [base + k for k in range(ROWS_PER_FILE)]
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    table = pa.table({
        "id": pa.array(ids, pa.int64()),
        "amount": pa.array([None if k % 9 == 0 else k * 1.25 + commit for k in ids], pa.float64()),
        "name": pa.array(["customer_%06d" % (k * 7919 % 1000003) for k in ids], pa.string()),
        "ts": pa.array([start + datetime.timedelta(minutes=k) for k in ids],
                       pa.timestamp("us", tz="UTC")),
        "qty": pa.array([None if k % 5 == 0 else k % 100 for k in ids], pa.int32()),
    })

    def bound(col, fn):
        v = fn(table.column(col)).as_py()
        if isinstance(v, datetime.datetime):
            return v.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (v.microsecond // 1000)
        return v

    stats = {
        "numRecords": table.num_rows,
        "minValues": {c: bound(c, pc.min) for c in table.column_names},
        "maxValues": {c: bound(c, pc.max) for c in table.column_names},
        "nullCount": {c: table.column(c).null_count for c in table.column_names},
    }
    return table, stats


def add_action(path, region, size, mtime, stats_json):
    return {"add": {"path": path, "partitionValues": {"region": region}, "size": size,
                    "modificationTime": mtime, "dataChange": True, "stats": stats_json}}


def commit_info(ts_ms, operation, n_files):
    return {"commitInfo": {"timestamp": ts_ms, "operation": operation,
                           "operationParameters": {"mode": "Append", "partitionBy": "[\"region\"]"},
                           "isolationLevel": "Serializable", "isBlindAppend": True,
                           "operationMetrics": {"numFiles": str(n_files),
                                                "numOutputRows": str(n_files * ROWS_PER_FILE)},
                           "engineInfo": "bricks-bench-gen", "txnId": str(uuid.uuid4())}}


def write_commit(log_dir, version, actions):
    path = os.path.join(log_dir, "%020d.json" % version)
    with open(path, "w", encoding="utf-8") as f:
        for act in actions:
            f.write(json.dumps(act, separators=(",", ":")) + "\n")


def write_files(root, scratch, commit, n_adds, mtime):
    """Write commit's template once and link it to n_adds paths; the add actions."""
    table, stats = template(commit)
    src = os.path.join(scratch, "template-%05d.parquet" % commit)
    pq.write_table(table, src, compression="snappy")
    size = os.path.getsize(src)
    stats_json = json.dumps(stats, separators=(",", ":"))
    adds = []
    for k in range(n_adds):
        region = REGIONS[k % len(REGIONS)]
        rel = "region=%s/part-%05d-%s-c000.snappy.parquet" % (region, k, uuid.uuid4())
        os.link(src, os.path.join(root, rel))
        adds.append(add_action(rel, region, size, mtime, stats_json))
    return adds


def generate(out_dir, n_commits=100, n_adds=1000, n_tail=10, tail_adds=100, tail_removes=50):
    """Make DIR/checkpoint and DIR/json_only; returns the number of live files."""
    t0 = time.time()
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    root = os.path.join(out_dir, "checkpoint")
    log_dir = os.path.join(root, "_delta_log")
    scratch = os.path.join(out_dir, "templates")
    for d in [log_dir, scratch] + [os.path.join(root, "region=" + r) for r in REGIONS]:
        os.makedirs(d)
    now_ms = int(time.time() * 1000) - (n_commits + n_tail) * 60_000
    live = []
    for v in range(n_commits):
        ts = now_ms + v * 60_000
        acts = [commit_info(ts, "WRITE" if v else "CREATE TABLE AS SELECT", n_adds)]
        if v == 0:
            acts.append({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}})
            acts.append({"metaData": {
                "id": str(uuid.uuid4()), "format": {"provider": "parquet", "options": {}},
                "schemaString": json.dumps(SCHEMA, separators=(",", ":")),
                "partitionColumns": ["region"], "configuration": {}, "createdTime": ts}})
        adds = write_files(root, scratch, v, n_adds, ts)
        live.extend(a["add"] for a in adds)
        write_commit(log_dir, v, acts + adds)
    print("gen: %d commits, %d adds (%.1fs)" % (n_commits, len(live), time.time() - t0),
          flush=True)

    # The checkpoint at version n_commits - 1, written by a reference implementation.
    import deltalake
    deltalake.DeltaTable(root).create_checkpoint()
    print("gen: checkpoint at version %d by delta-rs %s (%.1fs)"
          % (n_commits - 1, deltalake.__version__, time.time() - t0), flush=True)

    for v in range(n_commits, n_commits + n_tail):
        ts = now_ms + v * 60_000
        gone, live = live[:tail_removes], live[tail_removes:]
        removes = [{"remove": {"path": a["path"], "deletionTimestamp": ts, "dataChange": True,
                               "extendedFileMetadata": True,
                               "partitionValues": a["partitionValues"], "size": a["size"]}}
                   for a in gone]
        adds = write_files(root, scratch, v, tail_adds, ts)
        live.extend(a["add"] for a in adds)
        write_commit(log_dir, v, [commit_info(ts, "WRITE", tail_adds)] + removes + adds)

    # The same log without its checkpoint; data files are more links to the same inodes.
    other = os.path.join(out_dir, "json_only")
    for dirpath, _, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        os.makedirs(os.path.join(other, rel), exist_ok=True)
        for name in files:
            if rel == "_delta_log" and not name.endswith(".json"):
                continue
            os.link(os.path.join(dirpath, name), os.path.join(other, rel, name))
    shutil.rmtree(scratch)
    print("gen: %d live files at version %d in %s and %s (%.1fs)"
          % (len(live), n_commits + n_tail - 1, root, other, time.time() - t0), flush=True)
    return len(live)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=DEFAULT_DIR)
    ap.add_argument("--commits", type=int, default=100, help="commits before the checkpoint")
    ap.add_argument("--adds", type=int, default=1000, help="adds per commit")
    ap.add_argument("--tail", type=int, default=10, help="commits after the checkpoint")
    args = ap.parse_args()
    if args.commits < 1 or args.adds < 100:
        sys.exit("gen.py: need --commits >= 1 and --adds >= 100")
    generate(args.dir, args.commits, args.adds, args.tail)


if __name__ == "__main__":
    main()
