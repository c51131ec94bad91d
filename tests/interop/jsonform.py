"""jsonform.py — Arrow data in the text form `bricks parquet cat --format jsonl` prints.

The interop tests compare what pyarrow and DuckDB read with what Bricks reads (and
with the rows the tests wrote), so every reader's output is brought to one form:
the JSON values of src/cli/value_out.c, as Python values after json.loads:

    integers            int (UINT64 as a string: Bricks reads it as DECIMAL(20,0))
    FLOAT, DOUBLE       float, the float32 ones at float32 precision; NaN and the
                        infinities as "NaN", "Infinity", "-Infinity"
    DECIMAL             str with exactly `scale` fraction digits
    STRING              str;   BINARY: base64 str
    DATE                "YYYY-MM-DD";   TIME: "HH:MM:SS[.ffffff]"
    TIMESTAMP           "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, trailing zeros trimmed,
                        sub-microsecond digits floored
    LIST / STRUCT       list / dict;   MAP: dict keyed by the key's text

Conversion works on Arrow arrays (not on to_pylist values), so nanosecond
timestamps and dates outside Python's datetime range convert too.
"""

import base64
import datetime
import decimal
import math

import numpy as np
import pyarrow as pa

_EPOCH = datetime.date(1970, 1, 1)
_MICROS_PER_DAY = 86_400_000_000
_UNIT_TO_MICROS = {"s": (1_000_000, 1), "ms": (1000, 1), "us": (1, 1), "ns": (1, 1000)}


def format_date(days):
    y, m, d = civil_from_days(days)
    if 0 <= y <= 9999:
        return "%04d-%02d-%02d" % (y, m, d)
    if y < 0:
        return "-%04d-%02d-%02d" % (-y, m, d)
    return "+%d-%02d-%02d" % (y, m, d)


def civil_from_days(days):
    """(year, month, day) of a day number (1970-01-01 = 0), proleptic Gregorian."""
    days += 719468
    era = (days if days >= 0 else days - 146096) // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def _fraction(micros):
    return ("." + ("%06d" % micros).rstrip("0")) if micros else ""


def format_time(micros_of_day):
    secs, frac = divmod(micros_of_day % _MICROS_PER_DAY, 1_000_000)
    return "%02d:%02d:%02d%s" % (secs // 3600, secs // 60 % 60, secs % 60, _fraction(frac))


def format_timestamp(micros):
    days, rem = divmod(micros, _MICROS_PER_DAY)
    return "%s %s" % (format_date(days), format_time(rem))


def format_float(x, single):
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if single:
        return float(str(np.float32(x)))
    return x


def format_decimal(v, scale):
    if v == 0:
        v = abs(v)  # no "-0.00"
    return format(v, ".%df" % scale)


def key_text(v):
    """The text a map key becomes in a JSON object (cli_text_value)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return json_float_text(v)
    return str(v)


def json_float_text(x):
    if isinstance(x, str):
        return x
    r = repr(x)
    return r[:-2] if r.endswith(".0") else r


def to_micros(values, unit):
    mul, div = _UNIT_TO_MICROS[unit]
    return [None if v is None else (v * mul) // div for v in values]


def column(arr):
    """Values of an Arrow Array or ChunkedArray in the cat JSON form."""
    if isinstance(arr, pa.ChunkedArray):
        out = []
        for chunk in arr.chunks:
            out.extend(column(chunk))
        return out
    t = arr.type
    valid = arr.is_valid().to_pylist() if arr.null_count else [True] * len(arr)

    if pa.types.is_dictionary(t):
        return column(arr.dictionary_decode())
    if isinstance(t, pa.ExtensionType):
        return column(arr.storage)
    if pa.types.is_timestamp(t):
        ints = arr.cast(pa.int64()).to_pylist()
        return [None if v is None else format_timestamp(v) for v in to_micros(ints, t.unit)]
    if pa.types.is_time(t):
        ints = arr.cast(pa.int64() if t.bit_width == 64 else pa.int32()).to_pylist()
        return [None if v is None else format_time(v) for v in to_micros(ints, t.unit)]
    if pa.types.is_date32(t):
        return [None if v is None else format_date(v) for v in arr.cast(pa.int32()).to_pylist()]
    if pa.types.is_date64(t):
        ms = arr.cast(pa.int64()).to_pylist()
        return [None if v is None else format_date(v // 86_400_000) for v in ms]
    if pa.types.is_decimal(t):
        return [None if v is None else format_decimal(v, t.scale) for v in arr.to_pylist()]
    if pa.types.is_floating(t):
        single = t.bit_width <= 32
        return [format_float(v, single) for v in arr.to_pylist()]
    if pa.types.is_uint64(t):
        return [None if v is None else str(v) for v in arr.to_pylist()]
    if pa.types.is_boolean(t) or pa.types.is_integer(t):
        return arr.to_pylist()
    if pa.types.is_string(t) or pa.types.is_large_string(t) or (
            hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t)):
        return arr.to_pylist()
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) \
            or (hasattr(pa.types, "is_binary_view") and pa.types.is_binary_view(t)):
        return [None if v is None else base64.b64encode(v).decode() for v in arr.to_pylist()]
    if pa.types.is_null(t):
        return [None] * len(arr)
    if pa.types.is_map(t):
        offsets = arr.offsets.to_pylist()
        base = offsets[0]
        # .values ignores a slice of the map array: slice the entries explicitly.
        entries = arr.values.slice(base, offsets[-1] - base).flatten()
        keys, items = column(entries[0]), column(entries[1])
        out = []
        for i in range(len(arr)):
            if not valid[i]:
                out.append(None)
                continue
            lo, hi = offsets[i] - base, offsets[i + 1] - base
            out.append({key_text(k): v for k, v in zip(keys[lo:hi], items[lo:hi])})
        return out
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        offsets = arr.offsets.to_pylist()
        base = offsets[0]
        values = column(arr.values.slice(base, offsets[-1] - base))
        return [values[offsets[i] - base:offsets[i + 1] - base] if valid[i] else None
                for i in range(len(arr))]
    if pa.types.is_fixed_size_list(t):
        n = t.list_size
        values = column(arr.flatten())
        out, at = [], 0
        for i in range(len(arr)):
            if valid[i]:
                out.append(values[at:at + n])
                at += n
            else:
                out.append(None)
        return out
    if pa.types.is_struct(t):
        fields = [(t.field(k).name, column(f)) for k, f in enumerate(arr.flatten())]
        return [{name: vals[i] for name, vals in fields} if valid[i] else None
                for i in range(len(arr))]
    raise TypeError("jsonform: no conversion for %s" % t)


def table_rows(table):
    """The rows of a pyarrow Table as dicts in the cat JSON form."""
    cols = [(name, column(table.column(name))) for name in table.column_names]
    return [{name: vals[i] for name, vals in cols} for i in range(table.num_rows)]


def as_decimal(text):
    return decimal.Decimal(text)


def read_parquet_sql(path):
    """DuckDB's SELECT * over one Parquet file (the path quoted as a SQL literal)."""
    return "SELECT * FROM read_parquet('%s')" % str(path).replace("'", "''")
