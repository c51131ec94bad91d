"""The Permissions API for workspace objects (directories, notebooks, files) through
w.permissions.* and w.workspace.*_permissions: levels, inheritance, owners and
admins, PUT vs PATCH, enforcement on the Workspace API, errors, durability."""

import io

import pytest
from databricks.sdk.errors import (BadRequest, NotFound, NotImplemented,
                                   PermissionDenied, ResourceDoesNotExist,
                                   Unauthenticated)
from databricks.sdk.service.iam import AccessControlRequest, PermissionLevel
from databricks.sdk.service.workspace import (ImportFormat,
                                              WorkspaceObjectAccessControlRequest,
                                              WorkspaceObjectPermissionLevel)

from conftest import client, raw


def levels_of(perms, name):
    """{(level, inherited, source)} of the principal `name` in an ObjectPermissions."""
    for e in perms.access_control_list or []:
        if name in (e.user_name, e.group_name):
            return {(p.permission_level.value, p.inherited,
                     (p.inherited_from_object or [None])[0]) for p in e.all_permissions}
    return set()


@pytest.fixture
def tree(w, unique):
    """/Shared/<x>/sub/nb (a notebook) and /Shared/<x>/sub/data.txt (a file)."""
    top = f"/Shared/{unique('perm')}"
    w.workspace.mkdirs(f"{top}/sub")
    w.workspace.upload(f"{top}/sub/nb.py", io.BytesIO(b"print(1)"))
    w.workspace.upload(f"{top}/sub/data.txt", io.BytesIO(b"x"), format=ImportFormat.AUTO)
    ids = {
        "top": w.workspace.get_status(top).object_id,
        "sub": w.workspace.get_status(f"{top}/sub").object_id,
        "nb": w.workspace.get_status(f"{top}/sub/nb.py").object_id,
        "file": w.workspace.get_status(f"{top}/sub/data.txt").object_id,
    }
    yield top, ids
    w.workspace.delete(top, recursive=True)


def test_permission_levels(w, tree):
    _, ids = tree
    for typ, key in (("notebooks", "nb"), ("directories", "top"), ("files", "file")):
        got = w.permissions.get_permission_levels(typ, str(ids[key]))
        assert [p.permission_level for p in got.permission_levels] == [
            PermissionLevel.CAN_READ, PermissionLevel.CAN_RUN, PermissionLevel.CAN_EDIT,
            PermissionLevel.CAN_MANAGE]
        assert all(p.description for p in got.permission_levels)
    got = w.workspace.get_permission_levels("notebooks", str(ids["nb"]))
    assert got.permission_levels[-1].permission_level == WorkspaceObjectPermissionLevel.CAN_MANAGE


def test_get_shape_owner_and_admins(w, tree):
    _, ids = tree
    perms = w.permissions.get("notebooks", str(ids["nb"]))
    assert perms.object_id == f"/notebooks/{ids['nb']}"
    assert perms.object_type == "notebook"
    me = w.current_user.me().user_name
    assert ("CAN_MANAGE", False, None) in levels_of(perms, me)  # the creator owns it
    assert levels_of(perms, "admins") >= {("CAN_MANAGE", True, "/directories/")}
    # /Shared gives every user CAN_MANAGE, inherited down the tree
    shared = w.workspace.get_status("/Shared").object_id
    assert ("CAN_MANAGE", True, f"/directories/{shared}") in levels_of(perms, "users")
    d = w.workspace.get_permissions("directories", str(ids["top"]))
    assert d.object_id == f"/directories/{ids['top']}" and d.object_type == "directory"


def test_set_and_update_inheritance(w, make_user, tree):
    top, ids = tree
    ann, ann_w = make_user("ann")
    # PATCH adds a grant on the top directory: it shows as inherited on the notebook
    p = w.permissions.update("directories", str(ids["top"]), access_control_list=[
        AccessControlRequest(user_name=ann.user_name, permission_level=PermissionLevel.CAN_READ)])
    assert levels_of(p, ann.user_name) == {("CAN_READ", False, None)}
    nbp = w.permissions.get("notebooks", str(ids["nb"]))
    assert levels_of(nbp, ann.user_name) == {("CAN_READ", True, f"/directories/{ids['top']}")}
    # a direct grant on the notebook adds to the inherited one
    w.workspace.update_permissions("notebooks", str(ids["nb"]), access_control_list=[
        WorkspaceObjectAccessControlRequest(
            user_name=ann.user_name, permission_level=WorkspaceObjectPermissionLevel.CAN_EDIT)])
    nbp = w.permissions.get("notebooks", str(ids["nb"]))
    assert levels_of(nbp, ann.user_name) == {("CAN_EDIT", False, None),
                                            ("CAN_READ", True, f"/directories/{ids['top']}")}
    # PATCH of the same principal replaces its level; PUT replaces the whole direct list
    w.permissions.update("directories", str(ids["top"]), access_control_list=[
        AccessControlRequest(user_name=ann.user_name, permission_level=PermissionLevel.CAN_RUN)])
    assert levels_of(w.permissions.get("directories", str(ids["top"])), ann.user_name) == {
        ("CAN_RUN", False, None)}
    w.permissions.set("directories", str(ids["top"]), access_control_list=[])
    assert levels_of(w.permissions.get("directories", str(ids["top"])), ann.user_name) == set()
    nbp = w.permissions.get("notebooks", str(ids["nb"]))
    assert levels_of(nbp, ann.user_name) == {("CAN_EDIT", False, None)}
    # the owner stays CAN_MANAGE whatever PUT says
    me = w.current_user.me().user_name
    assert ("CAN_MANAGE", False, None) in levels_of(nbp, me)


def test_groups_grant_access(w, make_user, unique):
    # a private folder in the admin's home: nobody else can read it …
    home = f"/Users/{w.current_user.me().user_name}"
    top = f"{home}/{unique('grp')}"
    w.workspace.mkdirs(top)
    w.workspace.upload(f"{top}/nb.py", io.BytesIO(b"1"))
    ann, ann_w = make_user("ann")
    with pytest.raises(PermissionDenied):
        ann_w.workspace.get_status(f"{top}/nb.py")
    # … until a group ann belongs to gets CAN_READ on it
    from databricks.sdk.service.iam import ComplexValue
    g = w.groups.create(display_name=unique("readers"),
                        members=[ComplexValue(value=ann.id)])
    top_id = w.workspace.get_status(top).object_id
    w.permissions.update("directories", str(top_id), access_control_list=[
        AccessControlRequest(group_name=g.display_name,
                             permission_level=PermissionLevel.CAN_READ)])
    assert ann_w.workspace.get_status(f"{top}/nb.py").path == f"{top}/nb.py"
    with ann_w.workspace.download(f"{top}/nb.py") as f:
        assert f.read().endswith(b"1")
    # reading is not writing
    with pytest.raises(PermissionDenied):
        ann_w.workspace.upload(f"{top}/nb.py", io.BytesIO(b"2"), overwrite=True)
    with pytest.raises(PermissionDenied):
        ann_w.workspace.upload(f"{top}/new.py", io.BytesIO(b"2"))
    with pytest.raises(PermissionDenied):
        ann_w.workspace.delete(f"{top}/nb.py")
    # and CAN_READ does not let ann change permissions
    with pytest.raises(PermissionDenied):
        ann_w.permissions.update("directories", str(top_id), access_control_list=[
            AccessControlRequest(user_name=ann.user_name,
                                 permission_level=PermissionLevel.CAN_MANAGE)])
    # CAN_EDIT lets ann write and delete, CAN_MANAGE lets ann grant
    w.permissions.update("directories", str(top_id), access_control_list=[
        AccessControlRequest(user_name=ann.user_name, permission_level=PermissionLevel.CAN_EDIT)])
    ann_w.workspace.upload(f"{top}/nb.py", io.BytesIO(b"2"), overwrite=True)
    ann_w.workspace.upload(f"{top}/new.py", io.BytesIO(b"3"))
    ann_w.workspace.delete(f"{top}/new.py")
    with pytest.raises(PermissionDenied):
        ann_w.permissions.set("directories", str(top_id), access_control_list=[])
    w.permissions.update("directories", str(top_id), access_control_list=[
        AccessControlRequest(user_name=ann.user_name,
                             permission_level=PermissionLevel.CAN_MANAGE)])
    got = ann_w.permissions.get("directories", str(top_id))
    assert ("CAN_MANAGE", False, None) in levels_of(got, ann.user_name)
    # removing the group removes its grants
    w.groups.delete(g.id)
    got = w.permissions.get("directories", str(top_id))
    assert levels_of(got, g.display_name) == set()
    w.workspace.delete(top, recursive=True)


def test_enforced_on_permissions_api_itself(make_user, w, unique):
    home = f"/Users/{w.current_user.me().user_name}"
    top = f"{home}/{unique('priv')}"
    w.workspace.mkdirs(top)
    top_id = str(w.workspace.get_status(top).object_id)
    _, bob_w = make_user("bob")
    with pytest.raises(PermissionDenied):
        bob_w.permissions.get("directories", top_id)
    with pytest.raises(PermissionDenied):
        bob_w.permissions.get_permission_levels("directories", top_id)
    with pytest.raises(PermissionDenied):
        bob_w.permissions.set("directories", top_id, access_control_list=[])
    w.workspace.delete(top)


def test_errors(w, tree, server):
    _, ids = tree
    # unknown object, and an id of another type
    with pytest.raises(ResourceDoesNotExist):
        w.permissions.get("notebooks", "123456789")
    with pytest.raises(ResourceDoesNotExist):
        w.permissions.get("directories", str(ids["nb"]))
    with pytest.raises(ResourceDoesNotExist):
        w.permissions.get("files", str(ids["nb"]))
    with pytest.raises(BadRequest):
        w.permissions.get("notebooks", "not-a-number")
    # types Databricks has and Bricks does not, and nonsense types
    with pytest.raises(NotImplemented):
        w.permissions.get("jobs", "1")
    with pytest.raises(BadRequest):
        w.permissions.get("bogus", "1")
    # bad levels and principals change nothing
    with pytest.raises(BadRequest) as e:
        w.permissions.update("notebooks", str(ids["nb"]), access_control_list=[
            AccessControlRequest(user_name=w.current_user.me().user_name,
                                 permission_level=PermissionLevel.CAN_ATTACH_TO)])
    assert "CAN_ATTACH_TO" in str(e.value)
    with pytest.raises(BadRequest) as e:
        w.permissions.update("notebooks", str(ids["nb"]), access_control_list=[
            AccessControlRequest(user_name="nobody@example.com",
                                 permission_level=PermissionLevel.CAN_READ)])
    assert "nobody@example.com" in str(e.value)
    with pytest.raises(BadRequest):
        w.permissions.update("notebooks", str(ids["nb"]), access_control_list=[
            AccessControlRequest(group_name="no-such-group",
                                 permission_level=PermissionLevel.CAN_READ)])
    with pytest.raises(BadRequest):
        w.permissions.update("notebooks", str(ids["nb"]), access_control_list=[
            AccessControlRequest(permission_level=PermissionLevel.CAN_READ)])
    # a failed PUT is atomic: the grant made before it is still there
    w.permissions.update("notebooks", str(ids["nb"]), access_control_list=[
        AccessControlRequest(group_name="users", permission_level=PermissionLevel.CAN_RUN)])
    with pytest.raises(BadRequest):
        w.permissions.set("notebooks", str(ids["nb"]), access_control_list=[
            AccessControlRequest(group_name="users", permission_level=PermissionLevel.CAN_READ),
            AccessControlRequest(user_name="ghost@example.com",
                                 permission_level=PermissionLevel.CAN_READ)])
    got = w.permissions.get("notebooks", str(ids["nb"]))
    assert ("CAN_RUN", False, None) in levels_of(got, "users")
    # malformed bodies
    r = raw(server, "PATCH", f"/api/2.0/permissions/notebooks/{ids['nb']}", token=server.token,
            json={"access_control_list": ["CAN_READ"]})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    r = raw(server, "PATCH", f"/api/2.0/permissions/notebooks/{ids['nb']}", token=server.token,
            json={"access_control_list": {"user_name": "x"}})
    assert r.status_code == 400


def test_unauthenticated(server, tree):
    _, ids = tree
    bad = client(server.host, "dapi" + "2" * 64)
    with pytest.raises(Unauthenticated):
        bad.permissions.get("notebooks", str(ids["nb"]))


def test_delete_drops_grants_and_restart_keeps_them(server, w, make_user, unique):
    top = f"/Shared/{unique('keep')}"
    w.workspace.mkdirs(top)
    top_id = str(w.workspace.get_status(top).object_id)
    ann, _ = make_user("ann")
    w.permissions.update("directories", top_id, access_control_list=[
        AccessControlRequest(user_name=ann.user_name, permission_level=PermissionLevel.CAN_EDIT)])
    server.restart()
    got = w.permissions.get("directories", top_id)
    assert levels_of(got, ann.user_name) == {("CAN_EDIT", False, None)}
    w.workspace.delete(top)
    with pytest.raises(NotFound):
        w.permissions.get("directories", top_id)
    # a new directory at the same path is a new object without the old grants
    w.workspace.mkdirs(top)
    new_id = str(w.workspace.get_status(top).object_id)
    assert new_id != top_id
    assert levels_of(w.permissions.get("directories", new_id), ann.user_name) == set()
    w.workspace.delete(top)
