/*
 * json_out.c — the streaming JSON writer (see json_out.h).
 */
#include "server/json_out.h"

#include <string.h>

void srv_json_init(srv_json *j, bk_buf *out) {
    memset(j, 0, sizeof *j);
    j->out = out;
}

/* Append p[0..n); when it fits (the usual case) without a call into buf.c. */
static inline void put(srv_json *j, const void *p, size_t n) {
    bk_buf *b = j->out;
    if (n == 0 || j->failed) return;
    if (b->cap - b->len >= n) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        return;
    }
    if (bk_buf_append(b, p, n) != BK_OK) j->failed = true;
}

/* Before any value: the comma that separates it from the previous one. */
static void before_value(srv_json *j) {
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->need_comma[j->depth]) put(j, ",", 1);
    j->need_comma[j->depth] = true;
}

static void open_level(srv_json *j, char c) {
    before_value(j);
    put(j, &c, 1);
    BK_ASSERT(j->depth < SRV_JSON_MAX_DEPTH);
    if (j->depth < SRV_JSON_MAX_DEPTH) j->depth++;
    j->need_comma[j->depth] = false;
    j->closer[j->depth] = c == '{' ? '}' : ']';
}

void srv_json_obj(srv_json *j) { open_level(j, '{'); }
void srv_json_arr(srv_json *j) { open_level(j, '['); }

/* Closes whichever of { or [ is innermost. */
void srv_json_end(srv_json *j) {
    BK_ASSERT(j->depth > 0);
    if (j->depth == 0) return;
    char c = j->closer[j->depth];
    j->depth--;
    put(j, &c, 1);
}

static const char hex[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at s[0..len), or 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *s, size_t len) {
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n > len) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

/*
 * s[0..len) as a JSON string: runs of bytes that need nothing (printable ASCII
 * other than '"' and '\\', valid UTF-8) are copied at once; control characters
 * are escaped, invalid UTF-8 becomes U+FFFD.
 */
/*
 * Whether none of the 8 bytes in w needs escaping or a UTF-8 check: each is below
 * 0x80, at least 0x20, and neither '"' nor '\\' (the "has a byte less than n" and
 * "has a zero byte" word tricks; exact when asked of the whole word).
 */
static inline bool plain8(uint64_t w) {
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t bad = w | ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                   ((backslash - ones) & ~backslash);
    return (bad & highs) == 0;
}

static void put_string(srv_json *j, const char *s, size_t len) {
    if (!j->failed && bk_buf_reserve(j->out, len + 2) != BK_OK) j->failed = true;
    put(j, "\"", 1);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t start = i, step;
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!plain8(w)) break;
            i += 8;
        }
        while (i < len) {
            unsigned char c = p[i];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
                i++;
            else if (c >= 0x80 && (step = utf8_seq(p + i, len - i)) != 0)
                i += step;
            else
                break;
        }
        put(j, p + start, i - start);
        if (i == len) break;
        unsigned char c = p[i++];
        char ubuf[6];
        if (c == '"') {
            put(j, "\\\"", 2);
        } else if (c == '\\') {
            put(j, "\\\\", 2);
        } else if (c == '\n') {
            put(j, "\\n", 2);
        } else if (c == '\r') {
            put(j, "\\r", 2);
        } else if (c == '\t') {
            put(j, "\\t", 2);
        } else if (c < 0x20) {
            memcpy(ubuf, "\\u00", 4);
            ubuf[4] = hex[c >> 4];
            ubuf[5] = hex[c & 15];
            put(j, ubuf, 6);
        } else {
            put(j, "\xef\xbf\xbd", 3); /* U+FFFD for a byte that starts no valid sequence */
        }
    }
    put(j, "\"", 1);
}

void srv_json_key(srv_json *j, const char *key) {
    before_value(j);
    put_string(j, key, strlen(key));
    put(j, ":", 1);
    j->after_key = true;
}

void srv_json_strn(srv_json *j, const char *s, size_t len) {
    before_value(j);
    put_string(j, s, len);
}

void srv_json_str(srv_json *j, const char *s) {
    if (!s) {
        srv_json_null(j);
        return;
    }
    srv_json_strn(j, s, strlen(s));
}

/* v in decimal at the end of buf[24]; returns where it starts (snprintf is 10x slower). */
static char *fmt_i64(char buf[24], int64_t v) {
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *p = buf + 23;
    *p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    return p;
}

void srv_json_i64(srv_json *j, int64_t v) {
    char buf[24];
    char *p = fmt_i64(buf, v);
    before_value(j);
    put(j, p, (size_t)(buf + 23 - p));
}

void srv_json_bool(srv_json *j, bool v) {
    before_value(j);
    put(j, v ? "true" : "false", v ? 4 : 5);
}

void srv_json_null(srv_json *j) {
    before_value(j);
    put(j, "null", 4);
}

void srv_json_raw(srv_json *j, const char *json) {
    if (!json) {
        srv_json_null(j);
        return;
    }
    before_value(j);
    put(j, json, strlen(json));
}

void srv_json_kv_str(srv_json *j, const char *key, const char *v) {
    if (!v) return;
    srv_json_key(j, key);
    srv_json_str(j, v);
}

void srv_json_kv_raw(srv_json *j, const char *key, const char *json) {
    if (!json) return;
    srv_json_key(j, key);
    srv_json_raw(j, json);
}

void srv_json_kv_i64(srv_json *j, const char *key, int64_t v) {
    srv_json_key(j, key);
    srv_json_i64(j, v);
}

void srv_json_kv_bool(srv_json *j, const char *key, bool v) {
    srv_json_key(j, key);
    srv_json_bool(j, v);
}

void srv_json_kv_id(srv_json *j, const char *key, int64_t v) {
    char buf[24];
    srv_json_kv_str(j, key, fmt_i64(buf, v));
}

bk_status srv_json_status(const srv_json *j, bk_error *err) {
    if (!j->failed) return BK_OK;
    return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory while writing the response");
}
