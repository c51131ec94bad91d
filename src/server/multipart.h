/*
 * multipart.h — multipart/form-data request bodies (RFC 7578), as the Databricks
 * SDK sends them for `w.workspace.upload` (POST /api/2.0/workspace/import with
 * fields path, format, language, overwrite and a file part "content").
 *
 * The whole body is already in memory (req->body, bounded by the route's
 * max_body); parsing splits it at the boundary named in Content-Type and copies
 * each part, NUL-terminated, into the request's arena.
 */
#ifndef BRICKS_SERVER_MULTIPART_H
#define BRICKS_SERVER_MULTIPART_H

#include "server/request.h"

typedef struct srv_part {
    const char *name;         /* the form field name (Content-Disposition name=) */
    const char *filename;     /* filename= when present, else NULL */
    const char *content_type; /* the part's Content-Type, else NULL */
    const char *data;         /* the bytes, NUL-terminated (they may contain NULs) */
    size_t len;
} srv_part;

/* Whether the request's Content-Type is multipart/form-data. */
bool srv_is_multipart(const srv_request *req);

/*
 * Split the body into parts, in order.  BK_MALFORMED_REQUEST when the Content-Type
 * has no boundary, the body does not start with it, a part has no
 * Content-Disposition name or no blank line after its headers, or the closing
 * boundary is missing.
 */
bk_status srv_multipart_parse(srv_request *req, srv_part **parts, size_t *n, bk_error *err);

/* The first part named `name`, or NULL. */
const srv_part *srv_multipart_get(const srv_part *parts, size_t n, const char *name);

#endif
