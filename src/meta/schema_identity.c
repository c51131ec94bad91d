/*
 * schema_identity.c — tables of the identity group: principals (users and groups
 * in one id space), group membership, personal access tokens.
 *
 *   principals     kind 'user' | 'group'; user_name unique (case-insensitive) among
 *                  users, display_name unique among groups; JSON text columns hold
 *                  SCIM multi-valued attributes as the client sent them (emails,
 *                  entitlements, roles).  created_* / updated_* are the audit fields
 *                  (epoch ms and the acting user's name).
 *   group_members  (group_id, member_id): a member is a user or a group; deleting
 *                  either side deletes the row.
 *                  A service principal is a 'user' row with application_id set
 *                  (step 2): it holds tokens and joins groups like a user.
 *   tokens         only the BLAKE2b-256 hash of a token is stored; expiry_ms is -1
 *                  for "never".  Deleting the owner deletes their tokens.
 */
#include "meta/schema.h"

static const meta_migration steps[] = {
    {1, "CREATE TABLE principals("
        "  id INTEGER PRIMARY KEY,"
        "  kind TEXT NOT NULL CHECK (kind IN ('user', 'group')),"
        "  user_name TEXT COLLATE NOCASE,"
        "  display_name TEXT,"
        "  given_name TEXT,"
        "  family_name TEXT,"
        "  external_id TEXT,"
        "  active INTEGER NOT NULL DEFAULT 1,"
        "  emails TEXT,"
        "  entitlements TEXT,"
        "  roles TEXT,"
        "  created_ms INTEGER NOT NULL,"
        "  created_by TEXT,"
        "  updated_ms INTEGER NOT NULL,"
        "  updated_by TEXT);"
        "CREATE UNIQUE INDEX principals_user_name ON principals(user_name)"
        "  WHERE kind = 'user';"
        "CREATE UNIQUE INDEX principals_group_name ON principals(display_name)"
        "  WHERE kind = 'group';"
        "CREATE TABLE group_members("
        "  group_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,"
        "  member_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,"
        "  PRIMARY KEY (group_id, member_id)) WITHOUT ROWID;"
        "CREATE INDEX group_members_member ON group_members(member_id);"
        "CREATE TABLE tokens("
        "  token_id TEXT PRIMARY KEY,"
        "  hash BLOB NOT NULL UNIQUE,"
        "  owner_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,"
        "  comment TEXT,"
        "  created_ms INTEGER NOT NULL,"
        "  expiry_ms INTEGER NOT NULL,"
        "  created_by_id INTEGER,"
        "  created_by TEXT);"
        "CREATE INDEX tokens_owner ON tokens(owner_id);"},
    /* Service principals are users with an applicationId (their userName is it too). */
    {2, "ALTER TABLE principals ADD COLUMN application_id TEXT;"
        "CREATE UNIQUE INDEX principals_application_id ON principals(application_id)"
        "  WHERE application_id IS NOT NULL;"},
};

const meta_schema_group meta_schema_identity = {"identity", steps, BK_ARRAY_LEN(steps)};
