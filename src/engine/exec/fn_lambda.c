/*
 * fn_lambda.c — evaluating the higher-order functions (fn_lambda.h).
 *
 * Each function flattens its ARRAY (or MAP) argument into the element vector
 * of the whole chunk, evaluates the lambda body once over all elements (its
 * variables bound to the element vector, the index vector, and the outer
 * columns the body reads repeated per element), then rebuilds arrays from the
 * offsets.  aggregate is sequential per array but still runs the merge body
 * once per step, over the k-th elements of all arrays that have one.
 */
#include <string.h>

#include "base/buf.h"
#include "engine/exec/fn_lambda.h"

/* Mark the columns of a chunk of n_cols columns that e reads (expr.c's rule). */
static void mark(const exec_expr *e, bool *used, uint32_t n_cols, uint32_t inner) {
    if (e->kind == EXEC_EXPR_COLUMN && e->column < n_cols) used[e->column] = true;
    if (e->kind == EXEC_EXPR_LAMBDA_VAR && e->column > inner && e->column - inner <= n_cols)
        used[n_cols - (e->column - inner)] = true;
    if (e->kind == EXEC_EXPR_LAMBDA) inner += e->column;
    for (uint32_t i = 0; i < e->n_args; i++) mark(e->args[i], used, n_cols, inner);
}

/*
 * Evaluate lambda `lam` over n elements: element j belongs to row rows[j] of
 * `in`; vars[0..params) hold the variables, n rows each.
 */
static bk_status eval_lambda(exec_ctx *ctx, bk_arena *a, const exec_expr *lam,
                             const exec_chunk *in, const uint32_t *rows, size_t n,
                             bk_vector **vars, bk_vector **out, bk_error *err) {
    uint32_t p = lam->column, k0 = in->n_cols, w = k0 + p;
    exec_chunk c = {.n = n, .n_cols = w};
    c.cols = bk_arena_zalloc(a, w * sizeof *c.cols);
    bool *used = bk_arena_zalloc(a, w);
    if (!c.cols || !used) return bk_arena_oom(a, err);
    mark(lam->args[0], used, w, 0);
    for (uint32_t k = 0; k < k0; k++) {
        if (!used[k]) continue;
        c.cols[k] = bk_vector_take(a, in->cols[k], rows, n);
        if (!c.cols[k]) return bk_arena_oom(a, err);
    }
    for (uint32_t k = 0; k < p; k++) c.cols[k0 + k] = vars[k];
    return exec_eval(ctx, a, lam->args[0], &c, out, err);
}

/* The elements of the non-NULL rows of an ARRAY or MAP vector, flattened. */
typedef struct flat {
    size_t n;            /* elements */
    uint32_t *rows;      /* element j's row */
    int32_t *pos;        /* element j's index in its array */
    int64_t *offsets;    /* rows + 1 offsets into the elements (NULL rows are empty) */
    bk_vector *child[2]; /* ARRAY: the elements; MAP: keys, values */
    size_t max_len;
} flat;

static bk_status flatten(bk_arena *a, const bk_vector *v, size_t n_rows, flat *f, bk_error *err) {
    const int64_t *off = v->offsets;
    size_t total = 0;
    bool gaps = false;
    f->max_len = 0;
    for (size_t i = 0; i < n_rows; i++) {
        size_t len = (size_t)(off[i + 1] - off[i]);
        if (!bk_vector_is_valid(v, i)) {
            gaps |= len > 0;
            continue;
        }
        total += len;
        if (len > f->max_len) f->max_len = len;
    }
    f->n = total;
    f->rows = bk_arena_array(a, total ? total : 1, sizeof *f->rows);
    f->pos = bk_arena_array(a, total ? total : 1, sizeof *f->pos);
    f->offsets = bk_arena_array(a, n_rows + 1, sizeof *f->offsets);
    uint32_t *idx = bk_arena_array(a, total ? total : 1, sizeof *idx);
    if (!f->rows || !f->pos || !f->offsets || !idx) return bk_arena_oom(a, err);
    size_t j = 0;
    f->offsets[0] = 0;
    for (size_t i = 0; i < n_rows; i++) {
        if (bk_vector_is_valid(v, i)) {
            for (int64_t e = off[i]; e < off[i + 1]; e++, j++) {
                f->rows[j] = (uint32_t)i;
                f->pos[j] = (int32_t)(e - off[i]);
                idx[j] = (uint32_t)e;
            }
        }
        f->offsets[i + 1] = (int64_t)j;
    }
    uint32_t n_child = v->type->kind == BK_TYPE_MAP ? 2 : 1;
    for (uint32_t c = 0; c < n_child; c++) {
        f->child[c] = gaps ? bk_vector_take(a, v->children[c], idx, total) : v->children[c];
        if (!f->child[c]) return bk_arena_oom(a, err);
    }
    return BK_OK;
}

/* Copy src's validity (rows 0..n) into v. */
static bk_status copy_validity(bk_arena *a, bk_vector *v, const bk_vector *src, size_t n,
                               bk_error *err) {
    if (!src->validity) return BK_OK;
    v->validity = bk_arena_alloc(a, (n + 7) / 8 + 1);
    if (!v->validity) return bk_arena_oom(a, err);
    memcpy(v->validity, src->validity, (n + 7) / 8);
    return BK_OK;
}

/* An ARRAY or MAP of `type` over the given offsets and children, NULL where `nulls` is. */
static bk_status make_nested(bk_arena *a, const bk_type *type, size_t n, int64_t *offsets,
                             bk_vector *c0, bk_vector *c1, const bk_vector *nulls,
                             bk_vector **out, bk_error *err) {
    bk_vector *v = bk_vector_make(a, type, n);
    if (!v) return bk_arena_oom(a, err);
    v->offsets = offsets;
    v->children[0] = c0;
    if (c1) v->children[1] = c1;
    BK_TRY(copy_validity(a, v, nulls, n, err));
    *out = v;
    return BK_OK;
}

/* An INT vector of the element indexes. */
static bk_vector *index_vector(bk_arena *a, const flat *f) {
    bk_vector *v = bk_vector_make(a, bk_type_scalar(BK_TYPE_INT), f->n);
    if (v && f->n) memcpy(v->data, f->pos, f->n * sizeof *f->pos);
    return v;
}

/* Rows idx[0..n) of v, NULL where idx[j] is UINT32_MAX. */
static bk_status take_or_null(bk_arena *a, const bk_vector *v, const uint32_t *idx, size_t n,
                              bk_vector **out, bk_error *err) {
    bk_vector *null_row = bk_vector_make(a, v->type, 1);
    if (!null_row || bk_vector_ensure_validity(a, null_row) != BK_OK) return bk_arena_oom(a, err);
    bk_validity_set(null_row->validity, 0, false);
    bk_vector *parts[2] = {(bk_vector *)v, null_row};
    bk_vector *all = bk_vector_concat(a, parts, 2);
    uint32_t *map = bk_arena_array(a, n ? n : 1, sizeof *map);
    if (!all || !map) return bk_arena_oom(a, err);
    for (size_t j = 0; j < n; j++) map[j] = idx[j] == UINT32_MAX ? (uint32_t)v->n : idx[j];
    *out = bk_vector_take(a, all, map, n);
    return *out ? BK_OK : bk_arena_oom(a, err);
}

/* Boolean row j: 1 true, 0 false, -1 NULL. */
static inline int truth(const bk_vector *v, size_t j) {
    if (!bk_vector_is_valid(v, j)) return -1;
    return ((const uint8_t *)v->data)[j] != 0;
}

/*
 * filter / map_filter: the elements of the n rows whose predicate `res` is TRUE
 * (keep[0..*k), in order) and the new offsets of the rows (n + 1 entries).
 */
static bk_status kept_elements(bk_arena *a, const flat *f, size_t n, const bk_vector *res,
                               uint32_t **keep, int64_t **offs, size_t *k, bk_error *err) {
    *keep = bk_arena_array(a, f->n ? f->n : 1, sizeof **keep);
    *offs = bk_arena_array(a, n + 1, sizeof **offs);
    if (!*keep || !*offs) return bk_arena_oom(a, err);
    size_t kept = 0;
    (*offs)[0] = 0;
    for (size_t i = 0; i < n; i++) {
        for (int64_t j = f->offsets[i]; j < f->offsets[i + 1]; j++) {
            (*keep)[kept] = (uint32_t)j;
            kept += truth(res, (size_t)j) == 1;
        }
        (*offs)[i + 1] = (int64_t)kept;
    }
    *k = kept;
    return BK_OK;
}

/* transform / filter / exists / forall over one ARRAY. */
static bk_status eval_array_fn(exec_ctx *ctx, bk_arena *a, const exec_expr *e,
                               const exec_chunk *in, bk_vector **out, bk_error *err) {
    exec_hof_kind kind = exec_hof_of(e);
    size_t n = in->n;
    bk_vector *arr;
    BK_TRY(exec_eval(ctx, a, e->args[0], in, &arr, err));
    flat f;
    BK_TRY(flatten(a, arr, n, &f, err));
    const exec_expr *lam = e->args[1];
    bk_vector *vars[2] = {f.child[0], NULL};
    if (lam->column == 2 && !(vars[1] = index_vector(a, &f))) return bk_arena_oom(a, err);
    bk_vector *res;
    BK_TRY(eval_lambda(ctx, a, lam, in, f.rows, f.n, vars, &res, err));
    if (kind == EXEC_HOF_TRANSFORM)
        return make_nested(a, e->type, n, f.offsets, res, NULL, arr, out, err);
    if (kind == EXEC_HOF_FILTER) {
        uint32_t *keep;
        int64_t *offs;
        size_t k;
        BK_TRY(kept_elements(a, &f, n, res, &keep, &offs, &k, err));
        bk_vector *child = bk_vector_take(a, f.child[0], keep, k);
        if (!child) return bk_arena_oom(a, err);
        return make_nested(a, e->type, n, offs, child, NULL, arr, out, err);
    }
    /* exists / forall: three-valued */
    bool is_exists = kind == EXEC_HOF_EXISTS;
    bk_vector *v = bk_vector_make(a, e->type, n);
    if (!v || bk_vector_ensure_validity(a, v) != BK_OK) return bk_arena_oom(a, err);
    uint8_t *val = v->data;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(arr, i)) {
            bk_validity_set(v->validity, i, false);
            continue;
        }
        bool decided = false, saw_null = false;
        for (int64_t j = f.offsets[i]; j < f.offsets[i + 1] && !decided; j++) {
            int t = truth(res, (size_t)j);
            if (t < 0)
                saw_null = true;
            else if ((t == 1) == is_exists)
                decided = true;
        }
        val[i] = decided ? is_exists : !is_exists;
        bk_validity_set(v->validity, i, decided || !saw_null);
    }
    *out = v;
    return BK_OK;
}

/*
 * DUPLICATED_MAP_KEY when a map's new keys repeat (Spark's default
 * spark.sql.mapKeyDedupPolicy EXCEPTION).  Pairwise within each map.
 */
static bk_status check_unique_keys(const bk_vector *keys, const flat *f, size_t n,
                                   bk_error *err) {
    for (size_t i = 0; i < n; i++)
        for (int64_t x = f->offsets[i]; x < f->offsets[i + 1]; x++)
            for (int64_t y = x + 1; y < f->offsets[i + 1]; y++) {
                if (bk_vector_compare(keys, (size_t)x, keys, (size_t)y) != 0) continue;
                bk_buf b;
                bk_buf_init(&b);
                bk_status st = bk_vector_format_value(keys, (size_t)y, &b);
                bk_status rc = bk_error_set(
                    err, st == BK_OK ? BK_DUPLICATED_MAP_KEY : BK_OUT_OF_MEMORY,
                    "Duplicate map key %.*s was found, please check the input data. If you want "
                    "to remove the duplicated keys, you can set \"spark.sql.mapKeyDedupPolicy\" "
                    "to \"LAST_WIN\" so that the key inserted at last takes precedence.",
                    (int)b.len, b.len ? (const char *)b.data : "");
                bk_buf_destroy(&b);
                return rc;
            }
    return BK_OK;
}

/* map_filter / transform_values / transform_keys over one MAP. */
static bk_status eval_map_fn(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                             bk_vector **out, bk_error *err) {
    exec_hof_kind kind = exec_hof_of(e);
    size_t n = in->n;
    bk_vector *m;
    BK_TRY(exec_eval(ctx, a, e->args[0], in, &m, err));
    flat f;
    BK_TRY(flatten(a, m, n, &f, err));
    bk_vector *res;
    BK_TRY(eval_lambda(ctx, a, e->args[1], in, f.rows, f.n, f.child, &res, err));
    if (kind == EXEC_HOF_TRANSFORM_VALUES)
        return make_nested(a, e->type, n, f.offsets, f.child[0], res, m, out, err);
    if (kind == EXEC_HOF_TRANSFORM_KEYS) {
        for (size_t j = 0; j < f.n; j++)
            if (!bk_vector_is_valid(res, j))
                return bk_error_set(err, BK_NULL_MAP_KEY, "Cannot use null as map key.");
        BK_TRY(check_unique_keys(res, &f, n, err));
        return make_nested(a, e->type, n, f.offsets, res, f.child[1], m, out, err);
    }
    uint32_t *keep;
    int64_t *offs;
    size_t k;
    BK_TRY(kept_elements(a, &f, n, res, &keep, &offs, &k, err));
    bk_vector *keys = bk_vector_take(a, f.child[0], keep, k);
    bk_vector *vals = bk_vector_take(a, f.child[1], keep, k);
    if (!keys || !vals) return bk_arena_oom(a, err);
    return make_nested(a, e->type, n, offs, keys, vals, m, out, err);
}

/* zip_with(a, b, (x, y) -> v): NULL if either is NULL; the shorter padded with NULLs. */
static bk_status eval_zip_with(exec_ctx *ctx, bk_arena *a, const exec_expr *e,
                               const exec_chunk *in, bk_vector **out, bk_error *err) {
    size_t n = in->n;
    bk_vector *x, *y;
    BK_TRY(exec_eval(ctx, a, e->args[0], in, &x, err));
    BK_TRY(exec_eval(ctx, a, e->args[1], in, &y, err));
    bk_vector *nulls = bk_vector_make(a, bk_type_scalar(BK_TYPE_BOOLEAN), n);
    int64_t *offs = bk_arena_array(a, n + 1, sizeof *offs);
    if (!nulls || !offs || bk_vector_ensure_validity(a, nulls) != BK_OK)
        return bk_arena_oom(a, err);
    size_t total = 0;
    offs[0] = 0;
    for (size_t i = 0; i < n; i++) {
        bool ok = bk_vector_is_valid(x, i) && bk_vector_is_valid(y, i);
        bk_validity_set(nulls->validity, i, ok);
        if (ok) {
            int64_t lx = x->offsets[i + 1] - x->offsets[i], ly = y->offsets[i + 1] - y->offsets[i];
            total += (size_t)(lx > ly ? lx : ly);
        }
        offs[i + 1] = (int64_t)total;
    }
    uint32_t *rows = bk_arena_array(a, total ? total : 1, sizeof *rows);
    uint32_t *ix = bk_arena_array(a, total ? total : 1, sizeof *ix);
    uint32_t *iy = bk_arena_array(a, total ? total : 1, sizeof *iy);
    if (!rows || !ix || !iy) return bk_arena_oom(a, err);
    for (size_t i = 0; i < n; i++) {
        int64_t lx = x->offsets[i + 1] - x->offsets[i], ly = y->offsets[i + 1] - y->offsets[i];
        for (int64_t j = 0; j < offs[i + 1] - offs[i]; j++) {
            size_t at = (size_t)(offs[i] + j);
            rows[at] = (uint32_t)i;
            ix[at] = j < lx ? (uint32_t)(x->offsets[i] + j) : UINT32_MAX;
            iy[at] = j < ly ? (uint32_t)(y->offsets[i] + j) : UINT32_MAX;
        }
    }
    bk_vector *vars[2], *res;
    BK_TRY(take_or_null(a, x->children[0], ix, total, &vars[0], err));
    BK_TRY(take_or_null(a, y->children[0], iy, total, &vars[1], err));
    BK_TRY(eval_lambda(ctx, a, e->args[2], in, rows, total, vars, &res, err));
    return make_nested(a, e->type, n, offs, res, NULL, nulls, out, err);
}

/* aggregate(arr, zero, (acc, x) -> acc [, acc -> r]): one merge step per element index. */
static bk_status eval_aggregate(exec_ctx *ctx, bk_arena *a, const exec_expr *e,
                                const exec_chunk *in, bk_vector **out, bk_error *err) {
    size_t n = in->n;
    bk_vector *arr, *acc;
    BK_TRY(exec_eval(ctx, a, e->args[0], in, &arr, err));
    BK_TRY(exec_eval(ctx, a, e->args[1], in, &acc, err));
    flat f;
    BK_TRY(flatten(a, arr, n, &f, err));
    uint32_t *active = bk_arena_array(a, n ? n : 1, sizeof *active);
    uint32_t *elem = bk_arena_array(a, n ? n : 1, sizeof *elem);
    uint32_t *map = bk_arena_array(a, n ? n : 1, sizeof *map);
    if (!active || !elem || !map) return bk_arena_oom(a, err);
    for (size_t k = 0; k < f.max_len; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            map[i] = (uint32_t)i;
            if (f.offsets[i + 1] - f.offsets[i] <= (int64_t)k) continue;
            map[i] = (uint32_t)(n + m);
            elem[m] = (uint32_t)(f.offsets[i] + (int64_t)k);
            active[m++] = (uint32_t)i;
        }
        bk_vector *vars[2], *res;
        vars[0] = bk_vector_take(a, acc, active, m);
        vars[1] = bk_vector_take(a, f.child[0], elem, m);
        if (!vars[0] || !vars[1]) return bk_arena_oom(a, err);
        BK_TRY(eval_lambda(ctx, a, e->args[2], in, active, m, vars, &res, err));
        bk_vector *parts[2] = {acc, res};
        bk_vector *all = bk_vector_concat(a, parts, 2);
        acc = all ? bk_vector_take(a, all, map, n) : NULL;
        if (!acc) return bk_arena_oom(a, err);
        BK_TRY(exec_check_cancel(ctx, err));
    }
    for (size_t i = 0; i < n; i++) map[i] = bk_vector_is_valid(arr, i) ? (uint32_t)i : UINT32_MAX;
    if (e->n_args > 3) {
        for (size_t i = 0; i < n; i++) active[i] = (uint32_t)i;
        BK_TRY(eval_lambda(ctx, a, e->args[3], in, active, n, &acc, &acc, err));
    }
    return take_or_null(a, acc, map, n, out, err);
}

bk_status exec_eval_hof(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                        bk_vector **out, bk_error *err) {
    bk_status st;
    switch (exec_hof_of(e)) {
    case EXEC_HOF_TRANSFORM:
    case EXEC_HOF_FILTER:
    case EXEC_HOF_EXISTS:
    case EXEC_HOF_FORALL:
        st = eval_array_fn(ctx, a, e, in, out, err);
        break;
    case EXEC_HOF_AGGREGATE:
        st = eval_aggregate(ctx, a, e, in, out, err);
        break;
    case EXEC_HOF_ZIP_WITH:
        st = eval_zip_with(ctx, a, e, in, out, err);
        break;
    default:
        st = eval_map_fn(ctx, a, e, in, out, err);
        break;
    }
    if (BK_UNLIKELY(st != BK_OK) && err && err->sql_pos < 0 && e->sql_at)
        err->sql_pos = (int)e->sql_at - 1;
    return st;
}
