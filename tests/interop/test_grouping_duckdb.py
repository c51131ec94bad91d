"""test_grouping_duckdb.py — grouping sets, set operations ALL, USING joins and PIVOT /
UNPIVOT through Bricks on generated Parquet with NULLs, checked against DuckDB.

DuckDB writes two Parquet files once (20,000 and 3,000 rows, a fixed seed, NULLs in
every key column); both engines read the same files.  Each case is a Bricks query
and the DuckDB query that means the same in DuckDB's dialect (where Spark and
DuckDB spell or name things differently, e.g. PIVOT or the USING column order);
the results must be equal as multisets of rows.  Only integers and strings are
compared, so there is no rounding to argue about.
"""

import json
import os
import subprocess

import pytest

duckdb = pytest.importorskip("duckdb")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BRICKS = os.environ.get("BRICKS_BIN", os.path.join(ROOT, "build", "release", "bricks"))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("grouping")
    t, u = str(d / "t.parquet"), str(d / "u.parquet")
    con = duckdb.connect()
    con.execute("SELECT setseed(0.42)")
    con.execute(f"""COPY (SELECT
            CASE WHEN random() < 0.1 THEN NULL ELSE CAST(floor(random() * 10) AS INT) END AS a,
            CASE WHEN random() < 0.1 THEN NULL
                 ELSE ['x', 'y', 'z'][CAST(floor(random() * 3) AS INT) + 1] END AS b,
            CASE WHEN random() < 0.2 THEN NULL ELSE CAST(floor(random() * 5) AS INT) END AS c,
            CAST(floor(random() * 1000) AS BIGINT) AS v
        FROM range(20000)) TO '{t}' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT
            CASE WHEN random() < 0.1 THEN NULL ELSE CAST(floor(random() * 12) AS INT) END AS a,
            CASE WHEN random() < 0.1 THEN NULL
                 ELSE ['x', 'y', 'w'][CAST(floor(random() * 3) AS INT) + 1] END AS b,
            CAST(floor(random() * 100) AS BIGINT) AS w
        FROM range(3000)) TO '{u}' (FORMAT parquet)""")
    con.execute(f"CREATE VIEW t AS SELECT * FROM '{t}'")
    con.execute(f"CREATE VIEW u AS SELECT * FROM '{u}'")
    con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
    return t, u, con


def bricks_rows(sql):
    p = subprocess.run([BRICKS, "sql", "--format", "json", "-c", sql], capture_output=True,
                       timeout=300, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return [tuple(r.values()) for r in json.loads(p.stdout)]


def norm(rows):
    return sorted((tuple("NULL" if v is None else str(v) for v in r) for r in rows))


# (name, Bricks SQL with T / U for the files, DuckDB SQL over the views t / u)
CASES = [
    ("rollup",
     "SELECT a, b, count(*), sum(v), grouping(a), grouping(b) FROM T GROUP BY ROLLUP(a, b)",
     "SELECT a, b, count(*), sum(v), grouping(a), grouping(b) FROM t GROUP BY ROLLUP(a, b)"),
    ("cube_grouping_id",
     "SELECT a, b, c, max(v), grouping_id() FROM T GROUP BY CUBE(a, b, c)",
     "SELECT a, b, c, max(v), grouping_id(a, b, c) FROM t GROUP BY CUBE(a, b, c)"),
    ("grouping_sets_having",
     "SELECT a, c, count(DISTINCT b) FROM T GROUP BY GROUPING SETS ((a, c), (c), ()) "
     "HAVING grouping(a) = 1 OR a > 5",
     "SELECT a, c, count(DISTINCT b) FROM t GROUP BY GROUPING SETS ((a, c), (c), ()) "
     "HAVING grouping(a) = 1 OR a > 5"),
    ("mixed",
     "SELECT a, b, c, min(v) FROM T GROUP BY a, ROLLUP(b), CUBE(c)",
     "SELECT a, b, c, min(v) FROM t GROUP BY a, ROLLUP(b), CUBE(c)"),
    ("with_rollup",
     "SELECT b, c, sum(v) FROM T GROUP BY b, c WITH ROLLUP",
     "SELECT b, c, sum(v) FROM t GROUP BY ROLLUP(b, c)"),
    ("intersect_all",
     "SELECT a, b FROM T INTERSECT ALL SELECT a, b FROM U",
     "SELECT a, b FROM t INTERSECT ALL SELECT a, b FROM u"),
    ("except_all",
     "SELECT a, b FROM T EXCEPT ALL SELECT a, b FROM U",
     "SELECT a, b FROM t EXCEPT ALL SELECT a, b FROM u"),
    ("except_all_reverse",
     "SELECT b, a FROM U MINUS ALL SELECT b, a FROM T WHERE v < 500",
     "SELECT b, a FROM u EXCEPT ALL SELECT b, a FROM t WHERE v < 500"),
    ("intersect_distinct",
     "SELECT c, b FROM T INTERSECT SELECT a, b FROM U",
     "SELECT c, b FROM t INTERSECT SELECT a, b FROM u"),
    ("using_inner",
     "SELECT * FROM (SELECT a, b, v FROM T WHERE v < 50) JOIN U USING (a, b)",
     "SELECT a, b, v, w FROM (SELECT a, b, v FROM t WHERE v < 50) JOIN u USING (a, b)"),
    ("using_full",
     "SELECT * FROM (SELECT a, v FROM T WHERE v < 20) x FULL JOIN (SELECT a, w FROM U) y USING (a)",
     "SELECT coalesce(x.a, y.a), v, w FROM (SELECT a, v FROM t WHERE v < 20) x "
     "FULL JOIN (SELECT a, w FROM u) y ON x.a = y.a"),
    ("natural_left",
     "SELECT * FROM (SELECT b, a, v FROM T WHERE v < 30) NATURAL LEFT JOIN U",
     "SELECT b, a, v, w FROM (SELECT b, a, v FROM t WHERE v < 30) NATURAL LEFT JOIN u"),
    ("pivot",
     "SELECT * FROM (SELECT a, b, v FROM T) PIVOT (sum(v) AS s, count(*) AS n "
     "FOR b IN ('x', 'y', 'q'))",
     "SELECT a, sum(v) FILTER (WHERE b = 'x'), nullif(count(*) FILTER (WHERE b = 'x'), 0), "
     "sum(v) FILTER (WHERE b = 'y'), nullif(count(*) FILTER (WHERE b = 'y'), 0), "
     "sum(v) FILTER (WHERE b = 'q'), nullif(count(*) FILTER (WHERE b = 'q'), 0) "
     "FROM t GROUP BY a"),
    ("unpivot",
     "SELECT * FROM (SELECT v, a, c FROM T WHERE v < 100) UNPIVOT (x FOR col IN (a, c))",
     "SELECT v, col, x FROM (SELECT v, a, c FROM t WHERE v < 100) "
     "UNPIVOT (x FOR col IN (a, c))"),
]


@pytest.mark.parametrize("name,ours,theirs", CASES, ids=[c[0] for c in CASES])
def test_against_duckdb(files, name, ours, theirs):
    t, u, con = files
    sql = ours.replace("FROM T", f"FROM parquet.`{t}`").replace("FROM U", f"FROM parquet.`{u}`")
    sql = sql.replace("JOIN U", f"JOIN parquet.`{u}`")
    got = norm(bricks_rows(sql))
    expected = norm(con.execute(theirs).fetchall())
    assert len(got) == len(expected), f"{name}: {len(got)} rows, DuckDB {len(expected)}"
    assert got == expected, f"{name}: first difference " + next(
        f"{g} vs {e}" for g, e in zip(got, expected) if g != e)
