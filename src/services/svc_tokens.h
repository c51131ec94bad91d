/*
 * svc_tokens.h — personal access tokens: create, authenticate, list, revoke.
 *
 * A token is "dapi" followed by 32 random bytes in hex.  Only its BLAKE2b-256 hash
 * is stored, so the text exists once: in the create call's result.  A token has an
 * id (64 hex digits, public), an owner, a comment, a creation time and an expiry
 * (epoch ms, -1 for none).  Authentication is a hash lookup, so a deleted token
 * stops working on the next request, and an expired one fails the same way.
 *
 * Permissions: a user creates, lists and deletes their own tokens; admins (token
 * management) list, get and delete anyone's and create tokens on behalf of others.
 */
#ifndef BRICKS_SERVICES_SVC_TOKENS_H
#define BRICKS_SERVICES_SVC_TOKENS_H

#include "services/svc.h"

#define SVC_TOKEN_ID_LEN 64
#define SVC_TOKEN_MAX_LIFETIME_S (INT64_C(100) * 365 * 86400)

typedef struct svc_token_info {
    char token_id[SVC_TOKEN_ID_LEN + 1];
    int64_t owner_id;
    const char *owner_name; /* userName, in the arena */
    const char *comment;    /* NULL when none */
    int64_t created_ms;
    int64_t expiry_ms; /* -1: never expires */
    int64_t created_by_id;
    const char *created_by; /* userName of whoever created it (audit) */
} svc_token_info;

/*
 * Create a token for user `owner_id` valid for `lifetime_s` seconds (0 or negative:
 * no expiry).  The caller must be the owner, or an admin (or NULL: the system).
 * The token text goes to `text` (SVC_TOKEN_TEXT_MAX bytes) and *info is filled.
 * BK_INVALID_ARGUMENT for a lifetime above SVC_TOKEN_MAX_LIFETIME_S, BK_NOT_FOUND
 * for an unknown owner, BK_PERMISSION_DENIED.
 */
bk_status svc_token_create(svc_ctx *ctx, int64_t owner_id, const char *comment,
                           int64_t lifetime_s, char *text, svc_token_info *info, bk_error *err);

/*
 * Resolve a bearer token to its user.  BK_UNAUTHENTICATED when the text is not a
 * known, unexpired token of an active user.  out->user_name is in ctx->arena.
 */
bk_status svc_token_authenticate(svc_ctx *ctx, const char *text, size_t len, svc_principal *out,
                                 bk_error *err);

/*
 * Tokens of user `owner_id` (0: everyone's, admins only), newest first, in the arena.
 * `created_by_name` (may be NULL) keeps only tokens created by that userName.
 * Listing another user's tokens requires an admin: BK_PERMISSION_DENIED.
 */
bk_status svc_token_list(svc_ctx *ctx, int64_t owner_id, int64_t created_by_id,
                         const char *created_by_name, svc_token_info **out, size_t *n,
                         bk_error *err);

/* One token's info.  Non-admins see only their own; others are BK_NOT_FOUND. */
bk_status svc_token_get(svc_ctx *ctx, const char *token_id, svc_token_info *out, bk_error *err);

/* Set a token's comment (NULL clears it).  Same visibility rule as svc_token_get. */
bk_status svc_token_set_comment(svc_ctx *ctx, const char *token_id, const char *comment,
                                bk_error *err);

/* Revoke: the token stops working at once.  Same visibility rule as svc_token_get. */
bk_status svc_token_delete(svc_ctx *ctx, const char *token_id, bk_error *err);

#endif
