/*
 * schema_dbfs.c — tables of the dbfs group: open DBFS streaming handles.
 *
 *   dbfs_handles   one row per handle of /api/2.0/dbfs/create that is not closed
 *                  yet: its owner (handles are per user), the DBFS path it will
 *                  write (a normalized key below DIR/dbfs), whether close may
 *                  replace an existing file, and the spool file in DIR/tmp that
 *                  add-block appends to.  last_used_ms drives the idle expiry.
 *                  Deleting the owner deletes their handles.
 */
#include "meta/schema.h"

static const meta_migration steps[] = {
    {1, "CREATE TABLE dbfs_handles("
        "  handle INTEGER PRIMARY KEY,"
        "  user_id INTEGER NOT NULL REFERENCES principals(id) ON DELETE CASCADE,"
        "  path TEXT NOT NULL,"
        "  overwrite INTEGER NOT NULL,"
        "  spool TEXT NOT NULL,"
        "  size INTEGER NOT NULL DEFAULT 0,"
        "  created_ms INTEGER NOT NULL,"
        "  last_used_ms INTEGER NOT NULL);"
        "CREATE INDEX dbfs_handles_last_used ON dbfs_handles(last_used_ms);"},
};

const meta_schema_group meta_schema_dbfs = {"dbfs", steps, BK_ARRAY_LEN(steps)};
