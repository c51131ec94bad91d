/*
 * vector_take.c — gathering rows of a vector (bk_vector_take, see vector.h).
 *
 * Flat values are copied by width; validity bits are gathered only when the
 * source has NULLs.  ARRAY and MAP rows are gathered by building new offsets and
 * an index list of the child rows they span, then gathering the children with
 * it; STRUCT children are gathered with the same row list.
 *
 * bk_vector_take_ascending serves filters, whose row lists ascend and mostly
 * keep long runs of consecutive rows: a run's values are copied at once.
 */
#include <string.h>

#include "base/arena.h"
#include "base/vector.h"

static bool gather_values(const bk_vector *v, bk_vector *out, const uint32_t *idx, size_t n,
                          size_t width) {
    if (!v->data || width == 0) return true;
    const uint8_t *src = v->data;
    uint8_t *dst = out->data;
    switch (width) {
    case 1:
        for (size_t i = 0; i < n; i++) dst[i] = src[idx[i]];
        break;
    case 2:
        for (size_t i = 0; i < n; i++) ((uint16_t *)dst)[i] = ((const uint16_t *)src)[idx[i]];
        break;
    case 4:
        for (size_t i = 0; i < n; i++) ((uint32_t *)dst)[i] = ((const uint32_t *)src)[idx[i]];
        break;
    case 8:
        for (size_t i = 0; i < n; i++) ((uint64_t *)dst)[i] = ((const uint64_t *)src)[idx[i]];
        break;
    case 16: /* strings (pointer and length), wide decimals: a constant size, inlined */
        for (size_t i = 0; i < n; i++) memcpy(dst + i * 16, src + (size_t)idx[i] * 16, 16);
        break;
    default:
        for (size_t i = 0; i < n; i++) memcpy(dst + i * width, src + (size_t)idx[i] * width, width);
        break;
    }
    return true;
}

/* out's validity: the bits of rows idx[0..n) of v, when v has NULLs. */
static bool gather_validity(bk_arena *a, const bk_vector *v, bk_vector *out, const uint32_t *idx,
                            size_t n) {
    if (!v->validity) return true;
    out->validity = bk_arena_zalloc(a, (n + 7) / 8);
    if (!out->validity) return false;
    for (size_t i = 0; i < n; i++)
        if (bk_vector_is_valid(v, idx[i])) out->validity[i >> 3] |= (uint8_t)(1u << (i & 7));
    return true;
}

bk_vector *bk_vector_take(bk_arena *a, const bk_vector *v, const uint32_t *idx, size_t n) {
    bk_vector *out = bk_arena_zalloc(a, sizeof *out);
    if (!out) return NULL;
    out->type = v->type;
    out->n = n;
    size_t width = bk_type_width(v->type);
    if (v->data && width) {
        out->data = bk_arena_array(a, n ? n : 1, width);
        if (!out->data) return NULL;
        gather_values(v, out, idx, n, width);
    }
    if (!gather_validity(a, v, out, idx, n)) return NULL;
    uint32_t n_children = v->type->kind == BK_TYPE_ARRAY ? 1
                          : v->type->kind == BK_TYPE_MAP ? 2
                                                         : v->type->n_children;
    if (!v->children || n_children == 0) return out;
    out->children = bk_arena_array(a, n_children, sizeof *out->children);
    if (!out->children) return NULL;
    if (v->offsets) {
        out->offsets = bk_arena_array(a, n + 1, sizeof *out->offsets);
        if (!out->offsets) return NULL;
        size_t total = 0;
        out->offsets[0] = 0;
        for (size_t i = 0; i < n; i++) {
            total += (size_t)(v->offsets[idx[i] + 1] - v->offsets[idx[i]]);
            out->offsets[i + 1] = (int64_t)total;
        }
        uint32_t *child_idx = bk_arena_array(a, total ? total : 1, sizeof *child_idx);
        if (!child_idx) return NULL;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            for (int64_t j = v->offsets[idx[i]]; j < v->offsets[idx[i] + 1]; j++)
                child_idx[k++] = (uint32_t)j;
        for (uint32_t c = 0; c < n_children; c++)
            if (!(out->children[c] = bk_vector_take(a, v->children[c], child_idx, total)))
                return NULL;
    } else {
        for (uint32_t c = 0; c < n_children; c++)
            if (!(out->children[c] = bk_vector_take(a, v->children[c], idx, n))) return NULL;
    }
    return out;
}

/*
 * The end of the run of consecutive rows that starts at position i of the
 * strictly ascending idx: eight positions at a time while idx[j + 8] - idx[j]
 * is 8 (then all eight are consecutive), then one at a time.
 */
static inline size_t run_end(const uint32_t *idx, size_t i, size_t n) {
    size_t j = i;
    while (j + 8 < n && idx[j + 8] - idx[j] == 8) j += 8;
    while (j + 1 < n && idx[j + 1] == idx[j] + 1) j++;
    return j + 1;
}

bk_vector *bk_vector_take_ascending(bk_arena *a, const bk_vector *v, const uint32_t *idx,
                                    size_t n) {
    size_t width = bk_type_width(v->type);
    /* dense: at most one row in eight dropped, so runs average eight rows or more */
    bool dense = n >= 64 && (size_t)(idx[n - 1] - idx[0]) + 1 <= n + n / 8;
    if (!dense || !v->data || !width || v->children) return bk_vector_take(a, v, idx, n);
    bk_vector *out = bk_arena_zalloc(a, sizeof *out);
    if (!out) return NULL;
    out->type = v->type;
    out->n = n;
    out->data = bk_arena_array(a, n, width);
    if (!out->data) return NULL;
    const uint8_t *src = v->data;
    uint8_t *dst = out->data;
    for (size_t i = 0; i < n;) {
        size_t end = run_end(idx, i, n);
        memcpy(dst + i * width, src + (size_t)idx[i] * width, (end - i) * width);
        i = end;
    }
    return gather_validity(a, v, out, idx, n) ? out : NULL;
}
