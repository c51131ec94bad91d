"""Files that Bricks writes, read by pyarrow and DuckDB with identical values.

Each test states its rows once, in the cat JSON form (jsonform.py), writes them
with `bricks parquet write` (CSV for flat types, JSON lines for nested ones), then
checks that pyarrow, DuckDB and Bricks itself all read exactly those rows back.
"""

import datetime
import os

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import jsonform

CODECS = ["snappy", "zstd", "gzip", "none"]


def read_pyarrow(path):
    return jsonform.table_rows(pq.read_table(path))


def read_duckdb(path):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return jsonform.table_rows(con.sql(jsonform.read_parquet_sql(path))
                               .to_arrow_table())


def assert_rows_equal(got, want, who):
    assert len(got) == len(want), "%s: %d rows, expected %d" % (who, len(got), len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, "%s: row %d differs:\n  got  %r\n  want %r" % (who, i, g, w)


def check_all_readers(bricks, path, want):
    assert_rows_equal(read_pyarrow(path), want, "pyarrow")
    assert_rows_equal(read_duckdb(path), want, "duckdb")
    assert_rows_equal(bricks.cat(path), want, "bricks")


# ---- flat types, through CSV ----

FLAT_SCHEMA = ("b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INT, i64 BIGINT, f32 FLOAT, "
               "f64 DOUBLE, d1 DECIMAL(1,0), d9 DECIMAL(9,2), d18 DECIMAL(18,6), "
               "d19 DECIMAL(19,4), d38 DECIMAL(38,10), s STRING, bin BINARY, dt DATE, "
               "ts TIMESTAMP, ntz TIMESTAMP_NTZ")
FLAT_COLUMNS = ["b", "i8", "i16", "i32", "i64", "f32", "f64", "d1", "d9", "d18", "d19", "d38",
                "s", "bin", "dt", "ts", "ntz"]

FLAT_ROWS = [
    dict(b=True, i8=1, i16=2, i32=3, i64=4, f32=1.5, f64=2.25, d1="7", d9="12.30",
         d18="-1.000001", d19="123456789012345.6789", d38="1234567890123456789012345678.0123456789",
         s="hello", bin="AAEC/w==", dt="2024-01-02", ts="2024-01-02 03:04:05.123456",
         ntz="2024-01-02 03:04:05"),
    {c: None for c in FLAT_COLUMNS},
    dict(b=False, i8=-128, i16=-32768, i32=-2147483648, i64=-9223372036854775808, f32=-0.1,
         f64=-1e-300, d1="-9", d9="-9999999.99", d18="-999999999999.999999",
         d19="-999999999999999.9999", d38="-9999999999999999999999999999.9999999999",
         s="", bin="", dt="0001-01-01", ts="0001-01-01 00:00:00", ntz="1969-12-31 23:59:59.999999"),
    dict(b=True, i8=127, i16=32767, i32=2147483647, i64=9223372036854775807,
         f32=3.4028235e+38, f64=1.7976931348623157e+308, d1="0", d9="0.01", d18="0.000001",
         d19="0.0001", d38="0.0000000001", s="héllo, \"wörld\"\nnew line 日本語 🧱",
         bin="4pyTIOKckw==", dt="9999-12-31", ts="9999-12-31 23:59:59.999999",
         ntz="1970-01-01 00:00:00.5"),
    dict(b=None, i8=0, i16=None, i32=0, i64=9007199254740993, f32=1e-45, f64="NaN",
         d1=None, d9="1.00", d18=None, d19="-0.0001", d38=None, s=" spaces ", bin=None,
         dt="1969-12-31", ts="1969-12-31 23:59:59.000001", ntz=None),
    dict(b=False, i8=None, i16=0, i32=None, i64=0, f32="Infinity", f64="-Infinity",
         d1="1", d9=None, d18="123456789012.345678", d19=None, d38="1.5000000000",
         s="tab\there, comma, quote\"", bin="IiwK", dt="2000-02-29",
         ts="2000-02-29 12:00:00.1", ntz="2262-04-11 23:47:16.854775"),
]


@pytest.mark.parametrize("codec", CODECS)
def test_flat_types_csv(bricks, tmp_path, codec):
    out = tmp_path / ("flat_%s.parquet" % codec)
    bricks.write_csv(FLAT_ROWS, FLAT_COLUMNS, FLAT_SCHEMA, out, "--codec", codec,
                     binary={"bin"})
    check_all_readers(bricks, out, FLAT_ROWS)
    meta = pq.ParquetFile(out).metadata
    want_codec = {"none": "UNCOMPRESSED"}.get(codec, codec.upper())
    assert meta.row_group(0).column(0).compression == want_codec


@pytest.mark.parametrize("options", [["--no-dictionary"], ["--data-page-v2"],
                                     ["--page-rows", "2", "--row-group-rows", "3"],
                                     ["--no-statistics", "--codec", "zstd"]])
def test_flat_types_writer_options(bricks, tmp_path, options):
    out = tmp_path / "flat.parquet"
    bricks.write_csv(FLAT_ROWS, FLAT_COLUMNS, FLAT_SCHEMA, out, *options, binary={"bin"})
    check_all_readers(bricks, out, FLAT_ROWS)


def test_arrow_types_of_flat_schema(bricks, tmp_path):
    out = tmp_path / "flat.parquet"
    bricks.write_csv(FLAT_ROWS, FLAT_COLUMNS, FLAT_SCHEMA, out, binary={"bin"})
    schema = pq.read_schema(out)
    want = {"b": pa.bool_(), "i8": pa.int8(), "i16": pa.int16(), "i32": pa.int32(),
            "i64": pa.int64(), "f32": pa.float32(), "f64": pa.float64(),
            "d1": pa.decimal128(1, 0), "d9": pa.decimal128(9, 2), "d18": pa.decimal128(18, 6),
            "d19": pa.decimal128(19, 4), "d38": pa.decimal128(38, 10), "s": pa.string(),
            "bin": pa.binary(), "dt": pa.date32(), "ts": pa.timestamp("us", tz="UTC"),
            "ntz": pa.timestamp("us")}
    for name, typ in want.items():
        assert schema.field(name).type == typ, name


def test_timestamp_zone_offsets(bricks, tmp_path):
    rows = [{"ts": "2024-01-02 03:04:05+02:00"}, {"ts": "2024-01-02T03:04:05Z"},
            {"ts": "2024-01-02 03:04:05.25-0130"}, {"ts": "2024-01-02"}]
    want = [{"ts": "2024-01-02 01:04:05"}, {"ts": "2024-01-02 03:04:05"},
            {"ts": "2024-01-02 04:34:05.25"}, {"ts": "2024-01-02 00:00:00"}]
    out = tmp_path / "ts.parquet"
    bricks.write_csv(rows, ["ts"], "ts TIMESTAMP", out)
    check_all_readers(bricks, out, want)


def test_not_null_columns(bricks, tmp_path):
    out = tmp_path / "req.parquet"
    rows = [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    bricks.write_csv(rows, ["a", "b"], "a INT NOT NULL, b STRING", out)
    schema = pq.read_schema(out)
    assert not schema.field("a").nullable and schema.field("b").nullable
    check_all_readers(bricks, out, rows)


# ---- nested types, through JSON lines ----

NESTED_SCHEMA = ("id INT, tags ARRAY<STRING>, "
                 "items ARRAY<STRUCT<name: STRING, qty: INT, price: DECIMAL(10,2)>>, "
                 "attrs MAP<STRING, INT>, grid ARRAY<ARRAY<BIGINT>>, "
                 "point STRUCT<x: DOUBLE, y: DOUBLE, label: STRING>, "
                 "by_num MAP<INT, ARRAY<STRING>>, "
                 "deep STRUCT<a: ARRAY<MAP<STRING, STRUCT<v: INT, w: ARRAY<DATE>>>>, "
                 "t: TIMESTAMP>")

NESTED_ROWS = [
    {"id": 1, "tags": ["a", "b"],
     "items": [{"name": "brick", "qty": 3, "price": "1.50"},
               {"name": "mortar", "qty": None, "price": "12.00"}],
     "attrs": {"x": 1, "y": None}, "grid": [[1, 2], [], [3]],
     "point": {"x": 1.5, "y": -2.0, "label": "p"},
     "by_num": {"1": ["one"], "2": []},
     "deep": {"a": [{"k": {"v": 1, "w": ["2024-01-01", None]}}, {}], "t": "2024-01-01 00:00:00"}},
    {"id": 2, "tags": None, "items": None, "attrs": None, "grid": None, "point": None,
     "by_num": None, "deep": None},
    {"id": 3, "tags": [], "items": [], "attrs": {}, "grid": [None, [None]],
     "point": {"x": None, "y": None, "label": None},
     "by_num": {"-5": None}, "deep": {"a": None, "t": None}},
    {"id": 4, "tags": [None, "", "日本"], "items": [None, {"name": None, "qty": -1, "price": None}],
     "attrs": {"": 0, "ü": -7}, "grid": [[9223372036854775807, -9223372036854775808]],
     "point": {"x": "NaN", "y": "Infinity", "label": ""},
     "by_num": {"7": [None, "x"]}, "deep": {"a": [None, {"z": None}], "t": None}},
    {"id": None, "tags": ["only"], "items": [{"name": "n", "qty": 0, "price": "-99999999.99"}],
     "attrs": {"a": 1, "b": 2, "c": 3}, "grid": [], "point": None, "by_num": {},
     "deep": {"a": [], "t": "1969-07-20 20:17:40"}},
]


@pytest.mark.parametrize("codec", ["snappy", "zstd"])
def test_nested_types_jsonl(bricks, tmp_path, codec):
    out = tmp_path / "nested.parquet"
    bricks.write_jsonl(NESTED_ROWS, NESTED_SCHEMA, out, "--codec", codec)
    check_all_readers(bricks, out, NESTED_ROWS)


@pytest.mark.parametrize("options", [["--no-dictionary", "--data-page-v2"],
                                     ["--page-rows", "1", "--row-group-rows", "2"]])
def test_nested_types_writer_options(bricks, tmp_path, options):
    out = tmp_path / "nested.parquet"
    bricks.write_jsonl(NESTED_ROWS, NESTED_SCHEMA, out, *options)
    check_all_readers(bricks, out, NESTED_ROWS)


def test_flat_types_jsonl_same_as_csv(bricks, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    bricks.write_csv(FLAT_ROWS, FLAT_COLUMNS, FLAT_SCHEMA, a, binary={"bin"})
    bricks.write_jsonl(FLAT_ROWS, FLAT_SCHEMA, b)
    assert bricks.cat(a) == bricks.cat(b) == FLAT_ROWS


def test_map_key_pairs_form(bricks, tmp_path):
    out = tmp_path / "m.parquet"
    rows = [{"m": [[1, "one"], [2, "two"]]}, {"m": [[-3, None]]}]
    bricks.write_jsonl(rows, "m MAP<INT, STRING>", out)
    want = [{"m": {"1": "one", "2": "two"}}, {"m": {"-3": None}}]
    check_all_readers(bricks, out, want)
    table = pq.read_table(out)
    assert table.column("m").to_pylist() == [[(1, "one"), (2, "two")], [(-3, None)]]


# ---- sizes ----

def test_zero_rows(bricks, tmp_path):
    out = tmp_path / "empty.parquet"
    bricks.write_csv([], FLAT_COLUMNS, FLAT_SCHEMA, out)
    table = pq.read_table(out)
    assert table.num_rows == 0 and table.column_names == FLAT_COLUMNS
    assert duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(out)]).fetchone()[0] == 0
    assert bricks.cat(out) == []
    nested = tmp_path / "empty_nested.parquet"
    bricks.write_jsonl([], NESTED_SCHEMA, nested)
    assert pq.read_table(nested).num_rows == 0
    assert bricks.cat(nested) == []


def test_one_million_rows(bricks, tmp_path):
    n = 1_000_000
    ids = pa.array(range(n), pa.int64())
    src = tmp_path / "big.csv"
    # Write the CSV with pyarrow (fast), then let Bricks convert it.
    table = pa.table({
        "id": ids,
        "v": pc.subtract(pc.multiply(ids, 7919), 2 ** 40),
        "x": pc.divide(ids.cast(pa.float64()), 7.0),
        "s": pc.binary_join_element_wise("s", pc.cast(pc.bit_wise_and(ids, 1023), pa.string()),
                                         ""),
        "d": pc.cast(pc.cast(pc.bit_wise_and(ids, 65535), pa.int32()), pa.date32()),
    })
    import pyarrow.csv as pacsv
    pacsv.write_csv(table, src, pacsv.WriteOptions(quoting_style="none"))
    out = tmp_path / "big.parquet"
    bricks.run("parquet", "write", "--from-csv", src, "--schema",
               "id BIGINT, v BIGINT, x DOUBLE, s STRING, d DATE", out, "--codec", "zstd")
    got = pq.read_table(out)
    assert got.num_rows == n
    for name in table.column_names:
        assert got.column(name).combine_chunks().equals(table.column(name).combine_chunks()), name
    con = duckdb.connect()
    agg = con.execute("SELECT count(*), sum(v), max(x), count(DISTINCT s), min(d), max(d) "
                      "FROM read_parquet(?)", [str(out)]).fetchone()
    assert agg[0] == n
    assert agg[1] == sum(range(n)) * 7919 - n * 2 ** 40
    assert agg[2] == (n - 1) / 7.0
    assert agg[3] == 1024
    assert agg[4] == datetime.date(1970, 1, 1) and agg[5] == datetime.date(2149, 6, 6)
    scan = bricks.run("parquet", "scan", out, "--threads", "2").stdout.decode()
    assert scan.startswith("rows %d " % n), scan
    # Bricks reads its own file back: CSV out, parsed by pyarrow, equal to the input.
    back = tmp_path / "back.csv"
    back.write_bytes(bricks.run("parquet", "cat", out, "--format", "csv").stdout)
    reread = pacsv.read_csv(back, convert_options=pacsv.ConvertOptions(
        column_types=table.schema))
    for name in table.column_names:
        assert reread.column(name).combine_chunks().equals(table.column(name).combine_chunks()), \
            name
    assert os.path.getsize(out) < os.path.getsize(src)
