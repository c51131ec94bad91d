"""DBFS 2.0 (/api/2.0/dbfs/...) through the SDK: w.dbfs (DbfsExt) and its raw DbfsAPI methods.

Covers put (inline and multipart), get-status, list, mkdirs, read, move, delete, the
create/add-block/close streaming handles, the DbfsExt mixin (upload, download, open,
exists, copy, move_, recursive list), the 1 MB limits, path traversal (nothing outside
DIR/dbfs is read or written), symbolic links, 401, handles per user, and a restart.
"""

import base64
import hashlib
import io
import os

import pytest
import requests
from databricks.sdk.errors import (BadRequest, InvalidParameterValue, NotFound,
                                   PermissionDenied, ResourceAlreadyExists,
                                   ResourceDoesNotExist, Unauthenticated)
from databricks.sdk.service.files import DbfsAPI

from conftest import client

MB = 1024 * 1024


def b64(data):
    return base64.b64encode(data).decode()


@pytest.fixture
def d(unique):
    """A fresh DBFS directory path for one test."""
    return "/" + unique("dbfs")


def dbfs_dir(server):
    return os.path.join(server.data_dir, "dbfs")


def tree_snapshot(root):
    """Every path below root with its size (directories as -1)."""
    out = {}
    for base, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(base, name), root)] = -1
        for name in files:
            p = os.path.join(base, name)
            out[os.path.relpath(p, root)] = os.lstat(p).st_size
    return out


def test_put_get_status_read_list(w, d):
    w.dbfs.put(f"{d}/a.txt", contents=b64(b"hello dbfs"), overwrite=False)
    st = w.dbfs.get_status(f"dbfs:{d}/a.txt")
    assert st.path == f"{d}/a.txt"
    assert st.is_dir is False
    assert st.file_size == 10
    assert st.modification_time > 1_600_000_000_000
    r = w.dbfs.read(f"{d}/a.txt")
    assert r.bytes_read == 10 and base64.b64decode(r.data) == b"hello dbfs"
    r = w.dbfs.read(f"{d}/a.txt", offset=6, length=100)  # past the end: what is left
    assert r.bytes_read == 4 and base64.b64decode(r.data) == b"dbfs"
    r = w.dbfs.read(f"{d}/a.txt", offset=10, length=5)
    assert r.bytes_read == 0 and base64.b64decode(r.data or "") == b""
    r = w.dbfs.read(f"{d}/a.txt", offset=50, length=5)
    assert r.bytes_read == 0
    dir_st = w.dbfs.get_status(d)
    assert dir_st.is_dir is True and dir_st.file_size == 0
    listed = DbfsAPI.list(w.dbfs, d)
    assert [(f.path, f.is_dir, f.file_size) for f in listed] == [(f"{d}/a.txt", False, 10)]


def test_put_overwrite_and_already_exists(w, d):
    w.dbfs.put(f"{d}/f", contents=b64(b"one"))
    with pytest.raises(ResourceAlreadyExists) as e:
        w.dbfs.put(f"{d}/f", contents=b64(b"two"))
    assert "A file or directory already exists" in str(e.value)
    assert base64.b64decode(w.dbfs.read(f"{d}/f").data) == b"one"
    w.dbfs.put(f"{d}/f", contents=b64(b"two"), overwrite=True)
    assert base64.b64decode(w.dbfs.read(f"{d}/f").data) == b"two"
    # a directory is never replaced by a file
    w.dbfs.mkdirs(f"{d}/sub")
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.put(f"{d}/sub", contents=b64(b"x"), overwrite=True)
    assert w.dbfs.get_status(f"{d}/sub").is_dir


def test_put_empty_and_parents_created(w, d):
    w.dbfs.put(f"{d}/x/y/z/empty")
    assert w.dbfs.get_status(f"{d}/x/y/z/empty").file_size == 0
    assert w.dbfs.get_status(f"{d}/x/y").is_dir


def test_put_limits(w, d):
    w.dbfs.put(f"{d}/max", contents=b64(b"m" * MB))
    assert w.dbfs.get_status(f"{d}/max").file_size == MB
    with pytest.raises(BadRequest) as e:
        w.dbfs.put(f"{d}/toolarge", contents=b64(b"m" * (MB + 1)))
    assert e.value.error_code == "MAX_BLOCK_SIZE_EXCEEDED"
    assert not w.dbfs.exists(f"{d}/toolarge")
    with pytest.raises(BadRequest) as e:  # a body past 16 MiB is not even parsed
        w.dbfs.put(f"{d}/huge", contents=b64(b"h" * (13 * MB)))
    assert e.value.error_code == "MAX_BLOCK_SIZE_EXCEEDED"
    with pytest.raises(InvalidParameterValue):
        w.dbfs.put(f"{d}/bad", contents="not base64!!")
    with pytest.raises(InvalidParameterValue):
        w.dbfs.put("relative/path", contents=b64(b"x"))
    with pytest.raises(InvalidParameterValue):
        w.dbfs.put("", contents=b64(b"x"))


def test_multipart_put(server, w, d):
    data = os.urandom(3 * MB)  # larger than the inline limit: the form takes it
    r = requests.post(server.host + "/api/2.0/dbfs/put",
                      headers={"Authorization": f"Bearer {server.token}"},
                      data={"path": f"{d}/form.bin", "overwrite": "false"},
                      files={"contents": ("form.bin", data)}, timeout=30)
    assert r.status_code == 200, r.text
    assert w.dbfs.download(f"{d}/form.bin").read() == data
    r = requests.post(server.host + "/api/2.0/dbfs/put",
                      headers={"Authorization": f"Bearer {server.token}"},
                      data={"path": f"{d}/form.bin"}, files={"contents": ("f", b"x")}, timeout=30)
    assert r.status_code == 409 and r.json()["error_code"] == "RESOURCE_ALREADY_EXISTS"
    r = requests.post(server.host + "/api/2.0/dbfs/put",
                      headers={"Authorization": f"Bearer {server.token}"},
                      data={"path": f"{d}/form.bin", "overwrite": "true"},
                      files={"contents": ("f", b"small")}, timeout=30)
    assert r.status_code == 200
    assert w.dbfs.download(f"{d}/form.bin").read() == b"small"


def test_read_errors(w, d):
    w.dbfs.put(f"{d}/r", contents=b64(b"abc"))
    with pytest.raises(BadRequest) as e:
        w.dbfs.read(f"{d}/r", length=MB + 1)
    assert e.value.error_code == "MAX_READ_SIZE_EXCEEDED"
    assert w.dbfs.read(f"{d}/r", length=MB).bytes_read == 3
    with pytest.raises(InvalidParameterValue):
        w.dbfs.read(f"{d}/r", offset=-1)
    with pytest.raises(InvalidParameterValue):
        w.dbfs.read(f"{d}/r", length=-1)
    with pytest.raises(InvalidParameterValue):
        w.dbfs.read(d)  # a directory
    with pytest.raises(ResourceDoesNotExist) as e:
        w.dbfs.read(f"{d}/missing")
    assert f"No file or directory exists on path {d}/missing" in str(e.value)


def test_get_status_and_list_missing(w, d):
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.get_status(f"{d}/nope")
    with pytest.raises(NotFound):
        list(w.dbfs.list(f"{d}/nope"))
    assert w.dbfs.exists(f"{d}/nope") is False


def test_mkdirs_and_list_sorted(w, d):
    w.dbfs.mkdirs(f"{d}/b/c")
    w.dbfs.mkdirs(f"{d}/b/c")  # idempotent
    w.dbfs.mkdirs(f"{d}/a")
    w.dbfs.put(f"{d}/01", contents=b64(b"1"))
    listed = list(DbfsAPI.list(w.dbfs, d))
    assert [(f.path, f.is_dir) for f in listed] == [(f"{d}/01", False), (f"{d}/a", True),
                                                  (f"{d}/b", True)]
    # list of a file is the file
    assert [f.path for f in DbfsAPI.list(w.dbfs, f"{d}/01")] == [f"{d}/01"]
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.mkdirs(f"{d}/01/sub")  # a file is in the way
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.mkdirs(f"{d}/01")


def test_recursive_listing_order(w, d):
    # As the SDK's own integration test: files only, breadth-first, sorted by name.
    w.dbfs.put(f"{d}/a/b/c/d/file", contents=b64(b"x"))
    w.dbfs.put(f"{d}/01", contents=b64(b"y"))
    names = [os.path.relpath(f.path, d) for f in w.dbfs.list(d, recursive=True)]
    assert names == ["01", "a/b/c/d/file"]
    assert [f.path for f in w.dbfs.list(d)] == [f"{d}/01", f"{d}/a"]


def test_move(w, d):
    w.dbfs.put(f"{d}/src/f1", contents=b64(b"1"))
    w.dbfs.put(f"{d}/src/deep/f2", contents=b64(b"2"))
    w.dbfs.move(f"{d}/src/f1", f"{d}/moved/f1")  # parents of the target are created
    assert base64.b64decode(w.dbfs.read(f"{d}/moved/f1").data) == b"1"
    assert not w.dbfs.exists(f"{d}/src/f1")
    w.dbfs.move(f"{d}/src", f"dbfs:{d}/dst")  # a directory moves with its contents
    assert base64.b64decode(w.dbfs.read(f"{d}/dst/deep/f2").data) == b"2"
    assert not w.dbfs.exists(f"{d}/src")
    w.dbfs.put(f"{d}/other", contents=b64(b"o"))
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.move(f"{d}/other", f"{d}/moved/f1")
    assert base64.b64decode(w.dbfs.read(f"{d}/moved/f1").data) == b"1"
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.move(f"{d}/nothing", f"{d}/x")
    with pytest.raises(InvalidParameterValue):
        w.dbfs.move(f"{d}/dst", f"{d}/dst/inside")
    with pytest.raises(InvalidParameterValue):
        w.dbfs.move("/", f"{d}/root")


def test_delete(w, d):
    raw = DbfsAPI(w.api_client)  # the SDK's raw call; DbfsExt refuses directories client-side
    w.dbfs.put(f"{d}/t/a/f", contents=b64(b"x"))
    w.dbfs.put(f"{d}/t/g", contents=b64(b"y"))
    with pytest.raises(BadRequest) as e:
        raw.delete(f"{d}/t")
    assert e.value.error_code == "IO_ERROR"
    assert w.dbfs.exists(f"{d}/t/a/f")
    with pytest.raises(IOError):
        w.dbfs.delete(f"{d}/t")  # DbfsExt: a directory needs recursive
    w.dbfs.delete(f"{d}/t/g")
    assert not w.dbfs.exists(f"{d}/t/g")
    w.dbfs.delete(f"{d}/t", recursive=True)
    assert not w.dbfs.exists(f"{d}/t")
    raw.delete(f"{d}/t")  # already gone: idempotent
    w.dbfs.mkdirs(f"{d}/empty")
    raw.delete(f"{d}/empty")  # an empty directory needs no recursive
    assert not w.dbfs.exists(f"{d}/empty")


def test_streaming_handles(w, d):
    h = w.dbfs.create(f"{d}/stream.bin").handle
    assert isinstance(h, int) and h > 0
    w.dbfs.add_block(h, b64(b"abc"))
    assert not w.dbfs.exists(f"{d}/stream.bin")  # invisible until close
    w.dbfs.add_block(h, b64(b"def"))
    w.dbfs.close(h)
    assert base64.b64decode(w.dbfs.read(f"{d}/stream.bin").data) == b"abcdef"
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.add_block(h, b64(b"x"))  # closed
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.close(h)
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.add_block(123456789, b64(b"x"))
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.create(f"{d}/stream.bin")
    h2 = w.dbfs.create(f"{d}/stream.bin", overwrite=True).handle
    with pytest.raises(BadRequest) as e:
        w.dbfs.add_block(h2, b64(b"z" * (MB + 1)))
    assert e.value.error_code == "MAX_BLOCK_SIZE_EXCEEDED"
    w.dbfs.add_block(h2, b64(b"z" * MB))
    w.dbfs.close(h2)
    assert w.dbfs.get_status(f"{d}/stream.bin").file_size == MB


def test_handles_are_per_user(w, d, user_client):
    _, uw = user_client
    h = uw.dbfs.create(f"{d}/theirs").handle
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.add_block(h, b64(b"admin"))
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.close(h)
    uw.dbfs.add_block(h, b64(b"mine"))
    uw.dbfs.close(h)
    # DBFS itself is workspace-wide: the admin reads what the user wrote, and back
    assert base64.b64decode(w.dbfs.read(f"{d}/theirs").data) == b"mine"
    w.dbfs.put(f"{d}/by-admin", contents=b64(b"a"))
    assert base64.b64decode(uw.dbfs.read(f"{d}/by-admin").data) == b"a"


def test_close_loses_race_without_overwrite(w, d):
    h = w.dbfs.create(f"{d}/race").handle
    w.dbfs.put(f"{d}/race", contents=b64(b"first"))
    w.dbfs.add_block(h, b64(b"second"))
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.close(h)
    assert base64.b64decode(w.dbfs.read(f"{d}/race").data) == b"first"
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.close(h)  # the handle is gone after a failed close too


def test_big_file_through_blocks(w, d):
    data = os.urandom(20 * MB + 12345)
    w.dbfs.upload(f"{d}/big.bin", io.BytesIO(data))
    assert w.dbfs.get_status(f"{d}/big.bin").file_size == len(data)
    got = w.dbfs.download(f"{d}/big.bin").read()
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    with pytest.raises(ResourceAlreadyExists):
        w.dbfs.upload(f"{d}/big.bin", io.BytesIO(b"x"))
    w.dbfs.upload(f"{d}/big.bin", io.BytesIO(b"replaced"), overwrite=True)
    assert w.dbfs.download(f"{d}/big.bin").read() == b"replaced"


def test_mixin_open_copy_move(w, d, tmp_path):
    with w.dbfs.open(f"{d}/o.txt", write=True) as f:
        f.write(b"written through open")
    with w.dbfs.open(f"{d}/o.txt", read=True) as f:
        assert f.read() == b"written through open"
    w.dbfs.copy(f"{d}/o.txt", f"{d}/copy.txt")
    assert w.dbfs.download(f"{d}/copy.txt").read() == b"written through open"
    with pytest.raises(ResourceAlreadyExists) as e:
        w.dbfs.copy(f"{d}/o.txt", f"{d}/copy.txt")
    assert "A file or directory already exists" in str(e.value)
    w.dbfs.copy(f"{d}/o.txt", f"{d}/copy.txt", overwrite=True)
    local = tmp_path / "local.txt"
    local.write_bytes(b"from local disk")
    w.dbfs.copy(f"file:{local}", f"{d}/fromlocal.txt")
    assert w.dbfs.download(f"{d}/fromlocal.txt").read() == b"from local disk"
    w.dbfs.copy(f"{d}/fromlocal.txt", f"file:{tmp_path}/back.txt")
    assert (tmp_path / "back.txt").read_bytes() == b"from local disk"
    w.dbfs.move_(f"{d}/copy.txt", f"{d}/moved.txt")
    assert not w.dbfs.exists(f"{d}/copy.txt") and w.dbfs.exists(f"{d}/moved.txt")
    w.dbfs.mkdirs(f"{d}/cpdir")
    w.dbfs.copy(f"{d}/o.txt", f"{d}/cpdir")  # into a directory: keeps the name
    assert w.dbfs.exists(f"{d}/cpdir/o.txt")


def test_traversal_is_refused(server, w, d):
    outside = os.path.join(os.path.dirname(server.data_dir), "outside.txt")
    with open(outside, "wb") as f:
        f.write(b"secret")
    before = tree_snapshot(server.data_dir)
    for bad in ["/../outside.txt", f"{d}/../../outside.txt", "dbfs:/a/../../../outside.txt",
                "/.."]:
        with pytest.raises(InvalidParameterValue):
            w.dbfs.put(bad, contents=b64(b"pwned"), overwrite=True)
        with pytest.raises(InvalidParameterValue):
            w.dbfs.get_status(bad)
        with pytest.raises(InvalidParameterValue):
            w.dbfs.read(bad)
        with pytest.raises(InvalidParameterValue):
            w.dbfs.create(bad, overwrite=True)
        with pytest.raises(InvalidParameterValue):
            w.dbfs.mkdirs(bad)
        with pytest.raises(InvalidParameterValue):
            DbfsAPI(w.api_client).delete(bad, recursive=True)
        with pytest.raises(InvalidParameterValue):
            w.dbfs.move(bad, f"{d}/m")
    # a NUL byte (JSON "\u0000", or %00 in a query) is refused as malformed
    nul = f"{d}/x\x00/../../outside.txt"
    for call in (lambda: w.dbfs.put(nul, contents=b64(b"pwned"), overwrite=True),
                 lambda: w.dbfs.get_status(nul), lambda: w.dbfs.read(nul),
                 lambda: w.dbfs.mkdirs(nul), lambda: w.dbfs.create(nul)):
        with pytest.raises(BadRequest) as e:
            call()
        assert e.value.error_code == "MALFORMED_REQUEST"
    # absolute host paths are DBFS paths: /etc/passwd is DIR/dbfs/etc/passwd, absent
    with pytest.raises(ResourceDoesNotExist):
        w.dbfs.read("/etc/passwd")
    # an encoded dot-dot is refused too, so no later decoding can make it a traversal
    with pytest.raises(InvalidParameterValue):
        w.dbfs.put(f"{d}/%2e%2e/inside", contents=b64(b"ok"))
    with pytest.raises(InvalidParameterValue):
        w.dbfs.mkdirs(f"{d}/.%2E/x")
    after = tree_snapshot(server.data_dir)
    changed = {k for k in set(before) ^ set(after) if not k.startswith(("metastore.db", "tmp"))}
    assert changed == set()
    with open(outside, "rb") as f:
        assert f.read() == b"secret"
    # a NUL in a query parameter is refused before routing
    r = requests.get(server.host + "/api/2.0/dbfs/get-status?path=/a%00/../x",
                     headers={"Authorization": f"Bearer {server.token}"}, timeout=10)
    assert r.status_code == 400 and r.json()["error_code"] == "MALFORMED_REQUEST"


def test_symlink_out_of_dbfs_is_refused(server, w, d, tmp_path):
    w.dbfs.mkdirs(d)
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "file").write_bytes(b"host file")
    os.symlink(target, os.path.join(dbfs_dir(server), d[1:], "link"))
    with pytest.raises(PermissionDenied):
        w.dbfs.read(f"{d}/link/file")
    with pytest.raises(PermissionDenied):
        w.dbfs.put(f"{d}/link/new", contents=b64(b"x"))
    with pytest.raises(PermissionDenied):
        w.dbfs.get_status(f"{d}/link")
    # listings skip the link; recursive delete removes the link, not its target
    assert [f.path for f in w.dbfs.list(d)] == []
    assert sorted(os.listdir(target)) == ["file"]
    DbfsAPI(w.api_client).delete(d, recursive=True)
    assert (target / "file").read_bytes() == b"host file"


def test_401(server):
    bad = client(server.host, "dapi" + "0" * 64)
    with pytest.raises(Unauthenticated):
        bad.dbfs.get_status("/")
    with pytest.raises(Unauthenticated):
        bad.dbfs.put("/x", contents=b64(b"x"))


def test_root(w):
    st = w.dbfs.get_status("/")
    assert st.is_dir and st.path == "/"
    with pytest.raises(InvalidParameterValue):
        w.dbfs.put("/", contents=b64(b"x"), overwrite=True)
    assert isinstance(list(w.dbfs.list("dbfs:/")), list)


def test_restart_keeps_files_and_handles(server, w, d):
    w.dbfs.put(f"{d}/persist", contents=b64(b"durable"))
    h = w.dbfs.create(f"{d}/open-across-restart").handle
    w.dbfs.add_block(h, b64(b"before "))
    server.restart()
    assert base64.b64decode(w.dbfs.read(f"{d}/persist").data) == b"durable"
    w.dbfs.add_block(h, b64(b"after"))
    w.dbfs.close(h)
    assert base64.b64decode(w.dbfs.read(f"{d}/open-across-restart").data) == b"before after"


def test_kill9_keeps_acknowledged_puts(server, w, d):
    import signal
    for i in range(50):
        w.dbfs.put(f"{d}/k/{i}", contents=b64(f"value {i}".encode()))
    server.restart(sig=signal.SIGKILL)
    for i in range(50):
        assert base64.b64decode(w.dbfs.read(f"{d}/k/{i}").data) == f"value {i}".encode()
