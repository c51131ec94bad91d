"""test_scan_pushdown.py — filters pushed into Parquet and Delta scans change no result.

The files are made here: a Parquet file by pyarrow with many small row groups and
pages (and a page index), with NULLs, NaN, -0.0, infinities, boundary integers,
strings, decimals (64- and 128-bit), dates and timestamps; and partitioned Delta
tables by delta-rs (date, string and int partition columns, NULL partition values).
Every query runs three ways and must give the same rows: through Bricks with
pushdown (row-group, page and file skipping plus late materialization), through
Bricks with `spark.sql.parquet.filterPushdown` / `spark.databricks.delta.stats.skipping`
set to false, and through DuckDB over the same files.  EXPLAIN must show the
pushed predicates, EXPLAIN ANALYZE the skipped row groups and files.  The SQL
logic file scan_pushdown.test runs over the same files (its __DIR__ filled in).
"""

import csv
import datetime
import decimal
import io
import math
import os
import subprocess

import pytest

import pyarrow as pa
import pyarrow.parquet as pq

deltalake = pytest.importorskip("deltalake")
duckdb = pytest.importorskip("duckdb")
from deltalake import write_deltalake  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
N = 6000
UTC = datetime.timezone.utc


def make_rows():
    """Columns of N rows; id is the row number (sorted, so row groups skip)."""
    cols = {k: [] for k in ("id", "i8", "i16", "i32", "i64", "f32", "f64", "s", "bin", "d",
                            "dw", "dt", "ts", "ntz", "flag")}
    specials = [float("nan"), -0.0, 0.0, float("inf"), float("-inf"), None, 1.5, -1.5]
    for r in range(N):
        null = r % 17 == 3
        cols["id"].append(r)
        cols["i8"].append(None if null else (r % 256) - 128)
        cols["i16"].append(None if null else [-32768, 32767, 0, r % 1000][r % 4])
        cols["i32"].append(None if null else (r * 7919) % 2000003 - 1000000)
        cols["i64"].append(None if null else [-(2 ** 63), 2 ** 63 - 1, r * 10 ** 12][r % 3])
        x = specials[r % len(specials)] if r % 5 == 0 else (r % 200) / 8 - 12.5
        cols["f64"].append(x)
        cols["f32"].append(x)
        cols["s"].append(None if null else ["", "a", "ab", "b", "é", "z" * 40, "it's"][r % 7]
                         + ("" if r % 3 else str(r // 100)))
        cols["bin"].append(None if null else bytes([r % 256, 0, 255]))
        cols["d"].append(None if null else decimal.Decimal(r * 37 % 100000 - 50000) / 100)
        cols["dw"].append(None if null else decimal.Decimal(r * 10 ** 15 + 7) / 1000)
        cols["dt"].append(None if null else datetime.date(1990, 1, 1)
                          + datetime.timedelta(days=r * 3))
        cols["ts"].append(None if null else datetime.datetime(2020, 1, 1, tzinfo=UTC)
                          + datetime.timedelta(seconds=r * 3601, microseconds=r))
        cols["ntz"].append(None if null else datetime.datetime(2000, 2, 29)
                           + datetime.timedelta(minutes=r * 11))
        cols["flag"].append(None if null else r % 3 == 0)
    return cols


SCHEMA = pa.schema([("id", pa.int32()), ("i8", pa.int8()), ("i16", pa.int16()),
                    ("i32", pa.int32()), ("i64", pa.int64()), ("f32", pa.float32()),
                    ("f64", pa.float64()), ("s", pa.string()), ("bin", pa.binary()),
                    ("d", pa.decimal128(10, 2)), ("dw", pa.decimal128(25, 3)),
                    ("dt", pa.date32()), ("ts", pa.timestamp("us", tz="UTC")),
                    ("ntz", pa.timestamp("us")), ("flag", pa.bool_())])

# Predicates over the Parquet file: every type, every operator, literals on both
# sides, BETWEEN, IN, IS [NOT] NULL, boundaries, NULL literals and NaN.
PARQUET_PREDICATES = [
    "id < 1500", "id >= 5990", "id = 4242", "1000 > id", "id BETWEEN 2000 AND 2100",
    "id IN (1, 999, 1000, 5999, 6000)", "id <= -1", "id > 100000",
    "i8 = -128", "i8 >= 127", "i8 < -100 AND i8 IS NOT NULL", "i8 IS NULL",
    "i16 = 32767", "i16 <= -32768", "i16 IN (0, 5)",
    "i32 > 999000", "i32 BETWEEN -500 AND 500", "i32 = NULL", "i32 IS NOT NULL AND id < 40",
    "i64 = 9223372036854775807", "i64 <= -9223372036854775808", "i64 > 5000000000000000",
    "f64 < 0", "f64 <= -0.0", "f64 = 0.0", "f64 = -0.0", "f64 > 10", "f64 >= 12.375",
    "f64 = 'NaN'", "f64 < 'NaN'", "f64 IN (1.5, -12.5)", "f64 IS NULL",
    "f64 = CAST('Infinity' AS DOUBLE)", "f64 < CAST('-Infinity' AS DOUBLE)",
    "f32 < -1", "f32 = 1.5", "f32 >= 12",
    "s = ''", "s = 'a'", "s < 'ab'", "s > 'z'", "s >= 'zzzz'", "s IN ('b', 'é', 'it\\'s')",
    "s IN ('b', 'é')",
    "s BETWEEN 'a' AND 'b'", "s IS NULL", "s LIKE 'a%'",
    "bin IS NULL", "bin IS NOT NULL AND id > 5980",
    "d < -499.5", "d = 0.37", "d BETWEEN 1 AND 2", "d > 499", "d IN (1.11, 2.22, -3.33)",
    "dw > 5000000000000000.007", "dw = 1000000000000.007", "dw <= 1000000000000",
    "dt < DATE '1990-02-01'", "dt >= DATE '2039-01-01'", "dt = DATE '2000-01-03'",
    "dt BETWEEN DATE '2000-01-01' AND DATE '2000-03-01'", "dt > DATE '1990-01-01' + INTERVAL 3 DAY",
    "ts < TIMESTAMP '2020-01-02 00:00:00'", "ts >= TIMESTAMP '2020-09-01 10:00:00'",
    "ts = TIMESTAMP '2020-01-01 01:00:01.000001'",
    "ntz < TIMESTAMP_NTZ '2000-03-01 00:00:00'", "ntz >= TIMESTAMP_NTZ '2000-03-31 06:00:00'",
    "flag = true", "flag IS NULL", "NOT flag",
    "id < 3000 AND s = 'b' AND f64 < 0 AND d > 0",
    "id < 100 OR id > 5900", "i32 + 1 > 999000", "CAST(i32 AS DOUBLE) < -999000.5",
    "i16 < 2.5", "i8 > -127.5", "i16 IN (1, 2, 2.5, 100000)", "i8 = 300", "i8 < 1000",
    "i32 < 10.0", "i32 >= -999999.00", "i64 IN (-9223372036854775808, 0.5)",
    "d = 1", "d < 5", "dw > 1", "i16 = i8",
    # long integer IN lists: the scan probes a word set (a bitmap over a dense range, else a
    # hashed table); sign-extended narrow types, NULL in the list, values out of the type
    "id IN (%s)" % ", ".join(str(x) for x in range(-20, 6100, 7)),
    "i32 IN (%s)" % ", ".join(str((r * 7919) % 2000003 - 1000000) for r in range(0, 6000, 13)),
    "i32 IN (%s, NULL, 5000000000)" % ", ".join(str(x * 1000) for x in range(-1000, 1000, 3)),
    "i8 IN (%s)" % ", ".join(str(x) for x in range(-128, 0, 3)),
    "i64 IN (-9223372036854775808, %s)" % ", ".join(str(x * 10 ** 12) for x in range(0, 900, 9)),
    "dt IN (%s)" % ", ".join("DATE '%s'" % (datetime.date(1990, 1, 1) + datetime.timedelta(days=d))
                             for d in range(0, 9000, 21)),
]


def bricks_bin():
    return os.environ.get("BRICKS_BIN", os.path.join(ROOT, "build", "release", "bricks"))


def bricks_sql(sql, settings=()):
    script = "".join("SET %s = %s;\n" % kv for kv in settings) + sql + ";\n"
    p = subprocess.run([bricks_bin(), "sql", "--format", "csv"], input=script.encode(),
                       capture_output=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("bricks: %s\n%s" % (p.stderr.decode(errors="replace"), sql))
    rows = list(csv.reader(io.StringIO(p.stdout.decode())))
    # each SET prints a header and its key/value row first; then the result's header
    return rows[2 * len(settings) + 1:]


OFF = (("spark.sql.parquet.filterPushdown", "false"),
       ("spark.databricks.delta.stats.skipping", "false"))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan_pushdown")
    table = pa.table(make_rows(), schema=SCHEMA)
    path = str(d / "t.parquet")
    pq.write_table(table, path, row_group_size=500, data_page_size=256,
                   write_page_index=True, write_statistics=True)
    # Delta: partitioned by a date, a string and an int column, with NULL partitions
    rows = []
    for r in range(2400):
        rows.append({"id": r, "v": None if r % 11 == 0 else r * 3 - 3000,
                     "name": "n%04d" % r,
                     "pdate": None if r % 7 == 6 else datetime.date(2024, 1, 1 + r % 6),
                     "pstr": None if r % 9 == 8 else ["x", "y", "zz"][r % 3],
                     "pint": None if r % 13 == 12 else r % 4})
    dtab = pa.Table.from_pylist(rows, schema=pa.schema([
        ("id", pa.int64()), ("v", pa.int64()), ("name", pa.string()), ("pdate", pa.date32()),
        ("pstr", pa.string()), ("pint", pa.int32())]))
    dpath = str(d / "delta")
    for k in range(3):  # several commits: several files per partition
        write_deltalake(dpath, dtab.slice(k * 800, 800), partition_by=["pdate", "pstr", "pint"],
                        mode="append")
    upath = str(d / "delta_unpart")
    for k in range(4):
        write_deltalake(upath, dtab.slice(k * 600, 600), mode="append")
    return {"dir": str(d), "parquet": path, "delta": dpath, "delta_unpart": upath}


def duck_ids(sql):
    return [str(r[0]) for r in duckdb.connect().sql(sql).fetchall()]


@pytest.mark.parametrize("pred", PARQUET_PREDICATES)
def test_parquet_same_rows(data, pred):
    src = "parquet.`%s`" % data["parquet"]
    sql = "SELECT id FROM %s WHERE %s ORDER BY id" % (src, pred)
    on = [r[0] for r in bricks_sql(sql)]
    off = [r[0] for r in bricks_sql(sql, OFF)]
    assert on == off, pred
    # a view in between (the TPC-H shape: a filter over a projection over the scan)
    view = ("CREATE TEMPORARY VIEW v AS SELECT * FROM %s;\n"
            "SELECT id FROM v WHERE %s ORDER BY id" % (src, pred))
    assert [r[0] for r in bricks_sql(view)] == on, pred


# DuckDB agrees where its SQL means the same (no Spark-only functions or literals)
DUCK_SAFE = [p for p in PARQUET_PREDICATES
             if not any(x in p for x in ("\\'", "TIMESTAMP_NTZ", "ts ", "NOT flag",
                                         "'NaN'", "INTERVAL", "f32", "= NULL"))]


@pytest.mark.parametrize("pred", DUCK_SAFE)
def test_parquet_matches_duckdb(data, pred):
    sql = "SELECT id FROM {} WHERE " + pred + " ORDER BY id"
    got = [r[0] for r in bricks_sql(sql.format("parquet.`%s`" % data["parquet"]))]
    want = duck_ids(sql.format("read_parquet('%s')" % data["parquet"]))
    assert got == want, pred


def explain(sql, analyze=False):
    rows = bricks_sql(("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + sql)
    return "\n".join(r[0] for r in rows)


# Runtime join filters (engine/exec/join_filter.c): a hash join whose build side was
# filtered hands its distinct keys to the probe side's scan.  Joins that must keep probe
# rows without a partner (LEFT, ANTI / NOT IN) get none; NULL keys and an empty build side.
JOIN_QUERIES = [
    "SELECT a.id FROM {t} a JOIN (SELECT i32 FROM {t} WHERE id < 50) b ON a.i32 = b.i32",
    "SELECT a.id, b.id FROM {t} a JOIN {t} b ON a.i8 = b.i8 WHERE b.id BETWEEN 10 AND 12",
    "SELECT a.id FROM {t} a JOIN (SELECT dt FROM {t} WHERE id % 500 = 7) b ON a.dt = b.dt",
    "SELECT a.id FROM {t} a JOIN (SELECT i32 FROM {t} WHERE id < 0) b ON a.i32 = b.i32",
    "SELECT a.id, b.i32 FROM {t} a LEFT JOIN (SELECT i32 FROM {t} WHERE id < 50) b "
    "ON a.i32 = b.i32",
    "SELECT a.id FROM {t} a WHERE a.i32 IN (SELECT i32 FROM {t} WHERE id < 80)",
    "SELECT a.id FROM {t} a WHERE a.i32 NOT IN (SELECT i32 FROM {t} WHERE id < 80 "
    "AND i32 IS NOT NULL)",
    "SELECT a.id FROM {t} a WHERE NOT EXISTS (SELECT 1 FROM {t} b WHERE b.i16 = a.i16 "
    "AND b.id < 30)",
]


@pytest.mark.parametrize("sql", JOIN_QUERIES)
def test_parquet_join_filters_match_duckdb(data, sql):
    order = " ORDER BY 1, 2" if sql.startswith("SELECT a.id, ") else " ORDER BY 1"
    got = [tuple(r) for r in bricks_sql(sql.format(t="parquet.`%s`" % data["parquet"]) + order)]
    want = [tuple("" if v is None else str(v) for v in r) for r in duckdb.connect().sql(
        sql.format(t="read_parquet('%s')" % data["parquet"]) + order).fetchall()]
    assert got == want, sql
    assert got == [tuple(r) for r in bricks_sql(
        sql.format(t="parquet.`%s`" % data["parquet"]) + order, OFF)], sql


def test_parquet_explain_shows_filters(data):
    src = "parquet.`%s`" % data["parquet"]
    plan = explain("SELECT id, s FROM %s WHERE id < 1500 AND s = 'it\\'s' AND dt <= "
                   "DATE '2000-01-01' AND d BETWEEN 1 AND 2 AND f64 > 1 AND i16 IN (1, 2)" % src)
    scan = [line for line in plan.splitlines() if "Scan parquet" in line][0]
    assert "filters: " in scan
    for want in ("id < 1500", "s = 'it\\'s'", "dt <= DATE '2000-01-01'", "d >= 1.00",
                 "d <= 2.00", "i16 IN (1, 2)"):
        assert want in scan, (want, scan)
    assert "f64 >" not in scan  # NaN and statistics: not pushed (scan_pushdown.c)


def test_parquet_explain_analyze_skips(data):
    src = "parquet.`%s`" % data["parquet"]
    plan = explain("SELECT count(*) FROM %s WHERE id >= 5990" % src, analyze=True)
    scan = [line for line in plan.splitlines() if "Scan parquet" in line][0]
    assert "row groups=12 (skipped 11)" in scan, scan
    assert "rows=10" in scan, scan  # late materialization: only the matching rows
    plan = explain("SELECT count(*) FROM %s WHERE i32 > 999000" % src, analyze=True)
    scan = [line for line in plan.splitlines() if "Scan parquet" in line][0]
    assert "rows filtered=" in scan and "rows filtered=0" not in scan, scan
    off = bricks_sql("EXPLAIN ANALYZE SELECT count(*) FROM %s WHERE id >= 5990" % src, OFF)
    scan = [r[0] for r in off if "Scan parquet" in r[0]][0]
    assert "skipped 0" in scan and "filters:" not in scan, scan


DELTA_PREDICATES = [
    "pdate = DATE '2024-01-03'", "pdate < DATE '2024-01-02'", "pdate IS NULL",
    "pdate IS NOT NULL AND pdate >= DATE '2024-01-05'",
    "pstr = 'zz'", "pstr IN ('x', 'y')", "pstr IS NULL", "pstr > 'x'",
    "pint = 0", "pint BETWEEN 1 AND 2", "pint IS NULL", "pint >= 3",
    "pdate = DATE '2024-01-02' AND pstr = 'y' AND pint = 1",
    "id < 100", "id >= 2300 AND pint = 2", "v IS NULL", "v > 3000", "name = 'n0042'",
    "name >= 'n2390'", "v = NULL", "pint = NULL",
]


@pytest.mark.parametrize("pred", DELTA_PREDICATES)
@pytest.mark.parametrize("table", ["delta", "delta_unpart"])
def test_delta_same_rows(data, table, pred):
    src = "delta.`%s`" % data[table]
    sql = "SELECT id FROM %s WHERE %s ORDER BY id" % (src, pred)
    on = [r[0] for r in bricks_sql(sql)]
    off = [r[0] for r in bricks_sql(sql, OFF)]
    assert on == off, pred
    con = duckdb.connect()
    want = [str(r[0]) for r in con.sql(
        "SELECT id FROM delta_scan('%s') WHERE %s ORDER BY id" % (data[table], pred)
    ).fetchall()] if duck_has_delta() else None
    if want is not None:
        assert on == want, pred


_DUCK_DELTA = None


def duck_has_delta():
    """DuckDB's delta extension, when it is installed (not downloaded here)."""
    global _DUCK_DELTA
    if _DUCK_DELTA is None:
        try:
            duckdb.connect().sql("LOAD delta")
            _DUCK_DELTA = True
        except Exception:
            _DUCK_DELTA = False
    return _DUCK_DELTA


def test_delta_explain_analyze_skips_files(data):
    src = "delta.`%s`" % data["delta"]
    sql = "SELECT count(*) FROM %s WHERE pdate = DATE '2024-01-03' AND pstr = 'zz'" % src
    plan = explain(sql, analyze=True)
    scan = [line for line in plan.splitlines() if "Scan delta" in line][0]
    assert "filters: " in scan and "pdate = DATE '2024-01-03'" in scan, scan
    assert "pstr = 'zz'" in scan, scan
    total = int(scan.split("files=")[1].split(" ")[0])
    skipped = int(scan.split("(skipped ")[1].split(")")[0])
    # 5 pint partitions (NULL included) under that pdate and pstr, from 3 commits
    assert total > 100 and skipped >= total - 15, scan
    # NULL partition values: only the __HIVE_DEFAULT_PARTITION__ files are read
    plan = explain("SELECT count(*) FROM %s WHERE pint IS NULL" % src, analyze=True)
    scan = [line for line in plan.splitlines() if "Scan delta" in line][0]
    skipped = int(scan.split("(skipped ")[1].split(")")[0])
    assert skipped > 0, scan
    on = bricks_sql(sql)
    assert on == bricks_sql(sql, OFF)


def test_slt_file(data, tmp_path):
    """scan_pushdown.test over these files, through the SQL logic test runner."""
    with open(os.path.join(HERE, "scan_pushdown.test")) as f:
        text = f.read().replace("__DIR__", data["dir"])
    out = tmp_path / "scan_pushdown.test"
    out.write_text(text)
    runner = os.path.join(os.path.dirname(bricks_bin()), "slt_runner")
    p = subprocess.run([runner, str(out)], capture_output=True, timeout=300)
    assert p.returncode == 0, p.stdout.decode() + p.stderr.decode()


# Big builds: a join whose filtered build side holds well over 65,536 distinct keys
# still filters its probe scan (a bitmap over dense keys, a hashed table over sparse
# ones), and long IN lists and join keys skip exactly the row groups and files that
# hold none of their values, not all within their overall range.
BIG_ROWS, BIG_GROUP = 300000, 50000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan_pushdown_big")
    table = pa.table({"k": pa.array([3 * x for x in range(BIG_ROWS)], pa.int64()),
                      "sparse": pa.array([1000003 * x for x in range(BIG_ROWS)], pa.int64()),
                      "v": pa.array([x & 1023 for x in range(BIG_ROWS)], pa.int32()),
                      "dk": pa.array([decimal.Decimal(3 * x) for x in range(BIG_ROWS)],
                                     pa.decimal128(18, 0))})
    path = str(d / "big.parquet")
    pq.write_table(table, path, row_group_size=BIG_GROUP, write_statistics=True)
    dpath = str(d / "delta")
    for k in range(BIG_ROWS // BIG_GROUP):  # one file per 50,000 rows, k ascending
        write_deltalake(dpath, table.slice(k * BIG_GROUP, BIG_GROUP), mode="append")
    return {"parquet": path, "delta": dpath}


def scan_lines(plan, kind):
    return [line for line in plan.splitlines() if "Scan " + kind in line]


@pytest.mark.parametrize("key", ["k", "sparse"])
def test_big_join_filter_matches_duckdb(big, key):
    sql = ("SELECT count(*), sum(a.v) FROM {t} a JOIN (SELECT %s FROM {t} WHERE v < 400) b "
           "ON a.%s = b.%s" % (key, key, key))
    want = duckdb.connect().sql(sql.format(t="read_parquet('%s')" % big["parquet"])).fetchall()
    assert want[0][0] > 100000  # the build side's distinct keys
    src = "parquet.`%s`" % big["parquet"]
    got = bricks_sql(sql.format(t=src))
    assert [tuple(got[0])] == [tuple(str(x) for x in want[0])]
    assert bricks_sql(sql.format(t=src), OFF) == got
    plan = explain(sql.format(t=src), analyze=True)
    probe = [s for s in scan_lines(plan, "parquet") if "filters:" not in s]
    assert len(probe) == 1, plan
    filtered = int(probe[0].split("rows filtered=")[1].split(")")[0].split(",")[0])
    assert filtered == BIG_ROWS - want[0][0], probe[0]  # the join's keys dropped the rest
    # with filter pushdown off a scan takes no runtime join filter either
    off = "\n".join(r[0] for r in bricks_sql("EXPLAIN ANALYZE " + sql.format(t=src), OFF))
    scans = scan_lines(off, "parquet")
    assert len(scans) == 2 and all("rows filtered=0)" in s for s in scans), scans


def test_big_in_list_skips_row_groups_between(big):
    # values in the first and last row group only: the groups between lie inside the
    # list's range but hold none of its values
    vals = [3 * x for x in range(0, 300, 3)] + [3 * x for x in range(BIG_ROWS - 300, BIG_ROWS, 3)]
    sql = "SELECT count(*) FROM parquet.`%s` WHERE k IN (%s)" % (
        big["parquet"], ", ".join(map(str, vals)))
    assert bricks_sql(sql) == [[str(len(vals))]]
    scan = scan_lines(explain(sql, analyze=True), "parquet")[0]
    assert "row groups=6 (skipped 4)" in scan, scan


@pytest.mark.parametrize("key", ["k", "dk"])
def test_big_delta_join_keys_skip_files(big, key):
    # the build keys lie in the second and fifth files: the probe reads only those two
    # (a BIGINT key, and a DECIMAL(18, 0) one, whose set holds the unscaled values)
    t = "delta.`%s`" % big["delta"]
    sql = ("SELECT count(*) FROM {t} a JOIN (SELECT {c} FROM {t} WHERE (k BETWEEN 150000 AND "
           "180000 OR k BETWEEN 600000 AND 630000) AND v < 1000) b ON a.{c} = b.{c}").format(
               t=t, c=key)
    want = duckdb.connect().sql(
        "SELECT count(*) FROM range(%d) r(x) WHERE (3 * x BETWEEN 150000 AND 180000 OR 3 * x "
        "BETWEEN 600000 AND 630000) AND (x & 1023) < 1000" % BIG_ROWS).fetchall()[0][0]
    assert bricks_sql(sql) == [[str(want)]]
    probe = [s for s in scan_lines(explain(sql, analyze=True), "delta") if "filters:" not in s]
    assert len(probe) == 1 and "files=6 (skipped 4)" in probe[0], probe


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Every kind of leaf a late-materialized scan picks rows from: required and
    nullable, dictionary and PLAIN pages, a struct (leaves without repetition) and a
    list (leaves with repetition, which decode whole)."""
    d = tmp_path_factory.mktemp("scan_pushdown_mixed")
    n = 20000
    table = pa.table({
        "k": pa.array(range(n), pa.int64()),
        "v": pa.array([None if i % 13 == 5 else i % 100 for i in range(n)], pa.int32()),
        "req": pa.array([i * 7 % 1000 for i in range(n)], pa.int64()),
        "s": pa.array([None if i % 11 == 2 else "s%d" % (i % 300) for i in range(n)]),
        "plain": pa.array([None if i % 9 == 1 else "p%06d" % i for i in range(n)]),
        "st": pa.array([None if i % 17 == 4 else {"a": None if i % 5 == 0 else i, "b": "b%d" % i}
                        for i in range(n)],
                       pa.struct([("a", pa.int64()), ("b", pa.string())])),
        "li": pa.array([None if i % 19 == 6 else [j for j in range(i % 4)] for i in range(n)],
                       pa.list_(pa.int64())),
    })
    schema = table.schema.set(2, pa.field("req", pa.int64(), nullable=False))
    path = str(d / "mixed.parquet")
    pq.write_table(table.cast(schema), path, row_group_size=5000, data_page_size=2048,
                   use_dictionary=["v", "req", "s", "st.b"], write_page_index=True)
    return path


@pytest.mark.parametrize("pred", [
    "k IN (%s)" % ", ".join(str(x) for x in range(3, 20000, 37)),
    "k IN (%s) AND v >= 50" % ", ".join(str(x) for x in range(0, 20000, 5)),
    "v = 42 AND req > 100",
    "req < 7 AND s IS NOT NULL",
    "k >= 19990",
])
def test_late_columns_pick_rows(mixed, pred):
    sql = "SELECT k, v, req, s, plain, st, li FROM parquet.`%s` WHERE %s ORDER BY k" % (
        mixed, pred)
    on = bricks_sql(sql)
    assert on == bricks_sql(sql, OFF), pred
    want = duckdb.connect().sql(
        "SELECT count(*) FROM read_parquet('%s') WHERE %s" % (mixed, pred)).fetchall()[0][0]
    assert len(on) == want and want > 0, pred


def test_big_join_filter_never_costs_the_query(tmp_path):
    # A filter the memory limit has no room for is not made: wherever the join runs
    # without one (its probe key computed, `a.k + 0`, reaches no scan column), it runs
    # with one too.  A million sparse keys: their set (16 MiB) is what would not fit.
    n = 1000000
    path = str(tmp_path / "keys.parquet")
    pq.write_table(pa.table({"k": pa.array([x * 1000003 for x in range(n)], pa.int64()),
                             "v": pa.array([x % 1000 for x in range(n)], pa.int32())}),
                   path, row_group_size=100000)
    sql = ("SELECT count(*) FROM parquet.`{p}` a JOIN (SELECT k FROM parquet.`{p}` "
           "WHERE v < 900) b ON {probe} = b.k")
    ran_without = 0
    for mb in range(30, 101, 10):
        limit = (("bricks.memory_limit", str(mb << 20)),)
        script = "".join("SET %s = %s;\n" % kv for kv in limit) + sql.format(
            p=path, probe="a.k + 0") + ";\n"
        without = subprocess.run([bricks_bin(), "sql", "--format", "csv"], input=script.encode(),
                                 capture_output=True, timeout=300)
        if without.returncode != 0:
            assert b"OUT_OF_MEMORY" in without.stderr, without.stderr
            continue
        ran_without += 1
        assert bricks_sql(sql.format(p=path, probe="a.k"), limit) == [["900000"]], mb
    assert ran_without > 0
