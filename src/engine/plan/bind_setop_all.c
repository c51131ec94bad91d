/* stub */
#include "engine/plan/binder_int.h"
bk_status bind_setop_all(binder *b, const sql_query *q, const plan_rel *l, const plan_rel *r,
                         plan_rel *out, bk_error *err) {
    (void)b; (void)q; (void)l; (void)r; (void)out;
    return bk_error_set(err, BK_UNSUPPORTED_FEATURE, "ALL");
}
