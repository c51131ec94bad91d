/*
 * router.h — the route table: each API file declares its routes, the router
 * matches a request to one and runs it.
 *
 * A pattern is a path whose segments are literals or parameters:
 *     "/api/2.0/preview/scim/v2/Users/{id}"      {id} matches one segment
 *     "/api/2.0/fs/files{path...}"               {name...} matches the rest (maybe empty)
 * Literal segments match exactly (case-sensitive, as Databricks).  A trailing '/' on
 * the request path is ignored.  When a path matches a route of another method
 * only, the reply is still 404 ENDPOINT_NOT_FOUND (as Databricks answers).
 *
 * Handlers: parse and validate the request (json_in.h, request.h), call services
 * with &req->ctx, write JSON (json_out.h).  Return BK_OK, or an error status with
 * `err` filled: the dispatcher renders it.
 */
#ifndef BRICKS_SERVER_ROUTER_H
#define BRICKS_SERVER_ROUTER_H

#include "server/request.h"

typedef bk_status (*srv_handler)(srv_request *req, srv_response *res, bk_error *err);

enum {
    SRV_PUBLIC = 1u << 0,   /* no Authorization needed (health, config probe) */
    SRV_SCIM = 1u << 1,     /* errors also carry the SCIM error fields */
    SRV_BODY_FILE = 1u << 2, /* the body is spooled to a file (req->body_file), not in memory */
};

struct srv_route {
    const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD" */
    const char *pattern; /* see above */
    srv_handler handler;
    unsigned flags;      /* SRV_* */
    size_t max_body;     /* 0: the server's default limit */
};

/* One API file's routes (server/apis.h lists them all). */
typedef struct srv_route_table {
    const char *name;
    const srv_route *routes;
    size_t n_routes;
} srv_route_table;

/*
 * Find the route for req->method and req->path, set req->route and the path
 * parameters.  Returns false when none matches.
 */
bool srv_route_match(srv_request *req);

/*
 * Run one request end to end: match (unless already matched), authenticate, take a
 * metastore connection, call the handler, render errors.  Never fails: every outcome
 * is a response.  Callable without a socket (tests, fuzzing): build req with
 * srv_request_new + add_header/parse_query/set_body.
 */
void srv_dispatch(srv_request *req, srv_response *res);

#endif
