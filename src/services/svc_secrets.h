/*
 * svc_secrets.h — secret scopes, secrets encrypted at rest, and scope ACLs (the
 * Databricks Secrets API without HTTP).
 *
 * A scope is a named set of secrets (name: letters, digits, '-', '_', '.', '@', at
 * most 128 characters; unique ignoring case).  A secret is a key (letters, digits,
 * '-', '_', '.', at most 128) and a value of at most SVC_SECRET_MAX_VALUE bytes,
 * stored sealed with XChaCha20-Poly1305 under a key derived from DIR/secret.key;
 * the plaintext never reaches the metastore, the logs or any error message.
 *
 * Permissions (as Databricks): each scope has ACLs granting READ < WRITE < MANAGE to
 * users, service principals and groups; a caller's level is the highest granted to
 * it or to any group it belongs to (transitively).  Workspace admins (and the
 * system, caller NULL) have MANAGE on every scope.
 *     READ    list keys, read values
 *     WRITE   + put and delete secrets
 *     MANAGE  + read and change ACLs, delete the scope
 * Scope names are not secret: every user lists every scope.  Anything inside a
 * scope needs a level: without one the call is BK_PERMISSION_DENIED before any key
 * is looked up, so a refused caller learns nothing about the scope's contents.
 * Any user may create a scope; its creator gets MANAGE (or the group "users" when
 * initial_manage_principal is "users", the only other value Databricks accepts).
 *
 * Results are in ctx->arena.  Errors: BK_NOT_FOUND (unknown scope, key or ACL),
 * BK_ALREADY_EXISTS (scope name taken), BK_INVALID_ARGUMENT (names, values,
 * principals), BK_PERMISSION_DENIED, BK_RESOURCE_LIMIT_EXCEEDED (too many scopes or
 * secrets), BK_IO/BK_CORRUPT from the metastore or a value that fails to open.
 */
#ifndef BRICKS_SERVICES_SVC_SECRETS_H
#define BRICKS_SERVICES_SVC_SECRETS_H

#include "services/svc.h"

#define SVC_SECRET_NAME_MAX 128                 /* scope names and keys */
#define SVC_SECRET_MAX_VALUE ((size_t)128 << 10) /* 128 KB, as Databricks */
#define SVC_SECRET_MAX_SCOPES 1000              /* per workspace */
#define SVC_SECRET_MAX_PER_SCOPE 1000           /* secrets per scope */

typedef enum svc_secret_perm {
    SVC_SECRET_NONE = 0,
    SVC_SECRET_READ = 1,
    SVC_SECRET_WRITE = 2,
    SVC_SECRET_MANAGE = 3,
} svc_secret_perm;

typedef struct svc_secret_scope {
    const char *name;
    const char *backend; /* "DATABRICKS" */
} svc_secret_scope;

typedef struct svc_secret_meta {
    const char *key;
    int64_t updated_ms; /* last put, epoch ms */
} svc_secret_meta;

typedef struct svc_secret_acl {
    const char *principal;
    svc_secret_perm perm;
} svc_secret_acl;

/* "READ", "WRITE", "MANAGE" (NULL for NONE); parse is exact and case-sensitive. */
const char *svc_secret_perm_name(svc_secret_perm p);
bool svc_secret_perm_parse(const char *s, svc_secret_perm *out);

/*
 * Create scope `name` with `backend` (NULL or "DATABRICKS"; "AZURE_KEYVAULT" is
 * refused as Databricks refuses it for a personal access token).  The initial
 * MANAGE ACL goes to the caller, or to "users" when initial_manage_principal says
 * so (any other value is BK_INVALID_ARGUMENT).
 */
bk_status svc_secret_scope_create(svc_ctx *ctx, const char *name,
                                  const char *initial_manage_principal, const char *backend,
                                  bk_error *err);
/* Every scope, ordered by name (case-insensitively). */
bk_status svc_secret_scope_list(svc_ctx *ctx, svc_secret_scope **out, size_t *n, bk_error *err);
/* Delete a scope with its secrets and ACLs (MANAGE). */
bk_status svc_secret_scope_delete(svc_ctx *ctx, const char *name, bk_error *err);

/* Put (insert or overwrite) `len` bytes as the value of `key` (WRITE). */
bk_status svc_secret_put(svc_ctx *ctx, const char *scope, const char *key, const void *value,
                         size_t len, bk_error *err);
/* Keys and update times, ordered by key; never values (READ). */
bk_status svc_secret_list(svc_ctx *ctx, const char *scope, svc_secret_meta **out, size_t *n,
                          bk_error *err);
/* Delete one secret (WRITE). */
bk_status svc_secret_delete(svc_ctx *ctx, const char *scope, const char *key, bk_error *err);
/*
 * The value of `key` (READ): *len bytes at *value in the arena (NUL-terminated for
 * convenience).  The arena holds plaintext afterwards: callers reset it promptly.
 */
bk_status svc_secret_get(svc_ctx *ctx, const char *scope, const char *key, uint8_t **value,
                         size_t *len, bk_error *err);

/*
 * Grant `perm` to `principal` (an existing user, service principal or group),
 * replacing any earlier grant to it (MANAGE).
 */
bk_status svc_secret_acl_put(svc_ctx *ctx, const char *scope, const char *principal,
                             svc_secret_perm perm, bk_error *err);
/* The grant to `principal` (MANAGE); BK_NOT_FOUND when it has none. */
bk_status svc_secret_acl_get(svc_ctx *ctx, const char *scope, const char *principal,
                             svc_secret_acl *out, bk_error *err);
/* Every grant on the scope, ordered by principal (MANAGE). */
bk_status svc_secret_acl_list(svc_ctx *ctx, const char *scope, svc_secret_acl **out, size_t *n,
                              bk_error *err);
/* Remove the grant to `principal` (MANAGE); BK_NOT_FOUND when it has none. */
bk_status svc_secret_acl_delete(svc_ctx *ctx, const char *scope, const char *principal,
                                bk_error *err);

/* The caller's effective level on an existing scope (for tests and diagnostics). */
bk_status svc_secret_level(svc_ctx *ctx, const char *scope, svc_secret_perm *out, bk_error *err);

#endif
