/*
 * svc_identity.c — users and groups (see svc_identity.h).
 *
 * Ids are random integers in [10^15, 2^53): 16 digits like Databricks' ids, and
 * exact in a JSON double, so JavaScript clients do not round them.  Users and
 * groups draw from the same space (one `principals` table).
 *
 * Every mutation runs in a transaction (joined with the caller's when one is open)
 * and refuses a non-admin caller before it reads anything.
 */
#include "services/svc_identity.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define ID_MIN INT64_C(1000000000000000)
#define ID_SPAN ((INT64_C(1) << 53) - ID_MIN)
#define NAME_MAX_LEN 256

static const char user_cols[] =
    "id, user_name, display_name, given_name, family_name, external_id, active, emails,"
    " entitlements, roles, created_ms, created_by, updated_ms, updated_by, application_id";
static const char group_cols[] = "id, display_name, external_id, entitlements, roles,"
                                 " created_ms, created_by, updated_ms, updated_by";

static const char *col_dup(svc_ctx *ctx, meta_stmt *s, int col) {
    const char *t = meta_col_text(s, col);
    return t ? bk_arena_strdup(ctx->arena, t) : NULL;
}

/* A fresh id not used by any principal. */
static bk_status new_id(svc_ctx *ctx, int64_t *out, bk_error *err) {
    for (int attempt = 0; attempt < 16; attempt++) {
        uint64_t r;
        randombytes_buf(&r, sizeof r);
        int64_t id = ID_MIN + (int64_t)(r % (uint64_t)ID_SPAN);
        meta_stmt *s = meta_prepare(ctx->conn, "SELECT 1 FROM principals WHERE id = ?1", err);
        if (!s) return err->code;
        BK_TRY(meta_bind_i64(s, 1, id, err));
        int rc = meta_step(s, err);
        meta_done(s);
        if (rc == META_DONE) {
            *out = id;
            return BK_OK;
        }
        if (rc != META_ROW) return rc;
    }
    return bk_error_set(err, BK_INTERNAL, "could not draw a free principal id");
}

/* The kind of principal `id`: 1 user, 2 group, 0 none (or a negative status). */
static int principal_kind(svc_ctx *ctx, int64_t id, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, "SELECT kind FROM principals WHERE id = ?1", err);
    if (!s) return -err->code;
    if (meta_bind_i64(s, 1, id, err) != BK_OK) {
        meta_done(s);
        return -err->code;
    }
    int rc = meta_step(s, err), kind = 0;
    if (rc == META_ROW) kind = strcmp(meta_col_text(s, 0), "group") == 0 ? 2 : 1;
    meta_done(s);
    if (rc != META_ROW && rc != META_DONE) return -rc;
    return kind;
}

static bk_status check_name(const char *what, const char *name, bk_error *err) {
    size_t len = name ? strlen(name) : 0;
    if (len == 0) return bk_error_set(err, BK_INVALID_ARGUMENT, "%s is required", what);
    if (len > NAME_MAX_LEN)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "%s is longer than %d characters", what,
                            NAME_MAX_LEN);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "%s contains a control character",
                                what);
    }
    return BK_OK;
}

static bk_status check_user_name(const char *name, bk_error *err) {
    BK_TRY(check_name("userName", name, err));
    for (const char *p = name; *p; p++)
        if (*p == ' ' || *p == '\t')
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "userName \"%s\" is not valid: it contains a space", name);
    return BK_OK;
}

/* References (groups of a principal, or members of a group) of `id`, in the arena. */
static bk_status load_refs(svc_ctx *ctx, int64_t id, bool members, svc_ref **out, size_t *n,
                           bk_error *err) {
    *out = NULL;
    *n = 0;
    const char *sql =
        members ? "SELECT p.id, p.kind, COALESCE(p.user_name, p.display_name) FROM group_members m"
                  " JOIN principals p ON p.id = m.member_id WHERE m.group_id = ?1 ORDER BY p.id"
                : "SELECT p.id, p.kind, p.display_name FROM group_members m"
                  " JOIN principals p ON p.id = m.group_id WHERE m.member_id = ?1 ORDER BY p.id";
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    size_t cap = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        svc_ref *r = bk_arena_push(ctx->arena, out, n, &cap, sizeof **out, 8);
        if (!r) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        r->id = meta_col_i64(s, 0);
        r->is_group = strcmp(meta_col_text(s, 1), "group") == 0;
        r->display = col_dup(ctx, s, 2);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

static bk_status add_member(svc_ctx *ctx, int64_t group_id, int64_t member_id, bk_error *err) {
    meta_stmt *s = meta_prepare(
        ctx->conn, "INSERT OR IGNORE INTO group_members(group_id, member_id) VALUES (?1, ?2)",
        err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, group_id, err);
    if (st == BK_OK) st = meta_bind_i64(s, 2, member_id, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    return meta_run(s, err);
}

static bk_status count_admin_users(svc_ctx *ctx, int64_t *n, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT COUNT(*) FROM group_members m JOIN principals p"
                                " ON p.id = m.member_id WHERE m.group_id = ?1 AND p.kind = 'user'",
                                err);
    if (!s) return err->code;
    BK_TRY(meta_bind_i64(s, 1, ctx->env->admins_group_id, err));
    int rc = meta_step(s, err);
    if (rc == META_ROW) *n = meta_col_i64(s, 0);
    meta_done(s);
    return rc == META_ROW ? BK_OK : rc;
}

/* After a change: "admins" must still have a user in it. */
static bk_status check_admins_left(svc_ctx *ctx, bk_error *err) {
    int64_t n = 0;
    BK_TRY(count_admin_users(ctx, &n, err));
    if (n > 0) return BK_OK;
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "the workspace must keep at least one admin: the last member of"
                        " \"admins\" cannot be removed");
}

/* Make `groups` (plus "users") the exact set of groups user `id` is a direct member of. */
static bk_status set_user_groups(svc_ctx *ctx, int64_t id, const svc_ref *groups, size_t n,
                                 bk_error *err) {
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "DELETE FROM group_members WHERE member_id = ?1 AND group_id IN"
        " (SELECT id FROM principals WHERE kind = 'group')",
        err);
    if (!s) return err->code;
    BK_TRY(meta_bind_i64(s, 1, id, err));
    BK_TRY(meta_run(s, err));
    if (ctx->env->users_group_id) BK_TRY(add_member(ctx, ctx->env->users_group_id, id, err));
    for (size_t i = 0; i < n; i++) {
        int kind = principal_kind(ctx, groups[i].id, err);
        if (kind < 0) return -kind;
        if (kind != 2)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "group %lld does not exist",
                                (long long)groups[i].id);
        BK_TRY(add_member(ctx, groups[i].id, id, err));
    }
    return BK_OK;
}

/* Bind the attribute columns of a user to ?2..?11 of an INSERT or UPDATE. */
static bk_status bind_user(meta_stmt *s, const svc_user *in, const char *actor, int64_t now,
                           bk_error *err) {
    bk_status st = meta_bind_text(s, 2, in->user_name, err);
    if (st == BK_OK) st = meta_bind_text(s, 3, in->display_name, err);
    if (st == BK_OK) st = meta_bind_text(s, 4, in->given_name, err);
    if (st == BK_OK) st = meta_bind_text(s, 5, in->family_name, err);
    if (st == BK_OK) st = meta_bind_text(s, 6, in->external_id, err);
    if (st == BK_OK) st = meta_bind_i64(s, 7, in->active ? 1 : 0, err);
    if (st == BK_OK) st = meta_bind_text(s, 8, in->emails, err);
    if (st == BK_OK) st = meta_bind_text(s, 9, in->entitlements, err);
    if (st == BK_OK) st = meta_bind_text(s, 10, in->roles, err);
    if (st == BK_OK) st = meta_bind_i64(s, 11, now, err);
    if (st == BK_OK) st = meta_bind_text(s, 12, actor, err);
    return st;
}

static bk_status name_taken(svc_ctx *ctx, const char *kind, const char *name, int64_t except_id,
                            bool *taken, bk_error *err) {
    const char *sql = strcmp(kind, "user") == 0
                          ? "SELECT 1 FROM principals WHERE kind = 'user' AND user_name = ?1"
                            " AND id <> ?2"
                          : "SELECT 1 FROM principals WHERE kind = 'group' AND display_name = ?1"
                            " AND id <> ?2";
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, name, err);
    if (st == BK_OK) st = meta_bind_i64(s, 2, except_id, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    meta_done(s);
    if (rc != META_ROW && rc != META_DONE) return rc;
    *taken = rc == META_ROW;
    return BK_OK;
}

/* ---- users ---- */

static bk_status user_insert(svc_ctx *ctx, const svc_user *in, int64_t *id, bk_error *err) {
    if (in->application_id) {
        BK_TRY(check_user_name(in->application_id, err));
        if (!in->user_name || strcmp(in->user_name, in->application_id) != 0)
            return bk_error_set(err, BK_INTERNAL,
                                "a service principal's userName must be its applicationId");
    }
    BK_TRY(check_user_name(in->user_name, err));
    bool taken = false;
    BK_TRY(name_taken(ctx, "user", in->user_name, 0, &taken, err));
    if (taken && in->application_id)
        return bk_error_set(err, BK_ALREADY_EXISTS,
                            "Service principal with applicationId %s already exists.",
                            in->application_id);
    if (taken)
        return bk_error_set(err, BK_ALREADY_EXISTS, "User with username %s already exists.",
                            in->user_name);
    BK_TRY(new_id(ctx, id, err));
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "INSERT INTO principals(id, kind, user_name, display_name, given_name, family_name,"
        " external_id, active, emails, entitlements, roles, created_ms, created_by, updated_ms,"
        " updated_by, application_id)"
        " VALUES (?1, 'user', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?11, ?12, ?13)",
        err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, *id, err);
    if (st == BK_OK) st = bind_user(s, in, svc_actor(ctx), svc_now_ms(), err);
    if (st == BK_OK) st = meta_bind_text(s, 13, in->application_id, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    BK_TRY(meta_run(s, err));
    return set_user_groups(ctx, *id, in->groups, in->n_groups, err);
}

bk_status svc_user_create(svc_ctx *ctx, const svc_user *in, svc_user **out, bk_error *err) {
    BK_TRY(svc_require_admin(ctx, "create users", err));
    bool owned = false;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    int64_t id = 0;
    bk_status st = user_insert(ctx, in, &id, err);
    st = svc_tx_end(ctx, owned, st, err);
    if (st == BK_OK && out) st = svc_user_get(ctx, id, out, err);
    return st;
}

static void read_user(svc_ctx *ctx, meta_stmt *s, svc_user *u) {
    memset(u, 0, sizeof *u);
    u->id = meta_col_i64(s, 0);
    u->user_name = col_dup(ctx, s, 1);
    u->display_name = col_dup(ctx, s, 2);
    u->given_name = col_dup(ctx, s, 3);
    u->family_name = col_dup(ctx, s, 4);
    u->external_id = col_dup(ctx, s, 5);
    u->active = meta_col_i64(s, 6) != 0;
    u->emails = col_dup(ctx, s, 7);
    u->entitlements = col_dup(ctx, s, 8);
    u->roles = col_dup(ctx, s, 9);
    u->created_ms = meta_col_i64(s, 10);
    u->created_by = col_dup(ctx, s, 11);
    u->updated_ms = meta_col_i64(s, 12);
    u->updated_by = col_dup(ctx, s, 13);
    u->application_id = col_dup(ctx, s, 14);
}

bk_status svc_user_get(svc_ctx *ctx, int64_t id, svc_user **out, bk_error *err) {
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM principals WHERE id = ?1 AND kind = 'user'",
             user_cols);
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    svc_user *u = bk_arena_zalloc(ctx->arena, sizeof *u);
    bk_status st = u ? meta_bind_i64(s, 1, id, err) : bk_arena_oom(ctx->arena, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) read_user(ctx, s, u);
    meta_done(s);
    if (rc == META_DONE)
        return bk_error_set(err, BK_NOT_FOUND, "User %lld does not exist.", (long long)id);
    if (rc != META_ROW) return rc;
    BK_TRY(load_refs(ctx, id, false, &u->groups, &u->n_groups, err));
    if (bk_arena_failed(ctx->arena)) return bk_arena_oom(ctx->arena, err);
    *out = u;
    return BK_OK;
}

bk_status svc_user_find(svc_ctx *ctx, const char *user_name, int64_t *id, bk_error *err) {
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT id FROM principals WHERE kind = 'user' AND user_name = ?1", err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, user_name, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) *id = meta_col_i64(s, 0);
    meta_done(s);
    if (rc == META_DONE)
        return bk_error_set(err, BK_NOT_FOUND, "User %s does not exist.", user_name);
    return rc == META_ROW ? BK_OK : rc;
}

/* Every membership edge (member id, group id, group name), by member id. */
typedef struct edge {
    int64_t member_id;
    svc_ref group;
} edge;

static bk_status load_edges(svc_ctx *ctx, edge **out, size_t *n, bk_error *err) {
    *out = NULL;
    *n = 0;
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT m.member_id, g.id, g.display_name FROM group_members m"
                                " JOIN principals g ON g.id = m.group_id"
                                " ORDER BY m.member_id, g.id",
                                err);
    if (!s) return err->code;
    size_t cap = 0;
    int rc;
    while ((rc = meta_step(s, err)) == META_ROW) {
        edge *e = bk_arena_push(ctx->arena, out, n, &cap, sizeof **out, 64);
        if (!e) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        e->member_id = meta_col_i64(s, 0);
        e->group.id = meta_col_i64(s, 1);
        e->group.is_group = true;
        e->group.display = col_dup(ctx, s, 2);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

bk_status svc_user_list(svc_ctx *ctx, bool service_principals, svc_user **out, size_t *n,
                        bk_error *err) {
    *out = NULL;
    *n = 0;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM principals WHERE kind = 'user' AND application_id IS %s NULL"
             " ORDER BY id",
             user_cols, service_principals ? "NOT" : "");
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    size_t cap = 0;
    int rc;
    while ((rc = meta_step(s, err)) == META_ROW) {
        svc_user *slot = bk_arena_push(ctx->arena, out, n, &cap, sizeof *slot, 64);
        if (!slot) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        read_user(ctx, s, slot);
    }
    meta_done(s);
    if (rc != META_DONE) return rc;
    edge *edges = NULL;
    size_t n_edges = 0;
    BK_TRY(load_edges(ctx, &edges, &n_edges, err));
    /* Both lists are sorted by member id: one merge pass. */
    size_t e = 0;
    for (size_t i = 0; i < *n; i++) {
        svc_user *u = &(*out)[i];
        while (e < n_edges && edges[e].member_id < u->id) e++;
        size_t start = e;
        while (e < n_edges && edges[e].member_id == u->id) e++;
        if (e == start) continue;
        u->groups = bk_arena_array(ctx->arena, e - start, sizeof *u->groups);
        if (!u->groups) return bk_arena_oom(ctx->arena, err);
        for (size_t k = start; k < e; k++) u->groups[k - start] = edges[k].group;
        u->n_groups = e - start;
    }
    if (bk_arena_failed(ctx->arena)) return bk_arena_oom(ctx->arena, err);
    return BK_OK;
}

static bk_status user_update(svc_ctx *ctx, int64_t id, const svc_user *in, bk_error *err) {
    svc_user *old = NULL;
    BK_TRY(svc_user_get(ctx, id, &old, err));
    if (old->application_id &&
        (!in->user_name || strcmp(in->user_name, old->application_id) != 0))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "the applicationId of service principal %lld cannot change",
                            (long long)id);
    BK_TRY(check_user_name(in->user_name, err));
    bool taken = false;
    BK_TRY(name_taken(ctx, "user", in->user_name, id, &taken, err));
    if (taken)
        return bk_error_set(err, BK_ALREADY_EXISTS, "User with username %s already exists.",
                            in->user_name);
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "UPDATE principals SET user_name = ?2, display_name = ?3, given_name = ?4,"
        " family_name = ?5, external_id = ?6, active = ?7, emails = ?8, entitlements = ?9,"
        " roles = ?10, updated_ms = ?11, updated_by = ?12 WHERE id = ?1",
        err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    if (st == BK_OK) st = bind_user(s, in, svc_actor(ctx), svc_now_ms(), err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    BK_TRY(meta_run(s, err));
    BK_TRY(set_user_groups(ctx, id, in->groups, in->n_groups, err));
    return check_admins_left(ctx, err);
}

bk_status svc_user_replace(svc_ctx *ctx, int64_t id, const svc_user *in, bk_error *err) {
    BK_TRY(svc_require_admin(ctx, "update users", err));
    bool owned = false;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    return svc_tx_end(ctx, owned, user_update(ctx, id, in, err), err);
}

static bk_status principal_delete(svc_ctx *ctx, int64_t id, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, "DELETE FROM principals WHERE id = ?1", err);
    if (!s) return err->code;
    if (meta_bind_i64(s, 1, id, err) != BK_OK) {
        meta_done(s);
        return err->code;
    }
    return meta_run(s, err);
}

bk_status svc_user_delete(svc_ctx *ctx, int64_t id, bk_error *err) {
    BK_TRY(svc_require_admin(ctx, "delete users", err));
    bool owned = false;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    svc_user *u = NULL;
    bk_status st = svc_user_get(ctx, id, &u, err);
    if (st == BK_OK) st = principal_delete(ctx, id, err);
    if (st == BK_OK) st = check_admins_left(ctx, err);
    return svc_tx_end(ctx, owned, st, err);
}

/* ---- groups ---- */

static bool is_builtin(const svc_ctx *ctx, int64_t id) {
    return id == ctx->env->admins_group_id || id == ctx->env->users_group_id;
}

static bk_status set_group_members(svc_ctx *ctx, int64_t id, const svc_ref *members, size_t n,
                                   bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, "DELETE FROM group_members WHERE group_id = ?1", err);
    if (!s) return err->code;
    BK_TRY(meta_bind_i64(s, 1, id, err));
    BK_TRY(meta_run(s, err));
    for (size_t i = 0; i < n; i++) {
        int kind = principal_kind(ctx, members[i].id, err);
        if (kind < 0) return -kind;
        if (kind == 0)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "member %lld does not exist",
                                (long long)members[i].id);
        if (members[i].id == id)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "a group cannot be a member of itself");
        BK_TRY(add_member(ctx, id, members[i].id, err));
    }
    return BK_OK;
}

static bk_status bind_group(meta_stmt *s, const svc_group *in, const char *actor, int64_t now,
                            bk_error *err) {
    bk_status st = meta_bind_text(s, 2, in->display_name, err);
    if (st == BK_OK) st = meta_bind_text(s, 3, in->external_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 4, in->entitlements, err);
    if (st == BK_OK) st = meta_bind_text(s, 5, in->roles, err);
    if (st == BK_OK) st = meta_bind_i64(s, 6, now, err);
    if (st == BK_OK) st = meta_bind_text(s, 7, actor, err);
    return st;
}

static bk_status group_insert(svc_ctx *ctx, const svc_group *in, int64_t *id, bk_error *err) {
    BK_TRY(check_name("displayName", in->display_name, err));
    bool taken = false;
    BK_TRY(name_taken(ctx, "group", in->display_name, 0, &taken, err));
    if (taken)
        return bk_error_set(err, BK_ALREADY_EXISTS, "Group with name %s already exists.",
                            in->display_name);
    BK_TRY(new_id(ctx, id, err));
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "INSERT INTO principals(id, kind, display_name, external_id, entitlements, roles,"
        " created_ms, created_by, updated_ms, updated_by)"
        " VALUES (?1, 'group', ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
        err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, *id, err);
    if (st == BK_OK) st = bind_group(s, in, svc_actor(ctx), svc_now_ms(), err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    BK_TRY(meta_run(s, err));
    return set_group_members(ctx, *id, in->members, in->n_members, err);
}

bk_status svc_group_create(svc_ctx *ctx, const svc_group *in, svc_group **out, bk_error *err) {
    BK_TRY(svc_require_admin(ctx, "create groups", err));
    bool owned = false;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    int64_t id = 0;
    bk_status st = svc_tx_end(ctx, owned, group_insert(ctx, in, &id, err), err);
    if (st == BK_OK && out) st = svc_group_get(ctx, id, out, err);
    return st;
}

static void read_group(svc_ctx *ctx, meta_stmt *s, svc_group *g) {
    memset(g, 0, sizeof *g);
    g->id = meta_col_i64(s, 0);
    g->display_name = col_dup(ctx, s, 1);
    g->external_id = col_dup(ctx, s, 2);
    g->entitlements = col_dup(ctx, s, 3);
    g->roles = col_dup(ctx, s, 4);
    g->created_ms = meta_col_i64(s, 5);
    g->created_by = col_dup(ctx, s, 6);
    g->updated_ms = meta_col_i64(s, 7);
    g->updated_by = col_dup(ctx, s, 8);
}

bk_status svc_group_get(svc_ctx *ctx, int64_t id, svc_group **out, bk_error *err) {
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s FROM principals WHERE id = ?1 AND kind = 'group'",
             group_cols);
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    svc_group *g = bk_arena_zalloc(ctx->arena, sizeof *g);
    bk_status st = g ? meta_bind_i64(s, 1, id, err) : bk_arena_oom(ctx->arena, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) read_group(ctx, s, g);
    meta_done(s);
    if (rc == META_DONE)
        return bk_error_set(err, BK_NOT_FOUND, "Group %lld does not exist.", (long long)id);
    if (rc != META_ROW) return rc;
    BK_TRY(load_refs(ctx, id, true, &g->members, &g->n_members, err));
    BK_TRY(load_refs(ctx, id, false, &g->groups, &g->n_groups, err));
    if (bk_arena_failed(ctx->arena)) return bk_arena_oom(ctx->arena, err);
    *out = g;
    return BK_OK;
}

bk_status svc_group_list(svc_ctx *ctx, svc_group **out, size_t *n, bk_error *err) {
    *out = NULL;
    *n = 0;
    int64_t *ids = NULL;
    size_t cap = 0;
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT id FROM principals WHERE kind = 'group' ORDER BY id", err);
    if (!s) return err->code;
    int rc;
    while ((rc = meta_step(s, err)) == META_ROW) {
        int64_t *slot = bk_arena_push(ctx->arena, &ids, n, &cap, sizeof *slot, 32);
        if (!slot) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        *slot = meta_col_i64(s, 0);
    }
    meta_done(s);
    if (rc != META_DONE) return rc;
    svc_group *groups = *n ? bk_arena_array(ctx->arena, *n, sizeof *groups) : NULL;
    if (*n && !groups) return bk_arena_oom(ctx->arena, err);
    for (size_t i = 0; i < *n; i++) {
        svc_group *g = NULL;
        BK_TRY(svc_group_get(ctx, ids[i], &g, err));
        groups[i] = *g;
    }
    *out = groups;
    return BK_OK;
}

static bk_status group_update(svc_ctx *ctx, int64_t id, const svc_group *in, bk_error *err) {
    svc_group *old = NULL;
    BK_TRY(svc_group_get(ctx, id, &old, err));
    BK_TRY(check_name("displayName", in->display_name, err));
    if (is_builtin(ctx, id) && strcmp(old->display_name, in->display_name) != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "the built-in group \"%s\" cannot be renamed",
                            old->display_name);
    bool taken = false;
    BK_TRY(name_taken(ctx, "group", in->display_name, id, &taken, err));
    if (taken)
        return bk_error_set(err, BK_ALREADY_EXISTS, "Group with name %s already exists.",
                            in->display_name);
    meta_stmt *s = meta_prepare(ctx->conn,
                                "UPDATE principals SET display_name = ?2, external_id = ?3,"
                                " entitlements = ?4, roles = ?5, updated_ms = ?6, updated_by = ?7"
                                " WHERE id = ?1",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    if (st == BK_OK) st = bind_group(s, in, svc_actor(ctx), svc_now_ms(), err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    BK_TRY(meta_run(s, err));
    if (id == ctx->env->users_group_id) return BK_OK; /* membership is implicit: everyone */
    BK_TRY(set_group_members(ctx, id, in->members, in->n_members, err));
    return check_admins_left(ctx, err);
}

bk_status svc_group_replace(svc_ctx *ctx, int64_t id, const svc_group *in, bk_error *err) {
    BK_TRY(svc_require_admin(ctx, "update groups", err));
    bool owned = false;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    return svc_tx_end(ctx, owned, group_update(ctx, id, in, err), err);
}

bk_status svc_group_delete(svc_ctx *ctx, int64_t id, bk_error *err) {
    BK_TRY(svc_require_admin(ctx, "delete groups", err));
    bool owned = false;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    svc_group *g = NULL;
    bk_status st = svc_group_get(ctx, id, &g, err);
    if (st == BK_OK && is_builtin(ctx, id))
        st = bk_error_set(err, BK_INVALID_ARGUMENT, "the built-in group \"%s\" cannot be deleted",
                          g->display_name);
    if (st == BK_OK) st = principal_delete(ctx, id, err);
    return svc_tx_end(ctx, owned, st, err);
}

bk_status svc_is_member(svc_ctx *ctx, int64_t group_id, int64_t user_id, bool *out,
                        bk_error *err) {
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT 1 FROM group_members WHERE group_id = ?1 AND member_id = ?2", err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, group_id, err);
    if (st == BK_OK) st = meta_bind_i64(s, 2, user_id, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    meta_done(s);
    if (rc != META_ROW && rc != META_DONE) return rc;
    *out = rc == META_ROW;
    return BK_OK;
}

bk_status svc_group_find(svc_ctx *ctx, const char *display_name, int64_t *id, bk_error *err) {
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT id FROM principals WHERE kind = 'group' AND display_name = ?1", err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, display_name, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) *id = meta_col_i64(s, 0);
    meta_done(s);
    if (rc == META_DONE)
        return bk_error_set(err, BK_NOT_FOUND, "Group %s does not exist.", display_name);
    return rc == META_ROW ? BK_OK : rc;
}

bk_status svc_principal_groups(svc_ctx *ctx, int64_t id, int64_t **out, size_t *n,
                               bk_error *err) {
    *out = NULL;
    *n = 0;
    /* UNION (not UNION ALL) stops at cycles: a group reached twice is not expanded again. */
    meta_stmt *s = meta_prepare(ctx->conn,
                                "WITH RECURSIVE up(g) AS ("
                                "  SELECT group_id FROM group_members WHERE member_id = ?1"
                                "  UNION SELECT m.group_id FROM group_members m JOIN up"
                                "  ON m.member_id = up.g)"
                                " SELECT g FROM up ORDER BY g",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    size_t cap = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        int64_t *slot = bk_arena_push(ctx->arena, out, n, &cap, sizeof *slot, 8);
        if (!slot) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        *slot = meta_col_i64(s, 0);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

/* Whether the JSON array text `list` holds an element {"value": name}. */
static bool lists_entitlement(const char *list, const char *name) {
    if (!list) return false;
    json_t *arr = json_loads(list, 0, NULL);
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        json_t *v = json_object_get(e, "value");
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0) found = true;
    }
    json_decref(arr);
    return found;
}

bk_status svc_user_has_entitlement(svc_ctx *ctx, int64_t user_id, const char *name, bool *out,
                                   bk_error *err) {
    *out = false;
    int64_t *groups = NULL;
    size_t n = 0;
    BK_TRY(svc_principal_groups(ctx, user_id, &groups, &n, err));
    for (size_t i = 0; i < n; i++) {
        if (groups[i] == ctx->env->admins_group_id) {
            *out = true;
            return BK_OK;
        }
    }
    meta_stmt *s = meta_prepare(ctx->conn, "SELECT entitlements FROM principals WHERE id = ?1",
                                err);
    if (!s) return err->code;
    for (size_t i = 0; i <= n && !*out; i++) {
        bk_status st = meta_bind_i64(s, 1, i < n ? groups[i] : user_id, err);
        int rc = st == BK_OK ? meta_step(s, err) : st;
        if (rc == META_ROW) *out = lists_entitlement(meta_col_text(s, 0), name);
        meta_done(s);
        if (rc != META_ROW && rc != META_DONE) return rc;
    }
    return BK_OK;
}
