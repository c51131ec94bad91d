/*
 * fn_in.c — `x IN (set of constants)`: a hash set built once by the binder.
 *
 * Three-valued like the OR of equalities it replaces: NULL when x is NULL, true
 * when x is in the set, else NULL when the set holds a NULL, else false.  The
 * set holds serialized values (keys.c), so any key type works; the binder casts
 * x and the values to one type first.
 */
#include "base/buf.h"
#include "base/hash.h"
#include "engine/exec/exec_int.h"
#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

struct exec_in_set {
    bk_hmap *values;
    const bk_vector *list; /* the values as given, for scan pushdown */
    bool has_null;
    bk_cleanup cleanup;
};

static void set_free(void *arg) {
    exec_in_set *s = arg;
    bk_hmap_free(s->values);
    s->values = NULL;
}

bk_status exec_in_set_make(bk_arena *a, const bk_vector *values, exec_in_set **out, bk_error *err) {
    exec_in_set *s = bk_arena_zalloc(a, sizeof *s);
    if (!s) return bk_arena_oom(a, err);
    s->values = bk_hmap_new(true);
    if (!s->values) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory building an IN list");
    s->list = values;
    s->cleanup.fn = set_free;
    s->cleanup.arg = s;
    bk_arena_on_reset(a, &s->cleanup);
    bk_buf buf;
    bk_buf_init(&buf);
    bk_status st = BK_OK;
    bk_vector *cols[1] = {(bk_vector *)values};
    for (size_t i = 0; i < values->n && st == BK_OK; i++) {
        int got = exec_key_serialize(cols, 1, i, false, &buf);
        if (got == 0) {
            s->has_null = true;
            continue;
        }
        size_t idx;
        if (got < 0 || bk_hmap_insert(s->values, buf.data, buf.len, &idx, NULL) != BK_OK)
            st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory building an IN list");
    }
    bk_buf_destroy(&buf);
    if (st == BK_OK) *out = s;
    return st;
}

const bk_vector *exec_in_set_values(const exec_in_set *s) { return s->list; }

bk_status exec_fn_in_set(const exec_call *call, bk_vector *const *args, size_t n, bk_vector **out,
                         bk_error *err) {
    const exec_in_set *s = call->expr->state;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_BOOLEAN), args, 1, n, &v, err));
    uint8_t *r = v->data;
    bk_buf buf;
    bk_buf_init(&buf);
    bk_vector *cols[1] = {args[0]};
    bk_status st = BK_OK;
    for (size_t i = 0; i < n; i++) {
        int got = exec_key_serialize(cols, 1, i, false, &buf);
        if (got < 0) {
            st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory evaluating IN");
            break;
        }
        if (got == 0) continue; /* NULL in, NULL out (validity already says so) */
        size_t idx;
        r[i] = bk_hmap_find(s->values, buf.data, buf.len, &idx);
        if (!r[i] && s->has_null) {
            st = exec_fn_set_null(call->a, v, i, err);
            if (st != BK_OK) break;
        }
    }
    bk_buf_destroy(&buf);
    if (st == BK_OK) *out = v;
    return st;
}
