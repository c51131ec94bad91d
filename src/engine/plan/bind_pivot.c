/* bind_pivot.c — PIVOT / UNPIVOT (stub while in progress). */
#include "engine/plan/binder_int.h"

bk_status bind_pivot(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    (void)b; (void)out;
    bk_error_set(err, BK_UNSUPPORTED_FEATURE, "PIVOT");
    if (err) err->sql_pos = (int)f->span.off;
    return BK_UNSUPPORTED_FEATURE;
}
