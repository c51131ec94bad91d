/*
 * svc_tokens.c — personal access tokens (see svc_tokens.h).
 *
 * The stored hash is BLAKE2b with a 32-byte output (libsodium crypto_generichash),
 * unkeyed: tokens carry 256 random bits, so a fast hash is as safe as a slow one
 * and keeps authentication a single indexed lookup per request.
 *
 * Tokens that authenticated recently are remembered (the auth cache below), so a
 * steady client costs a hash and a mutex instead of an SQLite read per request.
 */
#include "services/svc_tokens.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/thread.h"
#include "services/svc_identity.h"

#define TOKEN_PREFIX "dapi"
#define TOKEN_RANDOM_BYTES 32

static void hash_token(const char *text, size_t len, uint8_t out[32]) {
    crypto_generichash(out, 32, (const unsigned char *)text, len, NULL, 0);
}

static const char cols[] = "t.token_id, t.owner_id, p.user_name, t.comment, t.created_ms,"
                           " t.expiry_ms, t.created_by_id, t.created_by";

static void read_info(svc_ctx *ctx, meta_stmt *s, svc_token_info *out) {
    memset(out, 0, sizeof *out);
    const char *id = meta_col_text(s, 0);
    snprintf(out->token_id, sizeof out->token_id, "%s", id ? id : "");
    out->owner_id = meta_col_i64(s, 1);
    out->owner_name = meta_col_text(s, 2) ? bk_arena_strdup(ctx->arena, meta_col_text(s, 2)) : NULL;
    out->comment = meta_col_text(s, 3) ? bk_arena_strdup(ctx->arena, meta_col_text(s, 3)) : NULL;
    out->created_ms = meta_col_i64(s, 4);
    out->expiry_ms = meta_col_i64(s, 5);
    out->created_by_id = meta_col_i64(s, 6);
    out->created_by = meta_col_text(s, 7) ? bk_arena_strdup(ctx->arena, meta_col_text(s, 7)) : NULL;
}

bk_status svc_token_create(svc_ctx *ctx, int64_t owner_id, const char *comment,
                           int64_t lifetime_s, char *text, svc_token_info *info, bk_error *err) {
    text[0] = '\0';
    const svc_principal *caller = ctx->caller;
    if (caller && caller->user_id != owner_id && !caller->is_admin)
        return bk_error_set(err, BK_PERMISSION_DENIED,
                            "user \"%s\" cannot create tokens for another user: only workspace"
                            " admins can",
                            caller->user_name);
    if (lifetime_s > SVC_TOKEN_MAX_LIFETIME_S)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "lifetime_seconds %lld is too long: at most %lld seconds",
                            (long long)lifetime_s, (long long)SVC_TOKEN_MAX_LIFETIME_S);
    svc_user *owner = NULL;
    BK_TRY(svc_user_get(ctx, owner_id, &owner, err));

    uint8_t raw[TOKEN_RANDOM_BYTES], id_raw[SVC_TOKEN_ID_LEN / 2], hash[32];
    randombytes_buf(raw, sizeof raw);
    randombytes_buf(id_raw, sizeof id_raw);
    memcpy(text, TOKEN_PREFIX, sizeof TOKEN_PREFIX - 1);
    sodium_bin2hex(text + sizeof TOKEN_PREFIX - 1, TOKEN_RANDOM_BYTES * 2 + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    hash_token(text, strlen(text), hash);

    memset(info, 0, sizeof *info);
    sodium_bin2hex(info->token_id, sizeof info->token_id, id_raw, sizeof id_raw);
    info->owner_id = owner_id;
    info->owner_name = owner->user_name;
    info->comment = comment ? bk_arena_strdup(ctx->arena, comment) : NULL;
    info->created_ms = svc_now_ms();
    info->expiry_ms = lifetime_s > 0 ? info->created_ms + lifetime_s * 1000 : -1;
    info->created_by_id = caller ? caller->user_id : owner_id;
    info->created_by = caller ? caller->user_name : owner->user_name;

    meta_stmt *s = meta_prepare(ctx->conn,
                                "INSERT INTO tokens(token_id, hash, owner_id, comment, created_ms,"
                                " expiry_ms, created_by_id, created_by)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, info->token_id, err);
    if (st == BK_OK) st = meta_bind_blob(s, 2, hash, sizeof hash, err);
    if (st == BK_OK) st = meta_bind_i64(s, 3, owner_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 4, comment, err);
    if (st == BK_OK) st = meta_bind_i64(s, 5, info->created_ms, err);
    if (st == BK_OK) st = meta_bind_i64(s, 6, info->expiry_ms, err);
    if (st == BK_OK) st = meta_bind_i64(s, 7, info->created_by_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 8, info->created_by, err);
    if (st != BK_OK) {
        meta_done(s);
        text[0] = '\0';
        return st;
    }
    st = meta_run(s, err);
    if (st != BK_OK) text[0] = '\0';
    return st;
}

/*
 * The auth cache: token hash -> the principal it resolved to, in 64 slots picked by
 * the hash's first byte (tokens are random, so the slots fill evenly; a collision
 * just replaces the older entry).  An entry holds the metastore's write generation
 * read before the SELECT that filled it, and is used only while that generation is
 * current: any committed write (a token deleted, a user deactivated or deleted, a
 * change to the admins group) retires every entry, so a revoked token fails on the
 * very next request.  Expiry is checked on every hit.  Entries name their env, and
 * meta_open / meta_close change the generation, so a later env at the same address
 * cannot match.  Not used inside a transaction, whose snapshot may be older than
 * the generation.  One mutex, held for a memcmp and two short copies.
 */
#define AUTH_SLOTS 64
#define AUTH_NAME_MAX 256

typedef struct auth_entry {
    uint64_t gen; /* meta_write_generation when filled; 0: empty */
    const svc_env *env;
    uint8_t hash[32];
    int64_t expiry_ms; /* -1: none */
    int64_t user_id;
    bool is_admin;
    char token_id[SVC_TOKEN_ID_LEN + 1];
    char user_name[AUTH_NAME_MAX];
} auth_entry;

static auth_entry auth_slots[AUTH_SLOTS];
static _Atomic(bk_mutex *) auth_lock_ptr; /* made on first use, kept for the process */

static bk_mutex *auth_lock(void) {
    bk_mutex *m = atomic_load(&auth_lock_ptr);
    if (m) return m;
    bk_mutex *fresh = bk_mutex_new();
    if (!fresh) return NULL;
    if (atomic_compare_exchange_strong(&auth_lock_ptr, &m, fresh)) return fresh;
    bk_mutex_free(fresh); /* another thread made it first */
    return m;
}

/* The cached principal for `hash`, copied into the arena; false on a miss. */
static bool auth_cache_get(svc_ctx *ctx, const uint8_t hash[32], svc_principal *out) {
    uint64_t gen = meta_write_generation(ctx->env->db);
    bk_mutex *lock = gen ? auth_lock() : NULL;
    if (!lock) return false;
    const auth_entry *e = &auth_slots[hash[0] % AUTH_SLOTS];
    bool hit = false;
    bk_mutex_lock(lock);
    if (e->gen == gen && e->env == ctx->env && memcmp(e->hash, hash, 32) == 0 &&
        (e->expiry_ms < 0 || e->expiry_ms > svc_now_ms())) {
        out->token_id = bk_arena_strdup(ctx->arena, e->token_id);
        out->user_name = bk_arena_strdup(ctx->arena, e->user_name);
        out->user_id = e->user_id;
        out->is_admin = e->is_admin;
        hit = out->token_id && out->user_name;
    }
    bk_mutex_unlock(lock);
    return hit;
}

/* Remember what `hash` resolved to, as of write generation `gen` (read before the query). */
static void auth_cache_put(svc_ctx *ctx, uint64_t gen, const uint8_t hash[32],
                           const svc_principal *who, int64_t expiry_ms) {
    bk_mutex *lock = gen ? auth_lock() : NULL;
    if (!lock || strlen(who->token_id) > SVC_TOKEN_ID_LEN ||
        strlen(who->user_name) >= AUTH_NAME_MAX)
        return;
    auth_entry *e = &auth_slots[hash[0] % AUTH_SLOTS];
    bk_mutex_lock(lock);
    e->gen = gen;
    e->env = ctx->env;
    memcpy(e->hash, hash, 32);
    e->expiry_ms = expiry_ms;
    e->user_id = who->user_id;
    e->is_admin = who->is_admin;
    snprintf(e->token_id, sizeof e->token_id, "%s", who->token_id);
    snprintf(e->user_name, sizeof e->user_name, "%s", who->user_name);
    bk_mutex_unlock(lock);
}

bk_status svc_token_authenticate(svc_ctx *ctx, const char *text, size_t len, svc_principal *out,
                                 bk_error *err) {
    memset(out, 0, sizeof *out);
    uint8_t hash[32];
    hash_token(text, len, hash);
    /* inside a transaction the connection may see its own uncommitted or an old snapshot */
    bool cacheable = !meta_in_transaction(ctx->conn);
    if (cacheable && auth_cache_get(ctx, hash, out)) return BK_OK;
    memset(out, 0, sizeof *out);
    uint64_t gen = cacheable ? meta_write_generation(ctx->env->db) : 0;
    meta_stmt *s = meta_prepare(
        ctx->conn,
        "SELECT t.token_id, t.owner_id, p.user_name, t.expiry_ms, p.active,"
        " EXISTS (SELECT 1 FROM group_members m WHERE m.member_id = t.owner_id"
        "         AND m.group_id = ?2)"
        " FROM tokens t JOIN principals p ON p.id = t.owner_id WHERE t.hash = ?1",
        err);
    if (!s) return err->code;
    bk_status st = meta_bind_blob(s, 1, hash, sizeof hash, err);
    if (st == BK_OK) st = meta_bind_i64(s, 2, ctx->env->admins_group_id, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    int rc = meta_step(s, err);
    int64_t expiry = -1;
    if (rc == META_ROW) {
        expiry = meta_col_i64(s, 3);
        bool active = meta_col_i64(s, 4) != 0;
        if ((expiry >= 0 && expiry <= svc_now_ms()) || !active) {
            rc = META_DONE;
        } else {
            out->token_id = bk_arena_strdup(ctx->arena, meta_col_text(s, 0));
            out->user_id = meta_col_i64(s, 1);
            out->user_name = bk_arena_strdup(ctx->arena, meta_col_text(s, 2));
            out->is_admin = meta_col_i64(s, 5) != 0;
            if (!out->token_id || !out->user_name) rc = bk_arena_oom(ctx->arena, err);
        }
    }
    meta_done(s);
    if (rc == META_ROW) {
        auth_cache_put(ctx, gen, hash, out, expiry);
        return BK_OK;
    }
    if (rc != META_DONE) return rc;
    return bk_error_set(err, BK_UNAUTHENTICATED, "Invalid access token.");
}

bk_status svc_token_list(svc_ctx *ctx, int64_t owner_id, int64_t created_by_id,
                         const char *created_by_name, svc_token_info **out, size_t *n,
                         bk_error *err) {
    *out = NULL;
    *n = 0;
    const svc_principal *caller = ctx->caller;
    if (caller && !caller->is_admin && owner_id != caller->user_id)
        return bk_error_set(err, BK_PERMISSION_DENIED,
                            "user \"%s\" cannot list other users' tokens: only workspace admins"
                            " can",
                            caller->user_name);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM tokens t JOIN principals p ON p.id = t.owner_id"
             " WHERE (?1 = 0 OR t.owner_id = ?1) AND (?2 = 0 OR t.created_by_id = ?2)"
             " AND (?3 IS NULL OR t.created_by = ?3 COLLATE NOCASE)"
             " ORDER BY t.created_ms DESC, t.token_id",
             cols);
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, owner_id, err);
    if (st == BK_OK) st = meta_bind_i64(s, 2, created_by_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 3, created_by_name, err);
    size_t cap = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        svc_token_info *slot = bk_arena_push(ctx->arena, out, n, &cap, sizeof *slot, 16);
        if (!slot) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        read_info(ctx, s, slot);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

bk_status svc_token_get(svc_ctx *ctx, const char *token_id, svc_token_info *out, bk_error *err) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM tokens t JOIN principals p ON p.id = t.owner_id"
             " WHERE t.token_id = ?1",
             cols);
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, token_id, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) read_info(ctx, s, out);
    meta_done(s);
    if (rc == META_ROW) {
        const svc_principal *caller = ctx->caller;
        if (!caller || caller->is_admin || caller->user_id == out->owner_id) return BK_OK;
        rc = META_DONE; /* someone else's: as if it did not exist */
    }
    if (rc != META_DONE) return rc;
    return bk_error_set(err, BK_NOT_FOUND, "Token with id %s does not exist.", token_id);
}

bk_status svc_token_delete(svc_ctx *ctx, const char *token_id, bk_error *err) {
    svc_token_info info;
    BK_TRY(svc_token_get(ctx, token_id, &info, err));
    meta_stmt *s = meta_prepare(ctx->conn, "DELETE FROM tokens WHERE token_id = ?1", err);
    if (!s) return err->code;
    if (meta_bind_text(s, 1, token_id, err) != BK_OK) {
        meta_done(s);
        return err->code;
    }
    return meta_run(s, err);
}

bk_status svc_token_set_comment(svc_ctx *ctx, const char *token_id, const char *comment,
                                bk_error *err) {
    svc_token_info info;
    BK_TRY(svc_token_get(ctx, token_id, &info, err));
    meta_stmt *s = meta_prepare(ctx->conn, "UPDATE tokens SET comment = ?2 WHERE token_id = ?1",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, token_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, comment, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    return meta_run(s, err);
}
