/*
 * fn_nested.c — functions over ARRAY, MAP and STRUCT values (Spark's
 * collection functions), as the exec_fn_nested_defs table and kernels:
 *
 *   array(x, ...)            ARRAY of the arguments' common type
 *   map(k, v, ...)           MAP; NULL keys are NULL_MAP_KEY, repeated keys
 *                            DUPLICATED_MAP_KEY (spark.sql.mapKeyDedupPolicy EXCEPTION)
 *   element_at(a, i)         1-based, negative from the end; 0 is INVALID_INDEX_OF_ZERO;
 *                            out of bounds INVALID_ARRAY_INDEX_IN_ELEMENT_AT (ANSI) else NULL
 *   element_at(m, k)         the value of key k, NULL when absent
 *   try_element_at(a|m, i)   the same, NULL out of bounds
 *   get(a, i)                0-based, NULL out of bounds
 *   size / cardinality       INT; size(NULL) is NULL in ANSI mode, -1 otherwise
 *   array_size               INT, NULL for NULL
 *   array_contains(a, v)     BOOLEAN: true if found; NULL if a or v is NULL, or
 *                            not found and a holds a NULL; else false
 *   sort_array(a[, asc])     NULLs first ascending, last descending
 *   map_keys, map_values     ARRAY of the keys / values
 *   array_max / array_min    the largest / smallest non-NULL element (Spark's order)
 *   array_distinct           first occurrences, in order (NULL kept once)
 *   array_join(a, sep[, r])  STRING; NULL elements skipped, or replaced by r
 *   flatten(a)               inner arrays concatenated; NULL if any inner one is NULL
 *   concat(a, b, ...)        arrays concatenated (bound by fn_string.c's concat); NULL
 *                            if any argument is NULL
 *   map_contains_key(m, k)   BOOLEAN; k and the keys meet in their wider type (no
 *                            string promotion: MAP_FUNCTION_DIFF_TYPES)
 *
 * And for the binder (fn_nested.h): the subscripts a[i] (0-based;
 * INVALID_ARRAY_INDEX in ANSI mode, else NULL) and m[k], struct construction
 * and field access.
 *
 * Results are built by gathering: the argument vectors are concatenated (with
 * one NULL row at the end where a result row may be NULL) and rows are taken
 * by index (bk_vector_take), which works for every element type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "engine/exec/exec_int.h"
#include "engine/exec/fn_library_int.h"
#include "engine/exec/fn_nested.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool row_valid(const bk_vector *v, size_t i) { return bk_vector_is_valid(v, i); }

/* A one-row NULL vector of type t. */
static bk_vector *null_row(bk_arena *a, const bk_type *t) {
    bk_vector *v = bk_vector_make(a, t, 1);
    if (!v || bk_vector_ensure_validity(a, v) != BK_OK) return NULL;
    bk_validity_set(v->validity, 0, false);
    return v;
}

/*
 * Rows of `src` picked by idx[0..n), where idx[i] == src->n (or any value
 * >= src->n) means NULL.  In a.
 */
static bk_vector *take_or_null(bk_arena *a, const bk_vector *src, uint32_t *idx, size_t n) {
    bool any_null = false;
    for (size_t i = 0; i < n && !any_null; i++) any_null = idx[i] >= src->n;
    if (!any_null) return bk_vector_take(a, src, idx, n);
    bk_vector *nr = null_row(a, src->type);
    if (!nr) return NULL;
    bk_vector *parts[2] = {(bk_vector *)src, nr};
    bk_vector *all = bk_vector_concat(a, parts, 2);
    if (!all) return NULL;
    for (size_t i = 0; i < n; i++)
        if (idx[i] >= src->n) idx[i] = (uint32_t)src->n;
    return bk_vector_take(a, all, idx, n);
}

static bk_status oom(const exec_call *call, bk_error *err) { return bk_arena_oom(call->a, err); }

/*
 * Row i of a equals row j of b (same type; both rows valid).  Scalars compare
 * as bk_vector_compare does; ARRAY, MAP and STRUCT values element by element
 * (NULL elements equal NULL elements), which bk_vector_compare does not do.
 */
static bool values_equal(const bk_vector *a, size_t i, const bk_vector *b, size_t j) {
    switch (a->type->kind) {
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP: {
        int64_t la = a->offsets[i + 1] - a->offsets[i], lb = b->offsets[j + 1] - b->offsets[j];
        if (la != lb) return false;
        for (uint32_t c = 0; c < a->type->n_children; c++)
            for (int64_t k = 0; k < la; k++) {
                size_t x = (size_t)(a->offsets[i] + k), y = (size_t)(b->offsets[j] + k);
                bool vx = row_valid(a->children[c], x), vy = row_valid(b->children[c], y);
                if (vx != vy || (vx && !values_equal(a->children[c], x, b->children[c], y)))
                    return false;
            }
        return true;
    }
    case BK_TYPE_STRUCT:
        for (uint32_t c = 0; c < a->type->n_children; c++) {
            bool vx = row_valid(a->children[c], i), vy = row_valid(b->children[c], j);
            if (vx != vy || (vx && !values_equal(a->children[c], i, b->children[c], j)))
                return false;
        }
        return true;
    default:
        return bk_vector_compare(a, i, b, j) == 0;
    }
}

/* ---- array(...) and map(...) ---- */

static EXEC_BIND(bind_array) {
    const bk_type *et = n_args ? exec_fnlib_common_type(a, args, 0, n_args) : T(BK_TYPE_VOID);
    if (!et)
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                                "DATA_DIFF_TYPES", "Cannot resolve \"array(...)\" due "
                                "to data type mismatch: Input to `array` should all be the same "
                                "type.");
    for (uint32_t k = 0; k < n_args; k++) cast_to[k] = et;
    *result = bk_type_make_array(a, et);
    return *result ? BK_OK : bk_arena_oom(a, err);
}

/* Interleave args[0..m) (n rows each): row i of the result lists args[k][i]. */
static bk_status interleave(const exec_call *call, bk_vector *const *args, uint32_t m,
                            uint32_t stride, uint32_t first, size_t n, const bk_type *et,
                            bk_vector **out, bk_error *err) {
    if (m == 0) {
        *out = bk_vector_make(call->a, et, 0);
        return *out ? BK_OK : oom(call, err);
    }
    bk_vector **parts = bk_arena_array(call->a, m, sizeof *parts);
    uint32_t *idx = bk_arena_array(call->a, (n * m) > 0 ? n * m : 1, sizeof *idx);
    if (!parts || !idx) return oom(call, err);
    for (uint32_t k = 0; k < m; k++) parts[k] = args[first + k * stride];
    bk_vector *all = bk_vector_concat(call->a, parts, m);
    if (!all) return oom(call, err);
    for (size_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < m; k++) idx[i * m + k] = (uint32_t)(k * n + i);
    *out = bk_vector_take(call->a, all, idx, n * m);
    return *out ? BK_OK : oom(call, err);
}

static EXEC_KERNEL(kernel_array) {
    const bk_type *t = call->expr->type;
    uint32_t m = call->expr->n_args;
    bk_vector *v = bk_vector_make(call->a, t, n);
    if (!v) return oom(call, err);
    BK_TRY(interleave(call, args, m, 1, 0, n, t->children[0], &v->children[0], err));
    for (size_t i = 0; i <= n; i++) v->offsets[i] = (int64_t)(i * m);
    *out = v;
    return BK_OK;
}

static EXEC_BIND(bind_map) {
    if (n_args % 2)
        return bk_error_set_sub(err, BK_WRONG_NUM_ARGS,
                                "WITHOUT_SUGGESTION", "The `map` requires 2n (n > 0) "
                                "parameters but the actual number is %u.",
                                n_args);
    const bk_type *kt = T(BK_TYPE_VOID), *vt = T(BK_TYPE_VOID);
    for (uint32_t k = 0; k < n_args; k += 2) {
        const bk_type *nk = k ? exec_fnlib_common_type(a, (const bk_type *[]){kt, args[k]}, 0, 2)
                              : args[k];
        const bk_type *nv =
            k ? exec_fnlib_common_type(a, (const bk_type *[]){vt, args[k + 1]}, 0, 2) : args[k + 1];
        if (!nk || !nv)
            return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                                    "MAP_FUNCTION_DIFF_TYPES", "Cannot resolve "
                                    "\"map(...)\" due to data type mismatch: Input to `map` should "
                                    "all be the same type.");
        kt = nk;
        vt = nv;
    }
    for (uint32_t k = 0; k < n_args; k++) cast_to[k] = k % 2 ? vt : kt;
    *result = bk_type_make_map(a, kt, vt);
    return *result ? BK_OK : bk_arena_oom(a, err);
}

/* DUPLICATED_MAP_KEY naming the key (row `row` of keys). */
static bk_status duplicate_key(const bk_vector *keys, size_t row, bk_error *err) {
    bk_buf b;
    bk_buf_init(&b);
    if (bk_vector_format_value(keys, row, &b) != BK_OK) {
        bk_buf_destroy(&b);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    }
    bk_error_set(err, BK_DUPLICATED_MAP_KEY,
                 "Duplicate map key %.*s was found, please check the input data. If you want to "
                 "remove the duplicated keys, you can set \"spark.sql.mapKeyDedupPolicy\" to "
                 "\"LAST_WIN\" so that the key inserted at last takes precedence.",
                 (int)b.len, b.len ? (const char *)b.data : "");
    bk_buf_destroy(&b);
    return err ? err->code : BK_DUPLICATED_MAP_KEY;
}

static EXEC_KERNEL(kernel_map) {
    const bk_type *t = call->expr->type;
    uint32_t m = call->expr->n_args / 2;
    bk_vector *v = bk_vector_make(call->a, t, n);
    if (!v) return oom(call, err);
    BK_TRY(interleave(call, args, m, 2, 0, n, t->children[0], &v->children[0], err));
    BK_TRY(interleave(call, args, m, 2, 1, n, t->children[1], &v->children[1], err));
    const bk_vector *keys = v->children[0];
    for (size_t i = 0; i < n * m; i++)
        if (!row_valid(keys, i))
            return bk_error_set(err, BK_NULL_MAP_KEY, "Cannot use null as map key.");
    for (size_t i = 0; i < n; i++)
        for (uint32_t x = 0; x < m; x++)
            for (uint32_t y = x + 1; y < m; y++)
                if (values_equal(keys, i * m + x, keys, i * m + y))
                    return duplicate_key(keys, i * m + y, err);
    for (size_t i = 0; i <= n; i++) v->offsets[i] = (int64_t)(i * m);
    *out = v;
    return BK_OK;
}

/* ---- element access ---- */

/*
 * Row i of the result is element idx (0-based, may be out of range) of array
 * row i; `mode` says what out of range means.
 */
typedef enum { IDX_SUBSCRIPT, IDX_GET, IDX_ELEMENT_AT, IDX_TRY_ELEMENT_AT } idx_mode;

static bk_status array_at(const exec_call *call, idx_mode mode, const bk_vector *arr,
                          const bk_vector *index, size_t n, bk_vector **out, bk_error *err) {
    const bk_vector *elems = arr->children[0];
    uint32_t *idx = bk_arena_array(call->a, n ? n : 1, sizeof *idx);
    if (!idx) return oom(call, err);
    bool one_based = mode == IDX_ELEMENT_AT || mode == IDX_TRY_ELEMENT_AT;
    for (size_t i = 0; i < n; i++) {
        idx[i] = UINT32_MAX;
        if (!row_valid(arr, i) || !row_valid(index, i)) continue;
        int64_t lo = arr->offsets[i], len = arr->offsets[i + 1] - lo;
        int64_t k = ((const int32_t *)index->data)[i];
        if (one_based && k == 0)
            return bk_error_set(err, BK_INVALID_INDEX_OF_ZERO,
                                "The index 0 is invalid. An index shall be either < 0 or > 0 (the "
                                "first element has index 1).");
        int64_t pos = !one_based ? k : k > 0 ? k - 1 : len + k;
        if (pos >= 0 && pos < len) {
            idx[i] = (uint32_t)(lo + pos);
            continue;
        }
        if (!call->ctx->ansi || mode == IDX_GET || mode == IDX_TRY_ELEMENT_AT) continue;
        if (mode == IDX_SUBSCRIPT)
            return bk_error_set(err, BK_INVALID_ARRAY_INDEX,
                                "The index %lld is out of bounds. The array has %lld elements. "
                                "Use the SQL function `get()` to tolerate accessing element at "
                                "invalid index and return NULL instead.",
                                (long long)k, (long long)len);
        return bk_error_set(err, BK_INVALID_ARRAY_INDEX_IN_ELEMENT_AT,
                            "The index %lld is out of bounds. The array has %lld elements. Use "
                            "`try_element_at` to tolerate accessing element at invalid index and "
                            "return NULL instead.",
                            (long long)k, (long long)len);
    }
    *out = take_or_null(call->a, elems, idx, n);
    return *out ? BK_OK : oom(call, err);
}

static bk_status map_at(const exec_call *call, const bk_vector *map, const bk_vector *key, size_t n,
                        bk_vector **out, bk_error *err) {
    const bk_vector *keys = map->children[0], *vals = map->children[1];
    uint32_t *idx = bk_arena_array(call->a, n ? n : 1, sizeof *idx);
    if (!idx) return oom(call, err);
    for (size_t i = 0; i < n; i++) {
        idx[i] = UINT32_MAX;
        if (!row_valid(map, i) || !row_valid(key, i)) continue;
        for (int64_t j = map->offsets[i]; j < map->offsets[i + 1]; j++)
            if (values_equal(keys, (size_t)j, key, i)) {
                idx[i] = (uint32_t)j;
                break;
            }
    }
    *out = take_or_null(call->a, vals, idx, n);
    return *out ? BK_OK : oom(call, err);
}

EXEC_KERNEL(exec_fn_subscript) {
    if (args[0]->type->kind == BK_TYPE_MAP) return map_at(call, args[0], args[1], n, out, err);
    return array_at(call, IDX_SUBSCRIPT, args[0], args[1], n, out, err);
}

static EXEC_KERNEL(kernel_get) { return array_at(call, IDX_GET, args[0], args[1], n, out, err); }

static EXEC_KERNEL(kernel_element_at) {
    if (args[0]->type->kind == BK_TYPE_MAP) return map_at(call, args[0], args[1], n, out, err);
    return array_at(call, IDX_ELEMENT_AT, args[0], args[1], n, out, err);
}

static EXEC_KERNEL(kernel_try_element_at) {
    if (args[0]->type->kind == BK_TYPE_MAP) return map_at(call, args[0], args[1], n, out, err);
    return array_at(call, IDX_TRY_ELEMENT_AT, args[0], args[1], n, out, err);
}

/* The key or index argument for a collection `c`: the map's key type or INT. */
bk_status exec_fn_nested_index_type(const char *fn, const bk_type *c, const bk_type *idx,
                                    const bk_type **want, bk_error *err) {
    if (c->kind == BK_TYPE_MAP) {
        *want = c->children[0];
        return BK_OK;
    }
    if (c->kind != BK_TYPE_ARRAY && c->kind != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, fn, 0, "(\"ARRAY\" or \"MAP\")", c);
    bool integral = idx->kind >= BK_TYPE_TINYINT && idx->kind <= BK_TYPE_BIGINT;
    if (!integral && idx->kind != BK_TYPE_VOID && idx->kind != BK_TYPE_STRING)
        return exec_fnlib_mismatch(err, fn, 1, "\"INT\"", idx);
    *want = T(BK_TYPE_INT);
    return BK_OK;
}

static bk_status bind_at(const char *fn, bk_arena *a, const bk_type *const *args,
                         const bk_type **cast_to, const bk_type **result, bool maps,
                         bk_error *err) {
    (void)a;
    const bk_type *c = args[0];
    if (c->kind == BK_TYPE_MAP && !maps) return exec_fnlib_mismatch(err, fn, 0, "\"ARRAY\"", c);
    BK_TRY(exec_fn_nested_index_type(fn, c, args[1], &cast_to[1], err));
    if (c->kind == BK_TYPE_VOID) {
        *result = T(BK_TYPE_VOID);
        cast_to[0] = bk_type_make_array(a, T(BK_TYPE_VOID));
        return cast_to[0] ? BK_OK : bk_arena_oom(a, err);
    }
    *result = c->kind == BK_TYPE_MAP ? c->children[1] : c->children[0];
    return BK_OK;
}

static EXEC_BIND(bind_element_at) {
    (void)n_args;
    return bind_at("element_at", a, args, cast_to, result, true, err);
}
static EXEC_BIND(bind_try_element_at) {
    (void)n_args;
    return bind_at("try_element_at", a, args, cast_to, result, true, err);
}
static EXEC_BIND(bind_get) {
    (void)n_args;
    return bind_at("get", a, args, cast_to, result, false, err);
}

/* ---- size, array_contains, sort_array, map_keys / map_values ---- */

static bk_status bind_size_like(const char *fn, bool maps, bk_arena *a, const bk_type *const *args,
                                const bk_type **cast_to, const bk_type **result, bk_error *err) {
    const bk_type *c = args[0];
    if (c->kind == BK_TYPE_VOID) {
        cast_to[0] = bk_type_make_array(a, T(BK_TYPE_VOID));
        if (!cast_to[0]) return bk_arena_oom(a, err);
    } else if (c->kind != BK_TYPE_ARRAY && !(maps && c->kind == BK_TYPE_MAP)) {
        return exec_fnlib_mismatch(err, fn, 0, maps ? "(\"ARRAY\" or \"MAP\")" : "\"ARRAY\"", c);
    }
    *result = T(BK_TYPE_INT);
    return BK_OK;
}

static EXEC_BIND(bind_size) {
    (void)n_args;
    return bind_size_like("size", true, a, args, cast_to, result, err);
}
static EXEC_BIND(bind_cardinality) {
    (void)n_args;
    return bind_size_like("cardinality", true, a, args, cast_to, result, err);
}
static EXEC_BIND(bind_array_size) {
    (void)n_args;
    return bind_size_like("array_size", false, a, args, cast_to, result, err);
}

/* size: -1 for NULL when legacy (non-ANSI); array_size: always NULL. */
static bk_status size_kernel(const exec_call *call, bool legacy_null, bk_vector *const *args,
                             size_t n, bk_vector **out, bk_error *err) {
    const bk_vector *c = args[0];
    bool minus_one = legacy_null && !call->ctx->ansi;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_INT), args, minus_one ? 0 : 1, n, out, err));
    int32_t *r = (*out)->data;
    for (size_t i = 0; i < n; i++)
        r[i] = row_valid(c, i) ? (int32_t)(c->offsets[i + 1] - c->offsets[i]) : minus_one ? -1 : 0;
    return BK_OK;
}

static EXEC_KERNEL(kernel_size) { return size_kernel(call, true, args, n, out, err); }
static EXEC_KERNEL(kernel_array_size) { return size_kernel(call, false, args, n, out, err); }

static EXEC_BIND(bind_array_contains) {
    (void)n_args;
    const bk_type *c = args[0];
    if (c->kind != BK_TYPE_ARRAY && c->kind != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, "array_contains", 0, "\"ARRAY\"", c);
    const bk_type *et = c->kind == BK_TYPE_ARRAY ? c->children[0] : T(BK_TYPE_VOID);
    const bk_type *common = exec_fnlib_common_type(a, (const bk_type *[]){et, args[1]}, 0, 2);
    if (!common)
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                                "ARRAY_FUNCTION_DIFF_TYPES", "Cannot resolve "
                                "\"array_contains(...)\" due to data type mismatch: Input to "
                                "`array_contains` should have been \"ARRAY\" followed by a value "
                                "with same element type.");
    cast_to[0] = bk_type_make_array(a, common);
    cast_to[1] = common;
    *result = T(BK_TYPE_BOOLEAN);
    return cast_to[0] ? BK_OK : bk_arena_oom(a, err);
}

static EXEC_KERNEL(kernel_array_contains) {
    const bk_vector *arr = args[0], *x = args[1], *elems = arr->children[0];
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, 2, n, out, err));
    uint8_t *r = (*out)->data;
    for (size_t i = 0; i < n; i++) {
        if (!row_valid(arr, i) || !row_valid(x, i)) continue;
        bool found = false, saw_null = false;
        for (int64_t j = arr->offsets[i]; j < arr->offsets[i + 1] && !found; j++) {
            if (!row_valid(elems, (size_t)j))
                saw_null = true;
            else
                found = values_equal(elems, (size_t)j, x, i);
        }
        r[i] = found;
        if (!found && saw_null) BK_TRY(exec_fn_set_null(call->a, *out, i, err));
    }
    return BK_OK;
}

static EXEC_BIND(bind_sort_array) {
    const bk_type *c = args[0];
    if (c->kind != BK_TYPE_ARRAY) return exec_fnlib_mismatch(err, "sort_array", 0, "\"ARRAY\"", c);
    if (n_args == 2 && args[1]->kind != BK_TYPE_BOOLEAN && args[1]->kind != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, "sort_array", 1, "\"BOOLEAN\"", args[1]);
    if (n_args == 2) cast_to[1] = T(BK_TYPE_BOOLEAN);
    (void)a;
    *result = c;
    return BK_OK;
}

typedef struct sort_ctx {
    const bk_vector *elems;
    bool asc;
} sort_ctx;

/* The order sort_array uses (NULL smallest); merge_sort is stable, so ties keep their order. */
static int cmp_elems(const sort_ctx *sc, uint32_t x, uint32_t y) {
    bool vx = row_valid(sc->elems, x), vy = row_valid(sc->elems, y);
    int c;
    if (!vx || !vy)
        c = vx == vy ? 0 : !vx ? -1 : 1; /* NULL is the smallest */
    else
        c = bk_vector_compare(sc->elems, x, sc->elems, y);
    return sc->asc ? c : -c;
}

static void merge_sort(const sort_ctx *sc, uint32_t *v, uint32_t *tmp, size_t n) {
    if (n < 2) return;
    size_t h = n / 2;
    merge_sort(sc, v, tmp, h);
    merge_sort(sc, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = cmp_elems(sc, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static EXEC_KERNEL(kernel_sort_array) {
    const bk_vector *arr = args[0];
    const bk_vector *asc = call->expr->n_args == 2 ? args[1] : NULL;
    size_t total = (size_t)arr->offsets[n];
    uint32_t *idx = bk_arena_array(call->a, total ? total : 1, sizeof *idx);
    uint32_t *tmp = bk_arena_array(call->a, total ? total : 1, sizeof *tmp);
    bk_vector *v = bk_vector_make(call->a, arr->type, n);
    if (!idx || !tmp || !v) return oom(call, err);
    for (size_t j = 0; j < total; j++) idx[j] = (uint32_t)j;
    for (size_t i = 0; i < n; i++) {
        size_t lo = (size_t)arr->offsets[i], len = (size_t)(arr->offsets[i + 1] - arr->offsets[i]);
        bool up = !asc || ((const uint8_t *)asc->data)[i]; /* a NULL asc: a NULL row, below */
        sort_ctx sc = {arr->children[0], up};
        merge_sort(&sc, idx + lo, tmp, len);
    }
    v->children[0] = bk_vector_take(call->a, arr->children[0], idx, total);
    if (!v->children[0]) return oom(call, err);
    memcpy(v->offsets, arr->offsets, (n + 1) * sizeof *v->offsets);
    if (arr->validity) {
        v->validity = bk_arena_memdup(call->a, arr->validity, (n + 7) / 8);
        if (!v->validity) return oom(call, err);
    }
    for (size_t i = 0; asc && i < n; i++)
        if (!row_valid(asc, i)) BK_TRY(exec_fn_set_null(call->a, v, i, err)); /* NULL asc */
    *out = v;
    return BK_OK;
}

static bool is_string_type(const bk_type *t) { return t->kind == BK_TYPE_STRING; }

/* map_contains_key(m, k): k and the keys meet in their wider type, without string promotion. */
static EXEC_BIND(bind_map_contains_key) {
    (void)n_args;
    const bk_type *m = args[0], *k = args[1];
    if (m->kind != BK_TYPE_MAP)
        return exec_fnlib_mismatch(err, "map_contains_key", 0, "\"MAP\"", m);
    const bk_type *kt = m->children[0];
    const bk_type *common = is_string_type(kt) != is_string_type(k) && k->kind != BK_TYPE_VOID
                                ? NULL
                                : exec_fnlib_common_type(a, (const bk_type *[]){kt, k}, 0, 2);
    if (!common) {
        char mt[128], ktn[128];
        bk_type_format(m, mt, sizeof mt);
        bk_type_format(k, ktn, sizeof ktn);
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                                "MAP_FUNCTION_DIFF_TYPES", "Cannot resolve "
                                "\"map_contains_key(...)\" due to data type mismatch: Input to "
                                "`map_contains_key` should have been \"MAP\" followed by a value "
                                "with same key type, but it's [\"%s\", \"%s\"].",
                                mt, ktn);
    }
    cast_to[0] = bk_type_equal(common, kt) ? NULL : bk_type_make_map(a, common, m->children[1]);
    cast_to[1] = common;
    *result = T(BK_TYPE_BOOLEAN);
    return BK_OK;
}

static EXEC_KERNEL(kernel_map_contains_key) {
    const bk_vector *m = args[0], *key = args[1], *keys = m->children[0];
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, 2, n, out, err));
    uint8_t *r = (*out)->data;
    for (size_t i = 0; i < n; i++) {
        if (!row_valid(m, i) || !row_valid(key, i)) continue;
        for (int64_t j = m->offsets[i]; j < m->offsets[i + 1] && !r[i]; j++)
            r[i] = values_equal(keys, (size_t)j, key, i);
    }
    return BK_OK;
}

/* ---- array_max / array_min, array_distinct, array_join, flatten ---- */

static bk_status need_array(const char *fn, const bk_type *t, bk_error *err) {
    if (t->kind == BK_TYPE_ARRAY) return BK_OK;
    return exec_fnlib_mismatch(err, fn, 0, "\"ARRAY\"", t);
}

static EXEC_BIND(bind_array_max) {
    (void)n_args;
    (void)cast_to;
    (void)a;
    BK_TRY(need_array("array_max", args[0], err));
    if (args[0]->children[0]->kind == BK_TYPE_MAP)
        return exec_fnlib_mismatch(err, "array_max", 0, "\"ARRAY\" of orderable values", args[0]);
    *result = args[0]->children[0];
    return BK_OK;
}

/* array_max (sign 1) / array_min (-1): NULL elements skipped; NULL when none is left. */
static bk_status extreme(const exec_call *call, int sign, bk_vector *const *args, size_t n,
                         bk_vector **out, bk_error *err) {
    const bk_vector *arr = args[0], *el = arr->children[0];
    uint32_t *idx = bk_arena_array(call->a, n ? n : 1, sizeof *idx);
    if (!idx) return oom(call, err);
    for (size_t i = 0; i < n; i++) {
        idx[i] = UINT32_MAX;
        if (!row_valid(arr, i)) continue;
        for (int64_t j = arr->offsets[i]; j < arr->offsets[i + 1]; j++) {
            if (!row_valid(el, (size_t)j)) continue;
            if (idx[i] == UINT32_MAX || sign * bk_vector_compare(el, (size_t)j, el, idx[i]) > 0)
                idx[i] = (uint32_t)j;
        }
    }
    *out = take_or_null(call->a, el, idx, n);
    return *out ? BK_OK : oom(call, err);
}
static EXEC_KERNEL(kernel_array_max) { return extreme(call, 1, args, n, out, err); }
static EXEC_KERNEL(kernel_array_min) { return extreme(call, -1, args, n, out, err); }

static EXEC_BIND(bind_array_same) {
    (void)n_args;
    (void)cast_to;
    (void)a;
    BK_TRY(need_array("array_distinct", args[0], err));
    *result = args[0];
    return BK_OK;
}

/* array_distinct: first occurrences in order (one NULL kept), through a hash of keys. */
static EXEC_KERNEL(kernel_array_distinct) {
    const bk_vector *arr = args[0];
    bk_vector *el = arr->children[0];
    size_t total = (size_t)arr->offsets[n];
    uint32_t *idx = bk_arena_array(call->a, total ? total : 1, sizeof *idx);
    bk_vector *v = bk_vector_make(call->a, arr->type, n);
    bk_hmap *seen = bk_hmap_new(true);
    bk_buf key;
    bk_buf_init(&key);
    bk_status rc = (!idx || !v || !seen) ? oom(call, err) : BK_OK;
    size_t k = 0;
    for (size_t i = 0; i < n && rc == BK_OK; i++) {
        v->offsets[i] = (int64_t)k;
        if (!row_valid(arr, i)) continue;
        bk_hmap_clear(seen);
        for (int64_t j = arr->offsets[i]; j < arr->offsets[i + 1]; j++) {
            bool fresh;
            size_t at;
            if (exec_key_serialize(&el, 1, (size_t)j, true, &key) < 0 ||
                bk_hmap_insert(seen, key.data, key.len, &at, &fresh) != BK_OK) {
                rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in array_distinct");
                break;
            }
            if (fresh) idx[k++] = (uint32_t)j;
        }
    }
    bk_hmap_free(seen);
    bk_buf_destroy(&key);
    if (rc != BK_OK) return rc;
    v->offsets[n] = (int64_t)k;
    v->children[0] = bk_vector_take(call->a, el, idx, k);
    if (!v->children[0]) return oom(call, err);
    if (arr->validity && !(v->validity = bk_arena_memdup(call->a, arr->validity, (n + 7) / 8)))
        return oom(call, err);
    *out = v;
    return BK_OK;
}

static EXEC_BIND(bind_array_join) {
    BK_TRY(need_array("array_join", args[0], err));
    const bk_type *et = args[0]->children[0];
    if (et->kind != BK_TYPE_STRING && et->kind != BK_TYPE_VOID)
        return exec_fnlib_mismatch(err, "array_join", 0, "\"ARRAY<STRING>\"", args[0]);
    if (et->kind == BK_TYPE_VOID && !(cast_to[0] = bk_type_make_array(a, T(BK_TYPE_STRING))))
        return bk_arena_oom(a, err);
    BK_TRY(exec_fnlib_expect_all("array_join", args, 1, n_args, T(BK_TYPE_STRING), cast_to, err));
    *result = T(BK_TYPE_STRING);
    return BK_OK;
}

/* array_join(a, sep[, null_rep]): NULL elements skipped, or replaced by null_rep. */
static EXEC_KERNEL(kernel_array_join) {
    const bk_vector *arr = args[0], *el = arr->children[0];
    const bk_vector *rep = call->expr->n_args == 3 ? args[2] : NULL;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 2, n, out, err));
    bk_buf b;
    bk_buf_init(&b);
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    bk_status rc = BK_OK;
    for (size_t i = 0; i < n && rc == BK_OK; i++) {
        if (!row_valid(*out, i)) continue;
        bk_str sep = ((const bk_str *)args[1]->data)[i];
        bool use_rep = rep && row_valid(rep, i), first = true;
        bk_buf_clear(&b);
        for (int64_t j = arr->offsets[i]; j < arr->offsets[i + 1] && rc == BK_OK; j++) {
            bool valid = row_valid(el, (size_t)j);
            if (!valid && !use_rep) continue;
            bk_str s = valid ? ((const bk_str *)el->data)[j] : ((const bk_str *)rep->data)[i];
            if ((!first && bk_buf_append(&b, sep.ptr, sep.len) != BK_OK) ||
                bk_buf_append(&b, s.ptr, s.len) != BK_OK)
                rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in array_join");
            first = false;
        }
        if (rc == BK_OK && !exec_strbuf_copy(&sb, b.len ? (const char *)b.data : "", b.len,
                                             &((bk_str *)(*out)->data)[i]))
            rc = oom(call, err);
    }
    bk_buf_destroy(&b);
    return rc;
}

static EXEC_BIND(bind_flatten) {
    (void)n_args;
    (void)cast_to;
    (void)a;
    if (args[0]->kind != BK_TYPE_ARRAY || args[0]->children[0]->kind != BK_TYPE_ARRAY)
        return exec_fnlib_mismatch(err, "flatten", 0, "\"ARRAY<ARRAY>\"", args[0]);
    *result = args[0]->children[0];
    return BK_OK;
}

/* flatten: the inner arrays concatenated; NULL when the array or an inner one is NULL. */
static EXEC_KERNEL(kernel_flatten) {
    const bk_vector *arr = args[0], *inner = arr->children[0], *el = inner->children[0];
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        for (int64_t j = arr->offsets[i]; row_valid(arr, i) && j < arr->offsets[i + 1]; j++)
            total += (size_t)(inner->offsets[j + 1] - inner->offsets[j]);
    uint32_t *idx = bk_arena_array(call->a, total ? total : 1, sizeof *idx);
    bk_vector *v = bk_vector_make(call->a, call->expr->type, n);
    if (!idx || !v) return oom(call, err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        v->offsets[i] = (int64_t)k;
        bool null = !row_valid(arr, i);
        for (int64_t j = arr->offsets[i]; !null && j < arr->offsets[i + 1]; j++)
            null = !row_valid(inner, (size_t)j);
        if (null) {
            BK_TRY(exec_fn_set_null(call->a, v, i, err));
            continue;
        }
        for (int64_t j = arr->offsets[i]; j < arr->offsets[i + 1]; j++)
            for (int64_t e = inner->offsets[j]; e < inner->offsets[j + 1]; e++)
                idx[k++] = (uint32_t)e;
    }
    v->offsets[n] = (int64_t)k;
    v->children[0] = bk_vector_take(call->a, el, idx, k);
    if (!v->children[0]) return oom(call, err);
    *out = v;
    return BK_OK;
}

EXEC_KERNEL(exec_fn_concat_arrays) {
    uint32_t n_args = call->expr->n_args;
    bk_vector *v;
    BK_TRY(exec_fn_result(call, call->expr->type, args, n_args, n, &v, err));
    bk_vector **elems = bk_arena_array(call->a, n_args ? n_args : 1, sizeof *elems);
    size_t *base = bk_arena_array(call->a, n_args ? n_args : 1, sizeof *base);
    if (!elems || !base) return oom(call, err);
    size_t total = 0, all = 0;
    for (uint32_t k = 0; k < n_args; k++) {
        elems[k] = args[k]->children[0];
        base[k] = all;
        all += elems[k]->n;
        for (size_t i = 0; i < n; i++)
            if (row_valid(v, i)) total += (size_t)(args[k]->offsets[i + 1] - args[k]->offsets[i]);
    }
    if (all > UINT32_MAX) return bk_error_set(err, BK_LIMIT_EXCEEDED, "concat: arrays too large");
    uint32_t *idx = bk_arena_array(call->a, total ? total : 1, sizeof *idx);
    bk_vector *src = n_args ? bk_vector_concat(call->a, elems, n_args) : NULL;
    if (!idx || (n_args && !src)) return oom(call, err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        v->offsets[i] = (int64_t)k;
        if (!row_valid(v, i)) continue;
        for (uint32_t j = 0; j < n_args; j++)
            for (int64_t e = args[j]->offsets[i]; e < args[j]->offsets[i + 1]; e++)
                idx[k++] = (uint32_t)(base[j] + (size_t)e);
    }
    v->offsets[n] = (int64_t)k;
    if (src) {
        v->children[0] = bk_vector_take(call->a, src, idx, k);
        if (!v->children[0]) return oom(call, err);
    }
    *out = v;
    return BK_OK;
}

static bk_status bind_map_part(const char *fn, int part, bk_arena *a, const bk_type *const *args,
                               const bk_type **result, bk_error *err) {
    if (args[0]->kind != BK_TYPE_MAP) return exec_fnlib_mismatch(err, fn, 0, "\"MAP\"", args[0]);
    *result = bk_type_make_array(a, args[0]->children[part]);
    return *result ? BK_OK : bk_arena_oom(a, err);
}
static EXEC_BIND(bind_map_keys) {
    (void)n_args;
    (void)cast_to;
    return bind_map_part("map_keys", 0, a, args, result, err);
}
static EXEC_BIND(bind_map_values) {
    (void)n_args;
    (void)cast_to;
    return bind_map_part("map_values", 1, a, args, result, err);
}

static bk_status map_part(const exec_call *call, int part, bk_vector *const *args, size_t n,
                          bk_vector **out, bk_error *err) {
    const bk_vector *m = args[0];
    bk_vector *v = bk_vector_make(call->a, call->expr->type, n);
    if (!v) return oom(call, err);
    v->children[0] = m->children[part];
    memcpy(v->offsets, m->offsets, (n + 1) * sizeof *v->offsets);
    if (m->validity) {
        v->validity = bk_arena_memdup(call->a, m->validity, (n + 7) / 8);
        if (!v->validity) return oom(call, err);
    }
    *out = v;
    return BK_OK;
}
static EXEC_KERNEL(kernel_map_keys) { return map_part(call, 0, args, n, out, err); }
static EXEC_KERNEL(kernel_map_values) { return map_part(call, 1, args, n, out, err); }

/* ---- structs (bound by the binder: field names come from the syntax) ---- */

EXEC_KERNEL(exec_fn_struct_pack) {
    bk_vector *v = bk_vector_make(call->a, call->expr->type, n);
    if (!v) return oom(call, err);
    for (uint32_t k = 0; k < call->expr->n_args; k++) v->children[k] = args[k];
    *out = v;
    return BK_OK;
}

EXEC_KERNEL(exec_fn_struct_field) {
    const bk_vector *s = args[0];
    uint32_t f = (uint32_t)(uintptr_t)call->expr->state;
    bk_vector *child = s->children[f];
    if (!s->validity) {
        *out = child;
        return BK_OK;
    }
    uint32_t *idx = bk_arena_array(call->a, n ? n : 1, sizeof *idx);
    if (!idx) return oom(call, err);
    for (size_t i = 0; i < n; i++) idx[i] = row_valid(s, i) ? (uint32_t)i : UINT32_MAX;
    *out = take_or_null(call->a, child, idx, n);
    return *out ? BK_OK : oom(call, err);
}

const exec_fn_def exec_fn_nested_defs[] = {
    {"array", 0, -1, bind_array, kernel_array, NULL},
    {"map", 0, -1, bind_map, kernel_map, NULL},
    {"element_at", 2, 2, bind_element_at, kernel_element_at, NULL},
    {"try_element_at", 2, 2, bind_try_element_at, kernel_try_element_at, NULL},
    {"get", 2, 2, bind_get, kernel_get, NULL},
    {"size", 1, 1, bind_size, kernel_size, NULL},
    {"cardinality", 1, 1, bind_cardinality, kernel_size, NULL},
    {"array_size", 1, 1, bind_array_size, kernel_array_size, NULL},
    {"array_contains", 2, 2, bind_array_contains, kernel_array_contains, NULL},
    {"sort_array", 1, 2, bind_sort_array, kernel_sort_array, NULL},
    {"map_keys", 1, 1, bind_map_keys, kernel_map_keys, NULL},
    {"map_values", 1, 1, bind_map_values, kernel_map_values, NULL},
    {"map_contains_key", 2, 2, bind_map_contains_key, kernel_map_contains_key, NULL},
    {"array_max", 1, 1, bind_array_max, kernel_array_max, NULL},
    {"array_min", 1, 1, bind_array_max, kernel_array_min, NULL},
    {"array_distinct", 1, 1, bind_array_same, kernel_array_distinct, NULL},
    {"array_join", 2, 3, bind_array_join, kernel_array_join, NULL},
    {"flatten", 1, 1, bind_flatten, kernel_flatten, NULL},
};
const size_t exec_fn_nested_n = BK_ARRAY_LEN(exec_fn_nested_defs);
