/*
 * fn_timestamp_add.c — TIMESTAMP / TIMESTAMP_NTZ + a number of microseconds:
 * a day-time interval added as Spark's TimestampAddInterval does for one (an
 * exact count of microseconds; no calendar or time-zone arithmetic).  The
 * window planner uses it for RANGE frames over timestamp keys.
 */
#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

bk_status exec_fn_timestamp_add_micros(const exec_call *call, bk_vector *const *args, size_t n,
                                       bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, 2, n, &v, err));
    const int64_t *ts = args[0]->data, *us = args[1]->data;
    int64_t *r = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) {
            r[i] = 0;
            continue;
        }
        if (__builtin_add_overflow(ts[i], us[i], &r[i])) {
            if (call->ctx->ansi)
                return bk_error_set(err, BK_DATETIME_OVERFLOW,
                                    "Datetime operation overflow: add %lld microseconds to the "
                                    "timestamp %lld.",
                                    (long long)us[i], (long long)ts[i]);
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            r[i] = 0;
        }
    }
    *out = v;
    return BK_OK;
}
