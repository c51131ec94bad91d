/*
 * schema_secrets.c — tables of the secrets group: secret scopes, the secrets in
 * them (encrypted) and the scopes' ACLs.
 *
 *   secret_scopes  name unique, case-insensitively (Databricks treats scope names
 *                  so) but kept as first spelled; backend is 'DATABRICKS'.
 *   secrets        (scope_id, key): `sealed` is a version byte, a random 24-byte
 *                  nonce and the XChaCha20-Poly1305 ciphertext of the value (see
 *                  services/svc_secrets.c).  No column ever holds a plaintext value.
 *   secret_acls    (scope_id, principal): a user's userName, a service principal's
 *                  applicationId or a group's displayName, with READ, WRITE or
 *                  MANAGE.
 * Deleting a scope deletes its secrets and ACLs (foreign keys with ON DELETE CASCADE).
 */
#include "meta/schema.h"

static const meta_migration steps[] = {
    {1, "CREATE TABLE secret_scopes("
        "  id INTEGER PRIMARY KEY,"
        "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
        "  backend TEXT NOT NULL,"
        "  created_ms INTEGER NOT NULL,"
        "  created_by TEXT NOT NULL);"
        "CREATE TABLE secrets("
        "  scope_id INTEGER NOT NULL REFERENCES secret_scopes(id) ON DELETE CASCADE,"
        "  key TEXT NOT NULL,"
        "  sealed BLOB NOT NULL,"
        "  updated_ms INTEGER NOT NULL,"
        "  updated_by TEXT NOT NULL,"
        "  PRIMARY KEY (scope_id, key));"
        "CREATE TABLE secret_acls("
        "  scope_id INTEGER NOT NULL REFERENCES secret_scopes(id) ON DELETE CASCADE,"
        "  principal TEXT NOT NULL COLLATE NOCASE,"
        "  permission TEXT NOT NULL CHECK (permission IN ('READ', 'WRITE', 'MANAGE')),"
        "  PRIMARY KEY (scope_id, principal));"},
};

const meta_schema_group meta_schema_secrets = {"secrets", steps, BK_ARRAY_LEN(steps)};
