/*
 * api_tokens.c — the Tokens API (/api/2.0/token/…: a user's own personal access
 * tokens) and Token management (/api/2.0/token-management/…: every token, admins
 * only).
 *
 * Shapes as the SDK reads them: PublicTokenInfo {token_id, creation_time,
 * expiry_time (-1: never), comment} for the user's own list; TokenInfo adds
 * owner_id, created_by_id, created_by_username and workspace_id.  Times are epoch ms.
 *
 * On-behalf-of tokens: Databricks issues them for service principals, named by
 * their application_id.  Bricks accepts that, and also (an extension) a user's id
 * or userName, which gives admins a way to mint tokens for other users.
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "server/apis.h"
#include "server/json_in.h"
#include "server/json_out.h"
#include "services/svc_identity.h"
#include "services/svc_tokens.h"

static void write_public_info(srv_json *j, const svc_token_info *t) {
    srv_json_obj(j);
    srv_json_kv_str(j, "token_id", t->token_id);
    srv_json_kv_i64(j, "creation_time", t->created_ms);
    srv_json_kv_i64(j, "expiry_time", t->expiry_ms);
    srv_json_kv_str(j, "comment", t->comment ? t->comment : "");
    srv_json_end(j);
}

static void write_info(srv_json *j, const svc_env *env, const svc_token_info *t) {
    srv_json_obj(j);
    srv_json_kv_str(j, "token_id", t->token_id);
    srv_json_kv_i64(j, "creation_time", t->created_ms);
    srv_json_kv_i64(j, "expiry_time", t->expiry_ms);
    srv_json_kv_str(j, "comment", t->comment ? t->comment : "");
    srv_json_kv_i64(j, "owner_id", t->owner_id);
    srv_json_kv_i64(j, "created_by_id", t->created_by_id);
    srv_json_kv_str(j, "created_by_username", t->created_by);
    srv_json_kv_i64(j, "workspace_id", env->workspace_id);
    srv_json_end(j);
}

/* lifetime_seconds and comment of a create body. */
static bk_status create_args(json_t *body, int64_t *lifetime, const char **comment,
                             bk_error *err) {
    *lifetime = 0;
    *comment = NULL;
    BK_TRY(srv_json_get_i64(body, "lifetime_seconds", false, lifetime, err));
    BK_TRY(srv_json_get_str(body, "comment", false, comment, err));
    if (*lifetime < 0 && *lifetime != -1)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid lifetime_seconds %lld: use a positive number of seconds, or"
                            " omit it for a token that does not expire",
                            (long long)*lifetime);
    return BK_OK;
}

/* POST /api/2.0/token/create */
static bk_status token_create(srv_request *req, srv_response *res, bk_error *err) {
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    int64_t lifetime;
    const char *comment;
    BK_TRY(create_args(body, &lifetime, &comment, err));
    char text[SVC_TOKEN_TEXT_MAX];
    svc_token_info info;
    BK_TRY(svc_token_create(&req->ctx, req->caller.user_id, comment, lifetime, text, &info, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "token_value", text);
    srv_json_key(&j, "token_info");
    write_public_info(&j, &info);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* GET /api/2.0/token/list: the caller's own tokens. */
static bk_status token_list(srv_request *req, srv_response *res, bk_error *err) {
    svc_token_info *infos;
    size_t n;
    BK_TRY(svc_token_list(&req->ctx, req->caller.user_id, 0, NULL, &infos, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "token_infos");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) write_public_info(&j, &infos[i]);
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/token/delete {token_id}: only the caller's own tokens. */
static bk_status token_delete(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *id = NULL;
    BK_TRY(srv_json_get_str(body, "token_id", true, &id, err));
    svc_token_info info;
    BK_TRY(svc_token_get(&req->ctx, id, &info, err));
    if (info.owner_id != req->caller.user_id)
        return bk_error_set(err, BK_NOT_FOUND, "Token with id %s does not exist.", id);
    return svc_token_delete(&req->ctx, id, err);
}

/*
 * The body of an update: {"token": {"comment": …}, "update_mask": "comment"}.  Only
 * the comment can change ("*" means every updatable field); scopes are not
 * modelled, so naming them is an error rather than a silent no-op.
 */
static bk_status update_args(srv_request *req, const char **comment, bk_error *err) {
    json_t *body, *token = NULL;
    BK_TRY(srv_json_body(req, &body, err));
    const char *mask = NULL;
    BK_TRY(srv_json_get_str(body, "update_mask", true, &mask, err));
    token = json_object_get(body, "token");
    if (!json_is_object(token))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: token");
    bool wants_comment = false;
    for (const char *p = mask; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((len == 7 && memcmp(p, "comment", 7) == 0) || (len == 1 && *p == '*'))
            wants_comment = true;
        else
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Invalid update_mask \"%s\": only \"comment\" can be updated",
                                mask);
        p += len + (end ? 1 : 0);
    }
    if (!wants_comment)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "update_mask names no field to update");
    *comment = NULL;
    return srv_json_get_str(token, "comment", false, comment, err);
}

/* PATCH /api/2.0/token/{token_id}: the caller's own token. */
static bk_status token_update(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    const char *id = srv_path_param(req, "token_id"), *comment = NULL;
    BK_TRY(update_args(req, &comment, err));
    svc_token_info info;
    BK_TRY(svc_token_get(&req->ctx, id, &info, err));
    if (info.owner_id != req->caller.user_id)
        return bk_error_set(err, BK_NOT_FOUND, "Token with id %s does not exist.", id);
    return svc_token_set_comment(&req->ctx, id, comment, err);
}

/* PATCH /api/2.0/token-management/tokens/{token_id}: any token; replies TokenInfo. */
static bk_status tm_update(srv_request *req, srv_response *res, bk_error *err) {
    BK_TRY(svc_require_admin(&req->ctx, "update other users' tokens", err));
    const char *id = srv_path_param(req, "token_id"), *comment = NULL;
    BK_TRY(update_args(req, &comment, err));
    BK_TRY(svc_token_set_comment(&req->ctx, id, comment, err));
    svc_token_info info;
    BK_TRY(svc_token_get(&req->ctx, id, &info, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    write_info(&j, req->env, &info);
    return srv_json_status(&j, err);
}

/* GET /api/2.0/token-management/tokens[?created_by_id=&created_by_username=] */
static bk_status tm_list(srv_request *req, srv_response *res, bk_error *err) {
    BK_TRY(svc_require_admin(&req->ctx, "list all tokens", err));
    int64_t created_by_id = 0;
    BK_TRY(srv_query_i64(req, "created_by_id", 0, &created_by_id, err));
    const char *created_by_name = srv_query(req, "created_by_username");
    if (created_by_name && !*created_by_name) created_by_name = NULL;
    svc_token_info *infos;
    size_t n;
    BK_TRY(svc_token_list(&req->ctx, 0, created_by_id, created_by_name, &infos, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "token_infos");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) write_info(&j, req->env, &infos[i]);
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* GET /api/2.0/token-management/tokens/{token_id} */
static bk_status tm_get(srv_request *req, srv_response *res, bk_error *err) {
    BK_TRY(svc_require_admin(&req->ctx, "read other users' tokens", err));
    svc_token_info info;
    BK_TRY(svc_token_get(&req->ctx, srv_path_param(req, "token_id"), &info, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "token_info");
    write_info(&j, req->env, &info);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* DELETE /api/2.0/token-management/tokens/{token_id} */
static bk_status tm_delete(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    BK_TRY(svc_require_admin(&req->ctx, "delete other users' tokens", err));
    return svc_token_delete(&req->ctx, srv_path_param(req, "token_id"), err);
}

/* POST /api/2.0/token-management/on-behalf-of/tokens {application_id, comment, lifetime_seconds} */
static bk_status tm_create_obo(srv_request *req, srv_response *res, bk_error *err) {
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    BK_TRY(svc_require_admin(&req->ctx, "create tokens on behalf of others", err));
    const char *app = NULL;
    BK_TRY(srv_json_get_str(body, "application_id", true, &app, err));
    int64_t lifetime;
    const char *comment;
    BK_TRY(create_args(body, &lifetime, &comment, err));
    int64_t owner = 0;
    if (!bk_parse_i64(app, strlen(app), &owner)) {
        bk_error probe;
        bk_error_clear(&probe);
        if (svc_user_find(&req->ctx, app, &owner, &probe) != BK_OK)
            return bk_error_set(err, BK_NOT_FOUND,
                                "Service principal or user with application_id %s does not exist.",
                                app);
    }
    char text[SVC_TOKEN_TEXT_MAX];
    svc_token_info info;
    bk_status st = svc_token_create(&req->ctx, owner, comment, lifetime, text, &info, err);
    if (st == BK_NOT_FOUND) {
        bk_error_reset(err, BK_NOT_FOUND,
                       "Service principal or user with application_id %s does not exist.", app);
        return st;
    }
    BK_TRY(st);
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "token_value", text);
    srv_json_key(&j, "token_info");
    write_info(&j, req->env, &info);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

static const srv_route routes[] = {
    {"POST", "/api/2.0/token/create", token_create, 0, 0},
    {"GET", "/api/2.0/token/list", token_list, 0, 0},
    {"POST", "/api/2.0/token/delete", token_delete, 0, 0},
    {"PATCH", "/api/2.0/token/{token_id}", token_update, 0, 0},
    {"GET", "/api/2.0/token-management/tokens", tm_list, 0, 0},
    {"GET", "/api/2.0/token-management/tokens/{token_id}", tm_get, 0, 0},
    {"DELETE", "/api/2.0/token-management/tokens/{token_id}", tm_delete, 0, 0},
    {"PATCH", "/api/2.0/token-management/tokens/{token_id}", tm_update, 0, 0},
    {"POST", "/api/2.0/token-management/on-behalf-of/tokens", tm_create_obo, 0, 0},
};

const srv_route_table srv_api_tokens = {"tokens", routes, BK_ARRAY_LEN(routes)};
