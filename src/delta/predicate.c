/*
 * predicate.c — evaluating simple predicates row by row (DELETE ... WHERE).
 *
 * The predicates are the same conjunction of `column op constant` that scans use
 * for skipping (pq_predicate); here they decide, per row, with SQL's rule that a
 * comparison with NULL is not true.
 */
#include <string.h>

#include "delta/scan_internal.h"

static bool holds(const pq_predicate *p, const bk_vector *col, size_t row) {
    bool valid = bk_vector_is_valid(col, row);
    if (p->op == PQ_PRED_IS_NULL) return !valid;
    if (p->op == PQ_PRED_IS_NOT_NULL) return valid;
    if (!valid) return false;
    if (p->op == PQ_PRED_IN) {
        for (size_t k = 0; k < p->values->n; k++)
            if (bk_vector_is_valid(p->values, k) && bk_vector_compare(col, row, p->values, k) == 0)
                return true;
        return false;
    }
    if (!p->values || p->values->n < 1 || !bk_vector_is_valid(p->values, 0)) return false;
    int c = bk_vector_compare(col, row, p->values, 0);
    switch (p->op) {
    case PQ_PRED_EQ:
        return c == 0;
    case PQ_PRED_LT:
        return c < 0;
    case PQ_PRED_LE:
        return c <= 0;
    case PQ_PRED_GT:
        return c > 0;
    case PQ_PRED_GE:
        return c >= 0;
    default:
        return false;
    }
}

bk_status delta_predicates_eval(const pq_predicate *preds, uint32_t n_preds, bk_vector *const *cols,
                                size_t n_rows, uint8_t *match, bk_error *err) {
    (void)err;
    memset(match, 1, n_rows);
    for (uint32_t k = 0; k < n_preds; k++) {
        const bk_vector *col = cols[preds[k].field];
        for (size_t r = 0; r < n_rows; r++)
            if (match[r] && !holds(&preds[k], col, r)) match[r] = 0;
    }
    return BK_OK;
}
