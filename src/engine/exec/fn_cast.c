/*
 * fn_cast.c — the CAST kernel: exec_cast (cast.c) as an expression, in the
 * session time zone (exec_ctx.tz).
 */
#include "base/tz.h"
#include "engine/exec/cast.h"
#include "engine/exec/functions.h"

static int64_t zone_offset(void *tz, int64_t utc) { return bk_tz_utc_offset(tz, utc); }
static int64_t zone_local_to_utc(void *tz, int64_t local) { return bk_tz_local_to_utc(tz, local); }

void exec_tz_from(const bk_tz *tz, exec_tz *out) {
    out->tz = (void *)(tz ? tz : bk_tz_utc());
    out->utc_offset_us = zone_offset;
    out->local_to_utc = zone_local_to_utc;
}

void exec_fn_cast_zone(const exec_ctx *ctx, exec_tz *out) {
    exec_tz_from(ctx ? ctx->tz : NULL, out);
}

bk_status exec_fn_cast(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                       bk_error *err) {
    (void)n;
    exec_tz zone;
    exec_fn_cast_zone(call->ctx, &zone);
    exec_cast_opts o = {
        .ansi = call->ctx->ansi, .try_cast = call->expr->state != NULL, .tz = &zone};
    return exec_cast(call->a, args[0], call->expr->type, &o, out, err);
}
