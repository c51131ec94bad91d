/*
 * svc_workspace.c — the workspace tree (see svc_workspace.h).
 *
 * Every call starts with ensure_defaults: the default grant on /Shared (once per
 * data directory, remembered in the root row's `seeded`) and, for a path in it,
 * the caller's home folder; checked again only after a metastore write (a
 * per-thread note of the write generation it last found both at).  Permission
 * checks go through svc_permissions.c with the object types "directories",
 * "notebooks" and "files"; all three keep their grants under the
 * ACL family "workspace" keyed by object_id, so overwriting a file with a notebook
 * keeps its grants.
 *
 * Subtree operations use the path order: the descendants of P are exactly the
 * rows with P + "/" <= path < P + "0" ('0' follows '/' in byte order), an index
 * range on ws_objects(path).
 */
#include "services/svc_workspace.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "services/svc_identity.h"
#include "services/svc_zip.h"

#define ROOT_ID 0
#define USERS_ID 1
#define SHARED_ID 2
#define ID_MIN INT64_C(1000000000000000)
#define ID_SPAN ((INT64_C(1) << 53) - ID_MIN)
#define ACL_FAMILY "workspace"

static const char obj_cols[] = "id, path, parent_id, kind, language, size, owner_id, created_ms,"
                               " modified_ms";

const char *svc_ws_kind_name(svc_ws_kind kind) {
    switch (kind) {
    case SVC_WS_DIRECTORY: return "DIRECTORY";
    case SVC_WS_NOTEBOOK: return "NOTEBOOK";
    case SVC_WS_FILE: return "FILE";
    }
    return "FILE";
}

static svc_ws_kind kind_parse(const char *s) {
    if (s && strcmp(s, "DIRECTORY") == 0) return SVC_WS_DIRECTORY;
    if (s && strcmp(s, "NOTEBOOK") == 0) return SVC_WS_NOTEBOOK;
    return SVC_WS_FILE;
}

/* ---- paths ---- */

static bk_status bad_path(const char *path, const char *why, bk_error *err) {
    return bk_error_set(err, BK_INVALID_ARGUMENT, "Path (%s) is not valid: %s", path, why);
}

bk_status svc_ws_path_normalize(bk_arena *a, const char *path, const char **out, bk_error *err) {
    if (!path || !*path)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Path is required: give an absolute path");
    size_t len = strlen(path);
    if (len > SVC_WS_MAX_PATH) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Path (%.64s...) is not valid: it is longer than %d bytes", path,
                            SVC_WS_MAX_PATH);
    }
    if (path[0] != '/') return bad_path(path, "it must be absolute (start with \"/\")", err);
    const char *p = path;
    if (strncmp(p, "/Workspace", 10) == 0 && (p[10] == '/' || p[10] == '\0')) p += 10;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') n--;
    if (n == 0) {
        *out = "/";
        return BK_OK;
    }
    /* Check every segment. */
    for (size_t i = 1; i <= n;) {
        size_t j = i;
        while (j < n && p[j] != '/') j++;
        size_t seg = j - i;
        if (seg == 0 && n > 1) return bad_path(path, "it has an empty segment (\"//\")", err);
        if (bk_path_is_dot_segment(p + i, seg))
            return bad_path(path, "\".\" and \"..\" segments (also encoded as %2e) are not allowed",
                            err);
        if (seg > SVC_WS_MAX_NAME) return bad_path(path, "a name is longer than 255 bytes", err);
        for (size_t k = i; k < j; k++)
            if ((unsigned char)p[k] < 0x20 || p[k] == 0x7f)
                return bad_path(path, "it contains a control character", err);
        i = j + 1;
    }
    char *copy = bk_arena_strndup(a, p, n);
    if (!copy) return bk_arena_oom(a, err);
    *out = copy;
    return BK_OK;
}

/* The parent directory of normalised `path` ("/" for "/x"), in the arena. */
static const char *dirname_of(bk_arena *a, const char *path) {
    const char *slash = strrchr(path, '/');
    if (slash == path) return "/";
    return bk_arena_strndup(a, path, (size_t)(slash - path));
}

static const char *basename_of(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- rows ---- */

static bk_status read_row(svc_ctx *ctx, meta_stmt *s, svc_ws_object *o, bk_error *err) {
    memset(o, 0, sizeof *o);
    o->id = meta_col_i64(s, 0);
    o->path = bk_arena_strdup(ctx->arena, meta_col_text(s, 1));
    o->parent_id = meta_col_is_null(s, 2) ? -1 : meta_col_i64(s, 2);
    o->kind = kind_parse(meta_col_text(s, 3));
    if (!meta_col_is_null(s, 4)) svc_nb_lang_parse(meta_col_text(s, 4), &o->language);
    o->size = meta_col_i64(s, 5);
    o->owner_id = meta_col_i64(s, 6);
    o->created_ms = meta_col_i64(s, 7);
    o->modified_ms = meta_col_i64(s, 8);
    return o->path ? BK_OK : bk_arena_oom(ctx->arena, err);
}

/* The object at `path` (or with `id` when path is NULL); *found says whether any. */
static bk_status load(svc_ctx *ctx, const char *path, int64_t id, svc_ws_object *o, bool *found,
                      bk_error *err) {
    *found = false;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM ws_objects WHERE %s", obj_cols,
             path ? "path = ?1" : "id = ?1");
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = path ? meta_bind_text(s, 1, path, err) : meta_bind_i64(s, 1, id, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) {
        st = read_row(ctx, s, o, err);
        *found = st == BK_OK;
        rc = st == BK_OK ? META_DONE : st;
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

static bk_status not_found(const char *path, bk_error *err) {
    return bk_error_set(err, BK_NOT_FOUND, "Path (%s) doesn't exist.", path);
}

static bk_status load_existing(svc_ctx *ctx, const char *path, svc_ws_object *o, bk_error *err) {
    bool found;
    BK_TRY(load(ctx, path, 0, o, &found, err));
    return found ? BK_OK : not_found(path, err);
}

/* A fresh object id. */
static bk_status new_id(svc_ctx *ctx, int64_t *out, bk_error *err) {
    *out = 0;
    for (int attempt = 0; attempt < 16; attempt++) {
        uint64_t r;
        randombytes_buf(&r, sizeof r);
        int64_t id = ID_MIN + (int64_t)(r % (uint64_t)ID_SPAN);
        svc_ws_object o;
        bool found;
        BK_TRY(load(ctx, NULL, id, &o, &found, err));
        if (!found) {
            *out = id;
            return BK_OK;
        }
    }
    return bk_error_set(err, BK_INTERNAL, "could not draw a free workspace object id");
}

/* Insert a new object; content may be NULL (directories). */
static bk_status insert(svc_ctx *ctx, const char *path, int64_t parent_id, svc_ws_kind kind,
                        svc_nb_lang lang, int64_t owner_id, const char *content, size_t len,
                        int64_t *id_out, bk_error *err) {
    int64_t id = 0;
    BK_TRY(new_id(ctx, &id, err));
    meta_stmt *s = meta_prepare(ctx->conn,
                                "INSERT INTO ws_objects(id, path, parent_id, kind, language, size,"
                                " owner_id, created_ms, created_by, modified_ms, modified_by,"
                                " content)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9, ?10)",
                                err);
    if (!s) return err->code;
    int64_t now = svc_now_ms();
    bk_status st = meta_bind_i64(s, 1, id, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, path, err);
    if (st == BK_OK) st = meta_bind_i64(s, 3, parent_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 4, svc_ws_kind_name(kind), err);
    if (st == BK_OK) st = meta_bind_text(s, 5, svc_nb_lang_name(lang), err);
    if (st == BK_OK) st = meta_bind_i64(s, 6, (int64_t)len, err);
    if (st == BK_OK) st = meta_bind_i64(s, 7, owner_id, err);
    if (st == BK_OK) st = meta_bind_i64(s, 8, now, err);
    if (st == BK_OK) st = meta_bind_text(s, 9, svc_actor(ctx), err);
    if (st == BK_OK)
        st = content ? meta_bind_blob(s, 10, content, len, err) : meta_bind_null(s, 10, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    BK_TRY(meta_run(s, err));
    if (id_out) *id_out = id;
    return BK_OK;
}

/* ---- permissions ---- */

static const char *type_of_kind(svc_ws_kind kind) {
    return kind == SVC_WS_DIRECTORY ? "directories" : kind == SVC_WS_NOTEBOOK ? "notebooks"
                                                                              : "files";
}

static void perm_object_of(svc_ctx *ctx, const svc_ws_object *o, svc_perm_object *out) {
    memset(out, 0, sizeof *out);
    const char *type = type_of_kind(o->kind);
    out->acl_type = ACL_FAMILY;
    out->acl_id = bk_arena_printf(ctx->arena, "%lld", (long long)o->id);
    out->object_ref = bk_arena_printf(ctx->arena, "/%s/%lld", type, (long long)o->id);
    out->object_type = o->kind == SVC_WS_DIRECTORY ? "directory"
                       : o->kind == SVC_WS_NOTEBOOK ? "notebook"
                                                    : "file";
    out->display = o->path;
    out->owner_id = o->owner_id;
    if (o->parent_id >= 0) {
        out->parent_type = "directories";
        out->parent_id = bk_arena_printf(ctx->arena, "%lld", (long long)o->parent_id);
    }
}

static bk_status lookup_kind(svc_ctx *ctx, const char *id, svc_ws_kind kind, svc_perm_object *out,
                             bk_error *err) {
    int64_t v;
    const char *what = kind == SVC_WS_DIRECTORY ? "directory" : kind == SVC_WS_NOTEBOOK ? "notebook"
                                                                                        : "file";
    if (!id || !bk_parse_i64(id, strlen(id), &v))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "%s is not a valid %s id: workspace object ids are integers",
                            id ? id : "(none)", what);
    svc_ws_object o;
    bool found;
    BK_TRY(load(ctx, NULL, v, &o, &found, err));
    if (!found || o.kind != kind)
        return bk_error_set(err, BK_NOT_FOUND, "The %s with id %s does not exist.", what, id);
    perm_object_of(ctx, &o, out);
    if (!out->acl_id || !out->object_ref) return bk_arena_oom(ctx->arena, err);
    return BK_OK;
}

bk_status svc_ws_perm_lookup_directory(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                       bk_error *err) {
    return lookup_kind(ctx, id, SVC_WS_DIRECTORY, out, err);
}

bk_status svc_ws_perm_lookup_notebook(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                      bk_error *err) {
    return lookup_kind(ctx, id, SVC_WS_NOTEBOOK, out, err);
}

bk_status svc_ws_perm_lookup_file(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                  bk_error *err) {
    return lookup_kind(ctx, id, SVC_WS_FILE, out, err);
}

/* The caller's rank on `o` (4 = CAN_MANAGE). */
static bk_status rank_on(svc_ctx *ctx, const svc_ws_object *o, int *rank, bk_error *err) {
    const svc_perm_type *t = svc_perm_type_find(type_of_kind(o->kind));
    if (!ctx->caller || ctx->caller->is_admin) {
        *rank = (int)t->n_levels;
        return BK_OK;
    }
    svc_perm_object po;
    perm_object_of(ctx, o, &po);
    if (!po.acl_id || !po.object_ref) return bk_arena_oom(ctx->arena, err);
    return svc_perm_effective(ctx, t, &po, rank, err);
}

static bk_status require(svc_ctx *ctx, const svc_ws_object *o, const char *level, bk_error *err) {
    const svc_perm_type *t = svc_perm_type_find(type_of_kind(o->kind));
    if (!ctx->caller || ctx->caller->is_admin) return BK_OK;
    svc_perm_object po;
    perm_object_of(ctx, o, &po);
    if (!po.acl_id || !po.object_ref) return bk_arena_oom(ctx->arena, err);
    return svc_perm_require(ctx, t, &po, level, err);
}

#define RANK_READ 1
#define RANK_EDIT 3

/* "/" and "/Users" are listable by everyone (the listing shows what one may read). */
static bool is_traversable(const svc_ws_object *o) {
    return o->id == ROOT_ID || o->id == USERS_ID;
}

/* ---- defaults: the /Shared grant and home folders ---- */

/* Create /Users/<user_name> owned by `user_id` when missing. */
static bk_status ensure_home(svc_ctx *ctx, const char *user_name, int64_t user_id,
                             bk_error *err) {
    if (!user_name || !*user_name || strchr(user_name, '/') ||
        strlen(user_name) > SVC_WS_MAX_NAME)
        return BK_OK;
    const char *path = bk_arena_printf(ctx->arena, "/Users/%s", user_name);
    if (!path) return bk_arena_oom(ctx->arena, err);
    svc_ws_object o;
    bool found;
    BK_TRY(load(ctx, path, 0, &o, &found, err));
    if (found) return BK_OK;
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    bk_status st = load(ctx, path, 0, &o, &found, err); /* again, under the write lock */
    if (st == BK_OK && !found)
        st = insert(ctx, path, USERS_ID, SVC_WS_DIRECTORY, SVC_NB_NONE, user_id, NULL, 0, NULL,
                    err);
    return svc_tx_end(ctx, owned, st, err);
}

/* Whether normalised `path` is the home of the caller or inside it. */
static bool in_callers_home(const svc_ctx *ctx, const char *path) {
    if (!ctx->caller || !ctx->caller->user_name || strncmp(path, "/Users/", 7) != 0)
        return false;
    size_t n = strlen(ctx->caller->user_name);
    return strncmp(path + 7, ctx->caller->user_name, n) == 0 &&
           (path[7 + n] == '/' || path[7 + n] == '\0');
}

/*
 * The default grant on /Shared (once per data directory) and, when `path` lies in
 * the caller's home, that home.  Why not the home on every call: it is one lookup
 * less on the hot read path, and the home is created as soon as anything looks at
 * it (a path in it, or a listing of /Users).
 */
/*
 * What ensure_defaults last found complete on this thread: the database, the write
 * generation (meta_write_generation) it read before looking, and the caller whose
 * home it saw (0: none).  While no metastore write has committed since (a delete of the
 * home, a new database), looking again would find the same, so it is skipped.
 * Only filled and used outside a transaction (an uncommitted row could roll back).
 */
static _Thread_local const meta_db *defaults_db;
static _Thread_local uint64_t defaults_gen;
static _Thread_local int64_t defaults_home_user;

static bk_status ensure_defaults(svc_ctx *ctx, const char *path, bk_error *err) {
    bool in_home = in_callers_home(ctx, path);
    bool cacheable = !meta_in_transaction(ctx->conn);
    uint64_t gen = cacheable ? meta_write_generation(ctx->env->db) : 0;
    if (cacheable && gen == defaults_gen && defaults_db == ctx->env->db &&
        (!in_home || defaults_home_user == ctx->caller->user_id))
        return BK_OK;
    meta_stmt *s = meta_prepare(ctx->conn, "SELECT seeded FROM ws_objects WHERE id = 0", err);
    if (!s) return err->code;
    int rc = meta_step(s, err);
    bool seeded = rc == META_ROW && meta_col_i64(s, 0) != 0;
    meta_done(s);
    if (rc != META_ROW && rc != META_DONE) return rc;
    if (!seeded) {
        bool owned;
        BK_TRY(svc_tx_begin(ctx, &owned, err));
        bk_status st = BK_OK;
        s = meta_prepare(ctx->conn,
                         "INSERT OR IGNORE INTO acl_entries(object_type, object_id, principal_id,"
                         " level) VALUES ('" ACL_FAMILY "', '2', ?1, 'CAN_MANAGE')",
                         err);
        if (!s) st = err->code;
        if (st == BK_OK) st = meta_bind_i64(s, 1, ctx->env->users_group_id, err);
        if (st == BK_OK)
            st = meta_run(s, err);
        else
            meta_done(s);
        if (st == BK_OK)
            st = meta_exec(ctx->conn, "UPDATE ws_objects SET seeded = 1 WHERE id = 0", err);
        BK_TRY(svc_tx_end(ctx, owned, st, err));
    }
    if (in_home) BK_TRY(ensure_home(ctx, ctx->caller->user_name, ctx->caller->user_id, err));
    if (cacheable) {
        int64_t home_user = in_home ? ctx->caller->user_id : 0;
        if (defaults_gen != gen || defaults_db != ctx->env->db) defaults_home_user = 0;
        defaults_gen = gen;
        defaults_db = ctx->env->db;
        if (home_user) defaults_home_user = home_user;
    }
    return BK_OK;
}

/* For a path under /Users/<name>/…: make sure that user's home exists (admins write there). */
static bk_status ensure_home_of_path(svc_ctx *ctx, const char *path, bk_error *err) {
    if (strncmp(path, "/Users/", 7) != 0) return BK_OK;
    const char *name = path + 7;
    const char *end = strchr(name, '/');
    size_t len = end ? (size_t)(end - name) : strlen(name);
    char *user = bk_arena_strndup(ctx->arena, name, len);
    if (!user) return bk_arena_oom(ctx->arena, err);
    int64_t uid;
    bk_error probe;
    bk_error_clear(&probe);
    if (svc_user_find(ctx, user, &uid, &probe) != BK_OK) return BK_OK;
    return ensure_home(ctx, user, uid, err);
}

/* Every user's home (for a listing of /Users), created in batches of 64. */
static bk_status ensure_all_homes(svc_ctx *ctx, bk_error *err) {
    for (;;) {
        meta_stmt *s = meta_prepare(ctx->conn,
                                    "SELECT p.id, p.user_name FROM principals p"
                                    " WHERE p.kind = 'user' AND instr(p.user_name, '/') = 0"
                                    " AND length(p.user_name) BETWEEN 1 AND 255"
                                    " AND NOT EXISTS (SELECT 1 FROM ws_objects o"
                                    "   WHERE o.path = '/Users/' || p.user_name) LIMIT 64",
                                    err);
        if (!s) return err->code;
        int64_t ids[64];
        const char *names[64];
        size_t n = 0;
        int rc;
        while ((rc = meta_step(s, err)) == META_ROW && n < BK_ARRAY_LEN(ids)) {
            ids[n] = meta_col_i64(s, 0);
            names[n] = bk_arena_strdup(ctx->arena, meta_col_text(s, 1));
            if (!names[n]) {
                meta_done(s);
                return bk_arena_oom(ctx->arena, err);
            }
            n++;
        }
        meta_done(s);
        if (rc != META_ROW && rc != META_DONE) return rc;
        for (size_t i = 0; i < n; i++) BK_TRY(ensure_home(ctx, names[i], ids[i], err));
        if (n < BK_ARRAY_LEN(ids)) return BK_OK;
    }
}

/* ---- the API ---- */

bk_status svc_ws_get_status(svc_ctx *ctx, const char *path, svc_ws_object *out, bk_error *err) {
    const char *norm;
    BK_TRY(svc_ws_path_normalize(ctx->arena, path, &norm, err));
    BK_TRY(ensure_defaults(ctx, norm, err));
    BK_TRY(load_existing(ctx, norm, out, err));
    if (is_traversable(out)) return BK_OK;
    return require(ctx, out, "CAN_READ", err);
}

bk_status svc_ws_list(svc_ctx *ctx, const char *path, int64_t modified_after,
                      svc_ws_object **out, size_t *n, bk_error *err) {
    *out = NULL;
    *n = 0;
    const char *norm;
    BK_TRY(svc_ws_path_normalize(ctx->arena, path, &norm, err));
    BK_TRY(ensure_defaults(ctx, norm, err));
    svc_ws_object dir;
    BK_TRY(load_existing(ctx, norm, &dir, err));
    int dir_rank = 0;
    BK_TRY(rank_on(ctx, &dir, &dir_rank, err));
    if (dir_rank < RANK_READ && !is_traversable(&dir))
        return require(ctx, &dir, "CAN_READ", err);
    if (dir.kind != SVC_WS_DIRECTORY) {
        *out = bk_arena_memdup(ctx->arena, &dir, sizeof dir);
        if (!*out) return bk_arena_oom(ctx->arena, err);
        *n = 1;
        return BK_OK;
    }
    if (dir.id == USERS_ID) BK_TRY(ensure_all_homes(ctx, err));
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM ws_objects WHERE parent_id = ?1 ORDER BY path",
             obj_cols);
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, dir.id, err);
    size_t cap = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        svc_ws_object o;
        if ((st = read_row(ctx, s, &o, err)) != BK_OK) {
            rc = st;
            break;
        }
        if (modified_after > 0 && o.kind == SVC_WS_NOTEBOOK && o.modified_ms <= modified_after)
            continue;
        if (dir_rank < RANK_READ) { /* a traversable folder: show only what is readable */
            int r;
            if ((st = rank_on(ctx, &o, &r, err)) != BK_OK) {
                rc = st;
                break;
            }
            if (r < RANK_READ && !is_traversable(&o)) continue;
        }
        svc_ws_object *slot = bk_arena_push(ctx->arena, out, n, &cap, sizeof *slot, 16);
        if (!slot) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        *slot = o;
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

static bk_status mkdirs_tx(svc_ctx *ctx, const char *norm, bk_error *err) {
    svc_ws_object cur;
    BK_TRY(load_existing(ctx, "/", &cur, err));
    bool checked = false;
    for (const char *p = norm + 1; *p;) {
        const char *slash = strchr(p, '/');
        size_t upto = slash ? (size_t)(slash - norm) : strlen(norm);
        const char *prefix = bk_arena_strndup(ctx->arena, norm, upto);
        if (!prefix) return bk_arena_oom(ctx->arena, err);
        svc_ws_object o;
        bool found;
        BK_TRY(load(ctx, prefix, 0, &o, &found, err));
        if (found) {
            if (o.kind != SVC_WS_DIRECTORY)
                return bk_error_set(err, BK_WS_ALREADY_EXISTS,
                                    "%s already exists and it is not a folder", prefix);
            cur = o;
        } else {
            if (!checked) BK_TRY(require(ctx, &cur, "CAN_EDIT", err));
            checked = true;
            int64_t id;
            int64_t owner = ctx->caller ? ctx->caller->user_id : 0;
            BK_TRY(insert(ctx, prefix, cur.id, SVC_WS_DIRECTORY, SVC_NB_NONE, owner, NULL, 0, &id,
                          err));
            BK_TRY(load_existing(ctx, prefix, &cur, err));
        }
        p = slash ? slash + 1 : p + strlen(p);
    }
    /* Nothing created: the directory existed; say so only to who may see it. */
    if (!checked && !is_traversable(&cur)) BK_TRY(require(ctx, &cur, "CAN_READ", err));
    return BK_OK;
}

bk_status svc_ws_mkdirs(svc_ctx *ctx, const char *path, bk_error *err) {
    const char *norm;
    BK_TRY(svc_ws_path_normalize(ctx->arena, path, &norm, err));
    BK_TRY(ensure_defaults(ctx, norm, err));
    BK_TRY(ensure_home_of_path(ctx, norm, err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    bk_status st = mkdirs_tx(ctx, norm, err);
    return svc_tx_end(ctx, owned, st, err);
}

/* What an import makes: the final path, kind, language and stored bytes. */
typedef struct import_plan {
    const char *path;
    svc_ws_kind kind;
    svc_nb_lang lang;
    const char *content;
    size_t len;
} import_plan;

static bk_status store_notebook(svc_ctx *ctx, const svc_nb *nb, import_plan *plan,
                                bk_error *err) {
    char *text;
    size_t len;
    BK_TRY(svc_nb_render_source(ctx->arena, nb, &text, &len, err));
    plan->kind = SVC_WS_NOTEBOOK;
    plan->lang = nb->lang;
    plan->content = text;
    plan->len = len;
    return BK_OK;
}

/* Which notebook language a SOURCE text's header names ("#" is Python unless hinted R). */
static svc_nb_lang header_lang(const char *text, size_t len, svc_nb_lang hint) {
    if (hint && svc_nb_has_header(text, len, hint)) return hint;
    static const svc_nb_lang order[] = {SVC_NB_PYTHON, SVC_NB_SQL, SVC_NB_SCALA};
    for (size_t i = 0; i < BK_ARRAY_LEN(order); i++)
        if (svc_nb_has_header(text, len, order[i])) return order[i];
    return SVC_NB_NONE;
}

static bk_status plan_import(svc_ctx *ctx, const svc_ws_import_req *req, const char *norm,
                             import_plan *plan, bk_error *err) {
    memset(plan, 0, sizeof *plan);
    plan->path = norm;
    svc_ws_format fmt = req->format ? req->format : SVC_WS_FMT_SOURCE;
    switch (fmt) {
    case SVC_WS_FMT_DEFAULT:
    case SVC_WS_FMT_SOURCE: {
        svc_nb_lang lang = req->language;
        if (!lang) lang = header_lang(req->content, req->len, SVC_NB_NONE);
        if (!lang)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "The language of %s is not given: a SOURCE import needs"
                                " language (PYTHON, SQL, SCALA or R), or use format AUTO to"
                                " import a file",
                                norm);
        char *text;
        size_t len;
        BK_TRY(svc_nb_source_from_import(ctx->arena, lang, req->content, req->len, &text, &len,
                                         err));
        plan->kind = SVC_WS_NOTEBOOK;
        plan->lang = lang;
        plan->content = text;
        plan->len = len;
        return BK_OK;
    }
    case SVC_WS_FMT_AUTO: {
        size_t ext_len = 0, nlen = strlen(norm);
        svc_nb_lang lang = svc_nb_lang_of_path(norm, &ext_len);
        if (lang && svc_nb_has_header(req->content, req->len, lang)) {
            plan->path = bk_arena_strndup(ctx->arena, norm, nlen - ext_len);
            plan->kind = SVC_WS_NOTEBOOK;
            plan->lang = lang;
            plan->content = req->content;
            plan->len = req->len;
            return plan->path ? BK_OK : bk_arena_oom(ctx->arena, err);
        }
        if (nlen > 6 && strcmp(norm + nlen - 6, ".ipynb") == 0 && basename_of(norm)[0] != '.') {
            svc_nb nb;
            BK_TRY(svc_nb_parse_jupyter(ctx->arena, req->content, req->len, req->language, &nb,
                                        err));
            plan->path = bk_arena_strndup(ctx->arena, norm, nlen - 6);
            if (!plan->path) return bk_arena_oom(ctx->arena, err);
            return store_notebook(ctx, &nb, plan, err);
        }
        plan->kind = SVC_WS_FILE;
        plan->content = req->content;
        plan->len = req->len;
        return BK_OK;
    }
    case SVC_WS_FMT_RAW:
        plan->kind = SVC_WS_FILE;
        plan->content = req->content;
        plan->len = req->len;
        return BK_OK;
    case SVC_WS_FMT_JUPYTER: {
        svc_nb nb;
        BK_TRY(svc_nb_parse_jupyter(ctx->arena, req->content, req->len, req->language, &nb, err));
        return store_notebook(ctx, &nb, plan, err);
    }
    case SVC_WS_FMT_HTML: {
        svc_nb nb;
        BK_TRY(svc_nb_parse_html(ctx->arena, req->content, req->len, &nb, err));
        return store_notebook(ctx, &nb, plan, err);
    }
    case SVC_WS_FMT_DBC:
    case SVC_WS_FMT_R_MARKDOWN:
        break;
    }
    return bk_error_set(err, BK_UNSUPPORTED, "Bricks does not support importing the %s format yet",
                        svc_ws_format_name(fmt));
}

static bk_status import_tx(svc_ctx *ctx, const svc_ws_import_req *req, const import_plan *plan,
                           svc_ws_object *out, bk_error *err) {
    if (strcmp(plan->path, "/") == 0)
        return bk_error_set(err, BK_WS_ALREADY_EXISTS, "Path (/) already exists.");
    const char *parent_path = dirname_of(ctx->arena, plan->path);
    if (!parent_path) return bk_arena_oom(ctx->arena, err);
    svc_ws_object parent, existing;
    bool found;
    BK_TRY(load(ctx, parent_path, 0, &parent, &found, err));
    if (!found || parent.kind != SVC_WS_DIRECTORY)
        return bk_error_set(err, BK_NOT_FOUND, "The parent folder (%s) does not exist.",
                            parent_path);
    BK_TRY(load(ctx, plan->path, 0, &existing, &found, err));
    if (found) {
        if (existing.kind == SVC_WS_DIRECTORY || !req->overwrite) {
            /* Do not reveal what the caller may not see. */
            BK_TRY(require(ctx, &parent, "CAN_READ", err));
            return bk_error_set(err, BK_WS_ALREADY_EXISTS, "Path (%s) already exists.", plan->path);
        }
        BK_TRY(require(ctx, &existing, "CAN_EDIT", err));
        meta_stmt *s = meta_prepare(ctx->conn,
                                    "UPDATE ws_objects SET kind = ?2, language = ?3, size = ?4,"
                                    " content = ?5, modified_ms = ?6, modified_by = ?7"
                                    " WHERE id = ?1",
                                    err);
        if (!s) return err->code;
        bk_status st = meta_bind_i64(s, 1, existing.id, err);
        if (st == BK_OK) st = meta_bind_text(s, 2, svc_ws_kind_name(plan->kind), err);
        if (st == BK_OK) st = meta_bind_text(s, 3, svc_nb_lang_name(plan->lang), err);
        if (st == BK_OK) st = meta_bind_i64(s, 4, (int64_t)plan->len, err);
        if (st == BK_OK)
            st = meta_bind_blob(s, 5, plan->content ? plan->content : "", plan->len, err);
        if (st == BK_OK) st = meta_bind_i64(s, 6, svc_now_ms(), err);
        if (st == BK_OK) st = meta_bind_text(s, 7, svc_actor(ctx), err);
        if (st != BK_OK) {
            meta_done(s);
            return st;
        }
        BK_TRY(meta_run(s, err));
    } else {
        BK_TRY(require(ctx, &parent, "CAN_EDIT", err));
        int64_t owner = ctx->caller ? ctx->caller->user_id : 0;
        BK_TRY(insert(ctx, plan->path, parent.id, plan->kind, plan->lang, owner,
                      plan->content ? plan->content : "", plan->len, NULL, err));
    }
    if (out) BK_TRY(load_existing(ctx, plan->path, out, err));
    return BK_OK;
}

/*
 * A directory from a ZIP archive (SOURCE without a language): `norm` must not
 * exist and its parent must.  When every entry shares one top folder (as a
 * directory export makes them), that folder is `norm`.  Entries with a notebook
 * extension become notebooks (the extension dropped), the others files; every
 * resulting path is validated like any other, so "../" entries are refused.
 */
static bk_status import_dir_tx(svc_ctx *ctx, const char *norm, const svc_zip_entry *e, size_t n,
                               bk_error *err) {
    const char *parent_path = dirname_of(ctx->arena, norm);
    if (!parent_path) return bk_arena_oom(ctx->arena, err);
    svc_ws_object parent, existing;
    bool found;
    BK_TRY(load(ctx, parent_path, 0, &parent, &found, err));
    if (!found || parent.kind != SVC_WS_DIRECTORY)
        return bk_error_set(err, BK_NOT_FOUND, "The parent folder (%s) does not exist.",
                            parent_path);
    BK_TRY(load(ctx, norm, 0, &existing, &found, err));
    if (found) {
        BK_TRY(require(ctx, &parent, "CAN_READ", err));
        return bk_error_set(err, BK_WS_ALREADY_EXISTS, "Path (%s) already exists.", norm);
    }
    BK_TRY(require(ctx, &parent, "CAN_EDIT", err));
    /* A common top folder? */
    size_t top_len = 0;
    if (n > 0) {
        const char *slash = strchr(e[0].name, '/');
        top_len = slash ? (size_t)(slash - e[0].name) + 1 : 0;
        for (size_t i = 1; i < n && top_len; i++)
            if (strncmp(e[i].name, e[0].name, top_len) != 0) top_len = 0;
    }
    BK_TRY(mkdirs_tx(ctx, norm, err));
    int64_t owner = ctx->caller ? ctx->caller->user_id : 0;
    for (size_t i = 0; i < n; i++) {
        const char *rel = e[i].name + top_len;
        size_t rl = strlen(rel);
        if (rl == 0) continue;
        const char *raw = bk_arena_printf(ctx->arena, "%s/%s", norm, rel);
        const char *path;
        if (!raw) return bk_arena_oom(ctx->arena, err);
        BK_TRY(svc_ws_path_normalize(ctx->arena, raw, &path, err));
        if (rel[rl - 1] == '/') {
            BK_TRY(mkdirs_tx(ctx, path, err));
            continue;
        }
        size_t ext_len = 0;
        svc_nb_lang lang = svc_nb_lang_of_path(path, &ext_len);
        svc_ws_kind kind = lang ? SVC_WS_NOTEBOOK : SVC_WS_FILE;
        const char *content = e[i].data;
        size_t len = e[i].len;
        if (lang) {
            path = bk_arena_strndup(ctx->arena, path, strlen(path) - ext_len);
            char *text;
            if (!path) return bk_arena_oom(ctx->arena, err);
            BK_TRY(svc_nb_source_from_import(ctx->arena, lang, content, len, &text, &len, err));
            content = text;
        }
        const char *dir = dirname_of(ctx->arena, path);
        if (!dir) return bk_arena_oom(ctx->arena, err);
        BK_TRY(mkdirs_tx(ctx, dir, err));
        svc_ws_object d;
        BK_TRY(load_existing(ctx, dir, &d, err));
        BK_TRY(load(ctx, path, 0, &existing, &found, err));
        if (found)
            return bk_error_set(err, BK_WS_ALREADY_EXISTS,
                                "The archive holds %s twice (as a notebook and a file?)", path);
        BK_TRY(insert(ctx, path, d.id, kind, lang, owner, content, len, NULL, err));
    }
    return BK_OK;
}

bk_status svc_ws_import(svc_ctx *ctx, const svc_ws_import_req *req, svc_ws_object *out,
                        bk_error *err) {
    const char *norm;
    BK_TRY(svc_ws_path_normalize(ctx->arena, req->path, &norm, err));
    if (req->len > SVC_WS_MAX_CONTENT)
        return bk_error_set(err, BK_WS_MAX_NOTEBOOK_SIZE,
                            "The content of %s is %zu bytes: the limit is %zu bytes (10 MB).",
                            norm, req->len, SVC_WS_MAX_CONTENT);
    svc_ws_format fmt = req->format ? req->format : SVC_WS_FMT_SOURCE;
    if (fmt == SVC_WS_FMT_SOURCE && !req->language &&
        svc_zip_is_archive(req->content, req->len)) {
        svc_zip_entry *entries;
        size_t n;
        BK_TRY(svc_unzip(ctx->arena, req->content, req->len, SVC_WS_MAX_CONTENT, &entries, &n,
                         err));
        BK_TRY(ensure_defaults(ctx, norm, err));
        BK_TRY(ensure_home_of_path(ctx, norm, err));
        bool owned;
        BK_TRY(svc_tx_begin(ctx, &owned, err));
        bk_status st = import_dir_tx(ctx, norm, entries, n, err);
        BK_TRY(svc_tx_end(ctx, owned, st, err));
        return out ? load_existing(ctx, norm, out, err) : BK_OK;
    }
    import_plan plan;
    BK_TRY(plan_import(ctx, req, norm, &plan, err));
    if (plan.len > SVC_WS_MAX_CONTENT)
        return bk_error_set(err, BK_WS_MAX_NOTEBOOK_SIZE,
                            "The notebook %s would be %zu bytes: the limit is %zu bytes (10 MB).",
                            plan.path, plan.len, SVC_WS_MAX_CONTENT);
    BK_TRY(ensure_defaults(ctx, plan.path, err));
    BK_TRY(ensure_home_of_path(ctx, plan.path, err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    bk_status st = import_tx(ctx, req, &plan, out, err);
    return svc_tx_end(ctx, owned, st, err);
}

/* The stored content of object `id`, in the arena. */
static bk_status load_content(svc_ctx *ctx, int64_t id, const char **data, size_t *len,
                              bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, "SELECT content FROM ws_objects WHERE id = ?1", err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) {
        size_t n = 0;
        const void *blob = meta_col_blob(s, 0, &n);
        char *copy = bk_arena_alloc(ctx->arena, n + 1);
        if (copy) {
            if (n) memcpy(copy, blob, n);
            copy[n] = '\0';
            *data = copy;
            *len = n;
        } else {
            rc = bk_arena_oom(ctx->arena, err);
        }
    }
    meta_done(s);
    if (rc == META_ROW) return BK_OK;
    if (rc == META_DONE) return bk_error_set(err, BK_NOT_FOUND, "workspace object %lld is gone",
                                             (long long)id);
    return rc;
}

/*
 * A directory as a ZIP archive: every notebook under it as "<dir>/<rel>.<ext>" with
 * its SOURCE text, and with `files` every file as "<dir>/<rel>" (AUTO).  The
 * caller's CAN_READ on the directory covers the subtree (levels only grow down).
 */
static bk_status export_dir(svc_ctx *ctx, const svc_ws_object *dir, bool files,
                            const char **data, size_t *len, bk_error *err) {
    bool root = strcmp(dir->path, "/") == 0;
    const char *lo = root ? "/" : bk_arena_printf(ctx->arena, "%s/", dir->path);
    const char *hi = root ? "0" : bk_arena_printf(ctx->arena, "%s0", dir->path);
    const char *top = root ? "root" : basename_of(dir->path);
    if (!lo || !hi) return bk_arena_oom(ctx->arena, err);
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT id, path, kind, language, size FROM ws_objects"
                                " WHERE path >= ?1 AND path < ?2 AND kind <> 'DIRECTORY'"
                                " ORDER BY path",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, lo, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, hi, err);
    svc_zip z;
    svc_zip_init(&z);
    size_t total = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        svc_ws_kind kind = kind_parse(meta_col_text(s, 2));
        if (kind == SVC_WS_FILE && !files) continue;
        int64_t id = meta_col_i64(s, 0);
        const char *rel = meta_col_text(s, 1) + strlen(lo);
        svc_nb_lang lang = SVC_NB_NONE;
        if (kind == SVC_WS_NOTEBOOK) svc_nb_lang_parse(meta_col_text(s, 3), &lang);
        total += (size_t)meta_col_i64(s, 4);
        if (total > SVC_WS_MAX_CONTENT) {
            rc = bk_error_set(err, BK_WS_MAX_NOTEBOOK_SIZE,
                              "The export of %s would exceed %zu bytes (10 MB): export its"
                              " subdirectories one by one",
                              dir->path, SVC_WS_MAX_CONTENT);
            break;
        }
        const char *name = kind == SVC_WS_NOTEBOOK
                               ? bk_arena_printf(ctx->arena, "%s/%s.%s", top, rel,
                                                 svc_nb_lang_ext(lang ? lang : SVC_NB_PYTHON))
                               : bk_arena_printf(ctx->arena, "%s/%s", top, rel);
        const char *content = NULL;
        size_t content_len = 0;
        if (!name) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        /* load_content runs another statement: distinct SQL, so `s` stays valid. */
        if ((st = load_content(ctx, id, &content, &content_len, err)) != BK_OK) {
            rc = st;
            break;
        }
        svc_zip_add(&z, name, content, content_len);
    }
    meta_done(s);
    if (rc != META_DONE) {
        svc_zip_destroy(&z);
        return rc;
    }
    char *zip;
    st = svc_zip_finish(&z, ctx->arena, &zip, len, err);
    svc_zip_destroy(&z);
    if (st == BK_OK) *data = zip;
    return st;
}

bk_status svc_ws_export(svc_ctx *ctx, const char *path, svc_ws_format format,
                        const char **data, size_t *len, const char **file_type, bk_error *err) {
    *file_type = NULL;
    const char *norm;
    BK_TRY(svc_ws_path_normalize(ctx->arena, path, &norm, err));
    BK_TRY(ensure_defaults(ctx, norm, err));
    svc_ws_object o;
    BK_TRY(load_existing(ctx, norm, &o, err));
    BK_TRY(require(ctx, &o, "CAN_READ", err));
    svc_ws_format fmt = format ? format : SVC_WS_FMT_SOURCE;
    if (fmt == SVC_WS_FMT_DBC || fmt == SVC_WS_FMT_R_MARKDOWN)
        return bk_error_set(err, BK_UNSUPPORTED,
                            "Bricks does not support exporting the %s format yet",
                            svc_ws_format_name(fmt));
    if (o.kind == SVC_WS_DIRECTORY) {
        if (fmt != SVC_WS_FMT_SOURCE && fmt != SVC_WS_FMT_AUTO)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "%s is a directory: export it with format SOURCE or AUTO",
                                norm);
        *file_type = "zip";
        return export_dir(ctx, &o, fmt == SVC_WS_FMT_AUTO, data, len, err);
    }
    const char *raw = NULL;
    size_t raw_len = 0;
    BK_TRY(load_content(ctx, o.id, &raw, &raw_len, err));
    if (o.kind == SVC_WS_FILE) {
        if (fmt == SVC_WS_FMT_JUPYTER || fmt == SVC_WS_FMT_HTML)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "%s is a file, not a notebook: export it with format SOURCE, AUTO"
                                " or RAW",
                                norm);
        const char *base = basename_of(norm), *dot = strrchr(base, '.');
        if (dot && dot != base && dot[1]) *file_type = dot + 1;
        *data = raw;
        *len = raw_len;
        return BK_OK;
    }
    if (fmt == SVC_WS_FMT_SOURCE || fmt == SVC_WS_FMT_AUTO || fmt == SVC_WS_FMT_RAW) {
        *file_type = svc_nb_lang_ext(o.language);
        *data = raw;
        *len = raw_len;
        return BK_OK;
    }
    svc_nb nb;
    BK_TRY(svc_nb_parse_source(ctx->arena, o.language, raw, raw_len, &nb, err));
    nb.name = basename_of(norm);
    char *text;
    size_t text_len;
    if (fmt == SVC_WS_FMT_JUPYTER) {
        BK_TRY(svc_nb_render_jupyter(ctx->arena, &nb, &text, &text_len, err));
        *file_type = "ipynb";
    } else {
        BK_TRY(svc_nb_render_html(ctx->arena, &nb, &text, &text_len, err));
        *file_type = "html";
    }
    if (text_len > SVC_WS_MAX_CONTENT)
        return bk_error_set(err, BK_WS_MAX_NOTEBOOK_SIZE,
                            "The export of %s is %zu bytes: the limit is %zu bytes (10 MB).", norm,
                            text_len, SVC_WS_MAX_CONTENT);
    *data = text;
    *len = text_len;
    return BK_OK;
}

static bk_status delete_tx(svc_ctx *ctx, const char *norm, bool recursive, bk_error *err) {
    svc_ws_object o;
    BK_TRY(load_existing(ctx, norm, &o, err));
    if (o.id == ROOT_ID || o.id == USERS_ID || o.id == SHARED_ID)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Path (%s) is a system folder and cannot be"
                                                      " deleted.",
                            norm);
    BK_TRY(require(ctx, &o, "CAN_EDIT", err));
    if (o.parent_id == USERS_ID && ctx->caller && !ctx->caller->is_admin)
        return bk_error_set(err, BK_PERMISSION_DENIED,
                            "User %s cannot delete the home folder %s: only workspace admins can",
                            ctx->caller->user_name, norm);
    const char *lo = bk_arena_printf(ctx->arena, "%s/", norm);
    const char *hi = bk_arena_printf(ctx->arena, "%s0", norm);
    if (!lo || !hi) return bk_arena_oom(ctx->arena, err);
    if (o.kind == SVC_WS_DIRECTORY && !recursive) {
        meta_stmt *s =
            meta_prepare(ctx->conn, "SELECT 1 FROM ws_objects WHERE parent_id = ?1 LIMIT 1", err);
        if (!s) return err->code;
        bk_status st = meta_bind_i64(s, 1, o.id, err);
        int rc = st == BK_OK ? meta_step(s, err) : st;
        meta_done(s);
        if (rc == META_ROW)
            return bk_error_set(err, BK_WS_DIRECTORY_NOT_EMPTY,
                                "Folder (%s) is not empty: delete it with recursive = true.",
                                norm);
        if (rc != META_DONE) return rc;
    }
    static const char *const sqls[] = {
        "DELETE FROM acl_entries WHERE object_type = '" ACL_FAMILY "' AND object_id IN"
        " (SELECT CAST(id AS TEXT) FROM ws_objects WHERE id = ?1 OR (path >= ?2 AND path < ?3))",
        "DELETE FROM ws_objects WHERE id = ?1 OR (path >= ?2 AND path < ?3)",
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(sqls); i++) {
        meta_stmt *s = meta_prepare(ctx->conn, sqls[i], err);
        if (!s) return err->code;
        bk_status st = meta_bind_i64(s, 1, o.id, err);
        if (st == BK_OK) st = meta_bind_text(s, 2, lo, err);
        if (st == BK_OK) st = meta_bind_text(s, 3, hi, err);
        if (st != BK_OK) {
            meta_done(s);
            return st;
        }
        BK_TRY(meta_run(s, err));
    }
    return BK_OK;
}

bk_status svc_ws_delete(svc_ctx *ctx, const char *path, bool recursive, bk_error *err) {
    const char *norm;
    BK_TRY(svc_ws_path_normalize(ctx->arena, path, &norm, err));
    BK_TRY(ensure_defaults(ctx, norm, err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    bk_status st = delete_tx(ctx, norm, recursive, err);
    return svc_tx_end(ctx, owned, st, err);
}
