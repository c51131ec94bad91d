/*
 * router.c — matching a request to a route, authentication, and running the handler.
 *
 * The tables are searched in order; routes are few (tens), and matching a pattern
 * walks it segment by segment without allocating, so a linear scan costs well
 * under a microsecond.  Authentication resolves the bearer token through the
 * tokens service on every request: revoking a token takes effect at once.
 */
#include "server/router.h"

#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "server/apis.h"
#include "services/svc_tokens.h"

static const srv_route_table *const tables[] = {
    &srv_api_health,
    &srv_api_scim,
    &srv_api_tokens,
    &srv_api_workspace,
    &srv_api_permissions,
    &srv_api_clusters,
    &srv_api_secrets,
    &srv_api_dbfs,
    &srv_api_files,
};

/*
 * Match `path` against `pattern`; on success record the parameters in req (values
 * copied into the arena).  A trailing slash of the path is ignored.
 */
static bool match_pattern(srv_request *req, const char *pattern, const char *path) {
    const char *p = pattern, *s = path;
    size_t n_params = 0;
    while (*p) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close || n_params >= SRV_MAX_PATH_PARAMS) return false;
            size_t name_len = (size_t)(close - p - 1);
            bool rest = name_len > 3 && memcmp(close - 3, "...", 3) == 0;
            const char *end;
            if (rest) {
                name_len -= 3;
                end = s + strlen(s);
            } else {
                end = s;
                while (*end && *end != '/') end++;
                if (end == s) return false; /* a parameter is never empty */
            }
            char *name = bk_arena_strndup(req->arena, p + 1, name_len);
            char *value = bk_arena_strndup(req->arena, s, (size_t)(end - s));
            if (!name || !value) return false;
            req->param_names[n_params] = name;
            req->param_values[n_params] = value;
            n_params++;
            p = close + 1;
            s = end;
            continue;
        }
        if (*p != *s) return false;
        p++;
        s++;
    }
    if (*s == '/' && s[1] == '\0') s++;
    if (*s) return false;
    req->n_params = n_params;
    return true;
}

bool srv_route_match(srv_request *req) {
    req->route = NULL;
    req->n_params = 0;
    for (size_t t = 0; t < BK_ARRAY_LEN(tables); t++) {
        const srv_route_table *tab = tables[t];
        for (size_t i = 0; i < tab->n_routes; i++) {
            const srv_route *r = &tab->routes[i];
            if (strcmp(r->method, req->method) != 0) continue;
            if (match_pattern(req, r->pattern, req->path)) {
                req->route = r;
                return true;
            }
        }
    }
    return false;
}

/* Resolve "Authorization: Bearer <token>" into req->caller. */
static bk_status authenticate(srv_request *req, bk_error *err) {
    const char *auth = srv_header(req, "Authorization");
    if (!auth || !*auth)
        return bk_error_set(err, BK_UNAUTHENTICATED,
                            "Credential was not sent or was of an unsupported type for this API.");
    if (strncasecmp(auth, "Bearer ", 7) != 0)
        return bk_error_set(err, BK_UNAUTHENTICATED,
                            "Unsupported authorization scheme: use \"Authorization: Bearer"
                            " <personal access token>\".");
    const char *token = auth + 7;
    while (*token == ' ') token++;
    size_t len = strlen(token);
    while (len > 0 && token[len - 1] == ' ') len--;
    if (len == 0 || len > 512)
        return bk_error_set(err, BK_UNAUTHENTICATED, "Invalid access token.");
    BK_TRY(svc_token_authenticate(&req->ctx, token, len, &req->caller, err));
    req->authenticated = true;
    req->ctx.caller = &req->caller;
    return BK_OK;
}

void srv_dispatch(srv_request *req, srv_response *res) {
    bk_error err;
    bk_error_clear(&err);
    bk_status st = BK_OK;
    if (!req->route && !srv_route_match(req))
        st = bk_error_set(&err, BK_ENDPOINT_NOT_FOUND, "No API found for '%s %s'", req->method,
                          req->path);
    bool scim = req->route && (req->route->flags & SRV_SCIM);
    if (st == BK_OK) st = svc_ctx_begin(&req->ctx, req->env, req->arena, NULL, &err);
    if (st == BK_OK && !(req->route->flags & SRV_PUBLIC)) st = authenticate(req, &err);
    if (st == BK_OK) {
        st = req->route->handler(req, res, &err);
        if (st != BK_OK && err.code == BK_CODE_OK)
            bk_error_set(&err, st, "the request failed (%s)", bk_code_name(st));
    }
    svc_ctx_end(&req->ctx);
    if (st != BK_OK && !res->error_rendered) {
        if (bk_code_http_status(err.code) >= 500)
            bk_log_error("%s %s: %s", req->method, req->path, err.msg);
        srv_render_error(res, &err, scim);
    }
}
