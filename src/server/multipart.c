/*
 * multipart.c — multipart/form-data parsing (see multipart.h).
 *
 *   body     -> [preamble] "--" boundary CRLF part { CRLF "--" boundary CRLF part }
 *               CRLF "--" boundary "--" [epilogue]
 *   part     -> { header CRLF } CRLF content
 *
 * Header names compare case-insensitively; a bare LF is accepted where CRLF is
 * expected (some clients send it).  Parameters in Content-Disposition may be
 * quoted ("a b") or bare tokens.
 */
#include "server/multipart.h"

#include <string.h>
#include <strings.h>

bool srv_is_multipart(const srv_request *req) {
    const char *ct = srv_header(req, "Content-Type");
    return ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

static bk_status malformed(bk_error *err, const char *what) {
    return bk_error_set(err, BK_MALFORMED_REQUEST, "Malformed multipart/form-data body: %s",
                        what);
}

/*
 * The value of parameter `key` in a header value like `form-data; name="x"`
 * (case-insensitive key), copied into the arena; NULL when absent.
 */
static char *header_param(bk_arena *a, const char *v, size_t len, const char *key) {
    size_t klen = strlen(key);
    const char *end = v + len;
    const char *p = v;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        if (!semi) break;
        p = semi + 1;
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if ((size_t)(end - p) > klen && strncasecmp(p, key, klen) == 0 && p[klen] == '=') {
            const char *val = p + klen + 1;
            if (val < end && *val == '"') {
                val++;
                const char *q = val;
                while (q < end && *q != '"') q += *q == '\\' && q + 1 < end ? 2 : 1;
                /* unescape \" and \\ */
                char *out = bk_arena_alloc(a, (size_t)(q - val) + 1);
                if (!out) return NULL;
                size_t o = 0;
                for (const char *r = val; r < q; r++) {
                    if (*r == '\\' && r + 1 < q) r++;
                    out[o++] = *r;
                }
                out[o] = '\0';
                return out;
            }
            const char *q = val;
            while (q < end && *q != ';' && *q != ' ' && *q != '\t') q++;
            return bk_arena_strndup(a, val, (size_t)(q - val));
        }
    }
    return NULL;
}

/* Find `needle` (n bytes) in hay[0..len); NULL if absent. */
static const char *find(const char *hay, size_t len, const char *needle, size_t n) {
    if (n == 0 || len < n) return NULL;
    const char *last = hay + len - n;
    for (const char *p = hay; p <= last; p++) {
        p = memchr(p, needle[0], (size_t)(last - p) + 1);
        if (!p) return NULL;
        if (memcmp(p, needle, n) == 0) return p;
    }
    return NULL;
}

/* Parse one part's headers and content [start, stop) into *part. */
static bk_status parse_part(bk_arena *a, const char *start, const char *stop, srv_part *part,
                            bk_error *err) {
    memset(part, 0, sizeof *part);
    const char *p = start;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        if (!nl) return malformed(err, "a part's headers do not end with a blank line");
        const char *line_end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        size_t line_len = (size_t)(line_end - p);
        if (line_len == 0) {
            p = nl + 1;
            break;
        }
        const char *colon = memchr(p, ':', line_len);
        if (colon) {
            size_t name_len = (size_t)(colon - p);
            const char *v = colon + 1;
            while (v < line_end && (*v == ' ' || *v == '\t')) v++;
            size_t vlen = (size_t)(line_end - v);
            if (name_len == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
                part->name = header_param(a, v, vlen, "name");
                part->filename = header_param(a, v, vlen, "filename");
            } else if (name_len == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
                part->content_type = bk_arena_strndup(a, v, vlen);
            }
        }
        p = nl + 1;
    }
    if (!part->name) return malformed(err, "a part has no Content-Disposition name");
    char *data = bk_arena_alloc(a, (size_t)(stop - p) + 1);
    if (!data) return bk_arena_oom(a, err);
    memcpy(data, p, (size_t)(stop - p));
    data[stop - p] = '\0';
    part->data = data;
    part->len = (size_t)(stop - p);
    return BK_OK;
}

bk_status srv_multipart_parse(srv_request *req, srv_part **parts, size_t *n, bk_error *err) {
    *parts = NULL;
    *n = 0;
    const char *ct = srv_header(req, "Content-Type");
    if (!ct || !srv_is_multipart(req))
        return malformed(err, "the Content-Type is not multipart/form-data");
    bk_arena *a = req->arena;
    char *boundary = header_param(a, ct, strlen(ct), "boundary");
    if (!boundary || !*boundary || strlen(boundary) > 200)
        return malformed(err, "the Content-Type names no boundary");
    /* "\n--boundary": delim points at "--", delim - 1 at the LF before it. */
    char *lf_delim = bk_arena_printf(a, "\n--%s", boundary);
    if (!lf_delim) return bk_arena_oom(a, err);
    const char *delim = lf_delim + 1;
    size_t dlen = strlen(delim);
    const char *body = req->body, *end = req->body + req->body_len;
    const char *p = find(body, req->body_len, delim, dlen);
    if (!p) return malformed(err, "the boundary does not occur in the body");
    size_t cap = 0;
    for (;;) {
        p += dlen;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return BK_OK; /* closing boundary */
        /* the rest of the boundary line */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return malformed(err, "the body ends inside a boundary line");
        const char *start = nl + 1;
        /* A delimiter counts only at the start of a line: search for LF "--" boundary. */
        const char *lf = find(start, (size_t)(end - start), delim - 1, dlen + 1);
        if (!lf) return malformed(err, "the closing boundary is missing");
        const char *next = lf + 1;
        /* The CRLF (or LF) before the delimiter belongs to it, not to the content. */
        const char *stop = lf;
        if (stop > start && stop[-1] == '\r') stop--;
        if (*n == cap) {
            size_t new_cap = cap ? cap * 2 : 8;
            srv_part *grown = bk_arena_array(a, new_cap, sizeof *grown);
            if (!grown) return bk_arena_oom(a, err);
            if (*n) memcpy(grown, *parts, *n * sizeof *grown);
            *parts = grown;
            cap = new_cap;
        }
        BK_TRY(parse_part(a, start, stop, &(*parts)[*n], err));
        (*n)++;
        p = next;
    }
}

const srv_part *srv_multipart_get(const srv_part *parts, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(parts[i].name, name) == 0) return &parts[i];
    return NULL;
}
