/*
 * svc_permissions.c — generic access control lists (see svc_permissions.h).
 *
 * types[] is the one place that knows which object types exist: each entry names
 * its URL segment, its levels and the lookup function of the service that owns the
 * objects.  Everything else here is type-agnostic: effective levels walk
 * svc_perm_object.parent_* through the types' lookups; grants are rows of
 * acl_entries keyed by (acl_type, acl_id, principal).
 */
#include "services/svc_permissions.h"

#include <stdio.h>
#include <string.h>

#include "services/svc_clusters.h"
#include "services/svc_identity.h"
#include "services/svc_workspace.h"

#define MAX_DEPTH 512 /* ancestors walked at most (paths are far shallower) */

static const char *const ws_levels[] = {"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"};
static const char *const ws_level_desc[] = {
    "Can view the object",
    "Can view and run the object",
    "Can view, run and edit the object, and create objects in a directory",
    "Can do everything, including changing the object's permissions",
};

static const char *const cluster_levels[] = {"CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"};
static const char *const cluster_level_desc[] = {
    "Can attach to the cluster and view it, its events and its permissions",
    "Can attach to, start, restart and terminate the cluster",
    ("Can do everything, including editing, permanently deleting and changing the cluster's"
     " permissions"),
};

static const svc_perm_type types[] = {
    {"directories", "/directories/", ws_levels, ws_level_desc, BK_ARRAY_LEN(ws_levels),
     svc_ws_perm_lookup_directory},
    {"notebooks", "/directories/", ws_levels, ws_level_desc, BK_ARRAY_LEN(ws_levels),
     svc_ws_perm_lookup_notebook},
    {"files", "/directories/", ws_levels, ws_level_desc, BK_ARRAY_LEN(ws_levels),
     svc_ws_perm_lookup_file},
    {"clusters", "/clusters/", cluster_levels, cluster_level_desc, BK_ARRAY_LEN(cluster_levels),
     svc_clusters_perm_lookup},
};

/* Types the Databricks Permissions API has that Bricks does not serve (yet). */
static const char *const known_elsewhere[] = {
    "alerts",         "alertsv2",         "authorization",
    "cluster-policies", "dashboards",     "database-projects",    "dbsql-dashboards",
    "experiments",    "genie",            "instance-pools",       "jobs",
    "knowledge-assistants", "pipelines",  "queries",              "registered-models",
    "repos",          "serving-endpoints", "supervisor-agents",   "vector-search-endpoints",
    "warehouses",     "apps",
};

const svc_perm_type *svc_perm_type_find(const char *request_type) {
    for (size_t i = 0; request_type && i < BK_ARRAY_LEN(types); i++)
        if (strcmp(types[i].request_type, request_type) == 0) return &types[i];
    return NULL;
}

bk_status svc_perm_type_get(const char *request_type, const svc_perm_type **out, bk_error *err) {
    *out = svc_perm_type_find(request_type);
    if (*out) return BK_OK;
    for (size_t i = 0; i < BK_ARRAY_LEN(known_elsewhere); i++)
        if (strcmp(known_elsewhere[i], request_type) == 0)
            return bk_error_set(err, BK_UNSUPPORTED,
                                "Bricks does not support permissions on %s yet", request_type);
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "%s is not a valid request object type: use directories, notebooks,"
                        " files or clusters",
                        request_type);
}

int svc_perm_rank(const svc_perm_type *t, const char *level) {
    for (size_t i = 0; level && i < t->n_levels; i++)
        if (strcmp(t->levels[i], level) == 0) return (int)i + 1;
    return 0;
}

/* The strongest direct grant on `obj` to user `uid` or a group it belongs to. */
static bk_status direct_rank(svc_ctx *ctx, const svc_perm_type *t, const svc_perm_object *obj,
                             int64_t uid, int *rank, bk_error *err) {
    *rank = 0;
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "WITH RECURSIVE g(id) AS (SELECT ?3 UNION SELECT m.group_id FROM group_members m"
        "   JOIN g ON m.member_id = g.id)"
        " SELECT level FROM acl_entries WHERE object_type = ?1 AND object_id = ?2"
        "   AND principal_id IN (SELECT id FROM g)",
        err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, obj->acl_type, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, obj->acl_id, err);
    if (st == BK_OK) st = meta_bind_i64(s, 3, uid, err);
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        int r = svc_perm_rank(t, meta_col_text(s, 0));
        if (r > *rank) *rank = r;
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

/* The object `obj` inherits from; *has = false at the top. */
static bk_status parent_of(svc_ctx *ctx, const svc_perm_object *obj, svc_perm_object *out,
                           bool *has, bk_error *err) {
    *has = false;
    if (!obj->parent_type || !obj->parent_id) return BK_OK;
    const svc_perm_type *pt = svc_perm_type_find(obj->parent_type);
    if (!pt) return BK_OK;
    bk_status st = pt->lookup(ctx, obj->parent_id, out, err);
    if (st == BK_NOT_FOUND) { /* a parent deleted concurrently: nothing to inherit */
        bk_error_clear(err);
        return BK_OK;
    }
    BK_TRY(st);
    *has = true;
    return BK_OK;
}

bk_status svc_perm_effective(svc_ctx *ctx, const svc_perm_type *t, const svc_perm_object *obj,
                             int *rank, bk_error *err) {
    int max = (int)t->n_levels;
    if (!ctx->caller || ctx->caller->is_admin) {
        *rank = max;
        return BK_OK;
    }
    int64_t uid = ctx->caller->user_id;
    int best = 0;
    svc_perm_object cur = *obj;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
        if (cur.owner_id == uid) {
            *rank = max;
            return BK_OK;
        }
        int r;
        BK_TRY(direct_rank(ctx, t, &cur, uid, &r, err));
        if (r > best) best = r;
        if (best == max) break;
        bool has;
        svc_perm_object next;
        BK_TRY(parent_of(ctx, &cur, &next, &has, err));
        if (!has) break;
        cur = next;
    }
    *rank = best;
    return BK_OK;
}

/* "CAN_EDIT" → "Can Edit" for messages. */
static void level_words(const char *level, char *out, size_t cap) {
    size_t w = 0;
    bool upper = true;
    for (const char *p = level; *p && w + 1 < cap; p++) {
        if (*p == '_') {
            out[w++] = ' ';
            upper = true;
            continue;
        }
        out[w++] = upper ? *p : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        upper = false;
    }
    out[w] = '\0';
}

bk_status svc_perm_require(svc_ctx *ctx, const svc_perm_type *t, const svc_perm_object *obj,
                           const char *level, bk_error *err) {
    int need = svc_perm_rank(t, level), have;
    BK_TRY(svc_perm_effective(ctx, t, obj, &have, err));
    if (have >= need) return BK_OK;
    char words[64];
    level_words(level, words, sizeof words);
    return bk_error_set(err, BK_PERMISSION_DENIED,
                        "User %s does not have %s permission on %s", ctx->caller->user_name,
                        words, obj->display);
}

/* ---- reporting ---- */

typedef struct acl_builder {
    svc_perm_acl *acl;
    int64_t *ids; /* principal id per entry */
    size_t cap;
} acl_builder;

/* Append one permission of principal `pid` (looked up for names on first sight). */
static bk_status add_perm(svc_ctx *ctx, acl_builder *b, int64_t pid, const char *level,
                          bool inherited, const char *from, bk_error *err) {
    svc_perm_acl *acl = b->acl;
    size_t idx = 0;
    while (idx < acl->n_entries && b->ids[idx] != pid) idx++;
    if (idx == acl->n_entries) {
        meta_stmt *s = meta_prepare(ctx->conn,
                                    "SELECT kind, user_name, display_name FROM principals"
                                    " WHERE id = ?1",
                                    err);
        if (!s) return err->code;
        bk_status st = meta_bind_i64(s, 1, pid, err);
        int rc = st == BK_OK ? meta_step(s, err) : st;
        if (rc != META_ROW) {
            meta_done(s);
            return rc == META_DONE ? BK_OK : rc; /* a principal gone: nothing to show */
        }
        if (acl->n_entries == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : 8;
            svc_perm_entry *e = bk_arena_array(ctx->arena, cap, sizeof *e);
            int64_t *ids = bk_arena_array(ctx->arena, cap, sizeof *ids);
            if (!e || !ids) {
                meta_done(s);
                return bk_arena_oom(ctx->arena, err);
            }
            if (acl->n_entries) {
                memcpy(e, acl->entries, acl->n_entries * sizeof *e);
                memcpy(ids, b->ids, acl->n_entries * sizeof *ids);
            }
            acl->entries = e;
            b->ids = ids;
            b->cap = cap;
        }
        svc_perm_entry *e = &acl->entries[acl->n_entries];
        memset(e, 0, sizeof *e);
        bool is_group = strcmp(meta_col_text(s, 0), "group") == 0;
        const char *un = meta_col_text(s, 1), *dn = meta_col_text(s, 2);
        if (is_group) {
            e->group_name = bk_arena_strdup(ctx->arena, dn ? dn : "");
            e->display_name = e->group_name;
        } else {
            e->user_name = bk_arena_strdup(ctx->arena, un ? un : "");
            e->display_name = bk_arena_strdup(ctx->arena, dn ? dn : (un ? un : ""));
        }
        meta_done(s);
        b->ids[acl->n_entries++] = pid;
    }
    svc_perm_entry *e = &acl->entries[idx];
    /* One permission per source: the first (the owner's CAN_MANAGE, then grants). */
    for (size_t i = 0; i < e->n_perms; i++)
        if (e->perms[i].inherited == inherited &&
            ((!from && !e->perms[i].inherited_from) ||
             (from && e->perms[i].inherited_from && strcmp(from, e->perms[i].inherited_from) == 0)))
            return BK_OK;
    svc_perm_level_of *p = bk_arena_array(ctx->arena, e->n_perms + 1, sizeof *p);
    if (!p) return bk_arena_oom(ctx->arena, err);
    if (e->n_perms) memcpy(p, e->perms, e->n_perms * sizeof *p);
    p[e->n_perms].level = level;
    p[e->n_perms].inherited = inherited;
    p[e->n_perms].inherited_from = from;
    e->perms = p;
    e->n_perms++;
    return BK_OK;
}

/* The direct grants on `obj` (and its owner) as permissions, inherited from `from`. */
static bk_status add_grants_of(svc_ctx *ctx, acl_builder *b, const svc_perm_type *t,
                               const svc_perm_object *obj, bool inherited, bk_error *err) {
    const char *from = inherited ? obj->object_ref : NULL;
    const char *manage = t->levels[t->n_levels - 1];
    if (obj->owner_id) BK_TRY(add_perm(ctx, b, obj->owner_id, manage, inherited, from, err));
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT principal_id, level FROM acl_entries"
                                " WHERE object_type = ?1 AND object_id = ?2 ORDER BY principal_id",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, obj->acl_type, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, obj->acl_id, err);
    /* add_perm runs other statements meanwhile: distinct SQL, so this one stays valid. */
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        int r = svc_perm_rank(t, meta_col_text(s, 1));
        if (!r) continue;
        st = add_perm(ctx, b, meta_col_i64(s, 0), t->levels[r - 1], inherited, from, err);
        if (st != BK_OK) rc = st;
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

static bk_status build_acl(svc_ctx *ctx, const svc_perm_type *t, const svc_perm_object *obj,
                           svc_perm_acl *out, bk_error *err) {
    memset(out, 0, sizeof *out);
    out->object_id = obj->object_ref;
    out->object_type = obj->object_type;
    acl_builder b = {out, NULL, 0};
    BK_TRY(add_grants_of(ctx, &b, t, obj, false, err));
    svc_perm_object cur = *obj;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
        bool has;
        svc_perm_object next;
        BK_TRY(parent_of(ctx, &cur, &next, &has, err));
        if (!has) break;
        BK_TRY(add_grants_of(ctx, &b, t, &next, true, err));
        cur = next;
    }
    return add_perm(ctx, &b, ctx->env->admins_group_id, t->levels[t->n_levels - 1], true,
                    t->root_ref, err);
}

/* Resolve type and object. */
static bk_status resolve(svc_ctx *ctx, const char *request_type, const char *id,
                         const svc_perm_type **t, svc_perm_object *obj, bk_error *err) {
    BK_TRY(svc_perm_type_get(request_type, t, err));
    return (*t)->lookup(ctx, id, obj, err);
}

bk_status svc_perm_get(svc_ctx *ctx, const char *request_type, const char *id,
                       svc_perm_acl *out, bk_error *err) {
    const svc_perm_type *t;
    svc_perm_object obj;
    BK_TRY(resolve(ctx, request_type, id, &t, &obj, err));
    BK_TRY(svc_perm_require(ctx, t, &obj, t->levels[0], err));
    return build_acl(ctx, t, &obj, out, err);
}

bk_status svc_perm_levels(svc_ctx *ctx, const char *request_type, const char *id,
                          const svc_perm_type **out, bk_error *err) {
    svc_perm_object obj;
    BK_TRY(resolve(ctx, request_type, id, out, &obj, err));
    return svc_perm_require(ctx, *out, &obj, (*out)->levels[0], err);
}

/* The principal a grant names: its id, or BK_INVALID_ARGUMENT. */
static bk_status grant_principal(svc_ctx *ctx, const svc_perm_grant *g, int64_t *pid,
                                 bk_error *err) {
    int named = (g->user_name != NULL) + (g->group_name != NULL) + (g->sp_name != NULL);
    if (named != 1)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "each access control entry needs exactly one of user_name, group_name"
                            " and service_principal_name");
    if (g->sp_name)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Principal: ServicePrincipal(%s) does not exist", g->sp_name);
    if (g->user_name) {
        bk_status st = svc_user_find(ctx, g->user_name, pid, err);
        if (st == BK_NOT_FOUND)
            return bk_error_reset(err, BK_INVALID_ARGUMENT,
                                  "Principal: UserName(%s) does not exist", g->user_name);
        return st;
    }
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT id FROM principals WHERE kind = 'group' AND display_name = ?1", err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, g->group_name, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) *pid = meta_col_i64(s, 0);
    meta_done(s);
    if (rc == META_ROW) return BK_OK;
    if (rc != META_DONE) return rc;
    return bk_error_set(err, BK_INVALID_ARGUMENT, "Principal: GroupName(%s) does not exist",
                        g->group_name);
}

static bk_status write_grants(svc_ctx *ctx, const svc_perm_type *t, const svc_perm_object *obj,
                              const svc_perm_grant *grants, size_t n, bool replace,
                              bk_error *err) {
    if (replace) BK_TRY(svc_perm_forget(ctx, obj->acl_type, obj->acl_id, err));
    for (size_t i = 0; i < n; i++) {
        const svc_perm_grant *g = &grants[i];
        int64_t pid;
        BK_TRY(grant_principal(ctx, g, &pid, err));
        int r = svc_perm_rank(t, g->level);
        if (!r) {
            char list[160] = "";
            size_t used = 0;
            for (size_t k = 0; k < t->n_levels; k++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "",
                                         t->levels[k]);
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Permission level %s is not supported for %s: use one of %s",
                                g->level ? g->level : "(none)", obj->object_type, list);
        }
        meta_stmt *s = meta_prepare(ctx->conn,
                                    "INSERT INTO acl_entries(object_type, object_id, principal_id,"
                                    " level) VALUES (?1, ?2, ?3, ?4)"
                                    " ON CONFLICT DO UPDATE SET level = excluded.level",
                                    err);
        if (!s) return err->code;
        bk_status st = meta_bind_text(s, 1, obj->acl_type, err);
        if (st == BK_OK) st = meta_bind_text(s, 2, obj->acl_id, err);
        if (st == BK_OK) st = meta_bind_i64(s, 3, pid, err);
        if (st == BK_OK) st = meta_bind_text(s, 4, t->levels[r - 1], err);
        if (st != BK_OK) {
            meta_done(s);
            return st;
        }
        BK_TRY(meta_run(s, err));
    }
    return BK_OK;
}

bk_status svc_perm_set(svc_ctx *ctx, const char *request_type, const char *id,
                       const svc_perm_grant *grants, size_t n, bool replace, svc_perm_acl *out,
                       bk_error *err) {
    const svc_perm_type *t;
    svc_perm_object obj;
    BK_TRY(resolve(ctx, request_type, id, &t, &obj, err));
    BK_TRY(svc_perm_require(ctx, t, &obj, t->levels[t->n_levels - 1], err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    bk_status st = write_grants(ctx, t, &obj, grants, n, replace, err);
    BK_TRY(svc_tx_end(ctx, owned, st, err));
    return build_acl(ctx, t, &obj, out, err);
}

bk_status svc_perm_forget(svc_ctx *ctx, const char *acl_type, const char *acl_id, bk_error *err) {
    meta_stmt *s = meta_prepare(
        ctx->conn, "DELETE FROM acl_entries WHERE object_type = ?1 AND object_id = ?2", err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, acl_type, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, acl_id, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    return meta_run(s, err);
}
