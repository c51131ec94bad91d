"""spark_check.py — the Delta interop checks of test_delta_write.py, against Apache Spark
with delta-spark instead of delta-rs.  Run it through tests/interop/spark_check, which
makes the virtualenv; it is not part of `make test`.

    spark_check [--keep] [--list] [SCENARIO-SUBSTRING...]

"b2s" scenarios: tables written with `bricks delta write/delete/optimize/vacuum/
checkpoint` (every column type, partition values of seven types, > 10 commits with
checkpoints, overwrite, delete by rewrite and by deletion vectors, column mapping by
name and id, OPTIMIZE ZORDER, VACUUM, change data feed, edge values) are read by
spark.read.format("delta") at the latest and at older versions (versionAsOf), queried
with filters that make Spark skip files by our statistics and partition values,
counted, listed by DESCRIBE HISTORY and read as a change data feed.

"s2b" scenarios: tables written by Spark (appends, overwrite, DELETE/UPDATE/MERGE with
and without deletion vectors, column mapping by name and id with renamed and dropped
columns, change data feed, classic, multi-part and V2 checkpoints, OPTIMIZE ZORDER and
VACUUM, schema evolution, other Parquet codecs and encodings, newer table features) are
read by `bricks delta cat` and compared with Spark's own read of the same version.

"roundtrip" scenarios: each engine writes on a table of the other; Bricks must honour
or refuse the writer features of a Spark table (constraints, generated and identity
columns, row tracking, in-commit timestamps, appendOnly).

Rows are compared as multisets in the cat JSON form: Spark's rows go through
DataFrame.toArrow() and jsonform.table_rows, as pyarrow's do in the pytest suite.
Every check prints one line, "ok   NAME: detail" or "FAIL NAME: detail"; an error while
building a scenario's table is one FAIL line naming the scenario.  The last line is
"N passed, N failed"; the exit status is 1 when a check failed.  Spark's and Ivy's
own output goes to spark.log in the work directory, which is kept when a check failed
(or with --keep) so a failing table can be inspected and the Java stack traces read.
"""

import argparse
import base64
import collections
import datetime
import decimal
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsonform import table_rows  # noqa: E402

# The all-types table of test_delta_write.py (keep the two in step).
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


def _gt(a, b):
    return a is not None and a > b


def _lt(a, b):
    return a is not None and a < b


# Filters over the all-types table, as Spark SQL and as a Python test of one row.  Spark
# answers them after skipping files by the min/max/nullCount statistics in the log.
TYPE_FILTERS = [
    ("b = true", lambda r: r["b"] is True),
    ("i8 = -95", lambda r: r["i8"] == -95),
    ("i16 < -35", lambda r: r["i16"] < -35),
    ("i32 = 13", lambda r: r["i32"] == 13),
    ("i64 > 25000000175", lambda r: r["i64"] > 25000000175),
    ("f > 9.0", lambda r: _gt(r["f"], 9.0)),
    ("d < 1.0", lambda r: _lt(r["d"], 1.0)),
    ("dec < 5.00", lambda r: decimal.Decimal(r["dec"]) < 5),
    ("big > 400", lambda r: decimal.Decimal(r["big"]) > 400),
    ("s = 'row 22 ü'", lambda r: r["s"] == "row 22 ü"),
    ("s > 'row 37'", lambda r: _gt(r["s"], "row 37")),
    ("s IS NULL", lambda r: r["s"] is None),
    ("dt = DATE'2024-01-05'", lambda r: r["dt"] == "2024-01-05"),
    ("ts >= TIMESTAMP'2024-02-03 04:05:35'", lambda r: r["ts"] >= "2024-02-03 04:05:35"),
    ("st.x = 17", lambda r: r["st"] is not None and r["st"]["x"] == 17),
]

# Partition values of every common type, with NULLs and characters that paths escape.
PART_TYPES = ("pb BOOLEAN, pi INT, pl BIGINT, pd DATE, pts TIMESTAMP, pdec DECIMAL(10,2), "
              "ps STRING, v INT")
PART_COLS = ["pb", "pi", "pl", "pd", "pts", "pdec", "ps"]
PART_ROWS = [
    {"pb": True, "pi": 1, "pl": -5, "pd": "2024-01-01", "pts": "2024-02-03 04:05:06.123456",
     "pdec": "1.50", "ps": "a b", "v": 1},
    {"pb": False, "pi": -2, "pl": 9007199254740993, "pd": "1969-12-31",
     "pts": "1970-01-01 00:00:00", "pdec": "-0.01", "ps": "x/y=z%20ü", "v": 2},
    {"pb": None, "pi": None, "pl": None, "pd": None, "pts": None, "pdec": None, "ps": None,
     "v": 3},
    {"pb": True, "pi": 0, "pl": 0, "pd": "2000-02-29", "pts": "1999-12-31 23:59:59.5",
     "pdec": "12345678.99", "ps": "#:?&'\"{}[]", "v": 4},
    {"pb": True, "pi": 1, "pl": -5, "pd": "2024-01-01", "pts": "2024-02-03 04:05:06.123456",
     "pdec": "1.50", "ps": "a b", "v": 5},
]
PART_FILTERS = [
    ("ps = 'x/y=z%20ü'", lambda r: r["ps"] == "x/y=z%20ü"),
    ("pts = TIMESTAMP'2024-02-03 04:05:06.123456'",
     lambda r: r["pts"] == "2024-02-03 04:05:06.123456"),
    ("pts < TIMESTAMP'2000-01-01 00:00:00'", lambda r: _lt(r["pts"], "2000-01-01")),
    ("pd < DATE'2000-01-01'", lambda r: _lt(r["pd"], "2000-01-01")),
    ("pdec = 1.50", lambda r: r["pdec"] == "1.50"),
    ("pl > 0", lambda r: _gt(r["pl"], 0)),
    ("pi IS NULL", lambda r: r["pi"] is None),
    ("pb = false", lambda r: r["pb"] is False),
]


# Edge values, three files of them, so that Spark's file skipping leans on the min/max
# statistics of each: NaN and the infinities, -0.0, subnormals, strings longer than the
# 32 characters Delta's statistics keep and outside the BMP, timestamps whose
# microseconds the statistics' milliseconds drop, dates far from 1970, integer limits.
EDGE_TYPES = ("id INT, f FLOAT, d DOUBLE, s STRING, ts TIMESTAMP, dt DATE, i64 BIGINT, "
              "dec DECIMAL(38,18)")
LONG_A = "a" * 40
EDGE_BATCHES = [
    [{"id": 0, "f": "NaN", "d": "NaN", "s": LONG_A + "x", "ts": "2024-01-01 00:00:00.000001",
      "dt": "0001-01-01", "i64": -9223372036854775808,
      "dec": "-99999999999999999999.999999999999999999"},
     {"id": 1, "f": 2.5, "d": 1.5, "s": LONG_A + "y", "ts": "2024-01-01 00:00:00.999999",
      "dt": "9999-12-31", "i64": 9223372036854775807, "dec": "0.000000000000000001"},
     {"id": 2, "f": None, "d": -0.0, "s": "😀 emoji", "ts": None, "dt": None, "i64": None,
      "dec": None},
     {"id": 3, "f": -1.0, "d": None, "s": "", "ts": "2024-01-01 00:00:00.5", "dt": "2024-02-29",
      "i64": 0, "dec": "1.5"}],
    [{"id": 4, "f": "-Infinity", "d": "-Infinity", "s": "b" * 33,
      "ts": "1969-12-31 23:59:59.999999", "dt": "1582-10-04", "i64": -1,
      "dec": "99999999999999999999.999999999999999999"},
     {"id": 5, "f": 3.4028235e38, "d": 1e300, "s": "a" * 32,
      "ts": "1900-01-01 00:00:00", "dt": "1970-01-01", "i64": 1, "dec": "-0.5"},
     {"id": 6, "f": 1e-45, "d": 5e-324, "s": "ÿ" * 40, "ts": "2262-04-11 23:47:16.854775",
      "dt": "1600-02-29", "i64": 42, "dec": "0"},
     {"id": 7, "f": 0.0, "d": 3.0, "s": "zz", "ts": "2000-01-01 00:00:00.000999",
      "dt": "2000-01-01", "i64": 43, "dec": "7.25"}],
    [{"id": 8, "f": "Infinity", "d": "Infinity", "s": None, "ts": "2024-01-01 00:00:01",
      "dt": "2024-01-01", "i64": 100, "dec": "100"},
     {"id": 9, "f": "NaN", "d": 0.0, "s": LONG_A, "ts": "2024-01-01 00:00:00.999",
      "dt": "2024-01-02", "i64": 101, "dec": "-100"}],
]


def spark_num(v):
    """A FLOAT/DOUBLE of the cat form as a Python float (NaN and the infinities are text)."""
    return None if v is None else float(v)


def sp_gt(v, x):  # Spark: NaN is above every other value and equal to itself
    v = spark_num(v)
    return v is not None and (v != v or v > x)


def sp_lt(v, x):
    v = spark_num(v)
    return v is not None and v == v and v < x


def sp_eq(v, x):
    v = spark_num(v)
    return v is not None and (v == x or (v != v and x != x))


# The filters that NaN rows pass (Spark orders NaN above every number): Parquet readers
# must not use the min/max of a float column to skip NaN (parquet.thrift), and
# parquet-mr does, with the NaN it puts into the max of the files it writes itself.
EDGE_NAN_FILTERS = [
    ("d = double('NaN')", lambda r: sp_eq(r["d"], float("nan"))),
    ("d > 1e299", lambda r: sp_gt(r["d"], 1e299)),
    ("f = float('NaN')", lambda r: sp_eq(r["f"], float("nan"))),
    ("f > 3e38", lambda r: sp_gt(r["f"], 3e38)),
]
EDGE_FILTERS = [
    ("d > 1e299 AND d < double('Infinity')",
     lambda r: sp_gt(r["d"], 1e299) and sp_lt(r["d"], float("inf"))),
    ("d < -1e308", lambda r: sp_lt(r["d"], -1e308)),
    # not "d = 0.0": parquet-mr's dictionary filter tells -0.0 from 0.0 and drops a row
    # group holding only -0.0, in Spark's own dictionary-encoded files as well.
    ("d > -0.5 AND d < 0.5", lambda r: sp_gt(r["d"], -0.5) and sp_lt(r["d"], 0.5)),
    ("d > 0.0 AND d < 1e-300", lambda r: sp_gt(r["d"], 0.0) and sp_lt(r["d"], 1e-300)),
    ("f = float('Infinity')", lambda r: sp_eq(r["f"], float("inf"))),
    ("f < -1e38", lambda r: sp_lt(r["f"], -1e38)),
    ("s = '%sy'" % LONG_A, lambda r: r["s"] == LONG_A + "y"),
    ("s > '%sx'" % LONG_A, lambda r: _gt(r["s"], LONG_A + "x")),
    ("s = '%s'" % LONG_A, lambda r: r["s"] == LONG_A),
    ("s = '😀 emoji'", lambda r: r["s"] == "😀 emoji"),
    ("s >= '%s'" % ("ÿ" * 39), lambda r: r["s"] is not None and r["s"] >= "ÿ" * 39),
    ("s = ''", lambda r: r["s"] == ""),
    ("ts = TIMESTAMP'2024-01-01 00:00:00.999999'",
     lambda r: r["ts"] == "2024-01-01 00:00:00.999999"),
    ("ts > TIMESTAMP'2024-01-01 00:00:00.999'", lambda r: _gt(r["ts"], "2024-01-01 00:00:00.999")),
    ("ts = TIMESTAMP'2000-01-01 00:00:00.000999'",
     lambda r: r["ts"] == "2000-01-01 00:00:00.000999"),
    ("ts < TIMESTAMP'1900-01-01 00:00:00.000001'",
     lambda r: _lt(r["ts"], "1900-01-01 00:00:00.000001")),
    ("ts > TIMESTAMP'2262-04-11 23:47:16.854'", lambda r: _gt(r["ts"], "2262-04-11 23:47:16.854")),
    ("dt = DATE'0001-01-01'", lambda r: r["dt"] == "0001-01-01"),
    ("dt > DATE'9999-12-30'", lambda r: _gt(r["dt"], "9999-12-30")),
    ("dt < DATE'1600-03-01'", lambda r: _lt(r["dt"], "1600-03-01")),
    ("i64 = -9223372036854775808", lambda r: r["i64"] == -9223372036854775808),
    ("i64 > 9223372036854775806", lambda r: _gt(r["i64"], 9223372036854775806)),
    ("dec < -1e19", lambda r: r["dec"] is not None and decimal.Decimal(r["dec"]) < -10**19),
    ("dec = 0.000000000000000001",
     lambda r: r["dec"] is not None and decimal.Decimal(r["dec"]) == decimal.Decimal("1e-18")),
]



def edge_form(r):
    """A row of EDGE_BATCHES in the cat form: DECIMAL(38,18) prints 18 fraction digits."""
    return dict(r, dec=None if r["dec"] is None else format(decimal.Decimal(r["dec"]), ".18f"))


EDGE_ROWS = [edge_form(r) for b in EDGE_BATCHES for r in b]

# ---- comparing rows ----------------------------------------------------------------------


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
    return collections.Counter(json.dumps(norm(r), sort_keys=True, ensure_ascii=False)
                               for r in rows)


def clip(text, n=400):
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 3] + "..."


def rows_diff(got, want):
    g, w = canon(got), canon(want)
    missing = list((w - g).elements())[:2]
    extra = list((g - w).elements())[:2]
    return clip("%d rows, expected %d; missing %s; unexpected %s"
                % (len(got), len(want), missing or "none", extra or "none"), 600)


def filter_diff(got, want):
    """A filtered read's difference, by the `id` column when the rows have one."""
    if not all("id" in r for r in got + want):
        return rows_diff(got, want)
    g = collections.Counter(r["id"] for r in got)
    w = collections.Counter(r["id"] for r in want)
    return "%d rows, expected %d (ids missing %s, unexpected %s)" % (
        len(got), len(want), sorted((w - g).elements()), sorted((g - w).elements()))


def short_error(e):
    """The line of an exception a reader needs: for Spark's Java errors, the root cause
    ("Caused by: ...") or else the exception line rather than the Py4J preamble."""
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    causes = [ln for ln in lines if ln.startswith("Caused by:")]
    if causes:
        return clip(causes[-1][len("Caused by:"):].strip(), 300)
    for ln in lines:
        if ("Exception" in ln or "Error" in ln) and not ln.startswith("An error occurred"):
            return clip(ln.lstrip(": "), 300)
    return clip(lines[0] if lines else type(e).__name__, 300)


def drop_keys(rows, *keys):
    return [{k: v for k, v in r.items() if k not in keys} for r in rows]


class CheckFailed(Exception):
    pass


class Report:
    """Prints one line per check on the real stdout (fd 1 goes to spark.log)."""

    def __init__(self, out):
        self.out = out
        self.passed = self.failed = 0

    def line(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        self.out.write("%-4s %s%s\n" % ("ok" if ok else "FAIL", name,
                                        (": " + detail) if detail else ""))
        self.out.flush()


# ---- the two engines ---------------------------------------------------------------------


class Bricks:
    def __init__(self, path, workdir):
        self.path = path
        self.workdir = workdir

    def run(self, *args):
        argv = [self.path, *map(str, args)]
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
        if p.returncode != 0:
            raise CheckFailed("`bricks %s` exited %d: %s"
                              % (" ".join(map(str, args)), p.returncode,
                                 clip(p.stderr.decode(errors="replace"), 300)))
        return p.stdout.decode()

    def write(self, path, rows, *extra):
        src = os.path.join(self.workdir, "rows-%d.jsonl" % random.randrange(1 << 30))
        with open(src, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        out = self.run("delta", "write", path, "--from-jsonl", src, *extra)
        os.unlink(src)
        return out

    def rows(self, path, version=None, timestamp=None):
        extra = []
        if version is not None:
            extra = ["--version", version]
        elif timestamp is not None:
            extra = ["--timestamp", timestamp]
        out = self.run("delta", "cat", path, "--format", "jsonl", *extra)
        return [json.loads(line) for line in out.splitlines()]

    def changes(self, path, start, end=None):
        extra = ["--to", end] if end is not None else []
        out = self.run("delta", "changes", path, "--from", start, "--format", "jsonl", *extra)
        return [json.loads(line) for line in out.splitlines()]

    def history(self, path):
        out = self.run("delta", "history", path, "--format", "json")
        return [json.loads(line) for line in out.splitlines()]

    def info(self, path):
        return json.loads(self.run("delta", "info", path, "--format", "json"))


def start_spark(workdir):
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession

    b = (SparkSession.builder.master("local[2]").appName("bricks-spark-check")
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog",
                 "org.apache.spark.sql.delta.catalog.DeltaCatalog")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.driver.memory", "1g")
         .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.default.parallelism", "2")
         .config("spark.databricks.delta.snapshotPartitions", "2")
         .config("spark.databricks.delta.retentionDurationCheck.enabled", "false")
         .config("spark.sql.warehouse.dir", os.path.join(workdir, "warehouse"))
         .config("spark.local.dir", os.path.join(workdir, "spark-local")))
    spark = configure_spark_with_delta_pip(b).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def to_spark(v, t):
    """A value in the cat JSON form as the Python value PySpark takes for type t."""
    from pyspark.sql import types as T

    if v is None:
        return None
    if isinstance(t, T.DecimalType):
        return decimal.Decimal(v)
    if isinstance(t, T.BinaryType):
        return bytearray(base64.b64decode(v))
    if isinstance(t, T.DateType):
        return datetime.date.fromisoformat(v)
    if isinstance(t, T.TimestampType):
        return datetime.datetime.fromisoformat(v).replace(tzinfo=datetime.timezone.utc)
    if isinstance(t, T.TimestampNTZType):
        return datetime.datetime.fromisoformat(v)
    if isinstance(t, (T.FloatType, T.DoubleType)):
        return float(v)
    if isinstance(t, T.ArrayType):
        return [to_spark(x, t.elementType) for x in v]
    if isinstance(t, T.MapType):
        return {to_spark(k, t.keyType): to_spark(x, t.valueType) for k, x in v.items()}
    if isinstance(t, T.StructType):
        return tuple(to_spark(v.get(f.name), f.dataType) for f in t.fields)
    return v


def quote_path(path):
    return "delta.`%s`" % path.replace("`", "``")


class Ctx:
    """What a scenario needs: both engines, the report, a work directory, and checks."""

    def __init__(self, spark, bricks, report, workdir):
        self.spark = spark
        self.bricks = bricks
        self.report = report
        self.workdir = workdir

    def table(self, name):
        path = os.path.join(self.workdir, name)
        shutil.rmtree(path, ignore_errors=True)
        return path

    # -- checks: each prints one line and never raises

    def check(self, name, fn):
        """fn() returns a detail string, or raises CheckFailed / any error: one line."""
        try:
            detail = fn()
        except CheckFailed as e:
            self.report.line(False, name, str(e))
            return False
        except Exception as e:  # a reader's error is a failed check, not a crash
            self.report.line(False, name, short_error(e))
            return False
        self.report.line(True, name, detail or "")
        return True

    def same_rows(self, name, got, want):
        """got and want are row lists or functions returning them."""

        def run():
            g = got() if callable(got) else got
            w = want() if callable(want) else want
            if canon(g) != canon(w):
                raise CheckFailed(rows_diff(g, w))
            return "%d rows" % len(g)

        return self.check(name, run)

    # -- Spark

    def sql(self, text):
        return self.spark.sql(text)

    def df(self, path, version=None, timestamp=None):
        r = self.spark.read.format("delta")
        if version is not None:
            r = r.option("versionAsOf", version)
        if timestamp is not None:
            r = r.option("timestampAsOf", timestamp)
        return r.load(path)

    def spark_rows(self, path, version=None, where=None, timestamp=None):
        df = self.df(path, version, timestamp)
        if where is not None:
            df = df.where(where)
        return table_rows(df.toArrow())

    def spark_count(self, path):
        return self.sql("SELECT COUNT(*) AS n FROM %s" % quote_path(path)).collect()[0].n

    def spark_history(self, path):
        rows = self.sql("DESCRIBE HISTORY %s" % quote_path(path)).collect()
        return sorted((r.version, r.operation, r.timestamp) for r in rows)

    def clear_cache(self):
        """Forget Spark's cached snapshots, so its next read replays the log (and reads the
        newest checkpoint) from scratch."""
        self.spark._jvm.org.apache.spark.sql.delta.DeltaLog.clearCache()

    def spark_create(self, path, ddl, partition_by=(), props=None):
        text = "CREATE TABLE %s (%s) USING delta" % (quote_path(path), ddl)
        if partition_by:
            text += " PARTITIONED BY (%s)" % ", ".join(partition_by)
        if props:
            text += " TBLPROPERTIES (%s)" % ", ".join(
                "'%s' = '%s'" % kv for kv in props.items())
        self.sql(text)

    def spark_frame(self, path, rows):
        schema = self.df(path).schema
        data = [tuple(to_spark(r.get(f.name), f.dataType) for f in schema.fields)
                for r in rows]
        return self.spark.createDataFrame(data, schema)

    def spark_write(self, path, rows, mode="append"):
        self.spark_frame(path, rows).write.format("delta").mode(mode).save(path)

    # -- composite checks

    def spark_reads(self, label, path, want, versions):
        """Spark reads a table Bricks wrote: `want` maps a version to its rows; None
        stands for the latest version."""
        for v in versions:
            what = "latest" if v is None else "v%d" % v
            self.same_rows("%s: spark reads %s" % (label, what),
                           lambda v=v: self.spark_rows(path, v), want[v])

    def bricks_reads(self, label, path, versions, latest=True):
        """Bricks reads a table Spark wrote, compared with Spark's read of each version."""
        for v in versions:
            self.same_rows("%s: bricks reads v%d" % (label, v),
                           lambda v=v: self.bricks.rows(path, v),
                           lambda v=v: self.spark_rows(path, v))
        if latest:
            self.same_rows("%s: bricks reads latest" % label, lambda: self.bricks.rows(path),
                           lambda: self.spark_rows(path))

    def filters_agree(self, label, path, filters, rows):
        """Spark's filtered reads of our table equal the rows the filters keep."""

        def run():
            bad = []
            for sql, keep in filters:
                got = self.spark_rows(path, where=sql)
                want = [r for r in rows if keep(r)]
                if canon(got) != canon(want):
                    bad.append("%s: %s" % (sql, filter_diff(got, want)))
            if bad:
                raise CheckFailed(clip("; ".join(bad), 900))
            return "%d filters" % len(filters)

        self.check("%s: spark filters (file skipping by our stats)" % label, run)

    def history_agrees(self, label, path):
        def run():
            ours = sorted((h["version"], h["commitInfo"].get("operation"))
                          for h in self.bricks.history(path))
            theirs = [(v, op) for v, op, _ in self.spark_history(path)]
            if ours != theirs:
                raise CheckFailed(clip("bricks %s, spark %s" % (ours, theirs)))
            return "versions 0..%d" % ours[-1][0]

        self.check("%s: history (bricks delta history = DESCRIBE HISTORY)" % label, run)


def log_actions(path, version):
    name = os.path.join(path, "_delta_log", "%020d.json" % version)
    with open(name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def adds_with_dv(path, version):
    return sum(1 for a in log_actions(path, version)
               if "add" in a and a["add"].get("deletionVector"))


def log_files(path, suffix):
    return sorted(f for f in os.listdir(os.path.join(path, "_delta_log")) if f.endswith(suffix))


def expect(cond, detail):
    if not cond:
        raise CheckFailed(detail)


# ---- part 1: Spark reads what Bricks wrote ------------------------------------------------

SCENARIOS = []


def scenario(name):
    def register(fn):
        SCENARIOS.append((name, fn))
        return fn

    return register


@scenario("b2s types")
def b2s_types(c):
    path = c.table("b2s_types")
    want, rows = {}, []
    for k in range(4):  # four files with distinct value ranges
        batch = type_rows(10, 10 * k)
        c.bricks.write(path, batch, "--schema", ALL_TYPES)
        rows = rows + batch
        want[k + 1] = rows
    want[None] = rows

    def schema():
        ours = c.spark.createDataFrame([], ALL_TYPES).schema
        theirs = c.df(path).schema
        a = [(f.name, f.dataType.simpleString()) for f in ours.fields]
        b = [(f.name, f.dataType.simpleString()) for f in theirs.fields]
        expect(a == b, "spark sees %s" % b)
        return theirs.simpleString()[:80] + "..."

    c.check("b2s types: spark schema", schema)
    c.spark_reads("b2s types", path, want, [None, 1, 2])
    c.filters_agree("b2s types", path, TYPE_FILTERS, rows)
    c.check("b2s types: spark COUNT(*)", lambda: expect(c.spark_count(path) == 40, "not 40"))
    c.history_agrees("b2s types", path)


@scenario("b2s types partitioned")
def b2s_types_partitioned(c):
    path = c.table("b2s_types_part")
    rows = type_rows(40)
    c.bricks.write(path, rows, "--schema", ALL_TYPES, "--partition-by", "s")
    c.spark_reads("b2s types partitioned by s", path, {None: rows}, [None])
    c.filters_agree("b2s types partitioned by s", path,
                    [f for f in TYPE_FILTERS if f[0].startswith("s ")], rows)


@scenario("b2s partition types")
def b2s_partition_types(c):
    path = c.table("b2s_part_types")
    c.bricks.write(path, PART_ROWS[:3], "--schema", PART_TYPES, "--partition-by",
                   ",".join(PART_COLS))
    c.bricks.write(path, PART_ROWS[3:])
    c.spark_reads("b2s partition values of 7 types", path,
                  {None: PART_ROWS, 1: PART_ROWS[:3]}, [None, 1])
    c.filters_agree("b2s partition values of 7 types", path, PART_FILTERS, PART_ROWS)


@scenario("b2s edge values")
def b2s_edge_values(c):
    path = c.table("b2s_edge")
    for k, batch in enumerate(EDGE_BATCHES):
        c.bricks.write(path, batch, *(["--schema", EDGE_TYPES] if k == 0 else []))
    c.same_rows("b2s edge values: bricks reads", lambda: c.bricks.rows(path), EDGE_ROWS)
    c.spark_reads("b2s edge values", path, {None: EDGE_ROWS}, [None])
    c.filters_agree("b2s edge values", path, EDGE_FILTERS, EDGE_ROWS)
    c.filters_agree("b2s edge values, NaN", path, EDGE_NAN_FILTERS, EDGE_ROWS)


@scenario("b2s empty string partition")
def b2s_empty_partition(c):
    path = c.table("b2s dir with space %41 and ü")
    rows = [{"id": 1, "p": ""}, {"id": 2, "p": None}, {"id": 3, "p": " "}, {"id": 4, "p": "%41"}]
    c.bricks.write(path, rows, "--schema", "id INT, p STRING", "--partition-by", "p")
    # PROTOCOL.md: "An empty string for any type translates to a null partition value."
    want = [{"id": 1, "p": None}, {"id": 2, "p": None}, {"id": 3, "p": " "},
            {"id": 4, "p": "%41"}]
    c.same_rows("b2s '' partition value, odd table dir: bricks reads NULL",
                lambda: c.bricks.rows(path), want)
    c.spark_reads("b2s '' partition value (as NULL), odd table dir", path, {None: want}, [None])
    c.filters_agree("b2s '' partition value, odd table dir", path,
                    [("p IS NULL", lambda r: r["p"] is None), ("p = ' '", lambda r: r["p"] == " "),
                     ("p = '%41'", lambda r: r["p"] == "%41")], want)


@scenario("b2s large deletion vectors")
def b2s_large_dv(c):
    label = "b2s deletion vectors over 70000 rows"
    path = c.table("b2s_dv_large")
    rows = [{"id": k, "m3": k % 3} for k in range(70000)]
    c.bricks.write(path, rows, "--schema", "id INT, m3 INT",
                   "--property", "delta.enableDeletionVectors=true")
    c.bricks.run("delta", "delete", path, "--where", "m3 = 0")
    c.bricks.run("delta", "delete", path, "--where", "id >= 60000 AND id < 69000")
    c.bricks.run("delta", "delete", path, "--where", "id IN (1, 65536, 65537, 69998)")
    want = {1: rows, 2: [r for r in rows if r["m3"] != 0]}
    want[3] = [r for r in want[2] if not 60000 <= r["id"] < 69000]
    want[4] = want[None] = [r for r in want[3] if r["id"] not in (1, 65536, 65537, 69998)]
    c.spark_reads(label, path, want, [None, 3, 2])
    c.check("%s: spark COUNT(*)" % label,
            lambda: expect(c.spark_count(path) == len(want[4]), "not %d" % len(want[4])))


@scenario("b2s nested column mapping")
def b2s_nested_column_mapping(c):
    label = "b2s column mapping name, structs in arrays and maps"
    path = c.table("b2s_cm_nested")
    ddl = ("id INT, arr ARRAY<STRUCT<a: INT, `b b`: STRING>>, "
           "m MAP<STRING, STRUCT<c: INT, d: ARRAY<STRUCT<e: STRING>>>>, "
           "st STRUCT<inner: STRUCT<z: INT>, l: ARRAY<INT>>")
    rows = [{"id": k,
             "arr": None if k == 3 else [{"a": k, "b b": "x%d" % k}, None, {"a": None, "b b": ""}],
             "m": {"k%d" % k: {"c": k, "d": [{"e": "e%d" % k}, None]}, "n": None} if k % 2 else {},
             "st": {"inner": {"z": k} if k != 1 else None, "l": [k]}} for k in range(6)]
    c.bricks.write(path, rows, "--schema", ddl, "--property", "delta.columnMapping.mode=name")
    c.spark_reads(label, path, {None: rows}, [None])


@scenario("b2s history")
def b2s_history(c):
    path = c.table("b2s_history")
    schema = "id BIGINT, part STRING, v DOUBLE"
    want, rows = {}, []
    for n in range(23):
        batch = [{"id": n * 100 + k, "part": "p%d" % (k % 3), "v": k / 2} for k in range(5)]
        c.bricks.write(path, batch, "--schema", schema, "--partition-by", "part")
        rows = rows + batch
        want[n + 1] = rows

    c.check("b2s history: bricks wrote checkpoints 10 and 20",
            lambda: expect(log_files(path, ".checkpoint.parquet") == [
                "%020d.checkpoint.parquet" % 10, "%020d.checkpoint.parquet" % 20],
                "checkpoints: %s" % log_files(path, ".checkpoint.parquet")))
    c.clear_cache()
    c.spark_reads("b2s 23 appends", path, want, [23, 1, 5, 10, 11])

    def by_timestamp():
        hist = c.spark_history(path)
        ts = hist[12][2].strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        got = c.spark_rows(path, timestamp=ts)
        expect(canon(got) == canon(want[12]), "timestampAsOf %s: %s"
               % (ts, rows_diff(got, want[12])))
        return "timestampAsOf %s = v12" % ts

    c.check("b2s 23 appends: spark reads by timestamp", by_timestamp)
    over = [{"id": 1, "part": "x", "v": 1.0}, {"id": 2, "part": None, "v": None}]
    c.bricks.write(path, over, "--mode", "overwrite")
    c.bricks.run("delta", "delete", path, "--where", "id = 2")
    want[24], want[25], want[None] = over, over[:1], over[:1]
    c.spark_reads("b2s overwrite+delete", path, want, [None, 24, 23])
    c.history_agrees("b2s overwrite+delete", path)


@scenario("b2s delete rewrite")
def b2s_delete_rewrite(c):
    path = c.table("b2s_delete")
    rows = [{"id": k, "g": k % 4} for k in range(100)]
    c.bricks.write(path, rows, "--schema", "id INT, g INT")
    c.bricks.run("delta", "delete", path, "--where", "g = 1 AND id < 50")
    kept = [r for r in rows if not (r["g"] == 1 and r["id"] < 50)]
    c.spark_reads("b2s delete (rewrite)", path, {None: kept, 1: rows}, [None, 1])
    c.check("b2s delete (rewrite): spark COUNT(*)",
            lambda: expect(c.spark_count(path) == len(kept), "not %d" % len(kept)))


@scenario("b2s deletion vectors")
def b2s_deletion_vectors(c):
    path = c.table("b2s_dv")
    rows = [{"id": k, "s": "v%d" % k} for k in range(1000)]
    c.bricks.write(path, rows, "--schema", "id INT, s STRING",
                   "--property", "delta.enableDeletionVectors=true")
    c.bricks.run("delta", "delete", path, "--where", "id < 10")
    c.bricks.run("delta", "delete", path, "--where", "id IN (500, 501, 999)")
    want = {1: rows, 2: [r for r in rows if r["id"] >= 10]}
    want[3] = [r for r in want[2] if r["id"] not in (500, 501, 999)]
    want[None] = want[3]
    c.check("b2s deletion vectors: bricks wrote a DV in v2 and v3",
            lambda: expect(adds_with_dv(path, 2) and adds_with_dv(path, 3), "no DV in the log"))
    c.spark_reads("b2s deletion vectors", path, want, [None, 2, 1])
    c.check("b2s deletion vectors: spark COUNT(*)",
            lambda: expect(c.spark_count(path) == len(want[3]), "not %d" % len(want[3])))
    c.bricks.run("delta", "checkpoint", path)
    c.bricks.run("delta", "delete", path, "--where", "id = 42")
    want[4] = [r for r in want[3] if r["id"] != 42]
    c.clear_cache()
    c.spark_reads("b2s deletion vectors after our checkpoint", path, want, [4, 3])
    # Spark deletes more rows of our file: it must read our DV to merge its own.
    c.sql("DELETE FROM %s WHERE id IN (100, 101)" % quote_path(path))
    want[5] = [r for r in want[4] if r["id"] not in (100, 101)]
    c.same_rows("b2s deletion vectors: spark DELETE on our DV, spark reads",
                lambda: c.spark_rows(path), want[5])
    c.same_rows("b2s deletion vectors: spark DELETE on our DV, bricks reads",
                lambda: c.bricks.rows(path), want[5])


@scenario("b2s column mapping")
def b2s_column_mapping(c):
    for mode in ("name", "id"):
        label = "b2s column mapping %s" % mode
        path = c.table("b2s_cm_" + mode)
        rows = [{"a": k, "b c": "x%d" % k, "st": {"x": k, "y": None}} for k in range(20)]
        c.bricks.write(path, rows, "--schema",
                       "a INT, `b c` STRING, st STRUCT<x: INT, y: STRING>",
                       "--property", "delta.columnMapping.mode=" + mode, "--partition-by", "a")
        more = [{"a": 100 + k, "b c": None, "st": {"x": None, "y": "y"}} for k in range(3)]
        c.bricks.write(path, more)
        c.bricks.run("delta", "checkpoint", path)
        c.bricks.run("delta", "delete", path, "--where", "a < 5")
        want = {1: rows, 2: rows + more}
        want[3] = want[None] = [r for r in want[2] if r["a"] >= 5]
        c.clear_cache()
        c.spark_reads(label, path, want, [None, 2, 1])
        # Spark renames a column of our table; we read the new name from the same files.
        c.sql("ALTER TABLE %s RENAME COLUMN `b c` TO renamed" % quote_path(path))
        renamed = [{"a": r["a"], "renamed": r["b c"], "st": r["st"]} for r in want[3]]
        c.same_rows("%s: spark RENAME COLUMN, bricks reads" % label,
                    lambda path=path: c.bricks.rows(path), renamed)


@scenario("b2s optimize")
def b2s_optimize(c):
    path = c.table("b2s_optimize")
    want, rows = {}, []
    for n in range(6):
        batch = [{"x": (n * 37 + k * 11) % 100, "y": (k * 7) % 50, "c": n} for k in range(50)]
        c.bricks.write(path, batch, "--schema", "x INT, y INT, c INT")
        rows = rows + batch
        want[n + 1] = rows
    c.bricks.run("delta", "optimize", path, "--zorder-by", "x,y")
    want[7] = want[None] = rows
    c.spark_reads("b2s optimize zorder", path, want, [None, 6, 3])
    c.filters_agree("b2s optimize zorder", path,
                    [("x = 42", lambda r: r["x"] == 42), ("y > 45", lambda r: r["y"] > 45)],
                    rows)
    c.history_agrees("b2s optimize zorder", path)
    c.bricks.run("delta", "vacuum", path, "--retain", "0", "--no-retention-check")
    c.spark_reads("b2s vacuum", path, want, [None])


@scenario("b2s checkpoint interval")
def b2s_checkpoint_interval(c):
    path = c.table("b2s_ckpt_types")
    rows = []
    for k in range(5):
        batch = type_rows(8, 8 * k)
        first = ["--schema", ALL_TYPES, "--property", "delta.checkpointInterval=2"]
        c.bricks.write(path, batch, *(first if k == 0 else []))
        rows = rows + batch
    c.check("b2s checkpointInterval=2: bricks wrote checkpoints",
            lambda: ", ".join(log_files(path, ".checkpoint.parquet")) or
            expect(False, "no checkpoint file"))
    c.clear_cache()
    c.spark_reads("b2s checkpointInterval=2 all types", path, {None: rows, 3: rows[:24]},
                  [None, 3])
    c.filters_agree("b2s checkpointInterval=2 all types", path, TYPE_FILTERS, rows)


@scenario("b2s change data feed")
def b2s_change_data_feed(c):
    for dv in (False, True):
        label = "b2s change data feed%s" % (" with DVs" if dv else "")
        path = c.table("b2s_cdf_dv" if dv else "b2s_cdf")
        rows = [{"id": k, "p": "ab"[k % 2]} for k in range(12)]
        props = ["--property", "delta.enableChangeDataFeed=true"]
        if dv:
            props += ["--property", "delta.enableDeletionVectors=true"]
        c.bricks.write(path, rows, "--schema", "id BIGINT, p STRING", "--partition-by", "p",
                       *props)
        c.bricks.run("delta", "delete", path, "--where", "id < 4")
        c.bricks.write(path, [{"id": 42, "p": "c"}])
        c.same_rows("%s: spark readChangeFeed = bricks delta changes" % label,
                    lambda path=path: drop_keys(
                        table_rows(c.spark.read.format("delta").option("readChangeFeed", "true")
                                   .option("startingVersion", 1).load(path).toArrow()),
                        "_commit_timestamp"),
                    lambda path=path: drop_keys(c.bricks.changes(path, 1), "_commit_timestamp"))


# ---- part 2: Bricks reads what Spark wrote ------------------------------------------------


@scenario("s2b types")
def s2b_types(c):
    path = c.table("s2b_types")
    c.spark_create(path, ALL_TYPES)
    rows = []
    for k in range(4):
        batch = type_rows(10, 10 * k)
        c.spark_write(path, batch)
        rows += batch
    c.same_rows("s2b types: spark wrote the rows we meant", lambda: c.spark_rows(path), rows)
    c.bricks_reads("s2b types", path, [0, 1, 2, 4])

    def schema():
        got = [(f["name"], f["type"] if isinstance(f["type"], str) else f["type"]["type"])
               for f in c.bricks.info(path)["schema"]["fields"]]
        names = [f.name for f in c.df(path).schema.fields]
        expect([g[0] for g in got] == names, "bricks info lists %s" % got)
        return "%d columns" % len(got)

    c.check("s2b types: bricks info schema", schema)


@scenario("s2b types partitioned")
def s2b_types_partitioned(c):
    path = c.table("s2b_types_part")
    c.spark_create(path, ALL_TYPES, partition_by=["s"])
    c.spark_write(path, type_rows(40))
    c.bricks_reads("s2b types partitioned by s", path, [1], latest=False)


@scenario("s2b partition types")
def s2b_partition_types(c):
    path = c.table("s2b_part_types")
    c.spark_create(path, PART_TYPES, partition_by=PART_COLS)
    c.spark_write(path, PART_ROWS[:3])
    c.spark_write(path, PART_ROWS[3:])
    c.same_rows("s2b partition values of 7 types: spark wrote the rows we meant",
                lambda: c.spark_rows(path), PART_ROWS)
    c.bricks_reads("s2b partition values of 7 types", path, [1, 2], latest=False)


@scenario("s2b edge values")
def s2b_edge_values(c):
    path = c.table("s2b_edge")
    c.spark_create(path, EDGE_TYPES)
    for batch in EDGE_BATCHES:
        c.spark_write(path, batch)
    c.same_rows("s2b edge values: spark wrote the rows we meant", lambda: c.spark_rows(path),
                EDGE_ROWS)
    c.bricks_reads("s2b edge values", path, [1, 3], latest=False)
    c.filters_agree("s2b edge values (spark on its own files)", path,
                    EDGE_FILTERS + EDGE_NAN_FILTERS, EDGE_ROWS)


@scenario("s2b empty string partition")
def s2b_empty_partition(c):
    path = c.table("s2b dir with space %41 and ü")
    c.spark_create(path, "id INT, p STRING", partition_by=["p"])
    c.spark_write(path, [{"id": 1, "p": ""}, {"id": 2, "p": None}, {"id": 3, "p": " "},
                         {"id": 4, "p": "%41"}])
    c.bricks_reads("s2b '' partition value, odd table dir", path, [1], latest=False)


@scenario("s2b large deletion vectors")
def s2b_large_dv(c):
    label = "s2b deletion vectors over 70000 rows"
    path = c.table("s2b_dv_large")
    c.spark_create(path, "id INT, m3 INT", props={"delta.enableDeletionVectors": "true"})
    c.spark.range(70000).selectExpr("CAST(id AS INT) AS id", "CAST(id % 3 AS INT) AS m3") \
        .coalesce(1).write.format("delta").mode("append").save(path)
    p = quote_path(path)
    c.sql("DELETE FROM %s WHERE m3 = 0" % p)
    c.sql("DELETE FROM %s WHERE id >= 60000 AND id < 69000" % p)
    c.sql("DELETE FROM %s WHERE id IN (1, 65536, 65537, 69998)" % p)
    c.check("%s: spark wrote DVs" % label,
            lambda: expect(all(adds_with_dv(path, v) for v in (2, 3, 4)), "no DV"))
    c.bricks_reads(label, path, [2, 3, 4], latest=False)


@scenario("s2b nested column mapping")
def s2b_nested_column_mapping(c):
    label = "s2b column mapping id, structs in arrays and maps"
    path = c.table("s2b_cm_nested")
    c.spark_create(path, "id INT, arr ARRAY<STRUCT<a: INT, b: STRING>>, "
                   "m MAP<STRING, STRUCT<c: INT, d: ARRAY<STRUCT<e: STRING>>>>, "
                   "st STRUCT<inner: STRUCT<z: INT>, l: ARRAY<INT>>",
                   props={"delta.columnMapping.mode": "id"})
    c.spark_write(path, [
        {"id": k,
         "arr": None if k == 3 else [{"a": k, "b": "x%d" % k}, None, {"a": None, "b": ""}],
         "m": {"k%d" % k: {"c": k, "d": [{"e": "e%d" % k}, None]}, "n": None} if k % 2 else {},
         "st": {"inner": {"z": k} if k != 1 else None, "l": [k]}} for k in range(6)])
    p = quote_path(path)
    c.sql("ALTER TABLE %s RENAME COLUMN arr.element.a TO a2" % p)
    c.sql("ALTER TABLE %s RENAME COLUMN m.value.d.element.e TO e2" % p)
    c.sql("ALTER TABLE %s RENAME COLUMN st.inner TO inner2" % p)
    c.bricks_reads(label, path, [1, 2, 3, 4], latest=False)


@scenario("s2b parquet variety")
def s2b_parquet_variety(c):
    """Spark's Parquet writer with other codecs, v2 data pages and timestamp encodings,
    and enough rows for several pages and a dictionary that falls back to plain."""
    label = "s2b parquet codecs/pages/timestamp types"
    path = c.table("s2b_parquet")
    c.spark_create(path, ALL_TYPES)
    hconf = c.spark.sparkContext._jsc.hadoopConfiguration()
    settings = [("gzip", "INT96", None), ("zstd", "TIMESTAMP_MICROS", "v2"),
                ("lz4", "TIMESTAMP_MILLIS", None), ("lz4_raw", "TIMESTAMP_MICROS", "v2"),
                ("uncompressed", "INT96", "v2")]
    for k, (codec, tstype, pages) in enumerate(settings):
        c.spark.conf.set("spark.sql.parquet.compression.codec", codec)
        c.spark.conf.set("spark.sql.parquet.outputTimestampType", tstype)
        hconf.set("parquet.writer.version", pages or "v1")
        try:
            c.spark_write(path, type_rows(40, 40 * k))
        finally:
            c.spark.conf.unset("spark.sql.parquet.compression.codec")
            c.spark.conf.unset("spark.sql.parquet.outputTimestampType")
            hconf.unset("parquet.writer.version")
    c.bricks_reads(label, path, [1, 2, 3, 4, 5], latest=False)
    big = c.table("s2b_parquet_big")
    c.spark.range(300000).selectExpr(
        "id", "CAST(id % 1000 AS INT) AS small", "concat('s', id) AS s",
        "CASE WHEN id % 5 = 0 THEN NULL ELSE id * 0.5 END AS d",
        "CAST(id AS DECIMAL(20, 2)) AS dec", "array(id, NULL) AS arr") \
        .coalesce(1).write.format("delta").save(big)
    c.bricks_reads("s2b 300000 rows in one file", big, [0], latest=False)


@scenario("s2b history")
def s2b_history(c):
    path = c.table("s2b_history")
    c.spark_create(path, "id BIGINT, part STRING, v DOUBLE", partition_by=["part"],
                   props={"delta.enableDeletionVectors": "false"})
    for n in range(23):
        c.spark_write(path, [{"id": n * 100 + k, "part": "p%d" % (k % 3), "v": k / 2}
                             for k in range(5)])
    c.check("s2b 23 appends: spark wrote checkpoints",
            lambda: ", ".join(log_files(path, ".checkpoint.parquet")) or
            expect(False, "no checkpoint"))
    c.bricks_reads("s2b 23 appends", path, [1, 5, 10, 11, 23], latest=False)

    def by_timestamp():
        hist = c.spark_history(path)
        ts = hist[12][2].strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        got, want = c.bricks.rows(path, timestamp=ts), c.spark_rows(path, timestamp=ts)
        expect(canon(got) == canon(want), "--timestamp %s: %s" % (ts, rows_diff(got, want)))
        return "--timestamp %s = timestampAsOf" % ts

    c.check("s2b 23 appends: bricks reads by timestamp", by_timestamp)
    c.spark_write(path, [{"id": 1, "part": "x", "v": 1.0}, {"id": 2, "part": None, "v": None},
                         {"id": 3, "part": "x", "v": 3.0}], mode="overwrite")
    c.sql("DELETE FROM %s WHERE id = 2" % quote_path(path))
    c.sql("DELETE FROM %s WHERE id = 3" % quote_path(path))
    c.bricks_reads("s2b overwrite+delete", path, [24, 25, 26])
    c.history_agrees("s2b overwrite+delete", path)


def spark_dml(c, path, dv):
    """DELETE, UPDATE, MERGE and a whole-file DELETE on a 1000-row table in two files,
    with deletion vectors or copy-on-write; returns the versions they made."""
    c.spark_create(path, "id INT, s STRING, g INT", props={
        "delta.enableDeletionVectors": "true" if dv else "false"})
    rows = [{"id": k, "s": "v%d" % k, "g": k % 5} for k in range(1000)]
    c.spark_write(path, rows[:500])
    c.spark_write(path, rows[500:])
    p = quote_path(path)
    c.sql("DELETE FROM %s WHERE id < 10 OR id = 600" % p)  # v3
    c.sql("UPDATE %s SET s = concat(s, '!'), g = g + 10 WHERE id %% 100 = 7" % p)  # v4
    src = c.spark.createDataFrame(
        [(20, "m20", 0, "upd"), (21, None, 0, "del"), (777, "m777", 1, "upd"),
         (5000, "new", 2, "ins"), (5001, "new2", None, "ins")],
        "id INT, s STRING, g INT, op STRING")
    src.createOrReplaceTempView("merge_src")
    c.sql("MERGE INTO %s t USING merge_src m ON t.id = m.id "
          "WHEN MATCHED AND m.op = 'del' THEN DELETE "
          "WHEN MATCHED THEN UPDATE SET t.s = m.s, t.g = m.g "
          "WHEN NOT MATCHED THEN INSERT (id, s, g) VALUES (m.id, m.s, m.g)" % p)  # v5
    c.sql("DELETE FROM %s WHERE id >= 990" % p)  # v6
    return [3, 4, 5, 6]


@scenario("s2b DML with deletion vectors")
def s2b_dml_dv(c):
    path = c.table("s2b_dml_dv")
    label = "s2b DELETE/UPDATE/MERGE with DVs"
    versions = spark_dml(c, path, True)

    def dvs():
        have = [v for v in versions if adds_with_dv(path, v)]
        expect(have == versions, "Spark wrote DVs only in versions %s" % have)
        return "in versions %s" % have

    c.check("%s: spark wrote deletion vectors" % label, dvs)
    c.bricks_reads(label, path, [2] + versions, latest=False)
    c.check("%s: bricks info num_records" % label,
            lambda: expect(c.bricks.info(path)["num_records"] == c.spark_count(path),
                           "bricks %s, spark %s" % (c.bricks.info(path)["num_records"],
                                                   c.spark_count(path))))
    # A checkpoint holding the DV descriptors, then more DVs on top of it.
    p = quote_path(path)
    c.sql("ALTER TABLE %s SET TBLPROPERTIES ('delta.checkpointInterval' = '2')" % p)  # v7
    c.sql("DELETE FROM %s WHERE g = 3" % p)  # v8: checkpoint
    c.sql("UPDATE %s SET s = 'u' WHERE id BETWEEN 100 AND 120" % p)  # v9
    c.check("%s: spark wrote checkpoint 8" % label,
            lambda: expect("%020d.checkpoint.parquet" % 8 in
                           log_files(path, ".checkpoint.parquet"), "no checkpoint 8"))
    c.bricks_reads(label + " after checkpoint", path, [8, 9], latest=False)
    c.sql("OPTIMIZE %s" % p)  # v10: files rewritten without their DVs
    c.bricks_reads(label + " after OPTIMIZE", path, [10], latest=False)


@scenario("s2b DML rewrite")
def s2b_dml_rewrite(c):
    path = c.table("s2b_dml_cow")
    label = "s2b DELETE/UPDATE/MERGE copy-on-write"
    versions = spark_dml(c, path, False)
    c.bricks_reads(label, path, versions, latest=False)


def spark_column_mapping(c, mode):
    label = "s2b column mapping %s" % mode
    path = c.table("s2b_cm_" + mode)
    c.spark_create(path, "a INT, `b c` STRING, st STRUCT<x: INT, y: STRING>, d DOUBLE",
                   partition_by=["a"], props={"delta.columnMapping.mode": mode})
    c.spark_write(path, [{"a": k % 3, "b c": "x%d" % k, "st": {"x": k, "y": None}, "d": k / 8}
                         for k in range(20)])  # v1
    p = quote_path(path)
    c.sql("ALTER TABLE %s RENAME COLUMN `b c` TO `b-renamed`" % p)  # v2
    c.sql("ALTER TABLE %s RENAME COLUMN st.x TO xx" % p)  # v3
    c.sql("ALTER TABLE %s DROP COLUMN d" % p)  # v4
    c.sql("ALTER TABLE %s ADD COLUMNS (d STRING)" % p)  # v5: a new d, not the dropped one
    c.spark_write(path, [{"a": 7, "b-renamed": "new", "st": {"xx": 1, "y": "y"}, "d": "dd"}])
    c.sql("DELETE FROM %s WHERE st.xx = 3" % p)  # v7
    c.bricks_reads(label, path, [1, 2, 3, 4, 5, 6, 7], latest=False)


@scenario("s2b column mapping name")
def s2b_column_mapping_name(c):
    spark_column_mapping(c, "name")


@scenario("s2b column mapping id")
def s2b_column_mapping_id(c):
    spark_column_mapping(c, "id")


@scenario("s2b change data feed")
def s2b_change_data_feed(c):
    label = "s2b change data feed"
    path = c.table("s2b_cdf")
    c.spark_create(path, "id BIGINT, p STRING", partition_by=["p"],
                   props={"delta.enableChangeDataFeed": "true"})
    c.spark_write(path, [{"id": k, "p": "ab"[k % 2]} for k in range(10)])  # v1
    p = quote_path(path)
    c.sql("DELETE FROM %s WHERE id < 3" % p)  # v2
    c.sql("UPDATE %s SET id = id + 100 WHERE id = 5" % p)  # v3
    c.spark_write(path, [{"id": 42, "p": "c"}])  # v4
    c.sql("DELETE FROM %s WHERE p = 'c'" % p)  # v5: a whole partition, no cdc file
    c.bricks_reads(label, path, [1, 2, 3, 4, 5], latest=False)
    cols = ("_commit_timestamp",)
    c.same_rows("%s: bricks delta changes = spark readChangeFeed" % label,
                lambda: drop_keys(c.bricks.changes(path, 0), *cols),
                lambda: drop_keys(table_rows(
                    c.spark.read.format("delta").option("readChangeFeed", "true")
                    .option("startingVersion", 0).load(path).toArrow()), *cols))
    c.same_rows("%s: bricks delta changes --from 3 --to 3 = spark" % label,
                lambda: drop_keys(c.bricks.changes(path, 3, 3), *cols),
                lambda: drop_keys(table_rows(
                    c.spark.read.format("delta").option("readChangeFeed", "true")
                    .option("startingVersion", 3).option("endingVersion", 3).load(path)
                    .toArrow()), *cols))


@scenario("s2b checkpoints")
def s2b_checkpoints(c):
    kinds = [
        ("multi-part", {"delta.checkpointInterval": "3"},
         {"spark.databricks.delta.checkpoint.partSize": "2"}),
        ("V2 with sidecars", {"delta.checkpointInterval": "3", "delta.checkpointPolicy": "v2"},
         {"spark.databricks.delta.checkpoint.partSize": "2"}),
        ("V2 without sidecars", {"delta.checkpointInterval": "3",
                                 "delta.checkpointPolicy": "v2"}, {}),
        ("struct-stats-only", {"delta.checkpointInterval": "3",
                               "delta.checkpoint.writeStatsAsJson": "false",
                               "delta.checkpoint.writeStatsAsStruct": "true"}, {}),
    ]
    for kind, props, conf in kinds:
        label = "s2b %s checkpoint" % kind
        path = c.table("s2b_ckpt_" + kind.replace(" ", "_").replace("-", "_"))
        for k, v in conf.items():
            c.spark.conf.set(k, v)
        try:
            c.spark_create(path, "id INT, s STRING, p INT", partition_by=["p"], props=props)
            for n in range(7):
                c.spark_write(path, [{"id": n * 10 + k, "s": "s%d" % k, "p": k % 2}
                                     for k in range(4)])
        finally:
            for k in conf:
                c.spark.conf.unset(k)
        files = [f for f in os.listdir(os.path.join(path, "_delta_log"))
                 if "checkpoint" in f and not f.startswith(".")]
        sidecars = os.listdir(os.path.join(path, "_delta_log", "_sidecars")) \
            if os.path.isdir(os.path.join(path, "_delta_log", "_sidecars")) else []
        c.report.line(True, "%s: spark wrote" % label,
                      clip("%s; %d sidecars" % (", ".join(sorted(files)), len(sidecars))))
        c.bricks_reads(label, path, [3, 4, 6, 7], latest=False)
        # num_records is null when the checkpoint carries no stats at all (Spark 4 writes
        # neither add.stats nor add.stats_parsed with writeStatsAsJson=false here): then
        # the rows Bricks reads must match the count.
        def records_match(path=path):
            n = c.bricks.info(path)["num_records"]
            if n is None:
                n = len(c.bricks.rows(path))
            return expect(n == c.spark_count(path), "bricks says %s" % n)
        c.check("%s: bricks info num_records (or rows read) = COUNT(*)" % label, records_match)


@scenario("s2b schema evolution")
def s2b_schema_evolution(c):
    label = "s2b schema evolution"
    path = c.table("s2b_evolve")
    c.spark_create(path, "id INT, s STRING")
    c.spark_write(path, [{"id": k, "s": "s%d" % k} for k in range(5)])  # v1
    df = c.spark.createDataFrame([(10, "t", 1.5, [1])], "id INT, s STRING, x DOUBLE, l ARRAY<INT>")
    df.write.format("delta").mode("append").option("mergeSchema", "true").save(path)  # v2
    c.sql("ALTER TABLE %s ADD COLUMNS (st STRUCT<a: INT>)" % quote_path(path))  # v3
    c.spark_write(path, [{"id": 11, "st": {"a": 1}}])  # v4
    df = c.spark.createDataFrame([("x", 1)], "id STRING, n BIGINT")
    df.write.format("delta").mode("overwrite").option("overwriteSchema", "true").save(path)  # v5
    c.bricks_reads(label, path, [1, 2, 3, 4, 5], latest=False)


@scenario("s2b optimize")
def s2b_optimize(c):
    label = "s2b OPTIMIZE ZORDER + VACUUM"
    path = c.table("s2b_optimize")
    c.spark_create(path, "x INT, y INT, c INT")
    for n in range(6):
        c.spark_write(path, [{"x": (n * 37 + k * 11) % 100, "y": (k * 7) % 50, "c": n}
                             for k in range(50)])
    p = quote_path(path)
    c.sql("OPTIMIZE %s ZORDER BY (x, y)" % p)  # v7
    c.bricks_reads(label, path, [6, 7], latest=False)
    c.sql("VACUUM %s RETAIN 0 HOURS" % p)
    c.bricks_reads(label + " after vacuum", path, [], latest=True)


def spark_extra(c, label, name, ddl, props, rows, then=()):
    path = c.table(name)
    c.spark_create(path, ddl, props=props)
    c.spark_write(path, rows)
    for text in then:
        c.sql(text % quote_path(path))
    c.check("%s: bricks info" % label,
            lambda: clip(json.dumps(c.bricks.info(path)["protocol"])))
    c.bricks_reads(label, path, [1], latest=True)


@scenario("s2b timestamp_ntz")
def s2b_timestamp_ntz(c):
    spark_extra(c, "s2b TIMESTAMP_NTZ", "s2b_ntz", "id INT, tn TIMESTAMP_NTZ", {},
                [{"id": 1, "tn": "2024-02-03 04:05:06.123456"}, {"id": 2, "tn": None},
                 {"id": 3, "tn": "1969-07-20 20:17:40"}])


@scenario("s2b row tracking")
def s2b_row_tracking(c):
    spark_extra(c, "s2b row tracking + in-commit timestamps", "s2b_rowtrack", "id INT, s STRING",
                {"delta.enableRowTracking": "true", "delta.enableInCommitTimestamps": "true"},
                [{"id": k, "s": "r%d" % k} for k in range(10)],
                ["UPDATE %s SET s = 'u' WHERE id = 3"])


@scenario("s2b type widening")
def s2b_type_widening(c):
    spark_extra(c, "s2b type widening INT->BIGINT", "s2b_widen", "id INT, n SMALLINT",
                {"delta.enableTypeWidening": "true"},
                [{"id": k, "n": k * 100} for k in range(10)],
                ["ALTER TABLE %s ALTER COLUMN id TYPE BIGINT",
                 "ALTER TABLE %s ALTER COLUMN n TYPE INT",
                 "INSERT INTO %s VALUES (5000000000, 100000)"])


# ---- round trips: each engine writes on the other's table ------------------------------


@scenario("roundtrip bricks writes spark table")
def roundtrip_bricks_on_spark(c):
    label = "roundtrip: bricks appends+deletes on a spark table"
    path = c.table("rt_bricks_on_spark")
    c.spark_create(path, ALL_TYPES, partition_by=["dt"])
    c.spark_write(path, type_rows(20))
    c.bricks.write(path, type_rows(20, 20))
    c.bricks.run("delta", "delete", path, "--where", "i32 < 5")
    want = [r for r in type_rows(40) if r["i32"] >= 5]
    c.same_rows(label + ", spark reads", lambda: c.spark_rows(path), want)
    c.same_rows(label + ", bricks reads", lambda: c.bricks.rows(path), want)
    c.filters_agree(label, path, TYPE_FILTERS, want)

    path = c.table("rt_bricks_on_spark_dv")
    label = "roundtrip: bricks DV delete on a spark DV table"
    c.spark_create(path, "id INT, s STRING", props={"delta.enableDeletionVectors": "true"})
    rows = [{"id": k, "s": "v%d" % k} for k in range(300)]
    c.spark_write(path, rows)
    c.sql("DELETE FROM %s WHERE id < 5" % quote_path(path))  # Spark's DV
    c.bricks.run("delta", "delete", path, "--where", "id IN (7, 200)")  # ours, merged
    want = [r for r in rows if r["id"] >= 5 and r["id"] not in (7, 200)]
    c.same_rows(label + ", spark reads", lambda: c.spark_rows(path), want)
    c.same_rows(label + ", bricks reads", lambda: c.bricks.rows(path), want)


@scenario("roundtrip bricks on spark features")
def roundtrip_bricks_on_spark_features(c):
    """Bricks writes onto Spark tables with writer features (a CHECK constraint, NOT NULL,
    a generated column, an identity column, row tracking, in-commit timestamps), onto a
    column mapping id table and onto a change data feed table.  For a writer feature it
    must honour it or refuse the write, naming the feature."""
    from delta.tables import DeltaTable, IdentityGenerator

    def honours_or_refuses(name, path, rows, verify):
        def run():
            try:
                c.bricks.write(path, rows)
            except CheckFailed as e:
                return "refused: " + clip(str(e).split("exited 1: ")[-1], 200)
            return verify()

        c.check("roundtrip: bricks appends to a spark table with %s" % name, run)

    def holds(want_rows, path):
        def verify():
            got = c.spark_rows(path)
            expect(canon(got) == canon(want_rows), "bricks wrote: " + rows_diff(got, want_rows))
            return "honoured"

        return verify

    path = c.table("rt_check")
    c.spark_create(path, "id INT NOT NULL, s STRING")
    c.sql("ALTER TABLE %s ADD CONSTRAINT positive CHECK (id > 0)" % quote_path(path))
    c.spark_write(path, [{"id": 1, "s": "a"}])
    honours_or_refuses("CHECK (id > 0), writing id = -1", path, [{"id": -1, "s": "neg"}],
                       holds([{"id": 1, "s": "a"}], path))
    honours_or_refuses("id INT NOT NULL, writing NULL", path, [{"id": None, "s": "null"}],
                       holds([{"id": 1, "s": "a"}], path))

    path = c.table("rt_generated")
    DeltaTable.create(c.spark).location(path).addColumn("a", "INT") \
        .addColumn("b", "INT", generatedAlwaysAs="a * 2").execute()
    honours_or_refuses("b GENERATED ALWAYS AS (a * 2)", path, [{"a": 3}],
                       holds([{"a": 3, "b": 6}], path))

    path = c.table("rt_identity")
    DeltaTable.create(c.spark).location(path) \
        .addColumn("id", "BIGINT", generatedAlwaysAs=IdentityGenerator(start=1, step=1)) \
        .addColumn("s", "STRING").execute()
    c.sql("INSERT INTO %s (s) VALUES ('spark')" % quote_path(path))

    def identity():
        got = c.spark_rows(path)
        ids = sorted(r["id"] for r in got if r["id"] is not None)
        expect(len(ids) == 2 and len(set(ids)) == 2, "identity column holds %s" % got)
        return "honoured: ids %s" % ids

    honours_or_refuses("an identity column", path, [{"s": "ours"}], identity)

    path = c.table("rt_rowtracking")
    c.spark_create(path, "id INT", props={"delta.enableRowTracking": "true"})
    c.spark_write(path, [{"id": k} for k in range(3)])

    def row_ids():
        got = c.spark.read.format("delta").load(path).selectExpr(
            "id", "_metadata.row_id AS row_id").collect()
        ids = [r.row_id for r in got]
        expect(None not in ids and len(set(ids)) == len(ids), "row ids %s" % ids)
        return "honoured: distinct row ids"

    honours_or_refuses("row tracking", path, [{"id": 10}, {"id": 11}], row_ids)

    path = c.table("rt_ict")
    c.spark_create(path, "id INT", props={"delta.enableInCommitTimestamps": "true"})
    c.spark_write(path, [{"id": 1}])

    def ict():
        last = log_actions(path, 2)
        info = [a["commitInfo"] for a in last if "commitInfo" in a]
        expect(info and "inCommitTimestamp" in info[0],
               "version 2 has no commitInfo.inCommitTimestamp (%s)"
               % clip(json.dumps(info), 150))
        rows = c.spark_history(path)
        return "honoured; DESCRIBE HISTORY lists %d versions" % len(rows)

    honours_or_refuses("in-commit timestamps", path, [{"id": 2}], ict)

    path = c.table("rt_append_only")
    c.spark_create(path, "id INT", props={"delta.appendOnly": "true"})
    c.spark_write(path, [{"id": 1}, {"id": 2}])

    def append_only():
        try:
            c.bricks.run("delta", "delete", path, "--where", "id = 1")
        except CheckFailed as e:
            return "refused: " + clip(str(e).split("exited 1: ")[-1], 200)
        raise CheckFailed("bricks deleted from it; spark reads %s" % c.spark_rows(path))

    c.check("roundtrip: bricks deletes from a spark table with delta.appendOnly=true",
            append_only)

    path = c.table("rt_cm_id")
    label = "roundtrip: bricks appends+deletes on a spark column mapping id table"
    c.spark_create(path, "a INT, `b c` STRING, st STRUCT<x: INT>",
                   props={"delta.columnMapping.mode": "id"})
    c.spark_write(path, [{"a": k, "b c": "x%d" % k, "st": {"x": k}} for k in range(4)])
    c.sql("ALTER TABLE %s RENAME COLUMN `b c` TO bc" % quote_path(path))
    c.bricks.write(path, [{"a": 10, "bc": "ours", "st": {"x": 10}}])
    c.bricks.run("delta", "delete", path, "--where", "a = 1")
    want = [{"a": k, "bc": "x%d" % k, "st": {"x": k}} for k in (0, 2, 3)] + [
        {"a": 10, "bc": "ours", "st": {"x": 10}}]
    c.same_rows(label + ", spark reads", lambda: c.spark_rows(path), want)
    c.same_rows(label + ", bricks reads", lambda: c.bricks.rows(path), want)

    path = c.table("rt_cdf")
    label = "roundtrip: bricks deletes on a spark change data feed table"
    c.spark_create(path, "id BIGINT, p STRING", partition_by=["p"],
                   props={"delta.enableChangeDataFeed": "true"})
    c.spark_write(path, [{"id": k, "p": "ab"[k % 2]} for k in range(10)])
    c.bricks.run("delta", "delete", path, "--where", "id < 3")
    c.bricks.write(path, [{"id": 50, "p": "a"}])
    c.same_rows(label + ": spark readChangeFeed = bricks delta changes",
                lambda: drop_keys(table_rows(
                    c.spark.read.format("delta").option("readChangeFeed", "true")
                    .option("startingVersion", 1).load(path).toArrow()), "_commit_timestamp"),
                lambda: drop_keys(c.bricks.changes(path, 1), "_commit_timestamp"))


# ---- driver ------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("only", nargs="*", help="run the scenarios whose name contains one of these")
    args = ap.parse_args()
    chosen = [(n, f) for n, f in SCENARIOS if not args.only or any(s in n for s in args.only)]
    if args.list:
        print("\n".join(n for n, _ in chosen))
        return 0

    bricks_bin = os.environ.get("BRICKS_BIN")
    if not bricks_bin or not os.access(bricks_bin, os.X_OK):
        print("spark_check: set BRICKS_BIN to the bricks binary (tests/interop/spark_check "
              "does)", file=sys.stderr)
        return 2
    os.environ["TZ"] = "UTC"  # PySpark turns timestamps into naive local datetimes
    time.tzset()
    started = time.time()
    workdir = tempfile.mkdtemp(prefix="bricks-spark-check-")
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    log = os.open(os.path.join(workdir, "spark.log"), os.O_WRONLY | os.O_CREAT, 0o644)
    os.dup2(log, 1)  # Spark, Ivy and the JVM write here, not on our report
    os.dup2(log, 2)
    os.chdir(workdir)  # anything Spark drops in its working directory stays in workdir
    report = Report(out)
    out.write("spark_check: work directory %s\n" % workdir)
    try:
        spark = start_spark(workdir)
    except Exception as e:
        report.line(False, "start Spark", short_error(e) + " (see %s/spark.log)" % workdir)
        out.write("%d passed, %d failed\n" % (report.passed, report.failed))
        return 1
    out.write("spark_check: Spark %s, bricks %s, started in %.0fs\n"
              % (spark.version, bricks_bin, time.time() - started))
    ctx = Ctx(spark, Bricks(bricks_bin, workdir), report, workdir)
    for name, fn in chosen:
        try:
            fn(ctx)
        except Exception as e:
            traceback.print_exc()  # into spark.log
            report.line(False, name, "stopped: " + short_error(e))
    spark.stop()
    out.write("%d passed, %d failed (%.0fs)\n"
              % (report.passed, report.failed, time.time() - started))
    if report.failed or args.keep:
        out.write("spark_check: kept %s\n" % workdir)
    else:
        os.chdir("/")
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
