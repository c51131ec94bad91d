/*
 * api_secrets.c — the Secrets API (/api/2.0/secrets/…): scopes, secrets and scope
 * ACLs, as databricks-sdk's w.secrets sends and reads them.
 *
 * Shapes: scopes/list → {"scopes": [{name, backend_type}]}; list →
 * {"secrets": [{key, last_updated_timestamp}]} (never a value); get →
 * {"key", "value": base64 of the value's bytes}; acls/list → {"items": [{principal,
 * permission}]} (the SDK reads "items"); acls/get → {principal, permission}.  A put
 * carries string_value (stored as its UTF-8 bytes) or bytes_value (base64): exactly
 * one.  Mutations reply {}.
 *
 * Redaction: no handler logs or echoes a value; errors about a value name only its
 * size or its field.
 */
#include <sodium.h>
#include <string.h>

#include "server/apis.h"
#include "server/json_in.h"
#include "server/json_out.h"
#include "services/svc_secrets.h"

/* Large enough for a 128 KB value in base64 with JSON escapes; beyond it, 413. */
#define PUT_MAX_BODY ((size_t)1 << 20)

/* A required query parameter (GET routes). */
static bk_status query_required(srv_request *req, const char *key, const char **out,
                                bk_error *err) {
    *out = srv_query(req, key);
    if (*out && **out) return BK_OK;
    return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: %s", key);
}

/* POST /api/2.0/secrets/scopes/create */
static bk_status scope_create(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *scope = NULL, *manager = NULL, *backend = NULL;
    BK_TRY(srv_json_get_str(body, "scope", true, &scope, err));
    BK_TRY(srv_json_get_str(body, "initial_manage_principal", false, &manager, err));
    BK_TRY(srv_json_get_str(body, "scope_backend_type", false, &backend, err));
    json_t *akv = json_object_get(body, "backend_azure_keyvault");
    if (!backend && json_is_object(akv) && json_object_size(akv) > 0) backend = "AZURE_KEYVAULT";
    return svc_secret_scope_create(&req->ctx, scope, manager, backend, err);
}

/* GET /api/2.0/secrets/scopes/list */
static bk_status scope_list(srv_request *req, srv_response *res, bk_error *err) {
    svc_secret_scope *scopes;
    size_t n;
    BK_TRY(svc_secret_scope_list(&req->ctx, &scopes, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "scopes");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        srv_json_obj(&j);
        srv_json_kv_str(&j, "name", scopes[i].name);
        srv_json_kv_str(&j, "backend_type", scopes[i].backend);
        srv_json_end(&j);
    }
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/secrets/scopes/delete {scope} */
static bk_status scope_delete(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *scope = NULL;
    BK_TRY(srv_json_get_str(body, "scope", true, &scope, err));
    return svc_secret_scope_delete(&req->ctx, scope, err);
}

/*
 * The value of a put: string_value's bytes, or bytes_value decoded from base64
 * (standard alphabet, padding optional, whitespace ignored).  Exactly one.
 */
static bk_status put_value(srv_request *req, json_t *body, const uint8_t **value, size_t *len,
                           bk_error *err) {
    json_t *sv = json_object_get(body, "string_value");
    json_t *bv = json_object_get(body, "bytes_value");
    if (json_is_null(sv)) sv = NULL;
    if (json_is_null(bv)) bv = NULL;
    if (sv && bv)
        return bk_error_set(err, BK_MALFORMED_REQUEST,
                            "Specify exactly one of string_value and bytes_value, not both");
    if (!sv && !bv)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Missing required field: string_value or bytes_value");
    json_t *v = sv ? sv : bv;
    const char *field = sv ? "string_value" : "bytes_value";
    if (!json_is_string(v))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Invalid %s: expected a string", field);
    const char *text = json_string_value(v);
    size_t text_len = json_string_length(v);
    if (sv) {
        *value = (const uint8_t *)text;
        *len = text_len;
        return BK_OK;
    }
    size_t cap = text_len / 4 * 3 + 3;
    uint8_t *bin = bk_arena_alloc(req->arena, cap + 1);
    if (!bin) return bk_arena_oom(req->arena, err);
    size_t bin_len = 0;
    const char *end = NULL;
    int variant = memchr(text, '=', text_len) ? sodium_base64_VARIANT_ORIGINAL
                                              : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
    if (sodium_base642bin(bin, cap, text, text_len, " \t\r\n", &bin_len, &end, variant) != 0 ||
        (end && end != text + text_len))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid bytes_value: it must be base64 (standard alphabet)");
    *value = bin;
    *len = bin_len;
    return BK_OK;
}

/* POST /api/2.0/secrets/put {scope, key, string_value | bytes_value} */
static bk_status secret_put(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *scope = NULL, *key = NULL;
    BK_TRY(srv_json_get_str(body, "scope", true, &scope, err));
    BK_TRY(srv_json_get_str(body, "key", true, &key, err));
    const uint8_t *value = NULL;
    size_t len = 0;
    BK_TRY(put_value(req, body, &value, &len, err));
    return svc_secret_put(&req->ctx, scope, key, value, len, err);
}

/* GET /api/2.0/secrets/list?scope= */
static bk_status secret_list(srv_request *req, srv_response *res, bk_error *err) {
    const char *scope;
    BK_TRY(query_required(req, "scope", &scope, err));
    svc_secret_meta *keys;
    size_t n;
    BK_TRY(svc_secret_list(&req->ctx, scope, &keys, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "secrets");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        srv_json_obj(&j);
        srv_json_kv_str(&j, "key", keys[i].key);
        srv_json_kv_i64(&j, "last_updated_timestamp", keys[i].updated_ms);
        srv_json_end(&j);
    }
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/secrets/delete {scope, key} */
static bk_status secret_delete(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *scope = NULL, *key = NULL;
    BK_TRY(srv_json_get_str(body, "scope", true, &scope, err));
    BK_TRY(srv_json_get_str(body, "key", true, &key, err));
    return svc_secret_delete(&req->ctx, scope, key, err);
}

/* GET /api/2.0/secrets/get?scope=&key= → {key, value: base64} */
static bk_status secret_get(srv_request *req, srv_response *res, bk_error *err) {
    const char *scope, *key;
    BK_TRY(query_required(req, "scope", &scope, err));
    BK_TRY(query_required(req, "key", &key, err));
    uint8_t *value;
    size_t len;
    BK_TRY(svc_secret_get(&req->ctx, scope, key, &value, &len, err));
    size_t b64_cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = bk_arena_alloc(req->arena, b64_cap);
    if (!b64) return bk_arena_oom(req->arena, err);
    sodium_bin2base64(b64, b64_cap, value, len, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(value, len);
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "key", key);
    srv_json_kv_str(&j, "value", b64);
    srv_json_end(&j);
    sodium_memzero(b64, b64_cap);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/secrets/acls/put {scope, principal, permission} */
static bk_status acl_put(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *scope = NULL, *principal = NULL, *perm_text = NULL;
    BK_TRY(srv_json_get_str(body, "scope", true, &scope, err));
    BK_TRY(srv_json_get_str(body, "principal", true, &principal, err));
    BK_TRY(srv_json_get_str(body, "permission", true, &perm_text, err));
    svc_secret_perm perm;
    if (!svc_secret_perm_parse(perm_text, &perm))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid permission \"%.40s\": use READ, WRITE or MANAGE", perm_text);
    return svc_secret_acl_put(&req->ctx, scope, principal, perm, err);
}

static void write_acl(srv_json *j, const svc_secret_acl *a) {
    srv_json_obj(j);
    srv_json_kv_str(j, "principal", a->principal);
    srv_json_kv_str(j, "permission", svc_secret_perm_name(a->perm));
    srv_json_end(j);
}

/* GET /api/2.0/secrets/acls/get?scope=&principal= */
static bk_status acl_get(srv_request *req, srv_response *res, bk_error *err) {
    const char *scope, *principal;
    BK_TRY(query_required(req, "scope", &scope, err));
    BK_TRY(query_required(req, "principal", &principal, err));
    svc_secret_acl acl;
    BK_TRY(svc_secret_acl_get(&req->ctx, scope, principal, &acl, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    write_acl(&j, &acl);
    return srv_json_status(&j, err);
}

/* GET /api/2.0/secrets/acls/list?scope= */
static bk_status acl_list(srv_request *req, srv_response *res, bk_error *err) {
    const char *scope;
    BK_TRY(query_required(req, "scope", &scope, err));
    svc_secret_acl *acls;
    size_t n;
    BK_TRY(svc_secret_acl_list(&req->ctx, scope, &acls, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "items");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) write_acl(&j, &acls[i]);
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/secrets/acls/delete {scope, principal} */
static bk_status acl_delete(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *scope = NULL, *principal = NULL;
    BK_TRY(srv_json_get_str(body, "scope", true, &scope, err));
    BK_TRY(srv_json_get_str(body, "principal", true, &principal, err));
    return svc_secret_acl_delete(&req->ctx, scope, principal, err);
}

static const srv_route routes[] = {
    {"POST", "/api/2.0/secrets/scopes/create", scope_create, 0, 0},
    {"GET", "/api/2.0/secrets/scopes/list", scope_list, 0, 0},
    {"POST", "/api/2.0/secrets/scopes/delete", scope_delete, 0, 0},
    {"POST", "/api/2.0/secrets/put", secret_put, 0, PUT_MAX_BODY},
    {"GET", "/api/2.0/secrets/list", secret_list, 0, 0},
    {"POST", "/api/2.0/secrets/delete", secret_delete, 0, 0},
    {"GET", "/api/2.0/secrets/get", secret_get, 0, 0},
    {"POST", "/api/2.0/secrets/acls/put", acl_put, 0, 0},
    {"GET", "/api/2.0/secrets/acls/get", acl_get, 0, 0},
    {"GET", "/api/2.0/secrets/acls/list", acl_list, 0, 0},
    {"POST", "/api/2.0/secrets/acls/delete", acl_delete, 0, 0},
};

const srv_route_table srv_api_secrets = {"secrets", routes, BK_ARRAY_LEN(routes)};
