#!/usr/bin/env python3
"""delta_golden.py — the Delta reader against the public Delta golden tables.

Drives `bricks delta info PATH --format json` and `bricks delta cat PATH --format
jsonl` over every Delta table under $BRICKS_TESTDATA (default: ../shared/testdata
from the repository root):

  delta-golden-krs/*.tar.zst   each archive holds <name>/delta (the table) and, for
                               most, <name>/expected/*.parquet: the rows Spark reads
                               at the table's latest version (no archive has
                               per-version expectations; a DAT-style expected/vN/ or
                               expected/latest/ layout would be checked per version).
  delta-golden/ krs-data/ delta-rs/ delta-spark/ delta-kernel-java/
                               every directory holding a _delta_log/ (some nested,
                               some inside krs-data/*.tar.zst), with no expected rows.

Archives are extracted at test time into a temporary directory; the folders are
read in place (the reader only reads).  Each table gets one outcome:

  refuse   listed in delta_expected_refusals.txt: `delta cat` exits 1 with an
           "error:" line matching the listed pattern (for a missing reader feature:
           the feature's name, and the table's protocol must list it), no signal, no
           sanitizer report.  When `delta info` succeeds it must agree with the log.
  read     everything else: `delta cat` and `delta info` succeed; info agrees with
           this file's own small log reader (version, protocol, the last metaData's
           schemaString parsed (an empty struct without one, as Spark reads it),
           partition columns, configuration, number and size of live files after
           replay with canonical paths, numRecords from stats minus deletion-vector
           cardinalities); every row's keys are the schema's top-level names in
           order; the row count equals num_records when that is known; --limit 1
           prints one of the rows.  With expected rows, the rows equal them as a
           multiset (both sides printed by Bricks, the expected Parquet through
           `bricks parquet cat`; EXPECTED_EXCEPTIONS leaves out a column Spark wrote
           from information the table lacks).  Every older version the log can
           rebuild (or --max-versions of them) is read with --version: its row count
           and columns are checked against the log reader, or, when its data files
           are gone, a clean error.
  skip     a folder with no _delta_log, or a _delta_log with no commit or checkpoint
           (printed with the reason, not counted).

Every table has --timeout seconds (60) for all its runs; over it is a failure, as
are a signal, a sanitizer report or an exit status other than 0 and 1.  Tables in
delta_known_failures.txt ("table  reason") are reported with -v but not counted as
failures; one that passes is reported ("now passes: remove it from the list") but
does not fail the run.  The last line is "N passed, N failed"; the exit status is 1
when anything failed unexpectedly.  --survey runs only the Python side (extraction,
discovery, the log reader, the expected rows) and prints what it found per table
and per source.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SOURCES = ("delta-golden-krs", "delta-golden", "krs-data", "delta-rs", "delta-spark",
           "delta-kernel-java")
KNOWN_FILE = "delta_known_failures.txt"
REFUSALS_FILE = "delta_expected_refusals.txt"
TIMEOUT_SECONDS = 60
LIMITS = {"timeout": TIMEOUT_SECONDS}  # per table; --timeout changes it
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:", "ThreadSanitizer")
# Exit statuses test.sh gives the sanitizers (ASAN_OPTIONS / UBSAN_OPTIONS exitcode).
SANITIZER_STATUSES = (86, 87)


class Failure(Exception):
    """One table's check failed; str(self) starts with its class ("wrong rows: ...")."""


class LogError(Exception):
    """The log reader of this file could not make sense of a table's _delta_log."""


# ---------------------------------------------------------------------------------
# Checked-in lists


def read_list(path):
    """Lines of a checked-in list, without comments and blank lines."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                out.append(line)
    return out


def load_known_failures():
    """{table: reason} from "table  reason" lines."""
    known = {}
    for line in read_list(os.path.join(HERE, KNOWN_FILE)):
        parts = re.split(r"\s{2,}|\t", line.strip(), maxsplit=1)
        known[parts[0]] = parts[1] if len(parts) > 1 else "(no reason given)"
    return known


def load_refusals():
    """{table: (kind, pattern, reason)} from "table | kind | pattern | reason" lines.

    kind "feature": pattern is the name of a reader feature the table's protocol lists
    and Bricks does not implement; the message must name it.  kind "error": a broken
    or unreadable table; the message must match pattern (a case-insensitive regex).
    """
    refusals = {}
    for line in read_list(os.path.join(HERE, REFUSALS_FILE)):
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 4 or parts[1] not in ("feature", "error") or not parts[2]:
            sys.exit("%s: bad line: %r" % (REFUSALS_FILE, line))
        refusals[parts[0]] = (parts[1], parts[2], parts[3])
    return refusals


# ---------------------------------------------------------------------------------
# Extraction and discovery


class Table:
    """One table to check: its id (source/relative path), where it is, what to expect."""

    def __init__(self, tid, root, expected=None):
        self.id = tid
        self.root = root
        self.expected = expected  # {label: directory of Parquet files}, label "latest" or "vN"


def extract(archive, dest):
    """Extract a .tar.zst into dest (created); raises Failure with tar's message."""
    os.makedirs(dest, exist_ok=True)
    with subprocess.Popen(["zstd", "-dcq", archive], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, stdin=subprocess.DEVNULL) as unz:
        tar = subprocess.run(["tar", "-x", "-C", dest], stdin=unz.stdout,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        unz.stdout.close()
        zerr = unz.stderr.read()
        unz.wait()
    if unz.returncode != 0 or tar.returncode != 0:
        # tar warns about macOS extended headers on stderr; only a status counts.
        text = (zerr or tar.stderr).decode(errors="replace").strip()
        raise Failure("extract: %s: %s" % (os.path.basename(archive),
                                           text.splitlines()[-1] if text else "failed"))


def parquet_files(directory):
    """The data files of a Spark output folder (no .crc, _SUCCESS or hidden files)."""
    return sorted(os.path.join(directory, n) for n in os.listdir(directory)
                  if n.endswith(".parquet") and not n.startswith((".", "_")))


def expected_versions(expected_dir):
    """{label: folder}: "latest" for a flat folder; vN/ or latest/ subfolders (DAT)."""
    out = {}
    for name in sorted(os.listdir(expected_dir)):
        sub = os.path.join(expected_dir, name)
        if os.path.isdir(sub) and re.fullmatch(r"v\d+|latest", name):
            inner = os.path.join(sub, "table_content")
            out[name] = inner if os.path.isdir(inner) else sub
    if not out and parquet_files(expected_dir):
        out["latest"] = expected_dir
    return out


def find_roots(top):
    """Directories under top (itself included) that hold a _delta_log/, sorted."""
    roots = []
    for dirpath, dirnames, _ in os.walk(top):
        if "_delta_log" in dirnames:
            roots.append(dirpath)
            dirnames[:] = []  # a table's own folders hold data, not more tables
        else:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    return sorted(roots)


def discover(data, tmp, only, jobs):
    """([Table], [(id, reason)] skipped, [Failure text]) for every source under data."""
    tables, skipped, problems = [], [], []
    archives = []  # (source, archive path, extraction dir)
    for source in SOURCES:
        base = os.path.join(data, source)
        if not os.path.isdir(base):
            skipped.append((source, "no such folder in the test data"))
            continue
        for name in sorted(os.listdir(base)):
            if name.endswith(".tar.zst"):
                archives.append((source, os.path.join(base, name),
                                 os.path.join(tmp, source, name)))

    def run_extract(item):
        try:
            extract(item[1], item[2])
            return None
        except Failure as e:
            return "%s/%s: %s" % (item[0], os.path.basename(item[1]), e)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        problems += [p for p in pool.map(run_extract, archives) if p]

    for source in SOURCES:
        base = os.path.join(data, source)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            path = os.path.join(base, name)
            if source == "delta-golden-krs":
                if name.endswith(".tar.zst"):
                    tables += krs_golden_tables(source, name, os.path.join(tmp, source, name),
                                                skipped)
                continue
            if name.endswith(".tar.zst"):
                top = os.path.join(tmp, source, name)
                if not os.path.isdir(top):
                    continue  # failed to extract: reported above
                found = find_roots(top)
                for r in found:
                    tables.append(Table(source + "/" + os.path.relpath(r, top), r))
                if not found:
                    skipped.append((source + "/" + name, "archive holds no _delta_log"))
            elif os.path.isdir(path):
                found = find_roots(path)
                for r in found:
                    tables.append(Table(source + "/" + os.path.relpath(r, base), r))
                if not found:
                    what = "empty folder" if not os.listdir(path) else "no _delta_log"
                    skipped.append((source + "/" + name, what + " (not a Delta table)"))
    ids = collections.Counter(t.id for t in tables)
    problems += ["two tables with the id %s" % i for i, n in ids.items() if n > 1]
    if only:
        tables = [t for t in tables if only in t.id]
        skipped = [s for s in skipped if only in s[0]]
    return tables, skipped, problems


def krs_golden_tables(source, archive_name, top, skipped):
    """The tables of one delta-golden-krs archive: <name>/delta and <name>/expected.

    <name>/delta is the table; when it has no _delta_log but holds tables further
    down (hive/delta/deltatbl-*), those are the tables, without expected rows.
    """
    tid = source + "/" + archive_name[: -len(".tar.zst")]
    if not os.path.isdir(top):
        return []  # failed to extract: reported by discover
    dirs = [d for d in os.listdir(top) if os.path.isdir(os.path.join(top, d, "delta"))]
    if len(dirs) != 1:
        skipped.append((tid, "archive has no <name>/delta folder"))
        return []
    delta = os.path.join(top, dirs[0], "delta")
    nested = [r for r in find_roots(delta) if r != delta]
    if nested and not os.path.isdir(os.path.join(delta, "_delta_log")):
        return [Table(tid + "/" + os.path.relpath(r, delta), r) for r in nested]
    exp_dir = os.path.join(top, dirs[0], "expected")
    expected = expected_versions(exp_dir) if os.path.isdir(exp_dir) else None
    return [Table(tid, delta, expected or None)]


# ---------------------------------------------------------------------------------
# A small Delta log reader, independent of Bricks: which versions exist, and the
# protocol, metadata and live files of one version (PROTOCOL.md "Action
# Reconciliation").  It only needs what `delta info` reports.

COMMIT_RE = re.compile(r"^(\d{20})\.json$")
CLASSIC_RE = re.compile(r"^(\d{20})\.checkpoint\.parquet$")
MULTIPART_RE = re.compile(r"^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$")
V2_RE = re.compile(r"^(\d{20})\.checkpoint\.[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}"
                   r"\.(?:json|parquet)$")


class Listing:
    """The commits and complete checkpoints of a _delta_log folder."""

    def __init__(self, root):
        self.log = os.path.join(root, "_delta_log")
        self.commits = {}      # version -> path
        self.checkpoints = {}  # version -> [[paths of one checkpoint], ...]
        parts = collections.defaultdict(dict)  # (version, n) -> {part: path}
        for name in os.listdir(self.log):
            path = os.path.join(self.log, name)
            m = COMMIT_RE.match(name)
            if m:
                self.commits[int(m.group(1))] = path
                continue
            m = CLASSIC_RE.match(name) or V2_RE.match(name)
            if m:
                self.checkpoints.setdefault(int(m.group(1)), []).append([path])
                continue
            m = MULTIPART_RE.match(name)
            if m:
                parts[(int(m.group(1)), int(m.group(3)))][int(m.group(2))] = path
        for (version, n), got in parts.items():
            if sorted(got) == list(range(1, n + 1)):
                self.checkpoints.setdefault(version, []).append([got[i] for i in sorted(got)])
        versions = list(self.commits) + list(self.checkpoints)
        self.latest = max(versions) if versions else -1

    def contiguous(self, first, last):
        return all(v in self.commits for v in range(first, last + 1))

    def buildable(self, version):
        """True when some checkpoint (or commit 0) and the commits after it reach version."""
        if self.contiguous(0, version):
            return True
        return any(c <= version and self.contiguous(c + 1, version) for c in self.checkpoints)

    def versions(self):
        return [v for v in range(0, self.latest + 1) if self.buildable(v)]


def read_json_actions(path):
    actions = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    actions.append(json.loads(line))
                except ValueError as e:
                    raise LogError("%s line %d: %s" % (os.path.basename(path), n, e))
    return actions


def _rows(column, fields):
    """The non-null rows of a struct column as dicts of the listed fields only.

    A field "a.b" reads the nested field b of a.  Selecting fields keeps pyarrow from
    converting columns we do not need (stats_parsed may hold any type).
    """
    import pyarrow as pa
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    valid = arr.is_valid().to_pylist()
    out = [dict() for _ in range(len(arr))]
    names = [arr.type.field(i).name for i in range(arr.type.num_fields)]
    for spec in fields:
        head, _, rest = spec.partition(".")
        if head not in names:
            continue
        child = arr.field(head)
        if rest:
            if not pa.types.is_struct(child.type) or child.type.get_field_index(rest) < 0:
                continue
            present = child.is_valid().to_pylist()
            values = child.field(rest).to_pylist()
            for i, row in enumerate(out):
                if present[i]:
                    row.setdefault(head, {})[rest] = values[i]
        else:
            for i, v in enumerate(child.to_pylist()):
                out[i][head] = v
    return [row for row, ok in zip(out, valid) if ok]


def _mapping(value):
    """A Parquet MAP as pyarrow gives it (pairs) or a JSON object, as a dict."""
    if value is None:
        return None
    return dict(value) if isinstance(value, list) else value


def read_checkpoint_file(path):
    """The actions of one checkpoint file (V2 sidecars not yet followed)."""
    if path.endswith(".json"):
        return read_json_actions(path)
    import pyarrow.parquet as pq
    try:
        table = pq.read_table(path)
    except Exception as e:  # noqa: BLE001 - any failure: an unusable checkpoint
        raise LogError("%s: %s" % (os.path.basename(path), e))
    actions = []
    wanted = {
        "add": ["path", "size", "stats", "stats_parsed.numRecords", "deletionVector"],
        "sidecar": ["path"],
        "metaData": ["id", "schemaString", "partitionColumns", "configuration"],
        "protocol": ["minReaderVersion", "minWriterVersion", "readerFeatures",
                     "writerFeatures"],
    }
    for kind, fields in wanted.items():
        if kind in table.column_names:
            for row in _rows(table.column(kind), fields):
                if kind == "metaData":
                    row["configuration"] = _mapping(row.get("configuration"))
                actions.append({kind: row})
    return actions


def read_checkpoint(listing, files):
    actions = []
    for path in files:
        for a in read_checkpoint_file(path):
            if "sidecar" in a:
                side = a["sidecar"]["path"]
                side = side if os.path.isabs(side) else os.path.join(listing.log, "_sidecars",
                                                                     side)
                actions += [x for x in read_checkpoint_file(side) if "add" in x]
            else:
                actions.append(a)
    return actions


def canonical_path(path):
    """The replay key of a file path: absolute paths with and without "file:" (and an
    empty authority) are one file, as Spark canonicalizes them; others are as written."""
    if isinstance(path, str) and (path.startswith("/") or path.startswith("file:")):
        return "file:" + urllib.parse.urlsplit(path).path
    return path


def dv_id(dv):
    if not dv:
        return ""
    off = dv.get("offset")
    return "%s%s%s" % (dv.get("storageType"), dv.get("pathOrInlineDv"),
                       "@%d" % off if off is not None else "")


class State:
    """Protocol, metadata and live add actions of one version."""

    def __init__(self, version):
        self.version = version
        self.protocol = None
        self.metadata = None
        self.files = {}  # (path, dv id) -> add

    def apply(self, actions, from_checkpoint=False):
        for a in actions:
            if "protocol" in a:
                self.protocol = a["protocol"]
            elif "metaData" in a:
                self.metadata = a["metaData"]
            elif "add" in a and a["add"]:
                add = a["add"]
                self.files[(canonical_path(add.get("path")), dv_id(add.get("deletionVector")))] \
                    = add
            elif "remove" in a and a["remove"] and not from_checkpoint:
                rm = a["remove"]
                self.files.pop((canonical_path(rm.get("path")), dv_id(rm.get("deletionVector"))),
                               None)

    def schema(self):
        """The schemaString parsed; without one, an empty struct (as Spark reads it)."""
        if not self.metadata:
            raise LogError("version %d has no metaData" % self.version)
        if self.metadata.get("schemaString") is None:
            return {"type": "struct", "fields": []}
        try:
            return json.loads(self.metadata["schemaString"])
        except ValueError as e:
            raise LogError("schemaString of version %d: %s" % (self.version, e))

    def num_records(self):
        """Sum of stats numRecords minus DV cardinalities, or None when a file has none."""
        total = 0
        for add in self.files.values():
            n = None
            stats = add.get("stats")
            if isinstance(stats, str) and stats:
                try:
                    n = json.loads(stats).get("numRecords")
                except (ValueError, AttributeError):
                    n = None
            if n is None and isinstance(add.get("stats_parsed"), dict):
                n = add["stats_parsed"].get("numRecords")
            if n is None:
                return None
            dv = add.get("deletionVector")
            total += n - ((dv or {}).get("cardinality") or 0)
        return total

    def size_bytes(self):
        return sum(add.get("size") or 0 for add in self.files.values())

    def missing_files(self, root):
        """The data files this version names that are not on disk (log-only fixtures,
        vacuumed versions), as the log spells them."""
        missing = []
        for add in self.files.values():
            path = add.get("path")
            url = urllib.parse.urlsplit(path or "")
            if url.scheme and url.scheme != "file":
                missing.append(path)
                continue
            local = urllib.parse.unquote(url.path)
            if not os.path.isfile(local if os.path.isabs(local) else os.path.join(root, local)):
                missing.append(path)
        return missing


def load_state(listing, version):
    """The State of version, from the newest readable checkpoint that reaches it."""
    errors = []
    for c in sorted((c for c in listing.checkpoints
                     if c <= version and listing.contiguous(c + 1, version)), reverse=True):
        for files in listing.checkpoints[c]:
            try:
                actions = read_checkpoint(listing, files)
                for kind in ("protocol", "metaData"):
                    if not any(kind in a for a in actions):
                        # PROTOCOL.md: a checkpoint holds both; without, it is unusable.
                        raise LogError("%s has no %s action" %
                                       (os.path.basename(files[0]), kind))
            except LogError as e:
                errors.append(str(e))
                continue
            state = State(version)
            state.apply(actions, from_checkpoint=True)
            for v in range(c + 1, version + 1):
                state.apply(read_json_actions(listing.commits[v]))
            return state
    if listing.contiguous(0, version):
        state = State(version)
        for v in range(0, version + 1):
            state.apply(read_json_actions(listing.commits[v]))
        return state
    raise LogError("version %d cannot be rebuilt from the log%s" %
                   (version, (": " + "; ".join(errors)) if errors else ""))


# ---------------------------------------------------------------------------------
# Running bricks


class Runner:
    """Runs the bricks binary within one table's time budget."""

    def __init__(self, binary, deadline):
        self.binary = binary
        self.deadline = deadline

    def run(self, *args):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Failure("timeout: over %d s for the table" % LIMITS["timeout"])
        env = dict(os.environ)
        # Sanitizer reports must not look like our own exit status 1.
        env.setdefault("ASAN_OPTIONS", "exitcode=86:detect_leaks=1:allocator_may_return_null=1")
        env.setdefault("UBSAN_OPTIONS", "exitcode=87:print_stacktrace=1")
        cmd = [self.binary] + [str(a) for a in args]
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=left, env=env)
        except subprocess.TimeoutExpired:
            raise Failure("timeout: over %d s for the table (in `%s`)" %
                          (LIMITS["timeout"], " ".join(args[:2])))
        crash = crash_of(p.returncode, p.stderr)
        if crash:
            raise Failure("crash: `%s`: %s" % (" ".join(str(a) for a in args[:2]), crash))
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def crash_of(rc, stderr):
    """What went wrong when a run crashed (signal, sanitizer report), else None."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    for line in text.splitlines():
        if any(mark in line for mark in SANITIZER_MARKS):
            return "sanitizer report: " + line.strip()[:200]
    if rc < 0:
        return "killed by signal %d" % -rc
    if rc in SANITIZER_STATUSES:
        return "exit status %d (sanitizer)" % rc
    return None


def first_line(text):
    text = text.strip()
    return text.splitlines()[0] if text else ""


def error_line(stderr):
    """The first "error:" line of stderr (log lines may come before it), else the first."""
    lines = [l for l in stderr.splitlines() if re.match(r"(?:error|bricks):", l)]
    return lines[0] if lines else first_line(stderr)


def error_message(rc, stderr):
    """The error lines of a clean error (exit 1, "error: ..." on stderr), else Failure.

    Log lines (warnings) may come first; the error is what the "error:" lines say.
    """
    if rc == 0:
        raise Failure("read: exit status 0, expected an error")
    if rc != 1:
        raise Failure("error: exit status %d, expected 1 (%s)" % (rc, first_line(stderr)))
    # The contract says "error: <message>"; the parquet commands print "bricks: ...".
    lines = [l for l in stderr.splitlines() if re.match(r"(?:error|bricks):\s*\S", l)]
    if not lines:
        raise Failure("error: no \"error: ...\" message on stderr (got %r)" %
                      first_line(stderr)[:200])
    return "\n".join(lines)


class _Obj(list):
    """A JSON object kept as its (key, value) pairs, so key order can be checked."""


def canonical(row, drop=()):
    """A parsed row as one comparable string: keys sorted at every level, the top-level
    columns in drop left out."""
    def plain(v):
        if isinstance(v, _Obj):
            return {k: plain(x) for k, x in v}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v
    top = {k: plain(x) for k, x in row if k not in drop}
    return json.dumps(top, sort_keys=True, ensure_ascii=False)


def parse_rows(stdout, what):
    rows = []
    for n, line in enumerate(stdout.splitlines(), 1):
        try:
            rows.append(json.loads(line, object_pairs_hook=_Obj))
        except ValueError as e:
            raise Failure("output: %s line %d is not JSON (%s): %r" % (what, n, e, line[:120]))
    return rows


def read_expected(runner, folder, drop=()):
    """Canonical rows of every Parquet file in folder, read by `bricks parquet cat`."""
    rows = []
    files = parquet_files(folder)
    if not files:
        raise Failure("expected: no Parquet files in %s" % folder)
    for path in files:
        rc, out, err = runner.run("parquet", "cat", path, "--format", "jsonl")
        if rc != 0:
            raise Failure("expected: `bricks parquet cat %s` failed: %s" %
                          (os.path.basename(path), error_line(err)))
        rows += [canonical(r, drop) for r in parse_rows(out.decode("utf-8", "replace"), path)]
    return rows


def multiset_diff(got, want, limit=3):
    """None when got and want hold the same rows, else a short description."""
    g, w = collections.Counter(got), collections.Counter(want)
    if g == w:
        return None
    missing = list((w - g).elements())
    extra = list((g - w).elements())
    lines = ["wrong rows: %d rows, expected %d; %d missing, %d unexpected" %
             (len(got), len(want), len(missing), len(extra))]
    for label, rows in (("missing", missing), ("unexpected", extra)):
        for r in sorted(rows)[:limit]:
            lines.append("    %s %s" % (label, r[:300]))
        if len(rows) > limit:
            lines.append("    ... %d more %s" % (len(rows) - limit, label))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------
# The checks

# Expected columns that Spark wrote with information the table does not hold; they
# are left out of the comparison (the rest of the row still counts).
EXPECTED_EXCEPTIONS = {
    "delta-golden-krs/data-reader-partition-values": (
        "as_timestamp",
        "the partition value \"2021-09-08 11:11:11\" carries no time zone (PROTOCOL.md: the "
        "writer's); Spark wrote expected/ in America/Los_Angeles (18:11:11 UTC), Bricks "
        "reads it as UTC, as delta-kernel-rs does (it skips this table for that reason)"),
}


def version_args(version):
    return [] if version is None else ["--version", version]


def check_info(runner, table, state, version=None):
    """Run `delta info` and compare it with the log reader's state; returns the info."""
    rc, out, err = runner.run("delta", "info", table.root, "--format", "json",
                              *version_args(version))
    if rc != 0:
        raise Failure("info: exit status %d: %s" % (rc, error_line(err)))
    return compare_info(out, state)


def compare_info(out, state):
    """The parsed output of `delta info`, once it agrees with the log reader's state."""
    try:
        info = json.loads(out)
    except ValueError as e:
        raise Failure("info: output is not JSON (%s): %r" % (e, out[:200]))
    if not isinstance(info, dict):
        raise Failure("info: output is not a JSON object")
    problems = []

    def same(key, got, want):
        if got != want:
            problems.append("%s is %s, the log says %s" % (key, json.dumps(got)[:200],
                                                           json.dumps(want)[:200]))

    same("version", info.get("version"), state.version)
    proto = info.get("protocol") or {}
    want_p = state.protocol or {}
    for key in ("minReaderVersion", "minWriterVersion"):
        same("protocol." + key, proto.get(key), want_p.get(key))
    for key in ("readerFeatures", "writerFeatures"):
        same("protocol." + key, sorted(proto.get(key) or []), sorted(want_p.get(key) or []))
    same("schema", info.get("schema"), state.schema())
    same("partition_columns", info.get("partition_columns"),
         list(state.metadata.get("partitionColumns") or []))
    same("configuration", info.get("configuration") or {},
         _mapping(state.metadata.get("configuration")) or {})
    same("num_files", info.get("num_files"), len(state.files))
    same("size_bytes", info.get("size_bytes"), state.size_bytes())
    same("num_records", info.get("num_records"), state.num_records())
    if problems:
        raise Failure("info: " + "; ".join(problems))
    return info


def check_cat(runner, table, names, count, version=None):
    """Run `delta cat`; check the keys of every row and the count; return the rows."""
    rc, out, err = runner.run("delta", "cat", table.root, "--format", "jsonl",
                              *version_args(version))
    if rc != 0:
        kind = "refused" if "feature" in err else "error"
        raise Failure("%s: exit status %d: %s" % (kind, rc, error_line(err)))
    rows = parse_rows(out.decode("utf-8", "replace"), "cat")
    for i, row in enumerate(rows):
        keys = [k for k, _ in row]
        if keys != names:
            raise Failure("wrong columns: row %d has %s, the schema says %s" %
                          (i, keys, names))
    if count is not None and len(rows) != count:
        raise Failure("wrong count: %d rows, the log's stats say %d" % (len(rows), count))
    return rows


def check_read(runner, table, listing, max_versions):
    """The checks of a readable table; returns a one-line summary."""
    state = load_state(listing, listing.latest)
    names = [f.get("name") for f in state.schema().get("fields", [])]
    info = check_info(runner, table, state)
    try:
        rows = check_cat(runner, table, names, info.get("num_records"))
    except Failure as e:
        missing = state.missing_files(table.root)
        if missing:
            raise Failure("%s\n    (the log names %d data files that are not on disk, e.g. %r: "
                          "list the table in %s)" % (e, len(missing), missing[0], REFUSALS_FILE))
        raise
    summary = "%d rows at version %d" % (len(rows), listing.latest)
    if len(rows) >= 2:
        rc, out, err = runner.run("delta", "cat", table.root, "--format", "jsonl", "--limit", 1)
        if rc != 0:
            raise Failure("error: --limit 1: exit status %d: %s" % (rc, error_line(err)))
        some = parse_rows(out.decode("utf-8", "replace"), "cat --limit 1")
        if len(some) != 1 or canonical(some[0]) not in {canonical(r) for r in rows}:
            raise Failure("wrong rows: --limit 1 printed %d rows, not one of the table's" %
                          len(some))
    if table.expected:
        for label, folder in sorted(table.expected.items()):
            version = None if label == "latest" else int(label[1:])
            got = rows if version is None else \
                check_cat(runner, table, names, None, version)
            drop = [EXPECTED_EXCEPTIONS[table.id][0]] if table.id in EXPECTED_EXCEPTIONS else []
            want = read_expected(runner, folder, drop)
            diff = multiset_diff([canonical(r, drop) for r in got], want)
            if diff and version is not None:
                diff = diff.replace(": ", ": version %d: " % version, 1)
            if diff:
                raise Failure(diff)
        summary += ", equal to expected/ (%s)" % ", ".join(sorted(table.expected))
    older = [v for v in listing.versions() if v != listing.latest]
    if max_versions >= 0 and len(older) > max_versions:
        step = len(older) / float(max_versions) if max_versions else 0
        older = sorted({older[int(i * step)] for i in range(max_versions)})
    for v in older:
        try:
            st = load_state(listing, v)
            vnames = [f.get("name") for f in st.schema().get("fields", [])]
        except LogError:
            continue  # the log reader cannot rebuild it; Bricks' own check is version-less
        try:
            if st.missing_files(table.root):
                # Vacuumed since, or a log-only fixture: a clean error is the answer.
                rc, _, err = runner.run("delta", "cat", table.root, "--format", "jsonl",
                                        "--version", v)
                error_message(rc, err)
            else:
                check_cat(runner, table, vnames, st.num_records(), v)
        except Failure as e:
            kind, _, rest = str(e).partition(": ")
            raise Failure("%s: version %d: %s" % (kind, v, rest))
    if older:
        summary += ", and %d older versions" % len(older)
    return summary


def check_refusal(runner, table, listing, refusal):
    """A table listed in the refusals file: a clean error that says why."""
    kind, pattern, _ = refusal
    rc, _, err = runner.run("delta", "cat", table.root, "--format", "jsonl")
    if rc == 0:
        raise Failure("read: read without error; the refusals list expects %s %r" %
                      (kind, pattern))
    message = error_message(rc, err)
    regex = re.escape(pattern) if kind == "feature" else pattern
    if not re.search(regex, message, re.IGNORECASE):
        raise Failure("wrong error: %r does not match %r" % (first_line(message)[:200], pattern))
    if kind == "feature":
        if listing is None:
            raise Failure("list: %s lists a missing feature for a folder with no _delta_log" %
                          REFUSALS_FILE)
        state = load_state(listing, listing.latest)
        features = (state.protocol or {}).get("readerFeatures") or []
        if not any(pattern.lower() in f.lower() for f in features):
            raise Failure("list: %s says reader feature %r, the protocol lists %s" %
                          (REFUSALS_FILE, pattern, features))
    # info reads no data, so it may well succeed; then it must agree with the log.
    rc, out, err = runner.run("delta", "info", table.root, "--format", "json")
    checked = ""
    if rc == 0 and listing is not None:
        try:
            state = load_state(listing, listing.latest)
            state.schema()
        except LogError:
            state = None  # a broken log: info should have refused too
        if state is None:
            raise Failure("info: succeeded on a log the log reader cannot read")
        compare_info(out, state)
        checked = " (info agrees with the log)"
    elif rc != 0:
        error_message(rc, err)
    return "clean error: " + first_line(message)[:200] + checked


def no_log_reason(root):
    """Why root is not a table to read (no _delta_log, no version in it), or None."""
    log = os.path.join(root, "_delta_log")
    if not os.path.isdir(log):
        return "no _delta_log (not a Delta table)"
    if Listing(root).latest < 0:
        return "_delta_log holds no commit or checkpoint"
    return None


def check_table(binary, table, refusals, max_versions):
    """(ok, message) for one table."""
    runner = Runner(binary, time.monotonic() + LIMITS["timeout"])
    try:
        has_log = os.path.isdir(os.path.join(table.root, "_delta_log"))
        listing = Listing(table.root) if has_log else None
        refusal = refusals.get(table.id)
        if refusal:
            return True, check_refusal(runner, table, listing, refusal)
        return True, check_read(runner, table, listing, max_versions)
    except Failure as e:
        return False, str(e)
    except LogError as e:
        return False, "log reader: %s" % e


# ---------------------------------------------------------------------------------
# Survey: the Python side only


def survey(tables, skipped, binary, jobs):
    """Print what discovery, the log reader and the expected side find; returns 0/1.

    A table is BAD when the log reader or the expected side fails on it; that counts
    only for tables that are neither refused by the list nor skipped for want of a log.
    """
    refusals = load_refusals()

    def one(t):
        line, bad = [t.id], False
        try:
            if not os.path.isdir(os.path.join(t.root, "_delta_log")):
                return t, "no _delta_log", True
            listing = Listing(t.root)
            versions = listing.versions()
            line.append("latest %d, %d buildable versions" % (listing.latest, len(versions)))
            state = load_state(listing, listing.latest)
            p = state.protocol or {}
            line.append("protocol %s/%s %s" % (p.get("minReaderVersion"),
                                                p.get("minWriterVersion"),
                                                ",".join(p.get("readerFeatures") or [])))
            line.append("%d files, num_records %s" % (len(state.files), state.num_records()))
            names = [f.get("name") for f in state.schema().get("fields", [])]
            line.append("columns %s" % ",".join(names))
        except (LogError, Failure, OSError) as e:
            line.append("LOG: %s" % e)
            bad = True
        if t.expected:
            runner = Runner(binary, time.monotonic() + LIMITS["timeout"])
            for label, folder in sorted(t.expected.items()):
                try:
                    rows = read_expected(runner, folder)
                    keys = sorted(json.loads(rows[0]).keys()) if rows else []
                    line.append("expected %s: %d rows, keys %s" % (label, len(rows),
                                                                    ",".join(keys)))
                except Failure as e:
                    line.append("EXPECTED %s: %s" % (label, e))
                    bad = True
        return t, " | ".join(line[1:]), bad

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, tables))
    per_source = collections.defaultdict(lambda: [0, 0, 0])
    for t, text, bad in results:
        print("%s %s: %s" % ("BAD " if bad else "    ", t.id, text))
        s = per_source[t.id.split("/")[0]]
        s[0] += 1
        s[1] += len(t.expected or {})
    for tid, reason in skipped:
        print("skip %s: %s" % (tid, reason))
        per_source[tid.split("/")[0]][2] += 1
    for source in SOURCES:
        n, e, s = per_source[source]
        print("%-18s %3d tables, %3d expected versions, %d skipped" % (source, n, e, s))
    return 1 if any(bad and t.id not in refusals and not no_log_reason(t.root)
                    for t, _, bad in results) else 0


# ---------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bricks", "--bin", dest="bin",
                    default=os.path.join(ROOT, "build", "release", "bricks"))
    ap.add_argument("--label", default="delta-golden")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="only tables whose id contains this")
    ap.add_argument("--max-versions", type=int, default=-1,
                    help="older versions read per table, evenly spread (-1: all, 0: none)")
    ap.add_argument("--timeout", type=int, default=TIMEOUT_SECONDS,
                    help="seconds per table (all its runs together); over it is a failure")
    ap.add_argument("--survey", action="store_true",
                    help="only extraction, discovery, the log reader and the expected rows")
    ap.add_argument("--keep", action="store_true", help="keep the extracted archives")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line for every table")
    args = ap.parse_args()
    LIMITS["timeout"] = args.timeout

    base = os.environ.get("BRICKS_TESTDATA") or os.path.join(ROOT, "..", "shared", "testdata")
    if not os.path.isdir(os.path.join(base, "delta-golden-krs")):
        print("%s: SKIPPED: no Delta test data at %s (set BRICKS_TESTDATA)" % (args.label, base))
        print("0 passed, 0 failed")
        return 0
    if not os.access(args.bin, os.X_OK):
        print("%s: no binary at %s" % (args.label, args.bin))
        print("0 passed, 1 failed")
        return 1
    for tool in ("zstd", "tar"):
        if not shutil.which(tool):
            print("%s: `%s` is needed to extract the archives" % (args.label, tool))
            print("0 passed, 1 failed")
            return 1

    tmp = tempfile.mkdtemp(prefix="bricks-delta-golden-")
    try:
        tables, skipped, problems = discover(base, tmp, args.only, args.jobs)
        for p in problems:
            print("FAIL %s" % p)
        if args.survey:
            rc = survey(tables, skipped, args.bin, args.jobs)
            return 1 if rc or problems else 0
        return run_suite(args, tables, skipped, problems)
    finally:
        if args.keep:
            print("extracted archives kept in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run_suite(args, tables, skipped, problems):
    known = load_known_failures()
    refusals = load_refusals()
    ids = {t.id for t in tables}
    checked = []
    for t in tables:
        reason = no_log_reason(t.root)
        if reason and t.id not in refusals:
            skipped.append((t.id, reason))
        else:
            checked.append(t)
    tables = checked

    def one(t):
        try:
            return t, check_table(args.bin, t, refusals, args.max_versions)
        except Exception as e:  # noqa: BLE001 - a harness error is a failure of that table
            return t, (False, "harness error: %r" % e)

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(one, tables))

    passed, failed, known_failed, now_passing = 0, len(problems), 0, []
    classes = collections.Counter()
    for tid, reason in skipped:
        print("skip %s: %s" % (tid, reason))
    for t, (ok, message) in results:
        if t.id in known:
            if ok:
                passed += 1
                now_passing.append(t.id)
                print("PASS %s: now passes: remove it from %s" % (t.id, KNOWN_FILE))
            else:
                known_failed += 1
                if args.verbose:
                    print("KNOWN %s: %s (%s)" % (t.id, message.splitlines()[0], known[t.id]))
            continue
        if ok:
            passed += 1
            if args.verbose:
                print("ok   %s: %s" % (t.id, message))
        else:
            failed += 1
            classes[message.split(":", 1)[0]] += 1
            print("FAIL %s: %s" % (t.id, message))
    if not args.only:
        for name, entries in ((KNOWN_FILE, known), (REFUSALS_FILE, refusals)):
            for tid in sorted(set(entries) - ids):
                failed += 1
                print("FAIL %s: listed in %s but not in the test data" % (tid, name))
    if classes:
        print("failures by kind: " + ", ".join("%s %d" % kv for kv in sorted(classes.items())))
    binary = os.path.relpath(args.bin, ROOT) if args.bin.startswith(ROOT) else args.bin
    print("%s: %d tables: %d passed, %d failed, %d known failures, %d skipped (%s, %ds)"
          % (args.label, len(tables), passed, failed, known_failed, len(skipped), binary,
             time.monotonic() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
