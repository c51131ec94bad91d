/*
 * objstore.c — the backend-independent half of object stores (see objstore.h).
 *
 * Turns a root (path or URL) into a backend, and checks every key, prefix and
 * argument before handing a call to the backend's store_obj_ops, so a backend
 * never sees a key that could leave its root.  The local filesystem backend is
 * objstore_fs.c; an S3-compatible one will be a sibling file and one more branch
 * in store_obj_open.
 */
#include "store/objstore.h"

#include <string.h>
#include <strings.h>

#include "base/mem.h"

#define KEY_MAX 1024    /* bytes in a key (S3's limit) */
#define SEGMENT_MAX 255 /* bytes in one segment (NAME_MAX of the local filesystems) */

/* ---------------------------------------------------------------------------------------------
 * Keys
 * ------------------------------------------------------------------------------------------- */

bool store_obj_is_temp_name(const char *name, size_t len) {
    static const char tag[] = ".tmp-";
    const size_t tag_len = sizeof tag - 1, n_random = 6;
    if (len < tag_len + n_random + 1) return false; /* something must precede the tag */
    const char *tail = name + len - n_random;
    if (memcmp(tail - tag_len, tag, tag_len) != 0) return false;
    for (size_t i = 0; i < n_random; i++) {
        char c = tail[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

/*
 * Check key[0..len) (a key, or the directory part of a list prefix: `what` says
 * which) against the rules at the top of objstore.h.  `key` is the whole string
 * for the message.
 */
static bk_status check_key_part(const char *what, const char *key, size_t len, bool is_prefix,
                                bk_error *err) {
    if (len == 0) return bk_error_set(err, BK_INVALID_ARGUMENT, "invalid %s: it is empty", what);
    if (len > KEY_MAX) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "invalid %s \"%.64s...\": longer than %d bytes", what, key, KEY_MAX);
    }
    if (key[0] == '/') {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "invalid %s \"%s\": it must be relative (no leading \"/\")", what, key);
    }
    if (memchr(key, '\\', len)) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "invalid %s \"%s\": backslashes are not allowed", what, key);
    }
    size_t start = 0;
    while (start <= len) {
        const char *slash = memchr(key + start, '/', len - start);
        size_t end = slash ? (size_t)(slash - key) : len;
        size_t seg_len = end - start;
        const char *seg = key + start;
        if (seg_len == 0) {
            return bk_error_set(err, BK_INVALID_ARGUMENT, "invalid %s \"%s\": empty path segment",
                                what, key);
        }
        if ((seg_len == 1 && seg[0] == '.') || (seg_len == 2 && seg[0] == '.' && seg[1] == '.')) {
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "invalid %s \"%s\": \"%.*s\" segments are not allowed", what, key,
                                (int)seg_len, seg);
        }
        if (seg_len > SEGMENT_MAX) {
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "invalid %s \"%s\": a path segment is longer than %d bytes", what,
                                key, SEGMENT_MAX);
        }
        if (!slash && !is_prefix && store_obj_is_temp_name(seg, seg_len)) {
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "invalid %s \"%s\": names ending in \".tmp-\" and six letters or "
                                "digits are reserved for temporary files",
                                what, key);
        }
        start = end + 1;
    }
    return BK_OK;
}

bk_status store_obj_check_key(const char *key, bk_error *err) {
    if (!key) return bk_error_set(err, BK_INVALID_ARGUMENT, "invalid object key: it is missing");
    return check_key_part("object key", key, strlen(key), false, err);
}

/* A list prefix: "" or anything whose part before the last '/' is a valid key. */
static bk_status check_prefix(const char *prefix, bk_error *err) {
    const char *last_slash = strrchr(prefix, '/');
    if (strchr(prefix, '\\')) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "invalid list prefix \"%s\": backslashes are not allowed", prefix);
    }
    if (!last_slash) return BK_OK;
    return check_key_part("list prefix", prefix, (size_t)(last_slash - prefix), true, err);
}

/* ---------------------------------------------------------------------------------------------
 * Opening: roots and URLs
 * ------------------------------------------------------------------------------------------- */

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/*
 * The length of the URL scheme at the start of `root` ("s3" in "s3://b/k"), or 0
 * when `root` is a plain path.  A scheme (RFC 3986: a letter, then letters, digits,
 * '+', '-', '.') counts only when followed by ":/" or when it is "file:", so that
 * a relative path such as "x:y" stays a path.
 */
static size_t scheme_len(const char *root) {
    size_t n = 0;
    if (!((root[0] >= 'a' && root[0] <= 'z') || (root[0] >= 'A' && root[0] <= 'Z'))) return 0;
    for (n = 1; root[n]; n++) {
        char c = root[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '-' || c == '.';
        if (!ok) break;
    }
    if (root[n] != ':') return 0;
    if (root[n + 1] == '/') return n;
    return (n == 4 && strncasecmp(root, "file", 4) == 0) ? n : 0;
}

/*
 * The local path of a file: URL, percent-decoded, in a heap string the caller
 * frees.  Accepts file:///p, file://localhost/p and file:/p.
 */
static bk_status file_url_path(const char *url, char **out, bk_error *err) {
    const char *p = url + 5; /* after "file:" */
    if (p[0] == '/' && p[1] == '/') {
        const char *host = p + 2;
        const char *path = strchr(host, '/');
        size_t host_len = path ? (size_t)(path - host) : strlen(host);
        if (host_len != 0 && !(host_len == 9 && strncasecmp(host, "localhost", 9) == 0)) {
            return bk_error_set(err, BK_UNSUPPORTED,
                                "file URL \"%s\" names host \"%.*s\": only local files "
                                "(file:///path) are supported",
                                url, (int)host_len, host);
        }
        if (!path) {
            return bk_error_set(err, BK_INVALID_ARGUMENT, "file URL \"%s\" has no path", url);
        }
        p = path;
    }
    if (p[0] != '/') {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "file URL \"%s\" must have an absolute path (file:///path)", url);
    }
    if (strpbrk(p, "?#")) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "file URL \"%s\": queries and fragments are not supported", url);
    }
    size_t n = strlen(p);
    char *path = bk_malloc(n + 1);
    if (!path) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening \"%s\"", url);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '%') {
            path[o++] = p[i];
            continue;
        }
        /* the string ends in a NUL, which is not a hex digit: no read past it */
        int hi = hex_value(p[i + 1]);
        int lo = hi >= 0 ? hex_value(p[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            bk_free(path);
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "file URL \"%s\": bad percent escape \"%.3s\"", url, p + i);
        }
        path[o++] = (char)(hi * 16 + lo);
        i += 2;
    }
    path[o] = '\0';
    *out = path;
    return BK_OK;
}

bk_status store_obj_open(const char *root, store_obj **out, bk_error *err) {
    if (!root || !root[0]) {
        return bk_error_set(err, BK_INVALID_ARGUMENT, "invalid store root: it is empty");
    }
    size_t slen = scheme_len(root);
    if (slen == 0) return store_obj_fs_open(root, root, out, err);
    if (slen == 4 && strncasecmp(root, "file", 4) == 0) {
        char *dir = NULL;
        BK_TRY(file_url_path(root, &dir, err));
        bk_status st = store_obj_fs_open(dir, root, out, err);
        bk_free(dir);
        return st;
    }
    return bk_error_set(err, BK_UNSUPPORTED,
                        "cannot open store \"%s\": the \"%.*s\" scheme is not supported "
                        "(only local paths and file: URLs are)",
                        root, (int)slen, root);
}

void store_obj_close(store_obj *o) {
    if (o) o->ops->close(o);
}

const char *store_obj_location(const store_obj *o) { return o->location; }

const char *store_obj_scheme(const store_obj *o) { return o->ops->scheme; }

/* ---------------------------------------------------------------------------------------------
 * Operations: check, then dispatch
 * ------------------------------------------------------------------------------------------- */

bk_status store_obj_get(bk_arena *a, store_obj *o, const char *key, uint8_t **data, size_t *len,
                        bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->get(a, o, key, 0, SIZE_MAX, data, len, err);
}

bk_status store_obj_get_range(bk_arena *a, store_obj *o, const char *key, uint64_t offset,
                              size_t length, uint8_t **data, size_t *len, bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->get(a, o, key, offset, length, data, len, err);
}

bk_status store_obj_head(store_obj *o, const char *key, store_obj_info *out, bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->head(o, key, out, err);
}

bk_status store_obj_map(store_obj *o, const char *key, store_map *map, bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->map(o, key, map, err);
}

void store_obj_unmap(store_obj *o, store_map *map) {
    if (o && map) o->ops->unmap(o, map);
}

bk_status store_obj_list(bk_arena *a, store_obj *o, const char *prefix, const char *start_after,
                         unsigned flags, store_obj_entry **entries, size_t *count, bk_error *err) {
    if (!prefix) prefix = "";
    BK_TRY(check_prefix(prefix, err));
    return o->ops->list(a, o, prefix, start_after, flags, entries, count, err);
}

bk_status store_obj_put(store_obj *o, const char *key, const void *data, size_t len,
                        bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->put(o, key, data, len, 0, err);
}

bk_status store_obj_put_if_absent(store_obj *o, const char *key, const void *data, size_t len,
                                  bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->put(o, key, data, len, STORE_NO_REPLACE, err);
}

bk_status store_obj_delete(store_obj *o, const char *key, bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->del(o, key, err);
}

bk_status store_obj_writer_open(store_obj *o, const char *key, unsigned flags,
                                store_obj_writer **out, bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    return o->ops->writer_open(o, key, flags, out, err);
}

bk_status store_obj_writer_write(store_obj_writer *w, const void *data, size_t n, bk_error *err) {
    return w->store->ops->writer_write(w, data, n, err);
}

uint64_t store_obj_writer_size(const store_obj_writer *w) { return w->store->ops->writer_size(w); }

bk_status store_obj_writer_commit(store_obj_writer *w, bk_error *err) {
    return w->store->ops->writer_commit(w, err);
}

void store_obj_writer_abort(store_obj_writer *w) {
    if (w) w->store->ops->writer_abort(w);
}

bk_status store_obj_local_path(bk_arena *a, store_obj *o, const char *key, const char **path,
                               bk_error *err) {
    BK_TRY(store_obj_check_key(key, err));
    if (!o->ops->local_path) {
        *path = NULL;
        return BK_OK;
    }
    return o->ops->local_path(a, o, key, path, err);
}
