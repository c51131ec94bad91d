/*
 * migrate.c — schema migrations, versioned in code, one version counter per table
 * group.
 *
 * Why per group: several subsystems add tables in parallel (identity, workspace,
 * secrets, clusters …).  A single global version would make two branches both
 * claim "version 7"; with a counter per group each subsystem numbers its own steps
 * and the only shared line is the group's entry in `groups[]` below.
 *
 * To add a table group: write src/meta/schema_<group>.c defining
 * `const meta_schema_group meta_schema_<group>` (steps 1, 2, … in order), declare it
 * in schema.h, and append it to `groups[]`.  To change a group: append a step with
 * the next version; never edit or renumber a step that has shipped.
 *
 * All pending steps of all groups run in one IMMEDIATE transaction: a crash halfway
 * leaves the database as it was.
 */
#include "meta/meta.h"

#include <stdio.h>

#include "meta/schema.h"

static const meta_schema_group *const groups[] = {
    &meta_schema_identity,
    &meta_schema_workspace,
    &meta_schema_permissions,
    &meta_schema_clusters,
    &meta_schema_secrets,
    &meta_schema_dbfs,
};

static const char schema_table[] = "CREATE TABLE IF NOT EXISTS meta_schema("
                                   "  grp TEXT PRIMARY KEY,"
                                   "  version INTEGER NOT NULL)";

int meta_schema_version(meta_conn *c, const char *name, bk_error *err) {
    meta_stmt *s = meta_prepare(c, "SELECT version FROM meta_schema WHERE grp = ?1", err);
    if (!s) return -1;
    int version = 0;
    if (meta_bind_text(s, 1, name, err) != BK_OK) {
        meta_done(s);
        return -1;
    }
    int rc = meta_step(s, err);
    if (rc == META_ROW) version = (int)meta_col_i64(s, 0);
    meta_done(s);
    if (rc != META_ROW && rc != META_DONE) return -1;
    return version;
}

/* Apply the steps of `g` above `from`, then record the new version. */
static bk_status migrate_group(meta_conn *c, const meta_schema_group *g, int from,
                               bk_error *err) {
    int to = from;
    for (size_t i = 0; i < g->n_steps; i++) {
        const meta_migration *m = &g->steps[i];
        if (m->version <= from) continue;
        if (m->version != to + 1)
            return bk_error_set(err, BK_INTERNAL,
                                "metastore: schema group \"%s\": step %d follows %d", g->name,
                                m->version, to);
        if (meta_exec(c, m->sql, err) != BK_OK)
            return bk_error_prefix(err, "schema group \"%s\" step %d", g->name, m->version);
        to = m->version;
    }
    if (to == from) return BK_OK;
    meta_stmt *s = meta_prepare(c,
                                "INSERT INTO meta_schema(grp, version) VALUES (?1, ?2)"
                                " ON CONFLICT(grp) DO UPDATE SET version = excluded.version",
                                err);
    if (!s) return err ? err->code : BK_IO;
    if (meta_bind_text(s, 1, g->name, err) != BK_OK || meta_bind_i64(s, 2, to, err) != BK_OK) {
        meta_done(s);
        return err ? err->code : BK_IO;
    }
    return meta_run(s, err);
}

bk_status meta_migrate(meta_conn *c, bk_error *err) {
    BK_TRY(meta_begin(c, err));
    bk_status st = meta_exec(c, schema_table, err);
    for (size_t i = 0; st == BK_OK && i < BK_ARRAY_LEN(groups); i++) {
        const meta_schema_group *g = groups[i];
        int have = meta_schema_version(c, g->name, err);
        int known = g->n_steps ? g->steps[g->n_steps - 1].version : 0;
        if (have < 0)
            st = err ? err->code : BK_IO;
        else if (have > known)
            st = bk_error_set(err, BK_UNSUPPORTED,
                              "metastore: schema group \"%s\" is at version %d, but this Bricks"
                              " knows only up to %d (the data directory was written by a newer"
                              " version)",
                              g->name, have, known);
        else
            st = migrate_group(c, g, have, err);
    }
    if (st != BK_OK) {
        meta_rollback(c);
        return st;
    }
    return meta_commit(c, err);
}
