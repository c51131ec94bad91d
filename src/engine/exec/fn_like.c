/*
 * fn_like.c — LIKE and ILIKE with ESCAPE (Spark semantics).
 *
 * A pattern matches the whole string: `_` is any one character (code point),
 * `%` any run of characters, the escape character (default `\`) makes the next
 * `_`, `%` or escape character literal; before anything else it is an error
 * (INVALID_FORMAT.ESC_IN_THE_MIDDLE), as is a pattern ending in it
 * (INVALID_FORMAT.ESC_AT_THE_END).  The escape must be one character
 * (INVALID_ESCAPE_CHAR).  ILIKE lower-cases both sides first, per code point.
 *
 * Patterns compile to a token list: once in `prepare` when pattern and escape
 * are constants, else per row (reusing the previous row's when unchanged).
 * Matching is the greedy wildcard walk with one backtrack point per `%`, which
 * is exact for these two wildcards and linear on typical patterns.
 */
#include <string.h>
#include <utf8proc.h>

#include "base/str.h"
#include "engine/exec/fn_library_int.h"

enum { TOK_LIT, TOK_ONE, TOK_ANY };

typedef struct like_tok {
    uint32_t kind;
    uint32_t cp; /* TOK_LIT */
} like_tok;

typedef struct like_pat {
    like_tok *toks;
    size_t n, cap;
} like_pat;

static inline uint32_t fold(uint32_t cp, bool ci) {
    if (!ci) return cp;
    if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

static bk_status quoted_pattern_error(bk_error *err, bk_code code, bk_str pat, const char *tail) {
    return bk_error_set(err, code, "The format is invalid: '%.*s'. %s", (int)pat.len, pat.ptr,
                        tail);
}

/* The escape code point from the escape argument (exactly one character). */
static bk_status escape_char(bk_str esc, uint32_t *cp, bk_error *err) {
    uint32_t c = 0;
    size_t k = esc.len ? exec_utf8_decode(esc, 0, &c) : 0;
    if (esc.len == 0 || k != esc.len)
        return bk_error_set(err, BK_INVALID_ESCAPE_CHAR,
                            "`EscapeChar` should be a string literal of length one, but got "
                            "'%.*s'.",
                            (int)esc.len, esc.ptr);
    *cp = c;
    return BK_OK;
}

/* Compile `pat` into p (its token array grows in arena a). */
static bk_status compile(bk_arena *a, bk_str pat, uint32_t esc, bool ci, like_pat *p,
                         bk_error *err) {
    if (p->cap < pat.len + 1) {
        p->toks = bk_arena_array(a, pat.len + 1, sizeof *p->toks);
        if (!p->toks) return bk_arena_oom(a, err);
        p->cap = pat.len + 1;
    }
    p->n = 0;
    for (size_t b = 0; b < pat.len;) {
        uint32_t cp;
        b += exec_utf8_decode(pat, b, &cp);
        like_tok t = {TOK_LIT, 0};
        if (cp == esc) {
            if (b >= pat.len)
                return quoted_pattern_error(err, BK_INVALID_FORMAT, pat,
                                            "The escape character is not allowed to end with.");
            uint32_t next;
            size_t k = exec_utf8_decode(pat, b, &next);
            if (next != '_' && next != '%' && next != esc) {
                char tail[96];
                size_t len = strlen("The escape character is not allowed to precede '");
                memcpy(tail, "The escape character is not allowed to precede '", len);
                memcpy(tail + len, pat.ptr + b, k);
                memcpy(tail + len + k, "'.", 3);
                return quoted_pattern_error(err, BK_INVALID_FORMAT, pat, tail);
            }
            b += k;
            t.cp = fold(next, ci);
        } else if (cp == '_') {
            t.kind = TOK_ONE;
        } else if (cp == '%') {
            if (p->n && p->toks[p->n - 1].kind == TOK_ANY) continue;
            t.kind = TOK_ANY;
        } else {
            t.cp = fold(cp, ci);
        }
        p->toks[p->n++] = t;
    }
    return BK_OK;
}

/* Whether s matches the compiled pattern (code points folded when ci). */
static bool like_match(const like_pat *p, bk_str s, bool ci) {
    size_t ti = 0, b = 0;
    size_t star_t = SIZE_MAX, star_b = 0;
    while (b < s.len) {
        uint32_t cp;
        size_t k = exec_utf8_decode(s, b, &cp);
        if (ti < p->n && (p->toks[ti].kind == TOK_ONE ||
                          (p->toks[ti].kind == TOK_LIT && p->toks[ti].cp == fold(cp, ci)))) {
            ti++;
            b += k;
        } else if (ti < p->n && p->toks[ti].kind == TOK_ANY) {
            star_t = ti++;
            star_b = b;
        } else if (star_t != SIZE_MAX) {
            ti = star_t + 1;
            uint32_t skipped;
            star_b += exec_utf8_decode(s, star_b, &skipped);
            b = star_b;
        } else {
            return false;
        }
    }
    while (ti < p->n && p->toks[ti].kind == TOK_ANY) ti++;
    return ti == p->n;
}

EXEC_BIND(exec_fnlike_bind) {
    (void)a;
    *result = bk_type_scalar(BK_TYPE_BOOLEAN);
    return exec_fnlib_expect_all("like", args, 0, n_args, bk_type_scalar(BK_TYPE_STRING), cast_to,
                                 err);
}

static bk_status prepare(bk_arena *a, exec_expr *e, bool ci, bk_error *err) {
    if (!exec_fnlib_is_const(e, 1)) return BK_OK;
    if (e->n_args == 3 && !exec_fnlib_is_const(e, 2)) return BK_OK;
    const bk_vector *pv = e->args[1]->value;
    if (!bk_vector_is_valid(pv, 0)) return BK_OK;
    uint32_t esc = '\\';
    if (e->n_args == 3) {
        const bk_vector *ev = e->args[2]->value;
        if (!bk_vector_is_valid(ev, 0)) return BK_OK;
        BK_TRY(escape_char(((const bk_str *)ev->data)[0], &esc, err));
    }
    like_pat *p = bk_arena_zalloc(a, sizeof *p);
    if (!p) return bk_arena_oom(a, err);
    BK_TRY(compile(a, ((const bk_str *)pv->data)[0], esc, ci, p, err));
    e->state = p;
    return BK_OK;
}

bk_status exec_fnlike_prepare(bk_arena *a, exec_expr *e, bk_error *err) {
    return prepare(a, e, false, err);
}

bk_status exec_fnlike_prepare_ci(bk_arena *a, exec_expr *e, bk_error *err) {
    return prepare(a, e, true, err);
}

/*
 * A case-sensitive pattern without `_` as byte segments: literal runs (UTF-8)
 * between `%`s, and whether the pattern is anchored at each end.  Such a pattern
 * matches by memcmp at the anchored ends and memmem for the segments between —
 * the leftmost match of each segment is always a right choice with only `%`.
 */
typedef struct like_segs {
    bk_str *seg;
    size_t n;
    bool open_start, open_end; /* the pattern starts / ends with % */
} like_segs;

static bool segs_make(bk_arena *a, const like_pat *p, like_segs *out) {
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < p->n; i++)
        if (p->toks[i].kind == TOK_ONE) return false;
    out->seg = bk_arena_array(a, p->n + 1, sizeof *out->seg);
    char *bytes = bk_arena_alloc(a, 4 * p->n + 1);
    if (!out->seg || !bytes) return false;
    out->open_start = p->n > 0 && p->toks[0].kind == TOK_ANY;
    out->open_end = p->n > 0 && p->toks[p->n - 1].kind == TOK_ANY;
    size_t i = 0;
    while (i < p->n) {
        while (i < p->n && p->toks[i].kind == TOK_ANY) i++;
        if (i == p->n) break;
        char *start = bytes;
        while (i < p->n && p->toks[i].kind == TOK_LIT)
            bytes += utf8proc_encode_char((utf8proc_int32_t)p->toks[i++].cp,
                                          (utf8proc_uint8_t *)bytes);
        out->seg[out->n++] = (bk_str){start, (size_t)(bytes - start)};
    }
    return true;
}

static bool segs_match(const like_segs *g, bk_str s) {
    const char *p = s.ptr, *end = s.ptr + s.len;
    size_t first = 0, last = g->n;
    if (g->n == 0) return g->open_start || s.len == 0; /* "%" or "" */
    if (!g->open_start) {
        bk_str a = g->seg[0];
        if ((size_t)(end - p) < a.len || memcmp(p, a.ptr, a.len)) return false;
        p += a.len;
        first = 1;
        if (g->n == 1 && !g->open_end) return p == end;
    }
    if (!g->open_end) {
        bk_str z = g->seg[g->n - 1];
        if ((size_t)(end - p) < z.len || memcmp(end - z.len, z.ptr, z.len)) return false;
        end -= z.len;
        last = g->n - 1;
    }
    for (size_t k = first; k < last; k++) {
        const char *hit = memmem(p, (size_t)(end - p), g->seg[k].ptr, g->seg[k].len);
        if (!hit) return false;
        p = hit + g->seg[k].len;
    }
    return true;
}

static bk_status like_kernel(const exec_call *call, bool ci, bk_vector *const *args, size_t n,
                             bk_vector **out, bk_error *err) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_BOOLEAN), args, n_args, n, &v, err));
    uint8_t *r = v->data;
    const bk_str *s = args[0]->data, *pats = args[1]->data;
    const like_pat *fixed = call->expr->state;
    like_pat scratch = {NULL, 0, 0};
    bk_str last_pat = {NULL, 0}, last_esc = {NULL, 0};
    bool have_last = false;
    like_segs segs;
    if (fixed && !ci && segs_make(call->a, fixed, &segs)) {
        for (size_t i = 0; i < n; i++)
            if (bk_vector_is_valid(v, i)) r[i] = segs_match(&segs, s[i]);
        *out = v;
        return BK_OK;
    }
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        const like_pat *p = fixed;
        if (!p) {
            bk_str esc_s = n_args == 3 ? ((const bk_str *)args[2]->data)[i] : bk_str_make("\\", 1);
            if (!have_last || !bk_str_eq(pats[i], last_pat) || !bk_str_eq(esc_s, last_esc)) {
                uint32_t esc;
                BK_TRY(escape_char(esc_s, &esc, err));
                BK_TRY(compile(call->a, pats[i], esc, ci, &scratch, err));
                last_pat = pats[i];
                last_esc = esc_s;
                have_last = true;
            }
            p = &scratch;
        }
        r[i] = like_match(p, s[i], ci);
    }
    *out = v;
    return BK_OK;
}

EXEC_KERNEL(exec_fnlike_like) { return like_kernel(call, false, args, n, out, err); }
EXEC_KERNEL(exec_fnlike_ilike) { return like_kernel(call, true, args, n, out, err); }
