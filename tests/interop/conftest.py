"""conftest.py — shared fixtures of the interop suite.

`bricks` drives the built binary (build/release/bricks, or $BRICKS_BIN): it writes
Parquet from rows given in the cat JSON form (jsonform.py) and reads files back
with `bricks parquet cat`.  A missing binary is an error, not a skip: `make test`
builds it first.
"""

import base64
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Bricks:
    def __init__(self, path):
        self.path = path

    def run(self, *args, check=True, stdin=None):
        p = subprocess.run([self.path, *map(str, args)], input=stdin,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, timeout=600)
        if check and p.returncode != 0:
            raise AssertionError("bricks %s: exit status %d: %s"
                                 % (" ".join(map(str, args)), p.returncode,
                                    p.stderr.decode(errors="replace")))
        return p

    def cat(self, path, *extra):
        """Rows of a Parquet file as Bricks reads them (dicts of JSON values)."""
        out = self.run("parquet", "cat", path, "--format", "jsonl", *extra).stdout
        return [json.loads(line) for line in out.splitlines()]

    def write_jsonl(self, rows, schema, out, *extra):
        src = str(out) + ".jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return self.run("parquet", "write", "--from-jsonl", src, "--schema", schema, out, *extra)

    def write_csv(self, rows, columns, schema, out, *extra, binary=()):
        """Write rows (dicts in the JSON form) as CSV, then to Parquet.

        None is an empty unquoted field, "" a quoted empty field; columns named in
        `binary` hold base64 in the JSON form and go into the CSV as raw bytes.
        """
        src = str(out) + ".csv"
        with open(src, "wb") as f:
            f.write(",".join(columns).encode() + b"\n")
            for row in rows:
                f.write(b",".join(csv_field(row[c], c in binary) for c in columns) + b"\n")
        return self.run("parquet", "write", "--from-csv", src, "--schema", schema, out, *extra)


def csv_field(value, is_binary=False):
    if value is None:
        return b""
    if is_binary:
        data = base64.b64decode(value)
    elif isinstance(value, bool):
        data = b"true" if value else b"false"
    elif isinstance(value, float):
        data = repr(value).encode()
    else:
        data = str(value).encode("utf-8")
    if not data or any(ch in data for ch in (b",", b'"', b"\n", b"\r")):
        return b'"' + data.replace(b'"', b'""') + b'"'
    return data


@pytest.fixture(scope="session")
def bricks():
    path = os.environ.get("BRICKS_BIN") or os.path.join(ROOT, "build", "release", "bricks")
    if not os.access(path, os.X_OK):
        pytest.fail("no bricks binary at %s (run `make release` first)" % path)
    return Bricks(path)
