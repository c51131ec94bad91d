/*
 * fn_datetime.c — the date and time functions of the SQL function library: the
 * datetime library (datetime_fn.h, datetime_format.h) bound as exec_fn_def rows.
 *
 * Arguments are cast by each row's signature (sig below): DATE parameters take
 * DATE, TIMESTAMP, TIMESTAMP_NTZ and STRING (Spark's ImplicitCastInputTypes on
 * date functions); TIMESTAMP parameters take DATE and STRING too and keep a
 * TIMESTAMP_NTZ as it is (the kernel then reads its fields with no zone).  The
 * session zone is exec_ctx.tz; "now" is exec_ctx.now_micros, one instant per
 * statement.
 *
 * Failures (bad text, overflow, a bad day-of-week name) raise Spark's error in
 * ANSI mode and give NULL in legacy mode and in the try_ functions.  Constant
 * patterns are compiled once by prepare (e->state); others per row.
 *
 * extract / date_part are bound by the binder through exec_fn_extract_name, which
 * maps a field to one of these functions (some only reachable that way: their
 * names start with "__").
 */
#include <math.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "base/tz.h"
#include "engine/exec/cast.h"
#include "engine/exec/datetime_fn.h"
#include "engine/exec/datetime_format.h"
#include "engine/exec/fn_library_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

/* ---- signatures ---- */

/*
 * spec: one letter per parameter (optional ones after '|'):
 *   D DATE   T TIMESTAMP (or TIMESTAMP_NTZ as is)   I INT   L BIGINT   S STRING
 *   B BOOLEAN   N DECIMAL(16,6) seconds   M DECIMAL(18,6) seconds
 *   A DATE, TIMESTAMP or STRING as is (unix_timestamp)   Y INTERVAL_YM   Z INTERVAL_DT
 *   W TIMESTAMP_NTZ
 * result: a kind, or -1 for "the type of the T parameter".
 */
static bk_status sig(const char *fn, const char *spec, int result_kind, const bk_type *const *args,
                     uint32_t n_args, const bk_type **cast_to, const bk_type **result,
                     bk_error *err) {
    static const bk_type dec16_6 = {.kind = BK_TYPE_DECIMAL, .precision = 16, .scale = 6};
    static const bk_type dec18_6 = {.kind = BK_TYPE_DECIMAL, .precision = 18, .scale = 6};
    const bk_type *ts_type = T(BK_TYPE_TIMESTAMP);
    uint32_t k = 0;
    for (const char *p = spec; *p && k < n_args; p++) {
        if (*p == '|') continue;
        const bk_type *t = args[k];
        bk_type_kind kind = t->kind;
        bool datetime = kind == BK_TYPE_DATE || kind == BK_TYPE_TIMESTAMP ||
                        kind == BK_TYPE_TIMESTAMP_NTZ || kind == BK_TYPE_STRING ||
                        kind == BK_TYPE_VOID;
        switch (*p) {
        case 'D':
            if (!datetime) return exec_fnlib_mismatch(err, fn, k, "\"DATE\"", t);
            cast_to[k] = T(BK_TYPE_DATE);
            break;
        case 'T':
            if (!datetime) return exec_fnlib_mismatch(err, fn, k, "\"TIMESTAMP\"", t);
            cast_to[k] = kind == BK_TYPE_TIMESTAMP_NTZ ? t : T(BK_TYPE_TIMESTAMP);
            ts_type = cast_to[k];
            break;
        case 'W':
            if (!datetime) return exec_fnlib_mismatch(err, fn, k, "\"TIMESTAMP_NTZ\"", t);
            cast_to[k] = T(BK_TYPE_TIMESTAMP_NTZ);
            break;
        case 'A':
            if (!datetime)
                return exec_fnlib_mismatch(err, fn, k,
                                           "(\"STRING\" or \"DATE\" or \"TIMESTAMP\")", t);
            cast_to[k] = kind == BK_TYPE_VOID ? T(BK_TYPE_STRING) : t;
            break;
        case 'I':
            BK_TRY(exec_fnlib_expect(fn, args, k, T(BK_TYPE_INT), cast_to, err));
            break;
        case 'L':
            BK_TRY(exec_fnlib_expect(fn, args, k, T(BK_TYPE_BIGINT), cast_to, err));
            break;
        case 'S':
            BK_TRY(exec_fnlib_expect(fn, args, k, T(BK_TYPE_STRING), cast_to, err));
            break;
        case 'B':
            BK_TRY(exec_fnlib_expect(fn, args, k, T(BK_TYPE_BOOLEAN), cast_to, err));
            break;
        case 'N':
            if (kind != BK_TYPE_VOID && kind != BK_TYPE_STRING && !exec_fnlib_is_numeric(t))
                return exec_fnlib_mismatch(err, fn, k, "\"DECIMAL(16,6)\"", t);
            cast_to[k] = &dec16_6;
            break;
        case 'M':
            if (kind != BK_TYPE_VOID && kind != BK_TYPE_STRING && !exec_fnlib_is_numeric(t))
                return exec_fnlib_mismatch(err, fn, k, "\"DECIMAL(18,6)\"", t);
            cast_to[k] = &dec18_6;
            break;
        case 'Y':
            if (kind != BK_TYPE_INTERVAL_YM && kind != BK_TYPE_VOID)
                return exec_fnlib_mismatch(err, fn, k, "\"INTERVAL YEAR TO MONTH\"", t);
            cast_to[k] = kind == BK_TYPE_VOID ? T(BK_TYPE_INTERVAL_YM) : t;
            break;
        case 'Z':
            if (kind != BK_TYPE_INTERVAL_DT && kind != BK_TYPE_VOID)
                return exec_fnlib_mismatch(err, fn, k, "\"INTERVAL DAY TO SECOND\"", t);
            cast_to[k] = kind == BK_TYPE_VOID ? T(BK_TYPE_INTERVAL_DT) : t;
            break;
        }
        k++;
    }
    *result = result_kind < 0 ? ts_type : T((bk_type_kind)result_kind);
    return BK_OK;
}

#define SIG(name, fn, spec, rk)                                                                    \
    static EXEC_BIND(name) {                                                                       \
        (void)a;                                                                                   \
        return sig(fn, spec, rk, args, n_args, cast_to, result, err);                              \
    }

/* ---- the row loop ---- */

#define MAX_ARGS 7

typedef struct dt_row {
    int64_t x[MAX_ARGS]; /* fixed-width arguments, widened */
    bk_str s[MAX_ARGS];  /* string arguments */
} dt_row;

/*
 * One row: *out gets the value, or *null = true; a failure returns its status
 * (turned into NULL for try_ functions and in legacy mode).
 */
typedef bk_status (*dt_op)(const exec_call *c, const dt_row *r, int64_t *out, bool *null,
                           bk_error *err);

static int64_t get(const bk_vector *v, size_t i) {
    switch (bk_type_width(v->type)) {
    case 1:
        return v->type->kind == BK_TYPE_BOOLEAN ? ((const uint8_t *)v->data)[i]
                                                : ((const int8_t *)v->data)[i];
    case 2:
        return ((const int16_t *)v->data)[i];
    case 4:
        return ((const int32_t *)v->data)[i];
    case 8:
        return ((const int64_t *)v->data)[i];
    default:
        return 0;
    }
}

static void put(bk_vector *v, size_t i, int64_t x) {
    if (bk_type_width(v->type) == 4)
        ((int32_t *)v->data)[i] = (int32_t)x;
    else
        ((int64_t *)v->data)[i] = x;
}

static bool is_try(const exec_call *c) { return !strncmp(c->expr->name, "try_", 4); }

/* The zone for a TIMESTAMP argument k: the session's, or NULL for TIMESTAMP_NTZ. */
static const bk_tz *zone_of(const exec_call *c, uint32_t k) {
    if (k < c->expr->n_args && c->expr->args[k]->type->kind == BK_TYPE_TIMESTAMP_NTZ) return NULL;
    return c->ctx->tz ? c->ctx->tz : bk_tz_utc();
}

static const bk_tz *session_zone(const exec_call *c) {
    return c->ctx->tz ? c->ctx->tz : bk_tz_utc();
}

static bk_status run(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                     bk_error *err, dt_op op) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, n_args, n, &v, err));
    bool lenient = is_try(call) || !call->ctx->ansi;
    dt_row r;
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        for (uint32_t k = 0; k < n_args && k < MAX_ARGS; k++) {
            if (args[k]->type->kind == BK_TYPE_STRING)
                r.s[k] = ((const bk_str *)args[k]->data)[i];
            else
                r.x[k] = get(args[k], i);
        }
        int64_t res = 0;
        bool null = false;
        bk_status st = op(call, &r, &res, &null, err);
        if (st != BK_OK) {
            if (!lenient || st == BK_OUT_OF_MEMORY) return st;
            bk_error_clear(err);
            null = true;
        }
        if (null) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            res = 0;
        }
        put(v, i, res);
    }
    *out = v;
    return BK_OK;
}

#define KERNEL(name, opfn)                                                                         \
    static EXEC_KERNEL(name) { return run(call, args, n, out, err, opfn); }

/* ---- now ---- */

static bk_status op_current_date(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                 bk_error *err) {
    (void)r, (void)null, (void)err;
    *o = exec_dt_current_date(c->ctx->now_micros, session_zone(c));
    return BK_OK;
}
static bk_status op_now(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                        bk_error *err) {
    (void)r, (void)null, (void)err;
    *o = c->ctx->now_micros;
    return BK_OK;
}
/* localtimestamp(): the session zone's wall clock now, a TIMESTAMP_NTZ. */
static bk_status op_localtimestamp(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                   bk_error *err) {
    (void)r, (void)null, (void)err;
    *o = bk_tz_utc_to_local(session_zone(c), c->ctx->now_micros);
    return BK_OK;
}
KERNEL(k_localtimestamp, op_localtimestamp)
SIG(bind_localtimestamp, "localtimestamp", "", BK_TYPE_TIMESTAMP_NTZ)
KERNEL(k_current_date, op_current_date)
KERNEL(k_now, op_now)
SIG(bind_current_date, "current_date", "", BK_TYPE_DATE)
SIG(bind_now, "current_timestamp", "", BK_TYPE_TIMESTAMP)

/* ---- date arithmetic ---- */

static bk_status op_date_add(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                             bk_error *err) {
    (void)c, (void)null;
    int32_t d;
    BK_TRY(exec_dt_date_add((int32_t)r->x[0], r->x[1], &d, err));
    *o = d;
    return BK_OK;
}
static bk_status op_date_sub(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                             bk_error *err) {
    (void)c, (void)null;
    int32_t d;
    BK_TRY(exec_dt_date_sub((int32_t)r->x[0], r->x[1], &d, err));
    *o = d;
    return BK_OK;
}
static bk_status op_add_months(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                               bk_error *err) {
    (void)c, (void)null;
    int32_t d;
    BK_TRY(exec_dt_add_months((int32_t)r->x[0], (int32_t)r->x[1], &d, err));
    *o = d;
    return BK_OK;
}
static bk_status op_datediff(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                             bk_error *err) {
    (void)c, (void)null, (void)err;
    *o = exec_dt_datediff((int32_t)r->x[0], (int32_t)r->x[1]);
    return BK_OK;
}
static bk_status op_last_day(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                             bk_error *err) {
    (void)c, (void)null, (void)err;
    *o = exec_dt_last_day((int32_t)r->x[0]);
    return BK_OK;
}
static bk_status op_next_day(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                             bk_error *err) {
    (void)c, (void)null;
    int32_t d;
    BK_TRY(exec_dt_next_day((int32_t)r->x[0], r->s[1].ptr, r->s[1].len, &d, err));
    *o = d;
    return BK_OK;
}
static bk_status op_months_between(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                   bk_error *err) {
    (void)null, (void)err;
    bool round_off = c->expr->n_args < 3 || r->x[2] != 0;
    double d = exec_dt_months_between(r->x[0], r->x[1], zone_of(c, 0), round_off);
    memcpy(o, &d, sizeof d);
    return BK_OK;
}
KERNEL(k_date_add, op_date_add)
KERNEL(k_date_sub, op_date_sub)
KERNEL(k_add_months, op_add_months)
KERNEL(k_datediff, op_datediff)
KERNEL(k_last_day, op_last_day)
KERNEL(k_next_day, op_next_day)
SIG(bind_date_add, "date_add", "DI", BK_TYPE_DATE)
SIG(bind_date_sub, "date_sub", "DI", BK_TYPE_DATE)
SIG(bind_add_months, "add_months", "DI", BK_TYPE_DATE)
SIG(bind_datediff, "datediff", "DD", BK_TYPE_INT)
SIG(bind_last_day, "last_day", "D", BK_TYPE_DATE)
SIG(bind_next_day, "next_day", "DS", BK_TYPE_DATE)

/* months_between gives a DOUBLE: its kernel stores the bits through run's int64 slot. */
static EXEC_KERNEL(k_months_between) { return run(call, args, n, out, err, op_months_between); }
SIG(bind_months_between, "months_between", "TT|B", BK_TYPE_DOUBLE)

/* ---- truncation ---- */

static bk_status op_date_trunc(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                               bk_error *err) {
    (void)err;
    exec_dt_unit u;
    if (!exec_dt_trunc_unit(r->s[0].ptr, r->s[0].len, false, &u)) {
        *null = true;
        return BK_OK;
    }
    *o = exec_dt_date_trunc(u, r->x[1], zone_of(c, 1));
    return BK_OK;
}
static bk_status op_trunc(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                          bk_error *err) {
    (void)c, (void)err;
    exec_dt_unit u;
    if (!exec_dt_trunc_unit(r->s[1].ptr, r->s[1].len, true, &u)) {
        *null = true;
        return BK_OK;
    }
    *o = exec_dt_trunc_date(u, (int32_t)r->x[0]);
    return BK_OK;
}
KERNEL(k_date_trunc, op_date_trunc)
KERNEL(k_trunc, op_trunc)
SIG(bind_date_trunc, "date_trunc", "ST", -1)
SIG(bind_trunc, "trunc", "DS", BK_TYPE_DATE)

/* ---- fields ---- */

/* The field a function reads, from its name. */
static exec_dt_field field_of(const char *name) {
    static const struct {
        const char *name;
        exec_dt_field f;
    } map[] = {
        {"year", EXEC_DT_F_YEAR},
        {"__yearofweek", EXEC_DT_F_YEAROFWEEK},
        {"quarter", EXEC_DT_F_QUARTER},
        {"month", EXEC_DT_F_MONTH},
        {"weekofyear", EXEC_DT_F_WEEK},
        {"day", EXEC_DT_F_DAY},
        {"dayofmonth", EXEC_DT_F_DAY},
        {"dayofweek", EXEC_DT_F_DAYOFWEEK},
        {"__dayofweek_iso", EXEC_DT_F_DAYOFWEEK_ISO},
        {"weekday", EXEC_DT_F_WEEKDAY},
        {"dayofyear", EXEC_DT_F_DOY},
        {"hour", EXEC_DT_F_HOUR},
        {"minute", EXEC_DT_F_MINUTE},
        {"second", EXEC_DT_F_SECOND},
        {"__second_micros", EXEC_DT_F_SECOND},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(map); i++)
        if (!strcmp(map[i].name, name)) return map[i].f;
    return EXEC_DT_F_YEAR;
}

static bk_status op_date_field(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                               bk_error *err) {
    (void)null, (void)err;
    *o = exec_dt_date_field(field_of(c->expr->name), (int32_t)r->x[0]);
    return BK_OK;
}
static bk_status op_time_field(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                               bk_error *err) {
    (void)null, (void)err;
    exec_dt_field f = field_of(c->expr->name);
    int64_t v = exec_dt_timestamp_field(f, r->x[0], zone_of(c, 0));
    /* second(): whole seconds; __second_micros (extract SECOND): DECIMAL(8,6) unscaled */
    *o = f == EXEC_DT_F_SECOND && !strcmp(c->expr->name, "second") ? v / 1000000 : v;
    return BK_OK;
}
KERNEL(k_date_field, op_date_field)
KERNEL(k_time_field, op_time_field)
SIG(bind_date_field, "year", "D", BK_TYPE_INT)
SIG(bind_time_field, "hour", "T", BK_TYPE_INT)
static EXEC_BIND(bind_second_micros) {
    BK_TRY(sig("extract", "T", BK_TYPE_INT, args, n_args, cast_to, result, err));
    *result = bk_type_make_decimal(a, 8, 6);
    return *result ? BK_OK : bk_arena_oom(a, err);
}

/* ---- construction ---- */

static bk_status op_make_date(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                              bk_error *err) {
    (void)c, (void)null;
    int32_t d;
    BK_TRY(exec_dt_make_date((int32_t)r->x[0], (int32_t)r->x[1], (int32_t)r->x[2], &d, err));
    *o = d;
    return BK_OK;
}
static bk_status op_make_timestamp(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                   bk_error *err) {
    (void)null;
    const bk_tz *tz = session_zone(c);
    bool ntz = c->expr->type->kind == BK_TYPE_TIMESTAMP_NTZ;
    if (ntz) tz = NULL;
    if (!ntz && c->expr->n_args > 6) BK_TRY(bk_tz_open_n(r->s[6].ptr, r->s[6].len, &tz, err));
    return exec_dt_make_timestamp((int32_t)r->x[0], (int32_t)r->x[1], (int32_t)r->x[2],
                                  (int32_t)r->x[3], (int32_t)r->x[4], r->x[5], tz, o, err);
}
KERNEL(k_make_date, op_make_date)
KERNEL(k_make_timestamp, op_make_timestamp)
SIG(bind_make_date, "make_date", "III", BK_TYPE_DATE)
SIG(bind_make_timestamp, "make_timestamp", "IIIIIN|S", BK_TYPE_TIMESTAMP)
SIG(bind_make_timestamp_ntz, "make_timestamp_ntz", "IIIIIN", BK_TYPE_TIMESTAMP_NTZ)

/* ---- epoch conversions ---- */

static bk_status op_ts_seconds(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                               bk_error *err) {
    const bk_type *t = c->expr->args[0]->type;
    if (t->kind == BK_TYPE_DECIMAL) {
        int64_t v = r->x[0];
        for (int s = t->scale; s > 6; s--) {
            if (v % 10)
                return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                                    "Rounding necessary: timestamp_seconds of a value with more "
                                    "than microsecond precision.");
            v /= 10;
        }
        for (int s = t->scale; s < 6; s++)
            if (__builtin_mul_overflow(v, 10, &v))
                return bk_error_set(err, BK_DATETIME_OVERFLOW, "long overflow");
        *o = v;
        return BK_OK;
    }
    if (t->kind == BK_TYPE_DOUBLE) {
        /* SecondsToTimestamp of a fraction: µs truncated; NaN and infinities are NULL */
        double d;
        memcpy(&d, &r->x[0], sizeof d);
        double us = d * 1e6;
        if (isnan(us) || isinf(us)) {
            *null = true;
            return BK_OK;
        }
        if (us >= 9.2233720368547758e18 || us < -9.2233720368547758e18)
            return bk_error_set(err, BK_DATETIME_OVERFLOW, "long overflow");
        *o = (int64_t)us;
        return BK_OK;
    }
    return exec_dt_timestamp_seconds(r->x[0], o, err);
}
static bk_status op_ts_millis(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                              bk_error *err) {
    (void)c, (void)null;
    return exec_dt_timestamp_millis(r->x[0], o, err);
}
static bk_status op_ts_micros(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                              bk_error *err) {
    (void)c, (void)null, (void)err;
    *o = exec_dt_timestamp_micros(r->x[0]);
    return BK_OK;
}
static bk_status op_unix_seconds(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                 bk_error *err) {
    (void)null, (void)err;
    const char *name = c->expr->name;
    *o = !strcmp(name, "unix_millis")   ? exec_dt_unix_millis(r->x[0])
         : !strcmp(name, "unix_micros") ? exec_dt_unix_micros(r->x[0])
                                        : exec_dt_unix_seconds(r->x[0]);
    return BK_OK;
}
static bk_status op_same(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                         bk_error *err) {
    (void)c, (void)null, (void)err;
    *o = r->x[0]; /* unix_date, date_from_unix_date: the day number itself */
    return BK_OK;
}
KERNEL(k_ts_seconds, op_ts_seconds)
KERNEL(k_ts_millis, op_ts_millis)
KERNEL(k_ts_micros, op_ts_micros)
KERNEL(k_unix_seconds, op_unix_seconds)
KERNEL(k_same, op_same)
SIG(bind_ts_from_long, "timestamp_millis", "L", BK_TYPE_TIMESTAMP)
/* timestamp_seconds also takes fractions (DECIMAL, FLOAT, DOUBLE: through DOUBLE). */
static EXEC_BIND(bind_ts_seconds) {
    (void)a;
    if (args[0]->kind == BK_TYPE_DECIMAL && args[0]->precision <= 18) {
        cast_to[0] = args[0]; /* exactly: more than 6 fraction digits must be zeros */
        *result = T(BK_TYPE_TIMESTAMP);
        return BK_OK;
    }
    if (exec_fnlib_is_numeric(args[0]) && !exec_fnlib_is_integral(args[0])) {
        cast_to[0] = T(BK_TYPE_DOUBLE);
        *result = T(BK_TYPE_TIMESTAMP);
        return BK_OK;
    }
    return sig("timestamp_seconds", "L", BK_TYPE_TIMESTAMP, args, n_args, cast_to, result, err);
}
SIG(bind_unix_seconds, "unix_seconds", "T", BK_TYPE_BIGINT)
SIG(bind_unix_date, "unix_date", "D", BK_TYPE_INT)
SIG(bind_date_from_unix_date, "date_from_unix_date", "I", BK_TYPE_DATE)

/* ---- zone conversions ---- */

static bk_status op_from_utc(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                             bk_error *err) {
    (void)null;
    const bk_tz *tz;
    BK_TRY(bk_tz_open_n(r->s[1].ptr, r->s[1].len, &tz, err));
    *o = !strcmp(c->expr->name, "to_utc_timestamp") ? exec_dt_to_utc_timestamp(r->x[0], tz)
                                                     : exec_dt_from_utc_timestamp(r->x[0], tz);
    return BK_OK;
}
/* convert_timezone([source, ]target, ntz): the wall clock ntz of source, seen in target. */
static bk_status op_convert_timezone(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                     bk_error *err) {
    (void)null;
    const bk_tz *src = session_zone(c), *tgt;
    uint32_t k = c->expr->n_args == 3 ? 1 : 0;
    if (k) BK_TRY(bk_tz_open_n(r->s[0].ptr, r->s[0].len, &src, err));
    BK_TRY(bk_tz_open_n(r->s[k].ptr, r->s[k].len, &tgt, err));
    *o = exec_dt_convert_timezone(src, tgt, r->x[k + 1]);
    return BK_OK;
}
static EXEC_BIND(bind_convert_timezone) {
    (void)a;
    return sig("convert_timezone", n_args == 3 ? "SSW" : "SW", BK_TYPE_TIMESTAMP_NTZ, args, n_args,
               cast_to, result, err);
}
KERNEL(k_convert_timezone, op_convert_timezone)
KERNEL(k_from_utc, op_from_utc)
SIG(bind_from_utc, "from_utc_timestamp", "TS", BK_TYPE_TIMESTAMP)

/* ---- patterns: parsing ---- */

/* The compiled pattern of argument k: prepared, or compiled now in the call's arena. */
static bk_status pattern(const exec_call *c, const dt_row *r, uint32_t k, bool for_parsing,
                         const exec_dtfmt **f, bk_error *err) {
    if (c->expr->state) {
        *f = c->expr->state;
        return BK_OK;
    }
    return exec_dtfmt_compile(c->a, r->s[k].ptr, r->s[k].len, for_parsing, f, err);
}

static bk_status prepare_pattern(bk_arena *a, exec_expr *e, uint32_t k, bool for_parsing,
                                 bk_error *err) {
    if (!exec_fnlib_is_const(e, k)) return BK_OK;
    const bk_vector *v = e->args[k]->value;
    if (!bk_vector_is_valid(v, 0) || v->type->kind != BK_TYPE_STRING) return BK_OK;
    bk_str s = ((const bk_str *)v->data)[0];
    const exec_dtfmt *f;
    BK_TRY(exec_dtfmt_compile(a, s.ptr, s.len, for_parsing, &f, err));
    e->state = (void *)f;
    return BK_OK;
}
static bk_status prep_parse_1(bk_arena *a, exec_expr *e, bk_error *err) {
    return prepare_pattern(a, e, 1, true, err);
}
static bk_status prep_format_1(bk_arena *a, exec_expr *e, bk_error *err) {
    return prepare_pattern(a, e, 1, false, err);
}

/* The try_ function the parse errors' hint names. */
static const char *hint_of(const exec_call *c, const char *dflt) {
    const char *name = c->expr->name;
    if (!strcmp(name, "to_date") || !strcmp(name, "try_to_date")) return "try_to_date";
    return dflt;
}

static bk_status op_to_timestamp(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                 bk_error *err) {
    (void)null;
    bool ntz = c->expr->type->kind == BK_TYPE_TIMESTAMP_NTZ;
    const exec_dtfmt *f;
    BK_TRY(pattern(c, r, 1, true, &f, err));
    if (ntz) return exec_dtfmt_parse_ntz(f, r->s[0].ptr, r->s[0].len, "try_to_timestamp", o, err);
    return exec_dtfmt_parse(f, r->s[0].ptr, r->s[0].len, session_zone(c), "try_to_timestamp", o,
                            err);
}
static bk_status op_to_date(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                            bk_error *err) {
    (void)null;
    const exec_dtfmt *f;
    BK_TRY(pattern(c, r, 1, true, &f, err));
    int32_t d;
    BK_TRY(exec_dtfmt_parse_date(f, r->s[0].ptr, r->s[0].len, hint_of(c, "try_to_date"), &d, err));
    *o = d;
    return BK_OK;
}

/* unix_timestamp / to_unix_timestamp: STRING parsed with the pattern, DATE, TIMESTAMP. */
static bk_status op_unix_timestamp(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                   bk_error *err) {
    (void)null;
    if (c->expr->n_args == 0) {
        *o = exec_dt_unix_seconds(c->ctx->now_micros);
        return BK_OK;
    }
    bk_type_kind k = c->expr->args[0]->type->kind;
    if (k == BK_TYPE_DATE) {
        *o = exec_dt_unix_seconds(exec_dt_date_to_timestamp((int32_t)r->x[0], session_zone(c)));
        return BK_OK;
    }
    if (k == BK_TYPE_TIMESTAMP) {
        *o = exec_dt_unix_seconds(r->x[0]);
        return BK_OK;
    }
    if (k == BK_TYPE_TIMESTAMP_NTZ) {
        *o = exec_dt_unix_seconds(bk_tz_local_to_utc(session_zone(c), r->x[0]));
        return BK_OK;
    }
    const exec_dtfmt *f;
    if (c->expr->n_args < 2) {
        f = c->expr->state;
    } else {
        BK_TRY(pattern(c, r, 1, true, &f, err));
    }
    return exec_dt_unix_timestamp_parse(f, r->s[0].ptr, r->s[0].len, session_zone(c),
                                        "try_to_timestamp", o, err);
}
/* to_date(s) / to_timestamp(s) without a pattern: CAST over the whole vector. */
static bk_status cast_all(const exec_call *call, bk_vector *const *args, bk_vector **out,
                          bk_error *err) {
    exec_tz zone;
    exec_fn_cast_zone(call->ctx, &zone);
    exec_cast_opts opts = {.ansi = call->ctx->ansi, .try_cast = is_try(call), .tz = &zone};
    return exec_cast(call->a, args[0], call->expr->type, &opts, out, err);
}
static EXEC_KERNEL(k_to_timestamp) {
    if (call->expr->n_args == 1) return cast_all(call, args, out, err);
    return run(call, args, n, out, err, op_to_timestamp);
}
static EXEC_KERNEL(k_to_date) {
    if (call->expr->n_args == 1) return cast_all(call, args, out, err);
    return run(call, args, n, out, err, op_to_date);
}
KERNEL(k_unix_timestamp, op_unix_timestamp)
/*
 * to_timestamp(x) / to_date(x) / date(x) / timestamp(x) with one argument: a CAST, so
 * numbers (seconds since the epoch, for TIMESTAMP), dates and timestamps stay as they
 * are; with a pattern the text is parsed.
 */
static bk_status bind_parse(const char *fn, bk_type_kind to, const bk_type *const *args,
                            uint32_t n_args, const bk_type **cast_to, const bk_type **result,
                            bk_error *err) {
    const bk_type *t = args[0];
    bool castable = t->kind == BK_TYPE_DATE || t->kind == BK_TYPE_TIMESTAMP ||
                    t->kind == BK_TYPE_TIMESTAMP_NTZ ||
                    (to != BK_TYPE_DATE && exec_fnlib_is_numeric(t));
    if (n_args == 1 && castable) {
        if (!exec_cast_supported(t, T(to), true))
            return exec_fnlib_mismatch(err, fn, 0, "\"STRING\"", t);
        cast_to[0] = t;
        *result = T(to);
        return BK_OK;
    }
    return sig(fn, "S|S", to, args, n_args, cast_to, result, err);
}
static EXEC_BIND(bind_to_timestamp) {
    (void)a;
    return bind_parse("to_timestamp", BK_TYPE_TIMESTAMP, args, n_args, cast_to, result, err);
}
static EXEC_BIND(bind_to_timestamp_ntz) {
    (void)a;
    return bind_parse("to_timestamp_ntz", BK_TYPE_TIMESTAMP_NTZ, args, n_args, cast_to, result,
                      err);
}
static EXEC_BIND(bind_to_date) {
    (void)a;
    return bind_parse("to_date", BK_TYPE_DATE, args, n_args, cast_to, result, err);
}
SIG(bind_unix_timestamp, "unix_timestamp", "A|S", BK_TYPE_BIGINT)

/* unix_timestamp(s) without a pattern: 'yyyy-MM-dd HH:mm:ss'. */
static bk_status prep_unix_timestamp(bk_arena *a, exec_expr *e, bk_error *err) {
    if (e->n_args == 1 && e->args[0]->type->kind == BK_TYPE_STRING) {
        const exec_dtfmt *f;
        static const char dflt[] = "yyyy-MM-dd HH:mm:ss";
        BK_TRY(exec_dtfmt_compile(a, dflt, sizeof dflt - 1, true, &f, err));
        e->state = (void *)f;
        return BK_OK;
    }
    return prepare_pattern(a, e, 1, true, err);
}

/* ---- patterns: formatting (STRING results) ---- */

/* date_format(ts, fmt), from_unixtime(seconds[, fmt]), current_timezone(). */
static EXEC_KERNEL(k_format) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, n_args, n, &v, err));
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    const char *name = call->expr->name;
    bool from_unix = !strcmp(name, "from_unixtime");
    const exec_dtfmt *dflt = NULL;
    if (!strcmp(name, "current_timezone")) {
        const char *z = bk_tz_name(session_zone(call));
        for (size_t i = 0; i < n; i++)
            if (!exec_strbuf_copy(&sb, z, strlen(z), &((bk_str *)v->data)[i]))
                return bk_arena_oom(call->a, err);
        *out = v;
        return BK_OK;
    }
    if (n_args < 2 && call->expr->state) {
        dflt = call->expr->state; /* dayname, monthname */
    } else if (n_args < 2) {
        static const char d[] = "yyyy-MM-dd HH:mm:ss";
        BK_TRY(exec_dtfmt_compile(call->a, d, sizeof d - 1, false, &dflt, err));
    }
    dt_row r;
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        r.x[0] = get(args[0], i);
        if (n_args > 1) r.s[1] = ((const bk_str *)args[1]->data)[i];
        const exec_dtfmt *f = dflt;
        if (!f) BK_TRY(pattern(call, &r, 1, false, &f, err));
        char buf[256];
        const bk_tz *tz = from_unix ? session_zone(call) : zone_of(call, 0);
        size_t len = from_unix ? exec_dt_from_unixtime(f, r.x[0], tz, buf, sizeof buf)
                               : exec_dtfmt_format(f, r.x[0], tz, buf, sizeof buf);
        if (len >= sizeof buf) len = sizeof buf - 1;
        if (!exec_strbuf_copy(&sb, buf, len, &((bk_str *)v->data)[i]))
            return bk_arena_oom(call->a, err);
    }
    *out = v;
    return BK_OK;
}
SIG(bind_date_format, "date_format", "TS", BK_TYPE_STRING)
SIG(bind_dayname, "dayname", "T", BK_TYPE_STRING)

/* dayname(d) / monthname(d): date_format with 'EEE' / 'MMM' ("Mon", "Jan"). */
static bk_status prep_name(bk_arena *a, exec_expr *e, bk_error *err) {
    const char *p = !strcmp(e->name, "dayname") ? "EEE" : "MMM";
    const exec_dtfmt *f;
    BK_TRY(exec_dtfmt_compile(a, p, 3, false, &f, err));
    e->state = (void *)f;
    return BK_OK;
}
SIG(bind_from_unixtime, "from_unixtime", "L|S", BK_TYPE_STRING)
SIG(bind_current_timezone, "current_timezone", "", BK_TYPE_STRING)

/* ---- intervals: make_ym_interval, make_dt_interval, extract fields ---- */

static bk_status iv_overflow(bk_error *err) {
    return bk_error_set_sub(err, BK_INTERVAL_ARITHMETIC_OVERFLOW,
                            "WITHOUT_SUGGESTION", "Integer overflow while "
                            "operating with intervals.");
}

static bk_status op_make_ym(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                            bk_error *err) {
    (void)c, (void)null;
    int64_t m;
    if (__builtin_mul_overflow(r->x[0], 12, &m) || __builtin_add_overflow(m, r->x[1], &m) ||
        m < INT32_MIN || m > INT32_MAX)
        return iv_overflow(err);
    *o = m;
    return BK_OK;
}

static bk_status op_make_dt(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                            bk_error *err) {
    (void)c, (void)null;
    int64_t us = 0, part;
    static const int64_t unit[] = {BK_MICROS_PER_DAY, INT64_C(3600000000), INT64_C(60000000)};
    for (int k = 0; k < 3; k++)
        if (__builtin_mul_overflow(r->x[k], unit[k], &part) ||
            __builtin_add_overflow(us, part, &us))
            return iv_overflow(err);
    if (__builtin_add_overflow(us, r->x[3], &us)) /* the seconds, DECIMAL(18,6) unscaled */
        return iv_overflow(err);
    *o = us;
    return BK_OK;
}

/* extract(field FROM interval): Spark's ExtractANSIInterval* (truncating, sign kept). */
static bk_status op_iv_field(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                             bk_error *err) {
    (void)null, (void)err;
    const char *f = c->expr->name + 5; /* after "__iv_" */
    int64_t v = r->x[0];
    if (!strcmp(f, "year"))
        *o = v / 12;
    else if (!strcmp(f, "month"))
        *o = v % 12;
    else if (!strcmp(f, "day"))
        *o = v / BK_MICROS_PER_DAY;
    else if (!strcmp(f, "hour"))
        *o = v % BK_MICROS_PER_DAY / INT64_C(3600000000);
    else if (!strcmp(f, "minute"))
        *o = v % INT64_C(3600000000) / INT64_C(60000000);
    else
        *o = v % INT64_C(60000000); /* second: DECIMAL(8,6) unscaled */
    return BK_OK;
}

static EXEC_KERNEL(k_iv_field) {
    const bk_type *rt = call->expr->type;
    if (rt->kind != BK_TYPE_TINYINT) return run(call, args, n, out, err, op_iv_field);
    /* compute into an INT vector, then narrow into a TINYINT one */
    exec_expr tmp = *call->expr;
    tmp.type = T(BK_TYPE_INT);
    exec_call c2 = {.expr = &tmp, .ctx = call->ctx, .a = call->a};
    bk_vector *wide;
    BK_TRY(run(&c2, args, n, &wide, err, op_iv_field));
    bk_vector *v = bk_vector_make(call->a, rt, n);
    if (!v) return bk_arena_oom(call->a, err);
    v->validity = wide->validity;
    const int32_t *src = wide->data;
    for (size_t i = 0; i < n; i++) ((int8_t *)v->data)[i] = (int8_t)src[i];
    *out = v;
    return BK_OK;
}

KERNEL(k_make_ym, op_make_ym)
KERNEL(k_make_dt, op_make_dt)
SIG(bind_make_ym, "make_ym_interval", "|II", BK_TYPE_INTERVAL_YM)
SIG(bind_make_dt, "make_dt_interval", "|IIIM", BK_TYPE_INTERVAL_DT)
SIG(bind_iv_ym_int, "extract", "Y", BK_TYPE_INT)
SIG(bind_iv_ym_tiny, "extract", "Y", BK_TYPE_TINYINT)
SIG(bind_iv_dt_int, "extract", "Z", BK_TYPE_INT)
SIG(bind_iv_dt_tiny, "extract", "Z", BK_TYPE_TINYINT)
static EXEC_BIND(bind_iv_second) {
    BK_TRY(sig("extract", "Z", BK_TYPE_INT, args, n_args, cast_to, result, err));
    *result = bk_type_make_decimal(a, 8, 6);
    return *result ? BK_OK : bk_arena_oom(a, err);
}

/* ---- timestampadd / timestampdiff (the binder passes the unit as a string) ---- */

static bool unit_is(const bk_str *u, const char *name) { return bk_str_ieq_cstr(*u, name); }

/* DateTimeUtils.timestampAdd: time units as day-time µs, MONTH QUARTER YEAR as months. */
static bk_status op_timestampadd(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                 bk_error *err) {
    (void)null;
    const bk_str *u = &r->s[0];
    int64_t q = r->x[1], ts = r->x[2], months = 0, us = 0;
    const bk_tz *tz = zone_of(c, 2);
    static const struct {
        const char *name;
        int64_t us, months;
    } units[] = {{"MICROSECOND", 1, 0},
                 {"MILLISECOND", 1000, 0},
                 {"SECOND", 1000000, 0},
                 {"MINUTE", INT64_C(60000000), 0},
                 {"HOUR", INT64_C(3600000000), 0},
                 {"DAY", BK_MICROS_PER_DAY, 0},
                 {"DAYOFYEAR", BK_MICROS_PER_DAY, 0},
                 {"WEEK", 7 * BK_MICROS_PER_DAY, 0},
                 {"MONTH", 0, 1},
                 {"QUARTER", 0, 3},
                 {"YEAR", 0, 12}};
    for (size_t i = 0; i < BK_ARRAY_LEN(units); i++) {
        if (!unit_is(u, units[i].name)) continue;
        bool ovf = units[i].months ? __builtin_mul_overflow(q, units[i].months, &months)
                                   : __builtin_mul_overflow(q, units[i].us, &us);
        if (ovf)
            return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                                "long overflow. If necessary set \"spark.sql.ansi.enabled\" to "
                                "\"false\" to bypass this error.");
        return units[i].months ? exec_iv_timestamp_add_months(ts, months, tz, o, err)
                               : exec_iv_timestamp_add(ts, us, tz, o, err);
    }
    return bk_error_set(err, BK_INVALID_DATETIME_UNIT, "unknown unit '%.*s'", (int)u->len, u->ptr);
}

/*
 * DateTimeUtils.timestampDiff: ChronoUnit.between on the two wall-clock times (the
 * session zone's; TIMESTAMP_NTZ as they are), truncated toward zero.
 */
static bk_status op_timestampdiff(const exec_call *c, const dt_row *r, int64_t *o, bool *null,
                                  bk_error *err) {
    (void)null;
    const bk_str *u = &r->s[0];
    const bk_tz *tz1 = zone_of(c, 1), *tz2 = zone_of(c, 2);
    int64_t s = tz1 ? bk_tz_utc_to_local(tz1, r->x[1]) : r->x[1];
    int64_t e = tz2 ? bk_tz_utc_to_local(tz2, r->x[2]) : r->x[2];
    static const struct {
        const char *name;
        int64_t us;
    } time_units[] = {{"MICROSECOND", 1},
                      {"MILLISECOND", 1000},
                      {"SECOND", 1000000},
                      {"MINUTE", INT64_C(60000000)},
                      {"HOUR", INT64_C(3600000000)},
                      {"DAY", BK_MICROS_PER_DAY},
                      {"WEEK", 7 * BK_MICROS_PER_DAY}};
    for (size_t i = 0; i < BK_ARRAY_LEN(time_units); i++) {
        if (!unit_is(u, time_units[i].name)) continue;
        int64_t d;
        if (__builtin_sub_overflow(e, s, &d)) { /* far apart: µs in 128 bits is overkill */
            *o = (int64_t)(((double)e - (double)s) / (double)time_units[i].us);
            return BK_OK;
        }
        *o = d / time_units[i].us;
        return BK_OK;
    }
    int64_t sd, st, ed, et;
    bk_micros_split(s, &sd, &st);
    bk_micros_split(e, &ed, &et);
    /* LocalDateTime.until: a partial last day does not count */
    if (ed > sd && et < st)
        ed--;
    else if (ed < sd && et > st)
        ed++;
    int64_t y1, y2;
    int m1, d1, m2, d2;
    bk_civil_from_days(sd, &y1, &m1, &d1);
    bk_civil_from_days(ed, &y2, &m2, &d2);
    int64_t months = ((y2 * 12 + m2 - 1) * 32 + d2 - ((y1 * 12 + m1 - 1) * 32 + d1)) / 32;
    if (unit_is(u, "MONTH"))
        *o = months;
    else if (unit_is(u, "QUARTER"))
        *o = months / 3;
    else if (unit_is(u, "YEAR"))
        *o = months / 12;
    else
        return bk_error_set(err, BK_INVALID_DATETIME_UNIT, "unknown unit '%.*s'", (int)u->len,
                            u->ptr);
    return BK_OK;
}
KERNEL(k_timestampadd, op_timestampadd)
KERNEL(k_timestampdiff, op_timestampdiff)
SIG(bind_timestampadd, "timestampadd", "SLT", -1)
SIG(bind_timestampdiff, "timestampdiff", "STT", BK_TYPE_BIGINT)

/* ---- the table ---- */

const exec_fn_def exec_fn_datetime_defs[] = {
    {"current_date", 0, 0, bind_current_date, k_current_date, NULL},
    {"curdate", 0, 0, bind_current_date, k_current_date, NULL},
    {"current_timestamp", 0, 0, bind_now, k_now, NULL},
    {"now", 0, 0, bind_now, k_now, NULL},
    {"localtimestamp", 0, 0, bind_localtimestamp, k_localtimestamp, NULL},
    {"current_timezone", 0, 0, bind_current_timezone, k_format, NULL},
    {"date_add", 2, 2, bind_date_add, k_date_add, NULL},
    {"dateadd", 2, 2, bind_date_add, k_date_add, NULL},
    {"date_sub", 2, 2, bind_date_sub, k_date_sub, NULL},
    {"datediff", 2, 2, bind_datediff, k_datediff, NULL},
    {"add_months", 2, 2, bind_add_months, k_add_months, NULL},
    {"months_between", 2, 3, bind_months_between, k_months_between, NULL},
    {"last_day", 1, 1, bind_last_day, k_last_day, NULL},
    {"next_day", 2, 2, bind_next_day, k_next_day, NULL},
    {"date_trunc", 2, 2, bind_date_trunc, k_date_trunc, NULL},
    {"trunc", 2, 2, bind_trunc, k_trunc, NULL},
    {"year", 1, 1, bind_date_field, k_date_field, NULL},
    {"__yearofweek", 1, 1, bind_date_field, k_date_field, NULL},
    {"quarter", 1, 1, bind_date_field, k_date_field, NULL},
    {"month", 1, 1, bind_date_field, k_date_field, NULL},
    {"weekofyear", 1, 1, bind_date_field, k_date_field, NULL},
    {"day", 1, 1, bind_date_field, k_date_field, NULL},
    {"dayofmonth", 1, 1, bind_date_field, k_date_field, NULL},
    {"dayofweek", 1, 1, bind_date_field, k_date_field, NULL},
    {"__dayofweek_iso", 1, 1, bind_date_field, k_date_field, NULL},
    {"weekday", 1, 1, bind_date_field, k_date_field, NULL},
    {"dayofyear", 1, 1, bind_date_field, k_date_field, NULL},
    {"hour", 1, 1, bind_time_field, k_time_field, NULL},
    {"minute", 1, 1, bind_time_field, k_time_field, NULL},
    {"second", 1, 1, bind_time_field, k_time_field, NULL},
    {"__second_micros", 1, 1, bind_second_micros, k_time_field, NULL},
    {"make_date", 3, 3, bind_make_date, k_make_date, NULL},
    {"make_timestamp", 6, 7, bind_make_timestamp, k_make_timestamp, NULL},
    {"try_make_timestamp", 6, 7, bind_make_timestamp, k_make_timestamp, NULL},
    {"make_timestamp_ntz", 6, 6, bind_make_timestamp_ntz, k_make_timestamp, NULL},
    {"timestamp_seconds", 1, 1, bind_ts_seconds, k_ts_seconds, NULL},
    {"timestamp_millis", 1, 1, bind_ts_from_long, k_ts_millis, NULL},
    {"timestamp_micros", 1, 1, bind_ts_from_long, k_ts_micros, NULL},
    {"unix_seconds", 1, 1, bind_unix_seconds, k_unix_seconds, NULL},
    {"unix_millis", 1, 1, bind_unix_seconds, k_unix_seconds, NULL},
    {"unix_micros", 1, 1, bind_unix_seconds, k_unix_seconds, NULL},
    {"unix_date", 1, 1, bind_unix_date, k_same, NULL},
    {"date_from_unix_date", 1, 1, bind_date_from_unix_date, k_same, NULL},
    {"convert_timezone", 2, 3, bind_convert_timezone, k_convert_timezone, NULL},
    {"from_utc_timestamp", 2, 2, bind_from_utc, k_from_utc, NULL},
    {"to_utc_timestamp", 2, 2, bind_from_utc, k_from_utc, NULL},
    {"to_timestamp", 1, 2, bind_to_timestamp, k_to_timestamp, prep_parse_1},
    {"try_to_timestamp", 1, 2, bind_to_timestamp, k_to_timestamp, prep_parse_1},
    {"to_timestamp_ntz", 1, 2, bind_to_timestamp_ntz, k_to_timestamp, prep_parse_1},
    {"to_timestamp_ltz", 1, 2, bind_to_timestamp, k_to_timestamp, prep_parse_1},
    {"date_diff", 2, 2, bind_datediff, k_datediff, NULL},
    {"to_date", 1, 2, bind_to_date, k_to_date, prep_parse_1},
    {"date", 1, 1, bind_to_date, k_to_date, NULL},
    {"timestamp", 1, 1, bind_to_timestamp, k_to_timestamp, NULL},
    {"try_to_date", 1, 2, bind_to_date, k_to_date, prep_parse_1},
    {"unix_timestamp", 0, 2, bind_unix_timestamp, k_unix_timestamp, prep_unix_timestamp},
    {"to_unix_timestamp", 1, 2, bind_unix_timestamp, k_unix_timestamp, prep_unix_timestamp},
    {"date_format", 2, 2, bind_date_format, k_format, prep_format_1},
    {"dayname", 1, 1, bind_dayname, k_format, prep_name},
    {"monthname", 1, 1, bind_dayname, k_format, prep_name},
    {"from_unixtime", 1, 2, bind_from_unixtime, k_format, prep_format_1},
    {"__timestampadd", 3, 3, bind_timestampadd, k_timestampadd, NULL},
    {"__timestampdiff", 3, 3, bind_timestampdiff, k_timestampdiff, NULL},
    {"make_ym_interval", 0, 2, bind_make_ym, k_make_ym, NULL},
    {"make_dt_interval", 0, 4, bind_make_dt, k_make_dt, NULL},
    {"__iv_year", 1, 1, bind_iv_ym_int, k_iv_field, NULL},
    {"__iv_month", 1, 1, bind_iv_ym_tiny, k_iv_field, NULL},
    {"__iv_day", 1, 1, bind_iv_dt_int, k_iv_field, NULL},
    {"__iv_hour", 1, 1, bind_iv_dt_tiny, k_iv_field, NULL},
    {"__iv_minute", 1, 1, bind_iv_dt_tiny, k_iv_field, NULL},
    {"__iv_second", 1, 1, bind_iv_second, k_iv_field, NULL},
};
const size_t exec_fn_datetime_n = BK_ARRAY_LEN(exec_fn_datetime_defs);

const char *exec_fn_extract_name(const char *field, size_t len, const bk_type *source,
                                 bool *is_second) {
    exec_dt_field f;
    bool time_field;
    *is_second = false;
    if (!exec_dt_field_parse(field, len, &f, &time_field)) return NULL;
    if (source->kind == BK_TYPE_INTERVAL_YM)
        return f == EXEC_DT_F_YEAR ? "__iv_year" : f == EXEC_DT_F_MONTH ? "__iv_month" : NULL;
    if (source->kind == BK_TYPE_INTERVAL_DT) {
        *is_second = f == EXEC_DT_F_SECOND;
        return f == EXEC_DT_F_DAY      ? "__iv_day"
               : f == EXEC_DT_F_HOUR   ? "__iv_hour"
               : f == EXEC_DT_F_MINUTE ? "__iv_minute"
               : f == EXEC_DT_F_SECOND ? "__iv_second"
                                       : NULL;
    }
    switch (f) {
    case EXEC_DT_F_YEAR:
        return "year";
    case EXEC_DT_F_YEAROFWEEK:
        return "__yearofweek";
    case EXEC_DT_F_QUARTER:
        return "quarter";
    case EXEC_DT_F_MONTH:
        return "month";
    case EXEC_DT_F_WEEK:
        return "weekofyear";
    case EXEC_DT_F_DAY:
        return "day";
    case EXEC_DT_F_DAYOFWEEK:
        return "dayofweek";
    case EXEC_DT_F_DAYOFWEEK_ISO:
        return "__dayofweek_iso";
    case EXEC_DT_F_WEEKDAY:
        return "weekday";
    case EXEC_DT_F_DOY:
        return "dayofyear";
    case EXEC_DT_F_HOUR:
        return "hour";
    case EXEC_DT_F_MINUTE:
        return "minute";
    case EXEC_DT_F_SECOND:
        *is_second = true;
        return "__second_micros";
    }
    return NULL;
}
