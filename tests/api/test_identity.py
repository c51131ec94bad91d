"""SCIM identity through the SDK: current user, users, groups.

Creates, reads, lists (filter, attributes, sort, the SDK's startIndex/count
iterator over >100 users), patches, replaces and deletes users and groups, and
checks the errors the SDK maps to its own exception classes (NotFound,
ResourceAlreadyExists, InvalidParameterValue/BadRequest, PermissionDenied).
"""

import pytest
from databricks.sdk.errors import (BadRequest, InvalidParameterValue, NotFound,
                                   PermissionDenied, ResourceAlreadyExists)
from databricks.sdk.service.iam import (ComplexValue, ListSortOrder, Name, Patch,
                                        PatchOp, PatchSchema)

from conftest import raw

PATCH_SCHEMAS = [PatchSchema.URN_IETF_PARAMS_SCIM_API_MESSAGES_2_0_PATCH_OP]


def test_create_and_get_user(w, unique):
    name = f"{unique('ann')}@example.com"
    u = w.users.create(user_name=name, display_name="Ann Example",
                       name=Name(given_name="Ann", family_name="Example"),
                       entitlements=[ComplexValue(value="allow-cluster-create")])
    assert u.id and u.id.isdigit()
    assert u.user_name == name
    assert u.active is True
    got = w.users.get(u.id)
    assert got.user_name == name
    assert got.display_name == "Ann Example"
    assert got.name.given_name == "Ann" and got.name.family_name == "Example"
    assert [e.value for e in got.entitlements] == ["allow-cluster-create"]
    assert got.emails[0].value == name and got.emails[0].primary
    # Every user is implicitly in "users", which is not listed among its groups.
    assert got.groups == []


def test_duplicate_user_name_is_already_exists(w, unique):
    name = f"{unique('dup')}@example.com"
    w.users.create(user_name=name)
    with pytest.raises(ResourceAlreadyExists) as e:
        w.users.create(user_name=name.upper())
    assert e.value.error_code == "RESOURCE_ALREADY_EXISTS"
    assert name.upper() in str(e.value)


def test_invalid_user_name(w):
    with pytest.raises(InvalidParameterValue):
        w.users.create(user_name="has a space@example.com")
    with pytest.raises(InvalidParameterValue):
        w.users.create(display_name="no user name")


def test_missing_user_is_not_found(w):
    with pytest.raises(NotFound):
        w.users.get("1234567890123456")
    with pytest.raises(NotFound):
        w.users.get("not-a-number")
    with pytest.raises(NotFound):
        w.users.delete("1234567890123456")


def test_filters(w, unique):
    tag = unique("flt")
    a = w.users.create(user_name=f"{tag}-alpha@example.com", display_name=f"{tag} Alpha")
    b = w.users.create(user_name=f"{tag}-beta@example.com", display_name=f"{tag} Beta")

    def names(flt):
        return sorted(u.user_name for u in w.users.list(filter=flt))

    assert names(f'userName eq "{tag}-alpha@example.com"') == [a.user_name]
    assert names(f'userName eq "{tag.upper()}-ALPHA@EXAMPLE.COM"') == [a.user_name]
    assert names(f'displayName co "{tag}"') == [a.user_name, b.user_name]
    assert names(f'userName sw "{tag}-b"') == [b.user_name]
    assert names(f'userName ew "{tag}-beta@example.com"') == [b.user_name]
    assert names(f'displayName co "{tag}" and not (userName sw "{tag}-a")') == [b.user_name]
    assert names(f'userName eq "{tag}-alpha@example.com" or userName eq "{tag}-beta@example.com"'
                 ) == [a.user_name, b.user_name]
    assert names(f'emails.value eq "{tag}-beta@example.com"') == [b.user_name]
    assert names(f'id eq "{a.id}"') == [a.user_name]
    assert names('userName eq "nobody-at-all@example.com"') == []


def test_garbage_filter_is_bad_request(w):
    with pytest.raises(BadRequest):
        list(w.users.list(filter="userName bogus"))
    with pytest.raises(BadRequest):
        list(w.groups.list(filter='displayName eq "unterminated'))


def test_attributes_and_excluded_attributes(w, unique):
    name = f"{unique('attr')}@example.com"
    w.users.create(user_name=name, display_name="Shown")
    flt = f'userName eq "{name}"'
    only = list(w.users.list(filter=flt, attributes="userName"))
    assert len(only) == 1
    assert only[0].user_name == name and only[0].id
    assert only[0].display_name is None and not only[0].emails
    without = list(w.users.list(filter=flt, excluded_attributes="displayName,emails"))
    assert without[0].display_name is None and not without[0].emails
    assert without[0].user_name == name


def test_sorting(w, unique):
    tag = unique("sort")
    for n in ("b", "c", "a"):
        w.users.create(user_name=f"{tag}-{n}@example.com")
    flt = f'userName sw "{tag}"'
    asc = [u.user_name for u in w.users.list(filter=flt, sort_by="userName")]
    assert asc == [f"{tag}-{n}@example.com" for n in "abc"]
    desc = [u.user_name for u in w.users.list(filter=flt, sort_by="userName",
                                                 sort_order=ListSortOrder.DESCENDING)]
    assert desc == asc[::-1]


def test_pagination_over_many_users(server, w, unique):
    tag = unique("page")
    made = {w.users.create(user_name=f"{tag}-{i:03d}@example.com").id for i in range(120)}
    flt = f'userName sw "{tag}"'
    # The SDK's iterator: startIndex from 1, count pages, until an empty page.
    paged = [u.id for u in w.users.list(filter=flt, count=7)]
    assert len(paged) == 120 and set(paged) == made
    assert len(list(w.users.list(filter=flt))) == 120
    # The raw pages agree with totalResults.
    r = raw(server, "GET", "/api/2.0/preview/scim/v2/Users", token=server.token,
            params={"filter": flt, "startIndex": 115, "count": 10})
    body = r.json()
    assert body["totalResults"] == 120
    assert body["startIndex"] == 115
    assert body["itemsPerPage"] == 6 and len(body["Resources"]) == 6
    r = raw(server, "GET", "/api/2.0/preview/scim/v2/Users", token=server.token,
            params={"filter": flt, "startIndex": 121})
    assert r.json()["Resources"] == [] and r.json()["totalResults"] == 120
    total = raw(server, "GET", "/api/2.0/preview/scim/v2/Users", token=server.token,
                params={"count": 1}).json()["totalResults"]
    assert len(list(w.users.list(attributes="id"))) == total


def test_patch_user(w, unique):
    name = f"{unique('patch')}@example.com"
    u = w.users.create(user_name=name, display_name="Before")
    w.users.patch(u.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.REPLACE, path="displayName", value="After"),
        Patch(op=PatchOp.ADD, path="entitlements",
              value=[{"value": "allow-cluster-create"}, {"value": "databricks-sql-access"}]),
    ])
    got = w.users.get(u.id)
    assert got.display_name == "After"
    assert sorted(e.value for e in got.entitlements) == ["allow-cluster-create",
                                                           "databricks-sql-access"]
    # Adding the same entitlement again does not duplicate it; remove with a filter.
    w.users.patch(u.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.ADD, path="entitlements", value=[{"value": "allow-cluster-create"}]),
        Patch(op=PatchOp.REMOVE, path='entitlements[value eq "databricks-sql-access"]'),
    ])
    assert [e.value for e in w.users.get(u.id).entitlements] == ["allow-cluster-create"]
    # Deactivate the Databricks way: a list of one {"value": "false"}.
    w.users.patch(u.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.REPLACE, path="active", value=[{"value": "false"}])])
    assert w.users.get(u.id).active is False
    # A path-less replace with an object of attributes.
    w.users.patch(u.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.REPLACE, value={"active": True, "name": {"givenName": "Pat"}})])
    got = w.users.get(u.id)
    assert got.active is True and got.name.given_name == "Pat"


def test_patch_errors(w, unique):
    u = w.users.create(user_name=f"{unique('perr')}@example.com")
    with pytest.raises(InvalidParameterValue):
        w.users.patch(u.id, schemas=PATCH_SCHEMAS,
                      operations=[Patch(op=PatchOp.REPLACE, path="displayName")])
    with pytest.raises(InvalidParameterValue):
        w.users.patch(u.id, schemas=PATCH_SCHEMAS,
                      operations=[Patch(op=PatchOp.REPLACE, path="userName", value=7)])
    with pytest.raises(NotFound):
        w.users.patch("1234567890123456", schemas=PATCH_SCHEMAS,
                      operations=[Patch(op=PatchOp.REPLACE, path="displayName", value="x")])
    assert w.users.get(u.id).display_name is None


def test_deactivated_user_cannot_authenticate(w, make_user):
    user, uc = make_user("inactive")
    assert uc.current_user.me().user_name == user.user_name
    w.users.patch(user.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.REPLACE, path="active", value="false")])
    from databricks.sdk.errors import Unauthenticated
    with pytest.raises(Unauthenticated):
        uc.current_user.me()


def test_update_user_replaces(w, unique):
    name = f"{unique('put')}@example.com"
    u = w.users.create(user_name=name, display_name="Old")
    new_name = f"{unique('put2')}@example.com"
    w.users.update(u.id, user_name=new_name)
    got = w.users.get(u.id)
    assert got.user_name == new_name
    assert got.display_name is None
    taken = w.users.create(user_name=f"{unique('taken')}@example.com")
    with pytest.raises(ResourceAlreadyExists):
        w.users.update(u.id, user_name=taken.user_name)
    with pytest.raises(NotFound):
        w.users.update("1234567890123456", user_name=f"{unique('ghost')}@example.com")


def test_delete_user(w, make_user):
    user, uc = make_user("gone")
    w.users.delete(user.id)
    with pytest.raises(NotFound):
        w.users.get(user.id)
    # The deleted user's tokens died with it.
    from databricks.sdk.errors import Unauthenticated
    with pytest.raises(Unauthenticated):
        uc.current_user.me()


def test_groups_lifecycle(w, unique):
    u1 = w.users.create(user_name=f"{unique('gm')}@example.com")
    u2 = w.users.create(user_name=f"{unique('gm')}@example.com")
    name = unique("grp")
    g = w.groups.create(display_name=name, members=[ComplexValue(value=u1.id)])
    assert g.id and g.display_name == name
    assert [m.value for m in g.members] == [u1.id]
    assert [m.display for m in w.groups.get(g.id).members] == [u1.user_name]
    # The user lists the group among its groups.
    assert name in [x.display for x in w.users.get(u1.id).groups]
    # Membership by PATCH: add u2, remove u1.
    w.groups.patch(g.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.ADD, path="members", value=[{"value": u2.id}]),
        Patch(op=PatchOp.REMOVE, path=f'members[value eq "{u1.id}"]'),
    ])
    assert [m.value for m in w.groups.get(g.id).members] == [u2.id]
    # Databricks' remove with a value list.
    w.groups.patch(g.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.REMOVE, path="members", value=[{"value": u2.id}])])
    assert w.groups.get(g.id).members == []
    # Rename with PUT; filter finds it; duplicate names are refused.
    w.groups.update(g.id, display_name=name + "-renamed")
    found = list(w.groups.list(filter=f'displayName eq "{name}-renamed"'))
    assert [x.id for x in found] == [g.id]
    assert list(w.groups.list(filter=f'displayName eq "{name}"')) == []
    with pytest.raises(ResourceAlreadyExists):
        w.groups.create(display_name=name + "-renamed")
    w.groups.delete(g.id)
    with pytest.raises(NotFound):
        w.groups.get(g.id)


def test_nested_groups_and_bad_members(w, unique):
    inner = w.groups.create(display_name=unique("inner"))
    outer = w.groups.create(display_name=unique("outer"), members=[ComplexValue(value=inner.id)])
    assert [g.display for g in w.groups.get(inner.id).groups] == [outer.display_name]
    with pytest.raises(InvalidParameterValue):
        w.groups.create(display_name=unique("ghosts"),
                        members=[ComplexValue(value="1234567890123456")])


def test_builtin_groups(w):
    names = {g.display_name: g for g in w.groups.list()}
    assert "admins" in names and "users" in names
    me = w.current_user.me()
    assert me.id in [m.value for m in w.groups.get(names["admins"].id).members]
    with pytest.raises(InvalidParameterValue):
        w.groups.delete(names["users"].id)
    with pytest.raises(InvalidParameterValue):
        w.groups.update(names["admins"].id, display_name="not-admins")
    # The last admin cannot leave "admins".
    with pytest.raises(InvalidParameterValue):
        w.groups.patch(names["admins"].id, schemas=PATCH_SCHEMAS, operations=[
            Patch(op=PatchOp.REMOVE, path=f'members[value eq "{me.id}"]')])
    assert me.id in [m.value for m in w.groups.get(names["admins"].id).members]


def test_group_list_paging(w, unique):
    tag = unique("gp")
    ids = {w.groups.create(display_name=f"{tag}-{i}").id for i in range(5)}
    got = [g.id for g in w.groups.list(filter=f'displayName sw "{tag}"', count=2)]
    assert sorted(got) == sorted(ids)


def test_admin_by_group_membership(w, make_user):
    user, uc = make_user("promoted")
    with pytest.raises(PermissionDenied):
        uc.groups.create(display_name=f"x-{user.id}")
    admins = next(iter(w.groups.list(filter='displayName eq "admins"')))
    w.groups.patch(admins.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.ADD, path="members", value=[{"value": user.id}])])
    g = uc.groups.create(display_name=f"made-by-{user.id}")
    assert w.groups.get(g.id).display_name == f"made-by-{user.id}"
    w.groups.patch(admins.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.REMOVE, path=f'members[value eq "{user.id}"]')])
    with pytest.raises(PermissionDenied):
        uc.groups.delete(g.id)


def test_non_admin_reads_but_cannot_write(w, user_client, unique):
    user, uc = user_client
    me = uc.current_user.me()
    assert me.user_name == user.user_name
    assert me.groups == []
    # Reads are open to every user.
    assert uc.users.get(user.id).user_name == user.user_name
    assert any(u.id == user.id for u in uc.users.list(filter=f'id eq "{user.id}"'))
    victim = w.users.create(user_name=f"{unique('victim')}@example.com")
    with pytest.raises(PermissionDenied):
        uc.users.create(user_name=f"{unique('nope')}@example.com")
    with pytest.raises(PermissionDenied):
        uc.users.delete(victim.id)
    with pytest.raises(PermissionDenied):
        uc.users.update(victim.id, user_name=victim.user_name, display_name="hacked")
    with pytest.raises(PermissionDenied):
        uc.users.patch(victim.id, schemas=PATCH_SCHEMAS, operations=[
            Patch(op=PatchOp.REPLACE, path="displayName", value="hacked")])
    with pytest.raises(PermissionDenied):
        uc.groups.create(display_name=unique("nope"))
    # Nothing changed.
    assert w.users.get(victim.id).display_name is None


def test_obo_token_audit_fields(w, unique):
    # The creator of an on-behalf-of token is the acting admin, the owner the user.
    u = w.users.create(user_name=f"{unique('audit')}@example.com")
    obo = w.token_management.create_obo_token(application_id=u.id, comment="audit")
    info = w.token_management.get(obo.token_info.token_id).token_info
    assert info.created_by_username == "admin@bricks.local"
    assert info.owner_id == int(u.id)


def test_service_principals(server, w, unique):
    from conftest import client
    name = unique("sp")
    sp = w.service_principals.create(display_name=name)
    assert sp.id and sp.application_id and len(sp.application_id) == 36
    assert sp.active is True
    got = w.service_principals.get(sp.id)
    assert got.display_name == name and got.application_id == sp.application_id
    # Listed as service principals, not as users; each endpoint 404s the other kind.
    assert [x.id for x in w.service_principals.list(filter=f'displayName eq "{name}"')] == [sp.id]
    assert [x.id for x in w.service_principals.list(
        filter=f'applicationId eq "{sp.application_id}"')] == [sp.id]
    assert list(w.users.list(filter=f'id eq "{sp.id}"')) == []
    with pytest.raises(NotFound):
        w.users.get(sp.id)
    me = w.current_user.me()
    with pytest.raises(NotFound):
        w.service_principals.get(me.id)
    # A chosen applicationId; duplicates are refused.
    app_id = "0b2f4c1e-5a6d-4e7f-8a9b-0c1d2e3f4a5b"
    fixed = w.service_principals.create(application_id=app_id, display_name=unique("sp"))
    assert fixed.application_id == app_id
    with pytest.raises(ResourceAlreadyExists):
        w.service_principals.create(application_id=app_id)
    # Patch and put.
    w.service_principals.patch(sp.id, schemas=PATCH_SCHEMAS, operations=[
        Patch(op=PatchOp.REPLACE, path="displayName", value=name + "-2"),
        Patch(op=PatchOp.ADD, path="entitlements", value=[{"value": "allow-cluster-create"}])])
    got = w.service_principals.get(sp.id)
    assert got.display_name == name + "-2"
    assert [e.value for e in got.entitlements] == ["allow-cluster-create"]
    w.service_principals.update(sp.id, display_name=name + "-3")
    got = w.service_principals.get(sp.id)
    assert got.display_name == name + "-3" and got.application_id == sp.application_id
    assert not got.entitlements
    with pytest.raises(InvalidParameterValue):
        w.service_principals.update(sp.id, application_id=app_id, display_name="steal")
    # An on-behalf-of token for it, by applicationId, as in Databricks.
    obo = w.token_management.create_obo_token(application_id=sp.application_id,
                                              comment="automation", lifetime_seconds=600)
    assert obo.token_info.owner_id == int(sp.id)
    spc = client(server.host, obo.token_value)
    assert spc.current_user.me().user_name == sp.application_id
    with pytest.raises(PermissionDenied):
        spc.users.create(user_name=f"{unique('nope')}@example.com")
    # Group membership works for service principals too.
    g = w.groups.create(display_name=unique("spg"), members=[ComplexValue(value=sp.id)])
    assert [x.display for x in w.service_principals.get(sp.id).groups] == [g.display_name]
    # Deleting it revokes its tokens.
    w.service_principals.delete(sp.id)
    with pytest.raises(NotFound):
        w.service_principals.get(sp.id)
    from databricks.sdk.errors import Unauthenticated
    with pytest.raises(Unauthenticated):
        spc.current_user.me()
    with pytest.raises(NotFound):
        w.service_principals.delete(me.id)


def test_non_admin_cannot_manage_service_principals(w, user_client, unique):
    _, uc = user_client
    with pytest.raises(PermissionDenied):
        uc.service_principals.create(display_name=unique("sp"))
    sp = w.service_principals.create(display_name=unique("sp"))
    with pytest.raises(PermissionDenied):
        uc.service_principals.delete(sp.id)
    assert uc.service_principals.get(sp.id).id == sp.id


def test_users_group_default_entitlements(w):
    users = next(iter(w.groups.list(filter='displayName eq "users"')))
    assert sorted(e.value for e in w.groups.get(users.id).entitlements) == [
        "databricks-sql-access", "workspace-access"]
