"""The Permissions API for clusters through the SDK's own methods
(w.clusters.get_permissions / set_permissions / update_permissions /
get_permission_levels and w.permissions.* with request_object_type "clusters"):
what each level lets a second, non-admin user do to a cluster, grants to (nested)
groups, PUT vs PATCH, owners and admins, errors, and durability across a restart."""

import os
import sqlite3

import pytest
from databricks.sdk.errors import (BadRequest, InvalidParameterValue, NotFound,
                                   PermissionDenied)
from databricks.sdk.service.compute import (ClusterAccessControlRequest,
                                            ClusterPermissionLevel, State)
from databricks.sdk.service.iam import (AccessControlRequest, ComplexValue,
                                        PermissionLevel)

from conftest import raw

SPARK = "16.4.x-scala2.12"
ATTACH = ClusterPermissionLevel.CAN_ATTACH_TO
RESTART = ClusterPermissionLevel.CAN_RESTART
MANAGE = ClusterPermissionLevel.CAN_MANAGE


def grant(user_name=None, group_name=None, level=ATTACH):
    return ClusterAccessControlRequest(user_name=user_name, group_name=group_name,
                                       permission_level=level)


def levels_of(perms, name):
    """{(level, inherited, source)} of the principal `name` (user or group)."""
    for e in perms.access_control_list or []:
        if name in (e.user_name, e.group_name):
            return {(p.permission_level.value, bool(p.inherited),
                     tuple(p.inherited_from_object or ())) for p in e.all_permissions}
    return set()


def acl_rows(server, cluster_id):
    """The cluster's direct grants as stored (nothing else can see a deleted one)."""
    db = sqlite3.connect(f"file:{os.path.join(server.data_dir, 'metastore.db')}?mode=ro",
                         uri=True)
    try:
        return db.execute("SELECT count(*) FROM acl_entries WHERE object_type = 'clusters'"
                          " AND object_id = ?", (cluster_id,)).fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def cluster(w, unique):
    """A RUNNING single-node cluster of the admin's, permanently deleted afterwards."""
    cid = w.clusters.create_and_wait(cluster_name=unique("acl"), spark_version=SPARK,
                                     num_workers=0).cluster_id
    yield cid
    try:
        w.clusters.permanent_delete(cid)
    except InvalidParameterValue as e:  # the Clusters API's answer for a deleted cluster
        assert "does not exist" in str(e)


def test_permission_levels(w, cluster):
    got = w.clusters.get_permission_levels(cluster).permission_levels
    assert [p.permission_level for p in got] == [ATTACH, RESTART, MANAGE]
    assert all(p.description for p in got)
    generic = w.permissions.get_permission_levels("clusters", cluster).permission_levels
    assert [p.permission_level for p in generic] == [
        PermissionLevel.CAN_ATTACH_TO, PermissionLevel.CAN_RESTART, PermissionLevel.CAN_MANAGE]


def test_get_shape_owner_and_admins(w, cluster):
    me = w.current_user.me().user_name
    perms = w.clusters.get_permissions(cluster)
    assert perms.object_id == f"/clusters/{cluster}" and perms.object_type == "cluster"
    assert levels_of(perms, me) == {("CAN_MANAGE", False, ())}
    assert levels_of(perms, "admins") == {("CAN_MANAGE", True, ("/clusters/",))}
    # the generic API answers the same
    generic = w.permissions.get("clusters", cluster)
    assert generic.object_id == perms.object_id
    assert levels_of(generic, "admins") == levels_of(perms, "admins")


def test_no_level_sees_nothing(w, cluster, user_client):
    _, uw = user_client
    for call in (lambda: uw.clusters.get(cluster), lambda: list(uw.clusters.events(cluster)),
                 lambda: uw.clusters.get_permissions(cluster),
                 lambda: uw.clusters.get_permission_levels(cluster)):
        with pytest.raises(PermissionDenied):
            call()
    assert cluster not in [c.cluster_id for c in uw.clusters.list()]


def test_can_attach_to(w, cluster, user_client):
    user, uw = user_client
    w.clusters.update_permissions(cluster, access_control_list=[grant(user.user_name, level=ATTACH)])
    assert uw.clusters.get(cluster).state == State.RUNNING
    assert list(uw.clusters.events(cluster))
    assert cluster in [c.cluster_id for c in uw.clusters.list()]
    assert levels_of(uw.clusters.get_permissions(cluster), user.user_name) == {
        ("CAN_ATTACH_TO", False, ())}
    assert len(uw.clusters.get_permission_levels(cluster).permission_levels) == 3
    refused = [
        lambda: uw.clusters.restart(cluster),
        lambda: uw.clusters.delete(cluster),
        lambda: uw.clusters.edit(cluster, spark_version=SPARK, num_workers=1),
        lambda: uw.clusters.permanent_delete(cluster),
        lambda: uw.clusters.update_permissions(cluster, access_control_list=[
            grant(user.user_name, level=MANAGE)]),
        lambda: uw.clusters.set_permissions(cluster, access_control_list=[]),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied) as e:
            call()
        assert e.value.error_code == "PERMISSION_DENIED"
    w.clusters.delete_and_wait(cluster)
    with pytest.raises(PermissionDenied, match="Can Restart"):
        uw.clusters.start(cluster)
    got = w.clusters.get(cluster)
    assert got.state == State.TERMINATED and got.num_workers == 0  # nothing changed
    assert levels_of(w.clusters.get_permissions(cluster), user.user_name) == {
        ("CAN_ATTACH_TO", False, ())}


def test_can_restart(w, cluster, user_client):
    user, uw = user_client
    w.clusters.update_permissions(cluster, access_control_list=[grant(user.user_name, level=RESTART)])
    before = w.clusters.get(cluster).spark_context_id
    assert uw.clusters.restart_and_wait(cluster).state == State.RUNNING
    assert w.clusters.get(cluster).spark_context_id != before
    assert uw.clusters.delete_and_wait(cluster).state == State.TERMINATED  # terminate
    assert uw.clusters.start_and_wait(cluster).state == State.RUNNING
    refused = [
        lambda: uw.clusters.edit(cluster, spark_version=SPARK, num_workers=1),
        lambda: uw.clusters.permanent_delete(cluster),
        lambda: uw.clusters.update_permissions(cluster, access_control_list=[
            grant(user.user_name, level=MANAGE)]),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied, match="Can Manage"):
            call()
    assert w.clusters.get(cluster).num_workers == 0


def test_can_manage(w, server, cluster, make_user):
    user, uw = make_user("mgr")
    other, ow = make_user("other")
    w.clusters.update_permissions(cluster, access_control_list=[grant(user.user_name, level=MANAGE)])
    uw.clusters.delete_and_wait(cluster)
    uw.clusters.edit(cluster, spark_version=SPARK, num_workers=1, cluster_name="edited")
    got = w.clusters.get(cluster)
    assert got.num_workers == 1 and got.cluster_name == "edited"
    # a manager grants others
    uw.clusters.update_permissions(cluster, access_control_list=[grant(other.user_name)])
    assert ow.clusters.get(cluster).cluster_id == cluster
    # pin, unpin and change-owner stay admin-only
    for call in (lambda: uw.clusters.pin(cluster), lambda: uw.clusters.unpin(cluster),
                 lambda: uw.clusters.change_owner(cluster, user.user_name)):
        with pytest.raises(PermissionDenied, match="admin"):
            call()
    assert acl_rows(server, cluster) == 2
    uw.clusters.permanent_delete(cluster)
    with pytest.raises(NotFound):
        w.clusters.get_permissions(cluster)
    assert acl_rows(server, cluster) == 0  # its ACL went with it


def test_groups_and_nested_groups(w, cluster, user_client, unique):
    user, uw = user_client
    inner = w.groups.create(display_name=unique("cl-inner"), members=[ComplexValue(value=user.id)])
    outer = w.groups.create(display_name=unique("cl-outer"),
                            members=[ComplexValue(value=inner.id)])
    try:
        w.clusters.update_permissions(cluster, access_control_list=[
            grant(group_name=inner.display_name, level=ATTACH)])
        assert uw.clusters.get(cluster).cluster_id == cluster
        with pytest.raises(PermissionDenied):
            uw.clusters.restart(cluster)
        # a grant to the outer group reaches the user through the inner one
        w.clusters.update_permissions(cluster, access_control_list=[
            grant(group_name=outer.display_name, level=RESTART)])
        assert uw.clusters.restart_and_wait(cluster).state == State.RUNNING
        perms = w.clusters.get_permissions(cluster)
        assert levels_of(perms, inner.display_name) == {("CAN_ATTACH_TO", False, ())}
        assert levels_of(perms, outer.display_name) == {("CAN_RESTART", False, ())}
        assert levels_of(perms, user.user_name) == set()  # no grant of its own
        # the strongest of several grants counts, and list shows group-granted clusters
        assert cluster in [c.cluster_id for c in uw.clusters.list()]
        w.groups.delete(outer.id)
        with pytest.raises(PermissionDenied):
            uw.clusters.restart(cluster)
        assert uw.clusters.get(cluster).state == State.RUNNING
    finally:
        for g in (outer, inner):
            try:
                w.groups.delete(g.id)
            except NotFound:
                pass


def test_put_replaces_patch_merges(w, cluster, make_user):
    a, aw = make_user("a")
    b, bw = make_user("b")
    me = w.current_user.me().user_name
    w.permissions.update("clusters", cluster, access_control_list=[
        AccessControlRequest(user_name=a.user_name, permission_level=PermissionLevel.CAN_ATTACH_TO)])
    perms = w.clusters.update_permissions(cluster, access_control_list=[grant(b.user_name, level=RESTART)])
    assert levels_of(perms, a.user_name) == {("CAN_ATTACH_TO", False, ())}
    assert levels_of(perms, b.user_name) == {("CAN_RESTART", False, ())}
    # PATCH of a principal already granted replaces its level (down as well as up)
    perms = w.clusters.update_permissions(cluster, access_control_list=[grant(b.user_name, level=ATTACH)])
    assert levels_of(perms, b.user_name) == {("CAN_ATTACH_TO", False, ())}
    with pytest.raises(PermissionDenied):
        bw.clusters.restart(cluster)
    # PUT replaces every direct grant; the owner and admins stay
    perms = w.clusters.set_permissions(cluster, access_control_list=[grant(b.user_name, level=MANAGE)])
    assert levels_of(perms, a.user_name) == set()
    assert levels_of(perms, b.user_name) == {("CAN_MANAGE", False, ())}
    assert levels_of(perms, me) == {("CAN_MANAGE", False, ())}
    assert levels_of(perms, "admins") == {("CAN_MANAGE", True, ("/clusters/",))}
    with pytest.raises(PermissionDenied):
        aw.clusters.get(cluster)
    assert cluster not in [c.cluster_id for c in aw.clusters.list()]
    assert bw.clusters.get(cluster).cluster_id == cluster
    # PUT with nothing removes them all
    w.permissions.set("clusters", cluster, access_control_list=[])
    with pytest.raises(PermissionDenied):
        bw.clusters.get(cluster)
    assert [e for e in w.clusters.get_permissions(cluster).access_control_list
            if e.user_name not in (me, None)] == []


def test_owner_is_manager_until_ownership_changes(w, make_user, unique):
    owner, ow = make_user("owner")
    new, nw = make_user("newowner")
    cid = ow.clusters.create(cluster_name=unique("own"), spark_version=SPARK,
                             num_workers=0).cluster_id
    try:
        assert levels_of(ow.clusters.get_permissions(cid), owner.user_name) == {
            ("CAN_MANAGE", False, ())}
        ow.clusters.update_permissions(cid, access_control_list=[grant(new.user_name)])
        assert nw.clusters.get(cid).cluster_id == cid
        ow.clusters.delete_and_wait(cid)
        w.clusters.change_owner(cid, new.user_name)
        # the new owner manages it; the old one, who holds no grant, lost it
        assert levels_of(nw.clusters.get_permissions(cid), new.user_name) == {
            ("CAN_MANAGE", False, ())}
        with pytest.raises(PermissionDenied):
            ow.clusters.get(cid)
        nw.clusters.edit(cid, spark_version=SPARK, num_workers=1)
    finally:
        w.clusters.permanent_delete(cid)


def test_errors(w, server, cluster):
    missing = "0101-000000-nosuchid"
    for call in (lambda: w.clusters.get_permissions(missing),
                 lambda: w.clusters.get_permission_levels(missing),
                 lambda: w.clusters.set_permissions(missing, access_control_list=[]),
                 lambda: w.clusters.update_permissions(missing, access_control_list=[]),
                 lambda: w.permissions.get("clusters", missing)):
        with pytest.raises(NotFound, match=missing):
            call()
    me = w.current_user.me().user_name
    # levels of other object types are refused, and so are made-up ones
    with pytest.raises(BadRequest, match="CAN_ATTACH_TO, CAN_RESTART, CAN_MANAGE"):
        w.permissions.update("clusters", cluster, access_control_list=[
            AccessControlRequest(user_name=me, permission_level=PermissionLevel.CAN_READ)])
    r = raw(server, "PATCH", f"/api/2.0/permissions/clusters/{cluster}", token=server.token,
            json={"access_control_list": [{"user_name": me, "permission_level": "CAN_FLY"}]})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    with pytest.raises(BadRequest, match="nobody@example.com"):
        w.clusters.update_permissions(cluster, access_control_list=[grant("nobody@example.com")])
    # a failed PUT leaves the ACL as it was
    w.clusters.update_permissions(cluster, access_control_list=[grant(group_name="users")])
    with pytest.raises(BadRequest):
        w.clusters.set_permissions(cluster, access_control_list=[
            grant(group_name="users", level=MANAGE), grant("nobody@example.com")])
    assert levels_of(w.clusters.get_permissions(cluster), "users") == {("CAN_ATTACH_TO", False, ())}


def test_restart_keeps_acls(w, server, cluster, user_client):
    user, uw = user_client
    w.clusters.update_permissions(cluster, access_control_list=[grant(user.user_name, level=RESTART)])
    before = w.clusters.get_permissions(cluster)
    server.restart()
    after = w.clusters.get_permissions(cluster)
    assert after.as_dict() == before.as_dict()
    assert uw.clusters.get(cluster).state == State.RUNNING
    assert uw.clusters.restart_and_wait(cluster).state == State.RUNNING
    with pytest.raises(PermissionDenied):
        uw.clusters.edit(cluster, spark_version=SPARK, num_workers=1)
