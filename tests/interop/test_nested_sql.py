"""test_nested_sql.py — nested columns (ARRAY, MAP, STRUCT) written by pyarrow and
delta-rs, queried through `bricks sql`: element access, size, explode / LATERAL
VIEW, collect_list, GROUP BY a nested key.  Expected values come from the
Python data itself and, for the list aggregates, from DuckDB over the same file.
"""

import json
import os
import subprocess

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BRICKS = os.environ.get("BRICKS_BIN", os.path.join(ROOT, "build", "release", "bricks"))

ROWS = [
    {"id": 1, "xs": [1, 2, 3], "s": {"a": 10, "b": "x"}, "m": [("k", 1), ("j", 2)],
     "ps": [{"n": "p", "v": 1.5}]},
    {"id": 2, "xs": [], "s": {"a": None, "b": "y"}, "m": [], "ps": []},
    {"id": 3, "xs": None, "s": None, "m": None, "ps": None},
    {"id": 4, "xs": [None, 7], "s": {"a": 40, "b": None}, "m": [("z", None)],
     "ps": [{"n": "q", "v": None}, {"n": "r", "v": 2.0}]},
]

SCHEMA = pa.schema([
    ("id", pa.int64()),
    ("xs", pa.list_(pa.int32())),
    ("s", pa.struct([("a", pa.int32()), ("b", pa.string())])),
    ("m", pa.map_(pa.string(), pa.int32())),
    ("ps", pa.list_(pa.struct([("n", pa.string()), ("v", pa.float64())]))),
])


def sql(query):
    p = subprocess.run([BRICKS, "sql", "--format", "json", "-c", query], capture_output=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return json.loads(p.stdout)


@pytest.fixture(scope="module")
def nested_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("nested") / "nested.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS, schema=SCHEMA), path, row_group_size=2)
    return str(path)


def test_element_access_and_size(nested_file):
    # xs[0] on an empty array is INVALID_ARRAY_INDEX in ANSI mode: use get() instead
    rows = sql(f"SELECT id, get(xs, 0) AS x0, try_element_at(xs, -1) AS xl, size(xs) AS n, "
               f"s.a AS a, s.b AS b, m['k'] AS k, get(ps, 0).n AS p0 "
               f"FROM parquet.`{nested_file}` ORDER BY id")
    assert rows == [
        {"id": 1, "x0": 1, "xl": 3, "n": 3, "a": 10, "b": "x", "k": 1, "p0": "p"},
        {"id": 2, "x0": None, "xl": None, "n": 0, "a": None, "b": "y", "k": None, "p0": None},
        {"id": 3, "x0": None, "xl": None, "n": None, "a": None, "b": None, "k": None,
         "p0": None},
        {"id": 4, "x0": None, "xl": 7, "n": 2, "a": 40, "b": None, "k": None, "p0": "q"},
    ]


def test_explode_matches_the_data(nested_file):
    rows = sql(f"SELECT id, pos, x FROM parquet.`{nested_file}` "
               f"LATERAL VIEW posexplode(xs) e AS pos, x ORDER BY id, pos")
    want = [{"id": r["id"], "pos": i, "x": x}
            for r in ROWS for i, x in enumerate(r["xs"] or [])]
    assert rows == want
    rows = sql(f"SELECT id, key, value FROM parquet.`{nested_file}` "
               f"LATERAL VIEW OUTER explode(m) AS key, value ORDER BY id, key")
    want = []
    for r in ROWS:
        entries = sorted(r["m"] or [])
        want += [{"id": r["id"], "key": k, "value": v} for k, v in entries] or \
            [{"id": r["id"], "key": None, "value": None}]
    assert rows == want
    rows = sql(f"SELECT id, n, v FROM parquet.`{nested_file}` LATERAL VIEW inline(ps) AS n, v "
               f"ORDER BY id, n")
    assert rows == [{"id": r["id"], "n": p["n"], "v": p["v"]}
                    for r in ROWS for p in (r["ps"] or [])]


def test_list_aggregates_agree_with_duckdb(nested_file):
    got = sql(f"SELECT count(x) AS c, sum(x) AS s, sort_array(collect_list(x)) AS l, "
              f"percentile(x, 0.5) AS med FROM parquet.`{nested_file}` "
              f"LATERAL VIEW explode(xs) e AS x")
    c, s, l, med = duckdb.connect().execute(
        f"SELECT count(x), sum(x), list_sort(list(x) FILTER (x IS NOT NULL)), "
        f"quantile_cont(x, 0.5) FROM (SELECT unnest(xs) AS x FROM '{nested_file}')").fetchall()[0]
    assert got == [{"c": c, "s": s, "l": l, "med": med}]


def test_group_by_a_struct_and_an_array(nested_file):
    rows = sql(f"SELECT size(xs) AS n, count(*) AS c FROM (SELECT xs FROM parquet.`{nested_file}`"
               f" UNION ALL SELECT xs FROM parquet.`{nested_file}`) GROUP BY xs ORDER BY n")
    assert rows == [{"n": None, "c": 2}, {"n": 0, "c": 2}, {"n": 2, "c": 2}, {"n": 3, "c": 2}]


def test_delta_table_with_nested_columns(tmp_path):
    deltalake = pytest.importorskip("deltalake")
    path = str(tmp_path / "t")
    deltalake.write_deltalake(path, pa.Table.from_pylist(ROWS, schema=SCHEMA))
    rows = sql(f"SELECT id, s.b AS b, size(m) AS nm, explode_outer(xs) AS x "
               f"FROM delta.`{path}` ORDER BY id, x")
    want = []
    for r in ROWS:
        nm = len(r["m"]) if r["m"] is not None else None
        b = r["s"]["b"] if r["s"] else None
        xs = r["xs"] or [None]
        want += [{"id": r["id"], "b": b, "nm": nm, "x": x}
                 for x in sorted(xs, key=lambda v: (v is not None, v))]
    assert rows == want
