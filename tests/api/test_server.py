"""The server core: start-up, auth, error shapes, limits, request log, restart."""

import json

import pytest
from databricks.sdk.errors import (BadRequest, NotFound, PermissionDenied,
                                   Unauthenticated)

from conftest import client, raw


def test_first_start_prints_token_once(server):
    token_lines = [line for line in server.first_output if line.startswith("dapi")]
    assert token_lines == [server.token]
    assert any("created the admin user admin@bricks.local" in line
               for line in server.first_output)


def test_data_dir_files(server):
    import os
    import stat
    key = os.path.join(server.data_dir, "secret.key")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert os.path.getsize(key) == 32
    assert os.path.exists(os.path.join(server.data_dir, "metastore.db"))
    # The token is stored only as a hash: its text appears nowhere in the directory.
    for name in os.listdir(server.data_dir):
        if not os.path.isfile(os.path.join(server.data_dir, name)):
            continue  # dbfs/, volumes/, tmp/ of other services' tests
        with open(os.path.join(server.data_dir, name), "rb") as f:
            assert server.token.encode() not in f.read()


def test_health_needs_no_token(server):
    r = raw(server, "GET", "/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_config_probe(server):
    r = raw(server, "GET", "/.well-known/databricks-config")
    assert r.status_code == 200
    assert r.json()["workspace_id"].isdigit()


def test_me(w):
    me = w.current_user.me()
    assert me.user_name == "admin@bricks.local"
    assert me.active
    assert int(me.id) > 0
    assert "admins" in [g.display for g in me.groups]


def test_me_org_id_header(server, w):
    r = raw(server, "GET", "/api/2.0/preview/scim/v2/Me", token=server.token)
    assert r.status_code == 200
    probe = raw(server, "GET", "/.well-known/databricks-config").json()
    assert r.headers["X-Databricks-Org-Id"] == probe["workspace_id"]
    assert w.get_workspace_id() == int(probe["workspace_id"])


def test_no_token_is_401(server):
    r = raw(server, "GET", "/api/2.0/preview/scim/v2/Me")
    assert r.status_code == 401
    assert r.json()["error_code"] == "UNAUTHENTICATED"


def test_bad_token_is_401_in_sdk(server):
    bad = client(server.host, "dapi" + "0" * 64)
    with pytest.raises(Unauthenticated):
        bad.current_user.me()


def test_wrong_scheme_is_401(server):
    r = raw(server, "GET", "/api/2.0/token/list",
            headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    assert r.status_code == 401


def test_unknown_endpoint_is_404(server, w):
    r = raw(server, "GET", "/api/2.0/no/such/thing", token=server.token)
    assert r.status_code == 404
    body = r.json()
    assert body["error_code"] == "ENDPOINT_NOT_FOUND"
    assert "/api/2.0/no/such/thing" in body["message"]
    with pytest.raises(NotFound):
        w.api_client.do("GET", "/api/2.0/no/such/thing")


def test_unknown_endpoint_without_token_is_404(server):
    # Unknown paths are 404 before auth, like Databricks' gateway.
    r = raw(server, "POST", "/api/9.9/nothing")
    assert r.status_code == 404
    assert r.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_wrong_method_is_404(server):
    r = raw(server, "DELETE", "/api/2.0/token/list", token=server.token)
    assert r.status_code == 404
    assert r.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_malformed_json_is_400(server, w):
    r = raw(server, "POST", "/api/2.0/token/create", token=server.token, data="{\"comment\": ")
    assert r.status_code == 400
    assert r.json()["error_code"] == "MALFORMED_REQUEST"
    r = raw(server, "POST", "/api/2.0/token/create", token=server.token, data="[1, 2]")
    assert r.status_code == 400
    assert r.json()["error_code"] == "MALFORMED_REQUEST"
    with pytest.raises(BadRequest):
        w.api_client.do("POST", "/api/2.0/token/create", data="not json")


def test_wrong_type_is_invalid_parameter(server, w):
    r = raw(server, "POST", "/api/2.0/token/create", token=server.token,
            json={"lifetime_seconds": "soon"})
    assert r.status_code == 400
    body = r.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "lifetime_seconds" in body["message"]


def test_oversized_body_is_413(server, w):
    big = "x" * (17 << 20)
    r = raw(server, "POST", "/api/2.0/token/create", token=server.token,
            data=json.dumps({"comment": big}))
    assert r.status_code == 413
    assert r.json()["error_code"] == "REQUEST_ENTITY_TOO_LARGE"
    # The connection and the server are fine afterwards.
    assert w.current_user.me().user_name == "admin@bricks.local"


def test_oversized_chunked_body_is_413(server):
    def chunks():
        for _ in range(20):
            yield b"y" * (1 << 20)

    r = raw(server, "POST", "/api/2.0/token/create", token=server.token, data=chunks())
    assert r.status_code == 413


def test_huge_header_is_rejected(server):
    r = raw(server, "GET", "/health", headers={"X-Big": "z" * (128 << 10)})
    assert r.status_code in (400, 413, 431)


def test_header_limit_is_16_kib(server, w):
    # Headers well past what the SDK sends still work; past the 16 KiB connection
    # memory MHD answers 431, and the server goes on serving.
    r = raw(server, "GET", "/api/2.0/preview/scim/v2/Me", token=server.token,
            headers={"X-Big": "z" * (12 << 10)})
    assert r.status_code == 200
    r = raw(server, "GET", "/health", headers={"X-Big": "z" * (20 << 10)})
    assert r.status_code == 431
    assert w.current_user.me().user_name == "admin@bricks.local"


def test_bad_query_escape_is_400(server):
    import http.client
    hostport = server.host.split("//", 1)[1]
    conn = http.client.HTTPConnection(hostport, timeout=10)
    # http.client sends the target as written (requests would re-quote the '%').
    conn.request("GET", "/api/2.0/preview/scim/v2/Users?filter=%zz",
                 headers={"Authorization": f"Bearer {server.token}"})
    r = conn.getresponse()
    assert r.status == 400
    assert json.loads(r.read())["error_code"] == "MALFORMED_REQUEST"
    conn.close()


def test_request_log_line(server, w):
    w.current_user.me()
    lines = [line for line in server.log().splitlines()
             if "GET /api/2.0/preview/scim/v2/Me 200" in line]
    assert lines, "no log line for the Me call"
    assert lines[-1].split()[-1] == "admin@bricks.local"
    assert lines[-1].split()[-2].endswith("ms")


def test_non_admin_gets_403(user_client):
    _, uc = user_client
    with pytest.raises(PermissionDenied) as e:
        uc.users.create(user_name="someone-else@example.com")
    assert e.value.error_code == "PERMISSION_DENIED"


def test_restart_keeps_state_and_prints_no_token(server, w, unique):
    name = f"{unique('restart')}@example.com"
    user = w.users.create(user_name=name)
    created = w.tokens.create(comment="survives restart", lifetime_seconds=3600)
    server.restart()
    assert w.users.get(user.id).user_name == name
    assert created.token_info.token_id in [t.token_id for t in w.tokens.list()]
    survivor = client(server.host, created.token_value)
    assert survivor.current_user.me().user_name == "admin@bricks.local"


def test_sigkill_keeps_acknowledged_writes(server, w, unique):
    names = [f"{unique('kill')}@example.com" for _ in range(20)]
    ids = [w.users.create(user_name=n).id for n in names]
    server.restart(sig=9)
    for user_id, name in zip(ids, names):
        assert w.users.get(user_id).user_name == name


def test_concurrent_writers(server, w, unique):
    # Many clients writing at once: every write succeeds (writers queue on the
    # metastore's lock instead of failing) and every one is there afterwards.
    from concurrent.futures import ThreadPoolExecutor
    tag = unique("conc")

    def work(k):
        c = client(server.host, server.token)
        ids = []
        for i in range(15):
            ids.append(c.users.create(user_name=f"{tag}-{k}-{i}@example.com").id)
            c.tokens.create(comment=f"{tag}-{k}-{i}", lifetime_seconds=60)
        return ids

    with ThreadPoolExecutor(8) as pool:
        ids = [i for chunk in pool.map(work, range(8)) for i in chunk]
    assert len(set(ids)) == 120
    listed = {u.id for u in w.users.list(filter=f'userName sw "{tag}"', attributes="id")}
    assert listed == set(ids)
    comments = [t.comment for t in w.tokens.list() if t.comment and t.comment.startswith(tag)]
    assert len(comments) == 120
    assert "database is locked" not in server.log()


def test_sigterm_lets_in_flight_requests_finish(server, w):
    import signal
    import socket
    import time
    hostport = server.host.split("//", 1)[1]
    host, port = hostport.rsplit(":", 1)
    body = json.dumps({"comment": "in flight at shutdown"}).encode()
    s = socket.create_connection((host, int(port)), timeout=20)
    s.sendall(b"POST /api/2.0/token/create HTTP/1.1\r\nHost: x\r\n"
              b"Authorization: Bearer " + server.token.encode() + b"\r\n"
              b"Content-Type: application/json\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert server.proc.poll() is None, "the server quit with a request in flight"
    s.sendall(body[10:])
    reply = b""
    while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
    s.close()
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    assert b'"token_value":"dapi' in reply
    assert server.proc.wait(timeout=20) == 0
    # Bring the session's server back on the same port; the write is there.
    server.proc = None
    server.start(f"127.0.0.1:{port}", expect_token=False)
    assert "in flight at shutdown" in [t.comment for t in w.tokens.list()]
