/*
 * action_json_compact.c — a scanned JSON value re-serialised compactly, byte for
 * byte as jansson writes it (delta_jscan_compact in json_scan.h).
 *
 * commitInfo is free-form, so the parser keeps it whole as text.  It used to be
 * json_dumpb(JSON_COMPACT) of the jansson tree; this writes the same bytes from
 * the source text without a tree:
 *
 *   - whitespace between tokens goes;
 *   - a string without escapes is copied as it is (jansson would write the same
 *     bytes: valid UTF-8, no control character, no quote, no backslash); one
 *     with escapes is decoded and re-escaped the way jansson's dump_string does
 *     it (\" \\ \b \f \n \r \t, \u00XX for other control characters, everything
 *     else, "/" and non-ASCII included, as raw UTF-8);
 *   - an integer is copied, except "-0", which jansson reads as 0;
 *   - any other number goes through strtod and "%.17g", then jansson's touches:
 *     ".0" appended when there is neither '.' nor 'e', and the exponent without
 *     '+' and without leading zeros (1E5 -> 100000.0, 1e400 is refused earlier,
 *     0.1 -> 0.10000000000000001, 1e-7 -> 9.9999999999999995e-8);
 *   - an object with duplicate keys keeps each key once, where it first appears,
 *     with the value of its last occurrence (jansson's json_object_set).
 *
 * Duplicates are found after an object has been written: each member's key and
 * value spans in the output are pushed on a stack while it is written, and when
 * the object closes a hash map of its keys shows whether any repeats; only then
 * is the object's text rebuilt from the spans.  The recursion is one C frame
 * per nesting level; the input was validated, so that is at most
 * DELTA_JSCAN_MAX_DEPTH (jansson's parser recursed as deep).
 */
#include <stdio.h>
#include <string.h>

#include "base/hash.h"
#include "base/mem.h"
#include "delta/json_scan.h"

/* Where a member of an object being written sits in the output (byte offsets). */
typedef struct member_span {
    size_t key_at, key_len;     /* the key, quotes included */
    size_t value_at, value_len; /* the value */
    size_t key_index;           /* dedupe: the key's number among the distinct keys */
    bool is_first;              /* dedupe: no earlier member has this key */
} member_span;

typedef struct compact_ctx {
    bk_buf *out;
    bk_buf members; /* member_span stack of the objects still open */
    bk_buf scratch; /* decoded string */
    bk_hmap *keys;  /* made on the first object with two members; reused */
    bk_error *err;
} compact_ctx;

static bk_status oom(compact_ctx *c) {
    return bk_error_set(c->err, BK_OUT_OF_MEMORY, "out of memory re-serialising a commitInfo");
}

static bk_status put(compact_ctx *c, const void *src, size_t n) {
    return bk_buf_append(c->out, src, n) == BK_OK ? BK_OK : oom(c);
}

/* The input was not what delta_jscan_value accepted: a bug in the caller. */
static bk_status not_validated(compact_ctx *c) {
    return bk_error_set(c->err, BK_INTERNAL, "commitInfo JSON changed after it was validated");
}

static bk_status emit_value(compact_ctx *c, delta_jscan *s, uint32_t depth);

/* A string, escaped as jansson's dump_string escapes it. */
static bk_status emit_string(compact_ctx *c, const delta_jval *v) {
    if (!v->has_escape) return put(c, v->text, v->len);
    bk_buf_clear(&c->scratch);
    if (bk_buf_reserve(&c->scratch, v->len) != BK_OK) return oom(c);
    size_t n = delta_jscan_unescape(v, (char *)c->scratch.data);
    const char *s = (const char *)c->scratch.data;
    BK_TRY(put(c, "\"", 1));
    size_t run = 0; /* bytes of s[i - run, i) still to copy as they are */
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\') {
            run++;
            continue;
        }
        BK_TRY(put(c, s + i - run, run));
        run = 0;
        char esc[8];
        const char *short_esc = NULL;
        switch (ch) {
        case '"':
            short_esc = "\\\"";
            break;
        case '\\':
            short_esc = "\\\\";
            break;
        case '\b':
            short_esc = "\\b";
            break;
        case '\f':
            short_esc = "\\f";
            break;
        case '\n':
            short_esc = "\\n";
            break;
        case '\r':
            short_esc = "\\r";
            break;
        case '\t':
            short_esc = "\\t";
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)ch);
            short_esc = esc;
            break;
        }
        BK_TRY(put(c, short_esc, strlen(short_esc)));
    }
    BK_TRY(put(c, s + n - run, run));
    return put(c, "\"", 1);
}

/* A number other than an integer: jansson's jsonp_dtostr with precision 17. */
static bk_status emit_real(compact_ctx *c, const delta_jval *v) {
    char buf[48];
    int n = snprintf(buf, sizeof buf - 2, "%.17g", delta_jscan_real(v));
    if (n < 0 || (size_t)n >= sizeof buf - 2) return not_validated(c);
    size_t len = (size_t)n;
    if (!memchr(buf, '.', len) && !memchr(buf, 'e', len)) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *e = memchr(buf, 'e', len);
    if (e) {
        /* drop the '+' of a positive exponent and the exponent's leading zeros */
        char *from = e + 1, *to = e + 1;
        if (*from == '-') from++, to++;
        if (*from == '+') from++;
        while (*from == '0' && from + 1 < buf + len) from++;
        memmove(to, from, (size_t)(buf + len - from));
        len -= (size_t)(from - to);
    }
    return put(c, buf, len);
}

/* [value, ...] */
static bk_status emit_array(compact_ctx *c, delta_jscan *s, uint32_t depth) {
    BK_TRY(put(c, "[", 1));
    bool first = true;
    size_t n = 0;
    int more;
    while ((more = delta_jscan_element(s, &first)) == 1) {
        if (n++) BK_TRY(put(c, ",", 1));
        BK_TRY(emit_value(c, s, depth + 1));
    }
    if (more < 0) return not_validated(c);
    return put(c, "]", 1);
}

/* The member_span of index i in the open-objects stack, and its update. */
static member_span member_at(const compact_ctx *c, size_t i) {
    member_span m;
    memcpy(&m, c->members.data + i * sizeof m, sizeof m);
    return m;
}

static void member_set(compact_ctx *c, size_t i, const member_span *m) {
    memcpy(c->members.data + i * sizeof *m, m, sizeof *m);
}

/*
 * The object written at out[at..) has members base..base+n-1 on the stack: if
 * a key repeats, rewrite it with each key once, first position, last value.
 */
static bk_status dedupe(compact_ctx *c, size_t at, size_t base, size_t n) {
    if (!c->keys && !(c->keys = bk_hmap_new(false))) return oom(c);
    bk_hmap_clear(c->keys);
    for (size_t i = 0; i < n; i++) {
        member_span m = member_at(c, base + i);
        /* the map points into out, which does not change until the rewrite below */
        if (bk_hmap_insert(c->keys, c->out->data + m.key_at, m.key_len, &m.key_index,
                           &m.is_first) != BK_OK)
            return oom(c);
        bk_hmap_set_value(c->keys, m.key_index, base + i); /* the last occurrence so far */
        member_set(c, base + i, &m);
    }
    if (bk_hmap_count(c->keys) == n) return BK_OK;
    size_t len = c->out->len - at;
    uint8_t *copy = bk_malloc(len);
    if (!copy) return oom(c);
    memcpy(copy, c->out->data + at, len);
    c->out->len = at;
    /* the rewrite is shorter than the original: the buffer has the room */
    bk_buf_put(c->out, "{", 1);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        member_span m = member_at(c, base + i);
        if (!m.is_first) continue;
        member_span last = member_at(c, (size_t)bk_hmap_value(c->keys, m.key_index));
        if (any) bk_buf_put(c->out, ",", 1);
        any = true;
        bk_buf_put(c->out, copy + (m.key_at - at), m.key_len);
        bk_buf_put(c->out, ":", 1);
        bk_buf_put(c->out, copy + (last.value_at - at), last.value_len);
    }
    bk_buf_put(c->out, "}", 1);
    bk_free(copy);
    return BK_OK;
}

/* {"key":value, ...}; each member's spans go on the stack until the object closes. */
static bk_status emit_object(compact_ctx *c, delta_jscan *s, uint32_t depth) {
    size_t at = c->out->len, base = c->members.len / sizeof(member_span), n = 0;
    BK_TRY(put(c, "{", 1));
    bool first = true;
    delta_jval key;
    int more;
    while ((more = delta_jscan_member(s, &first, &key)) == 1) {
        if (n++) BK_TRY(put(c, ",", 1));
        member_span m = {0};
        m.key_at = c->out->len;
        BK_TRY(emit_string(c, &key));
        m.key_len = c->out->len - m.key_at;
        BK_TRY(put(c, ":", 1));
        m.value_at = c->out->len;
        BK_TRY(emit_value(c, s, depth + 1));
        m.value_len = c->out->len - m.value_at;
        if (bk_buf_append(&c->members, &m, sizeof m) != BK_OK) return oom(c);
    }
    if (more < 0) return not_validated(c);
    BK_TRY(put(c, "}", 1));
    bk_status st = n > 1 ? dedupe(c, at, base, n) : BK_OK;
    c->members.len = base * sizeof(member_span);
    return st;
}

static bk_status emit_value(compact_ctx *c, delta_jscan *s, uint32_t depth) {
    if (depth > DELTA_JSCAN_MAX_DEPTH || s->p >= s->end) return not_validated(c);
    if (*s->p == '{') return emit_object(c, s, depth);
    if (*s->p == '[') return emit_array(c, s, depth);
    delta_jval v;
    if (!delta_jscan_value(s, depth, &v)) return not_validated(c);
    switch (v.type) {
    case DELTA_J_STRING:
        return emit_string(c, &v);
    case DELTA_J_INT:
        if (v.len == 2 && memcmp(v.text, "-0", 2) == 0) return put(c, "0", 1);
        return put(c, v.text, v.len);
    case DELTA_J_REAL:
        return emit_real(c, &v);
    default:
        return put(c, v.text, v.len); /* true, false, null */
    }
}

bk_status delta_jscan_compact(const delta_jval *v, bk_buf *out, bk_error *err) {
    compact_ctx c = {.out = out, .err = err};
    bk_buf_init(&c.members);
    bk_buf_init(&c.scratch);
    delta_jscan s;
    delta_jscan_init(&s, v->text, v->len);
    bk_status st = emit_value(&c, &s, 1);
    bk_buf_destroy(&c.members);
    bk_buf_destroy(&c.scratch);
    bk_hmap_free(c.keys);
    return st;
}
