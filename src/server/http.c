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
 *   5. on_completed: log one line (method, path, status, ms, user), free the arena
 *      (and remove a spooled body file the handler did not keep).
 *
 * SRV_SPOOL_BODY routes get the body written to DIR/tmp/upload-XXXXXX instead of
 * memory (fsynced before the handler runs); srv_response_file replies are sent
 * from the file descriptor by MHD (sendfile where it can).
 *
 * Why drain instead of refusing early: an HTTP client that is still sending when
 * the server closes sees a connection reset, and the Databricks SDK retries those
 * for minutes; reading the excess costs little on a local socket.
 */
#include "server/srv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/thread.h"
#include "server/router.h"

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
    bool oom;
    int status;        /* sent status, for the log */
    int64_t start_ns;
    char *raw_query;   /* in the arena */
    int spool_fd;      /* SRV_SPOOL_BODY: the temporary file being written, or -1 */
    char *spool_path;  /* its path (in the arena); removed in on_completed if still there */
    size_t spooled;    /* bytes written to it */
    bool io_error;     /* the spool file could not be created or written */
} conn_state;

void srv_config_default(srv_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->host = "127.0.0.1";
    cfg->port = 8080;
    cfg->threads = 0;
    cfg->max_body = (size_t)16 << 20;
    cfg->max_header = (size_t)64 << 10;
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

/* Create DIR/tmp/upload-XXXXXX for a spooled body. */
static void open_spool(conn_state *cs) {
    const char *dir = cs->srv->env->data_dir;
    char *tmp_dir = bk_arena_printf(cs->req->arena, "%s/tmp", dir);
    cs->spool_path = bk_arena_printf(cs->req->arena, "%s/tmp/upload-XXXXXX", dir);
    if (!tmp_dir || !cs->spool_path) {
        cs->oom = true;
        return;
    }
    if (mkdir(tmp_dir, 0700) != 0 && errno != EEXIST) {
        bk_log_error("could not create directory \"%s\": %s", tmp_dir, strerror(errno));
        cs->io_error = true;
        return;
    }
    cs->spool_fd = mkostemp(cs->spool_path, O_CLOEXEC);
    if (cs->spool_fd < 0) {
        bk_log_error("could not create upload file in \"%s\": %s", tmp_dir, strerror(errno));
        cs->io_error = true;
        cs->spool_path = NULL;
    }
}

static void spool_write(conn_state *cs, const char *data, size_t n) {
    while (n > 0) {
        ssize_t w = write(cs->spool_fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            bk_log_error("could not write upload file \"%s\": %s", cs->spool_path,
                         strerror(errno));
            cs->io_error = true;
            return;
        }
        data += w;
        n -= (size_t)w;
        cs->spooled += (size_t)w;
    }
}

static enum MHD_Result send_response(struct MHD_Connection *conn, conn_state *cs,
                                     srv_response *res) {
    bool is_head = strcmp(cs->req->method, "HEAD") == 0;
    bool is_json = strcmp(res->content_type, "application/json") == 0;
    if (res->file_fd < 0 && res->body.len == 0 && res->status >= 200 && res->status < 300 &&
        res->status != 204 && !is_head && is_json) {
        if (bk_buf_append(&res->body, "{}", 2) != BK_OK) cs->oom = true;
    }
    struct MHD_Response *r;
    size_t len = 0;
    uint8_t *data = NULL;
    if (res->file_fd >= 0) {
        r = MHD_create_response_from_fd_at_offset64(res->file_len, res->file_fd,
                                                    res->file_offset);
        if (r) res->file_fd = -1; /* MHD closes it */
    } else if ((data = bk_buf_steal(&res->body, &len)) != NULL && len > 0) {
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
        if (!cs->oom && srv_route_match(req)) {
            if (req->route->max_body) cs->limit = req->route->max_body;
            if (req->route->flags & SRV_SPOOL_BODY) open_spool(cs);
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
        if (cs->too_large || cs->oom || cs->io_error) return MHD_YES;
        size_t have = cs->spool_fd >= 0 ? cs->spooled : cs->body.len;
        if (have + n > cs->limit) {
            cs->too_large = true;
            bk_buf_destroy(&cs->body);
            return MHD_YES;
        }
        if (cs->spool_fd >= 0)
            spool_write(cs, upload_data, n);
        else if (bk_buf_append(&cs->body, upload_data, n) != BK_OK)
            cs->oom = true;
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
    if (cs->io_error)
        return send_error(conn, cs, BK_IO, "the server could not store the request body");
    if (cs->spool_fd >= 0) {
        /* Why fsync here: the handler may rename the file into place and acknowledge. */
        if (fsync(cs->spool_fd) != 0 || close(cs->spool_fd) != 0) {
            cs->spool_fd = -1;
            return send_error(conn, cs, BK_IO, "the server could not store the request body");
        }
        cs->spool_fd = -1;
        req->body_path = cs->spool_path;
        req->body_len = cs->spooled;
    }
    if (!req->body_path &&
        srv_request_set_body(req, cs->body.data ? (const char *)cs->body.data : "",
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

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)conn;
    srv_server *srv = cls;
    conn_state *cs = *con_cls;
    if (!cs) return;
    *con_cls = NULL;
    srv_request *req = cs->req;
    if (cs->started) {
        double ms = (double)(bk_monotonic_ns() - cs->start_ns) / 1e6;
        const char *user = req->authenticated ? req->caller.user_name : "-";
        if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
            bk_log_info("%s %s %d %.2fms %s", req->method, req->path, cs->status, ms, user);
        else
            bk_log_info("%s %s %d %.2fms %s (connection closed before the reply was sent)",
                        req->method, req->path, cs->status, ms, user);
    }
    bk_buf_destroy(&cs->body);
    if (cs->spool_fd >= 0) close(cs->spool_fd);
    if (cs->spool_path) unlink(cs->spool_path); /* ENOENT when the handler kept it */
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
