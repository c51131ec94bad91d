/*
 * fn_json.c — JSON functions over STRING columns: json_array_length,
 * json_object_keys and get_json_object (Spark 4 semantics, JsonExpressions.scala).
 *
 * A small hand-written scanner walks the text in place (no tree is built): it
 * validates values the way Jackson's default parser does (strict JSON, plus the
 * NaN / Infinity / +Infinity / -Infinity tokens Spark's shared factory allows)
 * and only the first value of the text is read; what follows it is ignored, as
 * Jackson's streaming parser never looks there.  Malformed text in that value gives
 * NULL (even where the answer was found before it), never an error.  Result
 * strings are allocated in call->a.
 *
 * get_json_object(json, path) understands Spark's path syntax `$`, `.name`,
 * `['name']` and `[n]`; a wildcard step (`[*]`, `.*`) and any path Spark's
 * JsonPathParser rejects give NULL.  A string found at the end of the path is
 * returned unescaped; any other value as compact JSON with Jackson's escaping
 * (whitespace dropped, strings re-escaped, number text kept as written).
 */
#include <string.h>

#include "base/str.h"
#include "engine/exec/fn_json.h"

#define JSON_MAX_DEPTH 1000 /* deeper nesting is treated as malformed */
#define JSON_MAX_STEPS 64   /* path steps get_json_object handles */

typedef exec_jcur jcur;

static int hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static bool hex4(const char *p, const char *end, uint32_t *out) {
    if (end - p < 4) return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[k]);
        if (h < 0) return false;
        v = v << 4 | (uint32_t)h;
    }
    *out = v;
    return true;
}

static size_t utf8_put(char *o, uint32_t cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* fn_json.h */
bool exec_json_scan_string(jcur *c, char *out, size_t *out_len) {
    const char *p = c->p + 1;
    size_t n = 0;
    for (;;) {
        const char *q = p;
        while (q < c->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20) q++;
        if (out && q > p) memcpy(out + n, p, (size_t)(q - p));
        n += (size_t)(q - p);
        p = q;
        if (p >= c->end || (unsigned char)*p < 0x20) return false;
        if (*p == '"') break;
        if (p + 1 >= c->end) return false;
        char e = p[1], ch;
        p += 2;
        switch (e) {
        case '"': ch = '"'; break;
        case '\\': ch = '\\'; break;
        case '/': ch = '/'; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'n': ch = '\n'; break;
        case 'r': ch = '\r'; break;
        case 't': ch = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            if (!hex4(p, c->end, &cp)) return false;
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && c->end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
                hex4(p + 2, c->end, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            if (out)
                n += utf8_put(out + n, cp);
            else
                n += 4;
            continue;
        }
        default: return false;
        }
        if (out) out[n] = ch;
        n++;
    }
    c->p = p + 1;
    if (out_len) *out_len = n;
    return true;
}

static bool match_word(jcur *c, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return false;
    c->p += n;
    return true;
}

/* A JSON number (or Spark's NaN / Infinity tokens) at c->p; false when malformed. */
static bool scan_number(jcur *c) {
    const char *p = c->p, *e = c->end;
    if (p < e && (*p == '-' || *p == '+')) {
        bool plus = *p == '+';
        p++;
        c->p = p;
        if (match_word(c, "Infinity")) return true;
        if (plus) return false; /* Jackson: leading '+' only before Infinity */
    }
    if (p < e && *p == 'N') {
        c->p = p;
        return match_word(c, "NaN");
    }
    if (p < e && *p == 'I') {
        c->p = p;
        return match_word(c, "Infinity");
    }
    if (p >= e || *p < '0' || *p > '9') return false;
    if (*p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9') return false; /* leading zero */
    while (p < e && *p >= '0' && *p <= '9') p++;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') return false;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return false;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    c->p = p;
    return true;
}

/* Skip the value at c->p (whitespace before it skipped by the caller); false when malformed. */
static bool skip_value(jcur *c, int depth) {
    if (c->p >= c->end || depth > JSON_MAX_DEPTH) return false;
    char ch = *c->p;
    if (ch == '"') return exec_json_scan_string(c, NULL, NULL);
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->p++;
        exec_jcur_ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return true;
        }
        for (;;) {
            if (ch == '{') {
                if (c->p >= c->end || *c->p != '"' || !exec_json_scan_string(c, NULL, NULL))
                    return false;
                exec_jcur_ws(c);
                if (c->p >= c->end || *c->p != ':') return false;
                c->p++;
                exec_jcur_ws(c);
            }
            if (!skip_value(c, depth + 1)) return false;
            exec_jcur_ws(c);
            if (c->p >= c->end) return false;
            if (*c->p == close) {
                c->p++;
                return true;
            }
            if (*c->p != ',') return false;
            c->p++;
            exec_jcur_ws(c);
        }
    }
    if (ch == 't') return match_word(c, "true");
    if (ch == 'f') return match_word(c, "false");
    if (ch == 'n') return match_word(c, "null");
    return scan_number(c);
}

/*
 * Walk the members of the container at c->p ('{' or '[', after whitespace):
 * each call of next_member leaves c->p at the member's value (for objects
 * *key and *key_len give the raw key text between its quotes) and returns 1, 0 at the
 * end, -1 when malformed.  The caller skips (or reads) each value itself.
 */
typedef struct jiter {
    jcur *c;
    char close;
    bool first;
} jiter;

static bool iter_open(jiter *it, jcur *c, char open) {
    if (c->p >= c->end || *c->p != open) return false;
    c->p++;
    it->c = c;
    it->close = open == '{' ? '}' : ']';
    it->first = true;
    return true;
}

static int next_member(jiter *it, const char **key, size_t *key_len) {
    jcur *c = it->c;
    exec_jcur_ws(c);
    if (c->p >= c->end) return -1;
    if (*c->p == it->close) {
        if (!it->first) return -1; /* after a ',' */
        c->p++;
        return 0;
    }
    if (!it->first) return -1;
    it->first = false;
    if (it->close == '}') {
        if (*c->p != '"') return -1;
        const char *k = c->p + 1;
        if (!exec_json_scan_string(c, NULL, NULL)) return -1;
        *key = k;
        *key_len = (size_t)(c->p - 1 - k);
        exec_jcur_ws(c);
        if (c->p >= c->end || *c->p != ':') return -1;
        c->p++;
    }
    exec_jcur_ws(c);
    return 1;
}

/* After a member's value: a ',' (another member follows) or the closing bracket. */
static int after_member(jiter *it) {
    jcur *c = it->c;
    exec_jcur_ws(c);
    if (c->p >= c->end) return -1;
    if (*c->p == ',') {
        c->p++;
        it->first = true;
        exec_jcur_ws(c);
        if (c->p < c->end && *c->p == it->close) return -1; /* trailing comma */
        return 1;
    }
    if (*c->p == it->close) {
        c->p++;
        return 0;
    }
    return -1;
}

/* Counts the members of the container; -1 when malformed. */
static int64_t count_members(jcur *c, char open) {
    jiter it;
    if (!iter_open(&it, c, open)) return -1;
    const char *k;
    size_t kl;
    int64_t n = 0;
    for (;;) {
        int r = next_member(&it, &k, &kl);
        if (r == 0) return n;
        if (r < 0 || !skip_value(c, 1)) return -1;
        n++;
        r = after_member(&it);
        if (r == 0) return n;
        if (r < 0) return -1;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Binding: the JSON argument must be a STRING (Spark's ExpectsInputTypes: no implicit cast)
 * ------------------------------------------------------------------------------------------- */

static bk_status expect_string(const char *fn, const bk_type *const *args, uint32_t i,
                               const bk_type **cast_to, bk_error *err) {
    bk_type_kind k = args[i]->kind;
    if (k != BK_TYPE_STRING && k != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, fn, i, "\"STRING\"", args[i]);
    cast_to[i] = bk_type_scalar(BK_TYPE_STRING);
    return BK_OK;
}

static EXEC_BIND(bind_array_length) {
    (void)a;
    (void)n_args;
    *result = bk_type_scalar(BK_TYPE_INT);
    return expect_string("json_array_length", args, 0, cast_to, err);
}

static EXEC_BIND(bind_object_keys) {
    (void)n_args;
    *result = bk_type_make_array(a, bk_type_scalar(BK_TYPE_STRING));
    if (!*result) return bk_arena_oom(a, err);
    return expect_string("json_object_keys", args, 0, cast_to, err);
}

static EXEC_BIND(bind_get_json_object) {
    (void)a;
    (void)n_args;
    *result = bk_type_scalar(BK_TYPE_STRING);
    BK_TRY(expect_string("get_json_object", args, 0, cast_to, err));
    return expect_string("get_json_object", args, 1, cast_to, err);
}

/* ---------------------------------------------------------------------------------------------
 * Kernels
 * ------------------------------------------------------------------------------------------- */

#define STR(k) (((const bk_str *)args[k]->data)[i])

static EXEC_KERNEL(k_array_length) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 1, n, &v, err));
    int32_t *o = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        bk_str s = STR(0);
        jcur c = {s.ptr, s.ptr + s.len};
        exec_jcur_ws(&c);
        int64_t cnt = count_members(&c, '[');
        if (cnt < 0 || cnt > INT32_MAX)
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
        else
            o[i] = (int32_t)cnt;
    }
    *out = v;
    return BK_OK;
}

/* The keys of the object in s (unescaped) pushed to l; false when s is not a valid object. */
static bool object_keys(exec_strlist *l, exec_strbuf *sb, bk_str s, bk_error *err,
                        bk_status *st) {
    jcur c = {s.ptr, s.ptr + s.len};
    exec_jcur_ws(&c);
    jiter it;
    if (!iter_open(&it, &c, '{')) return false;
    for (;;) {
        const char *k;
        size_t kl;
        int r = next_member(&it, &k, &kl);
        if (r == 0) return true;
        if (r < 0) return false;
        jcur kc = {k - 1, k + kl + 1};
        char *buf = exec_strbuf_alloc(sb, kl);
        size_t len;
        if (!buf || !exec_json_scan_string(&kc, buf, &len)) {
            *st = bk_arena_oom(sb->a, err);
            return false;
        }
        *st = exec_strlist_push(l, bk_str_make(buf, len), err);
        if (*st != BK_OK || !skip_value(&c, 1)) return false;
        r = after_member(&it);
        if (r == 0) return true;
        if (r < 0) return false;
    }
}

static EXEC_KERNEL(k_object_keys) {
    exec_strlist l;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    BK_TRY(exec_strlist_init(&l, call->a, n, err));
    uint8_t *nulls = bk_arena_zalloc(call->a, (n + 7) / 8);
    if (!nulls) return bk_arena_oom(call->a, err);
    bool any_null = false;
    for (size_t i = 0; i < n; i++) {
        bool ok = false;
        if (bk_vector_is_valid(args[0], i)) {
            size_t mark = l.n_items;
            bk_status st = BK_OK;
            ok = object_keys(&l, &sb, STR(0), err, &st);
            if (st != BK_OK) return st;
            if (!ok) l.n_items = mark;
        }
        if (!ok) {
            nulls[i >> 3] |= (uint8_t)(1u << (i & 7));
            any_null = true;
        }
        exec_strlist_end_row(&l, i);
    }
    BK_TRY(exec_strlist_finish(&l, call->expr->type, NULL, n, out, err));
    if (any_null)
        for (size_t i = 0; i < n; i++)
            if (nulls[i >> 3] >> (i & 7) & 1) BK_TRY(exec_fn_set_null(call->a, *out, i, err));
    return BK_OK;
}

/* ---- get_json_object ---- */

typedef struct jstep {
    const char *name; /* NULL: an array index */
    size_t name_len;
    int64_t index;
} jstep;

/*
 * Spark's JsonPathParser: `$` then `.name` (up to the next '.' or '['), `['name']`
 * or `[n]`.  Returns the number of steps, or -1 for a path Spark rejects or one
 * with a wildcard (both give NULL).
 */
static int parse_path(bk_str path, jstep *steps) {
    const char *p = path.ptr, *e = path.ptr + path.len;
    if (p >= e || *p != '$') return -1;
    p++;
    int n = 0;
    while (p < e) {
        if (n == JSON_MAX_STEPS) return -1;
        if (*p == '.') {
            const char *s = ++p;
            while (p < e && *p != '.' && *p != '[') p++;
            if (p == s) return -1;
            if (p - s == 1 && *s == '*') return -1;
            steps[n++] = (jstep){s, (size_t)(p - s), 0};
        } else if (*p == '[') {
            p++;
            if (p < e && *p == '\'') {
                const char *s = ++p;
                while (p < e && *p != '\'') p++;
                if (p + 1 >= e || p[1] != ']' || p == s) return -1;
                steps[n++] = (jstep){s, (size_t)(p - s), 0};
                p += 2;
            } else {
                if (p < e && *p == '*') return -1;
                int64_t v = 0;
                const char *s = p;
                while (p < e && *p >= '0' && *p <= '9' && v < INT32_MAX) v = v * 10 + (*p++ - '0');
                if (p == s || p >= e || *p != ']') return -1;
                steps[n++] = (jstep){NULL, 0, v};
                p++;
            }
        } else {
            return -1;
        }
    }
    return n;
}

/* Whether the raw key text (escapes possible) equals name. */
static bool key_equals(const char *k, size_t kl, const jstep *st, char *scratch) {
    if (!memchr(k, '\\', kl)) return kl == st->name_len && memcmp(k, st->name, kl) == 0;
    jcur kc = {k - 1, k + kl + 1};
    size_t len;
    return exec_json_scan_string(&kc, scratch, &len) && len == st->name_len &&
           memcmp(scratch, st->name, len) == 0;
}

/*
 * Move c to the value the steps lead to (c at a value on entry); false when the
 * path finds nothing or the text on the way is malformed.
 */
static bool follow_path(jcur *c, const jstep *steps, int n_steps, char *scratch) {
    for (int s = 0; s < n_steps; s++) {
        const jstep *st = &steps[s];
        jiter it;
        if (!iter_open(&it, c, st->name ? '{' : '[')) return false;
        int64_t at = 0;
        for (;;) {
            const char *k = NULL;
            size_t kl = 0;
            int r = next_member(&it, &k, &kl);
            if (r <= 0) return false;
            bool hit = st->name ? key_equals(k, kl, st, scratch) : at == st->index;
            if (hit) break;
            if (!skip_value(c, 1)) return false;
            if (after_member(&it) <= 0) return false;
            at++;
        }
    }
    return true;
}

static const char hexdig[] = "0123456789ABCDEF";

size_t exec_json_escape(char *o, const char *u, size_t n) {
    size_t w = 0;
    o[w++] = '"';
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)u[k];
        if (ch == '"' || ch == '\\') {
            o[w++] = '\\';
            o[w++] = (char)ch;
        } else if (ch < 0x20) {
            const char *short_esc = ch == '\b' ? "b" : ch == '\t' ? "t" : ch == '\n' ? "n"
                                  : ch == '\f' ? "f" : ch == '\r' ? "r" : NULL;
            o[w++] = '\\';
            if (short_esc) {
                o[w++] = short_esc[0];
            } else {
                memcpy(o + w, "u00", 3);
                w += 3;
                o[w++] = hexdig[ch >> 4];
                o[w++] = hexdig[ch & 15];
            }
        } else {
            o[w++] = (char)ch;
        }
    }
    o[w++] = '"';
    return w;
}

/*
 * Copy the value at c->p as compact JSON to o (room for its source text).
 * Strings are unescaped into scratch and re-escaped; returns bytes written.
 * The value is known to be valid.
 */
static size_t write_compact(jcur *c, char *o, char *scratch) {
    size_t w = 0;
    while (c->p < c->end) {
        char ch = *c->p;
        if (ch == '"') {
            size_t len;
            if (!exec_json_scan_string(c, scratch, &len)) break;
            w += exec_json_escape(o + w, scratch, len);
        } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            c->p++;
        } else {
            o[w++] = ch;
            c->p++;
        }
    }
    return w;
}

/*
 * The JSON value at c as get_json_object gives it, into *out: a string unescaped
 * (in scratch), any other value as compact JSON (copied into sb).  1 when there is
 * one; 0 for a JSON null (SQL NULL) or malformed text; -1 on OOM.
 */
static int value_text(const jcur *c, exec_strbuf *sb, char *scratch, bk_str *out) {
    const char *start = c->p;
    jcur val = *c;
    size_t len;
    if (*start == '"') {
        if (!exec_json_scan_string(&val, scratch, &len)) return 0;
        *out = bk_str_make(scratch, len);
        return 1;
    }
    if (!skip_value(&val, 1) || (*start == 'n' && val.p - start == 4)) return 0;
    size_t src = (size_t)(val.p - start);
    char *buf = exec_strbuf_alloc(sb, src);
    if (!buf && src) return -1;
    jcur cp = {start, val.p};
    *out = bk_str_make(buf, write_compact(&cp, buf, scratch));
    return 1;
}

static EXEC_KERNEL(k_get_json_object) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 2, n, &v, err));
    bk_str *o = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    jstep steps[JSON_MAX_STEPS];
    int n_steps = -1;
    bool const_path = exec_fnlib_is_const(call->expr, 1);
    if (const_path && n && bk_vector_is_valid(args[1], 0)) 
        n_steps = parse_path(((const bk_str *)args[1]->data)[0], steps);
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        if (!const_path) n_steps = parse_path(STR(1), steps);
        bk_str s = STR(0);
        char *scratch = n_steps >= 0 ? exec_strbuf_alloc(&sb, s.len) : NULL;
        if (n_steps >= 0 && !scratch && s.len) return bk_arena_oom(call->a, err);
        jcur c = {s.ptr, s.ptr + s.len};
        exec_jcur_ws(&c);
        /* Jackson fails on malformed text anywhere in the first value, even after a match */
        jcur whole = c;
        bool found = n_steps >= 0 && skip_value(&whole, 0) &&
                     follow_path(&c, steps, n_steps, scratch);
        if (found) {
            int got = value_text(&c, &sb, scratch, &o[i]);
            if (got < 0) return bk_arena_oom(call->a, err);
            found = got == 1;
        }
        if (!found) BK_TRY(exec_fn_set_null(call->a, v, i, err));
    }
    *out = v;
    return BK_OK;
}

/*
 * json_tuple's column k (functions.h): the value of the first member named `key`
 * of the top-level object, as get_json_object gives it (a string unescaped, other
 * values as compact JSON, null as NULL); NULL when the key is NULL or absent or the
 * text is not a JSON object.
 */
EXEC_KERNEL(exec_fn_json_tuple_field) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_STRING), args, 2, n, &v, err));
    bk_str *o = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        bk_str s = STR(0), key = STR(1);
        char *scratch = exec_strbuf_alloc(&sb, s.len);
        if (!scratch && s.len) return bk_arena_oom(call->a, err);
        jcur c = {s.ptr, s.ptr + s.len};
        exec_jcur_ws(&c);
        jcur whole = c;
        jiter it;
        bool found = false, ok = skip_value(&whole, 0) && iter_open(&it, &c, '{');
        while (ok && !found) {
            const char *k;
            size_t kl, len;
            if (next_member(&it, &k, &kl) != 1) break;
            jcur kc = {k - 1, k + kl + 1};
            found = exec_json_scan_string(&kc, scratch, &len) && len == key.len &&
                    (len == 0 || !memcmp(scratch, key.ptr, len));
            if (found) break;
            ok = skip_value(&c, 1) && after_member(&it) == 1;
        }
        if (found) {
            int got = value_text(&c, &sb, scratch, &o[i]);
            if (got < 0) return bk_arena_oom(call->a, err);
            found = got == 1;
        }
        if (!found) BK_TRY(exec_fn_set_null(call->a, v, i, err));
    }
    *out = v;
    return BK_OK;
}

const exec_fn_def exec_fn_json_defs[] = {
    {"json_array_length", 1, 1, bind_array_length, k_array_length, NULL},
    {"json_object_keys", 1, 1, bind_object_keys, k_object_keys, NULL},
    {"get_json_object", 2, 2, bind_get_json_object, k_get_json_object, NULL},
    {"to_json", 1, 2, exec_json_bind_to_json, exec_json_to_json, NULL},
    {"from_json", 2, 3, exec_json_bind_from_json, exec_json_from_json,
     exec_json_prepare_from_json},
    {"schema_of_json", 1, 2, exec_json_bind_schema_of_json, exec_json_schema_of_json,
     exec_json_prepare_schema_of_json},
};
const size_t exec_fn_json_n = BK_ARRAY_LEN(exec_fn_json_defs);
