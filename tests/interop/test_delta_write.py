"""test_delta_write.py — Delta tables written by Bricks, checked by delta-rs, and
Bricks' commit protocol under concurrency and crashes.

Tables are written with `bricks delta write/delete/optimize/checkpoint` and read
back by the `deltalake` package (delta-rs) and by `bricks delta cat`; rows are
compared as multisets in the cat JSON form (jsonform.py).
"""

import collections
import json
import os
import random
import signal
import subprocess
import time

import pytest

deltalake = pytest.importorskip("deltalake")  # pinned in tests/requirements.txt

import pyarrow as pa  # noqa: E402
from deltalake import QueryBuilder  # noqa: E402
from jsonform import table_rows  # noqa: E402

ALL_TYPES = ("b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, f FLOAT, d DOUBLE, "
             "dec DECIMAL(10,2), big DECIMAL(38,6), s STRING, bin BINARY, dt DATE, "
             "ts TIMESTAMP, arr ARRAY<INT>, m MAP<STRING,INT>, st STRUCT<x: INT, y: STRING>")


def type_rows(n, offset=0):
    rows = []
    for k in range(offset, offset + n):
        null = k % 7 == 3
        rows.append({
            "b": None if null else k % 2 == 0,
            "i8": None if null else (k % 200) - 100,
            "i16": -k, "i32": k, "i64": k * 1_000_000_007,
            "f": None if null else k / 4, "d": k / 3 if not null else None,
            "dec": "%d.%02d" % (k, k % 100), "big": "%d.000001" % (k * 13),
            "s": None if null else "row %d ü" % k, "bin": "AAEC" if k % 2 else "",
            "dt": "2024-01-%02d" % (1 + k % 28), "ts": "2024-02-03 04:05:%02d.123456" % (k % 60),
            "arr": None if null else [k, None, k + 1], "m": {"a": k} if k % 3 else {},
            "st": None if null else {"x": k, "y": "y%d" % k},
        })
    return rows


def norm(x):
    """2.0 and 2 print alike in the cat form; compare them alike."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, list):
        return [norm(v) for v in x]
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items()}
    return x


def canon(rows):
    return collections.Counter(json.dumps(norm(r), sort_keys=True) for r in rows)


def delta_write(bricks, path, rows, tmp_path, *extra):
    src = tmp_path / ("rows-%d.jsonl" % random.randrange(1 << 30))
    with open(src, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return bricks.run("delta", "write", path, "--from-jsonl", src, *extra)


def bricks_rows(bricks, path, *extra):
    out = bricks.run("delta", "cat", path, *extra).stdout
    return [json.loads(line) for line in out.splitlines()]


def rs_rows(path, version=None):
    """The rows delta-rs reads, through its DataFusion scan (to_pyarrow_table ignores
    column mapping in deltalake 1.6: every mapped column comes back NULL)."""
    dt = deltalake.DeltaTable(str(path), version=version)
    result = QueryBuilder().register("t", dt).execute("select * from t").read_all()
    return table_rows(pa.table(result))


@pytest.mark.parametrize("partitioned", [False, True])
def test_every_type_read_by_delta_rs(bricks, tmp_path, partitioned):
    path = str(tmp_path / "t")
    extra = ["--schema", ALL_TYPES] + (["--partition-by", "s"] if partitioned else [])
    rows = type_rows(40)
    delta_write(bricks, path, rows, tmp_path, *extra)
    assert canon(bricks_rows(bricks, path)) == canon(rows)
    assert canon(rs_rows(path)) == canon(rows)


def test_history_checkpoints_overwrite_delete(bricks, tmp_path):
    path = str(tmp_path / "t")
    schema = "id BIGINT, part STRING, v DOUBLE"
    expected = {}
    for version in range(0, 23):
        rows = [{"id": version * 100 + k, "part": "p%d" % (k % 3), "v": k / 2} for k in range(5)]
        delta_write(bricks, path, rows, tmp_path, "--schema", schema, "--partition-by", "part")
        prev = expected.get(version - 1, [])
        expected[version] = prev + rows
    assert os.path.exists(os.path.join(path, "_delta_log", "00000000000000000010.checkpoint.parquet"))
    assert os.path.exists(os.path.join(path, "_delta_log", "00000000000000000020.checkpoint.parquet"))
    # version 0 is CREATE TABLE; version v+1 holds the first v+1 appends
    for v in (1, 5, 10, 11, 23):
        want = canon(expected[v - 1])
        assert canon(bricks_rows(bricks, path, "--version", v)) == want
        assert canon(rs_rows(path, v)) == want
    rows = [{"id": 1, "part": "x", "v": 1.0}, {"id": 2, "part": None, "v": None}]
    delta_write(bricks, path, rows, tmp_path, "--mode", "overwrite")
    assert canon(rs_rows(path)) == canon(rows)
    bricks.run("delta", "delete", path, "--where", "id = 2")
    assert canon(rs_rows(path)) == canon(rows[:1])
    assert canon(bricks_rows(bricks, path)) == canon(rows[:1])
    hist = deltalake.DeltaTable(path).history()
    assert sorted(h["version"] for h in hist) == list(range(0, 26))
    ours = [json.loads(l) for l in
            bricks.run("delta", "history", path, "--format", "json").stdout.splitlines()]
    assert [h["version"] for h in ours] == list(range(25, -1, -1))


def test_delete_rewrites_partial_files(bricks, tmp_path):
    path = str(tmp_path / "t")
    rows = [{"id": k, "g": k % 4} for k in range(100)]
    delta_write(bricks, path, rows, tmp_path, "--schema", "id INT, g INT")
    out = bricks.run("delta", "delete", path, "--where", "g = 1 AND id < 50").stdout.decode()
    assert "deleted 13 rows" in out
    want = [r for r in rows if not (r["g"] == 1 and r["id"] < 50)]
    assert canon(bricks_rows(bricks, path)) == canon(want)
    assert canon(rs_rows(path)) == canon(want)


def test_deletion_vectors(bricks, tmp_path):
    path = str(tmp_path / "t")
    rows = [{"id": k, "s": "v%d" % k} for k in range(1000)]
    delta_write(bricks, path, rows, tmp_path, "--schema", "id INT, s STRING",
                "--property", "delta.enableDeletionVectors=true")
    bricks.run("delta", "delete", path, "--where", "id < 10")
    bricks.run("delta", "delete", path, "--where", "id IN (500, 501, 999)")
    log = open(os.path.join(path, "_delta_log", "00000000000000000003.json")).read()
    assert '"deletionVector"' in log
    want = [r for r in rows if r["id"] >= 10 and r["id"] not in (500, 501, 999)]
    assert canon(bricks_rows(bricks, path)) == canon(want)
    info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
    assert info["protocol"]["minReaderVersion"] == 3
    assert "deletionVectors" in info["protocol"]["readerFeatures"]
    assert info["num_records"] == len(want)
    assert canon(rs_rows(path)) == canon(want)


def test_column_mapping(bricks, tmp_path):
    path = str(tmp_path / "t")
    rows = [{"a": k, "b c": "x%d" % k, "st": {"x": k, "y": None}} for k in range(20)]
    delta_write(bricks, path, rows, tmp_path, "--schema", "a INT, `b c` STRING, st STRUCT<x: INT, y: STRING>",
                "--property", "delta.columnMapping.mode=name", "--partition-by", "a")
    info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
    assert info["protocol"]["minReaderVersion"] == 2 and info["protocol"]["minWriterVersion"] == 5
    field = info["schema"]["fields"][1]
    assert field["metadata"]["delta.columnMapping.physicalName"].startswith("col-")
    assert canon(bricks_rows(bricks, path)) == canon(rows)
    assert canon(rs_rows(path)) == canon(rows)


def test_optimize_and_zorder(bricks, tmp_path):
    path = str(tmp_path / "t")
    rows = []
    for c in range(6):
        batch = [{"x": (c * 37 + k * 11) % 100, "y": (k * 7) % 50, "c": c} for k in range(50)]
        delta_write(bricks, path, batch, tmp_path, "--schema", "x INT, y INT, c INT")
        rows += batch
    out = bricks.run("delta", "optimize", path, "--zorder-by", "x,y").stdout.decode()
    assert "removed 6 files, added 1" in out
    assert canon(bricks_rows(bricks, path)) == canon(rows)
    assert canon(rs_rows(path)) == canon(rows)
    last = [json.loads(l) for l in open(os.path.join(path, "_delta_log", "00000000000000000007.json"))]
    changes = [a for a in last if "add" in a or "remove" in a]
    assert changes and all(not list(a.values())[0]["dataChange"] for a in changes)
    info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
    assert info["num_files"] == 1


def test_vacuum(bricks, tmp_path):
    path = str(tmp_path / "t")
    delta_write(bricks, path, [{"a": 1}], tmp_path, "--schema", "a INT")
    delta_write(bricks, path, [{"a": 2}], tmp_path, "--mode", "overwrite")
    p = bricks.run("delta", "vacuum", path, "--retain", "0", check=False)
    assert p.returncode == 1 and b"retention" in p.stderr
    dry = bricks.run("delta", "vacuum", path, "--retain", "0", "--no-retention-check", "--dry-run")
    assert len(dry.stdout.splitlines()) == 1
    bricks.run("delta", "vacuum", path, "--retain", "0", "--no-retention-check")
    assert bricks_rows(bricks, path) == [{"a": 2}]
    # version 1's file is gone: reading it fails cleanly
    p = bricks.run("delta", "cat", path, "--version", "1", check=False)
    assert p.returncode == 1 and p.stderr


def test_delta_rs_reads_our_time_travel_by_timestamp(bricks, tmp_path):
    path = str(tmp_path / "t")
    delta_write(bricks, path, [{"a": 1}], tmp_path, "--schema", "a INT")
    time.sleep(0.05)
    hist = [json.loads(l) for l in
            bricks.run("delta", "history", path, "--format", "json").stdout.splitlines()]
    t1 = hist[0]["timestamp_ms"]
    delta_write(bricks, path, [{"a": 2}], tmp_path)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t1 / 1000)) + ".%03d" % (t1 % 1000)
    assert bricks_rows(bricks, path, "--timestamp", stamp) == [{"a": 1}]
    p = bricks.run("delta", "cat", path, "--timestamp", "2000-01-01", check=False)
    assert p.returncode == 1 and b"before the earliest version" in p.stderr


# ---- concurrency ------------------------------------------------------------------------

def test_concurrent_appends(bricks, tmp_path):
    path = str(tmp_path / "t")
    bricks.run("delta", "write", path, "--from-jsonl", "/dev/null", "--schema", "w INT, i INT")
    workers, per = 8, 200
    script = tmp_path / "append.sh"
    script.write_text(
        "#!/bin/sh\nfor i in $(seq 1 %d); do\n"
        "  echo \"{\\\"w\\\": $1, \\\"i\\\": $i}\" | %s delta write %s --from-jsonl - >/dev/null || exit 1\n"
        "done\n" % (per, bricks.path, path))
    script.chmod(0o755)
    procs = [subprocess.Popen([str(script), str(w)]) for w in range(workers)]
    assert all(p.wait(timeout=900) == 0 for p in procs)
    info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
    assert info["version"] == workers * per  # version 0 is the create
    rows = bricks_rows(bricks, path)
    assert len(rows) == workers * per
    assert sorted((r["w"], r["i"]) for r in rows) == [
        (w, i) for w in range(workers) for i in range(1, per + 1)]


def test_concurrent_deletes_conflict(bricks, tmp_path):
    path = str(tmp_path / "t")
    rows = [{"id": k} for k in range(10)]
    delta_write(bricks, path, rows, tmp_path, "--schema", "id INT")
    env = dict(os.environ, BRICKS_DELTA_TEST_COMMIT_DELAY_MS="700")
    cmds = [[bricks.path, "delta", "delete", path, "--where", w] for w in ("id < 5", "id > 3")]
    procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for c in cmds]
    results = [(p.wait(timeout=60), p.stderr.read().decode()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 1], results
    loser = [r[1] for r in results if r[0] == 1][0]
    assert "ConcurrentDeleteDeleteException" in loser or "ConcurrentDeleteReadException" in loser
    info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
    assert info["version"] == 2
    winner_where = cmds[[r[0] for r in results].index(0)][-1]
    want = [r for r in rows if not (r["id"] < 5 if winner_where == "id < 5" else r["id"] > 3)]
    assert canon(bricks_rows(bricks, path)) == canon(want)


# ---- crash safety -----------------------------------------------------------------------

def test_sigkill_during_commits(bricks, tmp_path):
    path = str(tmp_path / "t")
    bricks.run("delta", "write", path, "--from-jsonl", "/dev/null", "--schema", "k INT, pad STRING")
    batch = tmp_path / "batch.jsonl"
    with open(batch, "w") as f:
        for k in range(2000):
            f.write(json.dumps({"k": k, "pad": "x" * 50}) + "\n")
    rng = random.Random(1234)
    committed_rows = 0
    for _ in range(200):
        p = subprocess.Popen([bricks.path, "delta", "write", path, "--from-jsonl", str(batch)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0, 0.03))
        p.send_signal(signal.SIGKILL)
        p.communicate()
        info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
        # the table holds whole commits only: 2000 rows per committed write
        rows = sum(1 for _ in bricks.run("delta", "cat", path).stdout.splitlines())
        assert rows == info["num_records"] == 2000 * info["version"]
        committed_rows = rows
    bricks.run("delta", "write", path, "--from-jsonl", str(batch))
    info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
    assert info["num_records"] == committed_rows + 2000


# ---- change data feed -------------------------------------------------------------------

def cdf_key(r):
    return (r["id"], r["p"], r["_change_type"], r["_commit_version"])


def test_change_data_feed_matches_delta_rs(bricks, tmp_path):
    import pyarrow as pa
    path = str(tmp_path / "t")
    t = pa.table({"id": pa.array(range(10), pa.int64()), "p": pa.array(["a", "b"] * 5)})
    deltalake.write_deltalake(path, t, partition_by=["p"],
                              configuration={"delta.enableChangeDataFeed": "true"})
    deltalake.DeltaTable(path).delete("id < 3")
    deltalake.DeltaTable(path).update(updates={"id": "id + 100"}, predicate="id = 5")
    deltalake.write_deltalake(path, pa.table({"id": pa.array([42], pa.int64()),
                                              "p": pa.array(["c"])}), mode="append")
    theirs = pa.table(deltalake.DeltaTable(path).load_cdf(starting_version=0).read_all())
    ours = bricks_rows_cmd(bricks, "changes", path, "--from", 0)
    assert sorted(map(cdf_key, ours)) == sorted(map(cdf_key, theirs.to_pylist()))
    part = bricks_rows_cmd(bricks, "changes", path, "--from", 2, "--to", 2)
    assert sorted(r["_change_type"] for r in part) == ["update_postimage", "update_preimage"]


def test_change_data_feed_of_our_deletion_vectors(bricks, tmp_path):
    path = str(tmp_path / "t")
    rows = [{"id": k, "p": "x"} for k in range(20)]
    delta_write(bricks, path, rows, tmp_path, "--schema", "id INT, p STRING",
                "--property", "delta.enableChangeDataFeed=true",
                "--property", "delta.enableDeletionVectors=true")
    bricks.run("delta", "delete", path, "--where", "id < 3")
    bricks.run("delta", "delete", path, "--where", "id = 10")
    changes = bricks_rows_cmd(bricks, "changes", path, "--from", 1)
    assert sorted(cdf_key(r) for r in changes if r["_change_type"] == "delete") == [
        (0, "x", "delete", 2), (1, "x", "delete", 2), (2, "x", "delete", 2),
        (10, "x", "delete", 3)]
    assert sum(r["_change_type"] == "insert" for r in changes) == 20
    p = bricks.run("delta", "changes", str(tmp_path / "none"), "--from", 0, check=False)
    assert p.returncode == 1


def test_change_data_feed_needs_the_property(bricks, tmp_path):
    path = str(tmp_path / "t")
    delta_write(bricks, path, [{"a": 1}], tmp_path, "--schema", "a INT")
    p = bricks.run("delta", "changes", path, "--from", 0, check=False)
    assert p.returncode == 1 and b"delta.enableChangeDataFeed" in p.stderr


def bricks_rows_cmd(bricks, *args):
    out = bricks.run("delta", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_change_data_files_for_rewrites(bricks, tmp_path):
    import pyarrow as pa
    path = str(tmp_path / "t")
    rows = [{"id": k, "p": "ab"[k % 2]} for k in range(12)]
    delta_write(bricks, path, rows, tmp_path, "--schema", "id BIGINT, p STRING",
                "--partition-by", "p", "--property", "delta.enableChangeDataFeed=true")
    bricks.run("delta", "delete", path, "--where", "id < 4")
    log = open(os.path.join(path, "_delta_log", "00000000000000000002.json")).read()
    assert '"cdc"' in log
    ours = bricks_rows_cmd(bricks, "changes", path, "--from", 2)
    want = [(k, "ab"[k % 2], "delete", 2) for k in range(4)]
    assert sorted(map(cdf_key, ours)) == want
    theirs = pa.table(deltalake.DeltaTable(path).load_cdf(starting_version=2).read_all())
    assert sorted(map(cdf_key, theirs.to_pylist())) == want


def test_where_skips_files_by_partition_and_stats(bricks, tmp_path):
    path = str(tmp_path / "t")
    for c in range(3):
        batch = [{"id": c * 100 + k, "p": "abc"[c], "s": "v%d" % k} for k in range(100)]
        delta_write(bricks, path, batch, tmp_path, "--schema", "id INT, p STRING, s STRING",
                    "--partition-by", "p")
    out = bricks.run("delta", "scan", path, "--where", "p = 'b'").stdout.decode()
    assert out.startswith("100 rows") and "3 files, 2 skipped" in out
    out = bricks.run("delta", "scan", path, "--where", "id >= 250").stdout.decode()
    assert out.startswith("50 rows") and "3 files, 2 skipped" in out
    rows = bricks_rows(bricks, path, "--where", "id IN (5, 150, 299) AND s IS NOT NULL")
    assert sorted(r["id"] for r in rows) == [5, 150, 299]
    assert bricks_rows(bricks, path, "--where", "p = 'zz'") == []
    p = bricks.run("delta", "cat", path, "--where", "id = 'x'", check=False)
    assert p.returncode == 2 and b"id" in p.stderr


def test_stats_and_indexed_columns(bricks, tmp_path):
    path = str(tmp_path / "t")
    rows = [{"a": k, "b": "x%d" % k, "c": k / 2} for k in range(10)]
    delta_write(bricks, path, rows, tmp_path, "--schema", "a INT, b STRING, c DOUBLE",
                "--property", "delta.dataSkippingNumIndexedCols=2")
    adds = [json.loads(l)["add"] for l in
            open(os.path.join(path, "_delta_log", "00000000000000000001.json")) if '"add"' in l]
    stats = json.loads(adds[0]["stats"])
    assert stats["numRecords"] == 10
    assert stats["minValues"] == {"a": 0, "b": "x0"} and stats["maxValues"] == {"a": 9, "b": "x9"}
    assert set(stats["nullCount"]) == {"a", "b"}


def test_idempotent_writes_with_txn(bricks, tmp_path):
    path = str(tmp_path / "t")
    delta_write(bricks, path, [{"a": 0}], tmp_path, "--schema", "a INT",
                "--property", "delta.checkpointInterval=3")
    for v in range(1, 6):
        out = delta_write(bricks, path, [{"a": v}], tmp_path, "--txn-app", "etl",
                          "--txn-version", v).stdout.decode()
        assert "committed version" in out
        again = delta_write(bricks, path, [{"a": v}], tmp_path, "--txn-app", "etl",
                            "--txn-version", v).stdout.decode()
        assert "already committed" in again
    assert sorted(r["a"] for r in bricks_rows(bricks, path)) == list(range(6))
    assert deltalake.DeltaTable(path).transaction_version("etl") == 5


def test_log_cleanup_after_retention(bricks, tmp_path):
    path = str(tmp_path / "t")
    delta_write(bricks, path, [{"a": 0}], tmp_path, "--schema", "a INT",
                "--property", "delta.checkpointInterval=3",
                "--property", "delta.logRetentionDuration=interval 0 seconds")
    for v in range(1, 7):
        delta_write(bricks, path, [{"a": v}], tmp_path)
    log = sorted(os.listdir(os.path.join(path, "_delta_log")))
    assert "00000000000000000000.json" not in log  # cleaned up after the checkpoint at 6
    assert "00000000000000000006.checkpoint.parquet" in log
    assert sorted(r["a"] for r in bricks_rows(bricks, path)) == list(range(7))
    p = bricks.run("delta", "cat", path, "--version", 2, check=False)
    assert p.returncode == 1 and b"cleaned up" in p.stderr
    assert canon(rs_rows(path)) == canon([{"a": v} for v in range(7)])


def test_column_mapping_id_writes_parquet_field_ids(bricks, tmp_path):
    import pyarrow.parquet as pq
    path = str(tmp_path / "t")
    delta_write(bricks, path, [{"a": 1, "st": {"x": 2}}], tmp_path, "--schema",
                "a INT, st STRUCT<x: INT>", "--property", "delta.columnMapping.mode=id")
    info = json.loads(bricks.run("delta", "info", path, "--format", "json").stdout)
    ids = {f["metadata"]["delta.columnMapping.physicalName"]: f["metadata"]["delta.columnMapping.id"]
           for f in info["schema"]["fields"]}
    data = [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs if f.endswith(".parquet")]
    schema = pq.read_schema(data[0])
    for field in schema:
        assert int(field.metadata[b"PARQUET:field_id"]) == ids[field.name]
    assert bricks_rows(bricks, path) == [{"a": 1, "st": {"x": 2}}]


def test_writes_refused_where_rules_are_not_enforced(bricks, tmp_path):
    import pyarrow as pa
    path = str(tmp_path / "c")
    deltalake.write_deltalake(path, pa.table({"id": pa.array([1, 2], pa.int64())}))
    deltalake.DeltaTable(path).alter.add_constraint({"positive": "id > 0"})
    src = tmp_path / "neg.jsonl"
    src.write_text('{"id": -1}\n')
    p = bricks.run("delta", "write", path, "--from-jsonl", src, check=False)
    assert p.returncode == 1 and b"positive" in p.stderr
    assert sorted(r["id"] for r in bricks_rows(bricks, path)) == [1, 2]

    path = str(tmp_path / "a")
    delta_write(bricks, path, [{"id": 1}], tmp_path, "--schema", "id INT",
                "--property", "delta.appendOnly=true")
    p = bricks.run("delta", "delete", path, "--where", "id = 1", check=False)
    assert p.returncode == 1 and b"append-only" in p.stderr
    delta_write(bricks, path, [{"id": 2}], tmp_path)  # appends still work
    assert sorted(r["id"] for r in bricks_rows(bricks, path)) == [1, 2]


def test_nan_and_empty_partition_values_as_spark_expects(bricks, tmp_path):
    import pyarrow.parquet as pq
    path = str(tmp_path / "n")
    delta_write(bricks, path, [{"d": "NaN"}, {"d": 1.5}], tmp_path, "--schema", "d DOUBLE")
    data = [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs if f.endswith(".parquet")]
    stats = pq.ParquetFile(data[0]).metadata.row_group(0).column(0).statistics
    assert stats is None or not stats.has_min_max  # parquet-mr would skip NaN rows on them
    path = str(tmp_path / "e")
    delta_write(bricks, path, [{"id": 1, "p": ""}], tmp_path, "--schema", "id INT, p STRING",
                "--partition-by", "p")
    log = open(os.path.join(path, "_delta_log", "00000000000000000001.json")).read()
    assert '"partitionValues":{"p":null}' in log


# ---- delta write --from-parquet -------------------------------------------------------

def arrow_types_table(n, offset=0):
    """A pyarrow table of the types Bricks maps to Spark types, with NULLs."""
    import datetime as _dt
    import decimal as _dec

    def maybe(k, v):
        return None if k % 7 == 3 else v

    ks = range(offset, offset + n)
    return pa.table({
        "b": pa.array([maybe(k, k % 2 == 0) for k in ks], pa.bool_()),
        "i8": pa.array([maybe(k, (k % 200) - 100) for k in ks], pa.int8()),
        "i16": pa.array([-k for k in ks], pa.int16()),
        "i32": pa.array([k for k in ks], pa.int32()),
        "i64": pa.array([k * 1_000_000_007 for k in ks], pa.int64()),
        "f": pa.array([maybe(k, k / 4) for k in ks], pa.float32()),
        "d": pa.array([maybe(k, k / 3) for k in ks], pa.float64()),
        "dec": pa.array([_dec.Decimal("%d.%02d" % (k, k % 100)) for k in ks], pa.decimal128(15, 2)),
        "big": pa.array([maybe(k, _dec.Decimal("%d.000001" % (k * 13))) for k in ks],
                        pa.decimal128(38, 6)),
        "s": pa.array([maybe(k, "row %d ü" % k) for k in ks], pa.string()),
        "bin": pa.array([b"\x00\x01" if k % 2 else b"" for k in ks], pa.binary()),
        "dt": pa.array([_dt.date(2024, 1, 1 + k % 28) for k in ks], pa.date32()),
        "ts": pa.array([_dt.datetime(2024, 2, 3, 4, 5, k % 60, 123456) for k in ks],
                       pa.timestamp("us", tz="UTC")),
        "arr": pa.array([maybe(k, [k, None, k + 1]) for k in ks], pa.list_(pa.int32())),
        "st": pa.array([maybe(k, {"x": k, "y": "y%d" % k}) for k in ks],
                       pa.struct([("x", pa.int32()), ("y", pa.string())])),
    })


def write_parquet(table, path, row_group_size=None):
    import pyarrow.parquet as pq
    pq.write_table(table, str(path), row_group_size=row_group_size)
    return str(path)


def versions(path):
    return sorted(h["version"] for h in deltalake.DeltaTable(str(path)).history())


def test_from_parquet_creates_and_appends(bricks, tmp_path):
    path = str(tmp_path / "t")
    first = arrow_types_table(300)
    src = write_parquet(first, tmp_path / "a.parquet", row_group_size=64)
    bricks.run("delta", "write", path, "--from-parquet", src)
    assert canon(rs_rows(path)) == canon(table_rows(first))
    assert canon(bricks_rows(bricks, path)) == canon(table_rows(first))
    # columns are matched by name: another order and an extra column are fine
    second = arrow_types_table(50, offset=1000)
    shuffled = second.select(list(reversed(second.column_names)))
    shuffled = shuffled.append_column("extra", pa.array(range(50), pa.int64()))
    src2 = write_parquet(shuffled, tmp_path / "b.parquet")
    bricks.run("delta", "write", path, "--from-parquet", src2)
    assert canon(rs_rows(path)) == canon(table_rows(first) + table_rows(second))
    assert versions(path) == [0, 1, 2]


def test_from_parquet_empty_file(bricks, tmp_path):
    path = str(tmp_path / "t")
    src = write_parquet(arrow_types_table(0), tmp_path / "empty.parquet")
    out = bricks.run("delta", "write", path, "--from-parquet", src).stdout.decode()
    assert "no rows to append" in out
    assert rs_rows(path) == []
    names = [f.name for f in deltalake.DeltaTable(path).schema().fields]
    assert names == arrow_types_table(0).column_names


def test_from_parquet_bad_input_commits_nothing(bricks, tmp_path):
    path = str(tmp_path / "t")
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"this is not a parquet file at all")
    p = bricks.run("delta", "write", path, "--from-parquet", junk, check=False)
    assert p.returncode != 0 and "junk.parquet" in p.stderr.decode()
    assert not os.path.exists(os.path.join(path, "_delta_log"))  # no table was created
    good = write_parquet(pa.table({"id": pa.array([1, 2], pa.int64())}), tmp_path / "g.parquet")
    bricks.run("delta", "write", path, "--from-parquet", good)
    before = versions(path)
    # a column of another type, a missing column, a corrupt file: each fails, names the
    # problem, and adds no version
    wrong = write_parquet(pa.table({"id": pa.array(["x"], pa.string())}), tmp_path / "w.parquet")
    missing = write_parquet(pa.table({"other": pa.array([1], pa.int64())}),
                            tmp_path / "m.parquet")
    for src, word in ((wrong, "STRING"), (missing, '"id"'), (junk, "junk.parquet")):
        p = bricks.run("delta", "write", path, "--from-parquet", src, check=False)
        assert p.returncode != 0 and word in p.stderr.decode(), p.stderr
        assert versions(path) == before
    assert canon(rs_rows(path)) == canon([{"id": 1}, {"id": 2}])
    p = bricks.run("delta", "write", path, "--from-parquet", good, "--from-jsonl", good,
                   check=False)
    assert p.returncode != 0 and "exactly one" in p.stderr.decode()


def test_from_parquet_null_in_not_null_column(bricks, tmp_path):
    path = str(tmp_path / "t")
    strict = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("s", pa.string())])
    src = write_parquet(pa.table({"id": [1, 2], "s": ["a", None]}, schema=strict),
                        tmp_path / "a.parquet")
    bricks.run("delta", "write", path, "--from-parquet", src)
    assert not deltalake.DeltaTable(path).schema().fields[0].nullable
    loose = write_parquet(pa.table({"id": pa.array([3, None], pa.int64()), "s": ["c", "d"]}),
                          tmp_path / "b.parquet")
    p = bricks.run("delta", "write", path, "--from-parquet", loose, check=False)
    assert p.returncode != 0 and "NOT NULL" in p.stderr.decode() and '"id"' in p.stderr.decode()
    assert versions(path) == [0, 1]
    assert canon(rs_rows(path)) == canon([{"id": 1, "s": "a"}, {"id": 2, "s": None}])
