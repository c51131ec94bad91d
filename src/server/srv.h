/*
 * srv.h — the workspace HTTP server: start it on an address, stop it.
 *
 * libmicrohttpd runs the sockets: an internal pool of threads, each with its own
 * epoll loop, answering every request synchronously in the thread that read it
 * (handlers are short; long work is asynchronous in the services).  See
 * server/README.md for the request path and how to add an API service.
 */
#ifndef BRICKS_SERVER_SRV_H
#define BRICKS_SERVER_SRV_H

#include "base/bk.h"
#include "base/error.h"
#include "services/svc.h"

typedef struct srv_config {
    const char *host;      /* an IPv4 or IPv6 address literal ("127.0.0.1", "::1", "0.0.0.0") */
    uint16_t port;         /* 0: any free port (see srv_port) */
    int threads;           /* worker threads; 0: one per core */
    size_t max_body;       /* default request body limit in bytes (a route may raise it) */
    size_t max_header;     /* per-connection memory for the request line and headers */
    unsigned timeout_s;    /* idle connection timeout */
} srv_config;

typedef struct srv_server srv_server;

/*
 * Defaults: 127.0.0.1:8080, one thread per core, 16 MiB bodies, 16 KiB for the
 * request line and headers, 120 s.
 */
void srv_config_default(srv_config *cfg);

/*
 * Listen and serve `env` until srv_stop.  BK_IO when the address cannot be bound
 * (the message names it), BK_INVALID_ARGUMENT for a host that is not an address.
 */
bk_status srv_start(const srv_config *cfg, svc_env *env, srv_server **out, bk_error *err);
/* The port actually bound (useful with port 0). */
uint16_t srv_port(const srv_server *s);
/*
 * Stop accepting, let requests already being handled finish (up to `grace_ms`), then
 * close every connection and join the threads.  NULL is a no-op.
 */
void srv_stop(srv_server *s, int grace_ms);

#endif
