/*
 * request.h — one HTTP request and its response, as handlers see them.
 *
 * A srv_request lives in its own arena (req->arena, freed when the response has been
 * sent): everything a handler allocates for the call goes there.  Strings in the
 * request are NUL-terminated and decoded (the path and query values are
 * percent-decoded, '+' in query values is a space).  Header names compare
 * case-insensitively.
 *
 * The response is a status, a content type, a body buffer and a few extra headers.
 * Handlers write JSON with json_out.h into res->body; when a handler returns an
 * error status instead, the dispatcher discards the body and renders the error
 * from `err` (srv_render_error).  An empty 2xx body is sent as "{}" so the SDK's
 * JSON decoding always succeeds.
 */
#ifndef BRICKS_SERVER_REQUEST_H
#define BRICKS_SERVER_REQUEST_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "services/svc.h"

#define SRV_MAX_PATH_PARAMS 8
#define SRV_MAX_RESPONSE_HEADERS 8

typedef struct srv_param {
    const char *key;
    const char *value;
} srv_param;

typedef struct srv_route srv_route;

typedef struct srv_request {
    bk_arena *arena;
    const char *method; /* "GET", "POST", … */
    const char *path;   /* decoded, without the query string */
    srv_param *query;   /* in arrival order; a key may repeat */
    size_t n_query, cap_query;
    srv_param *headers;
    size_t n_headers, cap_headers;
    const char *body; /* NUL-terminated copy of the body (may contain NULs) */
    size_t body_len;
    /* SRV_BODY_FILE routes: the body is in this file (DIR/tmp/upload-*) and body is "".
     * A handler that moves the file away sets body_file to NULL; otherwise it is
     * removed when the request ends. */
    const char *body_file;
    uint64_t body_file_len;
    const srv_route *route;                        /* set by srv_route_match */
    const char *param_names[SRV_MAX_PATH_PARAMS];  /* {name} segments of the route */
    const char *param_values[SRV_MAX_PATH_PARAMS]; /* decoded values */
    size_t n_params;
    svc_env *env;
    svc_principal caller; /* valid when authenticated */
    bool authenticated;
    svc_ctx ctx; /* the service context for this call (conn + arena + caller) */
} srv_request;

typedef struct srv_response {
    int status;               /* 200 unless set */
    const char *content_type; /* "application/json" unless set */
    bk_buf body;
    srv_param headers[SRV_MAX_RESPONSE_HEADERS];
    size_t n_headers;
    bool error_rendered; /* the body already holds an error reply */
    /* A reply streamed from a file instead of body: body_fd_len bytes at
     * body_fd_offset of body_fd, which the response owns (closed when sent or
     * destroyed).  For HEAD only the length is sent (as Content-Length). */
    bool has_body_fd;
    int body_fd;
    uint64_t body_fd_offset, body_fd_len;
} srv_response;

/* Initialise `req` over a new arena (NULL on OOM: free with srv_request_free). */
srv_request *srv_request_new(svc_env *env, const char *method, const char *path);
void srv_request_free(srv_request *req);
void srv_response_init(srv_response *res);
void srv_response_destroy(srv_response *res);

/* Append a query parameter or header (copied into the arena).  BK_OUT_OF_MEMORY. */
bk_status srv_request_add_query(srv_request *req, const char *key, const char *value);
bk_status srv_request_add_header(srv_request *req, const char *name, const char *value);
/*
 * Parse a raw query string ("a=1&b=x+y&a=2&c.d=%2F") into req->query: '&'-separated,
 * '+' is a space, %XX decoded; a key without '=' gets "".  Used when no HTTP library
 * has decoded it (fuzzing, tests).  BK_MALFORMED_REQUEST for a bad %-escape.
 */
bk_status srv_request_parse_query(srv_request *req, const char *qs, bk_error *err);
/* Copy `len` bytes as the body. */
bk_status srv_request_set_body(srv_request *req, const void *data, size_t len);

/* The first value of header `name` (case-insensitive) or query key `key`; NULL if absent. */
const char *srv_header(const srv_request *req, const char *name);
const char *srv_query(const srv_request *req, const char *key);
/* Every value of a repeated query key, in order, in the arena; *n = 0 if absent. */
const char **srv_query_all(srv_request *req, const char *key, size_t *n);
/* The value of path parameter {name}; NULL if the route has none. */
const char *srv_path_param(const srv_request *req, const char *name);

/*
 * Typed query parameters: absent → *out = dflt and BK_OK; present but not an integer
 * / boolean ("true"/"false" in any case) → BK_INVALID_ARGUMENT naming the key.
 */
bk_status srv_query_i64(const srv_request *req, const char *key, int64_t dflt, int64_t *out,
                        bk_error *err);
bk_status srv_query_bool(const srv_request *req, const char *key, bool dflt, bool *out,
                         bk_error *err);

/* Add a response header (name and value must outlive the response: arena or static). */
void srv_response_header(srv_response *res, const char *name, const char *value);

/*
 * Replace the body with the Databricks error reply for err:
 *     {"error_code": "<bk_code_name>", "message": "<msg>"}
 * and set the status from bk_code_http_status.  With `scim`, also the SCIM error
 * fields "schemas" and "status".  Not "detail": the Databricks SDK would then read
 * the reply as a SCIM error, replace error_code with "SCIM_<status>" and lose the
 * precise exception class (ResourceAlreadyExists, …).
 */
void srv_render_error(srv_response *res, const bk_error *err, bool scim);

#endif
