"""Date, timestamp and interval answers of `bricks sql` cross-checked with DuckDB.

Each case is one value computed by both engines, in a session time zone, where
Spark's semantics (which Bricks follows) and DuckDB's agree: calendar arithmetic,
field extraction, truncation, DST resolution of wall-clock times outside an
overlap, epoch seconds.  Cases where they differ on purpose are not here (DuckDB
resolves a DST overlap to the later offset, java.time to the earlier; DuckDB's
timestamp difference is an interval of days and µs, Spark's a day-time interval).
"""

import json
import os
import subprocess

import duckdb
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BRICKS = os.environ.get("BRICKS_BIN", os.path.join(ROOT, "build", "release", "bricks"))

# (zone, Bricks/Spark SQL expression, DuckDB SQL expression): both give text or a number
CASES = [
    ("UTC", "date_add(DATE '2024-02-28', 1)", "CAST(DATE '2024-02-28' + 1 AS VARCHAR)"),
    ("UTC", "add_months(DATE '2024-01-31', 1)",
     "CAST(CAST(DATE '2024-01-31' + INTERVAL 1 MONTH AS DATE) AS VARCHAR)"),
    ("UTC", "last_day(DATE '1900-02-03')", "CAST(last_day(DATE '1900-02-03') AS VARCHAR)"),
    ("UTC", "datediff(DATE '1970-01-01', DATE '1900-01-01')",
     "datediff('day', DATE '1900-01-01', DATE '1970-01-01')"),
    ("UTC", "dayofyear(DATE '2016-04-09')", "dayofyear(DATE '2016-04-09')"),
    ("UTC", "weekofyear(DATE '2021-01-01')", "week(DATE '2021-01-01')"),
    ("UTC", "extract(YEAROFWEEK FROM DATE '2021-01-01')", "isoyear(DATE '2021-01-01')"),
    ("UTC", "dayofweek(DATE '1600-02-29')", "dayofweek(DATE '1600-02-29') + 1"),
    ("UTC", "quarter(DATE '2024-11-30')", "quarter(DATE '2024-11-30')"),
    ("UTC", "date_trunc('WEEK', TIMESTAMP '2024-03-10 10:00:00')",
     "CAST(date_trunc('week', TIMESTAMP '2024-03-10 10:00:00') AS VARCHAR)"),
    ("UTC", "date_trunc('QUARTER', TIMESTAMP '2024-05-10 10:00:00')",
     "CAST(date_trunc('quarter', TIMESTAMP '2024-05-10 10:00:00') AS VARCHAR)"),
    ("UTC", "unix_timestamp(TIMESTAMP '1969-07-20 20:17:40')",
     "CAST(epoch(TIMESTAMP '1969-07-20 20:17:40') AS BIGINT)"),
    ("UTC", "make_timestamp(2014, 12, 28, 6, 30, 45.887)",
     "CAST(make_timestamp(2014, 12, 28, 6, 30, 45.887) AS VARCHAR)"),
    ("America/Los_Angeles", "unix_timestamp(TIMESTAMP '2024-07-01 12:00:00')",
     "CAST(epoch(CAST('2024-07-01 12:00:00' AS TIMESTAMPTZ)) AS BIGINT)"),
    ("America/Los_Angeles", "unix_timestamp(TIMESTAMP '2024-03-10 02:30:00')",
     "CAST(epoch(CAST('2024-03-10 02:30:00' AS TIMESTAMPTZ)) AS BIGINT)"),
    ("America/Los_Angeles", "unix_timestamp(DATE '2024-01-01')",
     "CAST(epoch(CAST('2024-01-01 00:00:00' AS TIMESTAMPTZ)) AS BIGINT)"),
    ("America/Los_Angeles", "unix_timestamp(TIMESTAMP '2024-03-09 12:00:00' + INTERVAL '1' DAY)",
     "CAST(epoch(CAST('2024-03-09 12:00:00' AS TIMESTAMPTZ) + INTERVAL 1 DAY) AS BIGINT)"),
    ("America/Los_Angeles",
     "unix_timestamp(TIMESTAMP '2024-02-10 02:30:00' + INTERVAL '1' MONTH)",
     "CAST(epoch(CAST('2024-02-10 02:30:00' AS TIMESTAMPTZ) + INTERVAL 1 MONTH) AS BIGINT)"),
    ("Europe/Berlin", "hour(TIMESTAMP '2024-10-27 00:30:00Z')",
     "hour(CAST('2024-10-27 00:30:00+00' AS TIMESTAMPTZ))"),
    ("Asia/Kolkata", "CAST(TIMESTAMP '2024-01-01 00:00:00Z' AS STRING)",
     "strftime(CAST('2024-01-01 00:00:00+00' AS TIMESTAMPTZ), '%Y-%m-%d %H:%M:%S')"),
    ("UTC", "unix_seconds(TIMESTAMP '2019-10-15 10:11:12.001002' + "
            "3 * (TIMESTAMP '2019-10-15 10:11:12.001002' - DATE '2019-10-15'))",
     "CAST(floor(epoch(TIMESTAMP '2019-10-15 10:11:12.001002' + "
     "3 * (TIMESTAMP '2019-10-15 10:11:12.001002' - TIMESTAMP '2019-10-15'))) AS BIGINT)"),
]


def bricks_value(zone, expr):
    sql = "SET TIME ZONE '%s'; SELECT %s AS v" % (zone, expr)
    p = subprocess.run([BRICKS, "sql", "--format", "json", "-c", sql], capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return json.loads(_last_json(p.stdout.decode()))[0]["v"]


def _last_json(text):
    """The last JSON array in the output (the SET statement prints its own)."""
    start = text.rindex("\n[") + 1 if "\n[" in text else text.index("[")
    return text[start:]


@pytest.mark.parametrize("zone,expr,duck", CASES, ids=[c[1][:40] for c in CASES])
def test_same_answer_as_duckdb(zone, expr, duck):
    con = duckdb.connect()
    con.execute("SET TimeZone = '%s'" % zone)
    want = con.execute("SELECT " + duck).fetchone()[0]
    got = bricks_value(zone, expr)
    if isinstance(want, int):
        assert int(got) == want, (expr, got, want)
    else:
        assert str(got) == str(want), (expr, got, want)
