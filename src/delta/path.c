/*
 * path.c — the URI form of file paths in the Delta log.
 *
 * PROTOCOL.md "Add File and Remove File": `path` is "a URI as specified by RFC
 * 2396 URI Generic Syntax, which needs to be decoded to get the data file path".
 * Spark builds it with Hadoop's Path.toUri, i.e. java.net.URI's quoting of a path
 * component: characters that are legal in a path stay as they are, everything
 * else becomes %XX.  A Hive partition directory is escaped before that (":" ->
 * "%3A"), so its "%" is quoted again: "ts=2024-01-01 10:00" is written as
 * "ts=2024-01-01%2010%253A00".
 *
 * The encoded string is the reconciliation key (a remove must repeat its add's
 * path byte for byte), so the log's own text is kept next to the decoded one;
 * these two functions only convert.
 */
#include "delta/action.h"

#include <string.h>

/* Value of one hex digit, or -1. */
static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

const char *delta_path_decode(bk_arena *a, const char *path) {
    if (!strchr(path, '%')) return path; /* OPTIMIZATION: nothing to decode, no copy */
    size_t len = strlen(path);
    char *out = bk_arena_alloc(a, len + 1);
    if (!out) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (path[i] != '%') {
            out[n++] = path[i];
            continue;
        }
        /* path[len] is the NUL, so reading i+1 and i+2 stops there at worst */
        int hi = hex_value(path[i + 1]);
        int lo = hi < 0 ? -1 : hex_value(path[i + 2]);
        if (lo < 0) return NULL;
        int byte = hi * 16 + lo;
        if (byte == 0) return NULL; /* a NUL would cut the C string short */
        out[n++] = (char)byte;
        i += 2;
    }
    out[n] = '\0';
    return out;
}

/*
 * True for the bytes java.net.URI leaves unquoted in a path, minus ':': the
 * unreserved marks, the path punctuation ",;$&+=", "/" and "@".  A ':' is legal
 * in a path too, but in a relative path's first segment it would read as a
 * scheme, so it is always quoted (Spark's own paths never carry a raw ':').
 */
static bool keep_in_path(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c != '\0' && strchr("-_.!~*'()/@,;$&+=", c) != NULL;
}

const char *delta_path_encode(bk_arena *a, const char *relative_path) {
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(relative_path), need = 0;
    for (size_t i = 0; i < len; i++) need += keep_in_path((unsigned char)relative_path[i]) ? 1 : 3;
    char *out = bk_arena_alloc(a, need + 1);
    if (!out) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)relative_path[i];
        if (keep_in_path(c)) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
    return out;
}
