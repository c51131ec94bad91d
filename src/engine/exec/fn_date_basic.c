/*
 * fn_date_basic.c — the few DATE kernels the core binder needs: adding an
 * interval literal (months, then days, as Spark's DateAdd/AddMonths: the day
 * is clamped to the end of a shorter month) and YEAR / MONTH / DAY.
 */
#include "base/clock.h"
#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

bk_status exec_fn_date_add_interval(const exec_call *call, bk_vector *const *args, size_t n,
                                    bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_DATE), args, 3, n, &v, err));
    const int32_t *d = args[0]->data, *months = args[1]->data, *days = args[2]->data;
    int32_t *r = v->data;
    for (size_t i = 0; i < n; i++) {
        int64_t y;
        int m, day;
        bk_civil_from_days(d[i], &y, &m, &day);
        int64_t total = y * 12 + (m - 1) + months[i];
        int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
        int nm = (int)(total - ny * 12) + 1;
        int last = bk_days_in_month(ny, nm);
        int64_t out_days = bk_days_from_civil(ny, nm, day > last ? last : day) + days[i];
        if (out_days < INT32_MIN || out_days > INT32_MAX) {
            if (bk_vector_is_valid(v, i) && call->ctx->ansi)
                return bk_error_set(err, BK_ARITHMETIC_OVERFLOW,
                                    "date overflow. Use 'try_add' to tolerate overflow and return "
                                    "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to "
                                    "\"false\" to bypass this error.");
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            out_days = 0;
        }
        r[i] = (int32_t)out_days;
    }
    *out = v;
    return BK_OK;
}

typedef enum date_part { PART_YEAR, PART_MONTH, PART_DAY } date_part;

static bk_status part(const exec_call *call, date_part which, bk_vector *const *args, size_t n,
                      bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_INT), args, 1, n, &v, err));
    const int32_t *d = args[0]->data;
    int32_t *r = v->data;
    for (size_t i = 0; i < n; i++) {
        int64_t y;
        int m, day;
        bk_civil_from_days(d[i], &y, &m, &day);
        r[i] = which == PART_YEAR ? (int32_t)y : which == PART_MONTH ? m : day;
    }
    *out = v;
    return BK_OK;
}

bk_status exec_fn_year(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                       bk_error *err) {
    return part(call, PART_YEAR, args, n, out, err);
}

bk_status exec_fn_month(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                        bk_error *err) {
    return part(call, PART_MONTH, args, n, out, err);
}

bk_status exec_fn_dayofmonth(const exec_call *call, bk_vector *const *args, size_t n,
                             bk_vector **out, bk_error *err) {
    return part(call, PART_DAY, args, n, out, err);
}
