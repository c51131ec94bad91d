/*
 * fn_array.c — Spark's array-building collection functions, as the
 * exec_fn_array_defs table and kernels:
 *
 *   array_append(a, x)       a with x added at the end; NULL when a is NULL (a NULL x
 *                            is appended as a NULL element)
 *   array_prepend(a, x)      the same at the front
 *   array_insert(a, pos, x)  x inserted at 1-based pos; pos < 0 counts from the end
 *                            (-1: after the last element); a pos past either end pads
 *                            with NULLs; 0 is INVALID_INDEX_OF_ZERO; NULL when a or
 *                            pos is NULL
 *   array_compact(a)         a without its NULL elements
 *   arrays_zip(a1, ...)      ARRAY<STRUCT<...>>: element i holds element i of every
 *                            array (NULL past an array's end), as long as the longest;
 *                            NULL when any argument is NULL.  Fields are named "0",
 *                            "1", ... (the binder renames those its arguments name)
 *   array_union(a, b)        the distinct elements of a then b, in first-seen order
 *                            (one NULL kept; NaN equals NaN, -0.0 equals 0.0)
 *
 * The element x and the array's elements meet in their tightest common type (no
 * STRING promotion: DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES otherwise), as
 * Spark's ArrayAppend / ArrayPrepend / ArrayInsert do.
 *
 * Results are gathered as in fn_nested.c: the element vectors are concatenated
 * with the item vector and one NULL row, and the result's elements are taken by
 * index, which works for every element type.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "engine/exec/exec_int.h"
#include "engine/exec/fn_library_int.h"
#include "engine/plan/coerce.h"

/* The most elements one result array may hold (Spark's MAX_ROUNDED_ARRAY_LENGTH). */
#define ARRAY_MAX_ELEMS 2147483632LL

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool row_valid(const bk_vector *v, size_t i) { return bk_vector_is_valid(v, i); }

static bk_status oom(const exec_call *call, bk_error *err) { return bk_arena_oom(call->a, err); }

/* A one-row NULL vector of type t, in a; NULL on OOM. */
static bk_vector *null_row(bk_arena *a, const bk_type *t) {
    bk_vector *v = bk_vector_make(a, t, 1);
    if (!v || bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
    bk_validity_set(v->validity, 0, false);
    return v;
}

/* The array's validity copied into v (rows where `arr` is NULL are NULL in v). */
static bk_status copy_validity(const exec_call *call, const bk_vector *arr, bk_vector *v,
                               size_t n, bk_error *err) {
    if (arr->validity && !(v->validity = bk_arena_memdup(call->a, arr->validity, (n + 7) / 8)))
        return oom(call, err);
    return BK_OK;
}

/* ---- binding ---- */

/* DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES for fn(array of `arr`, value of `item`). */
static bk_status diff_types(const char *fn, const bk_type *arr, const bk_type *item,
                            bk_error *err) {
    char lt[200], rt[200];
    bk_type_format(arr, lt, sizeof lt);
    bk_type_format(item, rt, sizeof rt);
    return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                            "ARRAY_FUNCTION_DIFF_TYPES", "Cannot resolve \"%s(...)\" due to data "
                            "type mismatch: Input to `%s` should have been \"ARRAY\" followed by "
                            "a value with same element type, but it's [\"%s\", \"%s\"].",
                            fn, fn, lt, rt);
}

/*
 * The array argument `ai` and the element argument `xi` of fn meet in the tightest
 * common element type et: cast_to[ai] = ARRAY<et>, cast_to[xi] = et, result ARRAY<et>.
 * A NULL (VOID) array becomes ARRAY<type of the element>.
 */
static bk_status bind_array_item(const char *fn, bk_arena *a, const bk_type *const *args,
                                 uint32_t ai, uint32_t xi, const bk_type **cast_to,
                                 const bk_type **result, bk_error *err) {
    const bk_type *arr = args[ai], *item = args[xi];
    if (arr->kind != BK_TYPE_ARRAY && arr->kind != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, fn, ai, "\"ARRAY\"", arr);
    const bk_type *el = arr->kind == BK_TYPE_ARRAY ? arr->children[0] : T(BK_TYPE_VOID);
    const bk_type *et = plan_tightest_common_type(a, el, item, true);
    if (!et) return diff_types(fn, arr, item, err);
    cast_to[ai] = bk_type_make_array(a, et);
    cast_to[xi] = et;
    *result = cast_to[ai];
    return *result ? BK_OK : bk_arena_oom(a, err);
}

static EXEC_BIND(bind_array_append) {
    (void)n_args;
    return bind_array_item("array_append", a, args, 0, 1, cast_to, result, err);
}

static EXEC_BIND(bind_array_prepend) {
    (void)n_args;
    return bind_array_item("array_prepend", a, args, 0, 1, cast_to, result, err);
}

static EXEC_BIND(bind_array_insert) {
    (void)n_args;
    const bk_type *pos = args[1];
    if (!exec_fnlib_is_integral(pos) && pos->kind != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, "array_insert", 1, "\"INT\"", pos);
    if (pos->kind == BK_TYPE_BIGINT) /* Spark takes INT positions only */
        return exec_fnlib_mismatch(err, "array_insert", 1, "\"INT\"", pos);
    BK_TRY(bind_array_item("array_insert", a, args, 0, 2, cast_to, result, err));
    cast_to[1] = T(BK_TYPE_INT);
    return BK_OK;
}

static EXEC_BIND(bind_array_compact) {
    (void)n_args;
    (void)cast_to;
    (void)a;
    if (args[0]->kind != BK_TYPE_ARRAY)
        return exec_fnlib_mismatch(err, "array_compact", 0, "\"ARRAY\"", args[0]);
    *result = args[0];
    return BK_OK;
}

/* ---- append, prepend, insert ---- */

/*
 * The elements of the result: `arr`'s elements, then the n rows of `item`, then one
 * NULL row (padding), as one vector; *item_at and *null_at are where the two start.
 */
static bk_status pool_of(const exec_call *call, const bk_vector *arr, const bk_vector *item,
                         size_t n, bk_vector **pool, uint32_t *item_at, uint32_t *null_at,
                         bk_error *err) {
    bk_vector *nr = null_row(call->a, arr->type->children[0]);
    if (!nr) return oom(call, err);
    bk_vector *parts[3] = {arr->children[0], (bk_vector *)item, nr};
    *pool = bk_vector_concat(call->a, parts, 3);
    if (!*pool) return oom(call, err);
    *item_at = (uint32_t)arr->children[0]->n;
    *null_at = *item_at + (uint32_t)n;
    return BK_OK;
}

/*
 * Where x goes in row i of array_insert, as a 0-based slot in an array of *len
 * elements.  A negative pos reaching before the start puts x first, then *lead
 * NULLs, then the old elements; a pos past the end leaves NULLs between the old
 * elements and x.  Spark's ArrayInsert (non-legacy negative indexes).
 */
static bk_status insert_slot(int64_t pos, int64_t old_len, int64_t *slot, int64_t *len,
                             int64_t *lead, bk_error *err) {
    if (pos == 0)
        return bk_error_set(err, BK_INVALID_INDEX_OF_ZERO,
                            "The index 0 is invalid. An index shall be either < 0 or > 0 (the "
                            "first element has index 1).");
    *lead = 0;
    if (pos < 0 && -pos > old_len) { /* before the start: x, NULLs, then the array */
        *slot = 0;
        *len = -pos;
        *lead = *len - old_len - 1;
    } else {
        *slot = pos < 0 ? old_len + pos + 1 : pos - 1;
        *len = old_len + 1 > *slot + 1 ? old_len + 1 : *slot + 1;
    }
    if (*len > ARRAY_MAX_ELEMS)
        return bk_error_set_sub(err, BK_COLLECTION_SIZE_LIMIT_EXCEEDED,
                                "PARAMETER", "Can't create array with %lld elements which "
                                "exceeding the array size limit %lld,the value of parameter(s) "
                                "`pos` in the function `array_insert` is invalid.",
                                (long long)*len, ARRAY_MAX_ELEMS);
    return BK_OK;
}

/*
 * array_append (where < 0: at the end), array_prepend (where == 0) and array_insert
 * (pos from args[pos_arg]) in one gather: per row the index list of its elements.
 */
static bk_status put_item(const exec_call *call, bk_vector *const *args, int where, int pos_arg,
                          size_t n, bk_vector **out, bk_error *err) {
    const bk_vector *arr = args[0], *pos = pos_arg >= 0 ? args[pos_arg] : NULL;
    const bk_vector *item = args[pos_arg >= 0 ? 2 : 1];
    bk_vector *pool, *v = bk_vector_make(call->a, call->expr->type, n);
    uint32_t item_at = 0, null_at = 0;
    if (!v) return oom(call, err);
    BK_TRY(pool_of(call, arr, item, n, &pool, &item_at, &null_at, err));
    /* first pass: each row's length, so the index list is allocated once */
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        v->offsets[i] = total;
        bool null = !row_valid(arr, i) || (pos && !row_valid(pos, i));
        if (null) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        int64_t old_len = arr->offsets[i + 1] - arr->offsets[i], len = old_len + 1, slot, lead;
        if (pos)
            BK_TRY(insert_slot(((const int32_t *)pos->data)[i], old_len, &slot, &len, &lead,
                               err));
        total += len;
        if (total > UINT32_MAX)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory: array results of %lld "
                                "elements in one chunk", (long long)total);
    }
    v->offsets[n] = total;
    uint32_t *idx = bk_arena_array(call->a, total ? (size_t)total : 1, sizeof *idx);
    if (!idx) return oom(call, err);
    for (size_t i = 0; i < n; i++) {
        if (!row_valid(v, i)) continue;
        uint32_t *d = idx + v->offsets[i];
        int64_t lo = arr->offsets[i], old_len = arr->offsets[i + 1] - lo;
        int64_t len = old_len + 1, slot = where < 0 ? old_len : 0, lead = 0;
        if (pos) (void)insert_slot(((const int32_t *)pos->data)[i], old_len, &slot, &len, &lead,
                                   err);
        if (lead > 0) { /* x, then `lead` NULLs, then the old elements */
            d[0] = item_at + (uint32_t)i;
            for (int64_t k = 1; k <= lead; k++) d[k] = null_at;
            for (int64_t k = 0; k < old_len; k++) d[lead + 1 + k] = (uint32_t)(lo + k);
            continue;
        }
        int64_t src = 0; /* the old elements around x, then NULLs up to x past the end */
        for (int64_t k = 0; k < len; k++)
            d[k] = k == slot ? item_at + (uint32_t)i
                   : src < old_len ? (uint32_t)(lo + src++)
                                   : null_at;
    }
    v->children[0] = bk_vector_take(call->a, pool, idx, (size_t)total);
    if (!v->children[0]) return oom(call, err);
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(kernel_array_append) { return put_item(call, args, -1, -1, n, out, err); }
static EXEC_KERNEL(kernel_array_prepend) { return put_item(call, args, 0, -1, n, out, err); }
static EXEC_KERNEL(kernel_array_insert) { return put_item(call, args, 0, 1, n, out, err); }

/* ---- array_compact ---- */

static EXEC_KERNEL(kernel_array_compact) {
    const bk_vector *arr = args[0], *el = arr->children[0];
    size_t total = (size_t)arr->offsets[n];
    uint32_t *idx = bk_arena_array(call->a, total ? total : 1, sizeof *idx);
    bk_vector *v = bk_vector_make(call->a, arr->type, n);
    if (!idx || !v) return oom(call, err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        v->offsets[i] = (int64_t)k;
        for (int64_t j = arr->offsets[i]; row_valid(arr, i) && j < arr->offsets[i + 1]; j++)
            if (row_valid(el, (size_t)j)) idx[k++] = (uint32_t)j;
    }
    v->offsets[n] = (int64_t)k;
    v->children[0] = bk_vector_take(call->a, el, idx, k);
    if (!v->children[0]) return oom(call, err);
    BK_TRY(copy_validity(call, arr, v, n, err));
    *out = v;
    return BK_OK;
}

/* ---- arrays_zip ---- */

static EXEC_BIND(bind_arrays_zip) {
    const char **names = bk_arena_array(a, n_args ? n_args : 1, sizeof *names);
    const bk_type **types = bk_arena_array(a, n_args ? n_args : 1, sizeof *types);
    if (!names || !types) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_args; k++) {
        const bk_type *t = args[k];
        if (t->kind == BK_TYPE_VOID) {
            cast_to[k] = bk_type_make_array(a, T(BK_TYPE_VOID));
            if (!cast_to[k]) return bk_arena_oom(a, err);
            t = cast_to[k];
        } else if (t->kind != BK_TYPE_ARRAY) {
            return exec_fnlib_mismatch(err, "arrays_zip", k, "\"ARRAY\"", t);
        }
        char buf[16];
        snprintf(buf, sizeof buf, "%u", k);
        names[k] = bk_arena_strndup(a, buf, strlen(buf));
        types[k] = t->children[0];
        if (!names[k]) return bk_arena_oom(a, err);
    }
    const bk_type *st = bk_type_make_struct(a, n_args, names, types, NULL);
    *result = st ? bk_type_make_array(a, st) : NULL;
    return *result ? BK_OK : bk_arena_oom(a, err);
}

static EXEC_KERNEL(kernel_arrays_zip) {
    uint32_t m = call->expr->n_args;
    bk_vector *v = bk_vector_make(call->a, call->expr->type, n);
    if (!v) return oom(call, err);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        v->offsets[i] = total;
        int64_t len = 0;
        bool null = false;
        for (uint32_t k = 0; k < m && !null; k++) {
            null = !row_valid(args[k], i);
            int64_t l = null ? 0 : args[k]->offsets[i + 1] - args[k]->offsets[i];
            len = l > len ? l : len;
        }
        if (null) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        total += len;
    }
    v->offsets[n] = total;
    bk_vector *st = bk_vector_make(call->a, call->expr->type->children[0], (size_t)total);
    uint32_t *idx = bk_arena_array(call->a, total ? (size_t)total : 1, sizeof *idx);
    if (!st || !idx) return oom(call, err);
    for (uint32_t k = 0; k < m; k++) {
        const bk_vector *arr = args[k];
        bk_vector *nr = null_row(call->a, arr->type->children[0]);
        if (!nr) return oom(call, err);
        bk_vector *parts[2] = {arr->children[0], nr};
        bk_vector *pool = bk_vector_concat(call->a, parts, 2);
        if (!pool) return oom(call, err);
        uint32_t null_at = (uint32_t)arr->children[0]->n;
        for (size_t i = 0; i < n; i++) {
            if (!row_valid(v, i)) continue;
            int64_t lo = arr->offsets[i], len = arr->offsets[i + 1] - lo;
            for (int64_t j = 0; j < v->offsets[i + 1] - v->offsets[i]; j++)
                idx[v->offsets[i] + j] = j < len ? (uint32_t)(lo + j) : null_at;
        }
        st->children[k] = bk_vector_take(call->a, pool, idx, (size_t)total);
        if (!st->children[k]) return oom(call, err);
    }
    v->children[0] = st;
    *out = v;
    return BK_OK;
}

/* ---- array_union ---- */

static EXEC_BIND(bind_array_union) {
    (void)n_args;
    const bk_type *l = args[0], *r = args[1];
    const bk_type *lt = l->kind == BK_TYPE_VOID ? bk_type_make_array(a, T(BK_TYPE_VOID)) : l;
    const bk_type *rt = r->kind == BK_TYPE_VOID ? bk_type_make_array(a, T(BK_TYPE_VOID)) : r;
    if (!lt || !rt) return bk_arena_oom(a, err);
    if (lt->kind != BK_TYPE_ARRAY)
        return exec_fnlib_mismatch(err, "array_union", 0, "\"ARRAY\"", l);
    if (rt->kind != BK_TYPE_ARRAY)
        return exec_fnlib_mismatch(err, "array_union", 1, "\"ARRAY\"", r);
    bool ls = lt->children[0]->kind == BK_TYPE_STRING, rs = rt->children[0]->kind == BK_TYPE_STRING;
    bool lv = lt->children[0]->kind == BK_TYPE_VOID, rv = rt->children[0]->kind == BK_TYPE_VOID;
    const bk_type *common = ls != rs && !lv && !rv ? NULL
                                                   : plan_wider_common_type(a, lt, rt, true);
    if (!common) {
        char ln[200], rn[200];
        bk_type_format(l, ln, sizeof ln);
        bk_type_format(r, rn, sizeof rn);
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                                "BINARY_ARRAY_DIFF_TYPES", "Cannot resolve \"array_union(...)\" "
                                "due to data type mismatch: Input to function `array_union` "
                                "should have been two \"ARRAY\" with same element type, but it's "
                                "[\"%s\", \"%s\"].",
                                ln, rn);
    }
    cast_to[0] = cast_to[1] = common;
    *result = common;
    return BK_OK;
}

/* array_union: first occurrences over a's then b's elements (serialized keys in a hash set). */
static EXEC_KERNEL(kernel_array_union) {
    const bk_vector *l = args[0], *r = args[1];
    bk_vector *parts[2] = {l->children[0], r->children[0]};
    bk_vector *pool = bk_vector_concat(call->a, parts, 2);
    bk_vector *v = bk_vector_make(call->a, call->expr->type, n);
    size_t total = (size_t)(l->offsets[n] + r->offsets[n]);
    uint32_t *idx = bk_arena_array(call->a, total ? total : 1, sizeof *idx);
    bk_hmap *seen = bk_hmap_new(true);
    bk_buf key;
    bk_buf_init(&key);
    bk_status rc = (!pool || !v || !idx || !seen) ? oom(call, err) : BK_OK;
    uint32_t r_at = (uint32_t)l->children[0]->n;
    size_t k = 0;
    for (size_t i = 0; i < n && rc == BK_OK; i++) {
        v->offsets[i] = (int64_t)k;
        if (!row_valid(l, i) || !row_valid(r, i)) {
            rc = exec_fn_set_null(call->a, v, i, err);
            continue;
        }
        bk_hmap_clear(seen);
        for (int side = 0; side < 2 && rc == BK_OK; side++) {
            const bk_vector *arr = side ? r : l;
            for (int64_t j = arr->offsets[i]; j < arr->offsets[i + 1]; j++) {
                uint32_t at = (uint32_t)j + (side ? r_at : 0);
                bool fresh;
                size_t slot;
                if (exec_key_serialize(&pool, 1, at, true, &key) < 0 ||
                    bk_hmap_insert(seen, key.data, key.len, &slot, &fresh) != BK_OK) {
                    rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in array_union");
                    break;
                }
                if (fresh) idx[k++] = at;
            }
        }
    }
    bk_hmap_free(seen);
    bk_buf_destroy(&key);
    if (rc != BK_OK) return rc;
    v->offsets[n] = (int64_t)k;
    v->children[0] = bk_vector_take(call->a, pool, idx, k);
    if (!v->children[0]) return oom(call, err);
    *out = v;
    return BK_OK;
}

const exec_fn_def exec_fn_array_defs[] = {
    {"array_append", 2, 2, bind_array_append, kernel_array_append, NULL},
    {"array_prepend", 2, 2, bind_array_prepend, kernel_array_prepend, NULL},
    {"array_insert", 3, 3, bind_array_insert, kernel_array_insert, NULL},
    {"array_compact", 1, 1, bind_array_compact, kernel_array_compact, NULL},
    {"arrays_zip", 0, -1, bind_arrays_zip, kernel_arrays_zip, NULL},
    {"array_union", 2, 2, bind_array_union, kernel_array_union, NULL},
};
const size_t exec_fn_array_n = BK_ARRAY_LEN(exec_fn_array_defs);
