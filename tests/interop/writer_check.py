"""writer_check.py — check Parquet files written by the C writer with pyarrow and DuckDB.

Used by hand (and by whoever wires it into tests/interop) against the files a small
C driver writes with pq_writer_*.  The data follows fixed formulas (see the
expected_* functions), so every value, statistic and page-index entry can be
recomputed here and compared:

    python writer_check.py types FILE      all primitive types, nulls, NaN, -0.0, unicode
    python writer_check.py nested FILE     lists / structs / maps, nested, with nulls and empties
    python writer_check.py big FILE N D    N rows of (id BIGINT, x DOUBLE, s STRING, k INT),
                                           D=1 distinct values, D=0 repetitive ones
    python writer_check.py empty FILE      0 rows
    python writer_check.py fuzz BRICKS SEED N [write options]
                                           N random deeply nested rows (structs in lists in
                                           structs, lists of lists, maps of lists, NULLs and
                                           empties at every level) as JSON lines, written
                                           with `BRICKS parquet write --from-jsonl`; needs
                                           no C driver

Each check reads the file with pyarrow (values, schema, footer statistics, page
checksums verified) and DuckDB (values, filter pushdown at the statistics bounds),
and decodes the OffsetIndex/ColumnIndex with its own Thrift compact-protocol
decoder, independent of the Bricks reader.  Prints "ok" or raises.
"""
import datetime as dt
import decimal
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile

import duckdb
import pyarrow.parquet as pq

UTC = dt.timezone.utc
decimal.getcontext().prec = 100
EPOCH = dt.datetime(1970, 1, 1)

# ---------------------------------------------------------------- thrift compact


def _varint(b, pos):
    shift = result = 0
    while True:
        x = b[pos]
        pos += 1
        result |= (x & 0x7F) << shift
        if not x & 0x80:
            return result, pos
        shift += 7


def _zigzag(n):
    return (n >> 1) ^ -(n & 1)


def _value(b, pos, t):
    if t in (1, 2):
        return t == 1, pos
    if t == 3:
        return struct.unpack_from("b", b, pos)[0], pos + 1
    if t in (4, 5, 6):
        v, pos = _varint(b, pos)
        return _zigzag(v), pos
    if t == 7:
        return struct.unpack_from("<d", b, pos)[0], pos + 8
    if t == 8:
        n, pos = _varint(b, pos)
        return bytes(b[pos:pos + n]), pos + n
    if t in (9, 10):
        h = b[pos]
        pos += 1
        n, et = h >> 4, h & 15
        if n == 15:
            n, pos = _varint(b, pos)
        out = []
        for _ in range(n):
            if et in (1, 2):
                out.append(b[pos] == 1)
                pos += 1
            else:
                v, pos = _value(b, pos, et)
                out.append(v)
        return out, pos
    if t == 12:
        return _struct(b, pos)
    raise ValueError("thrift type %d" % t)


def _struct(b, pos):
    """Decode a compact-protocol struct into {field id: value}."""
    out = {}
    last = 0
    while True:
        h = b[pos]
        pos += 1
        if h == 0:
            return out, pos
        t, d = h & 15, h >> 4
        if d:
            fid = last + d
        else:
            v, pos = _varint(b, pos)
            fid = _zigzag(v)
        last = fid
        out[fid], pos = _value(b, pos, t)


# ---------------------------------------------------------------- expected data


def _f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def expected_types(n):
    """Rows of the `types` driver mode, as pyarrow's to_pylist gives them."""
    rows = []
    for i in range(n):
        r = {}
        r["b"] = None if i % 7 == 0 else i % 3 == 0
        r["t"] = None if i % 11 == 0 else i % 256 - 128
        r["s"] = i * 37 % 65536 - 32768
        v = (i * 1000003) & 0xFFFFFFFF
        r["i"] = None if i % 5 == 1 else (v - (1 << 32) if v >= 1 << 31 else v)
        r["l"] = i * 0x123456789 - 5000000000000
        f = _f32(i * 0.5 - 100)
        if i % 13 == 0:
            f = math.nan
        if i == 1:
            f = -0.0
        r["f"] = f
        r["d"] = None if i % 4 == 2 else i / 7.0
        r["d5"] = decimal.Decimal(i * 37 % 20000 - 10000).scaleb(-2)
        d18 = (i * 123456789012345) % 10**18 * (-1 if i % 2 else 1)
        r["d18"] = decimal.Decimal(d18).scaleb(-4)
        d38 = (i - 500) * 10**18 * 10**11 + i
        r["d38"] = None if i % 17 == 3 else decimal.Decimal(d38).scaleb(-10)
        r["d20"] = decimal.Decimal((i - 500) * 10**16 * 9 + 7)
        if i % 9 == 0:
            s = None
        elif i % 10 == 0:
            s = ""
        elif i == 501:
            s = "0" * 99 + "7"
        else:
            s = "h\u00e9llo \u2713 %d" % (i % 300)
        r["str"] = s
        r["bin"] = bytes([i & 255, 0, 0xFF, (i >> 8) & 255])[: i % 5]
        r["dt"] = dt.date(1970, 1, 1) + dt.timedelta(days=i * 30 - 15000)
        us = i * 86400123456 - 10**15
        ts = EPOCH + dt.timedelta(microseconds=us)
        r["ts"] = ts.replace(tzinfo=UTC)
        r["ntz"] = None if i % 6 == 5 else ts
        rows.append(r)
    return rows


def expected_nested(n):
    rows = []
    for i in range(n):
        r = {}
        if i % 5 == 0:
            r["a"] = None
        elif i % 5 == 1:
            r["a"] = []
        else:
            r["a"] = [None if e == 1 else i * 10 + e for e in range(i % 4 + 1)]
        if i % 3 == 0:
            r["s"] = None
        else:
            lst = []
            for j in range(i % 3):
                if (i + j) % 4 == 3:
                    lst.append(None)
                    continue
                x = None if j == 1 else i + j
                y = None if j == 2 else ["s%d_%d_%d" % (i, j, q) for q in range(j)]
                lst.append({"x": x, "y": y})
            r["s"] = lst
        if i % 6 == 0:
            r["m"] = None
        else:
            r["m"] = [("k%d" % j, None if j == 1 else i * j) for j in range(i % 3)]
        if i % 7 == 0:
            r["n"] = None
        elif i % 7 == 1:
            r["n"] = {"p": None, "r": "r%d" % i}
        elif i % 7 == 2:
            r["n"] = {"p": {"q": None}, "r": "r%d" % i}
        else:
            r["n"] = {"p": {"q": [i, i]}, "r": "r%d" % i}
        mm = []
        for j in range(i % 4):
            if j == 0:
                mm.append((j, None))
            else:
                mm.append((j, [None if (j == 2 and e == 1) else {"z": i + j / 10}
                               for e in range(j)]))
        r["mm"] = mm
        rows.append(r)
    return rows


# ---------------------------------------------------------------- comparisons


def norm(v):
    """Make values comparable: NaN equal to NaN, aware datetimes as naive UTC, maps as lists."""
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, float) and v == 0:
        return ("zero", math.copysign(1, v))
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.astimezone(UTC).replace(tzinfo=None)
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, bytearray):
        return bytes(v)
    return v


def compare_rows(got, want, what):
    if len(got) != len(want):
        raise AssertionError("%s: %d rows, expected %d" % (what, len(got), len(want)))
    for k, (g, w) in enumerate(zip(got, want)):
        if norm(g) != norm(w):
            for col in w:
                if norm(g.get(col)) != norm(w[col]):
                    raise AssertionError("%s: row %d column %s: got %r, expected %r"
                                         % (what, k, col, g.get(col), w[col]))
            raise AssertionError("%s: row %d differs: %r vs %r" % (what, k, g, w))


def duck_rows(path):
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    # TIMESTAMP WITH TIME ZONE would need pytz in Python: read it as naive UTC instead
    desc = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    sel = ", ".join('"%s" AT TIME ZONE \'UTC\' AS "%s"' % (c[0], c[0])
                    if c[1] == "TIMESTAMP WITH TIME ZONE" else '"%s"' % c[0] for c in desc)
    cur = con.execute("SELECT %s FROM read_parquet(?)" % (sel or "*"), [path])
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        r = dict(zip(names, row))
        out.append(r)
    return out


def duck_map(v):
    """A DuckDB MAP value ({k: v}, or {"key": [...], "value": [...]}) as [(k, v)] pairs."""
    if v is None:
        return None
    if set(v.keys()) == {"key", "value"} and isinstance(v["key"], list):
        return list(zip(v["key"], v["value"]))
    return list(v.items())


# ---------------------------------------------------------------- page index


def decode_stat(col, raw):
    phys = col.physical_type
    if phys == "BOOLEAN":
        return bool(raw[0])
    if phys == "INT32":
        return struct.unpack("<i", raw)[0]
    if phys == "INT64":
        return struct.unpack("<q", raw)[0]
    if phys == "FLOAT":
        return struct.unpack("<f", raw)[0]
    if phys == "DOUBLE":
        return struct.unpack("<d", raw)[0]
    if phys == "FIXED_LEN_BYTE_ARRAY":
        return int.from_bytes(raw, "big", signed=True)
    return bytes(raw)


def read_page_index(path, md):
    """({(rg, col): (OffsetIndex, ColumnIndex, page headers, ColumnChunk)}, FileMetaData).

    Everything is decoded here from the raw bytes (pyarrow does not expose the page
    index offsets), as {thrift field id: value} dicts; OffsetIndex/ColumnIndex are
    None when the chunk has none.
    """
    data = open(path, "rb").read()
    out = {}
    flen = struct.unpack_from("<I", data, len(data) - 8)[0]
    fm, _ = _struct(data, len(data) - 8 - flen)
    for g, rgd in enumerate(fm[4]):
        for c, ccd in enumerate(rgd[1]):
            oi = ci = None
            if 4 in ccd:
                oi, _ = _struct(data, ccd[4])
                assert _ - ccd[4] == ccd[5], "OffsetIndex length"
            if 6 in ccd:
                ci, _ = _struct(data, ccd[6])
                assert _ - ccd[6] == ccd[7], "ColumnIndex length"
            headers = []
            if oi:
                for loc in oi[1]:
                    h, hend = _struct(data, loc[1])
                    assert hend - loc[1] + h[3] == loc[2], "page size in OffsetIndex"
                    headers.append(h)
            out[(g, c)] = (oi, ci, headers, ccd)
    return out, fm


def check_page_index_flat(path, rows, cols, pyval_to_stat):
    """For flat columns, every page's bounds and null counts match the rows it covers."""
    md = pq.ParquetFile(path).metadata
    idx, fm = read_page_index(path, md)
    first = 0
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        nrows = rg.num_rows
        for c, name in enumerate(cols):
            oi, ci, headers, ccd = idx[(g, c)]
            col = rg.column(c)
            if oi is None:
                continue
            locs = oi[1]
            assert locs[0][1] == col.data_page_offset, "first page at data_page_offset"
            for k in range(1, len(locs)):
                assert locs[k][1] == locs[k - 1][1] + locs[k - 1][2], "pages contiguous"
                assert locs[k][3] > locs[k - 1][3], "first_row_index increasing"
            assert locs[0][3] == 0
            if ci is None:
                continue
            null_pages, mins, maxs, border, nulls = ci[1], ci[2], ci[3], ci[4], ci[5]
            bounds = []
            for k, loc in enumerate(locs):
                r0 = loc[3]
                r1 = locs[k + 1][3] if k + 1 < len(locs) else nrows
                vals = [rows[first + r][name] for r in range(r0, r1)]
                nn = [v for v in vals if v is not None]
                assert nulls[k] == len(vals) - len(nn), (name, g, k, "null count")
                assert null_pages[k] == (len(nn) == 0), (name, k, "null page")
                if not nn:
                    continue
                lo, hi = decode_stat(col, mins[k]), decode_stat(col, maxs[k])
                for v in nn:
                    sv = pyval_to_stat(name, v)
                    if sv is None:
                        continue
                    assert lo <= sv <= hi, (name, g, k, lo, sv, hi)
                svs = [pyval_to_stat(name, v) for v in nn]
                svs = [s for s in svs if s is not None]
                if svs and not isinstance(lo, bytes):
                    assert lo == min(svs) and hi == max(svs), (name, k, lo, hi, min(svs), max(svs))
                if isinstance(lo, bytes):
                    assert lo == min(svs)[: len(lo)], (name, k, "min is a prefix")
                bounds.append((lo, hi))
            asc = all(bounds[k][0] <= bounds[k + 1][0] and bounds[k][1] <= bounds[k + 1][1]
                      for k in range(len(bounds) - 1))
            desc = all(bounds[k][0] >= bounds[k + 1][0] and bounds[k][1] >= bounds[k + 1][1]
                       for k in range(len(bounds) - 1))
            want = 1 if asc else 2 if desc else 0
            assert border == want, (name, g, "boundary order", border, want)
        first += nrows


def stat_of(name, v):
    """Python value -> the value statistics compare (ints, floats, bytes)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, decimal.Decimal):
        return int(v.scaleb(-v.as_tuple().exponent))  # the unscaled integer
    if isinstance(v, str):
        return v.encode()
    if isinstance(v, bytes):
        return v
    if isinstance(v, dt.datetime):
        if v.tzinfo:
            v = v.astimezone(UTC).replace(tzinfo=None)
        return (v - EPOCH) // dt.timedelta(microseconds=1)
    if isinstance(v, dt.date):
        return (v - dt.date(1970, 1, 1)).days
    return v


def check_chunk_stats(path, rows, cols):
    md = pq.ParquetFile(path).metadata
    first = 0
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        for c, name in enumerate(cols):
            col = rg.column(c)
            st = col.statistics
            if not col.is_stats_set:
                continue
            vals = [rows[first + r][name] for r in range(rg.num_rows)]
            nn = [v for v in vals if v is not None]
            assert st.null_count == len(vals) - len(nn), (name, "null_count")
            svs = [stat_of(name, v) for v in nn]
            svs = [s for s in svs if s is not None]
            assert st.has_min_max == bool(svs), (name, "has_min_max")
            if svs:
                lo, hi = stat_of(name, st.min), stat_of(name, st.max)
                assert lo == min(svs) and hi == max(svs), (name, g, lo, hi, min(svs), max(svs))
                if isinstance(lo, float) and lo == 0:
                    assert math.copysign(1, lo) < 0, (name, "zero min must be -0.0")
                if isinstance(hi, float) and hi == 0:
                    assert math.copysign(1, hi) > 0, (name, "zero max must be +0.0")
        first += rg.num_rows


def check_page_headers(path):
    """Page num_values add up to the chunk's; v2 num_rows match the OffsetIndex rows."""
    md = pq.ParquetFile(path).metadata
    idx, fm = read_page_index(path, md)
    for (g, c), (oi, ci, headers, ccd) in idx.items():
        if oi is None:
            continue
        meta = ccd[3]
        total = sum((h.get(5) or h.get(8))[1] for h in headers)
        assert total == meta[5], ("num_values", g, c, total, meta[5])
        nrows = md.row_group(g).num_rows
        locs = oi[1]
        for k, h in enumerate(headers):
            if 8 in h:
                end = locs[k + 1][3] if k + 1 < len(locs) else nrows
                assert h[8][3] == end - locs[k][3], ("v2 num_rows", g, c, k)


def read_verified(path):
    return pq.ParquetFile(path, page_checksum_verification=True).read()


# ---------------------------------------------------------------- modes


def check_types(path):
    pf = pq.ParquetFile(path)
    n = pf.metadata.num_rows
    want = expected_types(n)
    got = read_verified(path).to_pylist()
    compare_rows(got, want, "pyarrow")
    cols = list(want[0].keys()) if want else []
    check_chunk_stats(path, want, cols)
    check_page_index_flat(path, want, cols, stat_of)
    check_page_headers(path)
    d = duck_rows(path)
    compare_rows(d, want, "duckdb")
    # pruning: every boundary value is found by an equality filter
    con = duckdb.connect()
    for name in ("l", "i", "d18", "dt"):
        for agg in ("min", "max"):
            q = "SELECT count(*) FROM read_parquet('%s') WHERE %s = (SELECT %s(%s) FROM " \
                "read_parquet('%s'))" % (path, name, agg, name, path)
            assert con.execute(q).fetchone()[0] >= 1, (name, agg)
    q = "SELECT count(*) FROM read_parquet('%s') WHERE str = '%s'" % (path, "0" * 99 + "7")
    assert con.execute(q).fetchone()[0] == (1 if n > 501 else 0)
    print("ok types: %d rows, %d row groups" % (n, pf.metadata.num_row_groups))


def check_nested(path):
    pf = pq.ParquetFile(path)
    n = pf.metadata.num_rows
    want = expected_nested(n)
    got = read_verified(path).to_pylist()
    compare_rows(got, want, "pyarrow")
    d = [{k: duck_map(v) if k in ("m", "mm") else v for k, v in r.items()}
         for r in duck_rows(path)]
    compare_rows(d, want, "duckdb")
    check_page_headers(path)
    print("ok nested: %d rows" % n)


def check_big(path, n, distinct):
    pf = pq.ParquetFile(path)
    md = pf.metadata
    assert md.num_rows == n, (md.num_rows, n)
    t = read_verified(path)
    ids = t.column("id").to_pylist()
    assert ids == list(range(n))
    xs = t.column("x").to_pylist()
    ss = t.column("s").to_pylist()
    ks = t.column("k").to_pylist()
    for i in range(0, n, max(1, n // 1000)):
        assert xs[i] == (i * 1.5 if distinct else (i % 1000) * 0.25), i
        assert ss[i] == "str-%d" % (i if distinct else i % 5000), i
        assert ks[i] == i % 100
    con = duckdb.connect()
    s = con.execute("SELECT count(*), sum(id), sum(k), count(DISTINCT s) FROM read_parquet(?)",
                    [path]).fetchone()
    assert s == (n, n * (n - 1) // 2, sum(i % 100 for i in range(n)),
                 n if distinct else min(n, 5000)), s
    check_chunk_stats_cols(path, n, distinct)
    pages = 0
    idx, _ = read_page_index(path, md)
    for (g, c), (oi, ci, headers, ccd) in idx.items():
        pages += len(oi[1]) if oi else 0
    print("ok big: %d rows, %d row groups, %d pages" % (n, md.num_row_groups, pages))


def check_chunk_stats_cols(path, n, distinct):
    md = pq.ParquetFile(path).metadata
    first = 0
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        r0, r1 = first, first + rg.num_rows
        st = rg.column(0).statistics
        assert (st.min, st.max, st.null_count) == (r0, r1 - 1, 0), (g, st.min, st.max)
        st = rg.column(3).statistics
        assert st.min == (0 if rg.num_rows >= 100 else r0 % 100)
        first = r1


def check_empty(path):
    t = read_verified(path)
    assert t.num_rows == 0
    assert t.column_names == ["a", "b", "c"]
    con = duckdb.connect()
    assert con.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchone()[0] == 0
    print("ok empty")


FUZZ_SCHEMA = ("a STRUCT<l: ARRAY<STRUCT<x: INT, b: ARRAY<ARRAY<INT>>, "
               "c: MAP<STRING, ARRAY<BIGINT>>>>, z: STRING>, "
               "lm ARRAY<MAP<INT, STRING>>, ll ARRAY<ARRAY<ARRAY<STRING>>>, "
               "s STRUCT<p: STRUCT<q: STRUCT<r: DOUBLE>>>, k BIGINT NOT NULL")


def fuzz_row(rnd, i):
    """One random row of FUZZ_SCHEMA, as JSON (maps as objects with string keys)."""
    def maybe(p, f):
        return None if rnd.random() < p else f()

    def lst(f, maxlen=4):
        return [f() for _ in range(rnd.randint(0, maxlen))]

    def elem():
        return {
            "x": maybe(0.3, lambda: rnd.randint(-5, 5)),
            "b": maybe(0.2, lambda: lst(lambda: maybe(0.2, lambda: lst(
                lambda: maybe(0.2, lambda: rnd.randint(0, 9)))))),
            "c": maybe(0.2, lambda: {"k%d" % j: maybe(0.3, lambda: lst(
                lambda: maybe(0.1, lambda: rnd.randint(-10**12, 10**12))))
                for j in range(rnd.randint(0, 3))}),
        }
    return {
        "a": maybe(0.2, lambda: {
            "l": maybe(0.2, lambda: lst(lambda: maybe(0.2, elem))),
            "z": maybe(0.3, lambda: rnd.choice(["", "\u00e9", "zz", "\u65e5\u672c"])),
        }),
        "lm": maybe(0.2, lambda: lst(lambda: maybe(0.2, lambda: {
            str(j): maybe(0.3, lambda: "v%d" % rnd.randint(0, 3))
            for j in range(rnd.randint(0, 3))}))),
        "ll": maybe(0.2, lambda: lst(lambda: maybe(0.2, lambda: lst(lambda: maybe(
            0.2, lambda: lst(lambda: maybe(0.2, lambda: "s%d" % rnd.randint(0, 50)))))))),
        "s": maybe(0.2, lambda: {"p": maybe(0.3, lambda: {"q": maybe(0.3, lambda: {
            "r": maybe(0.3, lambda: rnd.random())})})}),
        "k": i,
    }


def _as_dict(m):
    """A MAP value from pyarrow ([(k, v)]) or DuckDB ({k: v}) as a JSON-like object."""
    if m is None:
        return None
    items = m.items() if isinstance(m, dict) else m
    return {str(k): v for k, v in items}


def _json_like(r):
    a = r["a"]
    if a and a["l"] is not None:
        for e in a["l"]:
            if e and e["c"] is not None:
                e["c"] = _as_dict(e["c"])
    if r["lm"] is not None:
        r["lm"] = [_as_dict(m) for m in r["lm"]]
    return r


def check_fuzz(bricks, seed, n, options):
    rnd = random.Random(seed)
    rows = [fuzz_row(rnd, i) for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        src, path = os.path.join(tmp, "in.jsonl"), os.path.join(tmp, "out.parquet")
        with open(src, "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
        subprocess.run([bricks, "parquet", "write", "--from-jsonl", src, "--schema", FUZZ_SCHEMA,
                        path] + options, check=True)
        got = [_json_like(r) for r in read_verified(path).to_pylist()]
        compare_rows(got, rows, "pyarrow")
        check_page_headers(path)
        con = duckdb.connect()
        cur = con.execute("SELECT * FROM read_parquet(?) ORDER BY k", [path])
        names = [d[0] for d in cur.description]
        compare_rows([_json_like(dict(zip(names, r))) for r in cur.fetchall()], rows, "duckdb")
    print("ok fuzz seed %d: %d rows %s" % (seed, n, " ".join(options)))


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "types":
        check_types(path)
    elif mode == "nested":
        check_nested(path)
    elif mode == "big":
        check_big(path, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "empty":
        check_empty(path)
    elif mode == "fuzz":
        check_fuzz(path, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
    else:
        raise SystemExit("unknown mode " + mode)
