#!/usr/bin/env python3
"""parquet_conformance.py — the Parquet reader against apache/parquet-testing.

Drives `bricks parquet cat FILE --format jsonl` over every file of
$BRICKS_TESTDATA/parquet-testing (default: ../shared/testdata from the repository
root) and checks, per file, one expectation:

  read      the file is listed as readable in EXPECTED.duckdb.json: same row count,
            same top-level column names, same non-null count per column (counted
            as JSON nulls in our output); and, where data/<name>_expect.csv exists,
            the same values, row by row, column by column.
  error     bad_data/*, encrypted files, and the overrides in
            parquet_expected_errors.txt: exit status 1, a "bricks: ..." message on
            stderr (matching the override's pattern, if it gives one), no signal,
            no sanitizer report.
  clean     files DuckDB could not read, and files it does not list: either a clean
            error as above, or a read that agrees with pyarrow (rows and non-null
            counts) when pyarrow can read the file.

Files in parquet_known_failures.txt ("path  reason") are reported but not counted as
failures; one that passes is a failure ("remove it from the list"), so the list only
shrinks.  BRICKS_SLOW=1 also reads the files marked slow in the overrides file.

The last line is "N passed, N failed"; the exit status is 1 when anything failed.
"""

import argparse
import concurrent.futures
import csv
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Every file is read with a bounded arena, so a decompression bomb is a clean
# "out of memory" error rather than the machine's problem.
MEMORY_LIMIT = "2G"
TIMEOUT_SECONDS = 300
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:", "ThreadSanitizer")


def testdata_dir():
    base = os.environ.get("BRICKS_TESTDATA") or os.path.join(ROOT, "..", "shared", "testdata")
    return os.path.join(base, "parquet-testing")


def read_list(path):
    """Lines of a checked-in list, without comments and blank lines."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            out.append(line)
    return out


def load_known_failures():
    """{path: reason} from "path  reason" lines."""
    known = {}
    for line in read_list(os.path.join(HERE, "parquet_known_failures.txt")):
        parts = re.split(r"\s{2,}|\t", line.strip(), maxsplit=1)
        known[parts[0]] = parts[1] if len(parts) > 1 else "(no reason given)"
    return known


def load_overrides():
    """{path: (kind, pattern, reason)} from "path | kind | pattern | reason" lines.

    kind is "error" (expect a clean error whose message matches the regex pattern),
    "slow-error" (as "error", except under BRICKS_SLOW=1, where the file must be
    read like any readable file), or "read" (a bad_data/ file that holds valid data:
    it must be read, with the same counts and values as pyarrow).
    """
    overrides = {}
    for line in read_list(os.path.join(HERE, "parquet_expected_errors.txt")):
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 4 or parts[1] not in ("error", "slow-error", "read"):
            sys.exit("parquet_expected_errors.txt: bad line: %r" % line)
        overrides[parts[0]] = (parts[1], parts[2], parts[3])
    return overrides


def list_files(data_root):
    files = []
    for sub in ("data", "bad_data"):
        for dirpath, _, names in os.walk(os.path.join(data_root, sub)):
            for name in names:
                if name.endswith(".parquet") or name.endswith(".parquet.encrypted"):
                    full = os.path.join(dirpath, name)
                    files.append(os.path.relpath(full, data_root))
    return sorted(files)


def run_cat(binary, path, slow=False):
    args = [binary, "parquet", "cat", path, "--format", "jsonl"]
    if slow:
        args += ["--memory-limit", "0", "--max-page-size", "4G"]
    else:
        args += ["--memory-limit", MEMORY_LIMIT]
    env = dict(os.environ)
    # Sanitizer reports must not look like our own exit status 1.
    env.setdefault("ASAN_OPTIONS", "exitcode=86:detect_leaks=1:allocator_may_return_null=1")
    env.setdefault("UBSAN_OPTIONS", "exitcode=87:print_stacktrace=1")
    try:
        p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT_SECONDS, env=env)
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out after %d s" % TIMEOUT_SECONDS
    return p.returncode, p.stdout, p.stderr


def first_line(data):
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else ""


def check_clean_error(rc, stderr, pattern=None):
    """None if (rc, stderr) is a clean error matching pattern, else what is wrong."""
    text = stderr.decode("utf-8", "replace")
    if any(mark in text for mark in SANITIZER_MARKS):
        return "sanitizer report: " + next(l for l in text.splitlines()
                                           if any(m in l for m in SANITIZER_MARKS))
    if rc is None:
        return text
    if rc < 0:
        return "killed by signal %d" % -rc
    if rc == 0:
        return "read without error, expected an error"
    if rc != 1:
        return "exit status %d, expected 1 (%s)" % (rc, first_line(stderr))
    if not text.startswith("bricks: ") or len(text.strip()) <= len("bricks:"):
        return "no error message on stderr"
    if pattern and not re.search(pattern, text, re.IGNORECASE):
        return "message %r does not match %r" % (first_line(stderr), pattern)
    return None


def parse_rows(stdout):
    """Our JSON lines as lists of (name, value) pairs (duplicate names survive)."""
    rows = []
    for line in stdout.splitlines():
        rows.append(json.loads(line, object_pairs_hook=list))
    return rows


def compare_counts(rows, names, non_null, n_rows):
    """None if our rows have n_rows rows, these column names and non-null counts."""
    if len(rows) != n_rows:
        return "%d rows, expected %d" % (len(rows), n_rows)
    if not rows:
        return None
    got_names = [k for k, _ in rows[0]]
    if got_names != names:
        return "columns %s, expected %s" % (got_names, names)
    counts = [0] * len(names)
    for row in rows:
        for i, (_, v) in enumerate(row):
            if v is not None:
                counts[i] += 1
    for i, name in enumerate(names):
        if counts[i] != non_null[i]:
            return "column %r: %d non-null values, expected %d" % (name, counts[i], non_null[i])
    return None


def text_of(v):
    """Our JSON value as the text of a parquet-testing *_expect.csv field."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def compare_expect_csv(rows, csv_path):
    with open(csv_path, newline="", encoding="utf-8") as f:
        expect = list(csv.reader(f))
    header, body = expect[0], expect[1:]
    if len(body) != len(rows):
        return "%s: %d rows, expected %d" % (os.path.basename(csv_path), len(rows), len(body))
    for r, (want, got) in enumerate(zip(body, rows)):
        if len(got) != len(want):
            return "row %d: %d columns, expected %d" % (r, len(got), len(want))
        for c, (w, (_, g)) in enumerate(zip(want, got)):
            if text_of(g) != w:
                return "row %d, column %r: %r, expected %r" % (r, header[c].strip(),
                                                                text_of(g), w)
    return None


def pyarrow_counts(path):
    """(names, non_null, rows) from pyarrow, or None when pyarrow cannot read it."""
    try:
        import pyarrow.parquet as pq
        t = pq.read_table(path)
    except Exception:  # noqa: BLE001 - any failure means "no reference"
        return None
    return (t.column_names, [len(c) - c.null_count for c in t.columns], t.num_rows)


# Files whose values pyarrow reads differently, and why we trust ours.
VALUE_EXCEPTIONS = {
    "data/int96_from_spark.parquet":
        "pyarrow converts INT96 through nanoseconds and overflows for year 290000; we use "
        "Spark's arithmetic, and the unit test pq_read_int96_spark_wraparound checks the "
        "micros that int96_from_spark.md documents",
}


def compare_values_with_pyarrow(rel, path, stdout):
    """None when every value we print equals pyarrow's (or pyarrow cannot read the file)."""
    if rel in VALUE_EXCEPTIONS:
        return None
    try:
        import pyarrow.parquet as pq
        table = pq.read_table(path)
    except Exception:  # noqa: BLE001 - no reference to compare with
        return None
    sys.path.insert(0, os.path.join(HERE, "..", "interop"))
    import jsonform
    theirs = jsonform.table_rows(table)
    rows = [json.loads(line) for line in stdout.splitlines()]
    if len(theirs) != len(rows):
        return "pyarrow reads %d rows, we print %d" % (len(theirs), len(rows))
    for i, (ours, ref) in enumerate(zip(rows, theirs)):
        if ours != ref:
            return "row %d differs from pyarrow: %s != %s" % (
                i, json.dumps(ours)[:200], json.dumps(ref)[:200])
    return None


def check_file(binary, data_root, rel, expected, overrides, slow):
    """(ok, message) for one file."""
    path = os.path.join(data_root, rel)
    override = overrides.get(rel)
    if override and (override[0] == "error" or (override[0] == "slow-error" and not slow)):
        rc, _, err = run_cat(binary, path)
        problem = check_clean_error(rc, err, override[1])
        return problem is None, problem or "clean error: " + first_line(err)
    if rel.endswith(".encrypted"):
        rc, _, err = run_cat(binary, path)
        problem = check_clean_error(rc, err, r"encrypt")
        return problem is None, problem or "clean error: " + first_line(err)
    if rel.startswith("bad_data/") and not (override and override[0] == "read"):
        rc, _, err = run_cat(binary, path)
        problem = check_clean_error(rc, err)
        return problem is None, problem or "clean error: " + first_line(err)

    entry = expected.get(rel)
    rc, out, err = run_cat(binary, path, slow=bool(override and override[0] == "slow-error"))
    if entry is not None and "rows" in entry:
        if rc != 0:
            return False, "exit status %s: %s" % (rc, first_line(err))
        problem = check_clean_error(0, err)
        if problem and problem.startswith("sanitizer"):
            return False, problem
        rows = parse_rows(out)
        cols = entry["columns"]
        problem = compare_counts(rows, [c["name"] for c in cols],
                                 [c["non_null"] for c in cols], entry["rows"])
        if problem:
            return False, problem
        expect_csv = None
        if rel.startswith("data/") and rel.endswith(".parquet"):
            expect_csv = path[: -len(".parquet")] + "_expect.csv"
        if expect_csv and os.path.exists(expect_csv):
            problem = compare_expect_csv(rows, expect_csv)
            if problem:
                return False, problem
        problem = compare_values_with_pyarrow(rel, path, out)
        if problem:
            return False, problem
        return True, "read %d rows, values match pyarrow" % len(rows)

    # DuckDB could not read it, or does not list it: a clean error or a correct read.
    if rc == 0:
        problem = check_clean_error(1, err)  # only looks for sanitizer reports here
        if problem and problem.startswith("sanitizer"):
            return False, problem
        ref = pyarrow_counts(path)
        if ref is None:
            return True, "read (no reference reader could)"
        rows = parse_rows(out)
        problem = compare_counts(rows, ref[0], ref[1], ref[2])
        return problem is None, problem or "read, agrees with pyarrow"
    problem = check_clean_error(rc, err)
    return problem is None, problem or "clean error: " + first_line(err)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "release", "bricks"))
    ap.add_argument("--label", default="conformance")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true", help="a line for every file")
    ap.add_argument("files", nargs="*", help="only these (paths relative to parquet-testing)")
    args = ap.parse_args()

    data_root = testdata_dir()
    if not os.path.isdir(data_root):
        print("%s: SKIPPED: no test data at %s (set BRICKS_TESTDATA)" % (args.label, data_root))
        print("0 passed, 0 failed")
        return 0
    if not os.access(args.bin, os.X_OK):
        print("%s: no binary at %s" % (args.label, args.bin))
        print("0 passed, 1 failed")
        return 1

    with open(os.path.join(data_root, "EXPECTED.duckdb.json"), encoding="utf-8") as f:
        expected = json.load(f)
    known = load_known_failures()
    overrides = load_overrides()
    slow = os.environ.get("BRICKS_SLOW") == "1"
    files = args.files or list_files(data_root)

    def one(rel):
        try:
            return rel, check_file(args.bin, data_root, rel, expected, overrides, slow)
        except Exception as e:  # noqa: BLE001 - a harness error is a failure of that file
            return rel, (False, "harness error: %r" % e)

    passed = failed = known_failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, files))
    for rel, (ok, message) in results:
        if rel in known:
            if ok:
                failed += 1
                print("FAIL %s: passes now; remove it from parquet_known_failures.txt" % rel)
            else:
                known_failed += 1
                if args.verbose:
                    print("KNOWN %s: %s (%s)" % (rel, message, known[rel]))
            continue
        if ok:
            passed += 1
            if args.verbose:
                print("ok   %s: %s" % (rel, message))
        else:
            failed += 1
            print("FAIL %s: %s" % (rel, message))
    stale = sorted(set(known) - set(files)) if not args.files else []
    for rel in stale:
        failed += 1
        print("FAIL %s: listed in parquet_known_failures.txt but not in the test data" % rel)
    print("%s: %d files: %d passed, %d failed, %d known failures (%s)"
          % (args.label, len(files), passed, failed, known_failed,
             os.path.relpath(args.bin, ROOT) if args.bin.startswith(ROOT) else args.bin))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
