"""The Secrets API (w.secrets): scopes, secrets (encrypted at rest), scope ACLs with
READ / WRITE / MANAGE enforced, errors, and persistence across a restart."""

import base64
import glob
import os
import signal
import sqlite3

import pytest
from databricks.sdk.errors import (BadRequest, InvalidParameterValue, NotFound,
                                   PermissionDenied, ResourceAlreadyExists,
                                   ResourceDoesNotExist, Unauthenticated)
from databricks.sdk.service.workspace import (AclPermission, AzureKeyVaultSecretScopeMetadata,
                                              ScopeBackendType)

from conftest import client, raw


def value_of(w, scope, key):
    """The secret's bytes as get_secret returns them (base64 in the reply)."""
    got = w.secrets.get_secret(scope, key)
    assert got.key == key
    return base64.b64decode(got.value)


@pytest.fixture
def scope(w, unique):
    name = unique("scope")
    w.secrets.create_scope(name)
    yield name
    if name in [s.name for s in w.secrets.list_scopes()]:
        w.secrets.delete_scope(name)


def test_scope_create_list_delete(w, unique):
    name = unique("sc")
    w.secrets.create_scope(name)
    listed = {s.name: s for s in w.secrets.list_scopes()}
    assert name in listed
    assert listed[name].backend_type == ScopeBackendType.DATABRICKS
    # The creator holds MANAGE, and nobody else is granted anything.
    assert [(a.principal, a.permission) for a in w.secrets.list_acls(name)] == \
        [("admin@bricks.local", AclPermission.MANAGE)]
    w.secrets.delete_scope(name)
    assert name not in [s.name for s in w.secrets.list_scopes()]
    with pytest.raises(ResourceDoesNotExist) as e:
        w.secrets.delete_scope(name)
    assert str(e.value) == f"Scope {name} does not exist!"


def test_scope_explicit_backend_and_initial_manage_principal(w, unique):
    name = unique("users-managed")
    w.secrets.create_scope(name, initial_manage_principal="users",
                           scope_backend_type=ScopeBackendType.DATABRICKS)
    assert [(a.principal, a.permission) for a in w.secrets.list_acls(name)] == \
        [("users", AclPermission.MANAGE)]
    w.secrets.delete_scope(name)


def test_scope_already_exists(w, scope):
    with pytest.raises(ResourceAlreadyExists) as e:
        w.secrets.create_scope(scope)
    assert str(e.value) == f"Scope {scope} already exists!"
    # Scope names are unique ignoring case, as in Databricks.
    with pytest.raises(ResourceAlreadyExists):
        w.secrets.create_scope(scope.upper())


@pytest.mark.parametrize("bad", ["has space", "slash/name", "x" * 129, "semi;colon", "é"])
def test_scope_name_validation(w, bad):
    with pytest.raises(InvalidParameterValue) as e:
        w.secrets.create_scope(bad)
    assert "Invalid scope name" in str(e.value)
    assert bad not in [s.name for s in w.secrets.list_scopes()]


def test_scope_name_edge_cases_accepted(w, unique):
    for name in ["a", "x" * 128, unique("dots.dash-under_at@example.com")]:
        w.secrets.create_scope(name)
        assert name in [s.name for s in w.secrets.list_scopes()]
        w.secrets.delete_scope(name)


def test_azure_keyvault_is_refused(w, unique):
    name = unique("akv")
    with pytest.raises(InvalidParameterValue) as e:
        w.secrets.create_scope(
            name, scope_backend_type=ScopeBackendType.AZURE_KEYVAULT,
            backend_azure_keyvault=AzureKeyVaultSecretScopeMetadata(
                resource_id="/subscriptions/x/resourceGroups/y/providers/"
                            "Microsoft.KeyVault/vaults/z",
                dns_name="https://z.vault.azure.net/"))
    assert str(e.value) == "Scope with Azure KeyVault must have userAADToken defined!"
    assert name not in [s.name for s in w.secrets.list_scopes()]


def test_initial_manage_principal_other_than_users(w, unique):
    name = unique("imp")
    w.secrets.create_scope(name, initial_manage_principal="admins")
    acls = {a.principal: a.permission.value for a in w.secrets.list_acls(name)}
    assert acls == {"admins": "MANAGE"}
    with pytest.raises(InvalidParameterValue):
        w.secrets.create_scope(unique("imp"), initial_manage_principal="nobody-such@example.com")


def test_put_get_list_delete(w, scope):
    w.secrets.put_secret(scope, "password", string_value="hunter2 ✓")
    raw_bytes = bytes(range(256))
    w.secrets.put_secret(scope, "blob", bytes_value=base64.b64encode(raw_bytes).decode())
    assert value_of(w, scope, "password") == "hunter2 ✓".encode()
    assert value_of(w, scope, "blob") == raw_bytes
    listed = list(w.secrets.list_secrets(scope))
    assert [m.key for m in listed] == ["blob", "password"]
    assert all(m.last_updated_timestamp > 1_600_000_000_000 for m in listed)
    w.secrets.delete_secret(scope, "blob")
    assert [m.key for m in w.secrets.list_secrets(scope)] == ["password"]
    with pytest.raises(ResourceDoesNotExist) as e:
        w.secrets.delete_secret(scope, "blob")
    assert str(e.value) == f"Secret does not exist with scope: {scope} and key: blob"
    with pytest.raises(ResourceDoesNotExist):
        w.secrets.get_secret(scope, "blob")


def test_string_and_bytes_read_back_alike(w, scope):
    # The SDK's own integration test: one key stored with string_value=V, one with
    # bytes_value=b64(V); dbutils reads both as V.
    v = "the same value"
    w.secrets.put_secret(scope, "as-string", string_value=v)
    w.secrets.put_secret(scope, "as-bytes", bytes_value=base64.b64encode(v.encode()).decode())
    assert value_of(w, scope, "as-string") == value_of(w, scope, "as-bytes") == v.encode()


def test_put_overwrites_and_updates_timestamp(w, scope):
    w.secrets.put_secret(scope, "k", string_value="one")
    first = next(iter(w.secrets.list_secrets(scope))).last_updated_timestamp
    w.secrets.put_secret(scope, "k", string_value="two")
    assert value_of(w, scope, "k") == b"two"
    listed = list(w.secrets.list_secrets(scope))
    assert len(listed) == 1 and listed[0].last_updated_timestamp >= first


def test_empty_value_and_max_size(w, scope):
    w.secrets.put_secret(scope, "empty", string_value="")
    assert value_of(w, scope, "empty") == b""
    big = os.urandom(128 * 1024)
    w.secrets.put_secret(scope, "max", bytes_value=base64.b64encode(big).decode())
    assert value_of(w, scope, "max") == big
    with pytest.raises(InvalidParameterValue) as e:
        w.secrets.put_secret(scope, "too-big", bytes_value=base64.b64encode(big + b"x").decode())
    assert "exceeds the limit of 128 KB" in str(e.value)
    with pytest.raises(InvalidParameterValue):
        w.secrets.put_secret(scope, "too-big-str", string_value="y" * (128 * 1024 + 1))
    assert sorted(m.key for m in w.secrets.list_secrets(scope)) == ["empty", "max"]


def test_put_value_errors(w, scope):
    with pytest.raises(InvalidParameterValue):
        w.secrets.put_secret(scope, "none")
    with pytest.raises(BadRequest):
        w.secrets.put_secret(scope, "both", string_value="a", bytes_value="YQ==")
    with pytest.raises(InvalidParameterValue) as e:
        w.secrets.put_secret(scope, "notb64", bytes_value="!!not base64 s3cr3t!!")
    assert "s3cr3t" not in str(e.value)
    for bad_key in ["has space", "a/b", "k" * 129, "", "at@sign"]:
        with pytest.raises(InvalidParameterValue):
            w.secrets.put_secret(scope, bad_key, string_value="v")
    w.secrets.put_secret(scope, "k" * 128, string_value="v")
    assert [m.key for m in w.secrets.list_secrets(scope)] == ["k" * 128]


def test_unknown_scope_everywhere(w, unique):
    name = unique("missing")
    calls = [
        lambda: w.secrets.put_secret(name, "k", string_value="v"),
        lambda: list(w.secrets.list_secrets(name)),
        lambda: w.secrets.get_secret(name, "k"),
        lambda: w.secrets.delete_secret(name, "k"),
        lambda: w.secrets.put_acl(name, "users", AclPermission.READ),
        lambda: w.secrets.get_acl(name, "users"),
        lambda: list(w.secrets.list_acls(name)),
        lambda: w.secrets.delete_acl(name, "users"),
    ]
    for call in calls:
        with pytest.raises(ResourceDoesNotExist) as e:
            call()
        assert str(e.value) == f"Scope {name} does not exist!"


def test_acl_put_get_list_delete(w, scope, make_user):
    user, _ = make_user("acl")
    w.secrets.put_acl(scope, user.user_name, AclPermission.READ)
    got = w.secrets.get_acl(scope, user.user_name)
    assert (got.principal, got.permission) == (user.user_name, AclPermission.READ)
    # Put again: the grant is replaced, not duplicated.
    w.secrets.put_acl(scope, user.user_name, AclPermission.WRITE)
    acls = {a.principal: a.permission for a in w.secrets.list_acls(scope)}
    assert acls == {"admin@bricks.local": AclPermission.MANAGE,
                    user.user_name: AclPermission.WRITE}
    w.secrets.put_acl(scope, "users", AclPermission.READ)
    assert w.secrets.get_acl(scope, "users").permission == AclPermission.READ
    w.secrets.delete_acl(scope, user.user_name)
    with pytest.raises(ResourceDoesNotExist):
        w.secrets.get_acl(scope, user.user_name)
    with pytest.raises(ResourceDoesNotExist):
        w.secrets.delete_acl(scope, user.user_name)
    assert {a.principal for a in w.secrets.list_acls(scope)} == {"admin@bricks.local", "users"}


def test_acl_invalid_principal_and_permission(server, w, scope):
    with pytest.raises(InvalidParameterValue):
        w.secrets.put_acl(scope, "nobody@example.com", AclPermission.READ)
    r = raw(server, "POST", "/api/2.0/secrets/acls/put", token=server.token,
            json={"scope": scope, "principal": "users", "permission": "OWN"})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert {a.principal for a in w.secrets.list_acls(scope)} == {"admin@bricks.local"}


def test_no_acl_means_403_and_nothing_learned(w, scope, user_client):
    user, uc = user_client
    w.secrets.put_secret(scope, "db-password", string_value="topsecret")
    # Scope names are public, as in Databricks: every user lists every scope.
    assert scope in [s.name for s in uc.secrets.list_scopes()]
    denied = [
        lambda: list(uc.secrets.list_secrets(scope)),
        lambda: uc.secrets.get_secret(scope, "db-password"),
        lambda: uc.secrets.get_secret(scope, "no-such-key"),
        lambda: uc.secrets.put_secret(scope, "k", string_value="v"),
        lambda: uc.secrets.delete_secret(scope, "db-password"),
        lambda: uc.secrets.delete_secret(scope, "no-such-key"),
        lambda: list(uc.secrets.list_acls(scope)),
        lambda: uc.secrets.get_acl(scope, user.user_name),
        lambda: uc.secrets.put_acl(scope, user.user_name, AclPermission.MANAGE),
        lambda: uc.secrets.delete_acl(scope, "admin@bricks.local"),
        lambda: uc.secrets.delete_scope(scope),
    ]
    for call in denied:
        with pytest.raises(PermissionDenied) as e:
            call()
        assert "does not have" in str(e.value) and "topsecret" not in str(e.value)
    # A missing and an existing key are refused alike: the refusal reveals nothing.
    assert [m.key for m in w.secrets.list_secrets(scope)] == ["db-password"]
    assert value_of(w, scope, "db-password") == b"topsecret"
    assert [a.principal for a in w.secrets.list_acls(scope)] == ["admin@bricks.local"]


def test_read_level(w, scope, user_client):
    user, uc = user_client
    w.secrets.put_secret(scope, "k", string_value="v1")
    w.secrets.put_acl(scope, user.user_name, AclPermission.READ)
    assert [m.key for m in uc.secrets.list_secrets(scope)] == ["k"]
    assert value_of(uc, scope, "k") == b"v1"
    with pytest.raises(PermissionDenied) as e:
        uc.secrets.put_secret(scope, "k", string_value="v2")
    assert f"does not have WRITE permission on scope {scope}" in str(e.value)
    with pytest.raises(PermissionDenied):
        uc.secrets.delete_secret(scope, "k")
    with pytest.raises(PermissionDenied):
        list(uc.secrets.list_acls(scope))
    assert value_of(w, scope, "k") == b"v1"


def test_write_level(w, scope, user_client):
    user, uc = user_client
    w.secrets.put_acl(scope, user.user_name, AclPermission.WRITE)
    uc.secrets.put_secret(scope, "k", string_value="written by user")
    assert value_of(uc, scope, "k") == b"written by user"
    assert [m.key for m in uc.secrets.list_secrets(scope)] == ["k"]
    uc.secrets.delete_secret(scope, "k")
    assert list(w.secrets.list_secrets(scope)) == []
    with pytest.raises(PermissionDenied) as e:
        uc.secrets.put_acl(scope, user.user_name, AclPermission.MANAGE)
    assert f"does not have MANAGE permission on scope {scope}" in str(e.value)
    with pytest.raises(PermissionDenied):
        uc.secrets.delete_scope(scope)


def test_manage_level(w, scope, make_user):
    user, uc = make_user("mgr")
    other, oc = make_user("other")
    w.secrets.put_acl(scope, user.user_name, AclPermission.MANAGE)
    uc.secrets.put_secret(scope, "k", string_value="v")
    uc.secrets.put_acl(scope, other.user_name, AclPermission.READ)
    assert value_of(oc, scope, "k") == b"v"
    assert {a.principal for a in uc.secrets.list_acls(scope)} == \
        {"admin@bricks.local", user.user_name, other.user_name}
    assert uc.secrets.get_acl(scope, other.user_name).permission == AclPermission.READ
    uc.secrets.delete_acl(scope, other.user_name)
    with pytest.raises(PermissionDenied):
        oc.secrets.get_secret(scope, "k")
    uc.secrets.delete_scope(scope)
    assert scope not in [s.name for s in w.secrets.list_scopes()]


def test_group_grants_apply_to_members(w, scope, make_user, unique):
    user, uc = make_user("member")
    outer = w.groups.create(display_name=unique("outer"))
    inner = w.groups.create(display_name=unique("inner"))
    try:
        from databricks.sdk.service.iam import ComplexValue
        w.groups.update(inner.id, display_name=inner.display_name,
                        members=[ComplexValue(value=user.id)])
        w.groups.update(outer.id, display_name=outer.display_name,
                        members=[ComplexValue(value=inner.id)])
        w.secrets.put_secret(scope, "k", string_value="via group")
        with pytest.raises(PermissionDenied):
            uc.secrets.get_secret(scope, "k")
        # A grant to a group the user belongs to through a nested group.
        w.secrets.put_acl(scope, outer.display_name, AclPermission.READ)
        assert value_of(uc, scope, "k") == b"via group"
        with pytest.raises(PermissionDenied):
            uc.secrets.put_secret(scope, "k", string_value="x")
        # The highest of several grants wins.
        w.secrets.put_acl(scope, "users", AclPermission.WRITE)
        uc.secrets.put_secret(scope, "k", string_value="x")
        assert value_of(w, scope, "k") == b"x"
    finally:
        w.groups.delete(outer.id)
        w.groups.delete(inner.id)


def test_users_initial_manage_gives_everyone_manage(w, unique, user_client):
    _, uc = user_client
    name = unique("shared")
    w.secrets.create_scope(name, initial_manage_principal="users")
    uc.secrets.put_secret(name, "k", string_value="v")
    assert value_of(uc, name, "k") == b"v"
    uc.secrets.delete_scope(name)


def test_non_admin_creates_and_manages_own_scope(w, unique, user_client):
    user, uc = user_client
    name = unique("mine")
    uc.secrets.create_scope(name)
    assert [(a.principal, a.permission) for a in uc.secrets.list_acls(name)] == \
        [(user.user_name, AclPermission.MANAGE)]
    uc.secrets.put_secret(name, "k", string_value="users own")
    # Admins have MANAGE on every scope, without any ACL.
    assert value_of(w, name, "k") == b"users own"
    assert [m.key for m in w.secrets.list_secrets(name)] == ["k"]
    w.secrets.put_acl(name, "users", AclPermission.READ)
    w.secrets.delete_scope(name)


def test_delete_scope_removes_secrets_and_acls(w, unique):
    name = unique("gone")
    w.secrets.create_scope(name)
    w.secrets.put_secret(name, "k", string_value="old value")
    w.secrets.put_acl(name, "users", AclPermission.READ)
    w.secrets.delete_scope(name)
    w.secrets.create_scope(name)
    assert list(w.secrets.list_secrets(name)) == []
    assert [a.principal for a in w.secrets.list_acls(name)] == ["admin@bricks.local"]
    w.secrets.delete_scope(name)


def test_unauthenticated(server, scope):
    bad = client(server.host, "dapi" + "0" * 64)
    with pytest.raises(Unauthenticated):
        bad.secrets.list_scopes()
    with pytest.raises(Unauthenticated):
        bad.secrets.get_secret(scope, "k")
    r = raw(server, "GET", f"/api/2.0/secrets/list?scope={scope}")
    assert r.status_code == 401


def test_missing_fields(server, scope):
    r = raw(server, "GET", "/api/2.0/secrets/list", token=server.token)
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    r = raw(server, "POST", "/api/2.0/secrets/put", token=server.token,
            json={"scope": scope, "string_value": "v"})
    assert r.status_code == 400 and r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    r = raw(server, "POST", "/api/2.0/secrets/scopes/create", token=server.token, data="{nope")
    assert r.status_code == 400 and r.json()["error_code"] == "MALFORMED_REQUEST"


def test_encrypted_at_rest_and_redacted(server, w, scope):
    plain = "plaintext-needle-7f3a9c1e"
    w.secrets.put_secret(scope, "needle", string_value=plain)
    w.secrets.put_secret(scope, "needle-bytes",
                         bytes_value=base64.b64encode(plain.encode() + b"-b").decode())
    # Reading through the SDK still works…
    assert value_of(w, scope, "needle") == plain.encode()
    # …but the metastore rows hold only version | nonce | ciphertext + tag.
    db = sqlite3.connect(os.path.join(server.data_dir, "metastore.db"))
    try:
        rows = db.execute("SELECT s.key, s.sealed FROM secrets s JOIN secret_scopes c"
                          " ON c.id = s.scope_id WHERE c.name = ?", (scope,)).fetchall()
    finally:
        db.close()
    sealed = dict(rows)
    assert set(sealed) == {"needle", "needle-bytes"}
    assert len(sealed["needle"]) == 1 + 24 + len(plain) + 16
    assert sealed["needle"][0] == 1
    # Two puts of a value never give the same bytes (a fresh nonce each time).
    w.secrets.put_secret(scope, "needle", string_value=plain)
    db = sqlite3.connect(os.path.join(server.data_dir, "metastore.db"))
    try:
        again = db.execute("SELECT s.sealed FROM secrets s JOIN secret_scopes c"
                           " ON c.id = s.scope_id WHERE c.name = ? AND s.key = 'needle'",
                           (scope,)).fetchone()[0]
    finally:
        db.close()
    assert again != sealed["needle"] and again[1:25] != sealed["needle"][1:25]
    # Neither the database, its WAL, nor the server log holds the plaintext anywhere.
    needles = [plain.encode(), base64.b64encode(plain.encode())]
    files = glob.glob(os.path.join(server.data_dir, "metastore.db*"))
    assert any(f.endswith("-wal") for f in files)
    for path in files:
        with open(path, "rb") as f:
            content = f.read()
        for n in needles:
            assert n not in content, path
    log = server.log()
    assert plain not in log and "/api/2.0/secrets/put" in log


def test_restart_keeps_secrets_readable(server, w, unique, make_user):
    user, _ = make_user("restart")
    name = unique("durable")
    w.secrets.create_scope(name)
    w.secrets.put_secret(name, "k", string_value="survives restarts")
    w.secrets.put_acl(name, user.user_name, AclPermission.READ)
    server.restart()
    w2 = client(server.host, server.token)
    assert name in [s.name for s in w2.secrets.list_scopes()]
    assert value_of(w2, name, "k") == b"survives restarts"
    assert w2.secrets.get_acl(name, user.user_name).permission == AclPermission.READ
    w2.secrets.delete_scope(name)


def test_dbutils_secrets(w, scope):
    # The flow of the SDK's own tests/integration/test_dbutils.py::test_secrets.
    v = "dbutils value ✓"
    w.secrets.put_secret(scope, "str", string_value=v)
    w.secrets.put_secret(scope, "bin", bytes_value=base64.b64encode(v.encode()).decode())
    assert w.dbutils.secrets.get(scope, "str") == v
    assert w.dbutils.secrets.get(scope, "bin") == v
    assert w.dbutils.secrets.getBytes(scope, "bin") == v.encode()
    assert sorted(m.key for m in w.dbutils.secrets.list(scope)) == ["bin", "str"]
    assert scope in [s.name for s in w.dbutils.secrets.listScopes()]


def test_oversized_body_is_413(server, scope):
    body = '{"scope": "%s", "key": "k", "string_value": "%s"}' % (scope, "z" * (2 << 20))
    r = raw(server, "POST", "/api/2.0/secrets/put", token=server.token, data=body,
            headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error_code"] == "REQUEST_ENTITY_TOO_LARGE"


def test_acknowledged_puts_survive_sigkill(server, w, unique):
    name = unique("crash")
    w.secrets.create_scope(name)
    for i in range(100):
        w.secrets.put_secret(name, f"k{i}", string_value=f"value {i}")
    server.restart(sig=signal.SIGKILL)
    w2 = client(server.host, server.token)
    assert len(list(w2.secrets.list_secrets(name))) == 100
    for i in (0, 42, 99):
        assert value_of(w2, name, f"k{i}") == f"value {i}".encode()
    w2.secrets.delete_scope(name)
