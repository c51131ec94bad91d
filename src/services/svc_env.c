/*
 * svc_env.c — opening a workspace's data directory: the directory itself, the
 * secret key, the metastore, and the first-start bootstrap (built-in groups, the
 * admin user and its first token).  Also the per-call context.
 *
 * Ordering: secret.key is written (fsynced, then its directory) before the
 * metastore exists, so a crash between the two leaves a key and no database, and
 * the next start simply carries on; never a database without its key.
 */
#include "services/svc.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/mem.h"
#include "services/svc_identity.h"
#include "services/svc_tokens.h"

int64_t svc_now_ms(void) { return bk_now_micros() / 1000; }

/* mkdir -p for the data directory (mode 0700 for what it creates). */
static bk_status make_dir(const char *dir, bk_error *err) {
    char path[4096];
    int n = snprintf(path, sizeof path, "%s", dir);
    if (n <= 0 || (size_t)n >= sizeof path)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "data directory \"%s\": path too long", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return bk_error_set(err, BK_IO, "could not create directory \"%s\": %s", path,
                                strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return bk_error_set(err, BK_IO, "could not create directory \"%s\": %s", path,
                            strerror(errno));
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return bk_error_set(err, BK_IO, "data directory \"%s\" is not a directory", path);
    return BK_OK;
}

static bk_status fsync_dir(const char *dir, bk_error *err) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        return bk_error_set(err, BK_IO, "could not sync directory \"%s\": %s", dir, strerror(e));
    }
    close(fd);
    return BK_OK;
}

/* Read DIR/secret.key, or create it (0600, random bytes) when it does not exist. */
static bk_status load_key(const char *dir, uint8_t key[SVC_KEY_BYTES], bk_error *err) {
    char path[4200];
    snprintf(path, sizeof path, "%s/secret.key", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t got = read(fd, key, SVC_KEY_BYTES);
        uint8_t extra;
        ssize_t more = got == SVC_KEY_BYTES ? read(fd, &extra, 1) : 0;
        close(fd);
        if (got != SVC_KEY_BYTES || more != 0)
            return bk_error_set(err, BK_CORRUPT,
                                "key file \"%s\": expected exactly %d bytes", path,
                                SVC_KEY_BYTES);
        return BK_OK;
    }
    if (errno != ENOENT)
        return bk_error_set(err, BK_IO, "could not open key file \"%s\": %s", path,
                            strerror(errno));
    randombytes_buf(key, SVC_KEY_BYTES);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return bk_error_set(err, BK_IO, "could not create key file \"%s\": %s", path,
                            strerror(errno));
    ssize_t put = write(fd, key, SVC_KEY_BYTES);
    int e = errno;
    bool ok = put == SVC_KEY_BYTES && fsync(fd) == 0;
    if (!ok && put == SVC_KEY_BYTES) e = errno;
    close(fd);
    if (!ok) {
        unlink(path);
        return bk_error_set(err, BK_IO, "could not write key file \"%s\": %s", path,
                            strerror(e));
    }
    return fsync_dir(dir, err);
}

/* Id of the built-in group `name`, creating it when missing. */
static bk_status builtin_group(svc_ctx *ctx, const char *name, int64_t *id, bk_error *err) {
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT id FROM principals WHERE kind = 'group' AND display_name = ?1", err);
    if (!s) return err->code;
    BK_TRY(meta_bind_text(s, 1, name, err));
    int rc = meta_step(s, err);
    if (rc == META_ROW) *id = meta_col_i64(s, 0);
    meta_done(s);
    if (rc == META_ROW) return BK_OK;
    if (rc != META_DONE) return rc;
    /* As in Databricks, every user may use the workspace and Databricks SQL by default. */
    bool everyone = strcmp(name, SVC_USERS_GROUP) == 0;
    svc_group g = {.display_name = name,
                   .entitlements = everyone ? "[{\"value\":\"workspace-access\"},"
                                              "{\"value\":\"databricks-sql-access\"}]"
                                            : NULL};
    svc_group *made = NULL;
    BK_TRY(svc_group_create(ctx, &g, &made, err));
    *id = made->id;
    return BK_OK;
}

/* First start: groups, admin user, first token (all in one transaction). */
static bk_status bootstrap(svc_env *env, char *first_token, bk_error *err) {
    bk_arena *arena = bk_arena_new(NULL, "bootstrap", 0);
    if (!arena) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    svc_ctx ctx;
    bk_status st = svc_ctx_begin(&ctx, env, arena, NULL, err);
    if (st != BK_OK) {
        bk_arena_free(arena);
        return st;
    }
    st = meta_begin(ctx.conn, err);
    bool fresh = false;
    if (st == BK_OK) st = builtin_group(&ctx, SVC_USERS_GROUP, &env->users_group_id, err);
    if (st == BK_OK) st = builtin_group(&ctx, SVC_ADMINS_GROUP, &env->admins_group_id, err);
    if (st == BK_OK) {
        /* A first start is one with no user at all. */
        meta_stmt *s = meta_prepare(ctx.conn, "SELECT 1 FROM principals WHERE kind = 'user'", err);
        int rc = s ? meta_step(s, err) : (int)err->code;
        meta_done(s);
        if (rc == META_DONE)
            fresh = true;
        else if (rc != META_ROW)
            st = rc;
    }
    if (st == BK_OK && fresh) {
        svc_ref admins = {.id = env->admins_group_id, .is_group = true};
        svc_user u = {.user_name = SVC_ADMIN_USER,
                      .display_name = "Bricks admin",
                      .active = true,
                      .groups = &admins,
                      .n_groups = 1};
        svc_user *made = NULL;
        st = svc_user_create(&ctx, &u, &made, err);
        svc_token_info info;
        if (st == BK_OK)
            st = svc_token_create(&ctx, made->id, "created by bricks serve on first start", 0,
                                  first_token, &info, err);
    }
    if (st == BK_OK)
        st = meta_commit(ctx.conn, err);
    else
        meta_rollback(ctx.conn);
    if (st != BK_OK) first_token[0] = '\0';
    svc_ctx_end(&ctx);
    bk_arena_free(arena);
    return st;
}

bk_status svc_env_open(const char *dir, svc_env **out, char *first_token, bk_error *err) {
    *out = NULL;
    first_token[0] = '\0';
    if (sodium_init() < 0) return bk_error_set(err, BK_INTERNAL, "could not initialise libsodium");
    svc_env *env = bk_calloc(1, sizeof *env);
    if (!env) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    env->data_dir = bk_strdup(dir);
    bk_status st = env->data_dir ? BK_OK : bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    if (st == BK_OK) st = make_dir(dir, err);
    if (st == BK_OK) st = load_key(dir, env->secret_key, err);
    char path[4200];
    snprintf(path, sizeof path, "%s/metastore.db", dir);
    if (st == BK_OK) {
        /* A 15-digit id that stays the same as long as the key file does. */
        uint8_t h[8];
        crypto_generichash(h, sizeof h, env->secret_key, sizeof env->secret_key,
                           (const unsigned char *)"workspace-id", 12);
        uint64_t v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | h[i];
        env->workspace_id = (int64_t)(INT64_C(100000000000000) + v % INT64_C(900000000000000));
        st = meta_open(path, &env->db, err);
    }
    if (st == BK_OK) st = bootstrap(env, first_token, err);
    if (st != BK_OK) {
        svc_env_close(env);
        return st;
    }
    *out = env;
    return BK_OK;
}

void svc_env_close(svc_env *env) {
    if (!env) return;
    meta_close(env->db);
    sodium_memzero(env->secret_key, sizeof env->secret_key);
    bk_free(env->data_dir);
    bk_free(env);
}

bk_status svc_ctx_begin(svc_ctx *ctx, svc_env *env, bk_arena *arena,
                        const svc_principal *caller, bk_error *err) {
    ctx->env = env;
    ctx->arena = arena;
    ctx->caller = caller;
    ctx->conn = meta_conn_get(env->db, err);
    return ctx->conn ? BK_OK : err->code;
}

void svc_ctx_end(svc_ctx *ctx) {
    if (ctx->conn) meta_conn_put(ctx->env->db, ctx->conn);
    ctx->conn = NULL;
}

bk_status svc_require_admin(const svc_ctx *ctx, const char *what, bk_error *err) {
    if (!ctx->caller || ctx->caller->is_admin) return BK_OK;
    return bk_error_set(err, BK_PERMISSION_DENIED,
                        "user \"%s\" is not an admin: only workspace admins can %s",
                        ctx->caller->user_name, what);
}

bk_status svc_tx_begin(svc_ctx *ctx, bool *owned, bk_error *err) {
    *owned = false;
    if (meta_in_transaction(ctx->conn)) return BK_OK;
    BK_TRY(meta_begin(ctx->conn, err));
    *owned = true;
    return BK_OK;
}

bk_status svc_tx_end(svc_ctx *ctx, bool owned, bk_status st, bk_error *err) {
    if (!owned) return st;
    if (st != BK_OK) {
        meta_rollback(ctx->conn);
        return st;
    }
    return meta_commit(ctx->conn, err);
}

const char *svc_actor(const svc_ctx *ctx) {
    return ctx->caller ? ctx->caller->user_name : "system";
}
