/*
 * fn_string_regex.c — regular-expression functions over PCRE2, with Java's
 * (java.util.regex, hence Spark's) semantics where they differ from PCRE2's
 * defaults:
 *
 *   - matches are found the way Matcher.find() walks a string: after an empty
 *     match the search resumes one character later, so regexp_extract_all and
 *     regexp_count see the same matches as Spark;
 *   - patterns compile with UTF (code point semantics, invalid UTF-8 in the
 *     subject tolerated), any Unicode line terminator as newline (Java's `.` and
 *     `$`), and \uhhhh / \x{h..} escapes; \w, \d and \s stay ASCII as in Java;
 *   - replacement strings follow Matcher.appendReplacement: $n (the longest
 *     group number that exists), ${name}, and \ quoting the next character;
 *   - positions (regexp_instr, regexp_replace's pos) count code points.
 *
 * A constant pattern is compiled once by exec_fnre_prepare into e->state (a
 * re_prog, read-only afterwards, shared by the worker threads); otherwise each
 * chunk compiles the rows' patterns, reusing the previous row's when equal.
 * PCRE2 allocates through a general context whose memory is the arena of the
 * caller (the query arena for prepare, the chunk arena for kernels), so nothing
 * needs freeing and no error path leaks.
 *
 * Errors: an invalid pattern is INVALID_PARAMETER_VALUE.PATTERN, a group index
 * out of range INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX (raised, as in Spark,
 * only when a row matches), regexp_replace's pos < 1 DATATYPE_MISMATCH.
 * VALUE_OUT_OF_RANGE.  The subclass is in bk_error.detail.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "engine/exec/fn_library_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

#define STR(k) (((const bk_str *)args[k]->data)[i])
#define I32(k) (((const int32_t *)args[k]->data)[i])

/* ---------------------------------------------------------------------------------------------
 * Compiling and matching
 * ------------------------------------------------------------------------------------------- */

typedef struct re_prog {
    pcre2_code *code;
    uint32_t n_groups; /* capture groups (group 0 not counted) */
} re_prog;

static void *re_alloc(PCRE2_SIZE size, void *arena) {
    return bk_arena_alloc(arena, size ? size : 1);
}
static void re_free(void *p, void *arena) {
    (void)p;
    (void)arena;
}

/* The function name Spark prints: `name`. */
static const char *fn_name(const exec_expr *e) { return e->name ? e->name : "regexp"; }

static bk_status pattern_error(bk_error *err, const exec_expr *e, bk_str pat, int code) {
    PCRE2_UCHAR why[160];
    pcre2_get_error_message(code, why, sizeof why);
    bk_error_set(err, BK_INVALID_ARGUMENT,
                 "The value of parameter(s) `regexp` in `%s` is invalid: '%.*s'.", fn_name(e),
                 (int)pat.len, pat.ptr);
    return bk_error_detail(err, "INVALID_PARAMETER_VALUE.PATTERN: %s", (const char *)why);
}

/* Compile `pat` with Java-like options; memory in `a`. */
static bk_status re_compile(bk_arena *a, const exec_expr *e, bk_str pat, re_prog *out,
                            bk_error *err) {
    pcre2_general_context *g = pcre2_general_context_create(re_alloc, re_free, a);
    pcre2_compile_context *cc = g ? pcre2_compile_context_create(g) : NULL;
    if (!cc) return bk_arena_oom(a, err);
    pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
    int code;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)(pat.len ? pat.ptr : ""), pat.len,
                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ALT_BSUX, &code, &off, cc);
    if (!re) {
        if (bk_arena_failed(a)) return bk_arena_oom(a, err);
        return pattern_error(err, e, pat, code);
    }
    uint32_t n_groups = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &n_groups);
    out->code = re;
    out->n_groups = n_groups;
    return BK_OK;
}

bk_status exec_fnre_prepare(bk_arena *a, exec_expr *e, bk_error *err) {
    if (!exec_fnlib_is_const(e, 1)) return BK_OK;
    const bk_vector *pv = e->args[1]->value;
    if (!bk_vector_is_valid(pv, 0)) return BK_OK;
    re_prog *p = bk_arena_zalloc(a, sizeof *p);
    if (!p) return bk_arena_oom(a, err);
    BK_TRY(re_compile(a, e, ((const bk_str *)pv->data)[0], p, err));
    e->state = p;
    return BK_OK;
}

/* Per-chunk matching state: the program of the current row and its match data. */
typedef struct re_run {
    const exec_call *call;
    pcre2_general_context *g;
    const re_prog *prog;
    re_prog own;
    bk_str last;
    bool have_last;
    pcre2_match_data *md;
    const re_prog *md_for;
    PCRE2_SIZE *ov;
} re_run;

static bk_status run_init(re_run *r, const exec_call *call, bk_error *err) {
    memset(r, 0, sizeof *r);
    r->call = call;
    r->g = pcre2_general_context_create(re_alloc, re_free, call->a);
    if (!r->g) return bk_arena_oom(call->a, err);
    return BK_OK;
}

/* Make r->prog the program for row i's pattern `pat`, with match data for it. */
static bk_status run_pattern(re_run *r, bk_str pat, bk_error *err) {
    if (r->call->expr->state) {
        r->prog = r->call->expr->state;
    } else if (!r->have_last || !bk_str_eq(pat, r->last)) {
        BK_TRY(re_compile(r->call->a, r->call->expr, pat, &r->own, err));
        r->prog = &r->own;
        r->last = pat;
        r->have_last = true;
        r->md_for = NULL;
    }
    if (r->md_for != r->prog) {
        r->md = pcre2_match_data_create(r->prog->n_groups + 1, r->g);
        if (!r->md) return bk_arena_oom(r->call->a, err);
        r->ov = pcre2_get_ovector_pointer(r->md);
        r->md_for = r->prog;
    }
    return BK_OK;
}

/* The next match in s at or after byte `from`: 1 (r->ov filled), 0 none; <0 an error. */
static int run_find(re_run *r, bk_str s, size_t from) {
    if (from > s.len) return 0;
    int rc =
        pcre2_match(r->prog->code, (PCRE2_SPTR)(s.len ? s.ptr : ""), s.len, from, 0, r->md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    return rc < 0 ? rc : 1;
}

/* Where Matcher.find() resumes after the match [b, e): e, or one character later if empty. */
static size_t next_from(bk_str s, size_t b, size_t e) {
    if (e > b) return e;
    return e < s.len ? e + exec_utf8_seq_len((unsigned char)s.ptr[e]) : e + 1;
}

static bk_status match_failed(bk_error *err, int rc) {
    PCRE2_UCHAR why[160];
    pcre2_get_error_message(rc, why, sizeof why);
    return bk_error_set(err, BK_LIMIT_EXCEEDED, "regular expression match failed: %s",
                        (const char *)why);
}

static bk_status group_index_error(bk_error *err, const exec_expr *e, uint32_t n_groups,
                                   int64_t idx) {
    bk_error_set(err, BK_INVALID_ARGUMENT,
                 "The value of parameter(s) `idx` in `%s` is invalid: Expects group index between "
                 "0 and %u, but got %lld.",
                 fn_name(e), n_groups, (long long)idx);
    return bk_error_detail(err, "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX");
}

/* Group g of the last match as a view of s ('' when it did not take part). */
static inline bk_str group_str(const re_run *r, bk_str s, uint32_t g) {
    PCRE2_SIZE b = r->ov[2 * g], e = r->ov[2 * g + 1];
    if (b == PCRE2_UNSET) return bk_str_make(s.ptr, 0);
    return bk_str_make(s.ptr + b, e - b);
}

/* ---------------------------------------------------------------------------------------------
 * Binding
 * ------------------------------------------------------------------------------------------- */

/* f(STRING, STRING[, INT...]) -> result */
static bk_status bind_s_s_int(const bk_type *const *args, uint32_t n_args, const bk_type **cast_to,
                              const bk_type **result, const bk_type *rt, uint32_t n_str,
                              bk_error *err) {
    *result = rt;
    BK_TRY(exec_fnlib_expect_all("regexp", args, 0, n_str, T(BK_TYPE_STRING), cast_to, err));
    return exec_fnlib_expect_all("regexp", args, n_str, n_args, T(BK_TYPE_INT), cast_to, err);
}

EXEC_BIND(exec_fnre_bind_match) {
    (void)a;
    return bind_s_s_int(args, n_args, cast_to, result, T(BK_TYPE_BOOLEAN), 2, err);
}

EXEC_BIND(exec_fnre_bind_extract) {
    (void)a;
    return bind_s_s_int(args, n_args, cast_to, result, T(BK_TYPE_STRING), 2, err);
}

EXEC_BIND(exec_fnre_bind_substr) {
    (void)a;
    return bind_s_s_int(args, n_args, cast_to, result, T(BK_TYPE_STRING), 2, err);
}

EXEC_BIND(exec_fnre_bind_count) {
    (void)a;
    return bind_s_s_int(args, n_args, cast_to, result, T(BK_TYPE_INT), 2, err);
}

EXEC_BIND(exec_fnre_bind_instr) {
    (void)a;
    return bind_s_s_int(args, n_args, cast_to, result, T(BK_TYPE_INT), 2, err);
}

EXEC_BIND(exec_fnre_bind_replace) {
    (void)a;
    return bind_s_s_int(args, n_args, cast_to, result, T(BK_TYPE_STRING), 3, err);
}

EXEC_BIND(exec_fnre_bind_extract_all) {
    const bk_type *rt = bk_type_make_array(a, T(BK_TYPE_STRING));
    if (!rt) return bk_arena_oom(a, err);
    return bind_s_s_int(args, n_args, cast_to, result, rt, 2, err);
}

EXEC_BIND(exec_fnre_bind_split) {
    const bk_type *rt = bk_type_make_array(a, T(BK_TYPE_STRING));
    if (!rt) return bk_arena_oom(a, err);
    return bind_s_s_int(args, n_args, cast_to, result, rt, 2, err);
}

/* ---------------------------------------------------------------------------------------------
 * Kernels
 * ------------------------------------------------------------------------------------------- */

/* s RLIKE p: a match anywhere in s. */
EXEC_KERNEL(exec_fnre_rlike) {
    bk_vector *v;
    re_run run;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, 2, n, &v, err));
    BK_TRY(run_init(&run, call, err));
    uint8_t *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        BK_TRY(run_pattern(&run, STR(1), err));
        int rc = run_find(&run, STR(0), 0);
        if (rc < 0) return match_failed(err, rc);
        r[i] = rc > 0;
    }
    *out = v;
    return BK_OK;
}

/* regexp_extract(s, p[, idx = 1]): group idx of the first match; '' without a match. */
EXEC_KERNEL(exec_fnre_extract) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    re_run run;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, n_args, n, &v, err));
    BK_TRY(run_init(&run, call, err));
    bk_str *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        BK_TRY(run_pattern(&run, STR(1), err));
        bk_str s = STR(0);
        int64_t idx = n_args == 3 ? I32(2) : 1;
        int rc = run_find(&run, s, 0);
        if (rc < 0) return match_failed(err, rc);
        r[i] = bk_str_make(s.ptr, 0);
        if (rc == 0) continue;
        if (idx < 0 || idx > run.prog->n_groups)
            return group_index_error(err, call->expr, run.prog->n_groups, idx);
        r[i] = group_str(&run, s, (uint32_t)idx);
    }
    *out = v;
    return BK_OK;
}

/* regexp_extract_all(s, p[, idx = 1]): group idx of every match, as ARRAY<STRING>. */
EXEC_KERNEL(exec_fnre_extract_all) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *valid;
    re_run run;
    exec_strlist list;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, n_args, n, &valid, err));
    BK_TRY(run_init(&run, call, err));
    BK_TRY(exec_strlist_init(&list, call->a, n, err));
    for (size_t i = 0; i < n; i++) {
        if (bk_vector_is_valid(valid, i)) {
            BK_TRY(run_pattern(&run, STR(1), err));
            bk_str s = STR(0);
            int64_t idx = n_args == 3 ? I32(2) : 1;
            for (size_t from = 0;;) {
                int rc = run_find(&run, s, from);
                if (rc < 0) return match_failed(err, rc);
                if (rc == 0) break;
                if (idx < 0 || idx > run.prog->n_groups)
                    return group_index_error(err, call->expr, run.prog->n_groups, idx);
                BK_TRY(exec_strlist_push(&list, group_str(&run, s, (uint32_t)idx), err));
                from = next_from(s, run.ov[0], run.ov[1]);
            }
        }
        exec_strlist_end_row(&list, i);
    }
    return exec_strlist_finish(&list, call->expr->type, valid, n, out, err);
}

/* regexp_count(s, p): the number of matches. */
EXEC_KERNEL(exec_fnre_count) {
    bk_vector *v;
    re_run run;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, 2, n, &v, err));
    BK_TRY(run_init(&run, call, err));
    int32_t *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        BK_TRY(run_pattern(&run, STR(1), err));
        bk_str s = STR(0);
        int32_t count = 0;
        for (size_t from = 0;;) {
            int rc = run_find(&run, s, from);
            if (rc < 0) return match_failed(err, rc);
            if (rc == 0) break;
            count++;
            from = next_from(s, run.ov[0], run.ov[1]);
        }
        r[i] = count;
    }
    *out = v;
    return BK_OK;
}

/* regexp_substr(s, p): the first match, NULL when there is none or it is empty. */
EXEC_KERNEL(exec_fnre_substr) {
    bk_vector *v;
    re_run run;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 2, n, &v, err));
    BK_TRY(run_init(&run, call, err));
    bk_str *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        BK_TRY(run_pattern(&run, STR(1), err));
        bk_str s = STR(0);
        int rc = run_find(&run, s, 0);
        if (rc < 0) return match_failed(err, rc);
        bk_str m = rc ? group_str(&run, s, 0) : bk_str_make(NULL, 0);
        if (m.len == 0) {
            r[i] = bk_str_make(NULL, 0);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        r[i] = m;
    }
    *out = v;
    return BK_OK;
}

/* regexp_instr(s, p[, idx = 0]): 1-based position of group idx of the first match, or 0. */
EXEC_KERNEL(exec_fnre_instr) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    re_run run;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, n_args, n, &v, err));
    BK_TRY(run_init(&run, call, err));
    int32_t *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        BK_TRY(run_pattern(&run, STR(1), err));
        bk_str s = STR(0);
        int64_t idx = n_args == 3 ? I32(2) : 0;
        int rc = run_find(&run, s, 0);
        if (rc < 0) return match_failed(err, rc);
        r[i] = 0;
        if (rc == 0) continue;
        if (idx < 0 || idx > run.prog->n_groups)
            return group_index_error(err, call->expr, run.prog->n_groups, idx);
        PCRE2_SIZE b = run.ov[2 * idx];
        r[i] = b == PCRE2_UNSET ? 0 : (int32_t)exec_utf8_count(bk_str_make(s.ptr, b)) + 1;
    }
    *out = v;
    return BK_OK;
}

/* ---- regexp_replace ---- */

static bk_status bad_replacement(bk_error *err, const char *why) {
    bk_error_set(err, BK_INVALID_ARGUMENT,
                 "The value of parameter(s) `rep` in `regexp_replace` is invalid: %s.", why);
    return bk_error_detail(err, "INVALID_PARAMETER_VALUE");
}

/* Append rep to b for the current match, expanding $n, ${name} and \c as Java does. */
static bk_status append_replacement(re_run *r, bk_str s, bk_str rep, bk_buf *b, bk_error *err) {
    for (size_t k = 0; k < rep.len;) {
        char c = rep.ptr[k];
        if (c == '\\') {
            if (k + 1 >= rep.len) return bad_replacement(err, "character to be escaped is missing");
            if (bk_buf_append(b, rep.ptr + k + 1, 1) != BK_OK) return bk_arena_oom(r->call->a, err);
            k += 2;
            continue;
        }
        if (c != '$') {
            if (bk_buf_append(b, &c, 1) != BK_OK) return bk_arena_oom(r->call->a, err);
            k++;
            continue;
        }
        k++;
        if (k >= rep.len)
            return bad_replacement(err, "Illegal group reference: group index is missing");
        uint32_t g;
        if (rep.ptr[k] == '{') {
            size_t e = k + 1;
            while (e < rep.len && rep.ptr[e] != '}') e++;
            if (e >= rep.len || e == k + 1)
                return bad_replacement(err, "named capturing group is missing trailing '}'");
            char name[128];
            size_t len = e - k - 1 < sizeof name - 1 ? e - k - 1 : sizeof name - 1;
            memcpy(name, rep.ptr + k + 1, len);
            name[len] = '\0';
            int num = pcre2_substring_number_from_name(r->prog->code, (PCRE2_SPTR)name);
            if (num < 0) return bad_replacement(err, "No group with that name");
            g = (uint32_t)num;
            k = e + 1;
        } else {
            if (rep.ptr[k] < '0' || rep.ptr[k] > '9')
                return bad_replacement(err, "Illegal group reference");
            g = (uint32_t)(rep.ptr[k++] - '0');
            if (g > r->prog->n_groups) return bad_replacement(err, "No group with that number");
            while (k < rep.len && rep.ptr[k] >= '0' && rep.ptr[k] <= '9') {
                uint32_t next = g * 10 + (uint32_t)(rep.ptr[k] - '0');
                if (next > r->prog->n_groups) break;
                g = next;
                k++;
            }
        }
        bk_str gs = group_str(r, s, g);
        if (gs.len && bk_buf_append(b, gs.ptr, gs.len) != BK_OK)
            return bk_arena_oom(r->call->a, err);
    }
    return BK_OK;
}

/* Replace every match in s[from..) into b (the text before `from` is copied first). */
static bk_status replace_row(re_run *r, bk_str s, size_t start, bk_str rep, bk_buf *b,
                             bk_error *err) {
    bk_str tail = bk_str_make(s.ptr + start, s.len - start);
    if (start && bk_buf_append(b, s.ptr, start) != BK_OK) return bk_arena_oom(r->call->a, err);
    size_t copied = 0;
    for (size_t from = 0;;) {
        int rc = run_find(r, tail, from);
        if (rc < 0) return match_failed(err, rc);
        if (rc == 0) break;
        size_t mb = r->ov[0], me = r->ov[1];
        if (mb > copied && bk_buf_append(b, tail.ptr + copied, mb - copied) != BK_OK)
            return bk_arena_oom(r->call->a, err);
        BK_TRY(append_replacement(r, tail, rep, b, err));
        copied = me;
        from = next_from(tail, mb, me);
    }
    if (tail.len > copied && bk_buf_append(b, tail.ptr + copied, tail.len - copied) != BK_OK)
        return bk_arena_oom(r->call->a, err);
    return BK_OK;
}

/*
 * regexp_replace(s, p, rep[, pos = 1]): every match at or after code point pos
 * replaced by rep.  The search sees only s from pos on (Java's region with
 * opaque, anchoring bounds: ^ matches at pos).  pos beyond the string leaves s.
 */
EXEC_KERNEL(exec_fnre_replace) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    re_run run;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, n_args, n, &v, err));
    BK_TRY(run_init(&run, call, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = BK_OK;
    for (size_t i = 0; i < n && st == BK_OK; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        int64_t pos = n_args == 4 ? I32(3) : 1;
        if (pos < 1) {
            st = bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "VALUE_OUT_OF_RANGE",
                                  "Cannot resolve \"regexp_replace(...)\" due to data type "
                                  "mismatch: The `position` must be between (0, 2147483647] "
                                  "(current value = %lld).",
                                  (long long)pos);
            break;
        }
        st = run_pattern(&run, STR(1), err);
        if (st != BK_OK) break;
        bk_str s = STR(0);
        if (pos > 1 && pos - 1 >= exec_utf8_count(s)) {
            r[i] = s;
            continue;
        }
        bk_buf_clear(&b);
        st = replace_row(&run, s, exec_utf8_offset(s, pos - 1), STR(2), &b, err);
        if (st == BK_OK && !exec_strbuf_copy(&sb, (const char *)b.data, b.len, &r[i]))
            st = bk_arena_oom(call->a, err);
    }
    bk_buf_destroy(&b);
    if (st != BK_OK) return st;
    *out = v;
    return BK_OK;
}

/* ---- split ---- */

/* split('', '') and split(s, '') as Spark: the characters of s, at most limit pieces. */
static bk_status split_chars(exec_strlist *l, bk_str s, int64_t limit, bk_error *err) {
    if (s.len == 0) return exec_strlist_push(l, s, err);
    int64_t pieces = 0;
    for (size_t b = 0; b < s.len;) {
        if (limit > 0 && pieces == limit - 1)
            return exec_strlist_push(l, bk_str_make(s.ptr + b, s.len - b), err);
        size_t k = exec_utf8_seq_len((unsigned char)s.ptr[b]);
        if (b + k > s.len) k = s.len - b;
        BK_TRY(exec_strlist_push(l, bk_str_make(s.ptr + b, k), err));
        pieces++;
        b += k;
    }
    return BK_OK;
}

/*
 * split(s, p[, limit = -1]): Java's Pattern.split(s, limit) with limit <= 0
 * meaning no limit (trailing empty strings are kept, as Spark passes -1): a
 * zero-width match at the start yields no leading empty piece; no match gives
 * [s]; limit > 0 caps the number of pieces, the last holding the rest.
 */
EXEC_KERNEL(exec_fnre_split) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *valid;
    re_run run;
    exec_strlist list;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, n_args, n, &valid, err));
    BK_TRY(run_init(&run, call, err));
    BK_TRY(exec_strlist_init(&list, call->a, n, err));
    for (size_t i = 0; i < n; i++) {
        if (bk_vector_is_valid(valid, i)) {
            bk_str s = STR(0), pat = STR(1);
            int64_t limit = n_args == 3 ? I32(2) : -1;
            if (pat.len == 0) {
                BK_TRY(split_chars(&list, s, limit, err));
            } else {
                BK_TRY(run_pattern(&run, pat, err));
                size_t index = 0, from = 0;
                int64_t pieces = 0;
                for (;;) {
                    if (limit > 0 && pieces >= limit - 1) break;
                    int rc = run_find(&run, s, from);
                    if (rc < 0) return match_failed(err, rc);
                    if (rc == 0) break;
                    size_t mb = run.ov[0], me = run.ov[1];
                    from = next_from(s, mb, me);
                    if (mb == 0 && me == 0) continue; /* zero-width match at the start */
                    BK_TRY(exec_strlist_push(&list, bk_str_make(s.ptr + index, mb - index), err));
                    pieces++;
                    index = me;
                }
                BK_TRY(exec_strlist_push(&list, bk_str_make(s.ptr + index, s.len - index), err));
            }
        }
        exec_strlist_end_row(&list, i);
    }
    return exec_strlist_finish(&list, call->expr->type, valid, n, out, err);
}
