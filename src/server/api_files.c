/*
 * api_files.c — the Files API: /api/2.0/fs/files{path} (PUT, GET, HEAD, DELETE)
 * and /api/2.0/fs/directories{path} (PUT, GET, HEAD, DELETE), over
 * services/svc_files.h.
 *
 * Files travel as raw bytes.  An upload's body is spooled to a file by the HTTP
 * layer (SRV_BODY_FILE, up to 5 GiB, chunked bodies included) and moved into
 * place; a download is streamed from the file by descriptor, never read into
 * memory.  Downloads honour Range (one range: 206 with Content-Range; a range
 * past the end: 416) and If-Unmodified-Since (412), which the SDK uses to resume
 * and to download in parallel; GET and HEAD send Content-Length, Content-Type
 * (application/octet-stream) and Last-Modified (an HTTP date), which the SDK
 * reads as the file's metadata.
 *
 * The multipart-upload and presigned-URL calls of the SDK's FilesExt
 * (POST …/fs/files{path}?action=initiate-upload, POST /api/2.0/fs/create-download-url,
 * …) are not routed: their 404 makes the SDK fall back to the single PUT and
 * GET above, before any data is sent.
 *
 * Errors carry Databricks' google.rpc.ErrorInfo detail where it has one (the
 * CLI checks FILES_API_DIRECTORY_IS_NOT_EMPTY), so this file renders them itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/str.h"
#include "server/apis.h"
#include "server/json_out.h"
#include "services/svc_files.h"
#include "services/svc_fspath.h"

#define FILES_MAX_BODY ((size_t)5 << 30) /* 5 GiB, as Databricks' single-shot limit */

/* An error reply with an optional ErrorInfo reason; status given or from the code. */
static void render(srv_response *res, int status, const char *code, const char *msg,
                   const char *reason) {
    res->status = status;
    res->content_type = "application/json";
    res->n_headers = 0;
    bk_buf_clear(&res->body);
    if (res->has_body_fd) close(res->body_fd);
    res->has_body_fd = false;
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "error_code", code);
    srv_json_kv_str(&j, "message", msg);
    if (reason && *reason) {
        srv_json_key(&j, "details");
        srv_json_arr(&j);
        srv_json_obj(&j);
        srv_json_kv_str(&j, "@type", "type.googleapis.com/google.rpc.ErrorInfo");
        srv_json_kv_str(&j, "reason", reason);
        srv_json_kv_str(&j, "domain", "filesystem.databricks.com");
        srv_json_end(&j);
        srv_json_end(&j);
    }
    srv_json_end(&j);
    res->error_rendered = true;
}

/* Render a failed service call (keeps err for the log) and pass the status on. */
static bk_status fail(srv_response *res, bk_status st, const bk_error *err) {
    bk_code code = err->code != BK_CODE_OK ? err->code : (bk_code)st;
    render(res, bk_code_http_status(code), bk_code_name(code), err->msg, err->detail);
    return st;
}

static const char *file_path(srv_request *req) {
    const char *p = srv_path_param(req, "path");
    return p ? p : "";
}

/* An HTTP date (RFC 9110 IMF-fixdate) for ms since the epoch, in the arena. */
static const char *http_date(bk_arena *a, int64_t ms) {
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return bk_arena_strdup(a, buf);
}

/* Parse an HTTP date; false when it is not one. */
static bool parse_http_date(const char *s, int64_t *secs) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end) return false;
    *secs = (int64_t)timegm(&tm);
    return true;
}

/*
 * A "Range: bytes=…" header against a file of `size` bytes: 0 = serve the whole
 * file (no header, or one we do not honour, like several ranges), 1 = the range
 * [*start, *start + *len), -1 = not satisfiable.
 */
static int parse_range(const char *h, uint64_t size, uint64_t *start, uint64_t *len) {
    if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',')) return 0;
    const char *spec = h + 6;
    const char *dash = strchr(spec, '-');
    if (!dash) return 0;
    uint64_t a = 0, b = 0;
    bool has_a = dash > spec, has_b = dash[1] != '\0';
    if (has_a && !bk_parse_u64(spec, (size_t)(dash - spec), &a)) return 0;
    if (has_b && !bk_parse_u64(dash + 1, strlen(dash + 1), &b)) return 0;
    if (!has_a && !has_b) return 0;
    if (!has_a) { /* the last b bytes */
        if (b == 0 || size == 0) return -1;
        if (b > size) b = size;
        *start = size - b;
        *len = b;
        return 1;
    }
    if (has_b && b < a) return 0;
    if (a >= size) return -1;
    uint64_t last = has_b && b < size - 1 ? b : size - 1;
    *start = a;
    *len = last - a + 1;
    return 1;
}

/* PUT /api/2.0/fs/files{path}?overwrite= — the raw body becomes the file. */
static bk_status file_put(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = file_path(req);
    bool overwrite = true;
    bk_status st = srv_query_bool(req, "overwrite", true, &overwrite, err);
    if (st != BK_OK) return fail(res, st, err);
    const char *src = req->body_file;
    if (!src) { /* a body kept in memory (requests built without a socket) */
        char *dir = svc_spool_dir(req->arena, req->env, err);
        char *tmp = dir ? bk_arena_printf(req->arena, "%s/upload-XXXXXX", dir) : NULL;
        int fd = tmp ? mkostemp(tmp, O_CLOEXEC) : -1;
        if (fd < 0) return fail(res, bk_error_set(err, BK_IO, "could not spool the body"), err);
        bool ok = req->body_len == 0 ||
                  write(fd, req->body, req->body_len) == (ssize_t)req->body_len;
        close(fd);
        if (!ok) {
            unlink(tmp);
            return fail(res, bk_error_set(err, BK_IO, "could not spool the body"), err);
        }
        st = svc_files_upload(&req->ctx, path, strlen(path), tmp, overwrite, err);
        unlink(tmp);
        if (st != BK_OK) return fail(res, st, err);
        res->status = 204;
        return BK_OK;
    }
    st = svc_files_upload(&req->ctx, path, strlen(path), src, overwrite, err);
    if (st != BK_OK) return fail(res, st, err);
    req->body_file = NULL; /* moved into place */
    res->status = 204;
    return BK_OK;
}

/* GET and HEAD /api/2.0/fs/files{path} — the bytes (or only the headers). */
static bk_status file_get(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = file_path(req);
    int fd;
    svc_files_meta m;
    bk_status st = svc_files_open(&req->ctx, path, strlen(path), &fd, &m, err);
    if (st != BK_OK) return fail(res, st, err);
    res->has_body_fd = true; /* the response owns fd from here on */
    res->body_fd = fd;
    res->body_fd_offset = 0;
    res->body_fd_len = m.size;
    const char *since = srv_header(req, "If-Unmodified-Since");
    int64_t since_s;
    if (since && parse_http_date(since, &since_s) && m.mtime_ms / 1000 > since_s) {
        render(res, 412, "FAILED_PRECONDITION",
               "The file was modified after the If-Unmodified-Since date.", NULL);
        return BK_INVALID_ARGUMENT;
    }
    uint64_t start = 0, len = m.size;
    int r = parse_range(srv_header(req, "Range"), m.size, &start, &len);
    if (r < 0) {
        char msg[128];
        snprintf(msg, sizeof msg,
                 "The requested range is not satisfiable: the file has %llu bytes.",
                 (unsigned long long)m.size);
        render(res, 416, "INVALID_PARAMETER_VALUE", msg, NULL);
        const char *cr = bk_arena_printf(req->arena, "bytes */%llu", (unsigned long long)m.size);
        if (cr) srv_response_header(res, "Content-Range", cr);
        return BK_INVALID_ARGUMENT;
    }
    if (r > 0) {
        res->status = 206;
        res->body_fd_offset = start;
        res->body_fd_len = len;
        const char *cr = bk_arena_printf(req->arena, "bytes %llu-%llu/%llu",
                                         (unsigned long long)start,
                                         (unsigned long long)(start + len - 1),
                                         (unsigned long long)m.size);
        if (!cr) return fail(res, bk_arena_oom(req->arena, err), err);
        srv_response_header(res, "Content-Range", cr);
    }
    res->content_type = "application/octet-stream";
    const char *lm = http_date(req->arena, m.mtime_ms);
    if (lm) srv_response_header(res, "Last-Modified", lm);
    srv_response_header(res, "Accept-Ranges", "bytes");
    return BK_OK;
}

/* DELETE /api/2.0/fs/files{path} */
static bk_status file_delete(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = file_path(req);
    bk_status st = svc_files_delete(&req->ctx, path, strlen(path), err);
    if (st != BK_OK) return fail(res, st, err);
    res->status = 204;
    return BK_OK;
}

/* PUT /api/2.0/fs/directories{path} — mkdir -p */
static bk_status dir_put(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = file_path(req);
    bk_status st = svc_files_mkdirs(&req->ctx, path, strlen(path), err);
    if (st != BK_OK) return fail(res, st, err);
    res->status = 204;
    return BK_OK;
}

/* HEAD /api/2.0/fs/directories{path} */
static bk_status dir_head(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = file_path(req);
    bk_status st = svc_files_dir_head(&req->ctx, path, strlen(path), err);
    if (st != BK_OK) return fail(res, st, err);
    return BK_OK;
}

/* GET /api/2.0/fs/directories{path}?page_size=&page_token= */
static bk_status dir_list(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = file_path(req);
    int64_t page_size = 0;
    bk_status st = srv_query_i64(req, "page_size", 0, &page_size, err);
    if (st != BK_OK) return fail(res, st, err);
    svc_files_entry *entries;
    size_t n;
    const char *next = NULL;
    st = svc_files_list(&req->ctx, path, strlen(path), srv_query(req, "page_token"), page_size,
                        &entries, &n, &next, err);
    if (st != BK_OK) return fail(res, st, err);
    srv_json j;
    srv_json_init(&j, &res->body);
    srv_json_obj(&j);
    srv_json_key(&j, "contents");
    srv_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        srv_json_obj(&j);
        srv_json_kv_str(&j, "path", entries[i].path);
        srv_json_kv_str(&j, "name", entries[i].name);
        srv_json_kv_bool(&j, "is_directory", entries[i].is_dir);
        if (!entries[i].is_dir) {
            srv_json_kv_i64(&j, "file_size", (int64_t)entries[i].size);
            srv_json_kv_i64(&j, "last_modified", entries[i].mtime_ms);
        }
        srv_json_end(&j);
    }
    srv_json_end(&j);
    srv_json_kv_str(&j, "next_page_token", next);
    srv_json_end(&j);
    return srv_json_status(&j, err);
}

/* DELETE /api/2.0/fs/directories{path} — only an empty directory */
static bk_status dir_delete(srv_request *req, srv_response *res, bk_error *err) {
    const char *path = file_path(req);
    bk_status st = svc_files_rmdir(&req->ctx, path, strlen(path), err);
    if (st != BK_OK) return fail(res, st, err);
    res->status = 204;
    return BK_OK;
}

static const srv_route routes[] = {
    {"PUT", "/api/2.0/fs/files{path...}", file_put, SRV_BODY_FILE, FILES_MAX_BODY},
    {"GET", "/api/2.0/fs/files{path...}", file_get, 0, 0},
    {"HEAD", "/api/2.0/fs/files{path...}", file_get, 0, 0},
    {"DELETE", "/api/2.0/fs/files{path...}", file_delete, 0, 0},
    {"PUT", "/api/2.0/fs/directories{path...}", dir_put, 0, 0},
    {"GET", "/api/2.0/fs/directories{path...}", dir_list, 0, 0},
    {"HEAD", "/api/2.0/fs/directories{path...}", dir_head, 0, 0},
    {"DELETE", "/api/2.0/fs/directories{path...}", dir_delete, 0, 0},
};

const srv_route_table srv_api_files = {"files", routes, BK_ARRAY_LEN(routes)};
