/*
 * fn_cast.c — the CAST kernel: exec_cast (cast.c) as an expression.
 */
#include "engine/exec/cast.h"
#include "engine/exec/functions.h"

bk_status exec_fn_cast(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                       bk_error *err) {
    (void)n;
    exec_cast_opts o = {.ansi = call->ctx->ansi, .try_cast = call->expr->state != NULL};
    return exec_cast(call->a, args[0], call->expr->type, &o, out, err);
}
