/*
 * api_health.c — the unauthenticated endpoints: GET /health and the SDK's start-up
 * probe GET /.well-known/databricks-config.
 *
 * The probe answers with the workspace id only: no oidc_endpoint, because Bricks
 * authenticates with personal access tokens and an OIDC discovery URL would make
 * OAuth-capable clients try it.
 */
#include <inttypes.h>

#include "server/apis.h"
#include "server/json_out.h"

static bk_status health(srv_request *req, srv_response *res, bk_error *err) {
    (void)req;
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "status", "ok");
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

static bk_status databricks_config(srv_request *req, srv_response *res, bk_error *err) {
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_id(&j, "workspace_id", req->env->workspace_id);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

static const srv_route routes[] = {
    {"GET", "/health", health, SRV_PUBLIC, 0},
    {"GET", "/.well-known/databricks-config", databricks_config, SRV_PUBLIC, 0},
};

const srv_route_table srv_api_health = {"health", routes, BK_ARRAY_LEN(routes)};
