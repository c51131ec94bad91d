"""Personal access tokens (w.tokens) and token management for admins
(w.token_management): create, list, get, delete/revoke, expiry, permissions."""

import time

import pytest
from databricks.sdk.errors import (InvalidParameterValue, NotFound, PermissionDenied,
                                   Unauthenticated)

from conftest import client, raw


def test_create_list_delete(server, w):
    before = time.time() * 1000
    created = w.tokens.create(comment="ci pipeline", lifetime_seconds=600)
    assert created.token_value.startswith("dapi") and len(created.token_value) == 68
    info = created.token_info
    assert info.comment == "ci pipeline"
    assert before - 1000 <= info.creation_time <= time.time() * 1000 + 1000
    assert info.expiry_time - info.creation_time == 600 * 1000
    listed = {t.token_id: t for t in w.tokens.list()}
    assert info.token_id in listed
    assert listed[info.token_id].comment == "ci pipeline"
    # The new token works, and the listing never shows token text.
    assert client(server.host, created.token_value).current_user.me().user_name == \
        "admin@bricks.local"
    r = raw(server, "GET", "/api/2.0/token/list", token=server.token)
    assert created.token_value not in r.text
    w.tokens.delete(info.token_id)
    assert info.token_id not in [t.token_id for t in w.tokens.list()]


def test_no_lifetime_never_expires(w):
    created = w.tokens.create(comment="forever")
    assert created.token_info.expiry_time == -1
    w.tokens.delete(created.token_info.token_id)


def test_revoked_token_is_401_immediately(server, w):
    created = w.tokens.create(comment="revoke me")
    c = client(server.host, created.token_value)
    assert c.current_user.me().user_name == "admin@bricks.local"
    w.tokens.delete(created.token_info.token_id)
    with pytest.raises(Unauthenticated):
        c.current_user.me()
    with pytest.raises(NotFound):
        w.tokens.delete(created.token_info.token_id)


def test_expired_token_is_401(server, w):
    created = w.tokens.create(comment="short", lifetime_seconds=1)
    c = client(server.host, created.token_value)
    assert c.current_user.me().user_name == "admin@bricks.local"
    time.sleep(1.2)
    with pytest.raises(Unauthenticated):
        c.current_user.me()


def test_invalid_lifetime(w):
    with pytest.raises(InvalidParameterValue):
        w.tokens.create(lifetime_seconds=-5)
    with pytest.raises(InvalidParameterValue):
        w.tokens.create(lifetime_seconds=10**12)


def test_delete_unknown_token(w):
    with pytest.raises(NotFound):
        w.tokens.delete("0" * 64)
    with pytest.raises(NotFound):
        w.token_management.get("0" * 64)
    with pytest.raises(NotFound):
        w.token_management.delete("0" * 64)


def test_users_see_only_their_tokens(w, user_client):
    user, uc = user_client
    mine = uc.tokens.create(comment="user's own")
    admins = w.tokens.create(comment="admin's own")
    user_ids = [t.token_id for t in uc.tokens.list()]
    assert mine.token_info.token_id in user_ids
    assert admins.token_info.token_id not in user_ids
    # Another user's token id is as good as unknown.
    with pytest.raises(NotFound):
        uc.tokens.delete(admins.token_info.token_id)
    assert admins.token_info.token_id in [t.token_id for t in w.tokens.list()]
    uc.tokens.delete(mine.token_info.token_id)
    w.tokens.delete(admins.token_info.token_id)


def test_token_management_for_admins(w, make_user):
    user, uc = make_user("tm")
    own = uc.tokens.create(comment="made by the user")
    all_infos = {t.token_id: t for t in w.token_management.list()}
    assert own.token_info.token_id in all_infos
    info = all_infos[own.token_info.token_id]
    assert info.owner_id == int(user.id)
    assert info.created_by_username == user.user_name
    assert info.created_by_id == int(user.id)
    by_user = list(w.token_management.list(created_by_username=user.user_name))
    assert {t.token_id for t in by_user} == {own.token_info.token_id}
    by_id = list(w.token_management.list(created_by_id=int(user.id)))
    assert {t.token_id for t in by_id} == {own.token_info.token_id}
    # The admin's on-behalf-of token for the user is created by the admin.
    obo_by_admin = list(w.token_management.list(created_by_username="admin@bricks.local"))
    assert all(t.created_by_username == "admin@bricks.local" for t in obo_by_admin)
    got = w.token_management.get(own.token_info.token_id).token_info
    assert got.comment == "made by the user"
    w.token_management.delete(own.token_info.token_id)
    with pytest.raises(NotFound):
        w.token_management.get(own.token_info.token_id)
    # The on-behalf-of token of make_user still works; after its deletion it does not.
    obo_ids = [t.token_id for t in w.token_management.list(created_by_id=int(
        w.current_user.me().id)) if t.owner_id == int(user.id)]
    assert len(obo_ids) == 1
    assert uc.current_user.me().user_name == user.user_name
    w.token_management.delete(obo_ids[0])
    with pytest.raises(Unauthenticated):
        uc.current_user.me()


def test_obo_token(server, w, unique):
    u = w.users.create(user_name=f"{unique('obo')}@example.com")
    made = w.token_management.create_obo_token(application_id=u.id, comment="job runner",
                                               lifetime_seconds=3600)
    assert made.token_info.owner_id == int(u.id)
    assert made.token_info.expiry_time - made.token_info.creation_time == 3600 * 1000
    assert client(server.host, made.token_value).current_user.me().user_name == u.user_name
    by_name = w.token_management.create_obo_token(application_id=u.user_name)
    assert by_name.token_info.owner_id == int(u.id)
    with pytest.raises(NotFound):
        w.token_management.create_obo_token(application_id="1234567890123456")
    with pytest.raises(NotFound):
        w.token_management.create_obo_token(application_id="nobody@example.com")


def test_token_management_is_admin_only(w, user_client):
    user, uc = user_client
    admin_token = w.tokens.create(comment="target")
    with pytest.raises(PermissionDenied):
        list(uc.token_management.list())
    with pytest.raises(PermissionDenied):
        uc.token_management.get(admin_token.token_info.token_id)
    with pytest.raises(PermissionDenied):
        uc.token_management.delete(admin_token.token_info.token_id)
    with pytest.raises(PermissionDenied):
        uc.token_management.create_obo_token(application_id=user.id)
    # The target token survived.
    assert w.token_management.get(admin_token.token_info.token_id).token_info.comment == "target"
    w.tokens.delete(admin_token.token_info.token_id)


def test_tokens_survive_restart(server, w, make_user):
    user, uc = make_user("persist")
    t = uc.tokens.create(comment="persisted", lifetime_seconds=3600)
    server.restart()
    again = client(server.host, t.token_value)
    assert again.current_user.me().user_name == user.user_name
    infos = {x.token_id: x for x in again.tokens.list()}
    assert infos[t.token_info.token_id].comment == "persisted"
    assert infos[t.token_info.token_id].expiry_time == t.token_info.expiry_time


def test_update_comment(w, user_client):
    from databricks.sdk.common.types.fieldmask import FieldMask
    from databricks.sdk.service.settings import PublicTokenInfo, TokenInfo
    user, uc = user_client
    t = uc.tokens.create(comment="old")
    uc.tokens.update(t.token_info.token_id, PublicTokenInfo(comment="new"), FieldMask(["comment"]))
    assert {x.token_id: x.comment for x in uc.tokens.list()}[t.token_info.token_id] == "new"
    with pytest.raises(InvalidParameterValue):
        uc.tokens.update(t.token_info.token_id, PublicTokenInfo(scopes=["x"]),
                         FieldMask(["scopes"]))
    # Another user's token is not found for a plain user; admins use token management.
    admin_t = w.tokens.create(comment="admin's")
    with pytest.raises(NotFound):
        uc.tokens.update(admin_t.token_info.token_id, PublicTokenInfo(comment="x"),
                         FieldMask(["comment"]))
    with pytest.raises(PermissionDenied):
        uc.token_management.update_token_management(
            admin_t.token_info.token_id, TokenInfo(comment="x"), FieldMask(["comment"]))
    info = w.token_management.update_token_management(
        t.token_info.token_id, TokenInfo(comment="by admin"), FieldMask(["comment"]))
    assert info.comment == "by admin" and info.owner_id == int(user.id)
    assert w.token_management.get(admin_t.token_info.token_id).token_info.comment == "admin's"
    with pytest.raises(NotFound):
        w.token_management.update_token_management("0" * 64, TokenInfo(comment="x"),
                                                   FieldMask(["comment"]))
    w.tokens.delete(admin_t.token_info.token_id)
