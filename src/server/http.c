/*
 * http.c — libmicrohttpd glue: sockets in, srv_request / srv_response out.
 *
 * Request life cycle, per connection, in one worker thread:
 *   1. uri_log (MHD's URI callback, before parsing): allocate the per-request
 *      state with its arena and keep the raw query string, which router code
 *      decodes itself (srv_request_parse_query: the same decoder fuzzing drives).
 *   2. first on_request call: headers are complete.  Copy them, match the route,
 *      compare Content-Length with the route's body limit.
 *   3. on_request calls with upload data: append the body (or, past the limit,
 *      discard it so the client can still read a clean 413 instead of a reset).
 *   4. last on_request call: srv_dispatch, queue the response.
 *   5. on_completed: log one line (method, path, status, ms, user), free the arena.
 *
 * Why drain instead of refusing early: an HTTP client that is still sending when
 * the server closes sees a connection reset, and the Databricks SDK retries those
 * for minutes; reading the excess costs little on a local socket.
 */
#include "server/srv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/thread.h"
#include "server/router.h"
#include "services/svc_fspath.h"
#include "services/svc_tokens.h"

struct srv_server {
    struct MHD_Daemon *daemon;
    svc_env *env;
    srv_config cfg;
    uint16_t port;
    atomic_int in_flight; /* requests between uri_log and on_completed */
};

/* Per-request state (con_cls). */
typedef struct conn_state {
    srv_request *req;
    srv_server *srv;
    bk_buf body;
    size_t limit;      /* body limit for this route */
    bool started;      /* first on_request call seen */
    bool too_large;    /* body past the limit: drained, answered 413 */
    bool bad_query;    /* raw query string could not be decoded */
    bool bad_path;     /* the path has a %00 escape (MHD would cut it at the NUL) */
    int spool_fd;      /* SRV_BODY_FILE routes: the body's file, or -1 */
    char *spool_path;  /* in the arena */
    uint64_t spooled;  /* bytes written to spool_fd */
    bool spool_failed;
    bool discard_body; /* a spooled route without a valid token: drain, answer 401 */
    bool oom;
    int status;        /* sent status, for the log */
    int64_t start_ns;
    char *raw_query;   /* in the arena */
} conn_state;

void srv_config_default(srv_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->host = "127.0.0.1";
    cfg->port = 8080;
    cfg->threads = 0;
    cfg->max_body = (size_t)16 << 20;
    /*
     * MHD zeroes the whole connection pool after every request on a keep-alive
     * connection, so its size is paid per request: 64 KiB cost a third of the
     * user-space instructions of a small GET.  16 KiB still takes request lines and
     * headers of about 16,000 bytes (the SDK sends under 1 KiB; nginx's default is
     * 8 KiB per line); larger ones get MHD's 431 (414 for a too-long URL).
     */
    cfg->max_header = (size_t)16 << 10;
    cfg->timeout_s = 120;
}

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)conn;
    srv_server *srv = cls;
    conn_state *cs = bk_calloc(1, sizeof *cs);
    if (!cs) return NULL;
    cs->srv = srv;
    cs->start_ns = bk_monotonic_ns();
    cs->req = srv_request_new(srv->env, "", "");
    if (!cs->req) {
        bk_free(cs);
        return NULL;
    }
    bk_buf_init(&cs->body);
    cs->spool_fd = -1;
    const char *q = uri ? strchr(uri, '?') : NULL;
    size_t path_len = uri ? (q ? (size_t)(q - uri) : strlen(uri)) : 0;
    for (size_t i = 0; i + 2 < path_len; i++)
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0') cs->bad_path = true;
    if (q) {
        const char *hash = strchr(q + 1, '#');
        size_t len = hash ? (size_t)(hash - q - 1) : strlen(q + 1);
        cs->raw_query = bk_arena_strndup(cs->req->arena, q + 1, len);
        if (!cs->raw_query) cs->oom = true;
    }
    atomic_fetch_add(&srv->in_flight, 1);
    return cs;
}

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value) {
    (void)kind;
    conn_state *cs = cls;
    if (srv_request_add_header(cs->req, key, value ? value : "") != BK_OK) cs->oom = true;
    return MHD_YES;
}

static void free_body(void *p) { bk_free(p); }

static enum MHD_Result send_response(struct MHD_Connection *conn, conn_state *cs,
                                     srv_response *res) {
    bool is_head = strcmp(cs->req->method, "HEAD") == 0;
    if (res->body.len == 0 && res->status >= 200 && res->status < 300 && res->status != 204 &&
        !is_head && strcmp(res->content_type, "application/json") == 0) {
        if (bk_buf_append(&res->body, "{}", 2) != BK_OK) cs->oom = true;
    }
    struct MHD_Response *r;
    size_t len = 0;
    uint8_t *data = bk_buf_steal(&res->body, &len);
    if (res->has_body_fd) {
        /* MHD owns the descriptor from here on (it closes it with the response) */
        bk_free(data);
        res->has_body_fd = false;
        r = MHD_create_response_from_fd_at_offset64(res->body_fd_len, res->body_fd,
                                                    res->body_fd_offset);
        if (!r) close(res->body_fd);
    } else if (len > 0 && data) {
        r = MHD_create_response_from_buffer_with_free_callback(len, data, free_body);
        if (!r) bk_free(data);
    } else {
        bk_free(data);
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
    for (size_t i = 0; i < res->n_headers; i++)
        MHD_add_response_header(r, res->headers[i].key, res->headers[i].value);
    cs->status = res->status;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* An error reply without a handler (413, 400 for a bad query, OOM). */
static enum MHD_Result send_error(struct MHD_Connection *conn, conn_state *cs, bk_code code,
                                  const char *msg) {
    srv_response res;
    srv_response_init(&res);
    bk_error err;
    bk_error_clear(&err);
    bk_error_set(&err, code, "%s", msg);
    srv_render_error(&res, &err, false);
    enum MHD_Result ret = send_response(conn, cs, &res);
    srv_response_destroy(&res);
    return ret;
}

/*
 * Whether the request carries a valid bearer token.  Routes that spool their body
 * to disk (up to gigabytes) check this before storing a byte, so an anonymous
 * client cannot fill the disk; the dispatcher still authenticates as usual.
 */
static bool has_valid_token(srv_server *srv, srv_request *req) {
    const char *auth = srv_header(req, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) return false;
    const char *token = auth + 7;
    while (*token == ' ') token++;
    size_t len = strlen(token);
    while (len > 0 && token[len - 1] == ' ') len--;
    if (len == 0 || len > 512) return false;
    svc_ctx ctx;
    bk_error err;
    bk_error_clear(&err);
    if (svc_ctx_begin(&ctx, srv->env, req->arena, NULL, &err) != BK_OK) return false;
    svc_principal who;
    bool ok = svc_token_authenticate(&ctx, token, len, &who, &err) == BK_OK;
    svc_ctx_end(&ctx);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    (void)version;
    srv_server *srv = cls;
    conn_state *cs = *con_cls;
    if (!cs) return MHD_NO; /* uri_log ran out of memory: drop the connection */
    srv_request *req = cs->req;

    if (!cs->started) {
        cs->started = true;
        req->method = bk_arena_strdup(req->arena, method);
        req->path = bk_arena_strdup(req->arena, url);
        if (!req->method || !req->path) cs->oom = true;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, copy_header, cs);
        if (cs->raw_query && !cs->oom) {
            bk_error qerr;
            bk_error_clear(&qerr);
            bk_status qst = srv_request_parse_query(req, cs->raw_query, &qerr);
            if (qst == BK_OUT_OF_MEMORY)
                cs->oom = true;
            else if (qst != BK_OK)
                cs->bad_query = true;
        }
        cs->limit = srv->cfg.max_body;
        if (!cs->oom && srv_route_match(req) && req->route->max_body)
            cs->limit = req->route->max_body;
        if (!cs->oom && req->route && (req->route->flags & SRV_BODY_FILE) &&
            !has_valid_token(srv, req)) {
            cs->discard_body = true;
        } else if (!cs->oom && req->route && (req->route->flags & SRV_BODY_FILE)) {
            bk_error serr;
            bk_error_clear(&serr);
            char *dir = svc_spool_dir(req->arena, srv->env, &serr);
            cs->spool_path = dir ? bk_arena_printf(req->arena, "%s/upload-XXXXXX", dir) : NULL;
            cs->spool_fd = cs->spool_path ? mkostemp(cs->spool_path, O_CLOEXEC) : -1;
            if (cs->spool_fd < 0) {
                bk_log_error("could not create a spool file in %s/tmp", srv->env->data_dir);
                cs->spool_failed = true;
                cs->spool_path = NULL;
            }
        }
        const char *cl = srv_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
        uint64_t declared = 0;
        if (cl && bk_parse_u64(cl, strlen(cl), &declared) && declared > cs->limit)
            cs->too_large = true;
        return MHD_YES;
    }

    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (cs->too_large || cs->oom || cs->spool_failed || cs->discard_body) return MHD_YES;
        if (cs->body.len + cs->spooled + n > cs->limit) {
            cs->too_large = true;
            bk_buf_destroy(&cs->body);
            return MHD_YES;
        }
        if (cs->spool_fd >= 0) {
            const char *p = upload_data;
            while (n > 0) {
                ssize_t k = write(cs->spool_fd, p, n);
                if (k < 0 && errno == EINTR) continue;
                if (k < 0) {
                    bk_log_error("could not write spool file %s: %s", cs->spool_path,
                                 strerror(errno));
                    cs->spool_failed = true;
                    break;
                }
                p += k;
                n -= (size_t)k;
                cs->spooled += (uint64_t)k;
            }
            return MHD_YES;
        }
        if (bk_buf_append(&cs->body, upload_data, n) != BK_OK) cs->oom = true;
        return MHD_YES;
    }

    /* The whole request is in. */
    if (cs->oom) return send_error(conn, cs, BK_OUT_OF_MEMORY, "the server is out of memory");
    if (cs->too_large) {
        char msg[160];
        snprintf(msg, sizeof msg, "The request body is larger than the limit of %zu bytes.",
                 cs->limit);
        return send_error(conn, cs, BK_REQUEST_TOO_LARGE, msg);
    }
    if (cs->bad_query)
        return send_error(conn, cs, BK_MALFORMED_REQUEST,
                          "Malformed request: the query string has a bad %-escape.");
    if (cs->bad_path)
        return send_error(conn, cs, BK_MALFORMED_REQUEST,
                          "Malformed request: the path contains an encoded NUL byte (%00).");
    if (cs->spool_failed)
        return send_error(conn, cs, BK_IO, "the server could not store the request body");
    if (cs->spool_fd >= 0) {
        close(cs->spool_fd);
        cs->spool_fd = -1;
        req->body_file = cs->spool_path;
        req->body_file_len = cs->spooled;
    }
    if (srv_request_set_body(req, cs->body.data ? (const char *)cs->body.data : "",
                             cs->body.len) != BK_OK)
        return send_error(conn, cs, BK_OUT_OF_MEMORY, "the server is out of memory");
    bk_buf_destroy(&cs->body);
    srv_response res;
    srv_response_init(&res);
    srv_dispatch(req, &res);
    enum MHD_Result ret = send_response(conn, cs, &res);
    srv_response_destroy(&res);
    return ret;
}

/* Append s to the log message being built in dst[*len..cap) (cut when full). */
static void put_text(char *dst, size_t cap, size_t *len, const char *s) {
    if (!s) s = "-";
    size_t n = strlen(s);
    if (n > cap - *len) n = cap - *len;
    memcpy(dst + *len, s, n);
    *len += n;
}

/* Append the decimal digits of v, padded with zeros to `width`. */
static void put_uint(char *dst, size_t cap, size_t *len, uint64_t v, int width) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < width);
    while (n > 0 && *len < cap) dst[(*len)++] = tmp[--n];
}

/*
 * The request log line "METHOD PATH STATUS 1.23ms USER", built by hand (no
 * vsnprintf: it is written once per request); the milliseconds are rounded half up
 * from the nanoseconds.  A path too long for the line is cut by bk_log_text.
 */
static void log_request(const char *method, const char *path, int status, int64_t ns,
                        const char *user, bool completed) {
    if (!bk_log_enabled(BK_LOG_INFO)) return;
    char msg[4096];
    size_t len = 0, cap = sizeof msg;
    uint64_t hundredths = ns > 0 ? ((uint64_t)ns + 5000) / 10000 : 0;
    put_text(msg, cap, &len, method);
    put_text(msg, cap, &len, " ");
    put_text(msg, cap, &len, path);
    put_text(msg, cap, &len, " ");
    if (status < 0) {
        put_text(msg, cap, &len, "-");
        status = -status;
    }
    put_uint(msg, cap, &len, (uint64_t)status, 1);
    put_text(msg, cap, &len, " ");
    put_uint(msg, cap, &len, hundredths / 100, 1);
    put_text(msg, cap, &len, ".");
    put_uint(msg, cap, &len, hundredths % 100, 2);
    put_text(msg, cap, &len, "ms ");
    put_text(msg, cap, &len, user);
    if (!completed) put_text(msg, cap, &len, " (connection closed before the reply was sent)");
    bk_log_text(BK_LOG_INFO, msg, len);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)conn;
    srv_server *srv = cls;
    conn_state *cs = *con_cls;
    if (!cs) return;
    *con_cls = NULL;
    srv_request *req = cs->req;
    if (cs->started) {
        const char *user = req->authenticated ? req->caller.user_name : "-";
        log_request(req->method, req->path, cs->status, bk_monotonic_ns() - cs->start_ns, user,
                    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    }
    bk_buf_destroy(&cs->body);
    if (cs->spool_fd >= 0) close(cs->spool_fd);
    /* a spooled body the handler did not move away */
    if (cs->spool_path && (cs->spool_fd >= 0 || req->body_file)) unlink(cs->spool_path);
    srv_request_free(req);
    bk_free(cs);
    atomic_fetch_sub(&srv->in_flight, 1);
}

bk_status srv_start(const srv_config *cfg, svc_env *env, srv_server **out, bk_error *err) {
    *out = NULL;
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    bool v6 = strchr(cfg->host, ':') != NULL;
    if (v6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(cfg->port);
        if (inet_pton(AF_INET6, cfg->host, &a6->sin6_addr) != 1)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "listen address \"%s\" is not an IPv6 address", cfg->host);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
        a4->sin_family = AF_INET;
        a4->sin_port = htons(cfg->port);
        if (inet_pton(AF_INET, cfg->host, &a4->sin_addr) != 1)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "listen address \"%s\" is not an IPv4 address", cfg->host);
    }
    srv_server *srv = bk_calloc(1, sizeof *srv);
    if (!srv) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    srv->env = env;
    srv->cfg = *cfg;
    atomic_init(&srv->in_flight, 0);
    int threads = cfg->threads > 0 ? cfg->threads : bk_cpu_count();
    if (threads < 1) threads = 1;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (v6) flags |= MHD_USE_IPv6;
    /* no request is in flight yet: spool files left by a crash can go */
    int stale = svc_spool_cleanup(env);
    if (stale > 0) bk_log_info("removed %d spool file(s) of interrupted requests", stale);
    srv->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->max_header, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->timeout_s, MHD_OPTION_URI_LOG_CALLBACK, uri_log, srv, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!srv->daemon) {
        bk_free(srv);
        return bk_error_set(err, BK_IO, "could not listen on %s:%u (is the port in use?)",
                            cfg->host, (unsigned)cfg->port);
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    *out = srv;
    return BK_OK;
}

uint16_t srv_port(const srv_server *s) { return s->port; }

void srv_stop(srv_server *s, int grace_ms) {
    if (!s) return;
    MHD_socket listen_fd = MHD_quiesce_daemon(s->daemon);
    if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
    /* Requests already being handled finish; idle keep-alive connections are closed. */
    for (int waited = 0; waited < grace_ms && atomic_load(&s->in_flight) > 0; waited += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->daemon);
    bk_free(s);
}
