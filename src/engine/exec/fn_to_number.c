/*
 * fn_to_number.c — to_number(s, fmt) and try_to_number(s, fmt): a string read
 * through a number format into a DECIMAL (Spark's ToNumberParser).
 *
 * The format must be a constant with the structure Spark documents:
 *   [MI|S] [$] [0|9|G|,]* [.|D] [0|9]* [$] [PR|MI|S]
 * 0 and 9 are digits, G and , thousands separators (digits on both sides, none
 * after the point), . and D the decimal point, $ the currency sign, S an optional
 * + or -, MI an optional -, PR angle brackets around a negative value.  The result
 * is DECIMAL(digits, digits after the point).  prepare() compiles the format
 * (INVALID_FORMAT.<sub-class> when it is malformed) and fixes the result type.
 *
 * An input matches when it has the format's signs, currency and point where the
 * format has them, at most the format's digits after the point, and digit groups
 * that line up with the format's from the right (the leftmost group may be
 * shorter; an input without separators may have up to all the integer digits).
 * A mismatch is INVALID_FORMAT.MISMATCH_INPUT for to_number, NULL for
 * try_to_number.  NULL in, NULL out.
 */
#include <stdio.h>
#include <string.h>

#include "base/i128.h"
#include "engine/exec/fn_library_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

#define NUMFMT_MAX_GROUPS 40

typedef struct numfmt {
    bk_str text;     /* the format as written, for errors */
    char lead_sign;  /* 0, 'S' or 'M' */
    char trail_sign; /* 0, 'S', 'M' or 'P' */
    bool dollar;     /* a $ before the digits ... */
    bool dollar_end; /* ... or after them */
    bool point;
    uint32_t n_groups;                 /* integer digit groups, left to right */
    uint32_t groups[NUMFMT_MAX_GROUPS]; /* digits per group */
    uint32_t int_digits, frac_digits;
} numfmt;

static bk_status format_error(bk_error *err, bk_str fmt, const char *sub, const char *detail) {
    return bk_error_set_sub(err, BK_INVALID_FORMAT, sub, "The format is invalid: '%.*s'. %s",
                            (int)fmt.len, fmt.ptr, detail);
}

static bk_status unexpected(bk_error *err, bk_str fmt, const char *token) {
    char msg[300];
    snprintf(msg, sizeof msg,
             "Found the unexpected %s in the format string; the structure of the format string "
             "must match: `[MI|S]` `[$]` `[0|9|G|,]*` `[.|D]` `[0|9]*` `[$]` `[PR|MI|S]`.",
             token);
    return format_error(err, fmt, "UNEXPECTED_TOKEN", msg);
}

static bool upper_is(bk_str f, size_t i, const char *word) {
    size_t n = strlen(word);
    if (i + n > f.len) return false;
    for (size_t k = 0; k < n; k++) {
        char c = f.ptr[i + k];
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (c != word[k]) return false;
    }
    return true;
}

/* Compile fmt; INVALID_FORMAT.<sub-class> naming the first problem. */
static bk_status numfmt_compile(bk_str f, numfmt *nf, bk_error *err) {
    memset(nf, 0, sizeof *nf);
    nf->text = f;
    if (f.len == 0)
        return format_error(err, f, "EMPTY", "The number format string cannot be empty.");
    size_t i = 0;
    if (upper_is(f, i, "MI")) nf->lead_sign = 'M', i += 2;
    else if (upper_is(f, i, "S")) nf->lead_sign = 'S', i += 1;
    if (i < f.len && f.ptr[i] == '$') nf->dollar = true, i++;
    bool last_sep = false, any_digit = false;
    uint32_t run = 0;
    for (; i < f.len; i++) {
        char c = f.ptr[i];
        if (c == '0' || c == '9') {
            run++;
            any_digit = true;
            last_sep = false;
        } else if (c == ',' || c == 'G' || c == 'g') {
            if (!run)
                return format_error(err, f, "CONT_THOUSANDS_SEPS",
                                    "Thousands separators (, or G) must have digits in between "
                                    "them in the number format.");
            if (nf->n_groups + 1 >= NUMFMT_MAX_GROUPS) return unexpected(err, f, "','");
            nf->groups[nf->n_groups++] = run;
            nf->int_digits += run;
            run = 0;
            last_sep = true;
        } else {
            break;
        }
    }
    if (last_sep)
        return format_error(err, f, "CONT_THOUSANDS_SEPS",
                            "Thousands separators (, or G) must have digits in between them in "
                            "the number format.");
    if (run) {
        nf->groups[nf->n_groups++] = run;
        nf->int_digits += run;
    }
    if (i < f.len && (f.ptr[i] == '.' || f.ptr[i] == 'D' || f.ptr[i] == 'd')) {
        nf->point = true;
        for (i++; i < f.len && (f.ptr[i] == '0' || f.ptr[i] == '9'); i++) {
            nf->frac_digits++;
            any_digit = true;
        }
        if (i < f.len && (f.ptr[i] == ',' || f.ptr[i] == 'G' || f.ptr[i] == 'g'))
            return format_error(err, f, "THOUSANDS_SEPS_MUST_BEFORE_DEC",
                                "Thousands separators (, or G) may not appear after the decimal "
                                "point in the number format.");
        if (i < f.len && (f.ptr[i] == '.' || f.ptr[i] == 'D' || f.ptr[i] == 'd'))
            return format_error(err, f, "WRONG_NUM_TOKEN",
                                "At most one '.' or 'D' is allowed in the number format.");
    }
    if (i < f.len && f.ptr[i] == '$') {
        if (nf->dollar)
            return format_error(err, f, "WRONG_NUM_TOKEN",
                                "At most one '$' is allowed in the number format.");
        if (nf->point)
            return format_error(err, f, "CUR_MUST_BEFORE_DEC",
                                "Currency characters must appear before any decimal point in the "
                                "number format.");
        nf->dollar_end = true;
        i++;
    }
    if (upper_is(f, i, "PR")) nf->trail_sign = 'P', i += 2;
    else if (upper_is(f, i, "MI")) nf->trail_sign = 'M', i += 2;
    else if (upper_is(f, i, "S")) nf->trail_sign = 'S', i += 1;
    if (nf->lead_sign && nf->trail_sign)
        return format_error(err, f, "WRONG_NUM_TOKEN",
                            "At most one sign ('S', 'MI' or 'PR') is allowed in the number "
                            "format.");
    if (i < f.len) {
        char tok[8];
        snprintf(tok, sizeof tok, "'%c'", f.ptr[i]);
        return unexpected(err, f, tok);
    }
    if (!any_digit)
        return format_error(err, f, "WRONG_NUM_DIGIT",
                            "The format string requires at least one number digit.");
    if (nf->int_digits + nf->frac_digits > BK_DECIMAL_MAX_PRECISION)
        return format_error(err, f, "WRONG_NUM_DIGIT",
                            "The number format has more than 38 digits.");
    return BK_OK;
}

/* s read through nf as an unscaled value at scale frac_digits; false on a mismatch. */
static bool numfmt_parse(const numfmt *nf, bk_str s, bk_i128 *out) {
    size_t i = 0, n = s.len;
    bool neg = false, bracket = false;
    if (nf->trail_sign == 'P' && i < n && s.ptr[i] == '<') bracket = true, i++;
    if (nf->lead_sign == 'S' && i < n && (s.ptr[i] == '+' || s.ptr[i] == '-'))
        neg = s.ptr[i++] == '-';
    else if (nf->lead_sign == 'M' && i < n && s.ptr[i] == '-')
        neg = true, i++;
    if (nf->dollar) {
        if (i >= n || s.ptr[i] != '$') return false;
        i++;
    }
    /* the integer digits, with the sizes of their groups */
    uint32_t in_groups[NUMFMT_MAX_GROUPS], n_in = 0, run = 0, digits = 0;
    bk_i128 v = bk_i128_from_i64(0), ten = bk_i128_from_i64(10);
    for (; i < n; i++) {
        char c = s.ptr[i];
        if (c >= '0' && c <= '9') {
            if (!bk_i128_mul(v, ten, &v) || !bk_i128_add(v, bk_i128_from_i64(c - '0'), &v))
                return false;
            run++;
            digits++;
        } else if (c == ',' && nf->n_groups > 1) {
            if (!run || n_in + 1 >= NUMFMT_MAX_GROUPS) return false;
            in_groups[n_in++] = run;
            run = 0;
        } else {
            break;
        }
    }
    if (n_in && !run) return false; /* "12," */
    if (run || n_in) in_groups[n_in++] = run;
    if (digits > nf->int_digits) return false;
    if (n_in > 1) { /* line the groups up from the right: all but the leftmost equal */
        if (n_in > nf->n_groups) return false;
        for (uint32_t k = 1; k <= n_in; k++) {
            uint32_t want = nf->groups[nf->n_groups - k], got = in_groups[n_in - k];
            if (k < n_in ? got != want : got > want) return false;
        }
    }
    uint32_t frac = 0;
    if (nf->point && i < n && s.ptr[i] == '.') {
        for (i++; i < n && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
            if (++frac > nf->frac_digits) return false;
            if (!bk_i128_mul(v, ten, &v) || !bk_i128_add(v, bk_i128_from_i64(s.ptr[i] - '0'), &v))
                return false;
        }
    }
    if (digits + frac == 0) return false;
    if (nf->dollar_end) {
        if (i >= n || s.ptr[i] != '$') return false;
        i++;
    }
    if (nf->trail_sign == 'S' && i < n && (s.ptr[i] == '+' || s.ptr[i] == '-'))
        neg = s.ptr[i++] == '-';
    else if (nf->trail_sign == 'M' && i < n && s.ptr[i] == '-')
        neg = true, i++;
    else if (bracket) {
        if (i >= n || s.ptr[i] != '>') return false;
        neg = true;
        i++;
    }
    if (i != n) return false;
    if (!bk_i128_mul_pow10(v, (int)(nf->frac_digits - frac), &v)) return false;
    if (neg && !bk_i128_neg(v, &v)) return false;
    *out = v;
    return true;
}

/* to_number(STRING, STRING) -> DECIMAL (the exact type is set by prepare) */
static EXEC_BIND(bind_to_number) {
    (void)n_args;
    *result = bk_type_make_decimal(a, BK_DECIMAL_MAX_PRECISION, 0);
    if (!*result) return bk_arena_oom(a, err);
    BK_TRY(exec_fnlib_expect("to_number", args, 0, T(BK_TYPE_STRING), cast_to, err));
    return exec_fnlib_expect("to_number", args, 1, T(BK_TYPE_STRING), cast_to, err);
}

/* Compile the constant format into e->state and give e its DECIMAL(digits, fraction). */
static bk_status prepare_to_number(bk_arena *a, exec_expr *e, bk_error *err) {
    const exec_expr *f = e->args[1];
    if (f->kind != EXEC_EXPR_CONST)
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "NON_FOLDABLE_INPUT",
                                "Cannot resolve \"%s\" due to data type mismatch: the input "
                                "`format` should be a foldable \"STRING\" expression; however, "
                                "got a column.",
                                e->name);
    if (!bk_vector_is_valid(f->value, 0)) {
        e->state = NULL; /* a NULL format: every result is NULL */
        return BK_OK;
    }
    numfmt *nf = bk_arena_alloc(a, sizeof *nf);
    if (!nf) return bk_arena_oom(a, err);
    BK_TRY(numfmt_compile(((const bk_str *)f->value->data)[0], nf, err));
    const bk_type *t = bk_type_make_decimal(a, (int)(nf->int_digits + nf->frac_digits),
                                            (int)nf->frac_digits);
    if (!t) return bk_arena_oom(a, err);
    e->type = t;
    e->state = nf;
    return BK_OK;
}

static bk_status run(const exec_call *call, bk_vector *const *args, size_t n, bool try_,
                     bk_vector **out, bk_error *err) {
    const numfmt *nf = call->expr->state;
    const bk_type *t = call->expr->type;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, t, args, 2, n, &v, err));
    bool narrow = t->precision <= BK_DECIMAL_INT64_MAX_PRECISION;
    const bk_str *src = args[0]->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        bk_i128 x = bk_i128_from_i64(0);
        if (!nf || !numfmt_parse(nf, src[i], &x)) {
            if (nf && !try_)
                return bk_error_set_sub(err, BK_INVALID_FORMAT, "MISMATCH_INPUT",
                                        "The format is invalid: '%.*s'. The input STRING '%.*s' "
                                        "does not match the format.",
                                        (int)nf->text.len, nf->text.ptr, (int)src[i].len,
                                        src[i].ptr);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
        }
        if (narrow)
            ((int64_t *)v->data)[i] = bk_i128_low_i64(x);
        else
            ((bk_i128 *)v->data)[i] = x;
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_to_number) { return run(call, args, n, false, out, err); }
static EXEC_KERNEL(k_try_to_number) { return run(call, args, n, true, out, err); }

const exec_fn_def exec_fn_to_number_defs[] = {
    {"to_number", 2, 2, bind_to_number, k_to_number, prepare_to_number},
    {"try_to_number", 2, 2, bind_to_number, k_try_to_number, prepare_to_number},
};
const size_t exec_fn_to_number_n =
    sizeof exec_fn_to_number_defs / sizeof exec_fn_to_number_defs[0];
