/*
 * api_scim.c — SCIM 2.0 identity endpoints under /api/2.0/preview/scim/v2:
 * Me, Users, ServicePrincipals and Groups (create, get, list, replace, patch,
 * delete).  A service principal is stored as a user whose userName is its
 * applicationId (a UUID made on create when the client sends none).
 *
 * Each resource is rendered to its SCIM JSON form (jansson), which is also what
 * filters, projections and PATCH operate on; a PATCH is "render, apply the
 * operations, parse back, replace", so every attribute a client can read it can
 * also patch.  The implicit "users" group is not listed in a user's "groups" (every
 * user is in it), as in Databricks.
 *
 * Errors carry the Databricks fields (error_code, message) and the SCIM "schemas"
 * and "status" (see srv_render_error): the SDK picks its exception class from
 * error_code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/uuid.h"
#include "server/apis.h"
#include "server/json_in.h"
#include "server/json_out.h"
#include "server/scim.h"
#include "services/svc_identity.h"

#define SCIM_USER_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_USER_EXT_SCHEMA "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"
#define SCIM_GROUP_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCIM_SP_SCHEMA "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"

static void decref(void *p) { json_decref(p); }

static json_t *id_string(int64_t id) {
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, id);
    return json_string(buf);
}

/* Stored JSON array text as a value (NULL or unparsable: NULL). */
static json_t *stored_array(const char *text) {
    if (!text) return NULL;
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (v && !json_is_array(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static void set_opt_str(json_t *obj, const char *key, const char *v) {
    if (v) json_object_set_new(obj, key, json_string(v));
}

static json_t *ref_array(const svc_ref *refs, size_t n, int64_t skip_id, bool with_type) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        if (refs[i].id == skip_id) continue;
        json_t *e = json_object();
        json_object_set_new(e, "value", id_string(refs[i].id));
        set_opt_str(e, "display", refs[i].display);
        char ref[48];
        snprintf(ref, sizeof ref, "%s/%" PRId64, refs[i].is_group ? "Groups" : "Users", refs[i].id);
        json_object_set_new(e, "$ref", json_string(ref));
        if (with_type) json_object_set_new(e, "type", json_string("direct"));
        json_array_append_new(arr, e);
    }
    return arr;
}

static json_t *user_json(const svc_env *env, const svc_user *u) {
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", id_string(u->id));
    set_opt_str(o, "userName", u->user_name);
    set_opt_str(o, "displayName", u->display_name);
    json_object_set_new(o, "active", json_boolean(u->active));
    if (u->given_name || u->family_name) {
        json_t *name = json_object();
        set_opt_str(name, "givenName", u->given_name);
        set_opt_str(name, "familyName", u->family_name);
        json_object_set_new(o, "name", name);
    }
    set_opt_str(o, "externalId", u->external_id);
    json_t *emails = stored_array(u->emails);
    if (!emails && u->user_name && strchr(u->user_name, '@')) {
        /* Databricks users always have their userName as primary work e-mail. */
        emails = json_array();
        json_t *e = json_object();
        json_object_set_new(e, "value", json_string(u->user_name));
        json_object_set_new(e, "type", json_string("work"));
        json_object_set_new(e, "primary", json_true());
        json_array_append_new(emails, e);
    }
    if (emails) json_object_set_new(o, "emails", emails);
    json_object_set_new(o, "groups", ref_array(u->groups, u->n_groups, env->users_group_id, true));
    json_t *ent = stored_array(u->entitlements);
    if (ent) json_object_set_new(o, "entitlements", ent);
    json_t *roles = stored_array(u->roles);
    if (roles) json_object_set_new(o, "roles", roles);
    json_t *schemas = json_array();
    json_array_append_new(schemas, json_string(SCIM_USER_SCHEMA));
    json_array_append_new(schemas, json_string(SCIM_USER_EXT_SCHEMA));
    json_object_set_new(o, "schemas", schemas);
    return o;
}

static json_t *group_json(const svc_group *g) {
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", id_string(g->id));
    set_opt_str(o, "displayName", g->display_name);
    set_opt_str(o, "externalId", g->external_id);
    json_object_set_new(o, "members", ref_array(g->members, g->n_members, 0, false));
    json_object_set_new(o, "groups", ref_array(g->groups, g->n_groups, 0, true));
    json_t *ent = stored_array(g->entitlements);
    if (ent) json_object_set_new(o, "entitlements", ent);
    json_t *roles = stored_array(g->roles);
    if (roles) json_object_set_new(o, "roles", roles);
    json_t *meta = json_object();
    json_object_set_new(meta, "resourceType", json_string("Group"));
    json_object_set_new(o, "meta", meta);
    json_t *schemas = json_array();
    json_array_append_new(schemas, json_string(SCIM_GROUP_SCHEMA));
    json_object_set_new(o, "schemas", schemas);
    return o;
}

/* ---- parsing a resource body ---- */

static bk_status get_str(json_t *o, const char *key, const char **out, bk_error *err) {
    json_t *v = scim_attr(o, key, strlen(key));
    if (!v || json_is_null(v)) return BK_OK;
    if (!json_is_string(v))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid value for %s: expected a string",
                            key);
    *out = json_string_value(v);
    return BK_OK;
}

/* A multi-valued attribute as JSON text (NULL when absent or empty). */
static bk_status get_multi(bk_arena *a, json_t *o, const char *key, const char **out,
                           bk_error *err) {
    json_t *v = scim_attr(o, key, strlen(key));
    if (!v || json_is_null(v)) return BK_OK;
    if (!json_is_array(v))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid value for %s: expected an array",
                            key);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (!json_is_object(e))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Invalid value for %s: each element must be an object", key);
    }
    if (json_array_size(v) == 0) return BK_OK;
    *out = srv_json_dump(a, v);
    return *out ? BK_OK : bk_arena_oom(a, err);
}

/* active: a boolean, "true"/"false", or Databricks' [{"value": "false"}]. */
static bk_status get_active(json_t *o, bool *out, bk_error *err) {
    json_t *v = scim_attr(o, "active", 6);
    if (json_is_array(v) && json_array_size(v) == 1)
        v = scim_attr(json_array_get(v, 0), "value", 5);
    if (!v || json_is_null(v)) return BK_OK;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return BK_OK;
    }
    if (json_is_string(v) && strcasecmp(json_string_value(v), "true") == 0) {
        *out = true;
        return BK_OK;
    }
    if (json_is_string(v) && strcasecmp(json_string_value(v), "false") == 0) {
        *out = false;
        return BK_OK;
    }
    return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid value for active: expected a boolean");
}

/* [{"value": "<id>"}, …] into refs in the arena. */
static bk_status get_refs(bk_arena *a, json_t *o, const char *key, svc_ref **out, size_t *n,
                          bk_error *err) {
    *out = NULL;
    *n = 0;
    json_t *v = scim_attr(o, key, strlen(key));
    if (!v || json_is_null(v)) return BK_OK;
    if (!json_is_array(v))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid value for %s: expected an array",
                            key);
    size_t count = json_array_size(v);
    if (count == 0) return BK_OK;
    svc_ref *refs = bk_arena_array(a, count, sizeof *refs);
    if (!refs) return bk_arena_oom(a, err);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        json_t *val = scim_attr(e, "value", 5);
        int64_t id = 0;
        bool ok = false;
        if (json_is_string(val)) {
            const char *s = json_string_value(val);
            ok = bk_parse_i64(s, strlen(s), &id);
        } else if (json_is_integer(val)) {
            id = (int64_t)json_integer_value(val);
            ok = true;
        }
        if (!ok)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "Invalid value for %s: each element needs a \"value\" with an id",
                                key);
        refs[i] = (svc_ref){.id = id};
    }
    *out = refs;
    *n = count;
    return BK_OK;
}

static bk_status parse_user(bk_arena *a, json_t *o, svc_user *u, bk_error *err) {
    memset(u, 0, sizeof *u);
    u->active = true;
    BK_TRY(get_str(o, "userName", &u->user_name, err));
    BK_TRY(get_str(o, "displayName", &u->display_name, err));
    BK_TRY(get_str(o, "externalId", &u->external_id, err));
    json_t *name = scim_attr(o, "name", 4);
    if (name && !json_is_null(name)) {
        if (!json_is_object(name))
            return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid value for name: expected an"
                                                          " object");
        BK_TRY(get_str(name, "givenName", &u->given_name, err));
        BK_TRY(get_str(name, "familyName", &u->family_name, err));
    }
    BK_TRY(get_active(o, &u->active, err));
    BK_TRY(get_multi(a, o, "emails", &u->emails, err));
    BK_TRY(get_multi(a, o, "entitlements", &u->entitlements, err));
    BK_TRY(get_multi(a, o, "roles", &u->roles, err));
    return get_refs(a, o, "groups", &u->groups, &u->n_groups, err);
}

static json_t *sp_json(const svc_env *env, const svc_user *u) {
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", id_string(u->id));
    set_opt_str(o, "applicationId", u->application_id);
    set_opt_str(o, "displayName", u->display_name);
    json_object_set_new(o, "active", json_boolean(u->active));
    set_opt_str(o, "externalId", u->external_id);
    json_object_set_new(o, "groups", ref_array(u->groups, u->n_groups, env->users_group_id, true));
    json_t *ent = stored_array(u->entitlements);
    if (ent) json_object_set_new(o, "entitlements", ent);
    json_t *roles = stored_array(u->roles);
    if (roles) json_object_set_new(o, "roles", roles);
    json_t *schemas = json_array();
    json_array_append_new(schemas, json_string(SCIM_SP_SCHEMA));
    json_object_set_new(o, "schemas", schemas);
    return o;
}

static bk_status parse_sp(bk_arena *a, json_t *o, svc_user *u, bk_error *err) {
    memset(u, 0, sizeof *u);
    u->active = true;
    BK_TRY(get_str(o, "applicationId", &u->application_id, err));
    BK_TRY(get_str(o, "displayName", &u->display_name, err));
    BK_TRY(get_str(o, "externalId", &u->external_id, err));
    BK_TRY(get_active(o, &u->active, err));
    BK_TRY(get_multi(a, o, "entitlements", &u->entitlements, err));
    BK_TRY(get_multi(a, o, "roles", &u->roles, err));
    return get_refs(a, o, "groups", &u->groups, &u->n_groups, err);
}

static bk_status parse_group(bk_arena *a, json_t *o, svc_group *g, bk_error *err) {
    memset(g, 0, sizeof *g);
    BK_TRY(get_str(o, "displayName", &g->display_name, err));
    BK_TRY(get_str(o, "externalId", &g->external_id, err));
    BK_TRY(get_multi(a, o, "entitlements", &g->entitlements, err));
    BK_TRY(get_multi(a, o, "roles", &g->roles, err));
    return get_refs(a, o, "members", &g->members, &g->n_members, err);
}

/* ---- helpers ---- */

static bk_status path_id(srv_request *req, const char *kind, int64_t *id, bk_error *err) {
    const char *s = srv_path_param(req, "id");
    if (!s || !bk_parse_i64(s, strlen(s), id) || *id <= 0)
        return bk_error_set(err, BK_NOT_FOUND, "%s %s does not exist.", kind, s ? s : "");
    return BK_OK;
}

/* Hand `v` (a new reference, may be NULL on OOM) to the request's arena. */
static bk_status own(srv_request *req, json_t *v, bk_error *err) {
    if (!v) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    if (!bk_arena_own(req->arena, decref, v)) {
        json_decref(v);
        return bk_arena_oom(req->arena, err);
    }
    return BK_OK;
}

static bk_status respond_group(srv_request *req, srv_response *res, const svc_group *g,
                               bk_error *err) {
    json_t *o = group_json(g);
    BK_TRY(own(req, o, err));
    return scim_resource_respond(req, res, o, err);
}

/* ---- Users and service principals ---- */

/*
 * The two resource types share the handlers below: `sp` selects the service
 * principal form (its JSON, its 404 for the other kind).
 */

static json_t *principal_json(const svc_env *env, const svc_user *u) {
    return u->application_id ? sp_json(env, u) : user_json(env, u);
}

static bk_status parse_principal(srv_request *req, json_t *o, bool sp, svc_user *u,
                                 bk_error *err) {
    if (!sp) return parse_user(req->arena, o, u, err);
    BK_TRY(parse_sp(req->arena, o, u, err));
    return BK_OK;
}

/* The principal `id` of the kind the endpoint serves; the other kind is not found. */
static bk_status get_kind(srv_request *req, int64_t id, bool sp, svc_user **out,
                          bk_error *err) {
    const char *label = sp ? "Service principal" : "User";
    bk_status st = svc_user_get(&req->ctx, id, out, err);
    if (st == BK_NOT_FOUND) {
        bk_error_reset(err, BK_NOT_FOUND, "%s %lld does not exist.", label, (long long)id);
        return st;
    }
    BK_TRY(st);
    if (((*out)->application_id != NULL) != sp)
        return bk_error_set(err, BK_NOT_FOUND, "%s %lld does not exist.", label, (long long)id);
    return BK_OK;
}

static bk_status respond_principal(srv_request *req, srv_response *res, const svc_user *u,
                                   bk_error *err) {
    json_t *o = principal_json(req->env, u);
    BK_TRY(own(req, o, err));
    return scim_resource_respond(req, res, o, err);
}

static bk_status principal_create(srv_request *req, srv_response *res, bool sp, bk_error *err) {
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    svc_user in;
    BK_TRY(parse_principal(req, body, sp, &in, err));
    if (sp && !in.application_id) {
        char *uuid = bk_arena_alloc(req->arena, 37);
        if (!uuid) return bk_arena_oom(req->arena, err);
        bk_uuid_v4_text(uuid);
        in.application_id = uuid;
    }
    if (sp) in.user_name = in.application_id;
    svc_user *u = NULL;
    BK_TRY(svc_user_create(&req->ctx, &in, &u, err));
    res->status = 201;
    return respond_principal(req, res, u, err);
}

static bk_status principal_get(srv_request *req, srv_response *res, bool sp, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, sp ? "Service principal" : "User", &id, err));
    svc_user *u = NULL;
    BK_TRY(get_kind(req, id, sp, &u, err));
    return respond_principal(req, res, u, err);
}

static bk_status principal_list(srv_request *req, srv_response *res, bool sp, bk_error *err) {
    svc_user *users = NULL;
    size_t n = 0;
    BK_TRY(svc_user_list(&req->ctx, sp, &users, &n, err));
    json_t *arr = json_array();
    if (!arr) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, principal_json(req->env, &users[i]));
    return scim_list_respond(req, res, arr, err);
}

/* Parse `o` as the new state of `old` and store it (PUT and the end of PATCH). */
static bk_status principal_store(srv_request *req, srv_response *res, svc_user *old, json_t *o,
                                 bk_error *err) {
    bool sp = old->application_id != NULL;
    svc_user in;
    BK_TRY(parse_principal(req, o, sp, &in, err));
    if (sp) {
        if (!in.application_id) in.application_id = old->application_id;
        if (strcmp(in.application_id, old->application_id) != 0)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "the applicationId of a service principal cannot change");
        in.user_name = in.application_id;
    }
    BK_TRY(svc_user_replace(&req->ctx, old->id, &in, err));
    svc_user *u = NULL;
    BK_TRY(svc_user_get(&req->ctx, old->id, &u, err));
    return respond_principal(req, res, u, err);
}

static bk_status principal_put(srv_request *req, srv_response *res, bool sp, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, sp ? "Service principal" : "User", &id, err));
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    BK_TRY(svc_require_admin(&req->ctx, sp ? "update service principals" : "update users", err));
    svc_user *old = NULL;
    BK_TRY(get_kind(req, id, sp, &old, err));
    return principal_store(req, res, old, body, err);
}

static bk_status principal_patch(srv_request *req, srv_response *res, bool sp, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, sp ? "Service principal" : "User", &id, err));
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    BK_TRY(svc_require_admin(&req->ctx, sp ? "update service principals" : "update users", err));
    svc_user *old = NULL;
    BK_TRY(get_kind(req, id, sp, &old, err));
    json_t *o = principal_json(req->env, old);
    BK_TRY(own(req, o, err));
    BK_TRY(scim_patch_apply(req->arena, o, body, err));
    return principal_store(req, res, old, o, err);
}

static bk_status principal_delete(srv_request *req, srv_response *res, bool sp, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, sp ? "Service principal" : "User", &id, err));
    BK_TRY(svc_require_admin(&req->ctx, sp ? "delete service principals" : "delete users", err));
    svc_user *old = NULL;
    BK_TRY(get_kind(req, id, sp, &old, err));
    BK_TRY(svc_user_delete(&req->ctx, id, err));
    res->status = 204;
    return BK_OK;
}

#define KIND_HANDLERS(prefix, sp)                                                                \
    static bk_status prefix##_create(srv_request *req, srv_response *res, bk_error *err) {       \
        return principal_create(req, res, sp, err);                                              \
    }                                                                                            \
    static bk_status prefix##_get(srv_request *req, srv_response *res, bk_error *err) {          \
        return principal_get(req, res, sp, err);                                                 \
    }                                                                                            \
    static bk_status prefix##_list(srv_request *req, srv_response *res, bk_error *err) {         \
        return principal_list(req, res, sp, err);                                                \
    }                                                                                            \
    static bk_status prefix##_put(srv_request *req, srv_response *res, bk_error *err) {          \
        return principal_put(req, res, sp, err);                                                 \
    }                                                                                            \
    static bk_status prefix##_patch(srv_request *req, srv_response *res, bk_error *err) {        \
        return principal_patch(req, res, sp, err);                                               \
    }                                                                                            \
    static bk_status prefix##_delete(srv_request *req, srv_response *res, bk_error *err) {       \
        return principal_delete(req, res, sp, err);                                              \
    }

KIND_HANDLERS(user, false)
KIND_HANDLERS(sp, true)

/* ---- Me ---- */

/* A stored JSON array as user_json has it (re-dumped; unparsable: left out). */
static void stream_stored_array(srv_request *req, srv_json *j, const char *key,
                                const char *text) {
    if (!text) return;
    json_t *v = stored_array(text);
    if (!v) return;
    char *dumped = srv_json_dump(req->arena, v);
    json_decref(v);
    if (dumped) srv_json_kv_raw(j, key, dumped);
}

/*
 * The same JSON as user_json + srv_json_dump, written with the streaming writer:
 * Me is asked for on every SDK start, and the jansson tree was most of its cost.
 * Used when no projection (attributes, excludedAttributes) is asked for.
 */
static bk_status stream_user(srv_request *req, srv_response *res, const svc_user *u,
                             bk_error *err) {
    srv_json j;
    bk_buf_clear(&res->body);
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_id(&j, "id", u->id);
    srv_json_kv_str(&j, "userName", u->user_name);
    srv_json_kv_str(&j, "displayName", u->display_name);
    srv_json_kv_bool(&j, "active", u->active);
    if (u->given_name || u->family_name) {
        srv_json_key(&j, "name");
        srv_json_obj(&j);
        srv_json_kv_str(&j, "givenName", u->given_name);
        srv_json_kv_str(&j, "familyName", u->family_name);
        srv_json_end(&j);
    }
    srv_json_kv_str(&j, "externalId", u->external_id);
    json_t *emails = stored_array(u->emails);
    if (emails) {
        char *dumped = srv_json_dump(req->arena, emails);
        json_decref(emails);
        if (dumped) srv_json_kv_raw(&j, "emails", dumped);
    } else if (u->user_name && strchr(u->user_name, '@')) {
        srv_json_key(&j, "emails");
        srv_json_arr(&j);
        srv_json_obj(&j);
        srv_json_kv_str(&j, "value", u->user_name);
        srv_json_kv_str(&j, "type", "work");
        srv_json_kv_bool(&j, "primary", true);
        srv_json_end(&j);
        srv_json_end(&j);
    }
    srv_json_key(&j, "groups");
    srv_json_arr(&j);
    for (size_t i = 0; i < u->n_groups; i++) {
        const svc_ref *r = &u->groups[i];
        if (r->id == req->env->users_group_id) continue;
        char ref[48];
        snprintf(ref, sizeof ref, "%s/%" PRId64, r->is_group ? "Groups" : "Users", r->id);
        srv_json_obj(&j);
        srv_json_kv_id(&j, "value", r->id);
        srv_json_kv_str(&j, "display", r->display);
        srv_json_kv_str(&j, "$ref", ref);
        srv_json_kv_str(&j, "type", "direct");
        srv_json_end(&j);
    }
    srv_json_end(&j);
    stream_stored_array(req, &j, "entitlements", u->entitlements);
    stream_stored_array(req, &j, "roles", u->roles);
    srv_json_key(&j, "schemas");
    srv_json_arr(&j);
    srv_json_str(&j, SCIM_USER_SCHEMA);
    srv_json_str(&j, SCIM_USER_EXT_SCHEMA);
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

static bk_status me(srv_request *req, srv_response *res, bk_error *err) {
    svc_user *u = NULL;
    BK_TRY(svc_user_get(&req->ctx, req->caller.user_id, &u, err));
    char *org = bk_arena_printf(req->arena, "%" PRId64, req->env->workspace_id);
    if (org) srv_response_header(res, "X-Databricks-Org-Id", org);
    /* Always the User form: a service principal's userName is its applicationId. */
    if (!srv_query(req, "attributes") && !srv_query(req, "excludedAttributes"))
        return stream_user(req, res, u, err);
    json_t *o = user_json(req->env, u);
    BK_TRY(own(req, o, err));
    return scim_resource_respond(req, res, o, err);
}

/* ---- Groups ---- */

static bk_status group_create(srv_request *req, srv_response *res, bk_error *err) {
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    svc_group in;
    BK_TRY(parse_group(req->arena, body, &in, err));
    svc_group *g = NULL;
    BK_TRY(svc_group_create(&req->ctx, &in, &g, err));
    res->status = 201;
    return respond_group(req, res, g, err);
}

static bk_status group_get(srv_request *req, srv_response *res, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, "Group", &id, err));
    svc_group *g = NULL;
    BK_TRY(svc_group_get(&req->ctx, id, &g, err));
    return respond_group(req, res, g, err);
}

static bk_status group_list(srv_request *req, srv_response *res, bk_error *err) {
    svc_group *groups = NULL;
    size_t n = 0;
    BK_TRY(svc_group_list(&req->ctx, &groups, &n, err));
    json_t *arr = json_array();
    if (!arr) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, group_json(&groups[i]));
    return scim_list_respond(req, res, arr, err);
}

static bk_status group_put(srv_request *req, srv_response *res, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, "Group", &id, err));
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    svc_group in;
    BK_TRY(parse_group(req->arena, body, &in, err));
    BK_TRY(svc_group_replace(&req->ctx, id, &in, err));
    svc_group *g = NULL;
    BK_TRY(svc_group_get(&req->ctx, id, &g, err));
    return respond_group(req, res, g, err);
}

static bk_status group_patch(srv_request *req, srv_response *res, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, "Group", &id, err));
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    BK_TRY(svc_require_admin(&req->ctx, "update groups", err));
    svc_group *g = NULL;
    BK_TRY(svc_group_get(&req->ctx, id, &g, err));
    json_t *o = group_json(g);
    BK_TRY(own(req, o, err));
    BK_TRY(scim_patch_apply(req->arena, o, body, err));
    svc_group in;
    BK_TRY(parse_group(req->arena, o, &in, err));
    BK_TRY(svc_group_replace(&req->ctx, id, &in, err));
    BK_TRY(svc_group_get(&req->ctx, id, &g, err));
    return respond_group(req, res, g, err);
}

static bk_status group_delete(srv_request *req, srv_response *res, bk_error *err) {
    int64_t id;
    BK_TRY(path_id(req, "Group", &id, err));
    BK_TRY(svc_group_delete(&req->ctx, id, err));
    res->status = 204;
    return BK_OK;
}

#define SCIM "/api/2.0/preview/scim/v2"

static const srv_route routes[] = {
    {"GET", SCIM "/Me", me, SRV_SCIM, 0},
    {"POST", SCIM "/Users", user_create, SRV_SCIM, 0},
    {"GET", SCIM "/Users", user_list, SRV_SCIM, 0},
    {"GET", SCIM "/Users/{id}", user_get, SRV_SCIM, 0},
    {"PUT", SCIM "/Users/{id}", user_put, SRV_SCIM, 0},
    {"PATCH", SCIM "/Users/{id}", user_patch, SRV_SCIM, 0},
    {"DELETE", SCIM "/Users/{id}", user_delete, SRV_SCIM, 0},
    {"POST", SCIM "/ServicePrincipals", sp_create, SRV_SCIM, 0},
    {"GET", SCIM "/ServicePrincipals", sp_list, SRV_SCIM, 0},
    {"GET", SCIM "/ServicePrincipals/{id}", sp_get, SRV_SCIM, 0},
    {"PUT", SCIM "/ServicePrincipals/{id}", sp_put, SRV_SCIM, 0},
    {"PATCH", SCIM "/ServicePrincipals/{id}", sp_patch, SRV_SCIM, 0},
    {"DELETE", SCIM "/ServicePrincipals/{id}", sp_delete, SRV_SCIM, 0},
    {"POST", SCIM "/Groups", group_create, SRV_SCIM, 0},
    {"GET", SCIM "/Groups", group_list, SRV_SCIM, 0},
    {"GET", SCIM "/Groups/{id}", group_get, SRV_SCIM, 0},
    {"PUT", SCIM "/Groups/{id}", group_put, SRV_SCIM, 0},
    {"PATCH", SCIM "/Groups/{id}", group_patch, SRV_SCIM, 0},
    {"DELETE", SCIM "/Groups/{id}", group_delete, SRV_SCIM, 0},
};

const srv_route_table srv_api_scim = {"scim", routes, BK_ARRAY_LEN(routes)};
