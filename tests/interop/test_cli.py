"""The `bricks` command line: help, version, exit codes and error messages.

Exit status 0 on success, 1 on a runtime error (a bad file or value), 2 on a usage
error; messages go to stderr as "bricks: …".  A failed write leaves no file.
"""

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_help_and_version(bricks):
    p = bricks.run("--help")
    assert b"Usage: bricks" in p.stdout and b"parquet" in p.stdout
    version = open(os.path.join(ROOT, "VERSION")).read().strip()
    assert bricks.run("--version").stdout.decode().strip() == "bricks " + version
    for args in (["parquet", "--help"], ["parquet", "cat", "--help"],
                 ["parquet", "write", "--help"], ["parquet", "scan", "--help"]):
        p = bricks.run(*args)
        assert p.stdout.startswith(b"Usage: bricks parquet"), args


# (`bricks serve` alone is no usage error since the server landed: it serves ./bricks-data.)
@pytest.mark.parametrize("args", [[], ["frobnicate"], ["--frobnicate"],
                                  ["parquet"], ["parquet", "frobnicate"],
                                  ["parquet", "cat"], ["parquet", "cat", "x", "--bogus"],
                                  ["parquet", "cat", "x", "--limit", "many"],
                                  ["parquet", "cat", "x", "--format", "xml"],
                                  ["parquet", "cat", "x", "--limit"],
                                  ["parquet", "write", "--from-csv", "x.csv", "out.parquet"],
                                  ["parquet", "write", "--schema", "a INT", "out.parquet"],
                                  ["parquet", "write", "--from-csv", "x", "--schema", "a WHAT",
                                   "out.parquet"],
                                  ["parquet", "write", "--from-csv", "x", "--schema",
                                   "a ARRAY<INT>", "out.parquet"],
                                  ["parquet", "write", "--from-csv", "x", "--schema", "a INT",
                                   "--codec", "lzo", "out.parquet"]])
def test_usage_errors_exit_2(bricks, args):
    p = bricks.run(*args, check=False)
    assert p.returncode == 2, (args, p.returncode, p.stderr)
    assert p.stderr.startswith(b"bricks: ") or p.stderr.startswith(b"Usage: bricks"), p.stderr


def test_unknown_command_message(bricks):
    p = bricks.run("frobnicate", check=False)
    assert b'unknown command "frobnicate"' in p.stderr


@pytest.mark.parametrize("cmd", ["schema", "meta", "cat", "scan"])
def test_runtime_errors_exit_1(bricks, tmp_path, cmd):
    missing = tmp_path / "missing.parquet"
    p = bricks.run("parquet", cmd, missing, check=False)
    assert p.returncode == 1 and p.stderr.startswith(b"bricks: ") and b"missing.parquet" in p.stderr
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 this is not parquet at all PAR1")
    p = bricks.run("parquet", cmd, junk, check=False)
    assert p.returncode == 1 and p.stderr.startswith(b"bricks: "), p.stderr


@pytest.mark.parametrize("csv_text,message", [
    ("a,b\n1,x\n2,y\n7,abc\n", b'line 4, column "a"'),
    ("a,b\n1,x\n99999999999,y\n", b'"99999999999" is not a valid INT'),
    ("a,b\n1,x,3\n", b"line 2: expected 2 fields, found 3"),
    ("a,c\n1,x\n", b'column "c" is not in the schema'),
    ('a,b\n1,"unterminated\n', b"quoted field is not closed"),
])
def test_write_errors_name_line_and_column_and_leave_no_file(bricks, tmp_path, csv_text, message):
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    src.write_text(csv_text.replace("7,abc", "abc,x"))
    p = bricks.run("parquet", "write", "--from-csv", src, "--schema", "a INT, b STRING", out,
                   check=False)
    assert p.returncode == 1, p.stderr
    assert message in p.stderr, p.stderr
    assert not out.exists()


def test_write_error_after_many_rows_leaves_no_file(bricks, tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    lines = ["a"] + [str(i) for i in range(100_000)] + ["oops"]
    src.write_text("\n".join(lines) + "\n")
    p = bricks.run("parquet", "write", "--from-csv", src, "--schema", "a BIGINT", out,
                   "--row-group-rows", "1000", check=False)
    assert p.returncode == 1 and b"line 100002" in p.stderr, p.stderr
    assert not out.exists()


def test_write_value_errors(bricks, tmp_path):
    cases = [("DECIMAL(5,2)", "1.234", b"more than 2 digits after the decimal point"),
             ("DECIMAL(5,2)", "1234.5", b"is not a valid DECIMAL(5,2)"),
             ("TINYINT", "128", b"out of range"),
             ("DATE", "2023-02-29", b"is not a valid DATE"),
             ("BOOLEAN", "maybe", b"is not a valid BOOLEAN"),
             ("TIMESTAMP_NTZ", "2024-01-01 00:00:00+01:00", b"no time zone"),
             ("DOUBLE", "1e999", b"is not a valid DOUBLE")]
    for typ, text, message in cases:
        src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
        src.write_text("v\n%s\n" % text)
        p = bricks.run("parquet", "write", "--from-csv", src, "--schema", "v " + typ, out,
                       check=False)
        assert p.returncode == 1 and message in p.stderr, (typ, text, p.stderr)
        assert b'line 2, column "v"' in p.stderr
        assert not out.exists()


def test_jsonl_errors(bricks, tmp_path):
    cases = [('{"a": [1, "x"]}', b'line 1, column "a[]": "x" is not a valid INT'),
             ('{"a": [1]}\n{"b": 1}', b'line 2: unknown column "b"'),
             ('{"a": [1]}\n\n{"a": 5}', b'line 3, column "a": expected an array'),
             ('{"a": [1]', b"line 1: not valid JSON")]
    for text, message in cases:
        src, out = tmp_path / "in.jsonl", tmp_path / "out.parquet"
        src.write_text(text + "\n")
        p = bricks.run("parquet", "write", "--from-jsonl", src, "--schema", "a ARRAY<INT>", out,
                       check=False)
        assert p.returncode == 1 and message in p.stderr, (text, p.stderr)
        assert not out.exists()


def test_write_from_stdin_and_no_header(bricks, tmp_path):
    out = tmp_path / "out.parquet"
    bricks.run("parquet", "write", "--from-csv", "-", "--no-header", "--schema",
               "a INT, b STRING", out, stdin=b"1,x\n2,\n")
    assert pq.read_table(out).to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]


def test_header_columns_in_any_order(bricks, tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.parquet"
    src.write_text("B,a\nx,1\n")
    bricks.run("parquet", "write", "--from-csv", src, "--schema", "a INT, b STRING", out)
    assert pq.read_table(out).to_pylist() == [{"a": 1, "b": "x"}]


def test_cat_csv_and_limit_and_columns(bricks, tmp_path):
    out = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1, 2, None], "s": ["x,y", "", None],
                             "l": [[1], [], None]}), out)
    csv_text = bricks.run("parquet", "cat", out, "--format", "csv").stdout
    assert csv_text == b'a,s,l\r\n1,"x,y",[1]\r\n2,"",[]\r\n,,\r\n'
    rows = bricks.run("parquet", "cat", out, "--limit", "1", "--columns", "s,a").stdout
    assert [json.loads(r) for r in rows.splitlines()] == [{"s": "x,y", "a": 1}]
    assert bricks.run("parquet", "cat", out, "--limit", "0").stdout == b""


def test_cat_json_edge_values(bricks, tmp_path):
    out = tmp_path / "t.parquet"
    pq.write_table(pa.table({"big": pa.array([2 ** 63 - 1, -2 ** 63], pa.int64()),
                             "f": pa.array([float("nan"), float("-inf")]),
                             "s": pa.array(["\x00\u2028\"\\\t", "é"])}), out)
    rows = bricks.run("parquet", "cat", out).stdout.splitlines()
    assert rows[0] == b'{"big":9223372036854775807,"f":"NaN","s":"\\u0000\xe2\x80\xa8\\"\\\\\\t"}'
    assert json.loads(rows[1]) == {"big": -2 ** 63, "f": "-Infinity", "s": "é"}


def test_cat_invalid_utf8_is_replaced(bricks, tmp_path):
    # A STRING column holding bytes that are not UTF-8: pyarrow refuses to build one,
    # but a CSV field is taken as it is.
    src, out = tmp_path / "in.csv", tmp_path / "t.parquet"
    src.write_bytes(b"s\nok\xff\xfe!\n\xc3\xa9\xc3\n")
    bricks.run("parquet", "write", "--from-csv", src, "--schema", "s STRING", out)
    rows = bricks.run("parquet", "cat", out).stdout.splitlines()
    assert [json.loads(r) for r in rows] == [{"s": "ok\ufffd\ufffd!"}, {"s": "\u00e9\ufffd"}]


def test_schema_and_meta(bricks, tmp_path):
    out = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": pa.array([1, 2], pa.int32()),
                             "m": pa.array([[("k", 1)], None], pa.map_(pa.string(), pa.int64())),
                             "d": pa.array([1, None], pa.decimal128(10, 2))}), out,
                   compression="zstd")
    schema = bricks.run("parquet", "schema", out).stdout.decode()
    assert "optional int32 a;" in schema
    assert "(MAP)" in schema and "(DECIMAL(10,2))" in schema
    assert "  m: MAP<STRING, BIGINT>" in schema and "  d: DECIMAL(10,2)" in schema
    meta = bricks.run("parquet", "meta", out).stdout.decode()
    assert "rows: 2" in meta and "row groups: 1" in meta and "ZSTD" in meta
    assert "statistics: min 1, max 2, nulls 0" in meta
    assert "statistics: min 1.00, max 1.00, nulls 1" in meta


def test_scan(bricks, tmp_path):
    out = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": list(range(10000))}), out, row_group_size=1000)
    p = bricks.run("parquet", "scan", out, "--threads", "2").stdout.decode()
    assert p.startswith("rows 10000  row_groups 10  threads 2  seconds ")


def test_null_in_not_null_column(bricks, tmp_path):
    out = tmp_path / "out.parquet"
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,x\n,y\n")
    p = bricks.run("parquet", "write", "--from-csv", src, "--schema", "a INT NOT NULL, b STRING",
                   out, check=False)
    assert p.returncode == 1 and b'line 3, column "a": NULL' in p.stderr, p.stderr
    src = tmp_path / "in.jsonl"
    src.write_text('{"a": 1}\n\n{"b": "no a"}\n')
    p = bricks.run("parquet", "write", "--from-jsonl", src, "--schema", "a INT NOT NULL, b STRING",
                   out, check=False)
    assert p.returncode == 1 and b'line 3, column "a": NULL' in p.stderr, p.stderr
    assert not out.exists()
