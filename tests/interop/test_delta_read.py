"""test_delta_read.py — Delta tables written by delta-rs (`deltalake`), read by Bricks.

Every table here is made by `write_deltalake` and delta-rs' own operations
(overwrite, delete, optimize compact and Z-order, schema merge, checkpoints), and
then read with `bricks delta cat|info|history`.  Rows are compared as multisets in
the cat JSON form: what delta-rs reads (DeltaTable.to_pyarrow_table) and the rows
the test wrote are both brought to that form by jsonform.py.  Time travel is
checked for every version of a table, against DeltaTable(path, version=N).
"""

import collections
import datetime
import decimal
import json
import os

import pytest

deltalake = pytest.importorskip("deltalake")  # pinned in tests/requirements.txt

import pyarrow as pa  # noqa: E402
from deltalake import DeltaTable, write_deltalake  # noqa: E402
from jsonform import table_rows  # noqa: E402

UTC = datetime.timezone.utc


# ---- comparing rows ---------------------------------------------------------------------

def norm(x):
    """Bricks prints a double 2.0 as 2: compare integral floats as integers."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, list):
        return [norm(v) for v in x]
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items()}
    return x


def canon(rows):
    return collections.Counter(json.dumps(norm(r), sort_keys=True) for r in rows)


def assert_same_rows(got, want, what):
    g, w = canon(got), canon(want)
    if g != w:
        missing = list((w - g).elements())[:5]
        extra = list((g - w).elements())[:5]
        pytest.fail("%s: %d rows read, %d expected\n  missing: %s\n  unexpected: %s"
                    % (what, len(got), len(want), missing, extra))


def ours(bricks, path, *extra):
    """The rows `bricks delta cat` prints, as dicts."""
    out = bricks.run("delta", "cat", path, "--format", "jsonl", *extra).stdout
    return [json.loads(line) for line in out.splitlines()]


def theirs(path, version=None):
    """The rows delta-rs reads, in the cat JSON form."""
    dt = DeltaTable(str(path), version=version)
    return table_rows(pa.table(dt.to_pyarrow_table()))


def our_info(bricks, path, *extra):
    return json.loads(bricks.run("delta", "info", path, "--format", "json", *extra).stdout)


def our_history(bricks, path):
    out = bricks.run("delta", "history", path, "--format", "json").stdout
    return [json.loads(line) for line in out.splitlines()]


def check_every_version(bricks, path):
    """`cat --version N` equals delta-rs at N for every N; history lists the same versions."""
    latest = DeltaTable(path).version()
    for v in range(latest + 1):
        assert_same_rows(ours(bricks, path, "--version", v), theirs(path, v), "version %d" % v)
    hist = our_history(bricks, path)
    assert [h["version"] for h in hist] == list(range(latest, -1, -1))
    rs = sorted((h["version"] for h in DeltaTable(path).history()), reverse=True)
    assert [h["version"] for h in hist] == rs
    assert our_info(bricks, path)["version"] == latest


# ---- every type ---------------------------------------------------------------------------

NESTED = pa.struct([("x", pa.int32()), ("y", pa.string()),
                    ("inner", pa.struct([("z", pa.float64()), ("w", pa.list_(pa.string()))]))])

TYPES = pa.schema([
    ("b", pa.bool_()), ("i8", pa.int8()), ("i16", pa.int16()), ("i32", pa.int32()),
    ("i64", pa.int64()), ("f32", pa.float32()), ("f64", pa.float64()),
    ("d5", pa.decimal128(5, 2)), ("d20", pa.decimal128(20, 4)), ("d38", pa.decimal128(38, 10)),
    ("s", pa.string()), ("bin", pa.binary()), ("dt", pa.date32()),
    ("ts", pa.timestamp("us", tz="UTC")), ("ntz", pa.timestamp("us")),
    ("st", NESTED), ("li", pa.list_(pa.int64())), ("ls", pa.list_(NESTED)),
    ("m", pa.map_(pa.string(), pa.int32())),
])

STRINGS = ["", "plain", "ü€ 中文 😀", "quote \" backslash \\ tab\t newline\n", "x" * 300]
FLOATS = [0.0, -0.0, 1.5, -2.25, 1e300, -1e-300, 5e-324, float("nan"), float("inf"),
          float("-inf"), 1 / 3]
DATES = [datetime.date(1970, 1, 1), datetime.date(1, 1, 1), datetime.date(9999, 12, 31),
         datetime.date(2024, 2, 29), datetime.date(1969, 12, 31)]
TIMES = [datetime.datetime(1970, 1, 1), datetime.datetime(1900, 1, 1, 0, 0, 0, 1),
         datetime.datetime(2024, 2, 29, 23, 59, 59, 999999),
         datetime.datetime(1969, 12, 31, 23, 59, 59, 500000),
         datetime.datetime(2262, 4, 11, 23, 47, 16, 854775)]


def type_value(col, k):
    """Row k's value of column `col` (None on a diagonal pattern, so every column
    has NULLs in different rows, and row 0 has none)."""
    idx = TYPES.names.index(col)
    if k and (k + idx) % 6 == 0:
        return None
    if col == "b":
        return k % 2 == 0
    if col == "i8":
        return [-128, 127, 0, -1][k % 4] if k < 8 else (k * 37) % 256 - 128
    if col == "i16":
        return [-32768, 32767][k % 2] if k < 4 else k * -301
    if col == "i32":
        return [-2 ** 31, 2 ** 31 - 1][k % 2] if k < 4 else k * 70001
    if col == "i64":
        return [-2 ** 63, 2 ** 63 - 1][k % 2] if k < 4 else k * 1_000_000_007
    if col in ("f32", "f64"):
        return FLOATS[k % len(FLOATS)] if col == "f64" or abs(FLOATS[k % len(FLOATS)]) < 1e30 \
            else k / 7
    if col == "d5":
        return decimal.Decimal(["999.99", "-999.99", "0.00", "1.05"][k % 4])
    if col == "d20":
        return decimal.Decimal("%d.%04d" % (k * 123456789012 * (-1) ** k, k % 10000))
    if col == "d38":
        return decimal.Decimal(["9" * 28 + "." + "9" * 10, "-0.0000000001",
                                "%d.%010d" % (k * 10 ** 20, k)][k % 3])
    if col == "s":
        return STRINGS[k % len(STRINGS)] + ("" if k < len(STRINGS) else str(k))
    if col == "bin":
        return [b"", b"\x00\xff\x10", bytes(range(k % 50))][k % 3]
    if col == "dt":
        return DATES[k % len(DATES)] if k < 10 else datetime.date(2000, 1, 1) + \
            datetime.timedelta(days=k * 17)
    if col == "ts":
        return TIMES[k % len(TIMES)].replace(tzinfo=UTC)
    if col == "ntz":
        return TIMES[(k + 2) % len(TIMES)]
    if col == "st":
        return {"x": None if k % 4 == 1 else k, "y": "y%d" % k,
                "inner": None if k % 5 == 2 else {"z": k / 2, "w": [None, "w%d" % k][:k % 3]}}
    if col == "li":
        return [[], [None], [k, None, -k]][k % 3]
    if col == "ls":
        return [None if k % 2 else {"x": k, "y": None, "inner": None}, {"x": -k, "y": "v",
                                                                      "inner": {"z": 0.5,
                                                                                "w": []}}]
    if col == "m":
        return [[], [("a", k), ("b", None)], [("ü", -k)]][k % 3]
    raise KeyError(col)


def types_table(n, offset=0):
    cols = {c: [type_value(c, k) for k in range(offset, offset + n)] for c in TYPES.names}
    return pa.table(cols, schema=TYPES)


def test_every_type_with_nulls(bricks, tmp_path):
    path = str(tmp_path / "types")
    first, second = types_table(40), types_table(25, offset=40)
    write_deltalake(path, first)
    write_deltalake(path, second, mode="append")
    want = table_rows(first) + table_rows(second)
    assert_same_rows(theirs(path), want, "delta-rs")  # the converter itself
    assert_same_rows(ours(bricks, path), want, "bricks delta cat")
    assert_same_rows(ours(bricks, path, "--version", 0), table_rows(first), "version 0")
    info = our_info(bricks, path)
    assert info["version"] == 1
    assert info["num_files"] == len(DeltaTable(path).file_uris())
    assert info["num_records"] == 65
    fields = {f["name"]: f["type"] for f in info["schema"]["fields"]}
    assert fields["ntz"] == "timestamp_ntz" and fields["ts"] == "timestamp"
    assert fields["d38"] == "decimal(38,10)" and fields["i8"] == "byte"


def test_limit_and_csv(bricks, tmp_path):
    path = str(tmp_path / "t")
    write_deltalake(path, pa.table({"id": list(range(100)), "s": ["a,b"] * 100}))
    assert len(ours(bricks, path, "--limit", 7)) == 7
    csv = bricks.run("delta", "cat", path, "--format", "csv").stdout.decode().splitlines()
    assert csv[0] == "id,s" and len(csv) == 101 and csv[1].endswith(',"a,b"')


# ---- partitions ----------------------------------------------------------------------------

PART_STRINGS = ["a b", "x/y", "k=v", "50%", "ü€ 😀", "#:?*", "plain", None, ""]
PART_INTS = [1, -5, 2 ** 31 - 1, None]
PART_DATES = [datetime.date(2024, 1, 1), datetime.date(1969, 7, 20), None]


def partitioned_table(n, offset=0):
    rows = range(offset, offset + n)
    return pa.table({
        "id": pa.array(list(rows), pa.int64()),
        "p_str": pa.array([PART_STRINGS[k % len(PART_STRINGS)] for k in rows], pa.string()),
        "p_int": pa.array([PART_INTS[k % len(PART_INTS)] for k in rows], pa.int32()),
        "p_date": pa.array([PART_DATES[k % len(PART_DATES)] for k in rows], pa.date32()),
        "v": pa.array([None if k % 5 == 0 else k * 0.5 for k in rows], pa.float64()),
    })


def test_partition_values_with_special_characters_and_nulls(bricks, tmp_path):
    path = str(tmp_path / "part")
    parts = ["p_str", "p_int", "p_date"]
    first, second, third = (partitioned_table(60), partitioned_table(30, offset=60),
                            partitioned_table(20, offset=90))
    write_deltalake(path, first, partition_by=parts)
    write_deltalake(path, second, partition_by=parts, mode="append")
    DeltaTable(path).create_checkpoint()  # partitionValues as a checkpoint map, at version 1
    write_deltalake(path, third, partition_by=parts, mode="append")
    # an empty string partition value is NULL (PROTOCOL.md "Partition Value Serialization")
    want = [dict(r, p_str=r["p_str"] or None)
            for r in table_rows(first) + table_rows(second) + table_rows(third)]
    assert any("__HIVE_DEFAULT_PARTITION__" in d for d, _, _ in os.walk(path))
    assert_same_rows(theirs(path), want, "delta-rs")
    assert_same_rows(ours(bricks, path), want, "bricks delta cat")
    assert_same_rows(ours(bricks, path, "--version", 0), theirs(path, 0), "version 0")
    info = our_info(bricks, path)
    assert info["partition_columns"] == parts
    assert info["num_files"] == len(DeltaTable(path).file_uris())
    assert info["num_records"] == 110


# ---- many commits, checkpoints, operations, time travel --------------------------------------

def small_table(start, n, extra=None):
    cols = {"id": pa.array(range(start, start + n), pa.int64()),
            "part": pa.array(["p%d" % (k % 3) for k in range(start, start + n)], pa.string()),
            "x": pa.array([k * 1.5 for k in range(start, start + n)], pa.float64())}
    if extra:
        cols[extra] = pa.array(["%s%d" % (extra, k) for k in range(start, start + n)])
    return pa.table(cols)


def test_many_commits_with_checkpoints(bricks, tmp_path):
    path = str(tmp_path / "log")
    for v in range(14):
        write_deltalake(path, small_table(v * 10, 10), partition_by=["part"],
                        mode="append" if v else "error")
        if v == 6:
            DeltaTable(path).create_checkpoint()
    DeltaTable(path).create_checkpoint()  # at the latest version, 13
    log = os.listdir(os.path.join(path, "_delta_log"))
    assert "00000000000000000006.checkpoint.parquet" in log
    assert "00000000000000000013.checkpoint.parquet" in log
    check_every_version(bricks, path)
    info = our_info(bricks, path)
    assert info["num_records"] == 140
    # the commits before a checkpoint are not needed for the latest version
    os.remove(os.path.join(path, "_delta_log", "00000000000000000003.json"))
    assert_same_rows(ours(bricks, path), theirs(path), "after removing commit 3")
    for v in (6, 7, 13):
        assert_same_rows(ours(bricks, path, "--version", v), theirs(path, v), "version %d" % v)


def test_overwrite_delete_optimize_zorder_merge(bricks, tmp_path):
    path = str(tmp_path / "ops")
    write_deltalake(path, small_table(0, 50), partition_by=["part"])           # 0
    write_deltalake(path, small_table(50, 50), partition_by=["part"], mode="append")  # 1
    write_deltalake(path, small_table(100, 30), partition_by=["part"], mode="overwrite")  # 2
    write_deltalake(path, small_table(130, 30), partition_by=["part"], mode="append")  # 3
    dt = DeltaTable(path)
    dt.delete("id % 4 = 1")                                                      # 4
    dt.delete("part = 'p2'")                                                     # 5
    write_deltalake(path, small_table(160, 10), partition_by=["part"], mode="append")  # 6
    DeltaTable(path).optimize.z_order(["id", "x"])                               # 7
    for v in (8, 9):
        write_deltalake(path, small_table(v * 20, 10), partition_by=["part"], mode="append")
    DeltaTable(path).optimize.compact()                                          # 10
    write_deltalake(path, small_table(300, 20, extra="note"), mode="append",
                    schema_mode="merge")                                         # 11
    hist = sorted(DeltaTable(path).history(), key=lambda h: h["version"])
    ops = [h.get("operation") for h in hist]
    assert (ops[4], ops[5], ops[7], ops[10]) == ("DELETE", "DELETE", "OPTIMIZE", "OPTIMIZE"), ops
    rows = ours(bricks, path)
    assert sum(1 for r in rows if r["note"] is None) == len(rows) - 20  # old files lack it
    assert_same_rows(rows, theirs(path), "latest")
    check_every_version(bricks, path)


def test_timestamp_travel_matches_history(bricks, tmp_path):
    path = str(tmp_path / "tt")
    for v in range(4):
        write_deltalake(path, small_table(v * 5, 5), mode="append" if v else "error")
    hist = our_history(bricks, path)
    for h in hist:
        micros = h["timestamp_ms"] * 1000
        when = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=micros)
        text = when.strftime("%Y-%m-%d %H:%M:%S.%f")
        assert_same_rows(ours(bricks, path, "--timestamp", text), theirs(path, h["version"]),
                         "timestamp of version %d" % h["version"])
    assert hist[0]["commitInfo"].get("operation") == "WRITE"


def test_errors_are_clean(bricks, tmp_path):
    path = str(tmp_path / "t")
    write_deltalake(path, small_table(0, 3))
    p = bricks.run("delta", "cat", path, "--version", 5, check=False)
    assert p.returncode == 1 and p.stderr and not p.stdout
    p = bricks.run("delta", "cat", str(tmp_path / "missing"), check=False)
    assert p.returncode == 1 and p.stderr
