/*
 * fn_interval.c — arithmetic with the ANSI interval types (Spark's
 * DateAddYMInterval, TimestampAddYMInterval, TimeAdd, SubtractTimestamps,
 * SubtractDates, MultiplyYMInterval / MultiplyDTInterval, Divide*Interval).
 *
 * The binder (plan/bind_interval.c) picks the kernel and casts the operands:
 *   exec_fn_iv_date_add_months  DATE, INTERVAL_YM -> DATE      (add_months: day clamped)
 *   exec_fn_iv_date_add_days    DATE, INTERVAL_DT -> DATE      (whole days of an INTERVAL DAY)
 *   exec_fn_iv_ts_add_months    TIMESTAMP[_NTZ], INTERVAL_YM -> same (months on the session
 *                               zone's wall clock, then back to an instant)
 *   exec_fn_iv_ts_add           TIMESTAMP[_NTZ], INTERVAL_DT -> same (whole days on the
 *                               session zone's wall clock, the rest as µs)
 *   exec_fn_iv_ts_diff          TIMESTAMP[_NTZ] x2 -> INTERVAL_DT (of the wall-clock times)
 *   exec_fn_iv_date_diff        DATE x2 -> INTERVAL DAY
 *   exec_fn_iv_add / _sub       two intervals of one kind
 *   exec_fn_iv_mul / _div       interval and BIGINT or DOUBLE (rounded half up)
 *   exec_fn_iv_int_divide       interval div interval of one kind -> BIGINT (truncated)
 *   exec_fn_iv_negate
 * Overflow: ARITHMETIC_OVERFLOW / INTERVAL_ARITHMETIC_OVERFLOW in ANSI mode, NULL
 * otherwise; dividing by zero is INTERVAL_DIVIDED_BY_ZERO in both modes (Spark).
 */
#include <math.h>
#include <string.h>

#include "base/clock.h"
#include "base/tz.h"
#include "engine/exec/datetime_fn.h"
#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

typedef struct iv_args {
    int64_t a, b;
    double bd; /* b as a DOUBLE when the second operand is one */
} iv_args;

typedef bk_status (*iv_op)(const exec_call *c, const iv_args *x, int64_t *out, bk_error *err);

static int64_t get(const bk_vector *v, size_t i) {
    switch (bk_type_width(v->type)) {
    case 1:
        return ((const int8_t *)v->data)[i];
    case 2:
        return ((const int16_t *)v->data)[i];
    case 4:
        return ((const int32_t *)v->data)[i];
    default:
        return ((const int64_t *)v->data)[i];
    }
}

static bk_status overflow(bk_error *err, bool interval) {
    if (interval)
        return bk_error_set_sub(err, BK_INTERVAL_ARITHMETIC_OVERFLOW, "WITHOUT_SUGGESTION",
                                "Integer overflow while operating with intervals. Try devising "
                                "appropriate values for the interval parameters.");
    return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                        "long overflow. If necessary set \"spark.sql.ansi.enabled\" to \"false\" "
                        "to bypass this error.");
}

static bk_status run(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                     bk_error *err, iv_op op) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, n_args, n, &v, err));
    bool dbl = n_args > 1 && args[1]->type->kind == BK_TYPE_DOUBLE;
    bool wide = bk_type_width(v->type) == 8;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        iv_args x = {.a = get(args[0], i)};
        if (n_args > 1) {
            if (dbl)
                x.bd = ((const double *)args[1]->data)[i];
            else
                x.b = get(args[1], i);
        }
        int64_t r = 0;
        bk_status st = op(call, &x, &r, err);
        if (st == BK_OK && !wide && (r < INT32_MIN || r > INT32_MAX))
            st = overflow(err, v->type->kind == BK_TYPE_INTERVAL_YM);
        if (st != BK_OK) {
            if (call->ctx->ansi || st == BK_INTERVAL_DIVIDED_BY_ZERO || st == BK_OUT_OF_MEMORY)
                return st;
            bk_error_clear(err);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            r = 0;
        }
        if (wide)
            ((int64_t *)v->data)[i] = r;
        else
            ((int32_t *)v->data)[i] = (int32_t)r;
    }
    *out = v;
    return BK_OK;
}

/* The zone that turns argument 0 into a wall clock: none for TIMESTAMP_NTZ. */
static const bk_tz *zone(const exec_call *c) {
    if (c->expr->args[0]->type->kind == BK_TYPE_TIMESTAMP_NTZ) return NULL;
    return c->ctx->tz ? c->ctx->tz : bk_tz_utc();
}

static bk_status op_date_add_months(const exec_call *c, const iv_args *x, int64_t *o,
                                    bk_error *err) {
    (void)c;
    int32_t d;
    BK_TRY(exec_dt_add_months((int32_t)x->a, (int32_t)x->b, &d, err));
    *o = d;
    return BK_OK;
}

static bk_status op_date_add_days(const exec_call *c, const iv_args *x, int64_t *o,
                                  bk_error *err) {
    (void)c;
    int32_t d;
    BK_TRY(exec_dt_date_add((int32_t)x->a, x->b / BK_MICROS_PER_DAY, &d, err));
    *o = d;
    return BK_OK;
}

/*
 * The instant of wall-clock `local` in tz, as java.time's ZonedDateTime.plusDays /
 * plusMonths resolve it: the offset the value had before (`prev`) when it is still
 * valid there (an overlap keeps its side), else ZonedDateTime.ofLocal's rule.
 */
static int64_t resolve_local(const bk_tz *tz, int64_t local, int64_t prev_offset) {
    int64_t u = local - prev_offset;
    if (bk_tz_utc_offset(tz, u) == prev_offset) return u;
    return bk_tz_local_to_utc(tz, local);
}

bk_status exec_iv_timestamp_add_months(int64_t ts, int64_t months, const bk_tz *tz,
                                       int64_t *out, bk_error *err) {
    int64_t local = tz ? bk_tz_utc_to_local(tz, ts) : ts, days, of_day;
    bk_micros_split(local, &days, &of_day);
    if (days < INT32_MIN || days > INT32_MAX || months < INT32_MIN || months > INT32_MAX)
        return overflow(err, false);
    int32_t d;
    BK_TRY(exec_dt_add_months((int32_t)days, (int32_t)months, &d, err));
    int64_t r;
    if (__builtin_mul_overflow((int64_t)d, BK_MICROS_PER_DAY, &r) ||
        __builtin_add_overflow(r, of_day, &r))
        return overflow(err, false);
    *out = tz ? resolve_local(tz, r, bk_tz_utc_offset(tz, ts)) : r;
    return BK_OK;
}

static bk_status op_ts_add_months(const exec_call *c, const iv_args *x, int64_t *o,
                                  bk_error *err) {
    return exec_iv_timestamp_add_months(x->a, x->b, zone(c), o, err);
}

/* DateTimeUtils.timestampAddDayTime: whole days on the wall clock, the rest as µs. */
bk_status exec_iv_timestamp_add(int64_t ts, int64_t micros, const bk_tz *tz, int64_t *out,
                                bk_error *err) {
    int64_t days = micros / BK_MICROS_PER_DAY, rest = micros - days * BK_MICROS_PER_DAY;
    int64_t t = ts;
    if (tz && days != 0 && !bk_tz_is_fixed(tz)) {
        int64_t prev = bk_tz_utc_offset(tz, t), local;
        if (__builtin_add_overflow(t, prev, &local) ||
            __builtin_add_overflow(local, days * BK_MICROS_PER_DAY, &local))
            return overflow(err, false);
        t = resolve_local(tz, local, prev);
    } else if (__builtin_add_overflow(t, days * BK_MICROS_PER_DAY, &t)) {
        return overflow(err, false);
    }
    if (__builtin_add_overflow(t, rest, out)) return overflow(err, false);
    return BK_OK;
}

static bk_status op_ts_add(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    return exec_iv_timestamp_add(x->a, x->b, zone(c), o, err);
}

/* DateTimeUtils.subtractTimestamps: the difference of the two wall-clock times. */
static bk_status op_ts_diff(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    const bk_tz *tz = zone(c);
    int64_t a = tz ? bk_tz_utc_to_local(tz, x->a) : x->a;
    int64_t b = tz ? bk_tz_utc_to_local(tz, x->b) : x->b;
    if (__builtin_sub_overflow(a, b, o)) return overflow(err, false);
    return BK_OK;
}

static bk_status op_date_diff(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    (void)c, (void)err;
    *o = (x->a - x->b) * BK_MICROS_PER_DAY; /* |days| < 2^32: fits */
    return BK_OK;
}

static bk_status op_add(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    if (__builtin_add_overflow(x->a, x->b, o)) return overflow(err, true);
    (void)c;
    return BK_OK;
}

static bk_status op_sub(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    if (__builtin_sub_overflow(x->a, x->b, o)) return overflow(err, true);
    (void)c;
    return BK_OK;
}

static bk_status op_negate(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    (void)c;
    if (x->a == INT64_MIN) return overflow(err, true);
    *o = -x->a;
    return BK_OK;
}

/* A double result rounded half up, if it fits int64. */
static bk_status round_double(double d, int64_t *o, bk_error *err) {
    if (isnan(d) || d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
        return overflow(err, true);
    *o = (int64_t)floor(d + 0.5);
    return BK_OK;
}

static bool second_is_double(const exec_call *c) {
    return c->expr->args[1]->type->kind == BK_TYPE_DOUBLE;
}

static bk_status op_mul(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    if (second_is_double(c)) return round_double((double)x->a * x->bd, o, err);
    if (__builtin_mul_overflow(x->a, x->b, o)) return overflow(err, true);
    return BK_OK;
}

static bk_status divided_by_zero(bk_error *err) {
    return bk_error_set(err, BK_INTERVAL_DIVIDED_BY_ZERO,
                        "Division by zero. Use `try_divide` to tolerate divisor being 0 and "
                        "return NULL instead.");
}

static bk_status op_div(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    if (second_is_double(c)) {
        if (x->bd == 0) return divided_by_zero(err);
        return round_double((double)x->a / x->bd, o, err);
    }
    if (x->b == 0) return divided_by_zero(err);
    if (x->a == INT64_MIN && x->b == -1) return overflow(err, true);
    /* half up: the remainder's double reaches the divisor */
    int64_t q = x->a / x->b, r = x->a % x->b;
    uint64_t ar = r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r;
    uint64_t ab = x->b < 0 ? (uint64_t)0 - (uint64_t)x->b : (uint64_t)x->b;
    if (ar >= ab - ar) q += ((x->a < 0) != (x->b < 0)) ? -1 : 1;
    *o = q;
    return BK_OK;
}

/* interval div interval of one kind: the BIGINT quotient, truncated (Spark's IntegralDivide). */
static bk_status op_int_div(const exec_call *c, const iv_args *x, int64_t *o, bk_error *err) {
    (void)c;
    if (x->b == 0) return exec_fn_divide_by_zero(err);
    if (x->a == INT64_MIN && x->b == -1) return overflow(err, false);
    *o = x->a / x->b;
    return BK_OK;
}

#define IV_KERNEL(name, op)                                                                        \
    bk_status name(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,      \
                   bk_error *err) {                                                                \
        return run(call, args, n, out, err, op);                                                   \
    }

IV_KERNEL(exec_fn_iv_date_add_months, op_date_add_months)
IV_KERNEL(exec_fn_iv_date_add_days, op_date_add_days)
IV_KERNEL(exec_fn_iv_ts_add_months, op_ts_add_months)
IV_KERNEL(exec_fn_iv_ts_add, op_ts_add)
IV_KERNEL(exec_fn_iv_ts_diff, op_ts_diff)
IV_KERNEL(exec_fn_iv_date_diff, op_date_diff)
IV_KERNEL(exec_fn_iv_add, op_add)
IV_KERNEL(exec_fn_iv_sub, op_sub)
IV_KERNEL(exec_fn_iv_mul, op_mul)
IV_KERNEL(exec_fn_iv_div, op_div)
IV_KERNEL(exec_fn_iv_negate, op_negate)
IV_KERNEL(exec_fn_iv_int_divide, op_int_div)
