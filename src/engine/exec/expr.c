/*
 * expr.c — evaluating bound expressions a chunk at a time.
 *
 * Column references cost nothing (the input vector is the result), constants
 * are broadcast, calls evaluate their arguments and run the kernel over whole
 * vectors.  AND, OR and CASE are lazy the way Spark is: the right side of an
 * AND is evaluated only for rows where the left is not false, a CASE branch
 * only for the rows that reach it, so `CASE WHEN d <> 0 THEN n / d END` never
 * divides by zero.  Lazy parts run on a gathered copy of just those rows and
 * their results are put back in row order by gather_pieces.
 */
#include <string.h>

#include "base/buf.h"
#include "engine/exec/exec.h"

exec_expr *exec_expr_column(bk_arena *a, uint32_t column, const bk_type *type) {
    exec_expr *e = bk_arena_zalloc(a, sizeof *e);
    if (!e) return NULL;
    e->kind = EXEC_EXPR_COLUMN;
    e->column = column;
    e->type = type;
    return e;
}

exec_expr *exec_expr_const(bk_arena *a, const bk_vector *value) {
    exec_expr *e = bk_arena_zalloc(a, sizeof *e);
    if (!e) return NULL;
    e->kind = EXEC_EXPR_CONST;
    e->value = value;
    e->type = value->type;
    return e;
}

exec_expr *exec_expr_call(bk_arena *a, const char *name, exec_kernel kernel, const bk_type *type,
                          exec_expr **args, uint32_t n_args) {
    exec_expr *e = bk_arena_zalloc(a, sizeof *e);
    if (!e) return NULL;
    e->kind = EXEC_EXPR_CALL;
    e->name = name;
    e->kernel = kernel;
    e->type = type;
    e->args = args;
    e->n_args = n_args;
    return e;
}

bk_status exec_check_cancel(exec_ctx *ctx, bk_error *err) {
    if (BK_LIKELY(!atomic_load_explicit(&ctx->cancel, memory_order_relaxed))) return BK_OK;
    return bk_error_set(err, BK_CANCELLED, "Operation has been canceled.");
}

/* Row 0 of `value` repeated n times: flat values filled by width, nested ones gathered. */
static bk_vector *broadcast(bk_arena *a, const bk_vector *value, size_t n) {
    size_t w = bk_type_width(value->type);
    if (value->children || !value->data || !w) {
        uint32_t *idx = bk_arena_zalloc(a, (n ? n : 1) * sizeof *idx);
        if (!idx) return NULL;
        return bk_vector_take(a, value, idx, n);
    }
    bk_vector *out = bk_vector_make_unset(a, value->type, n);
    if (!out || n == 0) return out;
    if (!bk_vector_is_valid(value, 0)) {
        if (bk_vector_ensure_validity(a, out) != BK_OK) return NULL;
        memset(out->validity, 0, (n + 7) / 8);
        memset(out->data, 0, n * w);
        return out;
    }
#define FILL(T)                                                                                    \
    do {                                                                                           \
        T x;                                                                                       \
        memcpy(&x, value->data, sizeof x);                                                         \
        for (size_t i = 0; i < n; i++) ((T *)out->data)[i] = x;                                    \
    } while (0)
    switch (w) {
    case 1: FILL(uint8_t); break;
    case 2: FILL(uint16_t); break;
    case 4: FILL(uint32_t); break;
    case 8: FILL(uint64_t); break;
    default:
        for (size_t i = 0; i < n; i++) memcpy((uint8_t *)out->data + i * w, value->data, w);
    }
#undef FILL
    return out;
}

/*
 * Mark the input columns e reads (columns are only ever read through args);
 * `inner` counts the lambda variables the lambdas between here and e add.
 */
static void mark_columns(const exec_expr *e, bool *used, uint32_t n_cols, uint32_t inner) {
    if (e->kind == EXEC_EXPR_COLUMN && e->column < n_cols) used[e->column] = true;
    if (e->kind == EXEC_EXPR_LAMBDA_VAR && e->column > inner && e->column - inner <= n_cols)
        used[n_cols - (e->column - inner)] = true;
    if (e->kind == EXEC_EXPR_LAMBDA) inner += e->column;
    for (uint32_t i = 0; i < e->n_args; i++) mark_columns(e->args[i], used, n_cols, inner);
}

/* The rows sel[0..n) of the columns of `in` that e reads (the others stay NULL). */
static bk_status chunk_take(bk_arena *a, const exec_expr *e, const exec_chunk *in,
                            const uint32_t *sel, size_t n, exec_chunk *out, bk_error *err) {
    out->n = n;
    out->n_cols = in->n_cols;
    out->cols = bk_arena_zalloc(a, (in->n_cols ? in->n_cols : 1) * sizeof *out->cols);
    bool *used = bk_arena_zalloc(a, in->n_cols ? in->n_cols : 1);
    if (!out->cols || !used) return bk_arena_oom(a, err);
    mark_columns(e, used, in->n_cols, 0);
    for (uint32_t k = 0; k < in->n_cols; k++) {
        if (!used[k]) continue;
        out->cols[k] = bk_vector_take(a, in->cols[k], sel, n);
        if (!out->cols[k]) return bk_arena_oom(a, err);
    }
    return BK_OK;
}

/*
 * Assemble a vector of n rows from pieces: row i is row src_row[i] of
 * pieces[src[i]], or NULL when src[i] is n_pieces.  Works for every type: the
 * pieces (and one NULL row) are concatenated, then rows are taken.
 */
static bk_status gather_pieces(bk_arena *a, const bk_type *type, bk_vector **pieces,
                               size_t n_pieces, const uint32_t *src, const uint32_t *src_row,
                               size_t n, bk_vector **out, bk_error *err) {
    bk_vector **parts = bk_arena_array(a, n_pieces + 1, sizeof *parts);
    size_t *base = bk_arena_array(a, n_pieces + 1, sizeof *base);
    uint32_t *idx = bk_arena_array(a, n ? n : 1, sizeof *idx);
    bk_vector *null_row = bk_vector_make(a, type, 1);
    if (!parts || !base || !idx || !null_row || bk_vector_ensure_validity(a, null_row) != BK_OK)
        return bk_arena_oom(a, err);
    bk_validity_set(null_row->validity, 0, false);
    size_t total = 0;
    for (size_t p = 0; p < n_pieces; p++) {
        parts[p] = pieces[p];
        base[p] = total;
        total += pieces[p]->n;
    }
    parts[n_pieces] = null_row;
    base[n_pieces] = total;
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)(base[src[i]] + (src[i] == n_pieces ? 0 : src_row[i]));
    bk_vector *all = bk_vector_concat(a, parts, n_pieces + 1);
    *out = all ? bk_vector_take(a, all, idx, n) : NULL;
    return *out ? BK_OK : bk_arena_oom(a, err);
}

/* Boolean value of row i: 1 true, 0 false, -1 NULL. */
static inline int truth(const bk_vector *v, size_t i) {
    if (!bk_vector_is_valid(v, i)) return -1;
    return ((const uint8_t *)v->data)[i] != 0;
}

/* Evaluate e over the rows sel[0..n_sel) of `in` only (all rows when sel is NULL). */
static bk_status eval_on(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                         const uint32_t *sel, size_t n_sel, bk_vector **out, bk_error *err) {
    if (!sel) return exec_eval(ctx, a, e, in, out, err);
    exec_chunk sub;
    BK_TRY(chunk_take(a, e, in, sel, n_sel, &sub, err));
    return exec_eval(ctx, a, e, &sub, out, err);
}

/* AND / OR with three-valued logic; the right side sees only undecided rows. */
static bk_status eval_logic(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                            bk_vector **out, bk_error *err) {
    bool is_and = e->kind == EXEC_EXPR_AND;
    size_t n = in->n;
    bk_vector *res = bk_vector_make(a, bk_type_scalar(BK_TYPE_BOOLEAN), n);
    uint32_t *undecided = bk_arena_array(a, n ? n : 1, sizeof *undecided);
    if (!res || !undecided || bk_vector_ensure_validity(a, res) != BK_OK)
        return bk_arena_oom(a, err);
    uint8_t *val = res->data;
    /* state per row: value so far (1, 0, -1 NULL) */
    bk_vector *first;
    BK_TRY(exec_eval(ctx, a, e->args[0], in, &first, err));
    int8_t *state = bk_arena_alloc(a, n ? n : 1);
    if (!state) return bk_arena_oom(a, err);
    for (size_t i = 0; i < n; i++) state[i] = (int8_t)truth(first, i);
    for (uint32_t k = 1; k < e->n_args; k++) {
        size_t n_und = 0;
        /* AND is decided by a false, OR by a true */
        for (size_t i = 0; i < n; i++)
            if (state[i] != (is_and ? 0 : 1)) undecided[n_und++] = (uint32_t)i;
        if (n_und == 0) break;
        bk_vector *next;
        BK_TRY(eval_on(ctx, a, e->args[k], in, n_und == n ? NULL : undecided, n_und, &next, err));
        for (size_t j = 0; j < n_und; j++) {
            size_t i = undecided[j];
            int r = truth(next, j), l = state[i];
            if (is_and)
                state[i] = (int8_t)(r == 0 ? 0 : (l == -1 || r == -1) ? -1 : 1);
            else
                state[i] = (int8_t)(r == 1 ? 1 : (l == -1 || r == -1) ? -1 : 0);
        }
    }
    for (size_t i = 0; i < n; i++) {
        val[i] = state[i] == 1;
        bk_validity_set(res->validity, i, state[i] >= 0);
    }
    *out = res;
    return BK_OK;
}

/* CASE WHEN c1 THEN v1 ... [ELSE e] END: each branch evaluated on the rows that reach it. */
static bk_status eval_case(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                           bk_vector **out, bk_error *err) {
    size_t n = in->n;
    uint32_t n_branches = e->n_args / 2;
    bk_vector **pieces = bk_arena_array(a, n_branches + 1, sizeof *pieces);
    uint32_t *src = bk_arena_array(a, n ? n : 1, sizeof *src);
    uint32_t *src_row = bk_arena_array(a, n ? n : 1, sizeof *src_row);
    uint32_t *rest = bk_arena_array(a, n ? n : 1, sizeof *rest); /* rows still open */
    uint32_t *hit = bk_arena_array(a, n ? n : 1, sizeof *hit);
    if (!pieces || !src || !src_row || !rest || !hit) return bk_arena_oom(a, err);
    size_t n_rest = n, n_pieces = 0;
    for (size_t i = 0; i < n; i++) rest[i] = (uint32_t)i;
    bool all = true; /* rest is 0..n-1 */
    for (uint32_t b = 0; b < n_branches && n_rest; b++) {
        bk_vector *cond;
        BK_TRY(eval_on(ctx, a, e->args[2 * b], in, all ? NULL : rest, n_rest, &cond, err));
        size_t n_hit = 0, n_keep = 0;
        for (size_t j = 0; j < n_rest; j++) {
            if (truth(cond, j) == 1)
                hit[n_hit++] = rest[j];
            else
                rest[n_keep++] = rest[j];
        }
        if (n_hit == 0) continue;
        all = false;
        bk_vector *val;
        BK_TRY(eval_on(ctx, a, e->args[2 * b + 1], in, n_hit == n ? NULL : hit, n_hit, &val, err));
        for (size_t j = 0; j < n_hit; j++) {
            src[hit[j]] = (uint32_t)n_pieces;
            src_row[hit[j]] = (uint32_t)j;
        }
        pieces[n_pieces++] = val;
        n_rest = n_keep;
    }
    if (n_rest && e->has_else) {
        bk_vector *val;
        BK_TRY(eval_on(ctx, a, e->args[e->n_args - 1], in, all ? NULL : rest, n_rest, &val, err));
        if (all) {
            *out = val;
            return BK_OK;
        }
        for (size_t j = 0; j < n_rest; j++) {
            src[rest[j]] = (uint32_t)n_pieces;
            src_row[rest[j]] = (uint32_t)j;
        }
        pieces[n_pieces++] = val;
        n_rest = 0;
    }
    /* rows no branch took are NULL (gather_pieces reads piece n_pieces as NULL) */
    for (size_t j = 0; j < n_rest; j++) src[rest[j]] = (uint32_t)n_pieces;
    return gather_pieces(a, e->type, pieces, n_pieces, src, src_row, n, out, err);
}

bk_status exec_eval(exec_ctx *ctx, bk_arena *a, const exec_expr *e, const exec_chunk *in,
                    bk_vector **out, bk_error *err) {
    switch (e->kind) {
    case EXEC_EXPR_COLUMN:
        *out = in->cols[e->column];
        return BK_OK;
    case EXEC_EXPR_CONST:
        *out = broadcast(a, e->value, in->n);
        return *out ? BK_OK : bk_arena_oom(a, err);
    case EXEC_EXPR_AND:
    case EXEC_EXPR_OR:
        return eval_logic(ctx, a, e, in, out, err);
    case EXEC_EXPR_CASE:
        return eval_case(ctx, a, e, in, out, err);
    case EXEC_EXPR_HOF:
        return exec_eval_hof(ctx, a, e, in, out, err);
    case EXEC_EXPR_LAMBDA_VAR:
        *out = in->cols[in->n_cols - e->column];
        return BK_OK;
    case EXEC_EXPR_LAMBDA:
        return bk_error_set(err, BK_INTERNAL, "a lambda function evaluated on its own");
    case EXEC_EXPR_CALL:
        break;
    }
    bk_vector *stack_args[8];
    bk_vector **args = stack_args;
    if (e->n_args > BK_ARRAY_LEN(stack_args)) {
        args = bk_arena_array(a, e->n_args, sizeof *args);
        if (!args) return bk_arena_oom(a, err);
    }
    for (uint32_t k = 0; k < e->n_args; k++)
        BK_TRY(exec_eval(ctx, a, e->args[k], in, &args[k], err));
    exec_call call = {.expr = e, .ctx = ctx, .a = a};
    bk_status st = e->kernel(&call, args, in->n, out, err);
    if (BK_UNLIKELY(st != BK_OK) && err && err->sql_pos < 0 && e->sql_at)
        err->sql_pos = (int)e->sql_at - 1; /* DIVIDE_BY_ZERO & co. point at the fragment */
    return st;
}

bk_status exec_eval_filter(exec_ctx *ctx, bk_arena *a, const exec_expr *pred, const exec_chunk *in,
                           uint32_t *sel, size_t *n_sel, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_eval(ctx, a, pred, in, &v, err));
    const uint8_t *val = v->data;
    size_t k = 0;
    if (!v->validity) {
        for (size_t i = 0; i < in->n; i++) {
            sel[k] = (uint32_t)i;
            k += val[i] != 0;
        }
    } else {
        for (size_t i = 0; i < in->n; i++) {
            sel[k] = (uint32_t)i;
            k += val[i] != 0 && bk_vector_is_valid(v, i);
        }
    }
    *n_sel = k;
    return BK_OK;
}

bk_status exec_expr_format(const exec_expr *e, const char *const *names, bk_buf *out) {
    switch (e->kind) {
    case EXEC_EXPR_COLUMN:
        if (names && names[e->column]) return bk_buf_printf(out, "%s", names[e->column]);
        return bk_buf_printf(out, "#%u", e->column);
    case EXEC_EXPR_CONST:
        return bk_vector_format_value(e->value, 0, out);
    case EXEC_EXPR_AND:
    case EXEC_EXPR_OR:
        BK_TRY(bk_buf_printf(out, "("));
        for (uint32_t k = 0; k < e->n_args; k++) {
            if (k) BK_TRY(bk_buf_printf(out, e->kind == EXEC_EXPR_AND ? " AND " : " OR "));
            BK_TRY(exec_expr_format(e->args[k], names, out));
        }
        return bk_buf_printf(out, ")");
    case EXEC_EXPR_CASE:
        BK_TRY(bk_buf_printf(out, "CASE"));
        for (uint32_t k = 0; k + 1 < e->n_args; k += 2) { /* WHEN/THEN pairs; ELSE is last */
            BK_TRY(bk_buf_printf(out, " WHEN "));
            BK_TRY(exec_expr_format(e->args[k], names, out));
            BK_TRY(bk_buf_printf(out, " THEN "));
            BK_TRY(exec_expr_format(e->args[k + 1], names, out));
        }
        if (e->has_else) {
            BK_TRY(bk_buf_printf(out, " ELSE "));
            BK_TRY(exec_expr_format(e->args[e->n_args - 1], names, out));
        }
        return bk_buf_printf(out, " END");
    case EXEC_EXPR_LAMBDA_VAR:
        return bk_buf_printf(out, "@%u", e->column);
    case EXEC_EXPR_LAMBDA:
        BK_TRY(bk_buf_printf(out, "lambda(%u) ", e->column));
        return exec_expr_format(e->args[0], names, out);
    case EXEC_EXPR_HOF:
    case EXEC_EXPR_CALL:
        break;
    }
    BK_TRY(bk_buf_printf(out, "%s(", e->name ? e->name : "?"));
    for (uint32_t k = 0; k < e->n_args; k++) {
        if (k) BK_TRY(bk_buf_printf(out, ", "));
        BK_TRY(exec_expr_format(e->args[k], names, out));
    }
    return bk_buf_printf(out, ")");
}
