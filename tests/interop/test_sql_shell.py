"""test_sql_shell.py — `bricks sql` driven as a user would: through a pipe, with -c,
from a file, and interactively on a pseudo-terminal (line editing, multi-line
statements, dot commands)."""

import os
import pty
import select
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BRICKS = os.environ.get("BRICKS_BIN", os.path.join(ROOT, "build", "release", "bricks"))


def run(args, stdin=b""):
    return subprocess.run([BRICKS, "sql"] + args, input=stdin, capture_output=True, timeout=60)


def test_pipe_runs_every_statement_and_prints_each_result():
    p = run(["--format", "csv"], b"SELECT 1 AS a;\nSELECT 'x' AS b, NULL AS c;\n-- done\n")
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == "a\r\n1\r\nb,c\r\nx,\r\n"


def test_pipe_runs_each_statement_as_it_arrives_with_timer():
    """A program can drive one session: each result comes before the next statement is sent."""
    p = subprocess.Popen([BRICKS, "sql", "--format", "csv"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        p.stdin.write(b"CREATE TEMPORARY VIEW v AS SELECT id FROM range(5);\n.timer on\n")
        for n in (2, 4):
            p.stdin.write(b"SELECT count(*) AS n\nFROM v WHERE id < %d;\n" % n)
            p.stdin.flush()
            assert p.stdout.readline() == b"n\r\n"
            assert p.stdout.readline() == b"%d\r\n" % n
            line = p.stderr.readline().decode()
            assert line.startswith("Run Time: ") and line.endswith(" s\n"), line
            float(line.split()[2])
        p.stdin.write(b".timer off\nSELECT 7 AS last")  # no ';': runs at end of input
        p.stdin.close()
        assert p.stdout.read() == b"last\r\n7\r\n"
        assert p.stderr.read() == b""
        assert p.wait(timeout=60) == 0
    finally:
        p.kill()
        p.wait()


def test_first_error_stops_the_script_with_class_and_fragment(tmp_path):
    script = tmp_path / "s.sql"
    script.write_text("SELECT 1 AS ok;\nSELECT nope FROM range(2);\nSELECT 3 AS never;\n")
    p = subprocess.run([BRICKS, "sql", "--format", "csv", str(script)], capture_output=True,
                       timeout=60)
    assert p.returncode == 1
    out, err = p.stdout.decode(), p.stderr.decode()
    assert "ok" in out and "never" not in out
    # the full class once, then Spark's message with the suggestions, then the SQLSTATE
    assert err.startswith("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function "
                          "parameter with name `nope` cannot be resolved. Did you mean one of "
                          "the following? [`id`]. SQLSTATE: 42703; line 2 pos 7\n"), err
    assert err.count("UNRESOLVED_COLUMN") == 1
    assert "SELECT nope FROM range(2)\n       ^" in err


def test_c_option_box_and_json_modes():
    p = run(["-c", "SELECT 1 AS n, 'a' AS s"])
    assert p.returncode == 0
    box = p.stdout.decode()
    assert box.startswith("┌─────┬────────┐\n│  n  │   s    │\n│ int │ string │\n")
    assert "│   1 │ a      │" in box
    p = run(["--format", "json", "-c", "SELECT 1 AS n, 'a' AS s, NULL AS z"])
    assert p.stdout.decode() == '[\n{"n":1,"s":"a","z":null}\n]\n'


def test_box_cuts_a_header_past_60_columns_like_its_cells():
    name = "h" * 70
    p = run(["-c", f"SELECT 'x' AS {name}"])
    assert p.returncode == 0
    lines = p.stdout.decode().splitlines()
    assert lines[1] == "│ " + "h" * 59 + "… │", lines[1]
    assert len({len(line) for line in lines}) == 1, lines  # every line as wide as the box


def test_usage_errors_exit_2():
    assert run(["--format", "yaml", "-c", "SELECT 1"]).returncode == 2
    assert run(["--bogus"]).returncode == 2


def _read_until(fd, needle, timeout=20):
    buf = b""
    end = time.time() + timeout
    while needle not in buf:
        left = end - time.time()
        assert left > 0, "timed out waiting for %r; screen so far: %r" % (needle, buf)
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    return buf


def test_interactive_on_a_terminal(tmp_path):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["HOME"] = str(tmp_path)  # history file goes there
        os.execv(BRICKS, [BRICKS, "sql"])
    try:
        _read_until(fd, b"bricks> ")
        os.write(fd, b"SELECT 40 +\r")
        _read_until(fd, b"...> ")
        os.write(fd, b"2 AS answer;\r")
        screen = _read_until(fd, b"bricks> ")
        assert b"answer" in screen and b"42" in screen and b"\xe2\x94\x8c" in screen  # box
        os.write(fd, b".mode csv\r")
        _read_until(fd, b"bricks> ")
        os.write(fd, b".timer on\r")
        _read_until(fd, b"bricks> ")
        os.write(fd, b"SELECT 'x' AS v;\r")
        screen = _read_until(fd, b"bricks> ")
        assert b"v\r\n" in screen.replace(b"\r\r\n", b"\r\n") and b"Run Time:" in screen
        os.write(fd, b"SELECT 1/0;\r")
        screen = _read_until(fd, b"bricks> ")
        assert b"[DIVIDE_BY_ZERO]" in screen  # errors do not end the session
        os.write(fd, b".help\r")
        screen = _read_until(fd, b"bricks> ")
        assert b".mode" in screen
        os.write(fd, b".quit\r")
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
    finally:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        os.close(fd)


def test_progress_line_and_ctrl_c_cancel_on_a_terminal(tmp_path):
    """A statement past one second shows the progress line; Ctrl-C cancels it, not the shell."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["HOME"] = str(tmp_path)
        os.execv(BRICKS, [BRICKS, "sql"])
    try:
        _read_until(fd, b"bricks> ")
        os.write(fd, b"SELECT count(*) FROM range(1000000000000) WHERE id % 7 = 3;\r")
        screen = _read_until(fd, b"rows read]", timeout=20)
        assert b"[running " in screen
        os.write(fd, b"\x03")  # Ctrl-C
        screen = _read_until(fd, b"bricks> ", timeout=20)
        assert b"[OPERATION_CANCELED]" in screen
        os.write(fd, b"SELECT 6 * 7 AS answer;\r")
        screen = _read_until(fd, b"bricks> ")
        assert b"42" in screen and b"running" not in screen  # quick: no progress line
        os.write(fd, b".quit\r")
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
    finally:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        os.close(fd)
