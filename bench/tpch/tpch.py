"""tpch.py — TPC-H data, the 22 queries, and running them through Bricks and DuckDB.

Shared by bench/tpch/run.py (timings at SF1) and tests/interop/test_tpch.py
(correctness at SF0.01), on the Parquet files and on the Delta copy Bricks writes.  The query texts are Spark's, from
../shared/testdata/tpch/queries/ (or $BRICKS_TESTDATA/tpch/queries).
"""

import csv
import datetime
import decimal
import io
import math
import os
import shutil
import queue
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]


def testdata_dir():
    return os.environ.get("BRICKS_TESTDATA", os.path.join(ROOT, "..", "shared", "testdata"))


def query_text(n):
    with open(os.path.join(testdata_dir(), "tpch", "queries", "q%d.sql" % n)) as f:
        return f.read()


def generate(sf, out_dir):
    """Parquet files DIR/<table>.parquet at scale factor sf (skipped when present)."""
    if all(os.path.exists(os.path.join(out_dir, t + ".parquet")) for t in TABLES):
        return
    os.makedirs(out_dir, exist_ok=True)
    exe = os.path.join(ROOT, ".venv", "bin", "tpchgen-cli")
    subprocess.run([exe, "parquet", "-s", str(sf), "--output-dir", out_dir], check=True,
                   stdout=subprocess.DEVNULL)


def delta_dir(data_dir):
    """Where generate_delta puts the Delta copy of the Parquet files of data_dir."""
    return os.path.join(data_dir, "delta")


def generate_delta(binary, data_dir):
    """Delta tables DIR/delta/<table>, written by `bricks delta write --from-parquet`.

    Each table is written into a temporary directory and renamed into place, so an
    interrupted run never leaves a half-made table behind; present tables are kept.
    Returns the seconds spent writing (0 when every table was there)."""
    out = delta_dir(data_dir)
    os.makedirs(out, exist_ok=True)
    spent = 0.0
    for t in TABLES:
        dst = os.path.join(out, t)
        if os.path.isdir(os.path.join(dst, "_delta_log")):
            continue
        tmp = dst + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        t0 = time.perf_counter()
        p = subprocess.run([binary, "delta", "write", tmp, "--from-parquet",
                            os.path.join(data_dir, t + ".parquet")], capture_output=True)
        spent += time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError("bricks delta write %s: %s"
                               % (t, p.stderr.decode(errors="replace").strip()))
        os.rename(tmp, dst)
    return spent


def views_sql(data_dir, fmt="parquet"):
    """CREATE TEMPORARY VIEW statements naming the tables as the queries do.

    fmt "parquet" reads DIR/<table>.parquet, "delta" the tables of generate_delta."""
    stmts = []
    for t in TABLES:
        if fmt == "parquet":
            path = os.path.join(data_dir, t + ".parquet")
        else:
            path = os.path.join(delta_dir(data_dir), t)
        stmts.append("CREATE TEMPORARY VIEW %s AS SELECT * FROM %s.`%s`;" % (t, fmt, path))
    return "\n".join(stmts) + "\n"


def run_bricks(binary, data_dir, n, fmt="parquet"):
    """(seconds, header, rows as strings) for query n through `bricks sql`."""
    script = views_sql(data_dir, fmt) + query_text(n)
    t0 = time.perf_counter()
    p = subprocess.run([binary, "sql", "--format", "csv"], input=script.encode(),
                       capture_output=True)
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError("bricks q%d: %s" % (n, p.stderr.decode(errors="replace").strip()))
    rows = list(csv.reader(io.StringIO(p.stdout.decode())))
    header = rows[0]
    # a one-column NULL row is an empty CSV line, which the reader returns as []
    body = [r if r or len(header) != 1 else [""] for r in rows[1:]]
    return elapsed, header, body


class BricksSession:
    """One warm `bricks sql --format csv` process: the views once, then query after query.

    Statements go in over a pipe (the shell runs each as its ';' arrives); `.timer on`
    makes it print each statement's time (execution and CSV output) to stderr.  After
    each query a marker SELECT ends its CSV output on stdout.  An error ends the
    process (the shell stops at the first one); the next query starts a fresh one."""

    MARK = "bricks-bench-end"

    def __init__(self, binary, data_dir, fmt="parquet"):
        self.binary, self.data_dir, self.fmt = binary, data_dir, fmt
        self.proc = None

    def _start(self):
        self.proc = subprocess.Popen([self.binary, "sql", "--format", "csv"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.errors = queue.Queue()
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.errors),
                         daemon=True).start()
        self.proc.stdin.write(views_sql(self.data_dir, self.fmt) + ".timer on\n")

    @staticmethod
    def _drain(stream, q):
        for line in stream:
            q.put(line)
        q.put(None)

    def _stderr_lines(self, want_timers, wait):
        """stderr lines until `want_timers` "Run Time:" lines arrived (or the end)."""
        lines, timers = [], 0
        while timers < want_timers:
            line = self.errors.get(timeout=wait)
            if line is None:
                break
            if line.startswith("Run Time: "):
                timers += 1
            lines.append(line)
        return lines

    def run(self, n):
        """(seconds inside the shell, header, rows as strings) for query n."""
        if self.proc is None:
            self._start()
        sql = query_text(n).rstrip().rstrip(";")
        out = []
        try:
            self.proc.stdin.write(sql + ";\nSELECT '%s' AS bench_marker;\n" % self.MARK)
            self.proc.stdin.flush()
            for line in self.proc.stdout:
                if line.rstrip("\r\n") == self.MARK and out and out[-1].startswith("bench_"):
                    break
                out.append(line)
            else:
                raise BrokenPipeError
        except BrokenPipeError:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
            self.proc.wait()
            lines = self._stderr_lines(10 ** 9, 60)
            self.proc = None
            msg = "".join(l for l in lines if not l.startswith("Run Time: ")).strip()
            raise RuntimeError("bricks q%d: %s" % (n, msg or "the shell ended"))
        timers = [l for l in self._stderr_lines(2, 600) if l.startswith("Run Time: ")]
        elapsed = float(timers[0].split()[2])
        rows = list(csv.reader(io.StringIO("".join(out[:-1]))))
        header = rows[0]
        body = [r if r or len(header) != 1 else [""] for r in rows[1:]]
        return elapsed, header, body

    def close(self):
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait()
            self.proc = None


def duckdb_connection(data_dir):
    import duckdb

    con = duckdb.connect()
    for t in TABLES:
        con.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s')"
                    % (t, os.path.join(data_dir, t + ".parquet")))
    return con


def run_duckdb(con, n):
    sql = query_text(n)
    t0 = time.perf_counter()
    cur = con.execute(sql)
    rows = cur.fetchall()
    elapsed = time.perf_counter() - t0
    return elapsed, [d[0] for d in cur.description], rows


def _same(a, b):
    """Bricks' text value a against DuckDB's value b."""
    if b is None:
        return a in ("", "NULL")
    if isinstance(b, (int, float, decimal.Decimal)) and not isinstance(b, bool):
        try:
            x = float(a)
        except ValueError:
            return False
        y = float(b)
        if x == y or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
            return True
        # Spark types avg/division of decimals as DECIMAL with a fixed scale (DuckDB
        # answers a double): equal when DuckDB's value rounds to Bricks' digits
        if "." in a and "e" not in a.lower():
            digits = len(a.split(".")[1])
            return abs(x - y) <= 0.5 * 10 ** -digits * (1 + 1e-9) + abs(y) * 1e-15
        return False
    if isinstance(b, (datetime.date, datetime.datetime)):
        return a == str(b)
    return a == str(b)


def compare(bricks_rows, duck_rows):
    """None when equal (in order, or as multisets when only the order of ties differs), else why."""
    if len(bricks_rows) != len(duck_rows):
        return "%d rows, DuckDB has %d" % (len(bricks_rows), len(duck_rows))

    def rows_equal(xs, ys):
        for i, (r, d) in enumerate(zip(xs, ys)):
            if len(r) != len(d):
                return "row %d: %d columns, DuckDB has %d" % (i, len(r), len(d))
            for j, (a, b) in enumerate(zip(r, d)):
                if not _same(a, b):
                    return "row %d column %d: %r, DuckDB has %r" % (i, j, a, b)
        return None

    why = rows_equal(bricks_rows, duck_rows)
    if why is None:
        return None
    key = lambda r: [str(v) for v in r]  # noqa: E731
    if rows_equal(sorted(bricks_rows, key=key),
                  sorted(duck_rows, key=lambda r: [("" if v is None else str(v)) for v in r])) is None:
        return None
    return why
