/*
 * multipart.h — reading a multipart/form-data request body (RFC 7578), as
 * `w.workspace.upload` sends it to /api/2.0/workspace/import.
 *
 * srv_multipart_parse splits req->body into parts by the boundary of the
 * Content-Type header.  Each part's name comes from its Content-Disposition
 * (`form-data; name="content"; filename="content"`); its data is a view into the
 * body (not NUL-terminated; may hold NULs).  BK_MALFORMED_REQUEST for a missing
 * boundary, a body that does not start with it, or a part without a name or end.
 */
#ifndef BRICKS_SERVER_MULTIPART_H
#define BRICKS_SERVER_MULTIPART_H

#include "server/request.h"

typedef struct srv_part {
    const char *name;     /* form field name, in the arena */
    const char *filename; /* NULL for plain fields */
    const char *data;     /* view into the body */
    size_t len;
} srv_part;

/* Whether the request's Content-Type is multipart/form-data. */
bool srv_is_multipart(const srv_request *req);

/* The parts, in the arena. */
bk_status srv_multipart_parse(srv_request *req, srv_part **parts, size_t *n, bk_error *err);

/* The part named `name` (first one), or NULL. */
const srv_part *srv_part_find(const srv_part *parts, size_t n, const char *name);

#endif
