"""Files that pyarrow and DuckDB write, read by Bricks with identical values.

pyarrow writes one table of many types with every codec, with and without
dictionaries, with data pages v1 and v2, with the non-default encodings
(DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT),
and with tiny pages and row groups; `bricks parquet cat` must print exactly
pyarrow's values (in the cat JSON form, jsonform.py).
"""

import datetime
import decimal
import math

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import jsonform

N = 400


def make_table(n=N):
    """A table of every type Bricks reads, nulls sprinkled in every column."""
    def nullify(values, every):
        return [None if i % every == every - 1 else v for i, v in enumerate(values)]

    utc = datetime.timezone.utc
    rng = range(n)
    cols = {
        "b": pa.array(nullify([i % 3 == 0 for i in rng], 7), pa.bool_()),
        "i8": pa.array(nullify([(i * 37) % 256 - 128 for i in rng], 5), pa.int8()),
        "i16": pa.array(nullify([(i * 2749) % 65536 - 32768 for i in rng], 6), pa.int16()),
        "i32": pa.array(nullify([(i * 2654435761) % 2 ** 32 - 2 ** 31 for i in rng], 9), pa.int32()),
        "i64": pa.array(nullify([(i * 0x9E3779B97F4A7C15) % 2 ** 64 - 2 ** 63 for i in rng], 4),
                        pa.int64()),
        "u8": pa.array(nullify([i % 256 for i in rng], 8), pa.uint8()),
        "u16": pa.array(nullify([(i * 977) % 65536 for i in rng], 8), pa.uint16()),
        "u32": pa.array(nullify([(i * 2654435761) % 2 ** 32 for i in rng], 8), pa.uint32()),
        "u64": pa.array(nullify([(i * 0x9E3779B97F4A7C15) % 2 ** 64 for i in rng], 8),
                        pa.uint64()),
        "f32": pa.array(nullify([i / 3.0 - 50 for i in rng], 10), pa.float32()),
        "f64": pa.array(nullify([math.sin(i) * 1e10 if i % 50 else float("nan") for i in rng], 11),
                        pa.float64()),
        "dec9": pa.array(nullify([decimal.Decimal(i * 1234567 - 10 ** 8).scaleb(-2) for i in rng],
                                 12), pa.decimal128(9, 2)),
        "dec18": pa.array(nullify([decimal.Decimal((i * 251) ** 3 - 10 ** 12).scaleb(-6)
                                   for i in rng], 12), pa.decimal128(18, 6)),
        "dec38": pa.array(nullify([decimal.Decimal((i * 7_000_001) ** 4 * (-1) ** i).scaleb(-10)
                                   for i in rng], 12), pa.decimal128(38, 10)),
        "s": pa.array(nullify(["str-%d-%s" % (i, "ü" * (i % 4)) if i % 13 else "" for i in rng], 3),
                      pa.string()),
        "lowcard": pa.array(nullify(["v%d" % (i % 5) for i in rng], 17), pa.string()),
        "bin": pa.array(nullify([bytes([i % 256, (i * 7) % 256]) * (i % 3) for i in rng], 5),
                        pa.binary()),
        "fixed": pa.array(nullify([bytes([i % 256] * 4) for i in rng], 6), pa.binary(4)),
        "dt": pa.array(nullify([datetime.date(1900, 1, 1) + datetime.timedelta(days=i * 97)
                                for i in rng], 7), pa.date32()),
        "ts_us": pa.array(nullify([datetime.datetime(1960, 1, 1, tzinfo=utc)
                                   + datetime.timedelta(seconds=i * 86399, microseconds=i)
                                   for i in rng], 7), pa.timestamp("us", tz="UTC")),
        "ts_ms": pa.array(nullify([i * 1_000_003 - 10 ** 8 for i in rng], 7),
                          pa.timestamp("ms", tz="UTC")),
        "ts_ns": pa.array(nullify([i * 1_000_000_007_000 - 10 ** 15 for i in rng], 7),
                          pa.timestamp("ns", tz="UTC")),
        "ntz": pa.array(nullify([datetime.datetime(2020, 2, 29) + datetime.timedelta(minutes=i)
                                 for i in rng], 7), pa.timestamp("us")),
        "lst": pa.array(nullify([list(range(i % 4)) + ([None] if i % 5 == 0 else [])
                                 for i in rng], 6), pa.list_(pa.int32())),
        "lst_str": pa.array(nullify([["a" * k for k in range(i % 3)] for i in rng], 5),
                            pa.list_(pa.string())),
        "structs": pa.array(nullify([{"x": i, "y": None if i % 4 == 0 else "y%d" % i}
                                     for i in rng], 8),
                            pa.struct([("x", pa.int64()), ("y", pa.string())])),
        "lst_struct": pa.array(nullify([[{"k": j, "v": float(j) / 2} for j in range(i % 3)]
                                        for i in rng], 9),
                               pa.list_(pa.struct([("k", pa.int32()), ("v", pa.float64())]))),
        "mp": pa.array(nullify([[("k%d" % j, j if j % 2 else None) for j in range(i % 4)]
                                for i in rng], 7), pa.map_(pa.string(), pa.int32())),
        "mp_int": pa.array(nullify([[(j - 1, [str(j)] * j) for j in range(i % 3)] for i in rng],
                                   5), pa.map_(pa.int64(), pa.list_(pa.string()))),
        "nested": pa.array(nullify([[[i, None], []] if i % 2 else [] for i in rng], 4),
                           pa.list_(pa.list_(pa.int64()))),
    }
    return pa.table(cols)


TABLE = make_table()
WANT = jsonform.table_rows(TABLE)


def assert_same(got, want):
    assert len(got) == len(want), "%d rows, expected %d" % (len(got), len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            diff = {k: (g.get(k), w.get(k)) for k in w if g.get(k) != w.get(k)}
            raise AssertionError("row %d differs (got, want): %r" % (i, diff))


@pytest.mark.parametrize("codec", ["snappy", "gzip", "zstd", "lz4", "brotli", "none"])
@pytest.mark.parametrize("dictionary", [True, False], ids=["dict", "plain"])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"], ids=["v1", "v2"])
def test_pyarrow_codecs_and_pages(bricks, tmp_path, codec, dictionary, page_version):
    out = tmp_path / "t.parquet"
    pq.write_table(TABLE, out, compression=codec, use_dictionary=dictionary,
                   data_page_version=page_version)
    assert_same(bricks.cat(out), WANT)


ENCODINGS = [
    ("DELTA_BINARY_PACKED", ["i32", "i64", "u32", "dt", "ts_us", "ts_ns", "ntz"]),
    ("DELTA_LENGTH_BYTE_ARRAY", ["s", "bin", "lowcard"]),
    ("DELTA_BYTE_ARRAY", ["s", "bin", "lowcard", "fixed"]),
    ("BYTE_STREAM_SPLIT", ["f32", "f64", "i32", "i64", "fixed"]),
]


@pytest.mark.parametrize("encoding,columns", ENCODINGS, ids=[e[0] for e in ENCODINGS])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"], ids=["v1", "v2"])
def test_pyarrow_encodings(bricks, tmp_path, encoding, columns, page_version):
    out = tmp_path / "t.parquet"
    pq.write_table(TABLE, out, use_dictionary=False, data_page_version=page_version,
                   column_encoding={c: encoding for c in columns}, compression="snappy")
    meta = pq.ParquetFile(out).metadata
    names = [meta.row_group(0).column(k).path_in_schema for k in range(meta.num_columns)]
    first = meta.row_group(0).column(names.index(columns[0]))
    assert encoding in first.encodings, first.encodings
    assert_same(bricks.cat(out), WANT)


def test_pyarrow_small_pages_and_row_groups(bricks, tmp_path):
    out = tmp_path / "t.parquet"
    pq.write_table(TABLE, out, row_group_size=37, data_page_size=128, write_batch_size=16,
                   compression="zstd")
    assert pq.ParquetFile(out).metadata.num_row_groups > 5
    assert_same(bricks.cat(out), WANT)
    assert_same(bricks.cat(out, "--limit", "50"), WANT[:50])


def test_pyarrow_page_index_and_statistics(bricks, tmp_path):
    out = tmp_path / "t.parquet"
    pq.write_table(TABLE, out, write_page_index=True, write_statistics=True,
                   data_page_size=512, store_schema=False)
    assert_same(bricks.cat(out), WANT)
    meta = bricks.run("parquet", "meta", out).stdout.decode()
    assert "column index" in meta and "statistics: min" in meta


def test_pyarrow_dictionary_arrays(bricks, tmp_path):
    table = pa.table({"d": pa.array(["x", "y", None, "x"] * 50).dictionary_encode(),
                      "n": pa.array([1, 2, 3, 4] * 50, pa.int16()).dictionary_encode()})
    out = tmp_path / "t.parquet"
    pq.write_table(table, out)
    assert_same(bricks.cat(out), jsonform.table_rows(table))


def test_pyarrow_large_and_view_types(bricks, tmp_path):
    table = pa.table({"ls": pa.array(["a", None, "ccc"], pa.large_string()),
                      "lb": pa.array([b"\x00", b"", None], pa.large_binary()),
                      "ll": pa.array([[1], None, []], pa.large_list(pa.int8()))})
    out = tmp_path / "t.parquet"
    pq.write_table(table, out)
    assert_same(bricks.cat(out), jsonform.table_rows(table))


def test_pyarrow_one_million_rows(bricks, tmp_path):
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    n = 1_000_000
    ids = pa.array(range(n), pa.int64())
    table = pa.table({
        "id": ids,
        "x": pc.multiply(ids.cast(pa.float64()), 0.5),
        "s": pc.cast(pc.bit_wise_and(ids, 4095), pa.string()),
    })
    out = tmp_path / "big.parquet"
    pq.write_table(table, out, row_group_size=200_000)
    csv_out = tmp_path / "big.csv"
    csv_out.write_bytes(bricks.run("parquet", "cat", out, "--format", "csv").stdout)
    back = pacsv.read_csv(csv_out, convert_options=pacsv.ConvertOptions(
        column_types=table.schema, strings_can_be_null=False))
    assert back.num_rows == n
    for name in table.column_names:
        assert back.column(name).combine_chunks().equals(table.column(name).combine_chunks())


def test_duckdb_written_file(bricks, tmp_path):
    out = tmp_path / "duck.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("""
        COPY (SELECT i::INTEGER AS i, (i * 1000003)::BIGINT AS big, i / 7 AS dbl,
                     CASE WHEN i % 5 = 0 THEN NULL ELSE 'row ' || i END AS s,
                     (i * 1.25)::DECIMAL(12,2) AS dec, DATE '2000-01-01' + i AS d,
                     TIMESTAMP '2000-01-01 00:00:00' + INTERVAL (i) SECOND AS ts,
                     TIMESTAMPTZ '2000-01-01 00:00:00+00' + INTERVAL (i) MINUTE AS tstz,
                     [i, i + 1] AS l, {'a': i, 'b': 'x' || i} AS st,
                     MAP {'k' || i: i} AS m, i % 2 = 0 AS flag,
                     '\\x01\\x02'::BLOB AS blob
              FROM (SELECT range::INTEGER AS i FROM range(1000)))
        TO 'OUT_PATH' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 300)"""
                .replace("OUT_PATH", str(out)))
    want = jsonform.table_rows(con.sql(jsonform.read_parquet_sql(out))
                               .to_arrow_table())
    assert_same(bricks.cat(out), want)
