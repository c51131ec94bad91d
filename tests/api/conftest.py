"""Fixtures for the API suite: a real `bricks serve` and Databricks SDK clients.

One server runs per test session, on a free port, over a temporary data directory.
Its first-start output gives the admin token (a line that is only the token) and the
address ("bricks serve: listening on http://ADDR:PORT").

Fixtures:
  server        the running server (host, token, data_dir, first_output, last_output,
                restart(), log()); first_output stays the first start's lines across
                restarts, so tests may restart (or SIGKILL) the shared server
  w             a WorkspaceClient authenticated as the admin
  make_user     make_user(prefix="u") -> (User, WorkspaceClient) for a new non-admin user:
                the admin creates it through SCIM and mints its token with
                token_management.create_obo_token
  user_client   one such non-admin (User, WorkspaceClient) per test
  unique        unique("name") -> a name no other test uses

Set BRICKS_BIN to test another binary (e.g. build/asan/bricks).
"""

import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

import pytest
import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.core import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("BRICKS_BIN", os.path.join(ROOT, "build", "release", "bricks"))
TOKEN_RE = re.compile(r"^(dapi[0-9a-f]{64})$")
LISTEN_RE = re.compile(r"^bricks serve: listening on (http://\S+) ")


class Server:
    """A `bricks serve` child process over one data directory."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.log_path = os.path.join(os.path.dirname(data_dir), "server.log")
        self.proc = None
        self.host = None
        self.token = None
        self.first_output = None  # the first start's lines (the one that prints the token)
        self.last_output = None   # the latest start's lines

    def start(self, listen="127.0.0.1:0", expect_token=True):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.data_dir, "--listen", listen],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True)
        log.close()
        lines = []
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"bricks serve exited: {lines} (log {self.log_path})")
            line = line.rstrip("\n")
            lines.append(line)
            m = TOKEN_RE.match(line)
            if m:
                self.token = m.group(1)
            m = LISTEN_RE.match(line)
            if m:
                self.host = m.group(1)
                break
        else:
            raise RuntimeError("bricks serve did not say where it listens")
        if expect_token and self.token is None:
            raise RuntimeError(f"no admin token printed: {lines}")
        if self.first_output is None:
            self.first_output = lines
        self.last_output = lines
        return lines

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def restart(self, sig=signal.SIGTERM):
        """Stop (SIGTERM, or SIGKILL to simulate a crash) and start on the same port.

        Returns the new start-up output lines (a restart must print no token)."""
        port = self.host.rsplit(":", 1)[1]
        token = self.token
        self.stop(sig)
        self.token = None
        lines = self.start(f"127.0.0.1:{port}", expect_token=False)
        new_token = self.token
        self.token = token
        if new_token is not None:
            raise AssertionError(f"a restart printed a new token: {lines}")
        return lines

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


def client(host, token):
    cfg = Config(host=host, token=token, auth_type="pat", retry_timeout_seconds=20)
    return WorkspaceClient(config=cfg)


@pytest.fixture(scope="session")
def server():
    tmp = tempfile.mkdtemp(prefix="bricks-api-")
    srv = Server(os.path.join(tmp, "data"))
    srv.start()
    yield srv
    rc = srv.stop()
    log = srv.log()
    shutil.rmtree(tmp, ignore_errors=True)
    # A sanitizer report (the ASan build) or a failed shutdown fails the session.
    assert "Sanitizer" not in log and "runtime error" not in log, log[-4000:]
    assert rc == 0, f"bricks serve exited with {rc}"


@pytest.fixture(scope="session", autouse=True)
def _isolated_sdk_env():
    # The SDK must see only what the tests pass: no profile file, no env credentials.
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("DATABRICKS_")}
    os.environ["DATABRICKS_CONFIG_FILE"] = os.devnull
    yield
    os.environ.pop("DATABRICKS_CONFIG_FILE", None)
    os.environ.update(saved)


@pytest.fixture(scope="session")
def w(server):
    return client(server.host, server.token)


_counter = itertools.count()


@pytest.fixture
def unique():
    run = uuid.uuid4().hex[:8]

    def make(prefix="x"):
        return f"{prefix}-{run}-{next(_counter)}"

    return make


@pytest.fixture
def make_user(server, w, unique):
    def make(prefix="user"):
        user = w.users.create(user_name=f"{unique(prefix)}@example.com")
        obo = w.token_management.create_obo_token(application_id=user.id, comment="test")
        return user, client(server.host, obo.token_value)

    return make


@pytest.fixture
def user_client(make_user):
    return make_user()


def raw(server, method, path, token=None, **kwargs):
    """A plain HTTP request (for checks the SDK would hide: status lines, bodies)."""
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, server.host + path, headers=headers, timeout=30, **kwargs)
