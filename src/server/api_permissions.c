/*
 * api_permissions.c — the generic Permissions API:
 *
 *     GET   /api/2.0/permissions/{request_object_type}/{id}
 *     PUT   /api/2.0/permissions/{request_object_type}/{id}      replace direct grants
 *     PATCH /api/2.0/permissions/{request_object_type}/{id}      merge grants
 *     GET   /api/2.0/permissions/{request_object_type}/{id}/permissionLevels
 *
 * which w.permissions.* and the per-service wrappers (w.workspace.get_permissions,
 * later w.clusters.set_permissions …) call.  Object types and their levels live in
 * services/svc_permissions.c; this file only reads and writes JSON.
 */
#include <string.h>

#include "server/apis.h"
#include "server/json_in.h"
#include "server/json_out.h"
#include "services/svc_permissions.h"

static void write_acl(srv_json *j, const svc_perm_acl *acl) {
    srv_json_obj(j);
    srv_json_kv_str(j, "object_id", acl->object_id);
    srv_json_kv_str(j, "object_type", acl->object_type);
    srv_json_key(j, "access_control_list");
    srv_json_arr(j);
    for (size_t i = 0; i < acl->n_entries; i++) {
        const svc_perm_entry *e = &acl->entries[i];
        srv_json_obj(j);
        srv_json_kv_str(j, "user_name", e->user_name);
        srv_json_kv_str(j, "group_name", e->group_name);
        srv_json_kv_str(j, "display_name", e->display_name);
        srv_json_key(j, "all_permissions");
        srv_json_arr(j);
        for (size_t k = 0; k < e->n_perms; k++) {
            const svc_perm_level_of *p = &e->perms[k];
            srv_json_obj(j);
            srv_json_kv_str(j, "permission_level", p->level);
            srv_json_kv_bool(j, "inherited", p->inherited);
            if (p->inherited && p->inherited_from) {
                srv_json_key(j, "inherited_from_object");
                srv_json_arr(j);
                srv_json_str(j, p->inherited_from);
                srv_json_end(j);
            }
            srv_json_end(j);
        }
        srv_json_end(j);
        srv_json_end(j);
    }
    srv_json_end(j);
    srv_json_end(j);
}

/* GET /api/2.0/permissions/{type}/{id} */
static bk_status perm_get(srv_request *req, srv_response *res, bk_error *err) {
    svc_perm_acl acl;
    BK_TRY(svc_perm_get(&req->ctx, srv_path_param(req, "type"), srv_path_param(req, "id"), &acl,
                        err));
    srv_json j;
    srv_json_init(&j, &res->body);
    write_acl(&j, &acl);
    return srv_json_status(&j, err);
}

/* The access_control_list of a PUT/PATCH body. */
static bk_status read_grants(srv_request *req, svc_perm_grant **out, size_t *n, bk_error *err) {
    json_t *body, *list = NULL;
    BK_TRY(srv_json_body(req, &body, err));
    BK_TRY(srv_json_get_arr(body, "access_control_list", false, &list, err));
    *out = NULL;
    *n = list ? json_array_size(list) : 0;
    if (!*n) return BK_OK;
    *out = bk_arena_array(req->arena, *n, sizeof **out);
    if (!*out) return bk_arena_oom(req->arena, err);
    for (size_t i = 0; i < *n; i++) {
        json_t *e = json_array_get(list, i);
        if (!json_is_object(e))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "access_control_list[%zu] is not an object", i);
        svc_perm_grant *g = &(*out)[i];
        memset(g, 0, sizeof *g);
        BK_TRY(srv_json_get_str(e, "user_name", false, &g->user_name, err));
        BK_TRY(srv_json_get_str(e, "group_name", false, &g->group_name, err));
        BK_TRY(srv_json_get_str(e, "service_principal_name", false, &g->sp_name, err));
        BK_TRY(srv_json_get_str(e, "permission_level", true, &g->level, err));
    }
    return BK_OK;
}

static bk_status perm_write(srv_request *req, srv_response *res, bool replace, bk_error *err) {
    svc_perm_grant *grants;
    size_t n;
    BK_TRY(read_grants(req, &grants, &n, err));
    svc_perm_acl acl;
    BK_TRY(svc_perm_set(&req->ctx, srv_path_param(req, "type"), srv_path_param(req, "id"), grants,
                        n, replace, &acl, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    write_acl(&j, &acl);
    return srv_json_status(&j, err);
}

/* PUT /api/2.0/permissions/{type}/{id} */
static bk_status perm_set(srv_request *req, srv_response *res, bk_error *err) {
    return perm_write(req, res, true, err);
}

/* PATCH /api/2.0/permissions/{type}/{id} */
static bk_status perm_update(srv_request *req, srv_response *res, bk_error *err) {
    return perm_write(req, res, false, err);
}

/* GET /api/2.0/permissions/{type}/{id}/permissionLevels */
static bk_status perm_levels(srv_request *req, srv_response *res, bk_error *err) {
    const svc_perm_type *t;
    BK_TRY(svc_perm_levels(&req->ctx, srv_path_param(req, "type"), srv_path_param(req, "id"), &t,
                           err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "permission_levels");
    srv_json_arr(&j);
    for (size_t i = 0; i < t->n_levels; i++) {
        srv_json_obj(&j);
        srv_json_kv_str(&j, "permission_level", t->levels[i]);
        srv_json_kv_str(&j, "description", t->descriptions[i]);
        srv_json_end(&j);
    }
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

static const srv_route routes[] = {
    {"GET", "/api/2.0/permissions/{type}/{id}/permissionLevels", perm_levels, 0, 0},
    {"GET", "/api/2.0/permissions/{type}/{id}", perm_get, 0, 0},
    {"PUT", "/api/2.0/permissions/{type}/{id}", perm_set, 0, 0},
    {"PATCH", "/api/2.0/permissions/{type}/{id}", perm_update, 0, 0},
};

const srv_route_table srv_api_permissions = {"permissions", routes, BK_ARRAY_LEN(routes)};
