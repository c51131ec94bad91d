/*
 * assemble.c — from definition/repetition levels to nested vectors.
 *
 * Each leaf column's level stream is walked down the field path from the
 * top-level field to the leaf.  At every field the walk carries the list of
 * "slots": positions in this leaf's level arrays where one value of the field
 * begins.  At the top level a slot is every entry with rep == 0 (every entry for
 * a flat column).  Going through a LIST or MAP at repetition level r, the slots of
 * the elements are the slot itself (when def >= elem_def) and every following
 * entry with rep == r, up to the first entry with rep < r.  A STRUCT passes its
 * slots on unchanged; a leaf reads def[slot] == max_def to tell a value from a
 * NULL, taking values from the dense array in order.
 *
 * A field's vector (validity, offsets) is built by the walk of its first leaf;
 * the walks of its other leaves recompute the same slots only to descend, and
 * check that they agree (a file whose leaves disagree is corrupt).
 *
 * Flat columns (no repetition) take a fast path: the slot list is the identity,
 * and a column without NULLs hands its dense values to the vector without a copy.
 */
#include <string.h>

#include "parquet/reader_int.h"

typedef struct asm_ctx {
    bk_arena *a;
    const pq_column_data *col; /* the stream being walked */
    const pq_field *leaf;
    uint32_t leaf_idx; /* global leaf index of the stream */
    size_t values_used;
    bk_error *err;
} asm_ctx;

static bk_status disagree(asm_ctx *c, const pq_field *f) {
    return bk_error_set(c->err, BK_CORRUPT,
                        "parquet column \"%s\": its leaf columns disagree about the structure of "
                        "field \"%s\"",
                        c->leaf->name, f->name);
}

static bk_vector *new_vector(asm_ctx *c, const pq_field *f, size_t n) {
    bk_vector *v = bk_arena_zalloc(c->a, sizeof *v);
    if (!v) return NULL;
    v->type = f->type;
    v->n = n;
    if (f->n_children) {
        uint32_t nc = f->kind == PQ_FIELD_LIST ? 1 : f->n_children;
        v->children = bk_arena_array(c->a, nc, sizeof *v->children);
        if (!v->children) return NULL;
        memset(v->children, 0, nc * sizeof *v->children);
    }
    return v;
}

/* Validity of the slots: def[slot] >= level.  NULL (all valid) when none is NULL. */
static bk_status slot_validity(asm_ctx *c, const uint32_t *slots, size_t n, int16_t level,
                               uint8_t **out) {
    *out = NULL;
    const uint16_t *def = c->col->def;
    if (!def || level == 0) return BK_OK;
    size_t n_null = 0;
    for (size_t i = 0; i < n; i++) n_null += def[slots ? slots[i] : i] < (uint16_t)level;
    if (n_null == 0) return BK_OK;
    uint8_t *bits = bk_arena_zalloc(c->a, (n + 7) / 8);
    if (!bits) return bk_arena_oom(c->a, c->err);
    for (size_t i = 0; i < n; i++)
        if (def[slots ? slots[i] : i] >= (uint16_t)level) bits[i >> 3] |= (uint8_t)(1u << (i & 7));
    *out = bits;
    return BK_OK;
}

/* Scatter dense values into a vector of n slots, zero bytes where def < max_def (NULL). */
#define SCATTER(T)                                                                                 \
    do {                                                                                           \
        T *dst = v->data;                                                                          \
        const T *src = (const T *)c->col->values + c->values_used;                                 \
        const T zero = {0};                                                                        \
        size_t k = 0;                                                                              \
        for (size_t i = 0; i < n; i++) {                                                           \
            bool has = def[slots ? slots[i] : i] == max;                                           \
            dst[i] = has ? src[k] : zero;                                                          \
            k += has;                                                                              \
        }                                                                                          \
        c->values_used += k;                                                                       \
    } while (0)

static bk_status build_leaf(asm_ctx *c, const pq_field *f, const uint32_t *slots, size_t n,
                            bk_vector **vp) {
    bk_vector *v = new_vector(c, f, n);
    if (!v) return bk_arena_oom(c->a, c->err);
    *vp = v;
    size_t width = bk_type_width(f->type);
    if (f->convert == PQ_CONV_NULL || width == 0) {
        if (n) {
            v->validity = bk_arena_zalloc(c->a, (n + 7) / 8);
            if (!v->validity) return bk_arena_oom(c->a, c->err);
        }
        return BK_OK;
    }
    const uint16_t *def = c->col->def;
    uint16_t max = (uint16_t)f->max_def;
    size_t available = c->col->n_values - c->values_used;
    BK_TRY(slot_validity(c, slots, n, f->max_def, &v->validity));
    if (!v->validity) {
        /* every slot holds a value: take them as they are */
        if (available < n) return disagree(c, f);
        v->data = (uint8_t *)c->col->values + c->values_used * width;
        c->values_used += n;
        return BK_OK;
    }
    v->data = bk_arena_array(c->a, n, width); /* SCATTER writes every slot */
    if (!v->data) return bk_arena_oom(c->a, c->err);
    size_t n_valid = n - bk_vector_null_count(v);
    if (available < n_valid) return disagree(c, f);
    switch (width) {
    case 1:
        SCATTER(uint8_t);
        break;
    case 2:
        SCATTER(uint16_t);
        break;
    case 4:
        SCATTER(uint32_t);
        break;
    case 8:
        SCATTER(uint64_t);
        break;
    case 16:
        SCATTER(bk_str);
        break;
    default:
        return bk_error_set(c->err, BK_INTERNAL, "unexpected value width %zu", width);
    }
    return BK_OK;
}

static bk_status build(asm_ctx *c, const pq_field *f, const uint32_t *slots, size_t n,
                       bk_vector **vp);

static uint32_t child_for_leaf(const pq_field *f, uint32_t leaf_idx) {
    for (uint32_t i = 0; i < f->n_children; i++) {
        const pq_field *ch = f->children[i];
        if (leaf_idx >= ch->first_leaf && leaf_idx < ch->first_leaf + ch->n_leaves) return i;
    }
    return 0;
}

static bk_status build_struct(asm_ctx *c, const pq_field *f, const uint32_t *slots, size_t n,
                              bk_vector **vp) {
    bool first = c->leaf_idx == f->first_leaf;
    if (first) {
        bk_vector *v = new_vector(c, f, n);
        if (!v) return bk_arena_oom(c->a, c->err);
        BK_TRY(slot_validity(c, slots, n, f->def_level, &v->validity));
        *vp = v;
    } else if (!*vp || (*vp)->n != n) {
        return disagree(c, f);
    }
    uint32_t ci = child_for_leaf(f, c->leaf_idx);
    return build(c, f->children[ci], slots, n, &(*vp)->children[ci]);
}

/* LIST and MAP: element slots, and (first leaf) offsets and validity. */
static bk_status build_repeated(asm_ctx *c, const pq_field *f, const uint32_t *slots, size_t n,
                                bk_vector **vp) {
    const uint16_t *def = c->col->def, *rep = c->col->rep;
    size_t n_levels = c->col->n_levels;
    if (!def || !rep) return disagree(c, f);
    bool first = c->leaf_idx == f->first_leaf;
    bk_vector *v = NULL;
    if (first) {
        v = new_vector(c, f, n);
        if (!v) return bk_arena_oom(c->a, c->err);
        v->offsets = bk_arena_array(c->a, n + 1, sizeof *v->offsets);
        if (!v->offsets) return bk_arena_oom(c->a, c->err);
        v->offsets[0] = 0;
        BK_TRY(slot_validity(c, slots, n, f->def_level, &v->validity));
        *vp = v;
    } else if (!*vp || (*vp)->n != n) {
        return disagree(c, f);
    }
    uint32_t *elems = bk_arena_array(c->a, n_levels ? n_levels : 1, sizeof *elems);
    if (!elems) return bk_arena_oom(c->a, c->err);
    uint16_t r = (uint16_t)f->rep_level, elem_def = (uint16_t)f->elem_def;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t p = slots ? slots[i] : i;
        if (def[p] >= elem_def) {
            elems[m++] = (uint32_t)p;
            for (size_t q = p + 1; q < n_levels && rep[q] >= r; q++)
                if (rep[q] == r) elems[m++] = (uint32_t)q;
        }
        if (first) v->offsets[i + 1] = (int64_t)m;
    }
    if (!first && (*vp)->offsets[n] != (int64_t)m) return disagree(c, f);
    uint32_t ci = f->kind == PQ_FIELD_MAP ? child_for_leaf(f, c->leaf_idx) : 0;
    return build(c, f->children[ci], elems, m, &(*vp)->children[ci]);
}

static bk_status build(asm_ctx *c, const pq_field *f, const uint32_t *slots, size_t n,
                       bk_vector **vp) {
    switch (f->kind) {
    case PQ_FIELD_LEAF:
        return build_leaf(c, f, slots, n, vp);
    case PQ_FIELD_STRUCT:
        return build_struct(c, f, slots, n, vp);
    default:
        return build_repeated(c, f, slots, n, vp);
    }
}

bk_status pq_assemble(bk_arena *a, const pq_field *f, const pq_column_data *cols, size_t n_rows,
                      bk_vector **out, bk_error *err) {
    bk_vector *v = NULL;
    for (uint32_t k = 0; k < f->n_leaves; k++) {
        const pq_column_data *col = &cols[k];
        asm_ctx c = {.a = a, .col = col, .leaf_idx = f->first_leaf + k, .err = err};
        /* find the leaf field for messages */
        const pq_field *leaf = f;
        while (leaf->kind != PQ_FIELD_LEAF) leaf = leaf->children[child_for_leaf(leaf, c.leaf_idx)];
        c.leaf = leaf;
        if (col->n_levels > UINT32_MAX)
            return bk_error_set(err, BK_UNSUPPORTED,
                                "parquet column \"%s\": more than 2^32 values in one row group",
                                leaf->name);
        const uint32_t *slots = NULL;
        size_t n = col->n_levels;
        if (col->rep) {
            uint32_t *tops = bk_arena_array(a, n ? n : 1, sizeof *tops);
            if (!tops) return bk_arena_oom(a, err);
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (col->rep[i] == 0) tops[m++] = (uint32_t)i;
            slots = tops;
            n = m;
        }
        if (n != n_rows)
            return bk_error_set(err, BK_CORRUPT,
                                "parquet column \"%s\" holds %zu rows, its row group %zu",
                                leaf->name, n, n_rows);
        BK_TRY(build(&c, f, slots, n, &v));
        if (c.values_used != col->n_values && leaf->convert != PQ_CONV_NULL)
            return bk_error_set(err, BK_CORRUPT,
                                "parquet column \"%s\": %zu values, but the levels place %zu",
                                leaf->name, col->n_values, c.values_used);
    }
    if (!v)
        return bk_error_set(err, BK_CORRUPT, "parquet field \"%s\" has no leaf columns", f->name);
    *out = v;
    return BK_OK;
}
