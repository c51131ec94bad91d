"""test_tpch.py — the 22 TPC-H queries at SF0.01 through Bricks, checked against DuckDB.

Data: tpchgen-cli (PyPI) writes Parquet once into a temporary directory, and
`bricks delta write --from-parquet` copies it into Delta tables, which delta-rs must
read back unchanged.  Bricks answers every query on the Parquet files and on the
Delta tables; DuckDB on the Parquet files.  Numbers must agree to 1e-9 relative.  Queries Bricks
cannot run yet are listed in tests/interop/tpch_known_failures.txt with a reason;
they must fail (so the list cannot go stale), every other query must pass.
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "tpch"))
import tpch  # noqa: E402

BRICKS = os.environ.get("BRICKS_BIN", os.path.join(ROOT, "build", "release", "bricks"))


def known_failures():
    out = {}
    path = os.path.join(HERE, "tpch_known_failures.txt")
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                q, why = line.split(None, 1)
                out[int(q.lstrip("q"))] = why
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    if not os.path.isdir(os.path.join(tpch.testdata_dir(), "tpch", "queries")):
        pytest.skip("no ../shared/testdata/tpch/queries")
    d = str(tmp_path_factory.mktemp("tpch-sf001"))
    tpch.generate(0.01, d)
    tpch.generate_delta(BRICKS, d)
    return d, tpch.duckdb_connection(d)


@pytest.mark.parametrize("table", tpch.TABLES)
def test_delta_copy_read_by_delta_rs(data, table):
    import deltalake
    import pyarrow as pa
    import pyarrow.parquet as pq

    d, _ = data
    src = pq.read_table(os.path.join(d, table + ".parquet"))
    got = deltalake.DeltaTable(os.path.join(tpch.delta_dir(d), table)).to_pyarrow_table()
    assert got.column_names == src.column_names

    def plain(t):  # tpchgen writes string views; compare the values as plain strings
        types = [pa.string() if pa.types.is_string_view(f.type) or pa.types.is_string(f.type)
                 else f.type for f in src.schema]
        return pa.table([c.cast(ty) for c, ty in zip(t.columns, types)], names=t.column_names)

    got, src = plain(got), plain(src)
    keys = [(c, "ascending") for c in src.column_names]
    assert got.num_rows == src.num_rows
    assert got.sort_by(keys).equals(src.sort_by(keys))


@pytest.mark.parametrize("fmt", ["parquet", "delta"])
@pytest.mark.parametrize("n", range(1, 23))
def test_tpch_query(data, n, fmt):
    d, con = data
    known = known_failures()
    _, _, expected = tpch.run_duckdb(con, n)
    try:
        _, _, got = tpch.run_bricks(BRICKS, d, n, fmt)
        why = tpch.compare(got, expected)
    except RuntimeError as e:
        why = str(e)
    if n in known:
        assert why is not None, "q%d now passes: remove it from tpch_known_failures.txt" % n
        return
    assert why is None, "q%d: %s" % (n, why)
