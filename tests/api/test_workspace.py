"""Workspace API 2.0 through the SDK: list, get-status, mkdirs, import/upload,
export/download, delete; formats; path validation; permissions; durability."""

import base64
import io
import json
import time

import pytest
from databricks.sdk.errors import (BadRequest, DatabricksError, NotFound,
                                   NotImplemented, PermissionDenied,
                                   ResourceAlreadyExists, ResourceDoesNotExist,
                                   Unauthenticated)
from databricks.sdk.service.workspace import (ExportFormat, ImportFormat,
                                              Language, ObjectType)

from conftest import client, raw


def b64(data):
    return base64.b64encode(data).decode()


@pytest.fixture
def home(w):
    return f"/Users/{w.current_user.me().user_name}"


@pytest.fixture
def folder(w, home, unique):
    path = f"{home}/{unique('ws')}"
    w.workspace.mkdirs(path)
    yield path
    try:
        w.workspace.delete(path, recursive=True)
    except NotFound:
        pass


# ---- the SDK's own integration scenarios ----

def test_upload_download_notebook_keeps_path(w, folder):
    nb = f"{folder}/notebook.py"
    w.workspace.upload(nb, io.BytesIO(b"print(1)"))
    with w.workspace.download(nb) as f:
        assert f.read() == b"# Databricks notebook source\nprint(1)"
    info = w.workspace.get_status(nb)
    assert info.object_type == ObjectType.NOTEBOOK
    assert info.language == Language.PYTHON
    assert info.path == nb
    w.workspace.delete(nb)
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(nb)


def test_unzip_notebooks_large(w, folder):
    nb = f"{folder}/big.py"
    content = ("print(1)\n" * 1000).strip("\n")
    w.workspace.upload(nb, io.BytesIO(content.encode()))
    with w.workspace.download(nb) as f:
        assert f.read() == f"# Databricks notebook source\n{content}".encode()


def test_upload_auto_py_is_file(w, folder):
    py = f"{folder}/file.py"
    w.workspace.upload(py, io.BytesIO(b"print(1)"), format=ImportFormat.AUTO)
    with w.workspace.download(py) as f:
        assert f.read() == b"print(1)"
    info = w.workspace.get_status(py)
    assert info.object_type == ObjectType.FILE
    assert info.size == 8
    assert info.language is None


def test_upload_auto_txt_is_file(w, folder):
    txt = f"{folder}/notes.txt"
    w.workspace.upload(txt, io.BytesIO(b"print(1)"), format=ImportFormat.AUTO)
    with w.workspace.download(txt) as f:
        assert f.read() == b"print(1)"
    assert w.workspace.get_status(txt).object_type == ObjectType.FILE


def test_upload_source_without_extension(w, folder):
    nb = f"{folder}/plain"
    w.workspace.upload(nb, io.BytesIO(b"print(1)"), format=ImportFormat.SOURCE,
                       language=Language.PYTHON)
    with w.workspace.download(nb) as f:
        assert f.read() == b"# Databricks notebook source\nprint(1)"
    assert w.workspace.get_status(nb).object_type == ObjectType.NOTEBOOK


def test_upload_without_language_is_invalid_with_hint(w, folder):
    with pytest.raises(DatabricksError) as e:
        w.workspace.upload(f"{folder}/noext", io.BytesIO(b"x = 1"))
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "ImportFormat.AUTO" in str(e.value)


def test_auto_with_header_makes_notebook_without_extension(w, folder):
    w.workspace.upload(f"{folder}/etl.sql",
                       io.BytesIO(b"-- Databricks notebook source\nSELECT 1"),
                       format=ImportFormat.AUTO)
    info = w.workspace.get_status(f"{folder}/etl")
    assert info.object_type == ObjectType.NOTEBOOK
    assert info.language == Language.SQL
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(f"{folder}/etl.sql")


def test_recursive_list(w, folder):
    w.workspace.upload(f"{folder}/file.py", io.BytesIO(b"print(1)"))
    sub = f"{folder}/subdir"
    w.workspace.mkdirs(sub)
    w.workspace.upload(f"{sub}/subfile.py", io.BytesIO(b"print(2)"))
    names = sorted(i.path for i in w.workspace.list(folder, recursive=True))
    assert names == [f"{folder}/file.py", f"{sub}/subfile.py"]
    flat = {i.path: i.object_type for i in w.workspace.list(folder)}
    assert flat == {f"{folder}/file.py": ObjectType.NOTEBOOK, sub: ObjectType.DIRECTORY}


# ---- JSON import/export ----

def test_import_export_json(w, folder):
    nb = f"{folder}/scala_nb"
    w.workspace.import_(nb, content=b64(b"println(1)"), format=ImportFormat.SOURCE,
                        language=Language.SCALA)
    exp = w.workspace.export(nb)
    assert base64.b64decode(exp.content) == b"// Databricks notebook source\nprintln(1)"
    assert exp.file_type == "scala"
    exp = w.workspace.export(nb, format=ExportFormat.SOURCE)
    assert base64.b64decode(exp.content).startswith(b"// Databricks notebook source")


@pytest.mark.parametrize("lang,header", [
    (Language.PYTHON, b"# Databricks notebook source"),
    (Language.SQL, b"-- Databricks notebook source"),
    (Language.SCALA, b"// Databricks notebook source"),
    (Language.R, b"# Databricks notebook source"),
])
def test_languages(w, folder, lang, header):
    nb = f"{folder}/nb_{lang.value.lower()}"
    w.workspace.import_(nb, content=b64(b"1"), format=ImportFormat.SOURCE, language=lang)
    assert w.workspace.get_status(nb).language == lang
    with w.workspace.download(nb) as f:
        assert f.read() == header + b"\n1"


def test_import_overwrite(w, folder):
    nb = f"{folder}/over"
    w.workspace.import_(nb, content=b64(b"a = 1"), language=Language.PYTHON)
    first = w.workspace.get_status(nb)
    with pytest.raises(ResourceAlreadyExists) as e:
        w.workspace.import_(nb, content=b64(b"a = 2"), language=Language.PYTHON)
    assert e.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert str(e.value) == f"Path ({nb}) already exists."
    time.sleep(0.01)
    w.workspace.import_(nb, content=b64(b"a = 2"), language=Language.PYTHON, overwrite=True)
    second = w.workspace.get_status(nb)
    assert second.object_id == first.object_id
    assert second.created_at == first.created_at
    assert second.modified_at >= first.modified_at
    with w.workspace.download(nb) as f:
        assert f.read().endswith(b"a = 2")
    # upload(overwrite=True) goes through the multipart form
    w.workspace.upload(nb, io.BytesIO(b"a = 3"), language=Language.PYTHON, overwrite=True)
    with w.workspace.download(nb) as f:
        assert f.read().endswith(b"a = 3")
    with pytest.raises(ResourceAlreadyExists):
        w.workspace.upload(nb, io.BytesIO(b"a = 4"), language=Language.PYTHON)


def test_already_exists_is_400_as_databricks(server, folder):
    # The Workspace API answers RESOURCE_ALREADY_EXISTS with 400 (other APIs use 409).
    body = {"path": f"{folder}/twice", "content": b64(b"1"), "language": "PYTHON"}
    assert raw(server, "POST", "/api/2.0/workspace/import", token=server.token,
               json=body).status_code == 200
    r = raw(server, "POST", "/api/2.0/workspace/import", token=server.token, json=body)
    assert r.status_code == 400 and r.json()["error_code"] == "RESOURCE_ALREADY_EXISTS"
    r = raw(server, "POST", "/api/2.0/workspace/mkdirs", token=server.token,
            json={"path": f"{folder}/twice/sub"})
    assert r.status_code == 400 and r.json()["error_code"] == "RESOURCE_ALREADY_EXISTS"
    assert "not a folder" in r.json()["message"]


def test_import_over_directory_refused(w, folder):
    with pytest.raises(ResourceAlreadyExists):
        w.workspace.import_(folder, content=b64(b"x"), language=Language.PYTHON,
                            overwrite=True)


def test_import_missing_parent(w, folder):
    with pytest.raises(ResourceDoesNotExist) as e:
        w.workspace.import_(f"{folder}/no/such/nb", content=b64(b"x"),
                            language=Language.PYTHON)
    assert "parent folder" in str(e.value) and "does not exist" in str(e.value)


def test_invalid_format_and_language(w, folder, server):
    r = raw(server, "POST", "/api/2.0/workspace/import", token=server.token,
            json={"path": f"{folder}/x", "content": b64(b"1"), "format": "source"})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    r = raw(server, "POST", "/api/2.0/workspace/import", token=server.token,
            json={"path": f"{folder}/x", "content": b64(b"1"), "language": "JAVA"})
    assert r.status_code == 400 and "JAVA" in r.json()["message"]
    r = raw(server, "POST", "/api/2.0/workspace/import", token=server.token,
            json={"path": f"{folder}/x", "content": "@@not base64@@",
                  "language": "PYTHON"})
    assert r.status_code == 400 and "base64" in r.json()["message"]
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(f"{folder}/x")


def test_unsupported_formats_are_501(w, folder):
    with pytest.raises(NotImplemented):
        w.workspace.import_(f"{folder}/d", content=b64(b"PK"), format=ImportFormat.DBC)
    nb = f"{folder}/nb"
    w.workspace.import_(nb, content=b64(b"1"), language=Language.PYTHON)
    with pytest.raises(NotImplemented):
        w.workspace.export(nb, format=ExportFormat.DBC)


def test_size_limit(w, folder, server):
    big = b"#" * ((10 << 20) + 1)
    with pytest.raises(BadRequest) as e:
        w.workspace.import_(f"{folder}/big", content=b64(big), format=ImportFormat.AUTO)
    assert e.value.error_code == "MAX_NOTEBOOK_SIZE_EXCEEDED"
    # exactly 10 MB is accepted
    ok = b"#" * (10 << 20)
    w.workspace.import_(f"{folder}/ok.bin", content=b64(ok), format=ImportFormat.AUTO)
    assert w.workspace.get_status(f"{folder}/ok.bin").size == len(ok)
    # a body far over the limit is cut off with 413
    r = raw(server, "POST", "/api/2.0/workspace/import", token=server.token,
            data=json.dumps({"path": f"{folder}/huge", "content": "A" * (40 << 20)}))
    assert r.status_code == 413


# ---- Jupyter and HTML ----

def test_jupyter_round_trip(w, folder):
    nb = f"{folder}/multi"
    src = ("# Databricks notebook source\nx = 1\n\n# COMMAND ----------\n\n"
           "# MAGIC %md\n# MAGIC # Title\n# MAGIC\n# MAGIC text\n\n"
           "# COMMAND ----------\n\nprint(x)")
    w.workspace.import_(nb, content=b64(src.encode()), language=Language.PYTHON)
    exp = w.workspace.export(nb, format=ExportFormat.JUPYTER)
    assert exp.file_type == "ipynb"
    ipynb = json.loads(base64.b64decode(exp.content))
    assert ipynb["nbformat"] == 4
    assert [c["cell_type"] for c in ipynb["cells"]] == ["code", "markdown", "code"]
    assert "".join(ipynb["cells"][0]["source"]) == "x = 1"
    assert "".join(ipynb["cells"][1]["source"]) == "# Title\n\ntext"
    assert ipynb["metadata"]["language_info"]["name"] == "python"
    # import it back as a new notebook: the SOURCE text is the same
    w.workspace.import_(f"{folder}/back", content=exp.content, format=ImportFormat.JUPYTER)
    info = w.workspace.get_status(f"{folder}/back")
    assert info.object_type == ObjectType.NOTEBOOK and info.language == Language.PYTHON
    with w.workspace.download(f"{folder}/back") as f:
        assert f.read().decode() == src


def test_jupyter_auto_strips_extension(w, folder):
    ipynb = {"cells": [{"cell_type": "code", "source": ["SELECT 1"], "metadata": {},
                        "outputs": [], "execution_count": None}],
             "metadata": {"kernelspec": {"language": "sql", "name": "x"}},
             "nbformat": 4, "nbformat_minor": 2}
    w.workspace.upload(f"{folder}/q.ipynb", io.BytesIO(json.dumps(ipynb).encode()),
                       format=ImportFormat.AUTO)
    info = w.workspace.get_status(f"{folder}/q")
    assert info.language == Language.SQL
    with w.workspace.download(f"{folder}/q") as f:
        assert f.read() == b"-- Databricks notebook source\nSELECT 1"


def test_bad_jupyter_is_invalid(w, folder):
    with pytest.raises(BadRequest) as e:
        w.workspace.import_(f"{folder}/bad", content=b64(b"{not json"),
                            format=ImportFormat.JUPYTER)
    assert "Jupyter" in str(e.value)


def test_html_export_and_import(w, folder):
    nb = f"{folder}/page"
    w.workspace.import_(nb, content=b64(b"print('<b>')\n\n# COMMAND ----------\n\n1 + 1"),
                        language=Language.PYTHON)
    with w.workspace.download(nb, format=ExportFormat.HTML) as f:
        html = f.read().decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "print(&#39;&lt;b&gt;&#39;)" in html or "print('&lt;b&gt;')" in html
    assert "__DATABRICKS_NOTEBOOK_MODEL" in html
    w.workspace.upload(f"{folder}/page2", io.BytesIO(html.encode()), format=ImportFormat.HTML)
    with w.workspace.download(f"{folder}/page2") as f:
        assert f.read() == (b"# Databricks notebook source\nprint('<b>')\n\n"
                            b"# COMMAND ----------\n\n1 + 1")


def test_export_directory_as_zip(w, folder):
    import zipfile
    w.workspace.upload(f"{folder}/top.py", io.BytesIO(b"print(0)"))
    w.workspace.mkdirs(f"{folder}/sub/deeper")
    w.workspace.import_(f"{folder}/sub/q", content=b64(b"SELECT 1"), language=Language.SQL)
    big = ("x = 1\n" * 5000).encode()
    w.workspace.import_(f"{folder}/sub/deeper/big", content=b64(big), language=Language.PYTHON)
    w.workspace.upload(f"{folder}/sub/data.csv", io.BytesIO(b"a,b\n"), format=ImportFormat.AUTO)
    name = folder.rsplit("/", 1)[1]
    exp = w.workspace.export(folder, format=ExportFormat.SOURCE)
    assert exp.file_type == "zip"
    z = zipfile.ZipFile(io.BytesIO(base64.b64decode(exp.content)))
    assert z.testzip() is None
    assert sorted(z.namelist()) == [f"{name}/sub/deeper/big.py", f"{name}/sub/q.sql",
                                    f"{name}/top.py.py"]
    assert z.read(f"{name}/sub/q.sql") == b"-- Databricks notebook source\nSELECT 1"
    assert z.read(f"{name}/sub/deeper/big.py") == b"# Databricks notebook source\n" + big
    # AUTO includes the workspace files too
    with w.workspace.download(folder, format=ExportFormat.AUTO) as f:
        z = zipfile.ZipFile(io.BytesIO(f.read()))
    assert z.read(f"{name}/sub/data.csv") == b"a,b\n"
    with pytest.raises(BadRequest):
        w.workspace.export(folder, format=ExportFormat.HTML)


def test_directory_zip_round_trip(w, folder):
    import zipfile
    w.workspace.mkdirs(f"{folder}/src/lib")
    w.workspace.import_(f"{folder}/src/main", content=b64(b"print(1)"), language=Language.PYTHON)
    w.workspace.import_(f"{folder}/src/lib/q", content=b64(b"SELECT 1"), language=Language.SQL)
    exp = w.workspace.export(f"{folder}/src", format=ExportFormat.SOURCE)
    # SOURCE without a language and with a ZIP archive imports a directory
    w.workspace.import_(f"{folder}/copy", content=exp.content, format=ImportFormat.SOURCE)
    got = {o.path: o.language for o in w.workspace.list(f"{folder}/copy", recursive=True)}
    assert got == {f"{folder}/copy/main": Language.PYTHON, f"{folder}/copy/lib/q": Language.SQL}
    with w.workspace.download(f"{folder}/copy/lib/q") as f:
        assert f.read() == b"-- Databricks notebook source\nSELECT 1"
    with pytest.raises(ResourceAlreadyExists):
        w.workspace.import_(f"{folder}/copy", content=exp.content, format=ImportFormat.SOURCE)
    # hand-made archives: files, zip-slip, damage, size bound
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a/readme.txt", "hello " * 100)
        z.writestr("b/run.scala", "println(1)")
    w.workspace.import_(f"{folder}/mixed", content=b64(buf.getvalue()))
    got = {o.path: o.object_type for o in w.workspace.list(f"{folder}/mixed", recursive=True)}
    assert got == {f"{folder}/mixed/a/readme.txt": ObjectType.FILE,
                   f"{folder}/mixed/b/run": ObjectType.NOTEBOOK}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("top/../../escape.py", "print('out')")
        z.writestr("other/x.py", "1")
    with pytest.raises(BadRequest):
        w.workspace.import_(f"{folder}/slip", content=b64(buf.getvalue()))
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(f"{folder}/slip")  # nothing half-imported
    with pytest.raises(BadRequest):
        w.workspace.import_(f"{folder}/bad", content=b64(buf.getvalue()[:-30]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.txt", b"\0" * (11 << 20))
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(BadRequest) as e:
        w.workspace.import_(f"{folder}/bomb", content=b64(buf.getvalue()))
    assert e.value.error_code == "MAX_NOTEBOOK_SIZE_EXCEEDED"


def test_export_file_formats(w, folder):
    w.workspace.upload(f"{folder}/data.csv", io.BytesIO(b"a,b\n1,2\n"), format=ImportFormat.AUTO)
    exp = w.workspace.export(f"{folder}/data.csv", format=ExportFormat.AUTO)
    assert base64.b64decode(exp.content) == b"a,b\n1,2\n"
    with pytest.raises(BadRequest):
        w.workspace.export(f"{folder}/data.csv", format=ExportFormat.JUPYTER)


def test_raw_import_binary(w, folder):
    data = bytes(range(256)) * 4
    w.workspace.upload(f"{folder}/blob.bin", io.BytesIO(data), format=ImportFormat.RAW)
    with w.workspace.download(f"{folder}/blob.bin") as f:
        assert f.read() == data


# ---- tree operations and errors ----

def test_mkdirs_creates_parents_and_is_idempotent(w, folder):
    deep = f"{folder}/a/b/c"
    w.workspace.mkdirs(deep)
    w.workspace.mkdirs(deep)
    for p in (f"{folder}/a", f"{folder}/a/b", deep):
        assert w.workspace.get_status(p).object_type == ObjectType.DIRECTORY
    w.workspace.upload(f"{folder}/a/f.txt", io.BytesIO(b"x"), format=ImportFormat.AUTO)
    with pytest.raises(ResourceAlreadyExists):
        w.workspace.mkdirs(f"{folder}/a/f.txt/sub")


def test_delete_non_empty_needs_recursive(w, folder):
    w.workspace.mkdirs(f"{folder}/d/e")
    w.workspace.upload(f"{folder}/d/e/n.py", io.BytesIO(b"1"))
    with pytest.raises(BadRequest) as e:
        w.workspace.delete(f"{folder}/d")
    assert e.value.error_code == "DIRECTORY_NOT_EMPTY"
    assert w.workspace.get_status(f"{folder}/d/e/n.py")
    w.workspace.delete(f"{folder}/d", recursive=True)
    for p in (f"{folder}/d", f"{folder}/d/e", f"{folder}/d/e/n.py"):
        with pytest.raises(ResourceDoesNotExist):
            w.workspace.get_status(p)
    # a sibling whose name shares the prefix survives
    w.workspace.mkdirs(f"{folder}/d2")
    w.workspace.mkdirs(f"{folder}/d")
    w.workspace.delete(f"{folder}/d")
    assert w.workspace.get_status(f"{folder}/d2")


def test_not_found_everywhere(w, folder):
    missing = f"{folder}/nope"
    with pytest.raises(ResourceDoesNotExist) as e:
        w.workspace.get_status(missing)
    assert str(e.value) == f"Path ({missing}) doesn't exist."
    with pytest.raises(ResourceDoesNotExist):
        list(w.workspace.list(missing))
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.export(missing)
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.delete(missing)


def test_list_empty_folder_and_single_object(w, folder):
    assert list(w.workspace.list(folder)) == []
    w.workspace.upload(f"{folder}/one.py", io.BytesIO(b"1"))
    listed = list(w.workspace.list(f"{folder}/one.py"))
    assert [o.path for o in listed] == [f"{folder}/one.py"]


def test_list_notebooks_modified_after(w, folder):
    w.workspace.upload(f"{folder}/old.py", io.BytesIO(b"1"))
    cut = w.workspace.get_status(f"{folder}/old.py").modified_at
    time.sleep(0.02)
    w.workspace.upload(f"{folder}/new.py", io.BytesIO(b"2"))
    w.workspace.mkdirs(f"{folder}/dir")
    names = {o.path for o in w.workspace.list(folder, notebooks_modified_after=cut)}
    assert names == {f"{folder}/new.py", f"{folder}/dir"}


@pytest.mark.parametrize("bad", ["relative/path", "/a//b", "/a/../b", "/a/./b",
                                 "/" + "n" * 256, "/x" * 3000, "/a\x01b"])
def test_invalid_paths(w, bad):
    with pytest.raises(BadRequest) as e:
        w.workspace.get_status(bad)
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(BadRequest):
        w.workspace.mkdirs(bad)
    with pytest.raises(BadRequest):
        w.workspace.import_(bad, content=b64(b"1"), language=Language.PYTHON)


def test_workspace_prefix_and_trailing_slash(w, folder):
    w.workspace.mkdirs(f"/Workspace{folder}/viaprefix/")
    info = w.workspace.get_status(f"{folder}/viaprefix")
    assert info.path == f"{folder}/viaprefix"


def test_system_folders(w):
    root = {o.path for o in w.workspace.list("/")}
    assert {"/Users", "/Shared"} <= root
    me = w.current_user.me().user_name
    assert f"/Users/{me}" in {o.path for o in w.workspace.list("/Users")}
    with pytest.raises(BadRequest):
        w.workspace.delete("/Shared", recursive=True)
    with pytest.raises(BadRequest):
        w.workspace.delete("/", recursive=True)


def test_object_info_fields(w, folder):
    w.workspace.upload(f"{folder}/f.txt", io.BytesIO(b"hello"), format=ImportFormat.AUTO)
    info = w.workspace.get_status(f"{folder}/f.txt")
    assert info.object_id > 0
    assert info.resource_id == str(info.object_id)
    assert info.created_at > 1_600_000_000_000 and info.modified_at >= info.created_at
    assert info.size == 5
    d = w.workspace.get_status(folder)
    assert d.object_type == ObjectType.DIRECTORY and d.language is None


def test_unauthenticated(server):
    bad = client(server.host, "dapi" + "1" * 64)
    with pytest.raises(Unauthenticated):
        bad.workspace.get_status("/")
    r = raw(server, "GET", "/api/2.0/workspace/list?path=/")
    assert r.status_code == 401


def test_missing_path_parameter(server):
    r = raw(server, "GET", "/api/2.0/workspace/get-status", token=server.token)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"


# ---- non-admins ----

def test_user_home_and_isolation(w, make_user, folder):
    ann, ann_w = make_user("ann")
    bob, bob_w = make_user("bob")
    ann_home = f"/Users/{ann.user_name}"
    # the home exists on first use and belongs to its user
    ann_w.workspace.upload(f"{ann_home}/mine.py", io.BytesIO(b"secret = 1"))
    assert ann_w.workspace.get_status(ann_home).object_type == ObjectType.DIRECTORY
    # another user can neither read nor write there
    with pytest.raises(PermissionDenied) as e:
        bob_w.workspace.get_status(f"{ann_home}/mine.py")
    assert e.value.error_code == "PERMISSION_DENIED"
    with pytest.raises(PermissionDenied):
        bob_w.workspace.download(f"{ann_home}/mine.py")
    with pytest.raises(PermissionDenied):
        bob_w.workspace.upload(f"{ann_home}/evil.py", io.BytesIO(b"x"))
    with pytest.raises(PermissionDenied):
        bob_w.workspace.delete(f"{ann_home}/mine.py")
    with pytest.raises(PermissionDenied):
        bob_w.workspace.mkdirs(f"{ann_home}/x")
    with pytest.raises(PermissionDenied):
        list(bob_w.workspace.list(ann_home))
    # nothing changed
    with ann_w.workspace.download(f"{ann_home}/mine.py") as f:
        assert f.read().endswith(b"secret = 1")
    with pytest.raises(ResourceDoesNotExist):
        w.workspace.get_status(f"{ann_home}/evil.py")
    # "/" and /Users list for everyone, showing only what bob can read
    assert {"/Users", "/Shared"} <= {o.path for o in bob_w.workspace.list("/")}
    bob_sees = {o.path for o in bob_w.workspace.list("/Users")}
    assert f"/Users/{bob.user_name}" in bob_sees and ann_home not in bob_sees
    assert w.workspace.get_status(f"{ann_home}/mine.py").object_type == ObjectType.NOTEBOOK
    # non-admins cannot write outside their home and /Shared, nor delete their home
    with pytest.raises(PermissionDenied):
        bob_w.workspace.mkdirs("/Users/not-bob")
    with pytest.raises(PermissionDenied):
        ann_w.workspace.delete(ann_home, recursive=True)
    # the admin can write into a user's home, even before that user's first call
    carl, _ = make_user("carl")
    w.workspace.upload(f"/Users/{carl.user_name}/welcome.py", io.BytesIO(b"1"))


def test_shared_is_writable_by_users(user_client, w, unique):
    _, uc = user_client
    path = f"/Shared/{unique('shared')}"
    uc.workspace.mkdirs(path)
    uc.workspace.upload(f"{path}/nb.py", io.BytesIO(b"1"))
    assert w.workspace.get_status(f"{path}/nb.py").object_type == ObjectType.NOTEBOOK
    uc.workspace.delete(path, recursive=True)


def test_concurrent_writers(server, w, folder):
    # 8 clients import into one folder and race to create the same directories.
    from concurrent.futures import ThreadPoolExecutor

    def work(k):
        c = client(server.host, server.token)
        for i in range(15):
            c.workspace.mkdirs(f"{folder}/shared/dir{i % 3}")
            c.workspace.import_(f"{folder}/shared/dir{i % 3}/c{k}_{i}",
                                content=b64(f"{k},{i}".encode()), language=Language.PYTHON)
        return k

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))
    names = {o.path for o in w.workspace.list(f"{folder}/shared", recursive=True)}
    assert len(names) == 8 * 15
    dirs = [o.path for o in w.workspace.list(f"{folder}/shared")]
    assert sorted(dirs) == [f"{folder}/shared/dir{i}" for i in range(3)]


# ---- durability ----

def test_restart_keeps_objects_and_ids(server, w, folder):
    w.workspace.upload(f"{folder}/keep.py", io.BytesIO(b"print('kept')"))
    w.workspace.upload(f"{folder}/keep.txt", io.BytesIO(b"raw"), format=ImportFormat.AUTO)
    before = {o.path: o.object_id for o in w.workspace.list(folder)}
    server.restart()
    after = {o.path: o.object_id for o in w.workspace.list(folder)}
    assert after == before
    with w.workspace.download(f"{folder}/keep.py") as f:
        assert f.read() == b"# Databricks notebook source\nprint('kept')"


def test_sigkill_keeps_acknowledged_imports(server, w, folder):
    paths = [f"{folder}/k{i}" for i in range(50)]
    for i, p in enumerate(paths):
        w.workspace.import_(p, content=b64(f"v = {i}".encode()), language=Language.PYTHON)
    server.restart(sig=9)
    for i, p in enumerate(paths):
        with w.workspace.download(p) as f:
            assert f.read() == f"# Databricks notebook source\nv = {i}".encode()
