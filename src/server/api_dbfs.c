/*
 * api_dbfs.c — the DBFS 2.0 API (/api/2.0/dbfs/…) over services/svc_dbfs.h.
 *
 * Wire shapes as the SDK reads them: FileInfo {path, is_dir, file_size,
 * modification_time}; list {files: [FileInfo]} (one page, sorted by name);
 * create {handle}; read {bytes_read, data (base64)}.  Data travels as standard
 * padded base64 (put's contents, add-block's data, read's data).
 *
 * put takes a JSON body ({path, contents, overwrite}) or, like Databricks, a
 * multipart/form-data body with the fields path, overwrite and contents (a file
 * part); the form's contents may be larger than the 1 MB inline limit.  The
 * route spools its body to a file (SRV_BODY_FILE), so a large form never sits in
 * memory: the handler maps the spool file and parses it in place.
 *
 * Paths are read with their length, so a JSON "\u0000" inside a path is refused
 * instead of silently cutting the path short.
 */
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "server/apis.h"
#include "server/json_in.h"
#include "server/json_out.h"
#include "services/svc_dbfs.h"
#include "services/svc_fspath.h"
#include "store/store.h"

#define FORM_MAX_BODY ((size_t)2 << 30) /* multipart put: 2 GiB */
#define JSON_PUT_MAX_BODY ((size_t)16 << 20)

/* A required string field, with its length (NULs inside are the service's to refuse). */
static bk_status get_path(json_t *body, const char *key, const char **out, size_t *len,
                          bk_error *err) {
    json_t *v = json_object_get(body, key);
    if (!v || json_is_null(v))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: %s", key);
    if (!json_is_string(v))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Field %s must be a string.", key);
    *out = json_string_value(v);
    *len = json_string_length(v);
    return BK_OK;
}

/* The required query parameter `path`. */
static bk_status query_path(srv_request *req, const char **out, size_t *len, bk_error *err) {
    const char *p = srv_query(req, "path");
    if (!p) return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: path");
    *out = p;
    *len = strlen(p);
    return BK_OK;
}

/* Decode base64 text (standard alphabet, padding optional) into the arena. */
static bk_status b64_decode(bk_arena *a, const char *field, const char *text, size_t len,
                            uint8_t **out, size_t *n, bk_error *err) {
    uint8_t *buf = bk_arena_alloc(a, len / 4 * 3 + 3);
    if (!buf) return bk_arena_oom(a, err);
    size_t got = 0;
    const char *end = NULL;
    if (len > 0) {
        int rc = sodium_base642bin(buf, len / 4 * 3 + 3, text, len, " \r\n", &got, &end,
                                   sodium_base64_VARIANT_ORIGINAL);
        if (rc != 0 || end != text + len)
            rc = sodium_base642bin(buf, len / 4 * 3 + 3, text, len, " \r\n", &got, &end,
                                   sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
        if (rc != 0 || end != text + len)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "Field %s is not valid base64.", field);
    }
    *out = buf;
    *n = got;
    return BK_OK;
}

static void write_info(srv_json *j, const svc_dbfs_info *f) {
    srv_json_obj(j);
    srv_json_kv_str(j, "path", f->path);
    srv_json_kv_bool(j, "is_dir", f->is_dir);
    srv_json_kv_i64(j, "file_size", f->file_size);
    srv_json_kv_i64(j, "modification_time", f->modification_time);
    srv_json_end(j);
}

/* GET /api/2.0/dbfs/get-status?path= */
static bk_status dbfs_get_status(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = NULL;
    size_t len = 0;
    BK_TRY(query_path(req, &path, &len, err));
    svc_dbfs_info info;
    BK_TRY(svc_dbfs_get_status(&req->ctx, path, len, &info, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    write_info(&j, &info);
    return srv_json_status(&j, err);
}

/* GET /api/2.0/dbfs/list?path= */
static bk_status dbfs_list(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = NULL;
    size_t len = 0;
    BK_TRY(query_path(req, &path, &len, err));
    svc_dbfs_info *files;
    size_t n;
    BK_TRY(svc_dbfs_list(&req->ctx, path, len, &files, &n, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "files");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) write_info(&j, &files[i]);
    srv_json_end(&j);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/dbfs/mkdirs {path} */
static bk_status dbfs_mkdirs(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *path = NULL;
    size_t len = 0;
    BK_TRY(get_path(body, "path", &path, &len, err));
    return svc_dbfs_mkdirs(&req->ctx, path, len, err);
}

/* ---- put: JSON or multipart/form-data ---------------------------------------------------- */

/* One part of a multipart body: its name and its bytes (views into the body). */
typedef struct form_part {
    const char *name;
    size_t name_len;
    const uint8_t *data;
    size_t len;
} form_part;

static const uint8_t *find_bytes(const uint8_t *hay, size_t hay_len, const char *needle,
                                 size_t n) {
    if (n == 0 || hay_len < n) return NULL;
    return memmem(hay, hay_len, needle, n);
}

/* The boundary parameter of a multipart Content-Type, into buf (NULL if absent). */
static const char *form_boundary(const char *ctype, char *buf, size_t cap) {
    const char *b = strcasestr(ctype, "boundary=");
    if (!b) return NULL;
    b += 9;
    size_t n;
    if (*b == '"') {
        b++;
        const char *q = strchr(b, '"');
        n = q ? (size_t)(q - b) : strlen(b);
    } else {
        n = strcspn(b, "; \t");
    }
    if (n == 0 || n + 1 > cap) return NULL;
    memcpy(buf, b, n);
    buf[n] = '\0';
    return buf;
}

/*
 * Split a multipart/form-data body into its parts (RFC 7578): each part starts
 * after "--boundary\r\n", has headers up to "\r\n\r\n" (only the name= of
 * Content-Disposition is used) and ends before "\r\n--boundary".
 */
static bk_status form_parse(bk_arena *a, const uint8_t *body, size_t len, const char *boundary,
                            form_part **parts, size_t *n_parts, bk_error *err) {
    char *delim = bk_arena_printf(a, "--%s", boundary);
    char *next_delim = bk_arena_printf(a, "\r\n--%s", boundary);
    if (!delim || !next_delim) return bk_arena_oom(a, err);
    size_t dl = strlen(delim), ndl = strlen(next_delim);
    const uint8_t *p = find_bytes(body, len, delim, dl);
    const uint8_t *end = body + len;
    size_t cap = 8, n = 0;
    form_part *out = bk_arena_array(a, cap, sizeof *out);
    if (!out) return bk_arena_oom(a, err);
    if (!p) goto bad;
    p += dl;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') break; /* the closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') goto bad;
        p += 2;
        const uint8_t *hdr_end = find_bytes(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hdr_end) goto bad;
        const char *name = NULL;
        size_t name_len = 0;
        for (const uint8_t *h = p; h < hdr_end;) {
            const uint8_t *eol = find_bytes(h, (size_t)(hdr_end - h) + 2, "\r\n", 2);
            size_t hl = (size_t)((eol ? eol : hdr_end) - h);
            if (hl > 20 && strncasecmp((const char *)h, "content-disposition:", 20) == 0) {
                const uint8_t *nm = find_bytes(h, hl, "name=\"", 6);
                /* skip filename=": name=" must be its own parameter */
                while (nm && nm > h && (nm[-1] != ' ' && nm[-1] != ';')) {
                    size_t rest = hl - (size_t)(nm + 6 - h);
                    nm = find_bytes(nm + 6, rest, "name=\"", 6);
                }
                if (nm) {
                    const uint8_t *q = memchr(nm + 6, '"', hl - (size_t)(nm + 6 - h));
                    if (q) {
                        name = (const char *)nm + 6;
                        name_len = (size_t)(q - (nm + 6));
                    }
                }
            }
            if (!eol) break;
            h = eol + 2;
        }
        const uint8_t *data = hdr_end + 4;
        const uint8_t *stop = find_bytes(data, (size_t)(end - data), next_delim, ndl);
        if (!stop) goto bad;
        if (n == cap) {
            form_part *bigger = bk_arena_array(a, cap * 2, sizeof *bigger);
            if (!bigger) return bk_arena_oom(a, err);
            memcpy(bigger, out, n * sizeof *out);
            out = bigger;
            cap *= 2;
        }
        out[n++] = (form_part){name, name_len, data, (size_t)(stop - data)};
        p = stop + ndl;
    }
    *parts = out;
    *n_parts = n;
    return BK_OK;
bad:
    return bk_error_set(err, BK_MALFORMED_REQUEST,
                        "Malformed request: the multipart/form-data body is not well formed.");
}

static const form_part *form_get(const form_part *parts, size_t n, const char *name) {
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++)
        if (parts[i].name && parts[i].name_len == len && memcmp(parts[i].name, name, len) == 0)
            return &parts[i];
    return NULL;
}

static void unmap_cb(void *arg) { store_file_unmap(arg); }

/* Map the spooled body (released with the request). */
static bk_status map_body(srv_request *req, store_map **out, bk_error *err) {
    store_map *m = bk_arena_zalloc(req->arena, sizeof *m);
    if (!m) return bk_arena_oom(req->arena, err);
    BK_TRY(store_file_map(req->body_file, m, err));
    if (!bk_arena_own(req->arena, unmap_cb, m)) {
        store_file_unmap(m);
        return bk_arena_oom(req->arena, err);
    }
    *out = m;
    return BK_OK;
}

/* put as multipart/form-data: the contents part goes to a spool file, then into place. */
static bk_status put_form(srv_request *req, const store_map *m, const char *boundary,
                          bk_error *err) {
    form_part *parts = NULL;
    size_t n = 0;
    BK_TRY(form_parse(req->arena, m->data, m->size, boundary, &parts, &n, err));
    const form_part *path = form_get(parts, n, "path");
    const form_part *contents = form_get(parts, n, "contents");
    if (!contents) contents = form_get(parts, n, "file");
    const form_part *ow = form_get(parts, n, "overwrite");
    if (!path) return bk_error_set(err, BK_INVALID_ARGUMENT, "Missing required field: path");
    bool overwrite = ow && ow->len == 4 && strncasecmp((const char *)ow->data, "true", 4) == 0;
    if (ow && !overwrite && !(ow->len == 5 && strncasecmp((const char *)ow->data, "false", 5) == 0))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Field overwrite must be true or false.");
    char *dir = svc_spool_dir(req->arena, req->env, err);
    if (!dir) return err->code;
    char *spool = bk_arena_printf(req->arena, "%s/put-XXXXXX", dir);
    if (!spool) return bk_arena_oom(req->arena, err);
    int fd = mkostemp(spool, O_CLOEXEC);
    if (fd < 0) return bk_error_set(err, BK_IO, "could not create a spool file in %s", dir);
    const uint8_t *p = contents ? contents->data : NULL;
    size_t left = contents ? contents->len : 0;
    bk_status st = BK_OK;
    while (left > 0) {
        ssize_t k = write(fd, p, left);
        if (k <= 0) {
            st = bk_error_set(err, BK_IO, "could not write spool file \"%s\"", spool);
            break;
        }
        p += k;
        left -= (size_t)k;
    }
    close(fd);
    if (st == BK_OK)
        st = svc_dbfs_put_file(&req->ctx, (const char *)path->data, path->len, spool, overwrite,
                               err);
    unlink(spool); /* moved away on success */
    return st;
}

/* POST /api/2.0/dbfs/put {path, contents, overwrite} or a multipart form */
static bk_status dbfs_put(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    const char *ctype = srv_header(req, "Content-Type");
    store_map *m = NULL;
    if (req->body_file) BK_TRY(map_body(req, &m, err));
    if (ctype && strncasecmp(ctype, "multipart/form-data", 19) == 0) {
        char boundary[200];
        if (!form_boundary(ctype, boundary, sizeof boundary))
            return bk_error_set(err, BK_MALFORMED_REQUEST,
                                "Malformed request: multipart/form-data without a boundary.");
        if (!m) {
            store_map inline_body = {(const uint8_t *)req->body, req->body_len, NULL, 0};
            return put_form(req, &inline_body, boundary, err);
        }
        return put_form(req, m, boundary, err);
    }
    if (m) {
        if (m->size > JSON_PUT_MAX_BODY)
            return bk_error_set(err, BK_MAX_BLOCK_SIZE_EXCEEDED,
                                "The request is %zu bytes: inline contents are limited to 1 MB. "
                                "Use create, add-block and close, or a multipart form.",
                                m->size);
        req->body = (const char *)m->data;
        req->body_len = m->size;
    }
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *path = NULL;
    size_t len = 0;
    BK_TRY(get_path(body, "path", &path, &len, err));
    bool overwrite = false;
    BK_TRY(srv_json_get_bool(body, "overwrite", false, &overwrite, err));
    json_t *c = json_object_get(body, "contents");
    if (c && !json_is_null(c) && !json_is_string(c))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Field contents must be a base64 string.");
    uint8_t *data = NULL;
    size_t n = 0;
    if (c && json_is_string(c))
        BK_TRY(b64_decode(req->arena, "contents", json_string_value(c), json_string_length(c),
                          &data, &n, err));
    return svc_dbfs_put(&req->ctx, path, len, data ? data : (const uint8_t *)"", n, overwrite,
                        err);
}

/* ---- streaming handles -------------------------------------------------------------------- */

/* POST /api/2.0/dbfs/create {path, overwrite} -> {handle} */
static bk_status dbfs_create(srv_request *req, srv_response *res, bk_error *err) {
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *path = NULL;
    size_t len = 0;
    BK_TRY(get_path(body, "path", &path, &len, err));
    bool overwrite = false;
    BK_TRY(srv_json_get_bool(body, "overwrite", false, &overwrite, err));
    int64_t handle;
    BK_TRY(svc_dbfs_create(&req->ctx, path, len, overwrite, &handle, err));
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_i64(&j, "handle", handle);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

static bk_status get_handle(json_t *body, int64_t *handle, bk_error *err) {
    *handle = 0;
    return srv_json_get_i64(body, "handle", true, handle, err);
}

/* POST /api/2.0/dbfs/add-block {handle, data} */
static bk_status dbfs_add_block(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    int64_t handle;
    BK_TRY(get_handle(body, &handle, err));
    json_t *d = json_object_get(body, "data");
    if (!d || !json_is_string(d))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "Missing required field: data (a base64 string)");
    uint8_t *data;
    size_t n;
    BK_TRY(b64_decode(req->arena, "data", json_string_value(d), json_string_length(d), &data, &n,
                      err));
    return svc_dbfs_add_block(&req->ctx, handle, data, n, err);
}

/* POST /api/2.0/dbfs/close {handle} */
static bk_status dbfs_close(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    int64_t handle;
    BK_TRY(get_handle(body, &handle, err));
    return svc_dbfs_close(&req->ctx, handle, err);
}

/* ---- read, move, delete ------------------------------------------------------------------- */

/* GET /api/2.0/dbfs/read?path=&offset=&length= -> {bytes_read, data} */
static bk_status dbfs_read(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = NULL;
    size_t len = 0;
    BK_TRY(query_path(req, &path, &len, err));
    int64_t offset, length;
    BK_TRY(srv_query_i64(req, "offset", 0, &offset, err));
    BK_TRY(srv_query_i64(req, "length", SVC_DBFS_DEFAULT_READ, &length, err));
    uint8_t *data;
    size_t n;
    BK_TRY(svc_dbfs_read(&req->ctx, path, len, offset, length, &data, &n, err));
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = bk_arena_alloc(req->arena, cap);
    if (!b64) return bk_arena_oom(req->arena, err);
    sodium_bin2base64(b64, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_i64(&j, "bytes_read", (int64_t)n);
    srv_json_kv_str(&j, "data", b64);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* POST /api/2.0/dbfs/move {source_path, destination_path} */
static bk_status dbfs_move(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *src = NULL, *dst = NULL;
    size_t src_len = 0, dst_len = 0;
    BK_TRY(get_path(body, "source_path", &src, &src_len, err));
    BK_TRY(get_path(body, "destination_path", &dst, &dst_len, err));
    return svc_dbfs_move(&req->ctx, src, src_len, dst, dst_len, err);
}

/* POST /api/2.0/dbfs/delete {path, recursive} */
static bk_status dbfs_delete(srv_request *req, srv_response *res, bk_error *err) {
    (void)res;
    json_t *body;
    BK_TRY(srv_json_body(req, &body, err));
    const char *path = NULL;
    size_t len = 0;
    BK_TRY(get_path(body, "path", &path, &len, err));
    bool recursive = false;
    BK_TRY(srv_json_get_bool(body, "recursive", false, &recursive, err));
    return svc_dbfs_delete(&req->ctx, path, len, recursive, err);
}

static const srv_route routes[] = {
    {"GET", "/api/2.0/dbfs/get-status", dbfs_get_status, 0, 0},
    {"GET", "/api/2.0/dbfs/list", dbfs_list, 0, 0},
    {"POST", "/api/2.0/dbfs/mkdirs", dbfs_mkdirs, 0, 0},
    {"POST", "/api/2.0/dbfs/put", dbfs_put, SRV_BODY_FILE, FORM_MAX_BODY},
    {"POST", "/api/2.0/dbfs/create", dbfs_create, 0, 0},
    {"POST", "/api/2.0/dbfs/add-block", dbfs_add_block, 0, 0},
    {"POST", "/api/2.0/dbfs/close", dbfs_close, 0, 0},
    {"GET", "/api/2.0/dbfs/read", dbfs_read, 0, 0},
    {"POST", "/api/2.0/dbfs/move", dbfs_move, 0, 0},
    {"POST", "/api/2.0/dbfs/delete", dbfs_delete, 0, 0},
};

const srv_route_table srv_api_dbfs = {"dbfs", routes, BK_ARRAY_LEN(routes)};
