/*
 * request.c — srv_request / srv_response construction and accessors, query-string
 * decoding, and the Databricks error reply.
 */
#include "server/request.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"
#include "server/json_out.h"

srv_request *srv_request_new(svc_env *env, const char *method, const char *path) {
    bk_arena *a = bk_arena_new(NULL, "request", 0);
    if (!a) return NULL;
    srv_request *req = bk_arena_zalloc(a, sizeof *req);
    if (!req) {
        bk_arena_free(a);
        return NULL;
    }
    req->arena = a;
    req->env = env;
    req->method = bk_arena_strdup(a, method ? method : "");
    req->path = bk_arena_strdup(a, path ? path : "");
    req->body = "";
    if (!req->method || !req->path) {
        bk_arena_free(a);
        return NULL;
    }
    return req;
}

void srv_request_free(srv_request *req) {
    if (req) bk_arena_free(req->arena);
}

void srv_response_init(srv_response *res) {
    memset(res, 0, sizeof *res);
    res->status = 200;
    res->content_type = "application/json";
    bk_buf_init(&res->body);
}

void srv_response_destroy(srv_response *res) {
    bk_buf_destroy(&res->body);
    if (res->has_body_fd) close(res->body_fd);
    res->has_body_fd = false;
}

static bk_status add_param(bk_arena *a, srv_param **arr, size_t *n, size_t *cap, const char *key,
                           const char *value) {
    if (*n == *cap) {
        size_t new_cap = *cap ? *cap * 2 : 8;
        srv_param *grown = bk_arena_array(a, new_cap, sizeof *grown);
        if (!grown) return BK_OUT_OF_MEMORY;
        if (*n) memcpy(grown, *arr, *n * sizeof *grown);
        *arr = grown;
        *cap = new_cap;
    }
    srv_param *p = &(*arr)[*n];
    p->key = bk_arena_strdup(a, key ? key : "");
    p->value = bk_arena_strdup(a, value ? value : "");
    if (!p->key || !p->value) return BK_OUT_OF_MEMORY;
    (*n)++;
    return BK_OK;
}

bk_status srv_request_add_query(srv_request *req, const char *key, const char *value) {
    return add_param(req->arena, &req->query, &req->n_query, &req->cap_query, key, value);
}

bk_status srv_request_add_header(srv_request *req, const char *name, const char *value) {
    return add_param(req->arena, &req->headers, &req->n_headers, &req->cap_headers, name, value);
}

static int hex_val(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode s[0..len) ('+' → space, %XX) into the arena; NULL on a bad escape or OOM. */
static char *form_decode(bk_arena *a, const char *s, size_t len, bool *bad) {
    char *out = bk_arena_alloc(a, len + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 1 < len ? hex_val(s[i + 1]) : -1;
            int lo = i + 2 < len ? hex_val(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) { /* %00 would cut the value */
                *bad = true;
                return NULL;
            }
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

bk_status srv_request_parse_query(srv_request *req, const char *qs, bk_error *err) {
    const char *p = qs;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            bool bad = false;
            char *key = form_decode(req->arena, p, klen, &bad);
            char *val = eq ? form_decode(req->arena, eq + 1, len - klen - 1, &bad)
                           : bk_arena_strdup(req->arena, "");
            if (bad)
                return bk_error_set(err, BK_MALFORMED_REQUEST,
                                    "the query string has a malformed %%-escape");
            if (!key || !val || srv_request_add_query(req, key, val) != BK_OK)
                return bk_arena_oom(req->arena, err);
        }
        if (!amp) break;
        p = amp + 1;
    }
    return BK_OK;
}

bk_status srv_request_set_body(srv_request *req, const void *data, size_t len) {
    char *copy = bk_arena_alloc(req->arena, len + 1);
    if (!copy) return BK_OUT_OF_MEMORY;
    if (len) memcpy(copy, data, len);
    copy[len] = '\0';
    req->body = copy;
    req->body_len = len;
    return BK_OK;
}

const char *srv_header(const srv_request *req, const char *name) {
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].key, name) == 0) return req->headers[i].value;
    return NULL;
}

const char *srv_query(const srv_request *req, const char *key) {
    for (size_t i = 0; i < req->n_query; i++)
        if (strcmp(req->query[i].key, key) == 0) return req->query[i].value;
    return NULL;
}

const char **srv_query_all(srv_request *req, const char *key, size_t *n) {
    *n = 0;
    for (size_t i = 0; i < req->n_query; i++)
        if (strcmp(req->query[i].key, key) == 0) (*n)++;
    if (*n == 0) return NULL;
    const char **vals = bk_arena_array(req->arena, *n, sizeof *vals);
    if (!vals) {
        *n = 0;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < req->n_query; i++)
        if (strcmp(req->query[i].key, key) == 0) vals[k++] = req->query[i].value;
    return vals;
}

const char *srv_path_param(const srv_request *req, const char *name) {
    for (size_t i = 0; i < req->n_params; i++)
        if (strcmp(req->param_names[i], name) == 0) return req->param_values[i];
    return NULL;
}

bk_status srv_query_i64(const srv_request *req, const char *key, int64_t dflt, int64_t *out,
                        bk_error *err) {
    const char *v = srv_query(req, key);
    if (!v) {
        *out = dflt;
        return BK_OK;
    }
    if (!bk_parse_i64(v, strlen(v), out))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid value for parameter %s: \"%s\" is not an integer", key, v);
    return BK_OK;
}

bk_status srv_query_bool(const srv_request *req, const char *key, bool dflt, bool *out,
                         bk_error *err) {
    const char *v = srv_query(req, key);
    if (!v) {
        *out = dflt;
        return BK_OK;
    }
    if (strcasecmp(v, "true") == 0) {
        *out = true;
    } else if (strcasecmp(v, "false") == 0) {
        *out = false;
    } else {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Invalid value for parameter %s: \"%s\" is not a boolean", key, v);
    }
    return BK_OK;
}

void srv_response_header(srv_response *res, const char *name, const char *value) {
    if (res->n_headers >= SRV_MAX_RESPONSE_HEADERS) return;
    res->headers[res->n_headers].key = name;
    res->headers[res->n_headers].value = value;
    res->n_headers++;
}

void srv_render_error(srv_response *res, const bk_error *err, bool scim) {
    bk_code code = err && err->code != BK_CODE_OK ? err->code : BK_INTERNAL;
    const char *msg = err && err->msg[0] ? err->msg : "internal error";
    res->status = bk_code_http_status(code);
    res->content_type = "application/json";
    res->n_headers = 0;
    bk_buf_clear(&res->body);
    if (res->has_body_fd) close(res->body_fd);
    res->has_body_fd = false;
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "error_code", bk_code_name(code));
    srv_json_kv_str(&j, "message", msg);
    if (scim) {
        char status[16];
        snprintf(status, sizeof status, "%d", res->status);
        srv_json_key(&j, "schemas");
        srv_json_arr(&j);
        srv_json_str(&j, "urn:ietf:params:scim:api:messages:2.0:Error");
        srv_json_end(&j);
        srv_json_kv_str(&j, "status", status);
    }
    srv_json_end(&j);
    res->error_rendered = true;
}
