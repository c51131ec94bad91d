/*
 * multipart.c — multipart/form-data bodies (see multipart.h).
 *
 * The body is scanned once: "--boundary" starts each part, its headers end at the
 * first empty line, its data runs to the next "\r\n--boundary"; "--boundary--"
 * ends the body.  Only Content-Disposition matters here; other part headers
 * (Content-Type) are skipped.
 */
#include "server/multipart.h"

#include <string.h>
#include <strings.h>

static const char *find(const char *hay, size_t hay_len, const char *needle, size_t n) {
    if (n == 0 || hay_len < n) return NULL;
    for (size_t i = 0; i + n <= hay_len; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0) return hay + i;
    return NULL;
}

bool srv_is_multipart(const srv_request *req) {
    const char *ct = srv_header(req, "Content-Type");
    return ct && strncasecmp(ct, "multipart/form-data", 19) == 0;
}

/* The value of parameter `key` ("name", "filename", "boundary") in a header value. */
static char *header_param(bk_arena *a, const char *v, size_t len, const char *key) {
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl < len; i++) {
        if ((i > 0 && v[i - 1] != ';' && v[i - 1] != ' ') || strncasecmp(v + i, key, kl) != 0 ||
            v[i + kl] != '=')
            continue;
        const char *p = v + i + kl + 1, *end = v + len;
        if (p < end && *p == '"') {
            const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
            if (!q) return NULL;
            return bk_arena_strndup(a, p + 1, (size_t)(q - p - 1));
        }
        const char *q = p;
        while (q < end && *q != ';' && *q != ' ' && *q != '\r') q++;
        return bk_arena_strndup(a, p, (size_t)(q - p));
    }
    return NULL;
}

static bk_status malformed(const char *why, bk_error *err) {
    return bk_error_set(err, BK_MALFORMED_REQUEST, "Malformed multipart/form-data body: %s", why);
}

bk_status srv_multipart_parse(srv_request *req, srv_part **parts, size_t *n, bk_error *err) {
    *parts = NULL;
    *n = 0;
    const char *ct = srv_header(req, "Content-Type");
    char *boundary = ct ? header_param(req->arena, ct, strlen(ct), "boundary") : NULL;
    if (!boundary || !*boundary) return malformed("no boundary in Content-Type", err);
    char *delim = bk_arena_printf(req->arena, "\r\n--%s", boundary);
    if (!delim) return bk_arena_oom(req->arena, err);
    size_t dl = strlen(delim);
    const char *body = req->body ? req->body : "";
    size_t len = req->body_len;
    /* The first delimiter may come without the leading CRLF. */
    if (len < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0)
        return malformed("it does not start with the boundary", err);
    const char *p = body + dl - 2, *end = body + len;
    size_t cap = 0;
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return BK_OK; /* the closing delimiter */
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return malformed("bad boundary line", err);
        p += 2;
        const char *hdr_end = find(p, (size_t)(end - p), "\r\n\r\n", 4);
        const char *data = NULL;
        if (hdr_end) {
            data = hdr_end + 4;
        } else if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            hdr_end = p; /* no headers at all */
            data = p + 2;
        } else {
            return malformed("a part's headers do not end", err);
        }
        srv_part part = {0};
        for (const char *line = p; line < hdr_end;) {
            const char *eol = find(line, (size_t)(hdr_end - line), "\r\n", 2);
            if (!eol) eol = hdr_end;
            size_t ll = (size_t)(eol - line);
            if (ll > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
                part.name = header_param(req->arena, line + 20, ll - 20, "name");
                part.filename = header_param(req->arena, line + 20, ll - 20, "filename");
            }
            line = eol + 2;
        }
        const char *next = find(data, (size_t)(end - data), delim, dl);
        if (!next) return malformed("a part does not end with the boundary", err);
        if (!part.name) return malformed("a part has no name", err);
        part.data = data;
        part.len = (size_t)(next - data);
        if (*n == cap) {
            size_t new_cap = cap ? cap * 2 : 8;
            srv_part *grown = bk_arena_array(req->arena, new_cap, sizeof *grown);
            if (!grown) return bk_arena_oom(req->arena, err);
            if (*n) memcpy(grown, *parts, *n * sizeof *grown);
            *parts = grown;
            cap = new_cap;
        }
        (*parts)[(*n)++] = part;
        p = next + dl;
    }
}

const srv_part *srv_part_find(const srv_part *parts, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(parts[i].name, name) == 0) return &parts[i];
    return NULL;
}
