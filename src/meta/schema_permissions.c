/*
 * schema_permissions.c — access control lists for every kind of object the
 * Permissions API covers (workspace objects now; clusters, jobs … later).
 *
 *   acl_entries   (object_type, object_id, principal_id) → level.  object_type is
 *                 the ACL family of the object ("workspace" for notebooks, files and
 *                 directories, which share one id space; "clusters" …), object_id its
 *                 id as text.  principal_id is a user or group; deleting the
 *                 principal deletes its grants.  Only direct grants are stored:
 *                 inheritance, owners and admins are computed (svc_permissions.c).
 */
#include "meta/schema.h"

static const meta_migration steps[] = {
    {1, "CREATE TABLE acl_entries("
        "  object_type TEXT NOT NULL,"
        "  object_id TEXT NOT NULL,"
        "  principal_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,"
        "  level TEXT NOT NULL,"
        "  PRIMARY KEY (object_type, object_id, principal_id)) WITHOUT ROWID;"
        "CREATE INDEX acl_entries_principal ON acl_entries(principal_id);"},
};

const meta_schema_group meta_schema_permissions = {"permissions", steps, BK_ARRAY_LEN(steps)};
