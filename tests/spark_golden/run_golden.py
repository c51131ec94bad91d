#!/usr/bin/env python3
"""run_golden.py — Spark's own SQL conformance suite (golden files) against our engine.

    run_golden.py [--driver build/release/golden_driver] [--only FILE ...] [-v]
                  [--tsv OUT.tsv] [--write-known] [--jobs N] [--timeout SECONDS]

Reads every results/<path>.sql.out under ../shared/testdata/spark-sql-tests (44 files,
2,221 queries; format and harness rules: RUNNER.md there), runs each file's queries
in order in one fresh engine session (golden_driver, one process per file, its own
temporary data directory for CREATE TABLE), renders the rows the way Spark does
(render.py), compares, and classifies each query:

    pass               schema and output equal (errors: the same error class)
    wrong-value        the rows differ
    order-only         the same rows in another order (a sorted result)
    wrong-types        the schema's types differ
    wrong-names        only the column names differ
    missed-error       Spark raised an error, we returned rows
    spurious-error     we raised an error, Spark returned rows
    wrong-error-class  both raised, with different error classes
    skipped            not comparable (reason given): a non-default config set by the
                       file that we do not implement, or rand(seed) values

Error classes: an expected dotted sub-class (DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES)
passes when our class equals it or its top-level part (the engine has no sub-classes
yet; the totals count those passes separately).  LEGACY / _LEGACY_ERROR_TEMP_* and
plain-text (non-Spark) errors accept any error.

Known failures are in known_failures.txt (file, query index, SQL hash, category,
reason); they are reported but not counted.  A failure not listed, and a listed
query that now passes, fail the run (exit status 1): the list can only shrink.
--write-known rewrites the list from this run.  The last line is
"N passed, N failed" (N failed = unlisted failures + listed entries that pass).
"""

import argparse
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

import cause
import render

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "testdata", "spark-sql-tests")
KNOWN_FILE = os.path.join(HERE, "known_failures.txt")
CATEGORIES = ("pass", "wrong-value", "order-only", "wrong-types", "wrong-names",
              "missed-error", "spurious-error", "wrong-error-class", "skipped")
FAILURES = CATEGORIES[1:-1]

ERROR_LINE = re.compile(r"^[a-z]+(\.[A-Za-z0-9_$]+)+$")
SET_STMT = re.compile(r"^set\s+([A-Za-z0-9_.]+)\s*=\s*(.*?)\s*;?\s*$", re.I | re.S)
RAND_SEED = re.compile(r"\brand(om)?\s*\(\s*[0-9]+\s*\)", re.I)

# Settings the engine implements: they are simply passed on.
IMPLEMENTED = {"spark.sql.ansi.enabled", "spark.sql.session.timeZone"}
# Spark's defaults of the non-legacy flags the corpus changes in a result-changing way
# (spark.sql.legacy.* default to false; other flags the corpus sets are result-neutral).
DEFAULTS = {"spark.sql.groupByAliases": "true", "spark.sql.groupByOrdinal": "true",
            "spark.sql.orderByOrdinal": "true",
            "spark.sql.decimalOperations.allowPrecisionLoss": "true"}

# The session of every file: Spark's harness runs in America/Los_Angeles, ANSI on.
SESSION_SETUP = ["SET spark.sql.session.timeZone = America/Los_Angeles",
                 "SET spark.sql.ansi.enabled = true"]
# Tables SQLQueryTestSuite.createTestTables makes for every file (RUNNER.md §1.4), made
# here as temporary views for the files that use them without defining them.
HARNESS = {
    "testdata": "CREATE TEMPORARY VIEW testdata AS SELECT CAST(id AS INT) AS key, "
                "CAST(id AS STRING) AS value FROM range(1, 101)",
    "arraydata": "CREATE TEMPORARY VIEW arraydata AS SELECT * FROM VALUES "
                 "(array(1, 2, 3), array(array(1, 2, 3))), "
                 "(array(2, 3, 4), array(array(2, 3, 4))) AS t(arraycol, nestedarraycol)",
    "mapdata": "CREATE TEMPORARY VIEW mapdata AS SELECT * FROM VALUES "
               "(map(1, 'a1', 2, 'b1', 3, 'c1', 4, 'd1', 5, 'e1')), "
               "(map(1, 'a2', 2, 'b2', 3, 'c2', 4, 'd2')), (map(1, 'a3', 2, 'b3', 3, 'c3')), "
               "(map(1, 'a4', 2, 'b4')), (map(1, 'a5')) AS t(mapcol)",
    "vol": "CREATE TEMPORARY FUNCTION vol(s STRING) RETURNS STRING RETURN s",
}
HARNESS_USES = {"limit.sql": ["testdata", "arraydata", "mapdata"],
                "postgreSQL/case.sql": ["vol"]}


# ---- reading the golden files ----

class Query:
    def __init__(self, index, sql, schema, output):
        self.index = index  # 1-based
        self.sql = sql
        self.schema = schema
        self.output = output
        self.hash = hashlib.sha1(sql.encode("utf-8")).hexdigest()[:10]
        first = output.split("\n", 1)[0]
        self.is_error = schema == "struct<>" and bool(ERROR_LINE.match(first))
        self.error_class = None  # None: any error will do
        if self.is_error:
            body = output.split("\n", 1)[1] if "\n" in output else ""
            try:
                cls = json.loads(body).get("errorClass")
            except ValueError:
                cls = None  # a plain-text (non-Spark) exception
            if cls and cls != "LEGACY" and not cls.startswith("_LEGACY_ERROR_TEMP"):
                self.error_class = cls


def read_golden(path):
    """The queries of one .sql.out, split the way SQLQueryTestSuite reads it."""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
        text = f.read()
    parts = re.split(r"-- !query.*\n", text)
    if (len(parts) - 1) % 3:
        raise ValueError("%s: %d segments, not 1 + 3n" % (path, len(parts)))
    return [Query(i // 3 + 1, parts[i].strip(), parts[i + 1].strip(), parts[i + 2].rstrip())
            for i in range(1, len(parts), 3)]


def input_sets(path):
    """The --SET k=v lines of an input file (applied before its first query)."""
    sets = []
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("--SET "):
                    for kv in line[6:].strip().split(","):
                        if "=" in kv:
                            sets.append(tuple(s.strip() for s in kv.split("=", 1)))
    return sets


def is_nondefault(key, value):
    v = value.strip().lower()
    if key in IMPLEMENTED:
        return False
    if key.startswith("spark.sql.legacy."):
        return v != "false"
    if key in DEFAULTS:
        return v != DEFAULTS[key]
    return False


# ---- Spark's "semantically sorted" rule, approximated on the SQL text ----

def top_level_order_by(sql):
    """True when the statement has ORDER BY outside parentheses, quotes and comments.

    The outermost ORDER BY sits above any aggregate, join or DISTINCT of its query,
    which is SQLQueryTestHelper.isSemanticallySorted's case for a global Sort
    reached through Project/Filter/Limit.  (An ORDER BY inside a derived table that
    Spark also counts is caught by the comparison, which accepts the engine order.)
    """
    depth, i, n = 0, 0, len(sql)
    words = []
    while i < n:
        c = sql[i]
        if c in "'\"`":
            j = i + 1
            while j < n and sql[j] != c:
                j += 2 if sql[j] == "\\" else 1
            i = j + 1
            continue
        if sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
            continue
        if sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c.isalpha() and depth == 0:
            j = i
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            words.append(sql[i:j].upper())
            i = j
            continue
        i += 1
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:]))


def java_sort(lines):
    """Sorted as Java's String.compareTo does (UTF-16 code units)."""
    return sorted(lines, key=lambda s: s.encode("utf-16-be", errors="surrogatepass"))


# ---- the engine ----

class Driver:
    """One golden_driver process: a fresh session with its own data directory."""

    def __init__(self, binary, timeout):
        self.binary, self.timeout = binary, timeout
        self.dir = tempfile.mkdtemp(prefix="golden-")
        self.proc = subprocess.Popen([binary, "--data", self.dir, "--timeout", str(timeout)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.buf = b""
        self.killed = False

    def run(self, sql):
        """The driver's answer (a dict), or {"ok": False, "class": "CRASH"/"TIMEOUT"}."""
        data = sql.encode("utf-8", errors="surrogateescape")
        try:
            self.proc.stdin.write(b"%d\n" % len(data) + data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return self._died()
        deadline = time.monotonic() + self.timeout + 20
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self.killed = True
                self.proc.kill()
                return {"ok": False, "class": "TIMEOUT", "msg": "no answer in time"}
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return self._died()
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line.decode("utf-8", errors="surrogateescape"))

    def _died(self):
        self.killed = True
        rc = self.proc.wait()
        err = self.proc.stderr.read().decode("utf-8", errors="replace")[-500:]
        return {"ok": False, "class": "CRASH", "msg": "driver exited with %d: %s" % (rc, err)}

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        """End the driver; a problem it reports at exit (a sanitizer's) as text, else None."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        err = self.proc.stderr.read().decode("utf-8", errors="replace")
        self.proc.stdout.close()
        self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        if rc != 0 and not self.killed:
            return "driver exited with status %d: %s" % (rc, err.strip()[-2000:])
        return None


# ---- comparing one query ----

def first_line(text, limit=160):
    line = (text or "").strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[:limit - 3] + "..."


def classify(q, got):
    """(category, detail) for query q and the driver's answer."""
    if q.is_error:
        if not got["ok"]:
            ours = our_classes(got)
            if q.error_class is None or q.error_class in ours:
                return "pass", ""
            if q.error_class.split(".", 1)[0] in [c.split(".", 1)[0] for c in ours]:
                return "pass", "top-level-class"
            return "wrong-error-class", "expected %s, got %s: %s" % (
                q.error_class, got.get("class"), first_line(got.get("msg")))
        return "missed-error", "expected %s" % (q.error_class or "an error")
    if not got["ok"]:
        return "spurious-error", "%s: %s" % (got.get("class"), first_line(got.get("msg")))
    cols = got["cols"]
    types = [t for _, t in cols]
    schema = render.schema_string(cols)
    rows = [re.sub(r"#\d+", "#x", render.render_row(r, types)) for r in got["rows"]]
    if not types_match(q.schema, types):
        return "wrong-types", "expected %s, got %s" % (q.schema, schema)
    in_order = "\n".join(rows).rstrip()
    if top_level_order_by(q.sql):
        ok = in_order == q.output
    else:
        ok = "\n".join(java_sort(rows)).rstrip() == q.output or in_order == q.output
    exp_rows = q.output.split("\n") if q.output else []
    if not ok and close_enough(exp_rows, rows if top_level_order_by(q.sql) else java_sort(rows),
                               types):
        return "pass", "tolerance"
    if not ok:
        if java_sort(rows) == java_sort(exp_rows) or \
                "\n".join(java_sort(rows)).rstrip() == "\n".join(java_sort(exp_rows)):
            return "order-only", ""
        return "wrong-value", value_diff(exp_rows, rows, top_level_order_by(q.sql))
    if schema != q.schema:
        names = spark_names(q.schema, types) or []
        for k, ((ours, _), theirs) in enumerate(zip(cols, names)):
            if ours != theirs:
                return "wrong-names", "column %d: Spark names it %s, we name it %s" % (
                    k + 1, theirs, ours)
        return "wrong-names", "expected %s, got %s" % (q.schema, schema)
    return "pass", ""


def our_classes(got):
    """Our error's classes: the code's, and a "[CLASS.SUB]" the message starts with."""
    classes = [got.get("class", "")]
    m = re.match(r"\[([A-Z0-9_]+(\.[A-Z0-9_]+)*)\]", got.get("msg") or "")
    if m:
        classes.append(m.group(1))
    return classes


def close_enough(expected, got, types, rel=1e-12):
    """Rows equal but for FLOAT/DOUBLE cells within `rel` (RUNNER.md §2.6 fallback)."""
    if len(expected) != len(got):
        return False
    floating = [t in ("float", "double") for t in types]
    for e_row, g_row in zip(expected, got):
        e_cells, g_cells = e_row.split("\t"), g_row.split("\t")
        if len(e_cells) != len(g_cells) or len(e_cells) != len(types):
            return False
        for e, g, fl in zip(e_cells, g_cells, floating):
            if e == g:
                continue
            if not fl:
                return False
            try:
                a, b = float(e), float(g)
            except ValueError:
                return False
            if abs(a - b) > rel * max(abs(a), abs(b)):
                return False
    return True


def value_diff(expected, got, ordered):
    if not ordered:
        expected, got = java_sort(expected), java_sort(got)
    if len(expected) != len(got):
        return "expected %d rows, got %d (first: %r vs %r)" % (
            len(expected), len(got), expected[:1], got[:1])
    for e, g in zip(expected, got):
        if e != g:
            return "expected %r, got %r" % (e[:120], g[:120])
    return "trailing whitespace"


def spark_names(schema, types):
    """Spark's column names in `schema` when its types are ours (else None)."""
    if not types:
        return [] if schema == "struct<>" else None
    pattern = "struct<" + ",".join("(.*):" + re.escape(render.type_string(t))
                                   for t in types) + ">"
    m = re.fullmatch(pattern, schema, re.S)
    return list(m.groups()) if m else None


def types_match(schema, types):
    """Whether Spark's schema string has exactly our column types (names aside).

    Names are free text (they may hold ':', ',', '<', quotes), so the schema is
    matched against struct<NAME:T1,NAME:T2,...> with our type strings.
    """
    if not types:
        return schema == "struct<>"
    pattern = "struct<" + ",".join("(.*):" + re.escape(render.type_string(t))
                                   for t in types) + ">"
    return re.fullmatch(pattern, schema, re.S) is not None


# ---- one file ----

def run_file(path, args):
    """[(query, category, detail)] for one golden file, plus setup notes."""
    golden = os.path.join(DATA, "results", path + ".out")
    if os.path.exists(golden + ".java21"):  # JDK 21 prints the shortest doubles, as we do
        golden += ".java21"
    queries = read_golden(golden)
    notes, problems = [], []
    setup = list(SESSION_SETUP)
    setup += ["SET %s = %s" % kv for kv in input_sets(os.path.join(DATA, "inputs", path))]
    setup += [HARNESS[name] for name in HARNESS_USES.get(path, [])]
    replay = []
    results = []
    nondefault = {}

    def start_driver():
        d = Driver(args.driver, args.timeout)
        for sql in setup + replay:
            got = d.run(sql)
            if not got["ok"] and sql in setup:
                notes.append("setup %r failed: %s %s" % (sql[:60], got.get("class"),
                                                         first_line(got.get("msg"), 100)))
        return d

    driver = start_driver()
    try:
        for q in queries:
            m = SET_STMT.match(q.sql)
            skip = None
            if m:
                key, value = m.group(1), m.group(2)
                if is_nondefault(key, value):
                    nondefault[key] = value
                else:
                    nondefault.pop(key, None)
            elif nondefault:
                skip = "config: " + ", ".join("%s=%s" % kv for kv in sorted(nondefault.items()))
            elif RAND_SEED.search(q.sql) and not q.is_error:
                skip = "rand-seed: Spark's XORShiftRandom values"
            if skip:
                results.append((q, "skipped", skip))
                continue
            got = driver.run(q.sql)
            if got.get("class") in ("CRASH", "TIMEOUT"):
                problems.append("query %d: %s: %s" % (q.index, got["class"],
                                                      got.get("msg", "")[-2000:]))
                driver.close()
                driver = start_driver()
            elif got["ok"] and not got["cols"]:
                replay.append(q.sql)  # a command: redo it if the driver must restart
            results.append((q, *classify(q, got)))
    finally:
        problem = driver.close()
        if problem:
            problems.append(problem)
    return results, notes, problems


# ---- known failures ----

def load_known():
    known = {}
    if not os.path.exists(KNOWN_FILE):
        return known
    with open(KNOWN_FILE, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            known[(parts[0], int(parts[1]), parts[2])] = (parts[3],
                                                          parts[4] if len(parts) > 4 else "")
    return known


KNOWN_HEADER = """\
# known_failures.txt — Spark golden-file queries (tests/spark_golden) that fail today.
# One per line, TAB-separated: file, query index (1-based), sha1(sql)[:10], category,
# reason.  Written by `run_golden.py --write-known` from a full run; the reasons group
# the causes (cause.py).  A failure not listed fails the run, and so does a listed
# query that now passes: delete its line in the same change.  This list only shrinks.
"""


def write_known(entries):
    with open(KNOWN_FILE, "w", encoding="utf-8") as f:
        f.write(KNOWN_HEADER)
        for path, q, cat, detail, why in entries:
            why = why.replace("\t", " ").replace("\n", " ")
            f.write("%s\t%d\t%s\t%s\t%s\n" % (path, q.index, q.hash, cat, why))


def with_reasons(results):
    """[(q, cat, detail, group, reason)] for one file's results, in order (cause.py)."""
    failed_creates, out = {}, []
    for q, cat, detail in results:
        g = why = ""
        if cat in FAILURES:
            g = cause.group(q, cat, detail, failed_creates)
            why = cause.reason(q, cat, detail, failed_creates)
        name = cause.created_name(q.sql)
        if name and cat in ("spurious-error", "wrong-error-class") and not q.is_error:
            failed_creates.setdefault(name, (q.index, g))
        elif name and cat == "pass":
            failed_creates.pop(name, None)
        out.append((q, cat, detail, g, why))
    return out


# ---- main ----

def golden_files():
    base = os.path.join(DATA, "results")
    out = []
    for dirpath, _, names in os.walk(base):
        for name in names:
            if name.endswith(".sql.out"):
                out.append(os.path.relpath(os.path.join(dirpath, name), base)[:-4])
    return sorted(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--driver", default=os.path.join(ROOT, "build/release/golden_driver"))
    ap.add_argument("--only", nargs="*", help="run only these files (e.g. cast.sql)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    ap.add_argument("--tsv", help="write one line per query to this file")
    ap.add_argument("--write-known", action="store_true", help="rewrite known_failures.txt")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=10, help="seconds per query")
    ap.add_argument("--label", default="spark-golden")
    ap.add_argument("--causes", type=int, default=15, help="how many top causes to print")
    args = ap.parse_args()

    if not os.path.isdir(DATA):
        print("%s: SKIPPED (no test data at %s)" % (args.label, DATA))
        print("0 passed, 0 failed")
        return 0
    if not os.path.exists(args.driver):
        print("%s: no driver at %s (make release builds it)" % (args.label, args.driver))
        print("0 passed, 1 failed")
        return 1
    files = golden_files()
    if args.only:
        files = [f for f in files if f in args.only]
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = dict(zip(files, pool.map(lambda p: run_file(p, args), files)))

    known = load_known()
    seen = set()
    per_file = collections.OrderedDict()
    totals = collections.Counter()
    top_level_only = tolerance_only = driver_problems = 0
    groups = collections.Counter()
    new_failures, now_passing, changed, failing = [], [], [], []
    tsv = open(args.tsv, "w", encoding="utf-8") if args.tsv else None
    for path in files:
        results, notes, problems = runs[path]
        counts = collections.Counter()
        for note in notes:
            print("note %s: %s" % (path, note))
        for problem in problems:  # crashes, timeouts, sanitizer reports: always failures
            print("FAIL %s: %s" % (path, problem))
            driver_problems += 1
        for q, cat, detail, grp, why in with_reasons(results):
            counts[cat] += 1
            key = (path, q.index, q.hash)
            seen.add(key)
            if cat == "pass" and detail == "top-level-class":
                top_level_only += 1
            if cat == "pass" and detail == "tolerance":
                tolerance_only += 1
            if tsv:
                tsv.write("%s\t%d\t%s\t%s\t%s\n" % (path, q.index, cat, q.error_class or "",
                                                    detail.replace("\t", " ")))
            if cat in FAILURES:
                failing.append((path, q, cat, detail, why))
                groups[grp] += 1
                if key not in known:
                    new_failures.append((path, q, cat, detail, why))
                elif known[key][0] != cat:
                    changed.append((path, q, known[key][0], cat))
                if args.verbose:
                    print("%s %s:%d: %s" % ("KNOWN" if key in known else "FAIL ", path, q.index,
                                            cat))
                    print("    sql: %s" % first_line(q.sql, 200))
                    print("    %s" % detail)
            elif cat == "pass" and key in known:
                now_passing.append(key)
        per_file[path] = counts
        totals.update(counts)
    if tsv:
        tsv.close()

    print_table(per_file, totals)
    print("passes on the top-level error class only (sub-class not matched): %d" % top_level_only)
    print("passes only within 1e-12 relative on FLOAT/DOUBLE cells: %d" % tolerance_only)
    print_causes(groups, args.causes)
    for path, q, cat, detail, _ in new_failures:
        print("FAIL %s:%d [%s] %s (not in known_failures.txt)\n    sql: %s\n    %s"
              % (path, q.index, q.hash, cat, first_line(q.sql, 200), detail))
    for key in now_passing:
        print("FAIL %s:%d [%s]: listed in known_failures.txt but passes now: delete its line"
              % key)
    for path, q, old, new in changed:
        print("note %s:%d: listed as %s, now %s" % (path, q.index, old, new))
    stale = [k for k in known if k not in seen and (not args.only or k[0] in args.only)]
    for key in stale:
        print("FAIL %s:%d [%s]: listed in known_failures.txt but no such query: delete its line"
              % key)

    if args.write_known:
        write_known(failing)
        print("wrote %d entries to %s" % (len(failing), os.path.relpath(KNOWN_FILE, ROOT)))
        new_failures, now_passing, stale = [], [], []
    listed = sum(1 for path, q, _, _, _ in failing if (path, q.index, q.hash) in known)
    failed = len(new_failures) + len(now_passing) + len(stale) + driver_problems
    print("%s: %d files, %d queries: %d passed, %d known failures, %d new failures, "
          "%d listed but passing, %d skipped (%ds)"
          % (args.label, len(files), sum(totals.values()), totals["pass"], listed,
             len(new_failures), len(now_passing) + len(stale), totals["skipped"],
             time.monotonic() - start))
    print("%d passed, %d failed" % (totals["pass"], failed))
    return 1 if failed else 0


def print_causes(groups, n):
    """The n most frequent grouped causes among the failures (cause.py)."""
    if not groups or n <= 0:
        return
    print("top causes of failure (of %d):" % sum(groups.values()))
    for text, count in groups.most_common(n):
        print("%6d  %s" % (count, text))


def print_table(per_file, totals):
    short = {"pass": "pass", "wrong-value": "value", "order-only": "order",
             "wrong-types": "types", "wrong-names": "names", "missed-error": "missed",
             "spurious-error": "spurious", "wrong-error-class": "errclass",
             "skipped": "skip"}
    width = max(len(p) for p in per_file) if per_file else 10
    head = "%-*s %5s " % (width, "file", "total") + " ".join("%8s" % short[c]
                                                            for c in CATEGORIES)
    print(head)
    for path, counts in per_file.items():
        print("%-*s %5d " % (width, path, sum(counts.values())) +
              " ".join("%8d" % counts[c] for c in CATEGORIES))
    print("%-*s %5d " % (width, "TOTAL", sum(totals.values())) +
          " ".join("%8d" % totals[c] for c in CATEGORIES))


if __name__ == "__main__":
    sys.exit(main())
