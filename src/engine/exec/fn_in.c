/*
 * fn_in.c — `x IN (set of constants)`: a hash set built once by the binder.
 *
 * Three-valued like the OR of equalities it replaces: NULL when x is NULL, true
 * when x is in the set, else NULL when the set holds a NULL, else false.  The
 * binder casts x and the values to one type first.  Values of an integer-like
 * type (integers, dates, timestamps, 18-digit decimals: equal exactly when their
 * bits are) go into a word set (base/wordset.h: a bitmap over a dense range,
 * else an open-addressing table) probed a vector at a time; any other type into
 * a hash map of serialized values (keys.c).  The semi-join reductions of the
 * planner make sets of millions of keys probed by millions of rows, so the word
 * set matters.
 */
#include "base/buf.h"
#include "base/hash.h"
#include "base/wordset.h"
#include "engine/exec/exec_int.h"
#include "engine/exec/fn_common.h"
#include "engine/exec/functions.h"

struct exec_in_set {
    bk_hmap *values;         /* serialized values; NULL when the word set is used */
    const bk_wordset *words; /* integer-like values, sign-extended to 64 bits */
    size_t width;            /* bytes of one value (word set only) */
    const bk_vector *list; /* the values as given, for scan pushdown */
    bool has_null;
    bk_cleanup cleanup;
};

static void set_free(void *arg) {
    exec_in_set *s = arg;
    bk_hmap_free(s->values);
    s->values = NULL;
}

static bk_status make_typed(bk_arena *a, exec_in_set *s, const bk_vector *values, bk_error *err) {
    s->width = bk_type_width(values->type);
    uint64_t *w = bk_arena_array(a, values->n ? values->n : 1, sizeof *w);
    if (!w) return bk_arena_oom(a, err);
    size_t k = 0;
    for (size_t i = 0; i < values->n; i++) {
        if (!bk_vector_is_valid(values, i))
            s->has_null = true;
        else
            w[k++] = bk_wordset_word(values->data, s->width, i);
    }
    if (!(s->words = bk_wordset_build(a, w, k))) return bk_arena_oom(a, err);
    return BK_OK;
}

bk_status exec_in_set_make(bk_arena *a, const bk_vector *values, exec_in_set **out, bk_error *err) {
    exec_in_set *s = bk_arena_zalloc(a, sizeof *s);
    if (!s) return bk_arena_oom(a, err);
    if (bk_wordset_type_ok(values->type) && values->data) {
        s->list = values;
        BK_TRY(make_typed(a, s, values, err));
        *out = s;
        return BK_OK;
    }
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
    if (!s->list || s->list->n == 0) { /* x IN (an empty subquery) is false, even for NULL x */
        v = bk_vector_make(call->a, bk_type_scalar(BK_TYPE_BOOLEAN), n);
        if (!v) return bk_arena_oom(call->a, err);
        *out = v;
        return BK_OK;
    }
    BK_TRY(exec_fn_result(call, bk_type_scalar(BK_TYPE_BOOLEAN), args, 1, n, &v, err));
    uint8_t *r = v->data;
    if (s->words) {
        const bk_vector *x = args[0];
        if (bk_type_width(x->type) != s->width)
            return bk_error_set(err, BK_INTERNAL, "IN: the value and the set differ in type");
        for (size_t i = 0; i < n; i++)
            r[i] = bk_wordset_has(s->words, bk_wordset_word(x->data, s->width, i));
        if (x->validity)
            for (size_t i = 0; i < n; i++) r[i] &= bk_vector_is_valid(x, i);
        /* NULL in, NULL out (validity already says so); a miss is NULL when the set has one */
        if (s->has_null)
            for (size_t i = 0; i < n; i++)
                if (!r[i] && bk_vector_is_valid(x, i)) BK_TRY(exec_fn_set_null(call->a, v, i, err));
        *out = v;
        return BK_OK;
    }
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
