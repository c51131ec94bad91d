/*
 * schema_workspace.c — the workspace tree: notebooks, files and directories.
 *
 *   ws_objects   one row per object; `path` is absolute and normalised (no trailing
 *                '/', no empty, "." or ".." segments), unique.  parent_id is the
 *                containing directory (NULL only for the root "/").  kind is
 *                'DIRECTORY' | 'NOTEBOOK' | 'FILE'; language is set for notebooks
 *                only.  content is the notebook's SOURCE text (header included) or
 *                the file's bytes, kept as the last column so that listings do not
 *                read it.  owner_id is the principal that created the object (it
 *                always has CAN_MANAGE); seeded marks the root once the default
 *                grants (users CAN_MANAGE on /Shared) exist.
 *
 * The root (id 0), /Users (id 1) and /Shared (id 2) exist from the first step on.
 */
#include "meta/schema.h"

static const meta_migration steps[] = {
    {1, "CREATE TABLE ws_objects("
        "  id INTEGER PRIMARY KEY,"
        "  path TEXT NOT NULL UNIQUE,"
        "  parent_id INTEGER,"
        "  kind TEXT NOT NULL CHECK (kind IN ('DIRECTORY', 'NOTEBOOK', 'FILE')),"
        "  language TEXT,"
        "  size INTEGER NOT NULL DEFAULT 0,"
        "  owner_id INTEGER NOT NULL DEFAULT 0,"
        "  created_ms INTEGER NOT NULL,"
        "  created_by TEXT,"
        "  modified_ms INTEGER NOT NULL,"
        "  modified_by TEXT,"
        "  seeded INTEGER NOT NULL DEFAULT 0,"
        "  content BLOB);"
        "CREATE INDEX ws_objects_parent ON ws_objects(parent_id);"
        "INSERT INTO ws_objects(id, path, parent_id, kind, created_ms, created_by, modified_ms,"
        "  modified_by) VALUES"
        "  (0, '/', NULL, 'DIRECTORY', CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'system',"
        "   CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'system'),"
        "  (1, '/Users', 0, 'DIRECTORY', CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'system',"
        "   CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'system'),"
        "  (2, '/Shared', 0, 'DIRECTORY', CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'system',"
        "   CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'system');"},
};

const meta_schema_group meta_schema_workspace = {"workspace", steps, BK_ARRAY_LEN(steps)};
