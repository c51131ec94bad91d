/*
 * api_workspace.c — the Workspace API 2.0 (/api/2.0/workspace/…): list,
 * get-status, mkdirs, import (JSON with base64 content, or multipart/form-data as
 * w.workspace.upload sends it), export (JSON with base64 content, or the raw bytes
 * with direct_download=true as w.workspace.download reads them), delete.
 *
 * ObjectInfo as the SDK reads it: object_type, path, language (notebooks),
 * object_id, resource_id (the id as a string), created_at, modified_at (epoch ms)
 * and size (files).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "server/apis.h"
#include "server/json_in.h"
#include "server/json_out.h"
#include "server/multipart.h"
#include "services/svc_workspace.h"

/* Import bodies: 10 MB of content is ~13.4 MB in base64; above this, 413. */
#define IMPORT_MAX_BODY ((size_t)32 << 20)

static void write_object(srv_json *j, const svc_ws_object *o) {
    srv_json_obj(j);
    srv_json_kv_str(j, "object_type", svc_ws_kind_name(o->kind));
    srv_json_kv_str(j, "path", o->path);
    if (o->kind == SVC_WS_NOTEBOOK) srv_json_kv_str(j, "language", svc_nb_lang_name(o->language));
    srv_json_kv_i64(j, "object_id", o->id);
    char rid[24];
    snprintf(rid, sizeof rid, "%lld", (long long)o->id);
    srv_json_kv_str(j, "resource_id", rid);
    srv_json_kv_i64(j, "created_at", o->created_ms);
    srv_json_kv_i64(j, "modified_at", o->modified_ms);
    if (o->kind == SVC_WS_FILE) srv_json_kv_i64(j, "size", o->size);
    srv_json_end(j);
}

static bk_status required_query(srv_request *req, const char *key, const char **out,
                                bk_error *err) {
    *out = srv_query(req, key);
    if (!*out)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: %s", key);
    return BK_OK;
}

static bk_status parse_format(const char *s, svc_ws_format *out, bk_error *err) {
    *out = SVC_WS_FMT_DEFAULT;
    if (!s || !*s) return BK_OK;
    if (svc_ws_format_parse(s, out)) return BK_OK;
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "Invalid format %s: use one of SOURCE, HTML, JUPYTER, DBC, R_MARKDOWN,"
                        " AUTO, RAW (case-sensitive)",
                        s);
}

static bk_status parse_language(const char *s, svc_nb_lang *out, bk_error *err) {
    *out = SVC_NB_NONE;
    if (!s || !*s) return BK_OK;
    if (svc_nb_lang_parse(s, out)) return BK_OK;
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "Invalid language %s: use one of PYTHON, SQL, SCALA, R", s);
}

/* GET /api/2.0/workspace/get-status?path= */
static bk_status ws_get_status(srv_request *req, srv_response *res, bk_error *err) {
    const char *path;
    BK_TRY(required_query(req, "path", &path, err));
    svc_ws_object o;
    BK_TRY(svc_ws_get_status(&req->ctx, path, &o, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    write_object(&j, &o);
    return srv_json_status(&j, err);
}

/* GET /api/2.0/workspace/list?path=[&notebooks_modified_after=] (one page, as Databricks) */
static bk_status ws_list(srv_request *req, srv_response *res, bk_error *err) {
    const char *path;
    BK_TRY(required_query(req, "path", &path, err));
    int64_t after = 0;
    BK_TRY(srv_query_i64(req, "notebooks_modified_after", 0, &after, err));
    svc_ws_object *objs;
    size_t n;
    BK_TRY(svc_ws_list(&req->ctx, path, after, &objs, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    if (n) { /* an empty folder has no "objects" key, as Databricks answers */
        srv_json_key(&j, "objects");
        srv_json_arr(&j);
        for (size_t i = 0; i < n; i++) write_object(&j, &objs[i]);
        srv_json_end(&j);
    }
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/workspace/mkdirs {path} */
static bk_status ws_mkdirs(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *path = NULL;
    BK_TRY(srv_json_get_str(body, "path", true, &path, err));
    return svc_ws_mkdirs(&req->ctx, path, err);
}

/* Decode base64 `text` into the arena (standard alphabet, padding optional, blanks ignored). */
static bk_status decode_base64(bk_arena *a, const char *text, size_t len, const char **out,
                               size_t *out_len, bk_error *err) {
    char *bin = bk_arena_alloc(a, len / 4 * 3 + 4);
    if (!bin) return bk_arena_oom(a, err);
    size_t n = 0;
    const char *end = NULL;
    if (sodium_base642bin((unsigned char *)bin, len / 4 * 3 + 3, text, len, " \r\n\t", &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        (end && end != text + len)) {
        n = 0;
        end = NULL;
        if (sodium_base642bin((unsigned char *)bin, len / 4 * 3 + 3, text, len, " \r\n\t", &n,
                              &end, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
            (end && end != text + len))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "The content is not valid base64: encode it with the standard"
                                " alphabet");
    }
    bin[n] = '\0';
    *out = bin;
    *out_len = n;
    return BK_OK;
}

/* The import request from a multipart/form-data body (w.workspace.upload). */
static bk_status import_from_form(srv_request *req, svc_ws_import_req *in, bk_error *err) {
    srv_part *parts;
    size_t n;
    BK_TRY(srv_multipart_parse(req, &parts, &n, err));
    const srv_part *p = srv_multipart_get(parts, n, "path");
    if (!p) return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: path");
    in->path = bk_arena_strndup(req->arena, p->data, p->len);
    const srv_part *f = srv_multipart_get(parts, n, "format");
    const srv_part *l = srv_multipart_get(parts, n, "language");
    const srv_part *o = srv_multipart_get(parts, n, "overwrite");
    const char *fs = f ? bk_arena_strndup(req->arena, f->data, f->len) : NULL;
    const char *ls = l ? bk_arena_strndup(req->arena, l->data, l->len) : NULL;
    if (!in->path || (f && !fs) || (l && !ls)) return bk_arena_oom(req->arena, err);
    BK_TRY(parse_format(fs, &in->format, err));
    BK_TRY(parse_language(ls, &in->language, err));
    in->overwrite = o && o->len == 4 && strncasecmp(o->data, "true", 4) == 0;
    const srv_part *c = srv_multipart_get(parts, n, "content");
    if (c) {
        in->content = c->data;
        in->len = c->len;
    }
    return BK_OK;
}

/* POST /api/2.0/workspace/import {path, content (base64), format, language, overwrite} */
static bk_status ws_import(srv_request *req, srv_response *res, bk_error *err) {
    svc_ws_import_req in = {.content = "", .len = 0};
    if (srv_is_multipart(req)) {
        BK_TRY(import_from_form(req, &in, err));
    } else {
        json_t *body;
        BK_TRY(srv_json_body(req, &body, err));
        const char *fmt = NULL, *lang = NULL, *content = NULL;
        BK_TRY(srv_json_get_str(body, "path", true, &in.path, err));
        BK_TRY(srv_json_get_str(body, "format", false, &fmt, err));
        BK_TRY(srv_json_get_str(body, "language", false, &lang, err));
        BK_TRY(srv_json_get_str(body, "content", false, &content, err));
        BK_TRY(srv_json_get_bool(body, "overwrite", false, &in.overwrite, err));
        BK_TRY(parse_format(fmt, &in.format, err));
        BK_TRY(parse_language(lang, &in.language, err));
        if (content)
            BK_TRY(decode_base64(req->arena, content, strlen(content), &in.content, &in.len, err));
    }
    svc_ws_object o;
    BK_TRY(svc_ws_import(&req->ctx, &in, &o, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_i64(&j, "object_id", o.id);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* GET /api/2.0/workspace/export?path=&format=[&direct_download=true] */
static bk_status ws_export(srv_request *req, srv_response *res, bk_error *err) {
    const char *path;
    BK_TRY(required_query(req, "path", &path, err));
    svc_ws_format fmt;
    BK_TRY(parse_format(srv_query(req, "format"), &fmt, err));
    bool direct = false;
    BK_TRY(srv_query_bool(req, "direct_download", false, &direct, err));
    const char *data, *file_type;
    size_t len;
    BK_TRY(svc_ws_export(&req->ctx, path, fmt, &data, &len, &file_type, err));
    if (direct) {
        res->content_type = "application/octet-stream";
        const char *name = strrchr(path, '/');
        name = name ? name + 1 : path;
        /* A converted notebook's name gets its format's extension. */
        bool add_ext = file_type && (fmt == SVC_WS_FMT_JUPYTER || fmt == SVC_WS_FMT_HTML);
        const char *disp = bk_arena_printf(req->arena, "attachment; filename=\"%s%s%s\"", name,
                                           add_ext ? "." : "", add_ext ? file_type : "");
        if (disp) srv_response_header(res, "Content-Disposition", disp);
        if (len && bk_buf_append(&res->body, data, len) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
        return BK_OK;
    }
    size_t b64_cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = bk_arena_alloc(req->arena, b64_cap);
    if (!b64) return bk_arena_oom(req->arena, err);
    sodium_bin2base64(b64, b64_cap, (const unsigned char *)data, len,
                      sodium_base64_VARIANT_ORIGINAL);
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "content", b64);
    srv_json_kv_str(&j, "file_type", file_type);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/workspace/delete {path, recursive} */
static bk_status ws_delete(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *path = NULL;
    bool recursive = false;
    BK_TRY(srv_json_get_str(body, "path", true, &path, err));
    BK_TRY(srv_json_get_bool(body, "recursive", false, &recursive, err));
    return svc_ws_delete(&req->ctx, path, recursive, err);
}

static const srv_route routes[] = {
    {"GET", "/api/2.0/workspace/list", ws_list, 0, 0},
    {"GET", "/api/2.0/workspace/get-status", ws_get_status, 0, 0},
    {"POST", "/api/2.0/workspace/mkdirs", ws_mkdirs, 0, 0},
    {"POST", "/api/2.0/workspace/import", ws_import, 0, IMPORT_MAX_BODY},
    {"GET", "/api/2.0/workspace/export", ws_export, 0, 0},
    {"POST", "/api/2.0/workspace/delete", ws_delete, 0, 0},
};

const srv_route_table srv_api_workspace = {"workspace", routes, BK_ARRAY_LEN(routes)};
