/*
 * cast_int.h — private to the cast_*.c files: the kernel context and its helpers.
 *
 * A kernel is one function per (from, to) pair of physical layouts.  It walks the
 * active rows (valid in the input and selected) of a typed input array, writes a
 * typed output array, and hands each value that cannot be cast to cast_bad():
 *
 *     CAST_FOR_ROWS(c, row) {
 *         int64_t v = src[row];
 *         if (BK_UNLIKELY(v > INT32_MAX)) { CAST_BAD(c, row, CAST_FAIL_OVERFLOW); continue; }
 *         dst[row] = (int32_t)v;
 *     }
 *
 * Invariants kept by exec_cast_sel before any kernel runs:
 *   out->n == in->n, out's validity has exactly the active rows set (or is NULL
 *   when every row is active), and out's value slots are zero;
 *   c->rows == NULL <=> the active rows are 0 .. c->n_rows-1.
 */
#ifndef BRICKS_ENGINE_EXEC_CAST_INT_H
#define BRICKS_ENGINE_EXEC_CAST_INT_H

#include "base/i128.h"
#include "engine/exec/cast.h"

/* Why a value could not be cast; picks the error class. */
typedef enum cast_fail {
    CAST_FAIL_INVALID,      /* CAST_INVALID_INPUT: malformed text, NaN/Infinity to timestamp */
    CAST_FAIL_OVERFLOW,     /* CAST_OVERFLOW: out of the target's range */
    CAST_FAIL_DECIMAL,      /* NUMERIC_VALUE_OUT_OF_RANGE: c->bad_unscaled/bad_scale hold it */
    CAST_FAIL_LONG_OVERFLOW /* ARITHMETIC_OVERFLOW "long overflow" (µs arithmetic) */
} cast_fail;

typedef struct cast_ctx {
    bk_arena *a;
    const bk_vector *in;
    bk_vector *out;
    const exec_cast_opts *o;
    const uint32_t *rows; /* active rows, or NULL for 0 .. n_rows-1 */
    size_t n_rows;
    bool has_sel;         /* a selection was given: unselected valid rows exist */
    bool strict;          /* ansi || try_cast: no wrapping or saturating */
    bool raise;           /* ansi && !try_cast: a bad value fails the call */
    bk_i128 bad_unscaled; /* CAST_FAIL_DECIMAL: the value that did not fit ... */
    int bad_scale;        /* ... and its scale */
    bk_str bad_text;      /* CAST_FAIL_DECIMAL: if len > 0, the value as text instead */
    bk_error *err;
} cast_ctx;

/* Loop over the active rows; `row` is a size_t index into in and out. */
#define CAST_FOR_ROWS(c, row)                                                                      \
    for (size_t k_ = 0, row = 0;                                                                   \
         k_ < (c)->n_rows && ((row = (c)->rows ? (c)->rows[k_] : k_), true); k_++)

/*
 * A row that cannot be cast: in ANSI mode report it and return the error from the
 * kernel; otherwise make the row NULL and go on (BK_OK).
 */
bk_status cast_bad(cast_ctx *c, size_t row, cast_fail why);
#define CAST_BAD(c, row, why)                                                                      \
    do {                                                                                           \
        bk_status bad_st_ = cast_bad((c), (row), (why));                                           \
        if (bad_st_ != BK_OK) return bad_st_;                                                      \
    } while (0)

/* Make the row NULL in the output (allocating its bitmap on first use). */
bk_status cast_set_null(cast_ctx *c, size_t row);

/* The session zone's offset at an instant, and a wall clock's instant (UTC when no zone). */
static inline int64_t cast_utc_offset(const cast_ctx *c, int64_t utc) {
    const exec_tz *tz = c->o->tz;
    return tz && tz->utc_offset_us ? tz->utc_offset_us(tz->tz, utc) : 0;
}
static inline int64_t cast_local_to_utc(const cast_ctx *c, int64_t local) {
    const exec_tz *tz = c->o->tz;
    return tz && tz->local_to_utc ? tz->local_to_utc(tz->tz, local) : local;
}

/* A decimal row as bk_i128, whatever its storage width (loop-invariant branch). */
static inline bk_i128 cast_dec_get(const bk_vector *v, size_t row) {
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
        return bk_i128_from_i64(((const int64_t *)v->data)[row]);
    return ((const bk_i128 *)v->data)[row];
}
static inline void cast_dec_put(bk_vector *v, size_t row, bk_i128 x) {
    if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)
        ((int64_t *)v->data)[row] = (int64_t)x.lo;
    else
        ((bk_i128 *)v->data)[row] = x;
}

/*
 * Store x (unscaled at the target scale) when ok and it has at most the target's
 * digits, else a CAST_FAIL_DECIMAL row reporting orig at orig_scale.
 */
static inline bk_status cast_dec_put_checked(cast_ctx *c, size_t row, bk_i128 x, bool ok,
                                             bk_i128 orig, int orig_scale) {
    if (BK_UNLIKELY(!ok || !bk_i128_fits_precision(x, c->out->type->precision))) {
        c->bad_unscaled = orig;
        c->bad_scale = orig_scale;
        return cast_bad(c, row, CAST_FAIL_DECIMAL);
    }
    cast_dec_put(c->out, row, x);
    return BK_OK;
}

/*
 * Spark's SQL literal of row `row` of v, as error messages show values:
 * 'text' (quotes and backslashes escaped), 12, 12Y, 12S, 12L, 1.5 (FLOAT),
 * 1.5D, 1.50BD, true, DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05' (in
 * the session zone), TIMESTAMP_NTZ '...', X'0A'.  NaN/Infinity bare.
 */
void cast_sql_value(const cast_ctx *c, const bk_vector *v, size_t row, char *dst, size_t cap);

/* The correctly rounded double of unscaled * 10^-scale (BigDecimal.doubleValue). */
double cast_dec_to_double(bk_i128 v, int scale);

/* Spark's "TYPE" in double quotes, as messages quote types. */
void cast_quoted_type(const bk_type *t, char *dst, size_t cap);

/* The kernel families; each returns BK_UNSUPPORTED when it has no kernel for the pair. */
bk_status cast_numeric(cast_ctx *c); /* BOOLEAN, integral, FLOAT, DOUBLE, DECIMAL */
bk_status cast_from_string(cast_ctx *c);
bk_status cast_to_string(cast_ctx *c);
bk_status cast_datetime(cast_ctx *c); /* DATE, TIMESTAMP, TIMESTAMP_NTZ with each other/numbers */
/* cast_interval.c: the ANSI intervals with STRING and integral types */
bool cast_interval_supported(const bk_type *from, const bk_type *to);
bk_status cast_interval(cast_ctx *c);

/* Cast the whole of `in` (active rows of c) through an intermediate type `via`. */
bk_status cast_via(cast_ctx *c, const bk_type *via);

#endif
