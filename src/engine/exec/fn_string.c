/*
 * fn_string.c — string functions as vectorized kernels, with their binding
 * rules (Spark 4 semantics).
 *
 * Positions and lengths count code points (UTF-8 sequences) for STRING and bytes
 * for BINARY; the kernels that take either look at the type once per chunk.
 * Case mapping is Unicode's simple mapping (utf8proc), applied per code point.
 * Result bytes are allocated in call->a; results may also view the arguments'
 * bytes (substring, trim), as the executor's invariants allow.
 *
 * Binding follows Spark's ImplicitCastInputTypes: numbers, booleans, dates...
 * passed where a STRING is expected are cast to STRING, a STRING where an INT
 * is expected is cast to INT (failing at run time with CAST_INVALID_INPUT for
 * text that is not a number), NULL literals (VOID) are cast to the expected
 * type.  Functions defined over "STRING or BINARY" return BINARY only when
 * every such argument is BINARY.
 *
 * The regular-expression functions live in fn_string_regex.c and LIKE/ILIKE in
 * fn_like.c; their bind, kernel and prepare functions (fn_library_int.h) are
 * listed in this file's table, exec_fn_string_defs.
 */
#include <string.h>
#include <utf8proc.h>
#include <zlib.h>

#include "base/str.h"
#include "engine/exec/fn_library_int.h"
#include "engine/exec/fn_nested.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

/* Loop over the valid rows of the result v. */
#define FOR_VALID(v)                                                                               \
    for (size_t i = 0; i < n; i++)                                                                 \
        if (bk_vector_is_valid((v), i))

#define STR(k) (((const bk_str *)args[k]->data)[i])
#define I32(k) (((const int32_t *)args[k]->data)[i])
#define I64(k) (((const int64_t *)args[k]->data)[i])

/* Units of s: code points for STRING, bytes for BINARY. */
static inline int64_t units(bk_str s, bool bin) {
    return bin ? (int64_t)s.len : exec_utf8_count(s);
}

/* Byte offset of unit k of s (clamped to s.len). */
static inline size_t unit_off(bk_str s, int64_t k, bool bin) {
    if (bin) return k <= 0 ? 0 : (size_t)k < s.len ? (size_t)k : s.len;
    return k <= 0 ? 0 : exec_utf8_offset(s, k);
}

/* Units [from, to) of s as a view (clamped). */
static inline bk_str unit_slice(bk_str s, int64_t from, int64_t to, bool bin) {
    if (from < 0) from = 0;
    if (to <= from) return bk_str_make(s.ptr, 0);
    size_t b = unit_off(s, from, bin);
    size_t e = bin ? unit_off(s, to, true)
                   : b + exec_utf8_offset(bk_str_make(s.ptr + b, s.len - b), to - from);
    return bk_str_make(s.ptr + b, e - b);
}

static bk_status oom(const exec_call *call, bk_error *err) { return bk_arena_oom(call->a, err); }

/* ---------------------------------------------------------------------------------------------
 * Binding
 * ------------------------------------------------------------------------------------------- */

/* f(STRING) -> STRING */
static EXEC_BIND(bind_s_s) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    return exec_fnlib_expect("string function", args, 0, T(BK_TYPE_STRING), cast_to, err);
}

/* f(STRING|BINARY) -> INT */
static EXEC_BIND(bind_sb_int) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_INT);
    return exec_fnlib_expect("length", args, 0, exec_fnlib_str_or_bin(args, 0, 1), cast_to, err);
}

/* f(STRING|BINARY) -> same */
static EXEC_BIND(bind_sb_same) {
    (void)a;
    (void)n_args;
    *result = exec_fnlib_str_or_bin(args, 0, 1);
    return exec_fnlib_expect("string function", args, 0, *result, cast_to, err);
}

/* f(STRING, STRING, ...) -> STRING: every argument a STRING */
static EXEC_BIND(bind_all_s_s) {
    (void)a;
    *result = T(BK_TYPE_STRING);
    return exec_fnlib_expect_all("string function", args, 0, n_args, T(BK_TYPE_STRING), cast_to,
                                 err);
}

/* substring(STRING|BINARY, INT[, INT]) -> same; also left/right(s, INT) */
static EXEC_BIND(bind_substr) {
    (void)a;
    *result = exec_fnlib_str_or_bin(args, 0, 1);
    BK_TRY(exec_fnlib_expect("substring", args, 0, *result, cast_to, err));
    return exec_fnlib_expect_all("substring", args, 1, n_args, T(BK_TYPE_INT), cast_to, err);
}

/*
 * concat(STRING|BINARY...) -> BINARY when all BINARY, else STRING; concat(ARRAY...)
 * -> the arrays' common type (Spark's ConcatCoercion), when any argument is an ARRAY.
 */
static EXEC_BIND(bind_concat) {
    bool arrays = false;
    for (uint32_t i = 0; i < n_args; i++) arrays |= args[i]->kind == BK_TYPE_ARRAY;
    if (arrays) {
        const bk_type *t = exec_fnlib_common_type(a, args, 0, n_args);
        if (!t || t->kind != BK_TYPE_ARRAY) {
            for (uint32_t i = 0; i < n_args; i++)
                if (args[i]->kind != BK_TYPE_ARRAY && args[i]->kind != BK_TYPE_VOID)
                    return exec_fnlib_mismatch(err, "concat", i, "\"ARRAY\"", args[i]);
            return exec_fnlib_mismatch(err, "concat", 0, "\"ARRAY\"", args[0]);
        }
        *result = t;
        return exec_fnlib_expect_all("concat", args, 0, n_args, t, cast_to, err);
    }
    *result = exec_fnlib_str_or_bin(args, 0, n_args);
    return exec_fnlib_expect_all("concat", args, 0, n_args, *result, cast_to, err);
}

/* concat_ws(STRING sep, (STRING | ARRAY<STRING>)...) -> STRING */
static EXEC_BIND(bind_concat_ws) {
    *result = T(BK_TYPE_STRING);
    BK_TRY(exec_fnlib_expect("concat_ws", args, 0, T(BK_TYPE_STRING), cast_to, err));
    for (uint32_t k = 1; k < n_args; k++) {
        if (args[k]->kind == BK_TYPE_ARRAY) {
            const bk_type *want = bk_type_make_array(a, T(BK_TYPE_STRING));
            if (!want) return bk_arena_oom(a, err);
            BK_TRY(exec_fnlib_expect("concat_ws", args, k, want, cast_to, err));
        } else {
            BK_TRY(exec_fnlib_expect("concat_ws", args, k, T(BK_TYPE_STRING), cast_to, err));
        }
    }
    return BK_OK;
}

/* elt(INT n, STRING|BINARY...) -> BINARY when all the values are BINARY, else STRING */
static EXEC_BIND(bind_elt) {
    (void)a;
    *result = exec_fnlib_str_or_bin(args, 1, n_args);
    BK_TRY(exec_fnlib_expect("elt", args, 0, T(BK_TYPE_INT), cast_to, err));
    return exec_fnlib_expect_all("elt", args, 1, n_args, *result, cast_to, err);
}

/* lpad/rpad(STRING|BINARY, INT[, STRING|BINARY]) */
static EXEC_BIND(bind_pad) {
    (void)a;
    const bk_type *st =
        args[0]->kind == BK_TYPE_BINARY && (n_args < 3 || args[2]->kind == BK_TYPE_BINARY)
            ? T(BK_TYPE_BINARY)
            : T(BK_TYPE_STRING);
    *result = st;
    BK_TRY(exec_fnlib_expect("lpad", args, 0, st, cast_to, err));
    BK_TRY(exec_fnlib_expect("lpad", args, 1, T(BK_TYPE_INT), cast_to, err));
    if (n_args == 3) BK_TRY(exec_fnlib_expect("lpad", args, 2, st, cast_to, err));
    return BK_OK;
}

/* f(STRING, INT) -> STRING (repeat) */
static EXEC_BIND(bind_s_int_s) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    BK_TRY(exec_fnlib_expect("repeat", args, 0, T(BK_TYPE_STRING), cast_to, err));
    return exec_fnlib_expect("repeat", args, 1, T(BK_TYPE_INT), cast_to, err);
}

/* f(STRING, STRING) -> INT (instr) */
static EXEC_BIND(bind_ss_int) {
    (void)a;
    *result = T(BK_TYPE_INT);
    return exec_fnlib_expect_all("instr", args, 0, n_args, T(BK_TYPE_STRING), cast_to, err);
}

/* locate/position(STRING, STRING[, INT]) -> INT */
static EXEC_BIND(bind_locate) {
    (void)a;
    *result = T(BK_TYPE_INT);
    BK_TRY(exec_fnlib_expect_all("locate", args, 0, 2, T(BK_TYPE_STRING), cast_to, err));
    if (n_args == 3) BK_TRY(exec_fnlib_expect("locate", args, 2, T(BK_TYPE_INT), cast_to, err));
    return BK_OK;
}

/* overlay(STRING, STRING, INT[, INT]) -> STRING */
static EXEC_BIND(bind_overlay) {
    (void)a;
    *result = T(BK_TYPE_STRING);
    BK_TRY(exec_fnlib_expect_all("overlay", args, 0, 2, T(BK_TYPE_STRING), cast_to, err));
    return exec_fnlib_expect_all("overlay", args, 2, n_args, T(BK_TYPE_INT), cast_to, err);
}

/* split_part(STRING, STRING, INT) -> STRING */
static EXEC_BIND(bind_split_part) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    BK_TRY(exec_fnlib_expect_all("split_part", args, 0, 2, T(BK_TYPE_STRING), cast_to, err));
    return exec_fnlib_expect("split_part", args, 2, T(BK_TYPE_INT), cast_to, err);
}

/* contains/startswith/endswith(STRING|BINARY x2) -> BOOLEAN */
static EXEC_BIND(bind_sb2_bool) {
    (void)a;
    const bk_type *t = exec_fnlib_str_or_bin(args, 0, n_args);
    *result = T(BK_TYPE_BOOLEAN);
    return exec_fnlib_expect_all("contains", args, 0, n_args, t, cast_to, err);
}

/* f(BIGINT) -> STRING (chr, space takes INT) */
static EXEC_BIND(bind_chr) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    return exec_fnlib_expect("chr", args, 0, T(BK_TYPE_BIGINT), cast_to, err);
}

static EXEC_BIND(bind_space) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    return exec_fnlib_expect("space", args, 0, T(BK_TYPE_INT), cast_to, err);
}

/* ascii(STRING) -> INT */
static EXEC_BIND(bind_s_int) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_INT);
    return exec_fnlib_expect("ascii", args, 0, T(BK_TYPE_STRING), cast_to, err);
}

/* base64(BINARY) -> STRING */
static EXEC_BIND(bind_b_s) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    return exec_fnlib_expect("base64", args, 0, T(BK_TYPE_BINARY), cast_to, err);
}

/* unbase64/unhex(STRING) -> BINARY */
static EXEC_BIND(bind_s_b) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BINARY);
    return exec_fnlib_expect("unbase64", args, 0, T(BK_TYPE_STRING), cast_to, err);
}

/* crc32(BINARY) -> BIGINT */
static EXEC_BIND(bind_crc32) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BIGINT);
    return exec_fnlib_expect("crc32", args, 0, T(BK_TYPE_BINARY), cast_to, err);
}

/* hex(BIGINT | BINARY | STRING) -> STRING (Spark's TypeCollection order) */
static EXEC_BIND(bind_hex) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    const bk_type *t = args[0];
    const bk_type *want = exec_fnlib_is_integral(t) || t->kind == BK_TYPE_VOID ? T(BK_TYPE_BIGINT)
                          : t->kind == BK_TYPE_BINARY                          ? T(BK_TYPE_BINARY)
                                                                               : T(BK_TYPE_STRING);
    return exec_fnlib_expect("hex", args, 0, want, cast_to, err);
}

/* ---------------------------------------------------------------------------------------------
 * Lengths
 * ------------------------------------------------------------------------------------------- */

/* length(s): code points of a STRING, bytes of a BINARY. */
static EXEC_KERNEL(k_length) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, 1, n, &v, err));
    int32_t *r = v->data;
    const bk_str *s = args[0]->data;
    if (args[0]->type->kind == BK_TYPE_BINARY)
        for (size_t i = 0; i < n; i++) r[i] = (int32_t)s[i].len;
    else
        for (size_t i = 0; i < n; i++) r[i] = (int32_t)exec_utf8_count(s[i]);
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_octet_length) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, 1, n, &v, err));
    int32_t *r = v->data;
    const bk_str *s = args[0]->data;
    for (size_t i = 0; i < n; i++) r[i] = (int32_t)s[i].len;
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_bit_length) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, 1, n, &v, err));
    int32_t *r = v->data;
    const bk_str *s = args[0]->data;
    for (size_t i = 0; i < n; i++) r[i] = (int32_t)(s[i].len * 8);
    *out = v;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Case mapping
 * ------------------------------------------------------------------------------------------- */

typedef enum case_op { CASE_UPPER, CASE_LOWER, CASE_INITCAP } case_op;

static inline uint32_t map_case(case_op op, uint32_t cp, bool word_start) {
    if (op == CASE_UPPER) return (uint32_t)utf8proc_toupper((utf8proc_int32_t)cp);
    if (op == CASE_LOWER || !word_start) return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
    return (uint32_t)utf8proc_totitle((utf8proc_int32_t)cp);
}

/*
 * upper / lower / initcap.  initcap lower-cases everything and title-cases the
 * first character of every word, words being separated by spaces (Spark's
 * UTF8String.toTitleCase).  A simple mapping never needs more than twice the
 * input's bytes (an ASCII letter stays ASCII).
 */
static bk_status case_map(const exec_call *call, case_op op, bk_vector *const *args, size_t n,
                          bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0);
        char *dst = exec_strbuf_alloc(&sb, s.len * 2);
        if (!dst) return oom(call, err);
        size_t len = 0;
        bool word_start = true;
        for (size_t b = 0; b < s.len;) {
            unsigned char c = (unsigned char)s.ptr[b];
            if (c < 0x80) {
                bool up = op == CASE_UPPER || (op == CASE_INITCAP && word_start);
                dst[len++] = (char)(up ? (c >= 'a' && c <= 'z' ? c - 32 : c)
                                       : (c >= 'A' && c <= 'Z' ? c + 32 : c));
                word_start = c == ' ';
                b++;
                continue;
            }
            uint32_t cp;
            size_t k = exec_utf8_decode(s, b, &cp);
            if (k == 1) { /* not UTF-8: keep the byte */
                dst[len++] = (char)c;
            } else {
                len += bk_utf8_put(map_case(op, cp, word_start), dst + len);
            }
            word_start = false;
            b += k;
        }
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_upper) { return case_map(call, CASE_UPPER, args, n, out, err); }
static EXEC_KERNEL(k_lower) { return case_map(call, CASE_LOWER, args, n, out, err); }
static EXEC_KERNEL(k_initcap) { return case_map(call, CASE_INITCAP, args, n, out, err); }

/* ---------------------------------------------------------------------------------------------
 * Substrings
 * ------------------------------------------------------------------------------------------- */

/*
 * Spark's UTF8String.substringSQL(pos, len): pos is 1-based; pos 0 acts as 1;
 * a negative pos counts from the end; the slice is [start, start + len) clamped
 * to the string, empty when len <= 0.
 */
static bk_str substring_sql(bk_str s, int64_t pos, int64_t len, bool bin) {
    int64_t n_units = units(s, bin);
    int64_t start = pos > 0 ? pos - 1 : pos < 0 ? n_units + pos : 0;
    int64_t end = start + len;
    if (start < 0) start = 0;
    if (start >= end || start >= n_units) return bk_str_make(s.ptr, 0);
    return unit_slice(s, start, end, bin);
}

static EXEC_KERNEL(k_substring) {
    bk_vector *v;
    uint32_t n_args = call->expr->n_args;
    BK_TRY(exec_fn_result(call, call->expr->type, args, n_args, n, &v, err));
    bool bin = call->expr->type->kind == BK_TYPE_BINARY;
    bk_str *r = v->data;
    FOR_VALID(v) {
        int64_t len = n_args == 3 ? I32(2) : INT32_MAX;
        r[i] = substring_sql(STR(0), I32(1), len, bin);
    }
    *out = v;
    return BK_OK;
}

/* left(s, n) = substring(s, 1, n); right(s, n) = '' for n <= 0, else substring(s, -n). */
static bk_status left_right(const exec_call *call, bool right, bk_vector *const *args, size_t n,
                            bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 2, n, &v, err));
    bool bin = call->expr->type->kind == BK_TYPE_BINARY;
    bk_str *r = v->data;
    FOR_VALID(v) {
        int64_t k = I32(1);
        bk_str s = STR(0);
        if (!right)
            r[i] = substring_sql(s, 1, k, bin);
        else
            r[i] = k <= 0 ? bk_str_make(s.ptr, 0) : substring_sql(s, -k, INT32_MAX, bin);
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_left) { return left_right(call, false, args, n, out, err); }
static EXEC_KERNEL(k_right) { return left_right(call, true, args, n, out, err); }

/* ---------------------------------------------------------------------------------------------
 * Concatenation
 * ------------------------------------------------------------------------------------------- */

/* concat(a, b, ...): NULL when any argument is NULL; no arguments give ''. */
static EXEC_KERNEL(k_concat) {
    if (call->expr->type->kind == BK_TYPE_ARRAY)
        return exec_fn_concat_arrays(call, args, n, out, err);
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, n_args, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        size_t len = 0;
        for (uint32_t k = 0; k < n_args; k++) len += STR(k).len;
        char *dst = exec_strbuf_alloc(&sb, len);
        if (!dst) return oom(call, err);
        size_t at = 0;
        for (uint32_t k = 0; k < n_args; k++) {
            bk_str s = STR(k);
            if (s.len) memcpy(dst + at, s.ptr, s.len);
            at += s.len;
        }
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

/* Call fn(arg, s) for every non-NULL string of argument k in row i (scalar or array). */
#define EACH_WS_VALUE(k, ...)                                                                      \
    do {                                                                                           \
        const bk_vector *av_ = args[k];                                                            \
        if (!bk_vector_is_valid(av_, i)) break;                                                    \
        if (av_->type->kind == BK_TYPE_ARRAY) {                                                    \
            const bk_vector *ch_ = av_->children[0];                                               \
            for (int64_t e_ = av_->offsets[i]; e_ < av_->offsets[i + 1]; e_++) {                   \
                if (!bk_vector_is_valid(ch_, (size_t)e_)) continue;                                \
                bk_str s_ = ((const bk_str *)ch_->data)[e_];                                       \
                __VA_ARGS__;                                                                       \
            }                                                                                      \
        } else {                                                                                   \
            bk_str s_ = ((const bk_str *)av_->data)[i];                                            \
            __VA_ARGS__;                                                                           \
        }                                                                                          \
    } while (0)

/*
 * concat_ws(sep, a, ...): the non-NULL values (array arguments contribute their
 * non-NULL elements) joined by sep; NULL only when sep is NULL.
 */
static EXEC_KERNEL(k_concat_ws) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str sep = STR(0);
        size_t len = 0, count = 0;
        for (uint32_t k = 1; k < n_args; k++) EACH_WS_VALUE(k, (len += s_.len, count++));
        if (count > 1) len += sep.len * (count - 1);
        char *dst = exec_strbuf_alloc(&sb, len);
        if (!dst) return oom(call, err);
        size_t at = 0;
        bool first = true;
        for (uint32_t k = 1; k < n_args; k++) {
            EACH_WS_VALUE(k, {
                if (!first && sep.len) {
                    memcpy(dst + at, sep.ptr, sep.len);
                    at += sep.len;
                }
                first = false;
                if (s_.len) memcpy(dst + at, s_.ptr, s_.len);
                at += s_.len;
            });
        }
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

/*
 * elt(n, v1, ..., vk): v_n; NULL when n is NULL or v_n is.  An n outside [1, k] is
 * INVALID_ARRAY_INDEX in ANSI mode and NULL otherwise, as in Spark.
 */
static EXEC_KERNEL(k_elt) {
    uint32_t k_vals = call->expr->n_args - 1;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 1, n, &v, err));
    bk_str *r = v->data;
    FOR_VALID(v) {
        int32_t k = ((const int32_t *)args[0]->data)[i];
        if (k < 1 || (uint32_t)k > k_vals) {
            if (call->ctx->ansi)
                return bk_error_set(err, BK_INVALID_ARRAY_INDEX,
                                    "The index %d is out of bounds. The array has %u elements. "
                                    "Use the SQL function `get()` to tolerate accessing element "
                                    "at invalid index and return NULL instead.",
                                    (int)k, k_vals);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        if (!bk_vector_is_valid(args[k], i)) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        r[i] = STR(k);
    }
    *out = v;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Trimming and padding
 * ------------------------------------------------------------------------------------------- */

#define TRIM_SET_MAX 64

/* The code points of `chars` (at most TRIM_SET_MAX distinct are kept, in order). */
static size_t trim_set(bk_str chars, uint32_t *set) {
    size_t n_set = 0;
    for (size_t b = 0; b < chars.len && n_set < TRIM_SET_MAX;) {
        uint32_t cp;
        b += exec_utf8_decode(chars, b, &cp);
        set[n_set++] = cp;
    }
    return n_set;
}

static inline bool in_set(const uint32_t *set, size_t n_set, uint32_t cp) {
    for (size_t k = 0; k < n_set; k++)
        if (set[k] == cp) return true;
    return false;
}

/* Start of the last code point ending at byte `end` of s (end > 0). */
static inline size_t prev_char(bk_str s, size_t end) {
    size_t b = end - 1;
    while (b > 0 && ((unsigned char)s.ptr[b] & 0xC0) == 0x80 && end - b < 4) b--;
    return b;
}

/*
 * trim(s[, chars]), ltrim, rtrim, btrim: strip the code points in `chars`
 * (default: the space character only, as Spark) from both ends / the start /
 * the end.  Argument order (s, chars): TRIM(BOTH chars FROM s) arrives so.
 */
static bk_status trim_kernel(const exec_call *call, bool left, bool right, bk_vector *const *args,
                             size_t n, bk_vector **out, bk_error *err) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, n_args, n, &v, err));
    bk_str *r = v->data;
    uint32_t set[TRIM_SET_MAX] = {' '};
    size_t n_set = 1;
    bk_str last = {NULL, 0};
    bool have_last = false;
    FOR_VALID(v) {
        if (n_args == 2) {
            bk_str chars = STR(1);
            if (!have_last || !bk_str_eq(chars, last)) {
                n_set = trim_set(chars, set);
                last = chars;
                have_last = true;
            }
        }
        bk_str s = STR(0);
        size_t b = 0, e = s.len;
        while (left && b < e) {
            uint32_t cp;
            size_t k = exec_utf8_decode(s, b, &cp);
            if (!in_set(set, n_set, cp)) break;
            b += k;
        }
        while (right && e > b) {
            size_t p = prev_char(s, e);
            uint32_t cp;
            exec_utf8_decode(s, p, &cp);
            if (!in_set(set, n_set, cp)) break;
            e = p;
        }
        r[i] = bk_str_make(s.ptr + b, e - b);
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_trim) { return trim_kernel(call, true, true, args, n, out, err); }
static EXEC_KERNEL(k_ltrim) { return trim_kernel(call, true, false, args, n, out, err); }
static EXEC_KERNEL(k_rtrim) { return trim_kernel(call, false, true, args, n, out, err); }

/*
 * lpad/rpad(s, len[, pad]): s cut or padded to `len` units with repeats of pad
 * (default ' ', or a zero byte for BINARY); '' for len <= 0; an empty pad only
 * cuts.  Units are code points for STRING, bytes for BINARY.
 */
static bk_status pad_kernel(const exec_call *call, bool left, bk_vector *const *args, size_t n,
                            bk_vector **out, bk_error *err) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, n_args, n, &v, err));
    bool bin = call->expr->type->kind == BK_TYPE_BINARY;
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    static const char zero = 0;
    bk_str dflt = bin ? bk_str_make(&zero, 1) : bk_str_make(" ", 1);
    FOR_VALID(v) {
        bk_str s = STR(0), pad = n_args == 3 ? STR(2) : dflt;
        int64_t want = I32(1);
        int64_t have = units(s, bin);
        if (want <= 0) {
            r[i] = bk_str_make(s.ptr, 0);
            continue;
        }
        int64_t pad_units = units(pad, bin);
        if (want <= have || pad_units == 0) {
            r[i] = unit_slice(s, 0, want, bin);
            continue;
        }
        int64_t fill = want - have;
        int64_t full = fill / pad_units, rest = fill % pad_units;
        size_t rest_bytes = unit_off(pad, rest, bin);
        size_t fill_bytes = (size_t)full * pad.len + rest_bytes;
        char *dst = exec_strbuf_alloc(&sb, fill_bytes + s.len);
        if (!dst) return oom(call, err);
        char *f = left ? dst : dst + s.len;
        for (int64_t k = 0; k < full; k++) memcpy(f + (size_t)k * pad.len, pad.ptr, pad.len);
        if (rest_bytes) memcpy(f + (size_t)full * pad.len, pad.ptr, rest_bytes);
        if (s.len) memcpy(left ? dst + fill_bytes : dst, s.ptr, s.len);
        r[i] = bk_str_make(dst, fill_bytes + s.len);
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_lpad) { return pad_kernel(call, true, args, n, out, err); }
static EXEC_KERNEL(k_rpad) { return pad_kernel(call, false, args, n, out, err); }

/* ---------------------------------------------------------------------------------------------
 * Repeat, reverse, replace, translate, overlay
 * ------------------------------------------------------------------------------------------- */

#define STRING_RESULT_MAX ((size_t)1 << 30)

static bk_status too_long(bk_error *err, const char *fn) {
    return bk_error_set(err, BK_LIMIT_EXCEEDED, "%s: the result would be longer than %zu bytes", fn,
                        STRING_RESULT_MAX);
}

/* repeat(s, n): s n times; '' for n <= 0. */
static EXEC_KERNEL(k_repeat) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 2, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0);
        int64_t times = I32(1);
        if (times <= 0 || s.len == 0) {
            r[i] = bk_str_make(s.ptr, 0);
            continue;
        }
        if ((size_t)times > STRING_RESULT_MAX / s.len) return too_long(err, "repeat");
        char *dst = exec_strbuf_alloc(&sb, (size_t)times * s.len);
        if (!dst) return oom(call, err);
        for (int64_t k = 0; k < times; k++) memcpy(dst + (size_t)k * s.len, s.ptr, s.len);
        r[i] = bk_str_make(dst, (size_t)times * s.len);
    }
    *out = v;
    return BK_OK;
}

/* reverse(s): code points in reverse order (bytes for BINARY). */
static EXEC_KERNEL(k_reverse) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 1, n, &v, err));
    bool bin = call->expr->type->kind == BK_TYPE_BINARY;
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0);
        char *dst = exec_strbuf_alloc(&sb, s.len);
        if (!dst) return oom(call, err);
        for (size_t b = 0; b < s.len;) {
            size_t k = bin ? 1 : exec_utf8_seq_len((unsigned char)s.ptr[b]);
            if (b + k > s.len) k = s.len - b;
            memcpy(dst + s.len - b - k, s.ptr + b, k);
            b += k;
        }
        r[i] = bk_str_make(dst, s.len);
    }
    *out = v;
    return BK_OK;
}

/* Byte offset of the first occurrence of needle in hay at or after `from`, or -1. */
static int64_t find_bytes(bk_str hay, bk_str needle, size_t from) {
    if (needle.len == 0) return from <= hay.len ? (int64_t)from : -1;
    if (from > hay.len || hay.len - from < needle.len) return -1;
    const char *p = memmem(hay.ptr + from, hay.len - from, needle.ptr, needle.len);
    return p ? p - hay.ptr : -1;
}

/* replace(s, search[, rep]): every occurrence of search replaced (search '' changes nothing). */
static EXEC_KERNEL(k_replace) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, n_args, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0), search = STR(1), rep = n_args == 3 ? STR(2) : bk_str_make("", 0);
        if (search.len == 0) {
            r[i] = s;
            continue;
        }
        size_t count = 0;
        for (int64_t at = find_bytes(s, search, 0); at >= 0;
             at = find_bytes(s, search, (size_t)at + search.len))
            count++;
        if (!count) {
            r[i] = s;
            continue;
        }
        size_t len = s.len - count * search.len + count * rep.len;
        char *dst = exec_strbuf_alloc(&sb, len);
        if (!dst) return oom(call, err);
        size_t from = 0, w = 0;
        for (int64_t at = find_bytes(s, search, 0); at >= 0; at = find_bytes(s, search, from)) {
            memcpy(dst + w, s.ptr + from, (size_t)at - from);
            w += (size_t)at - from;
            if (rep.len) memcpy(dst + w, rep.ptr, rep.len);
            w += rep.len;
            from = (size_t)at + search.len;
        }
        memcpy(dst + w, s.ptr + from, s.len - from);
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

/*
 * translate(s, from, to): every code point of s found in `from` becomes the
 * code point at the same index of `to`, or is deleted when `to` is shorter;
 * the first occurrence in `from` wins.
 */
static EXEC_KERNEL(k_translate) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 3, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0), from = STR(1), to = STR(2);
        char *dst = exec_strbuf_alloc(&sb, s.len * 4);
        if (!dst) return oom(call, err);
        size_t len = 0;
        for (size_t b = 0; b < s.len;) {
            uint32_t cp;
            size_t k = exec_utf8_decode(s, b, &cp);
            int64_t idx = -1, pos = 0;
            for (size_t fb = 0; fb < from.len; pos++) {
                uint32_t fc;
                fb += exec_utf8_decode(from, fb, &fc);
                if (fc == cp) {
                    idx = pos;
                    break;
                }
            }
            if (idx < 0) {
                memcpy(dst + len, s.ptr + b, k);
                len += k;
            } else if (idx < exec_utf8_count(to)) {
                uint32_t tc;
                exec_utf8_decode(to, exec_utf8_offset(to, idx), &tc);
                len += bk_utf8_put(tc, dst + len);
            }
            b += k;
        }
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

/*
 * overlay(s, rep, pos[, len]): substring(s, 1, pos - 1) || rep ||
 * substring(s, pos + len), len defaulting to the length of rep.
 */
static EXEC_KERNEL(k_overlay) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, n_args, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0), rep = STR(1);
        int64_t pos = I32(2);
        int64_t len = n_args == 4 && I32(3) >= 0 ? I32(3) : exec_utf8_count(rep);
        bk_str head = substring_sql(s, 1, pos - 1, false);
        bk_str tail = substring_sql(s, pos + len, INT32_MAX, false);
        size_t total = head.len + rep.len + tail.len;
        char *dst = exec_strbuf_alloc(&sb, total);
        if (!dst) return oom(call, err);
        memcpy(dst, head.ptr, head.len);
        memcpy(dst + head.len, rep.ptr, rep.len);
        memcpy(dst + head.len + rep.len, tail.ptr, tail.len);
        r[i] = bk_str_make(dst, total);
    }
    *out = v;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Searching
 * ------------------------------------------------------------------------------------------- */

/* Code point index of byte offset b in s. */
static inline int64_t char_index(bk_str s, size_t b) {
    return exec_utf8_count(bk_str_make(s.ptr, b));
}

/* instr(s, sub): 1-based position of the first sub in s, 0 when absent (1 for ''). */
static EXEC_KERNEL(k_instr) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, 2, n, &v, err));
    int32_t *r = v->data;
    FOR_VALID(v) {
        bk_str s = STR(0);
        int64_t at = find_bytes(s, STR(1), 0);
        r[i] = at < 0 ? 0 : (int32_t)(char_index(s, (size_t)at) + 1);
    }
    *out = v;
    return BK_OK;
}

/*
 * locate(sub, s[, pos]) and position(sub, s[, pos]): 1-based position of sub in
 * s searching from code point pos (default 1); 0 when absent or pos < 1.  As
 * Spark (Hive), a NULL pos gives 0, not NULL.
 */
static EXEC_KERNEL(k_locate) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, 2, n, &v, err));
    int32_t *r = v->data;
    FOR_VALID(v) {
        bk_str sub = STR(0), s = STR(1);
        int64_t pos = 1;
        if (n_args == 3) pos = bk_vector_is_valid(args[2], i) ? I32(2) : 0;
        if (pos < 1) {
            r[i] = 0;
            continue;
        }
        if (sub.len == 0) {
            r[i] = 1; /* UTF8String.indexOf of '' is 0 whatever the start */
            continue;
        }
        size_t from = exec_utf8_offset(s, pos - 1);
        int64_t at = find_bytes(s, sub, from);
        r[i] = at < 0 ? 0 : (int32_t)(char_index(s, (size_t)at) + 1);
    }
    *out = v;
    return BK_OK;
}

typedef enum match_op { MATCH_CONTAINS, MATCH_STARTS, MATCH_ENDS } match_op;

static bk_status match_kernel(const exec_call *call, match_op op, bk_vector *const *args, size_t n,
                              bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, 2, n, &v, err));
    uint8_t *r = v->data;
    const bk_str *x = args[0]->data, *y = args[1]->data;
    for (size_t i = 0; i < n; i++) {
        bk_str s = x[i], p = y[i];
        if (p.len > s.len)
            r[i] = 0;
        else if (op == MATCH_STARTS)
            r[i] = p.len == 0 || memcmp(s.ptr, p.ptr, p.len) == 0;
        else if (op == MATCH_ENDS)
            r[i] = p.len == 0 || memcmp(s.ptr + s.len - p.len, p.ptr, p.len) == 0;
        else
            r[i] = find_bytes(s, p, 0) >= 0;
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_contains) { return match_kernel(call, MATCH_CONTAINS, args, n, out, err); }
static EXEC_KERNEL(k_startswith) { return match_kernel(call, MATCH_STARTS, args, n, out, err); }
static EXEC_KERNEL(k_endswith) { return match_kernel(call, MATCH_ENDS, args, n, out, err); }

/*
 * split_part(s, delim, k): the k-th piece of s split on the literal delim
 * (negative k counts from the end); '' when out of range; an empty delim
 * leaves s as the only piece.  k = 0 fails with INVALID_INDEX_OF_ZERO.
 */
static EXEC_KERNEL(k_split_part) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 3, n, &v, err));
    bk_str *r = v->data;
    FOR_VALID(v) {
        bk_str s = STR(0), d = STR(1);
        int64_t k = I32(2);
        if (k == 0)
            return bk_error_set(err, BK_INVALID_INDEX_OF_ZERO,
                                "The index 0 is invalid. An index shall be either < 0 or > 0 (the "
                                "first element has index 1).");
        if (d.len == 0) {
            r[i] = k == 1 || k == -1 ? s : bk_str_make(s.ptr, 0);
            continue;
        }
        int64_t parts = 1;
        for (int64_t at = find_bytes(s, d, 0); at >= 0; at = find_bytes(s, d, (size_t)at + d.len))
            parts++;
        int64_t want = k > 0 ? k - 1 : parts + k;
        r[i] = bk_str_make(s.ptr, 0);
        if (want < 0 || want >= parts) continue;
        size_t from = 0;
        for (int64_t p = 0; p < want; p++) from = (size_t)find_bytes(s, d, from) + d.len;
        int64_t end = find_bytes(s, d, from);
        r[i] = bk_str_make(s.ptr + from, (end < 0 ? s.len : (size_t)end) - from);
    }
    *out = v;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Characters
 * ------------------------------------------------------------------------------------------- */

/* ascii(s): the first code point of s, 0 for ''. */
static EXEC_KERNEL(k_ascii) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, 1, n, &v, err));
    int32_t *r = v->data;
    FOR_VALID(v) {
        bk_str s = STR(0);
        uint32_t cp = 0;
        if (s.len) exec_utf8_decode(s, 0, &cp);
        r[i] = (int32_t)cp;
    }
    *out = v;
    return BK_OK;
}

/* chr(n): '' for n < 0, else the character U+(n mod 256) (U+0000 included). */
static EXEC_KERNEL(k_chr) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        int64_t c = I64(0);
        if (c < 0) {
            r[i] = bk_str_make("", 0);
            continue;
        }
        char *dst = exec_strbuf_alloc(&sb, 2);
        if (!dst) return oom(call, err);
        r[i] = bk_str_make(dst, bk_utf8_put((uint32_t)(c & 0xFF), dst));
    }
    *out = v;
    return BK_OK;
}

/* space(n): n spaces ('' for n <= 0). */
static EXEC_KERNEL(k_space) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        int64_t k = I32(0);
        if (k <= 0) {
            r[i] = bk_str_make("", 0);
            continue;
        }
        if ((size_t)k > STRING_RESULT_MAX) return too_long(err, "space");
        char *dst = exec_strbuf_alloc(&sb, (size_t)k);
        if (!dst) return oom(call, err);
        memset(dst, ' ', (size_t)k);
        r[i] = bk_str_make(dst, (size_t)k);
    }
    *out = v;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Encodings: base64, hex, crc32
 * ------------------------------------------------------------------------------------------- */

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64(bin): standard alphabet with padding, no line breaks. */
static EXEC_KERNEL(k_base64) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0);
        size_t len = (s.len + 2) / 3 * 4;
        char *dst = exec_strbuf_alloc(&sb, len);
        if (!dst) return oom(call, err);
        const unsigned char *p = (const unsigned char *)s.ptr;
        size_t w = 0;
        for (size_t b = 0; b < s.len; b += 3) {
            uint32_t x = (uint32_t)p[b] << 16;
            if (b + 1 < s.len) x |= (uint32_t)p[b + 1] << 8;
            if (b + 2 < s.len) x |= p[b + 2];
            dst[w++] = b64_chars[(x >> 18) & 63];
            dst[w++] = b64_chars[(x >> 12) & 63];
            dst[w++] = b + 1 < s.len ? b64_chars[(x >> 6) & 63] : '=';
            dst[w++] = b + 2 < s.len ? b64_chars[x & 63] : '=';
        }
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

static int b64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

/*
 * unbase64(s): decoded bytes, leniently as Spark (Commons Codec): characters
 * outside the alphabet are skipped, decoding stops at '=', trailing bits that
 * do not make a byte are dropped.
 */
static EXEC_KERNEL(k_unbase64) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BINARY), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0);
        char *dst = exec_strbuf_alloc(&sb, s.len / 4 * 3 + 3);
        if (!dst) return oom(call, err);
        uint32_t acc = 0;
        int bits = 0;
        size_t w = 0;
        for (size_t b = 0; b < s.len && s.ptr[b] != '='; b++) {
            int x = b64_value((unsigned char)s.ptr[b]);
            if (x < 0) continue;
            acc = (acc << 6) | (uint32_t)x;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                dst[w++] = (char)((acc >> bits) & 0xFF);
            }
        }
        r[i] = bk_str_make(dst, w);
    }
    *out = v;
    return BK_OK;
}

static const char hex_digits[] = "0123456789ABCDEF";

/* hex(x): BIGINT as its two's complement in upper-case hex; STRING/BINARY bytes as hex. */
static EXEC_KERNEL(k_hex) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    bool is_int = args[0]->type->kind == BK_TYPE_BIGINT;
    FOR_VALID(v) {
        if (is_int) {
            uint64_t x = (uint64_t)I64(0);
            char tmp[16];
            size_t len = 0;
            do {
                tmp[len++] = hex_digits[x & 15];
                x >>= 4;
            } while (x);
            char *dst = exec_strbuf_alloc(&sb, len);
            if (!dst) return oom(call, err);
            for (size_t k = 0; k < len; k++) dst[k] = tmp[len - 1 - k];
            r[i] = bk_str_make(dst, len);
            continue;
        }
        bk_str s = STR(0);
        char *dst = exec_strbuf_alloc(&sb, s.len * 2);
        if (!dst) return oom(call, err);
        for (size_t b = 0; b < s.len; b++) {
            dst[2 * b] = hex_digits[(unsigned char)s.ptr[b] >> 4];
            dst[2 * b + 1] = hex_digits[(unsigned char)s.ptr[b] & 15];
        }
        r[i] = bk_str_make(dst, s.len * 2);
    }
    *out = v;
    return BK_OK;
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* unhex(s): the bytes of hex text (odd length: a leading 0 is implied); NULL if not hex. */
static EXEC_KERNEL(k_unhex) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BINARY), args, 1, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    FOR_VALID(v) {
        bk_str s = STR(0);
        size_t len = (s.len + 1) / 2;
        char *dst = exec_strbuf_alloc(&sb, len);
        if (!dst) return oom(call, err);
        bool ok = true;
        size_t odd = s.len & 1;
        for (size_t k = 0; k < len && ok; k++) {
            int hi = k == 0 && odd ? 0 : hex_value((unsigned char)s.ptr[2 * k - odd]);
            int lo = hex_value((unsigned char)s.ptr[2 * k + 1 - odd]);
            ok = hi >= 0 && lo >= 0;
            if (ok) dst[k] = (char)(hi << 4 | lo);
        }
        if (!ok) {
            r[i] = bk_str_make("", 0);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

/* luhn_check(STRING) -> BOOLEAN */
static EXEC_BIND(bind_luhn) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BOOLEAN);
    return exec_fnlib_expect("luhn_check", args, 0, T(BK_TYPE_STRING), cast_to, err);
}

/*
 * luhn_check(s): whether s is all digits (at least one, no spaces or signs) and
 * passes the Luhn mod-10 checksum, as Spark's ExpressionImplUtils.isLuhnNumber.
 */
static EXEC_KERNEL(k_luhn_check) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, 1, n, &v, err));
    uint8_t *r = v->data;
    FOR_VALID(v) {
        bk_str s = STR(0);
        unsigned sum = 0;
        bool ok = s.len > 0;
        for (size_t k = 0; k < s.len && ok; k++) {
            unsigned char c = (unsigned char)s.ptr[s.len - 1 - k];
            ok = c >= '0' && c <= '9';
            unsigned d = (unsigned)(c - '0');
            if (k & 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        r[i] = ok && sum % 10 == 0;
    }
    *out = v;
    return BK_OK;
}

/* crc32(bin): zlib's CRC-32 of the bytes, as BIGINT. */
static EXEC_KERNEL(k_crc32) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BIGINT), args, 1, n, &v, err));
    int64_t *r = v->data;
    FOR_VALID(v) {
        bk_str s = STR(0);
        uLong c = crc32(0L, Z_NULL, 0);
        r[i] = (int64_t)crc32(c, (const Bytef *)s.ptr, (uInt)s.len);
    }
    *out = v;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * The table
 * ------------------------------------------------------------------------------------------- */

const exec_fn_def exec_fn_string_defs[] = {
    {"length", 1, 1, bind_sb_int, k_length, NULL},
    {"char_length", 1, 1, bind_sb_int, k_length, NULL},
    {"character_length", 1, 1, bind_sb_int, k_length, NULL},
    {"len", 1, 1, bind_sb_int, k_length, NULL},
    {"octet_length", 1, 1, bind_sb_int, k_octet_length, NULL},
    {"bit_length", 1, 1, bind_sb_int, k_bit_length, NULL},
    {"upper", 1, 1, bind_s_s, k_upper, NULL},
    {"ucase", 1, 1, bind_s_s, k_upper, NULL},
    {"lower", 1, 1, bind_s_s, k_lower, NULL},
    {"lcase", 1, 1, bind_s_s, k_lower, NULL},
    {"initcap", 1, 1, bind_s_s, k_initcap, NULL},
    {"substring", 2, 3, bind_substr, k_substring, NULL},
    {"substr", 2, 3, bind_substr, k_substring, NULL},
    {"left", 2, 2, bind_substr, k_left, NULL},
    {"right", 2, 2, bind_substr, k_right, NULL},
    {"concat", 0, -1, bind_concat, k_concat, NULL},
    {"concat_ws", 1, -1, bind_concat_ws, k_concat_ws, NULL},
    {"elt", 2, -1, bind_elt, k_elt, NULL},
    {"trim", 1, 2, bind_all_s_s, k_trim, NULL},
    {"btrim", 1, 2, bind_all_s_s, k_trim, NULL},
    {"ltrim", 1, 2, bind_all_s_s, k_ltrim, NULL},
    {"rtrim", 1, 2, bind_all_s_s, k_rtrim, NULL},
    {"lpad", 2, 3, bind_pad, k_lpad, NULL},
    {"rpad", 2, 3, bind_pad, k_rpad, NULL},
    {"repeat", 2, 2, bind_s_int_s, k_repeat, NULL},
    {"reverse", 1, 1, bind_sb_same, k_reverse, NULL},
    {"replace", 2, 3, bind_all_s_s, k_replace, NULL},
    {"translate", 3, 3, bind_all_s_s, k_translate, NULL},
    {"overlay", 3, 4, bind_overlay, k_overlay, NULL},
    {"instr", 2, 2, bind_ss_int, k_instr, NULL},
    {"locate", 2, 3, bind_locate, k_locate, NULL},
    {"position", 2, 3, bind_locate, k_locate, NULL},
    {"contains", 2, 2, bind_sb2_bool, k_contains, NULL},
    {"startswith", 2, 2, bind_sb2_bool, k_startswith, NULL},
    {"endswith", 2, 2, bind_sb2_bool, k_endswith, NULL},
    {"split_part", 3, 3, bind_split_part, k_split_part, NULL},
    {"ascii", 1, 1, bind_s_int, k_ascii, NULL},
    {"chr", 1, 1, bind_chr, k_chr, NULL},
    {"char", 1, 1, bind_chr, k_chr, NULL},
    {"space", 1, 1, bind_space, k_space, NULL},
    {"base64", 1, 1, bind_b_s, k_base64, NULL},
    {"unbase64", 1, 1, bind_s_b, k_unbase64, NULL},
    {"hex", 1, 1, bind_hex, k_hex, NULL},
    {"unhex", 1, 1, bind_s_b, k_unhex, NULL},
    {"crc32", 1, 1, bind_crc32, k_crc32, NULL},
    {"luhn_check", 1, 1, bind_luhn, k_luhn_check, NULL},
    /* fn_string_regex.c */
    {"rlike", 2, 2, exec_fnre_bind_match, exec_fnre_rlike, exec_fnre_prepare},
    {"regexp", 2, 2, exec_fnre_bind_match, exec_fnre_rlike, exec_fnre_prepare},
    {"regexp_like", 2, 2, exec_fnre_bind_match, exec_fnre_rlike, exec_fnre_prepare},
    {"regexp_extract", 2, 3, exec_fnre_bind_extract, exec_fnre_extract, exec_fnre_prepare},
    {"regexp_extract_all", 2, 3, exec_fnre_bind_extract_all, exec_fnre_extract_all,
     exec_fnre_prepare},
    {"regexp_replace", 3, 4, exec_fnre_bind_replace, exec_fnre_replace, exec_fnre_prepare},
    {"regexp_count", 2, 2, exec_fnre_bind_count, exec_fnre_count, exec_fnre_prepare},
    {"regexp_substr", 2, 2, exec_fnre_bind_substr, exec_fnre_substr, exec_fnre_prepare},
    {"regexp_instr", 2, 3, exec_fnre_bind_instr, exec_fnre_instr, exec_fnre_prepare},
    {"split", 2, 3, exec_fnre_bind_split, exec_fnre_split, exec_fnre_prepare},
    /* fn_like.c */
    {"like", 2, 3, exec_fnlike_bind, exec_fnlike_like, exec_fnlike_prepare},
    {"ilike", 2, 3, exec_fnlike_bind, exec_fnlike_ilike, exec_fnlike_prepare_ci},
};

const size_t exec_fn_string_n = sizeof exec_fn_string_defs / sizeof exec_fn_string_defs[0];
