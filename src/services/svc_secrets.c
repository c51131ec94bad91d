/*
 * svc_secrets.c — secret scopes, sealed secrets and scope ACLs (see svc_secrets.h).
 *
 * Encryption at rest: values are sealed with XChaCha20-Poly1305 (libsodium
 * crypto_aead_xchacha20poly1305_ietf) under a subkey derived from DIR/secret.key
 * with crypto_kdf (context "bksecret", id 1), so the master key itself encrypts
 * nothing and other uses of it stay independent.  Each put draws a fresh random
 * 24-byte nonce (safe to draw at random at that size).  The stored blob is
 *     version (1 byte, = 1) | nonce (24) | ciphertext + tag (len + 16)
 * and the associated data is "<scope id>/<key>": a sealed value moved to another
 * row (by someone with write access to metastore.db) fails to open instead of
 * being read as that row's secret.
 *
 * Ordering of checks, on purpose: validate the arguments, find the scope
 * (RESOURCE_DOES_NOT_EXIST: scope names are public), check the caller's level,
 * and only then look at keys or ACLs, so that a refused caller learns nothing more.
 */
#include "services/svc_secrets.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "services/svc_identity.h"

#define SEAL_VERSION 1
#define SEAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEAL_HEADER (1 + SEAL_NONCE)
#define SEAL_KEY crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define BACKEND_DATABRICKS "DATABRICKS"

static const char *const perm_names[] = {NULL, "READ", "WRITE", "MANAGE"};

const char *svc_secret_perm_name(svc_secret_perm p) {
    return p >= SVC_SECRET_READ && p <= SVC_SECRET_MANAGE ? perm_names[p] : NULL;
}

bool svc_secret_perm_parse(const char *s, svc_secret_perm *out) {
    for (int p = SVC_SECRET_READ; s && p <= SVC_SECRET_MANAGE; p++)
        if (strcmp(s, perm_names[p]) == 0) {
            *out = (svc_secret_perm)p;
            return true;
        }
    return false;
}

/* ---- names ------------------------------------------------------------------ */

static bool valid_name(const char *s, bool allow_at) {
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > SVC_SECRET_NAME_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || (allow_at && c == '@');
        if (!ok) return false;
    }
    return true;
}

static bk_status check_scope_name(const char *name, bk_error *err) {
    if (valid_name(name, true)) return BK_OK;
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "Invalid scope name \"%.200s\": a scope name must consist of alphanumeric"
                        " characters, dashes, underscores, periods and @ signs, and may not"
                        " exceed 128 characters",
                        name ? name : "");
}

static bk_status check_key_name(const char *key, bk_error *err) {
    if (valid_name(key, false)) return BK_OK;
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "Invalid secret key \"%.200s\": a key must consist of alphanumeric"
                        " characters, dashes, underscores and periods, and may not exceed 128"
                        " characters",
                        key ? key : "");
}

/* ---- scopes and levels ----------------------------------------------------- */

/* Id of scope `name` (any case); BK_NOT_FOUND as Databricks words it. */
static bk_status scope_find(svc_ctx *ctx, const char *name, int64_t *id, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, "SELECT id FROM secret_scopes WHERE name = ?1", err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, name, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) *id = meta_col_i64(s, 0);
    meta_done(s);
    if (rc == META_ROW) return BK_OK;
    if (rc != META_DONE) return rc;
    return bk_error_set(err, BK_NOT_FOUND, "Scope %s does not exist!", name);
}

static bool contains(const int64_t *ids, size_t n, int64_t id) {
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id) return true;
    return false;
}

/* The caller's level on scope `scope_id`: admins MANAGE, else the highest grant. */
static bk_status level_of(svc_ctx *ctx, int64_t scope_id, svc_secret_perm *out, bk_error *err) {
    const svc_principal *caller = ctx->caller;
    *out = SVC_SECRET_NONE;
    if (!caller || caller->is_admin) {
        *out = SVC_SECRET_MANAGE;
        return BK_OK;
    }
    int64_t *groups = NULL;
    size_t n_groups = 0;
    BK_TRY(svc_principal_groups(ctx, caller->user_id, &groups, &n_groups, err));
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT principal, permission FROM secret_acls WHERE scope_id = ?1", err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, scope_id, err);
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        const char *principal = meta_col_text(s, 0);
        svc_secret_perm p = SVC_SECRET_NONE;
        if (!principal || !svc_secret_perm_parse(meta_col_text(s, 1), &p) || p <= *out) continue;
        bool applies = strcasecmp(principal, caller->user_name) == 0;
        if (!applies) {
            int64_t gid = 0;
            bk_error probe;
            bk_error_clear(&probe);
            applies = svc_group_find(ctx, principal, &gid, &probe) == BK_OK &&
                      contains(groups, n_groups, gid);
        }
        if (applies) *out = p;
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

/*
 * Find `scope` and require level `need` of the caller on it; *scope_id on success.
 * The refusal names the caller, the level and the scope (Databricks' wording).
 */
static bk_status require(svc_ctx *ctx, const char *scope, svc_secret_perm need,
                         int64_t *scope_id, bk_error *err) {
    BK_TRY(scope_find(ctx, scope, scope_id, err));
    svc_secret_perm have;
    BK_TRY(level_of(ctx, *scope_id, &have, err));
    if (have >= need) return BK_OK;
    return bk_error_set(err, BK_PERMISSION_DENIED,
                        "%s does not have %s permission on scope %s to perform this action.",
                        ctx->caller->user_name, svc_secret_perm_name(need), scope);
}

bk_status svc_secret_level(svc_ctx *ctx, const char *scope, svc_secret_perm *out, bk_error *err) {
    int64_t id;
    BK_TRY(scope_find(ctx, scope, &id, err));
    return level_of(ctx, id, out, err);
}

static bk_status count_rows(svc_ctx *ctx, const char *sql, int64_t arg, int64_t *n,
                            bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = arg ? meta_bind_i64(s, 1, arg, err) : BK_OK;
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) *n = meta_col_i64(s, 0);
    meta_done(s);
    return rc == META_ROW ? BK_OK : rc == META_DONE ? BK_OK : rc;
}

static bk_status acl_write(svc_ctx *ctx, int64_t scope_id, const char *principal,
                           svc_secret_perm perm, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn,
                                "INSERT INTO secret_acls(scope_id, principal, permission)"
                                " VALUES (?1, ?2, ?3) ON CONFLICT (scope_id, principal)"
                                " DO UPDATE SET permission = excluded.permission",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, scope_id, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, principal, err);
    if (st == BK_OK) st = meta_bind_text(s, 3, svc_secret_perm_name(perm), err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    return meta_run(s, err);
}

static bk_status scope_create_tx(svc_ctx *ctx, const char *name, const char *manager,
                                 bk_error *err) {
    int64_t n = 0;
    BK_TRY(count_rows(ctx, "SELECT count(*) FROM secret_scopes", 0, &n, err));
    if (n >= SVC_SECRET_MAX_SCOPES)
        return bk_error_set(err, BK_RESOURCE_LIMIT_EXCEEDED,
                            "Cannot create scope %s: the workspace already has the maximum of %d"
                            " secret scopes",
                            name, SVC_SECRET_MAX_SCOPES);
    meta_stmt *s = meta_prepare(ctx->conn,
                                "INSERT INTO secret_scopes(name, backend, created_ms, created_by)"
                                " VALUES (?1, ?2, ?3, ?4)",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_text(s, 1, name, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, BACKEND_DATABRICKS, err);
    if (st == BK_OK) st = meta_bind_i64(s, 3, svc_now_ms(), err);
    if (st == BK_OK) st = meta_bind_text(s, 4, svc_actor(ctx), err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    st = meta_run(s, err);
    if (st == BK_ALREADY_EXISTS) {
        bk_error_reset(err, BK_ALREADY_EXISTS, "Scope %s already exists!", name);
        return st;
    }
    BK_TRY(st);
    int64_t id = meta_last_rowid(ctx->conn);
    return manager ? acl_write(ctx, id, manager, SVC_SECRET_MANAGE, err) : BK_OK;
}

static bk_status check_principal(svc_ctx *ctx, const char *principal, bk_error *err);

bk_status svc_secret_scope_create(svc_ctx *ctx, const char *name,
                                  const char *initial_manage_principal, const char *backend,
                                  bk_error *err) {
    BK_TRY(check_scope_name(name, err));
    if (backend && strcmp(backend, "AZURE_KEYVAULT") == 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Scope with Azure KeyVault must have userAADToken defined!");
    if (backend && strcmp(backend, BACKEND_DATABRICKS) != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid scope_backend_type \"%.100s\": use DATABRICKS", backend);
    const char *manager = ctx->caller ? ctx->caller->user_name : NULL;
    /* any existing user or group (as on Databricks' Premium tier) */
    if (initial_manage_principal && *initial_manage_principal) {
        BK_TRY(check_principal(ctx, initial_manage_principal, err));
        manager = initial_manage_principal;
    }
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    return svc_tx_end(ctx, owned, scope_create_tx(ctx, name, manager, err), err);
}

bk_status svc_secret_scope_list(svc_ctx *ctx, svc_secret_scope **out, size_t *n, bk_error *err) {
    *out = NULL;
    *n = 0;
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT name, backend FROM secret_scopes ORDER BY name COLLATE NOCASE, id",
        err);
    if (!s) return err->code;
    size_t cap = 0;
    int rc = META_ROW;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        svc_secret_scope *sc = bk_arena_push(ctx->arena, out, n, &cap, sizeof **out, 16);
        if (!sc) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        sc->name = bk_arena_strdup(ctx->arena, meta_col_text(s, 0));
        sc->backend = bk_arena_strdup(ctx->arena, meta_col_text(s, 1));
        if (!sc->name || !sc->backend) rc = bk_arena_oom(ctx->arena, err);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

/* DELETE … WHERE ?1 (and ?2): BK_OK with *deleted the number of rows removed. */
static bk_status delete_rows(svc_ctx *ctx, const char *sql, int64_t id, const char *text,
                             int64_t *deleted, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, sql, err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    if (st == BK_OK && text) st = meta_bind_text(s, 2, text, err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    BK_TRY(meta_run(s, err));
    *deleted = meta_changes(ctx->conn);
    return BK_OK;
}

bk_status svc_secret_scope_delete(svc_ctx *ctx, const char *name, bk_error *err) {
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    int64_t id = 0, gone = 0;
    bk_status st = require(ctx, name, SVC_SECRET_MANAGE, &id, err);
    /* The foreign keys cascade to the scope's secrets and ACLs. */
    if (st == BK_OK)
        st = delete_rows(ctx, "DELETE FROM secret_scopes WHERE id = ?1", id, NULL, &gone, err);
    return svc_tx_end(ctx, owned, st, err);
}

/* ---- sealing ---------------------------------------------------------------- */

_Static_assert(crypto_kdf_KEYBYTES == SVC_KEY_BYTES, "secret.key is a crypto_kdf master key");

static void derive_key(const svc_env *env, uint8_t key[SEAL_KEY]) {
    crypto_kdf_derive_from_key(key, SEAL_KEY, 1, "bksecret", env->secret_key);
}

static size_t make_ad(char *ad, size_t cap, int64_t scope_id, const char *key) {
    int n = snprintf(ad, cap, "%lld/%s", (long long)scope_id, key);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Seal `len` bytes into a new arena blob of SEAL_HEADER + len + SEAL_TAG bytes. */
static bk_status seal(svc_ctx *ctx, int64_t scope_id, const char *key, const void *value,
                      size_t len, uint8_t **out, size_t *out_len, bk_error *err) {
    char ad[SVC_SECRET_NAME_MAX + 32];
    size_t ad_len = make_ad(ad, sizeof ad, scope_id, key);
    uint8_t *blob = bk_arena_alloc(ctx->arena, SEAL_HEADER + len + SEAL_TAG);
    if (!blob || !ad_len) return bk_arena_oom(ctx->arena, err);
    blob[0] = SEAL_VERSION;
    randombytes_buf(blob + 1, SEAL_NONCE);
    uint8_t k[SEAL_KEY];
    derive_key(ctx->env, k);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(blob + SEAL_HEADER, &clen, value, len,
                                               (const unsigned char *)ad, ad_len, NULL,
                                               blob + 1, k);
    sodium_memzero(k, sizeof k);
    *out = blob;
    *out_len = SEAL_HEADER + (size_t)clen;
    return BK_OK;
}

/* Open a sealed blob into a new NUL-terminated arena buffer; BK_CORRUPT if it fails. */
static bk_status unseal(svc_ctx *ctx, int64_t scope_id, const char *scope, const char *key,
                        const uint8_t *blob, size_t blob_len, uint8_t **out, size_t *len,
                        bk_error *err) {
    char ad[SVC_SECRET_NAME_MAX + 32];
    size_t ad_len = make_ad(ad, sizeof ad, scope_id, key);
    if (!blob || blob_len < SEAL_HEADER + SEAL_TAG || blob[0] != SEAL_VERSION || !ad_len)
        return bk_error_set(err, BK_CORRUPT,
                            "secret %s in scope %s is stored in an unknown format", key, scope);
    size_t plain_cap = blob_len - SEAL_HEADER - SEAL_TAG;
    uint8_t *plain = bk_arena_alloc(ctx->arena, plain_cap + 1);
    if (!plain) return bk_arena_oom(ctx->arena, err);
    uint8_t k[SEAL_KEY];
    derive_key(ctx->env, k);
    unsigned long long mlen = 0;
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        plain, &mlen, NULL, blob + SEAL_HEADER, blob_len - SEAL_HEADER,
        (const unsigned char *)ad, ad_len, blob + 1, k);
    sodium_memzero(k, sizeof k);
    if (rc != 0)
        return bk_error_set(err, BK_CORRUPT,
                            "secret %s in scope %s could not be decrypted: the metastore row or"
                            " DIR/secret.key has been changed",
                            key, scope);
    plain[mlen] = 0;
    *out = plain;
    *len = (size_t)mlen;
    return BK_OK;
}

/* ---- secrets ---------------------------------------------------------------- */

static bk_status put_tx(svc_ctx *ctx, const char *scope, const char *key, const void *value,
                        size_t len, bk_error *err) {
    int64_t id = 0, n = 0, exists = 0;
    BK_TRY(require(ctx, scope, SVC_SECRET_WRITE, &id, err));
    meta_stmt *q = meta_prepare(ctx->conn,
                                "SELECT count(*), coalesce(sum(key = ?2), 0) FROM secrets"
                                " WHERE scope_id = ?1",
                                err);
    if (!q) return err->code;
    bk_status st = meta_bind_i64(q, 1, id, err);
    if (st == BK_OK) st = meta_bind_text(q, 2, key, err);
    int rc = st == BK_OK ? meta_step(q, err) : st;
    if (rc == META_ROW) {
        n = meta_col_i64(q, 0);
        exists = meta_col_i64(q, 1);
    }
    meta_done(q);
    if (rc == META_DONE) return bk_error_set(err, BK_INTERNAL, "counting secrets returned no row");
    if (rc != META_ROW) return rc;
    if (!exists && n >= SVC_SECRET_MAX_PER_SCOPE)
        return bk_error_set(err, BK_RESOURCE_LIMIT_EXCEEDED,
                            "Cannot put secret %s: scope %s already holds the maximum of %d"
                            " secrets",
                            key, scope, SVC_SECRET_MAX_PER_SCOPE);
    uint8_t *blob = NULL;
    size_t blob_len = 0;
    BK_TRY(seal(ctx, id, key, value, len, &blob, &blob_len, err));
    meta_stmt *s = meta_prepare(ctx->conn,
                                "INSERT INTO secrets(scope_id, key, sealed, updated_ms, updated_by)"
                                " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (scope_id, key) DO UPDATE"
                                " SET sealed = excluded.sealed, updated_ms = excluded.updated_ms,"
                                " updated_by = excluded.updated_by",
                                err);
    if (!s) return err->code;
    st = meta_bind_i64(s, 1, id, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, key, err);
    if (st == BK_OK) st = meta_bind_blob(s, 3, blob, blob_len, err);
    if (st == BK_OK) st = meta_bind_i64(s, 4, svc_now_ms(), err);
    if (st == BK_OK) st = meta_bind_text(s, 5, svc_actor(ctx), err);
    if (st != BK_OK) {
        meta_done(s);
        return st;
    }
    return meta_run(s, err);
}

bk_status svc_secret_put(svc_ctx *ctx, const char *scope, const char *key, const void *value,
                         size_t len, bk_error *err) {
    BK_TRY(check_key_name(key, err));
    if (len > SVC_SECRET_MAX_VALUE)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Size of secret value (%zu bytes) exceeds the limit of 128 KB (%zu"
                            " bytes)",
                            len, SVC_SECRET_MAX_VALUE);
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    return svc_tx_end(ctx, owned, put_tx(ctx, scope, key, value, len, err), err);
}

bk_status svc_secret_list(svc_ctx *ctx, const char *scope, svc_secret_meta **out, size_t *n,
                          bk_error *err) {
    *out = NULL;
    *n = 0;
    int64_t id = 0;
    BK_TRY(require(ctx, scope, SVC_SECRET_READ, &id, err));
    meta_stmt *s = meta_prepare(
        ctx->conn, "SELECT key, updated_ms FROM secrets WHERE scope_id = ?1 ORDER BY key", err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    size_t cap = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        svc_secret_meta *m = bk_arena_push(ctx->arena, out, n, &cap, sizeof **out, 16);
        if (!m) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        m->key = bk_arena_strdup(ctx->arena, meta_col_text(s, 0));
        m->updated_ms = meta_col_i64(s, 1);
        if (!m->key) rc = bk_arena_oom(ctx->arena, err);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

static bk_status no_secret(const char *scope, const char *key, bk_error *err) {
    return bk_error_set(err, BK_NOT_FOUND, "Secret does not exist with scope: %s and key: %s",
                        scope, key);
}

bk_status svc_secret_delete(svc_ctx *ctx, const char *scope, const char *key, bk_error *err) {
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    int64_t id = 0, gone = 0;
    bk_status st = require(ctx, scope, SVC_SECRET_WRITE, &id, err);
    if (st == BK_OK)
        st = delete_rows(ctx, "DELETE FROM secrets WHERE scope_id = ?1 AND key = ?2", id, key,
                         &gone, err);
    if (st == BK_OK && gone == 0) st = no_secret(scope, key, err);
    return svc_tx_end(ctx, owned, st, err);
}

bk_status svc_secret_get(svc_ctx *ctx, const char *scope, const char *key, uint8_t **value,
                         size_t *len, bk_error *err) {
    *value = NULL;
    *len = 0;
    int64_t id = 0;
    BK_TRY(require(ctx, scope, SVC_SECRET_READ, &id, err));
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT sealed FROM secrets WHERE scope_id = ?1 AND key = ?2", err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, key, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) {
        size_t blob_len = 0;
        const uint8_t *blob = meta_col_blob(s, 0, &blob_len);
        rc = unseal(ctx, id, scope, key, blob, blob_len, value, len, err);
        rc = rc == BK_OK ? META_ROW : rc;
    }
    meta_done(s);
    if (rc == META_ROW) return BK_OK;
    if (rc != META_DONE) return rc;
    return no_secret(scope, key, err);
}

/* ---- ACLs ------------------------------------------------------------------- */

/* A principal an ACL may name: a user or service principal, or a group. */
static bk_status check_principal(svc_ctx *ctx, const char *principal, bk_error *err) {
    int64_t id = 0;
    bk_error probe;
    bk_error_clear(&probe);
    if (principal && *principal &&
        (svc_user_find(ctx, principal, &id, &probe) == BK_OK ||
         svc_group_find(ctx, principal, &id, &probe) == BK_OK))
        return BK_OK;
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "Principal %.200s does not exist: name a user (userName), a service"
                        " principal (applicationId) or a group (displayName)",
                        principal ? principal : "");
}

static bk_status no_acl(const char *scope, const char *principal, bk_error *err) {
    return bk_error_set(err, BK_NOT_FOUND, "No ACL for principal %s exists on scope %s",
                        principal, scope);
}

bk_status svc_secret_acl_put(svc_ctx *ctx, const char *scope, const char *principal,
                             svc_secret_perm perm, bk_error *err) {
    if (!svc_secret_perm_name(perm))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid permission: use READ, WRITE or MANAGE");
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    int64_t id = 0;
    bk_status st = require(ctx, scope, SVC_SECRET_MANAGE, &id, err);
    if (st == BK_OK) st = check_principal(ctx, principal, err);
    if (st == BK_OK) st = acl_write(ctx, id, principal, perm, err);
    return svc_tx_end(ctx, owned, st, err);
}

bk_status svc_secret_acl_get(svc_ctx *ctx, const char *scope, const char *principal,
                             svc_secret_acl *out, bk_error *err) {
    int64_t id = 0;
    BK_TRY(require(ctx, scope, SVC_SECRET_MANAGE, &id, err));
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT principal, permission FROM secret_acls"
                                " WHERE scope_id = ?1 AND principal = ?2",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    if (st == BK_OK) st = meta_bind_text(s, 2, principal, err);
    int rc = st == BK_OK ? meta_step(s, err) : st;
    if (rc == META_ROW) {
        out->principal = bk_arena_strdup(ctx->arena, meta_col_text(s, 0));
        out->perm = SVC_SECRET_NONE;
        svc_secret_perm_parse(meta_col_text(s, 1), &out->perm);
        if (!out->principal) rc = bk_arena_oom(ctx->arena, err);
    }
    meta_done(s);
    if (rc == META_ROW) return BK_OK;
    if (rc != META_DONE) return rc;
    return no_acl(scope, principal, err);
}

bk_status svc_secret_acl_list(svc_ctx *ctx, const char *scope, svc_secret_acl **out, size_t *n,
                              bk_error *err) {
    *out = NULL;
    *n = 0;
    int64_t id = 0;
    BK_TRY(require(ctx, scope, SVC_SECRET_MANAGE, &id, err));
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT principal, permission FROM secret_acls WHERE scope_id = ?1"
                                " ORDER BY principal",
                                err);
    if (!s) return err->code;
    bk_status st = meta_bind_i64(s, 1, id, err);
    size_t cap = 0;
    int rc = st == BK_OK ? META_ROW : st;
    while (rc == META_ROW && (rc = meta_step(s, err)) == META_ROW) {
        svc_secret_acl *a = bk_arena_push(ctx->arena, out, n, &cap, sizeof **out, 16);
        if (!a) {
            rc = bk_arena_oom(ctx->arena, err);
            break;
        }
        a->principal = bk_arena_strdup(ctx->arena, meta_col_text(s, 0));
        a->perm = SVC_SECRET_NONE;
        svc_secret_perm_parse(meta_col_text(s, 1), &a->perm);
        if (!a->principal) rc = bk_arena_oom(ctx->arena, err);
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

bk_status svc_secret_acl_delete(svc_ctx *ctx, const char *scope, const char *principal,
                                bk_error *err) {
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    int64_t id = 0, gone = 0;
    bk_status st = require(ctx, scope, SVC_SECRET_MANAGE, &id, err);
    if (st == BK_OK)
        st = delete_rows(ctx, "DELETE FROM secret_acls WHERE scope_id = ?1 AND principal = ?2",
                         id, principal, &gone, err);
    if (st == BK_OK && gone == 0) st = no_acl(scope, principal, err);
    return svc_tx_end(ctx, owned, st, err);
}
