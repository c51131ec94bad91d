/*
 * scan_filter.c — evaluating scan predicates exactly on decoded rows
 * (pq_filter_eval), for late materialization in pq_scan.
 *
 * scan.c decodes a row group's predicate columns first and asks this file which
 * of the candidate rows satisfy each predicate; only the survivors' pages of the
 * other columns are then decoded.  One typed loop per (type, op), over the
 * candidates' positions in the decoded vector.  The order is Spark's (the same as
 * engine/exec/fn_compare.c): numbers by value, NaN equal to NaN and above every
 * other number, -0.0 == 0.0; strings and binary bytewise unsigned, then by length;
 * a comparison with NULL is not true.
 */
#include <string.h>

#include "parquet/reader_int.h"

static inline int cmp_int(int64_t x, int64_t y) { return (x > y) - (x < y); }

static inline int cmp_double(double x, double y) {
    if (x < y) return -1;
    if (x > y) return 1;
    if (x == y) return 0;
    bool xn = x != x, yn = y != y;
    return xn && yn ? 0 : xn ? 1 : -1;
}

static inline int cmp_i128(bk_i128 x, bk_i128 y) {
    if (x.hi != y.hi) return x.hi < y.hi ? -1 : 1;
    return (x.lo > y.lo) - (x.lo < y.lo);
}

/* The first bytes inline: most values differ there (flags, modes, short codes). */
static inline int cmp_str(bk_str x, bk_str y) {
    size_t n = x.len < y.len ? x.len : y.len;
    if (n) {
        uint8_t a = (uint8_t)x.ptr[0], b = (uint8_t)y.ptr[0];
        if (a != b) return a < b ? -1 : 1;
        int c = n > 1 ? memcmp(x.ptr + 1, y.ptr + 1, n - 1) : 0;
        if (c) return c < 0 ? -1 : 1;
    }
    return (x.len > y.len) - (x.len < y.len);
}

/* keep[i] &= (CMP(x[idx[i]], lit) OP 0) for one op, chosen outside the loop. */
#define FILTER_LOOP(T, CMP)                                                                        \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        const T lit = ((const T *)p->values->data)[0];                                             \
        switch (p->op) {                                                                           \
        case PQ_PRED_EQ:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= CMP(x[idx[i]], lit) == 0;                    \
            break;                                                                                 \
        case PQ_PRED_LT:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= CMP(x[idx[i]], lit) < 0;                     \
            break;                                                                                 \
        case PQ_PRED_LE:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= CMP(x[idx[i]], lit) <= 0;                    \
            break;                                                                                 \
        case PQ_PRED_GT:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= CMP(x[idx[i]], lit) > 0;                     \
            break;                                                                                 \
        case PQ_PRED_GE:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= CMP(x[idx[i]], lit) >= 0;                    \
            break;                                                                                 \
        default:                                                                                   \
            return false;                                                                          \
        }                                                                                          \
    } while (0)

/* keep[i] &= x[idx[i]] equals one of the valid values. */
#define IN_LOOP(T, CMP)                                                                            \
    do {                                                                                           \
        const T *x = v->data, *vals = p->values->data;                                             \
        for (size_t i = 0; i < n; i++) {                                                           \
            if (!keep[i]) continue;                                                                \
            bool hit = false;                                                                      \
            for (size_t k = 0; k < n_vals && !hit; k++)                                            \
                hit = bk_vector_is_valid(p->values, k) && CMP(x[idx[i]], vals[k]) == 0;            \
            keep[i] = hit;                                                                         \
        }                                                                                          \
    } while (0)

/* IN against the predicate's word set: values of a word-set type, sign-extended. */
#define SET_LOOP(T)                                                                                \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        for (size_t i = 0; i < n; i++)                                                             \
            keep[i] = keep[i] && bk_wordset_has(p->set, (uint64_t)(int64_t)x[idx[i]]);             \
    } while (0)

/* IN by p->set when the column's type is one a word set holds; false otherwise. */
static bool in_by_set(const pq_predicate *p, const bk_vector *v, const uint32_t *idx, size_t n,
                      uint8_t *keep) {
    if (!bk_wordset_type_ok(v->type)) return false;
    switch (bk_type_width(v->type)) {
    case 1: SET_LOOP(int8_t); break;
    case 2: SET_LOOP(int16_t); break;
    case 4: SET_LOOP(int32_t); break;
    default: SET_LOOP(int64_t); break;
    }
    return true;
}

/* The same with the C operators, for integers (no NaN, no bytes). */
#define INT_LOOP(T, CMP)                                                                           \
    do {                                                                                           \
        const T *x = v->data;                                                                      \
        const T lit = ((const T *)p->values->data)[0];                                             \
        switch (p->op) {                                                                           \
        case PQ_PRED_EQ:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= x[idx[i]] == lit;                            \
            break;                                                                                 \
        case PQ_PRED_LT:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= x[idx[i]] < lit;                             \
            break;                                                                                 \
        case PQ_PRED_LE:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= x[idx[i]] <= lit;                            \
            break;                                                                                 \
        case PQ_PRED_GT:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= x[idx[i]] > lit;                             \
            break;                                                                                 \
        case PQ_PRED_GE:                                                                           \
            for (size_t i = 0; i < n; i++) keep[i] &= x[idx[i]] >= lit;                            \
            break;                                                                                 \
        default:                                                                                   \
            return false;                                                                          \
        }                                                                                          \
        (void)CMP;                                                                                 \
    } while (0)

#define BY_TYPE(LOOP, ILOOP)                                                                       \
    switch (v->type->kind) {                                                                       \
    case BK_TYPE_BOOLEAN:                                                                          \
        ILOOP(uint8_t, cmp_int);                                                                   \
        break;                                                                                     \
    case BK_TYPE_TINYINT:                                                                          \
        ILOOP(int8_t, cmp_int);                                                                    \
        break;                                                                                     \
    case BK_TYPE_SMALLINT:                                                                         \
        ILOOP(int16_t, cmp_int);                                                                   \
        break;                                                                                     \
    case BK_TYPE_INT:                                                                              \
    case BK_TYPE_DATE:                                                                             \
        ILOOP(int32_t, cmp_int);                                                                   \
        break;                                                                                     \
    case BK_TYPE_BIGINT:                                                                           \
    case BK_TYPE_TIMESTAMP:                                                                        \
    case BK_TYPE_TIMESTAMP_NTZ:                                                                    \
        ILOOP(int64_t, cmp_int);                                                                   \
        break;                                                                                     \
    case BK_TYPE_DECIMAL:                                                                          \
        if (v->type->precision <= BK_DECIMAL_INT64_MAX_PRECISION)                                  \
            ILOOP(int64_t, cmp_int);                                                               \
        else                                                                                       \
            LOOP(bk_i128, cmp_i128);                                                               \
        break;                                                                                     \
    case BK_TYPE_FLOAT:                                                                            \
        LOOP(float, cmp_double);                                                                   \
        break;                                                                                     \
    case BK_TYPE_DOUBLE:                                                                           \
        LOOP(double, cmp_double);                                                                  \
        break;                                                                                     \
    case BK_TYPE_STRING:                                                                           \
    case BK_TYPE_BINARY:                                                                           \
        LOOP(bk_str, cmp_str);                                                                     \
        break;                                                                                     \
    default:                                                                                       \
        return false;                                                                              \
    }

static bool same_type(const bk_type *x, const bk_type *y) {
    return bk_type_equal(x, y) && x->precision == y->precision && x->scale == y->scale;
}

bool pq_filter_eval(const pq_predicate *p, const bk_vector *v, const uint32_t *idx, size_t n,
                    uint8_t *keep) {
    if (p->op == PQ_PRED_IS_NULL || p->op == PQ_PRED_IS_NOT_NULL) {
        bool want_null = p->op == PQ_PRED_IS_NULL;
        if (!v->validity) {
            if (want_null) memset(keep, 0, n);
            return true;
        }
        for (size_t i = 0; i < n; i++) keep[i] &= bk_vector_is_valid(v, idx[i]) != want_null;
        return true;
    }
    if (!p->values || !same_type(p->values->type, v->type)) return false;
    size_t n_vals = p->values->n;
    if (p->op != PQ_PRED_IN && (n_vals < 1 || !bk_vector_is_valid(p->values, 0))) {
        memset(keep, 0, n); /* x op NULL is never true */
        return true;
    }
    if (p->op == PQ_PRED_IN) {
        if (!p->set || !in_by_set(p, v, idx, n, keep)) BY_TYPE(IN_LOOP, IN_LOOP)
    } else {
        BY_TYPE(FILTER_LOOP, INT_LOOP)
    }
    if (v->validity)
        for (size_t i = 0; i < n; i++) keep[i] &= bk_vector_is_valid(v, idx[i]);
    return true;
}
