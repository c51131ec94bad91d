"""The Files API (/api/2.0/fs/files, /api/2.0/fs/directories) through w.files (FilesExt).

Covers upload (single PUT, and the FilesExt fallback from its multipart/presigned
attempts to the single PUT), download (whole, ranged, parallel download_to), metadata
headers, delete, directories (create, HEAD, paged listing, delete only when empty),
/dbfs paths shared with DBFS, path traversal (plain, %2e%2e, %2F.., %00, host paths),
symbolic links, 401, a non-admin user, and a restart.
"""

import hashlib
import io
import os
import time
import urllib.parse
from email.utils import parsedate_to_datetime

import pytest
import requests
from databricks.sdk.errors import (AlreadyExists, BadRequest, InvalidParameterValue,
                                   NotFound, PermissionDenied, Unauthenticated)

from conftest import client

MB = 1024 * 1024


@pytest.fixture
def vol(unique):
    """A fresh volume path /Volumes/<catalog>/<schema>/<volume> for one test."""
    return f"/Volumes/main/{unique('s')}/vol"


def auth(server):
    return {"Authorization": f"Bearer {server.token}"}


def url(server, kind, path):
    return f"{server.host}/api/2.0/fs/{kind}{urllib.parse.quote(path)}"


def tree_snapshot(root):
    out = set()
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            out.add(os.path.relpath(os.path.join(base, name), root))
    return out


def test_upload_download_metadata(w, vol):
    w.files.upload(f"{vol}/dir/hello.txt", io.BytesIO(b"Hello, Files!!"))
    m = w.files.get_metadata(f"{vol}/dir/hello.txt")
    assert m.content_length == 14
    assert m.content_type == "application/octet-stream"
    modified = parsedate_to_datetime(m.last_modified)
    assert abs(modified.timestamp() - time.time()) < 120
    r = w.files.download(f"{vol}/dir/hello.txt")
    assert r.contents.read() == b"Hello, Files!!"
    assert r.content_length == 14
    # the parent directory was created by the upload
    w.files.get_directory_metadata(f"{vol}/dir")


def test_upload_overwrite(w, vol):
    w.files.upload(f"{vol}/f", io.BytesIO(b"one"))
    w.files.upload(f"{vol}/f", io.BytesIO(b"two"))  # overwrite by default
    assert w.files.download(f"{vol}/f").contents.read() == b"two"
    with pytest.raises(AlreadyExists) as e:
        w.files.upload(f"{vol}/f", io.BytesIO(b"three"), overwrite=False)
    assert e.value.error_code == "ALREADY_EXISTS"
    assert w.files.download(f"{vol}/f").contents.read() == b"two"
    w.files.upload(f"{vol}/f", io.BytesIO(b"four"), overwrite=True)
    assert w.files.download(f"{vol}/f").contents.read() == b"four"
    w.files.upload(f"{vol}/empty", io.BytesIO(b""))
    assert w.files.get_metadata(f"{vol}/empty").content_length == 0
    assert w.files.download(f"{vol}/empty").contents.read() == b""


def test_upload_onto_directory_and_under_file(w, vol):
    w.files.create_directory(f"{vol}/d")
    with pytest.raises(AlreadyExists):
        w.files.upload(f"{vol}/d", io.BytesIO(b"x"))
    w.files.upload(f"{vol}/file", io.BytesIO(b"x"))
    with pytest.raises(AlreadyExists):
        w.files.upload(f"{vol}/file/child", io.BytesIO(b"x"))
    with pytest.raises(AlreadyExists):
        w.files.create_directory(f"{vol}/file")


def test_missing(w, vol):
    with pytest.raises(NotFound) as e:
        w.files.get_metadata(f"{vol}/nope")
    with pytest.raises(NotFound) as e:
        w.files.download(f"{vol}/nope").contents.read()
    assert e.value.error_code == "NOT_FOUND"
    with pytest.raises(NotFound):
        w.files.delete(f"{vol}/nope")
    with pytest.raises(NotFound):
        w.files.get_directory_metadata(f"{vol}/nodir")
    with pytest.raises(NotFound):
        list(w.files.list_directory_contents(f"{vol}/nodir"))
    with pytest.raises(NotFound):
        w.files.delete_directory(f"{vol}/nodir")
    # a directory is not a file and a file is not a directory
    w.files.upload(f"{vol}/x/f", io.BytesIO(b"1"))
    with pytest.raises(NotFound):
        w.files.get_metadata(f"{vol}/x")
    with pytest.raises(NotFound):
        w.files.get_directory_metadata(f"{vol}/x/f")
    with pytest.raises(NotFound):
        w.files.delete(f"{vol}/x")


def test_delete_file(w, vol):
    w.files.upload(f"{vol}/gone", io.BytesIO(b"bye"))
    w.files.delete(f"{vol}/gone")
    with pytest.raises(NotFound):
        w.files.get_metadata(f"{vol}/gone")


def test_directories(w, vol):
    w.files.create_directory(f"{vol}/a/b/c")
    w.files.create_directory(f"{vol}/a/b/c")  # idempotent
    w.files.get_directory_metadata(f"{vol}/a/b")
    w.files.upload(f"{vol}/a/file.bin", io.BytesIO(b"12345"))
    entries = list(w.files.list_directory_contents(f"{vol}/a"))
    assert [(e.name, e.is_directory) for e in entries] == [("b", True), ("file.bin", False)]
    f = entries[1]
    assert f.path == f"{vol}/a/file.bin" and f.file_size == 5 and f.last_modified > 0
    assert entries[0].path.rstrip("/") == f"{vol}/a/b"
    with pytest.raises(BadRequest) as e:
        w.files.delete_directory(f"{vol}/a/b")  # not empty: c is in it
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    assert e.value.get_error_info()[0].reason == "FILES_API_DIRECTORY_IS_NOT_EMPTY"
    w.files.delete_directory(f"{vol}/a/b/c")
    w.files.delete_directory(f"{vol}/a/b")
    with pytest.raises(NotFound):
        w.files.get_directory_metadata(f"{vol}/a/b")
    with pytest.raises(InvalidParameterValue):
        w.files.delete_directory(vol)  # a volume's root


def test_listing_pages(server, w, vol):
    names = [f"f{i:03d}" for i in range(25)]
    for n in names:
        w.files.upload(f"{vol}/many/{n}", io.BytesIO(n.encode()))
    # the SDK's iterator follows next_page_token to the end
    got = [e.name for e in w.files.list_directory_contents(f"{vol}/many", page_size=7)]
    assert got == names
    r = requests.get(url(server, "directories", f"{vol}/many"), params={"page_size": 10},
                     headers=auth(server), timeout=10).json()
    assert len(r["contents"]) == 10 and r["next_page_token"]
    r2 = requests.get(url(server, "directories", f"{vol}/many"),
                      params={"page_size": 10, "page_token": r["next_page_token"]},
                      headers=auth(server), timeout=10).json()
    assert [e["name"] for e in r2["contents"]] == names[10:20]
    r3 = requests.get(url(server, "directories", f"{vol}/many"),
                      params={"page_token": r2["next_page_token"]}, headers=auth(server),
                      timeout=10).json()
    assert [e["name"] for e in r3["contents"]] == names[20:] and "next_page_token" not in r3
    bad = requests.get(url(server, "directories", f"{vol}/many"), params={"page_token": "zz"},
                       headers=auth(server), timeout=10)
    assert bad.status_code == 400


def test_ranges(server, w, vol):
    data = bytes(range(256)) * 40
    w.files.upload(f"{vol}/r.bin", io.BytesIO(data))
    u = url(server, "files", f"{vol}/r.bin")
    r = requests.get(u, headers={**auth(server), "Range": "bytes=100-199"}, timeout=10)
    assert r.status_code == 206 and r.content == data[100:200]
    assert r.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert r.headers["Content-Length"] == "100"
    r = requests.get(u, headers={**auth(server), "Range": "bytes=10000-"}, timeout=10)
    assert r.status_code == 206 and r.content == data[10000:]
    r = requests.get(u, headers={**auth(server), "Range": "bytes=-7"}, timeout=10)
    assert r.status_code == 206 and r.content == data[-7:]
    r = requests.get(u, headers={**auth(server), "Range": "bytes=5-999999"}, timeout=10)
    assert r.status_code == 206 and r.content == data[5:]
    r = requests.get(u, headers={**auth(server), "Range": f"bytes={len(data)}-"}, timeout=10)
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{len(data)}"
    r = requests.head(u, headers=auth(server), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Length"] == str(len(data))
    assert r.content == b""
    lm = r.headers["Last-Modified"]
    r = requests.get(u, headers={**auth(server), "If-Unmodified-Since": lm}, timeout=10)
    assert r.status_code == 200 and r.content == data
    r = requests.get(u, headers={**auth(server),
                                 "If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
                     timeout=10)
    assert r.status_code == 412


def test_big_single_put(w, vol):
    data = os.urandom(20 * MB + 7)
    w.files.upload(f"{vol}/big20", io.BytesIO(data))
    assert w.files.get_metadata(f"{vol}/big20").content_length == len(data)
    got = w.files.download(f"{vol}/big20").contents.read()
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()


def test_big_multipart_falls_back_to_single_put(server, w, vol, tmp_path):
    # 55 MiB is over FilesExt's 50 MiB multipart threshold: it first asks for a
    # multipart session (not served: 404), then sends the file in one PUT.
    data = os.urandom(55 * MB)
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    w.files.upload_from(f"{vol}/big55", str(src))
    assert w.files.get_metadata(f"{vol}/big55").content_length == len(data)
    log = server.log()
    assert f"POST /api/2.0/fs/files{vol}/big55 404" in log
    assert f"PUT /api/2.0/fs/files{vol}/big55 204" in log
    # parallel download_to: HEAD, then ranged GETs (parts of 10 MiB)
    dst = tmp_path / "dst.bin"
    w.files.download_to(f"{vol}/big55", str(dst), use_parallel=True, parallelism=4)
    assert hashlib.sha256(dst.read_bytes()).digest() == hashlib.sha256(data).digest()


def test_chunked_upload(server, w, vol):
    def gen():
        for i in range(50):
            yield bytes([i]) * 10000
    r = requests.put(url(server, "files", f"{vol}/chunked"), data=gen(),
                     headers={**auth(server), "Content-Type": "application/octet-stream"},
                     timeout=30)
    assert r.status_code == 204, r.text
    assert w.files.download(f"{vol}/chunked").contents.read() == b"".join(gen())


def test_dbfs_paths_share_the_dbfs_tree(w, unique):
    p = f"/dbfs/{unique('viafiles')}/f.txt"
    w.files.upload(p, io.BytesIO(b"shared"))
    import base64
    assert base64.b64decode(w.dbfs.read(p[len("/dbfs"):]).data) == b"shared"
    assert [e.name for e in w.files.list_directory_contents(os.path.dirname(p))] == ["f.txt"]


def test_traversal_is_refused(server, w, vol):
    w.files.upload(f"{vol}/keep", io.BytesIO(b"k"))
    outside = os.path.join(os.path.dirname(server.data_dir), "outside-files.txt")
    with open(outside, "wb") as f:
        f.write(b"secret")
    before = tree_snapshot(server.data_dir)
    # requests resolves dot segments before sending (RFC 3986), so these arrive as other
    # paths: outside any volume (400) or outside the API (404); none reaches a file
    for bad in [f"{vol}/../../../../outside-files.txt", f"{vol}/../../../../../../../../x",
                "/Volumes/..", "/Volumes/c/s/../../../x"]:
        with pytest.raises((BadRequest, NotFound)):
            w.files.upload(bad, io.BytesIO(b"pwned"))
        with pytest.raises((BadRequest, NotFound)):
            w.files.download(bad).contents.read()
        with pytest.raises((BadRequest, NotFound)):
            w.files.create_directory(bad)
    for bad in ["/etc/passwd", "/Volumes/c/s", "/Volumes/c/s/v", "relative/x", "/Workspace/x"]:
        with pytest.raises(InvalidParameterValue):
            w.files.upload(bad, io.BytesIO(b"pwned"))
    # encoded forms straight on the wire: %2e%2e, %2F.., %00
    prefix = server.host + "/api/2.0/fs/files" + vol
    for raw in ["/%2e%2e/%2e%2e/%2e%2e/%2e%2e/outside-files.txt", "/%2E%2E%2F%2E%2E%2Fx",
                "/..%2F..%2F..%2F..%2Foutside-files.txt", "/a%00b", "/%2e%2e"]:
        for method in ("PUT", "GET", "DELETE"):
            r = requests.request(method, prefix + raw, data=b"pwned" if method == "PUT" else None,
                                 headers=auth(server), timeout=10)
            assert r.status_code == 400, (method, raw, r.status_code, r.text)
    after = tree_snapshot(server.data_dir)
    changed = {k for k in before ^ after if not k.startswith(("metastore.db", "tmp"))}
    assert changed == set()
    with open(outside, "rb") as f:
        assert f.read() == b"secret"
    assert w.files.download(f"{vol}/keep").contents.read() == b"k"


def test_symlink_in_a_volume_is_refused(server, w, vol, tmp_path):
    w.files.create_directory(vol)
    target = tmp_path / "host"
    target.mkdir()
    (target / "secret").write_bytes(b"host secret")
    local_vol = os.path.join(server.data_dir, "volumes", vol[len("/Volumes/"):])
    os.symlink(target, os.path.join(local_vol, "link"))
    with pytest.raises(PermissionDenied):
        w.files.download(f"{vol}/link/secret").contents.read()
    with pytest.raises(PermissionDenied):
        w.files.upload(f"{vol}/link/new", io.BytesIO(b"x"))
    assert [e.name for e in w.files.list_directory_contents(vol)] == []
    assert sorted(os.listdir(target)) == ["secret"]


def test_401(server, vol):
    bad = client(server.host, "dapi" + "1" * 64)
    with pytest.raises(Unauthenticated):
        bad.files.get_metadata(f"{vol}/x")
    with pytest.raises(Unauthenticated):
        bad.files.create_directory(vol)


def test_non_admin_user(w, vol, user_client):
    # Until Unity Catalog privileges exist, volumes are open to every user (README).
    _, uw = user_client
    uw.files.upload(f"{vol}/by-user", io.BytesIO(b"u"))
    assert w.files.download(f"{vol}/by-user").contents.read() == b"u"
    assert [e.name for e in uw.files.list_directory_contents(vol)] == ["by-user"]


def test_restart(server, w, vol):
    w.files.upload(f"{vol}/persist/f", io.BytesIO(b"still here"))
    server.restart()
    assert w.files.download(f"{vol}/persist/f").contents.read() == b"still here"
    w.files.get_directory_metadata(f"{vol}/persist")


def test_anonymous_upload_is_not_stored(server, vol):
    # The body of a PUT without a valid token is drained, never written to the spool
    # directory: an anonymous client cannot fill the disk.
    spool = os.path.join(server.data_dir, "tmp")
    seen = []

    def gen():
        yield b"x" * 65536
        time.sleep(1.0)
        if os.path.isdir(spool):
            seen.extend(n for n in os.listdir(spool) if n.startswith("upload-"))
        yield b"y" * 65536
    for headers in ({}, {"Authorization": "Bearer dapi" + "2" * 64}):
        r = requests.put(url(server, "files", f"{vol}/anon"), data=gen(), headers=headers,
                         timeout=30)
        assert r.status_code == 401
    assert seen == []
    assert not os.path.exists(os.path.join(server.data_dir, "volumes", vol[len("/Volumes/"):],
                                           "anon"))


def test_dbfs_mixin_on_volume_paths(w, vol, unique):
    # w.dbfs sends /Volumes paths to the Files API (DbfsExt._path)
    w.dbfs.upload(f"{vol}/m/a.txt", io.BytesIO(b"A"))
    with w.dbfs.open(f"{vol}/m/a.txt", read=True) as f:
        assert f.read(-1) == b"A"  # (the SDK's _VolumesIO.read() passes Ellipsis on)
    assert w.dbfs.exists(f"{vol}/m/a.txt") and w.dbfs.exists(f"{vol}/m")
    assert not w.dbfs.exists(f"{vol}/m/none")
    w.dbfs.mkdirs(f"{vol}/m/sub")
    w.dbfs.upload(f"{vol}/m/sub/b.txt", io.BytesIO(b"B"))
    paths = sorted(f.path for f in w.dbfs.list(f"{vol}/m", recursive=True))
    assert paths == [f"{vol}/m/a.txt", f"{vol}/m/sub/b.txt"]
    target = "/" + unique("fromvolume")
    w.dbfs.copy(f"{vol}/m/a.txt", target)  # volume -> DBFS
    assert w.dbfs.download(target).read() == b"A"
    w.dbfs.delete(f"{vol}/m", recursive=True)
    assert not w.dbfs.exists(f"{vol}/m")
