/*
 * svc.h — what every service shares: the environment (data directory, metastore,
 * secret key), the caller, and the per-call context.
 *
 * Services hold the logic of the workspace (users, tokens, workspace objects,
 * clusters …) and know nothing of HTTP: a call takes a svc_ctx and plain C values,
 * returns a bk_status and fills a bk_error whose code the server turns into the
 * Databricks error_code and HTTP status (base/errcodes.def).  Results are allocated
 * in ctx->arena and live until the caller resets it.
 *
 * Permission checks belong here, not in the server: a service refuses a caller that
 * lacks a permission with BK_PERMISSION_DENIED.
 */
#ifndef BRICKS_SERVICES_SVC_H
#define BRICKS_SERVICES_SVC_H

#include "base/arena.h"
#include "base/bk.h"
#include "base/error.h"
#include "meta/meta.h"

#define SVC_KEY_BYTES 32        /* secret.key: a libsodium secretbox key */
#define SVC_TOKEN_TEXT_MAX 80   /* "dapi" + 64 hex digits + NUL fits */
#define SVC_ADMIN_USER "admin@bricks.local"
#define SVC_ADMINS_GROUP "admins"
#define SVC_USERS_GROUP "users"

/* The process-wide state of a workspace: one per `bricks serve`. */
typedef struct svc_env {
    char *data_dir;                    /* absolute or as given; heap */
    meta_db *db;                       /* DIR/metastore.db */
    uint8_t secret_key[SVC_KEY_BYTES]; /* DIR/secret.key (encrypts secrets at rest) */
    int64_t admins_group_id;           /* id of the "admins" group */
    int64_t users_group_id;            /* id of the "users" group (every user is in it) */
    int64_t workspace_id;              /* stable per data directory (derived from the key) */
    struct svc_clusters *clusters;     /* cluster manager (svc_clusters.h); NULL: not started */
} svc_env;

/* Who is calling: resolved from the bearer token by svc_token_authenticate. */
typedef struct svc_principal {
    int64_t user_id;
    const char *user_name; /* in the call's arena */
    const char *token_id;  /* the token that authenticated the call */
    bool is_admin;         /* member of "admins" */
} svc_principal;

/* One service call (one HTTP request in the server). */
typedef struct svc_ctx {
    svc_env *env;
    meta_conn *conn;              /* this thread's connection, for the whole call */
    bk_arena *arena;              /* results live here */
    const svc_principal *caller;  /* NULL only during authentication and bootstrap */
} svc_ctx;

/*
 * Open the workspace in `dir`: create the directory (0700), secret.key (0600, random)
 * and metastore.db when missing, migrate the schema, and on first start create the
 * groups "admins" and "users", the admin user SVC_ADMIN_USER and a personal access
 * token for it.  That token's text goes to `first_token` (SVC_TOKEN_TEXT_MAX bytes)
 * and nowhere else; first_token[0] is '\0' on every later start.  Free with
 * svc_env_close.  BK_IO (with the path) when the directory or files cannot be made.
 */
bk_status svc_env_open(const char *dir, svc_env **out, char *first_token, bk_error *err);
/* Close the metastore and wipe the key.  NULL is a no-op. */
void svc_env_close(svc_env *env);

/*
 * Start a call: take a metastore connection for this thread.  `caller` may be NULL
 * until authentication.  Always pair with svc_ctx_end.
 */
bk_status svc_ctx_begin(svc_ctx *ctx, svc_env *env, bk_arena *arena,
                        const svc_principal *caller, bk_error *err);
void svc_ctx_end(svc_ctx *ctx);

/* BK_PERMISSION_DENIED unless the caller is an admin; `what` names the action. */
bk_status svc_require_admin(const svc_ctx *ctx, const char *what, bk_error *err);

/*
 * Transactions for service functions that may also run inside a caller's
 * transaction: svc_tx_begin starts one (BEGIN IMMEDIATE) only when none is open and
 * says so in *owned; svc_tx_end commits it when `st` is BK_OK, else rolls it back,
 * and returns the final status.  Nested calls thus join the outer transaction.
 */
bk_status svc_tx_begin(svc_ctx *ctx, bool *owned, bk_error *err);
bk_status svc_tx_end(svc_ctx *ctx, bool owned, bk_status st, bk_error *err);

/* The acting user's name for audit fields ("system" during bootstrap). */
const char *svc_actor(const svc_ctx *ctx);

/* Milliseconds since the epoch (the API's timestamps). */
int64_t svc_now_ms(void);

#endif
