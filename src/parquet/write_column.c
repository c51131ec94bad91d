/*
 * write_column.c — the Parquet writer's column path: shredding rows into Dremel
 * levels and values, and building data pages from them.
 *
 * Shredding (Dremel, parquet-format README "Nested Encoding").  A leaf's path
 * program (writer_int.h) runs over a batch of rows as a sequence of vectorised
 * passes over "slots" (row index into the current vector, def level, rep level):
 *
 *   NULLCHK d      live slots (def == current def) whose row is NULL stop; the rest
 *                  reach def d
 *   FIELD k        follow STRUCT child k (same row indexes)
 *   REPEAT c,d,r   each live slot becomes one slot per child row in [off[i], off[i+1])
 *                  of children[c]; the first keeps the slot's rep, the others get r;
 *                  an empty list stops the slot at the current def
 *
 * Finished slots keep their levels, so after the last step every slot is one level
 * entry and the live ones (def == max_def) are the values.  Flat columns (no FIELD
 * or REPEAT) take a direct path: def levels straight from the validity bitmap and,
 * with no NULLs, values straight from the vector's array.
 *
 * Values are converted to the physical type (TINYINT/SMALLINT widen to INT32,
 * DECIMAL p <= 9 narrows to INT32, DECIMAL p > 18 becomes big-endian FLBA) and then
 * go either to the chunk dictionary (indices kept) or to the PLAIN buffer.
 *
 * Pages.  After each batch, a leaf whose pending rows reach page_rows, or pending
 * bytes page_bytes, becomes a page; so does a dictionary-mode leaf whose dictionary
 * just passed dictionary_bytes, after which the leaf stays PLAIN for the rest of the
 * chunk (pages already written keep RLE_DICTIONARY; the dictionary page is written
 * at the chunk's start when the row group is flushed).  Until then every page is
 * RLE_DICTIONARY, even one with no values, so an all-NULL chunk gets an empty
 * dictionary page (as Arrow writes it): Spark's vectorized reader assumes that a
 * chunk never goes back from PLAIN to dictionary pages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "parquet/codec.h"
#include "parquet/crc.h"
#include "parquet/encoding.h"
#include "parquet/writer_int.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet writer copies values as little-endian; port PLAIN encoding first"
#endif

/* ---- small helpers ---- */

bk_status pq_wr_array_reserve(pq_wr_array *arr, size_t extra, size_t size) {
    if (extra <= arr->cap - arr->len) return BK_OK;
    size_t need = arr->len + extra;
    if (need < arr->len || need > SIZE_MAX / size / 2) return BK_OUT_OF_MEMORY;
    size_t cap = arr->cap ? arr->cap * 2 : 1024;
    while (cap < need) cap *= 2;
    void *p = bk_realloc(arr->data, cap * size);
    if (!p) return BK_OUT_OF_MEMORY;
    arr->data = p;
    arr->cap = cap;
    return BK_OK;
}

void pq_wr_array_free(pq_wr_array *arr) {
    bk_free(arr->data);
    memset(arr, 0, sizeof *arr);
}

static BK_NOINLINE bk_status col_error(const pq_wr_ctx *ctx, const pq_wr_leaf_desc *d,
                                       bk_error *err, bk_code code, const char *fmt, ...)
    BK_PRINTF(5, 6);

/* Fill err with "parquet file "f": column "c": <message>" and return code. */
static bk_status col_error(const pq_wr_ctx *ctx, const pq_wr_leaf_desc *d, bk_error *err,
                           bk_code code, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return bk_error_set(err, code, "parquet file \"%s\": column \"%s\": %s", ctx->path, d->dotted,
                        msg);
}

/* The one out-of-memory message of the column path (allocation helpers leave err empty). */
static bk_status oom(const pq_wr_ctx *ctx, const pq_wr_leaf_desc *d, bk_error *err) {
    return col_error(ctx, d, err, BK_OUT_OF_MEMORY, "out of memory while encoding");
}

/* For calls that fail only with BK_OUT_OF_MEMORY and leave err alone (buffers, arrays). */
#define TRY_MEM(expr)                                                                             \
    do {                                                                                          \
        if ((expr) != BK_OK) return oom(ctx, d, err);                                             \
    } while (0)

/* Bits needed for v (0 for 0); the page-size estimate's view of a level or index. */
static inline int bits_for(uint64_t v) {
    int b = 0;
    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

/* ---- leaf lifecycle ---- */

void pq_wr_leaf_init(pq_wr_leaf *l, const pq_wr_leaf_desc *desc, const pq_writer_opts *o) {
    memset(l, 0, sizeof *l);
    l->desc = desc;
    bk_buf_init(&l->plain);
    bk_buf_init(&l->pages);
    bk_buf_init(&l->stats.min);
    bk_buf_init(&l->stats.max);
    pq_wr_dict_init(&l->dict, desc->physical, desc->width);
    l->dict_mode = !o->no_dictionary && desc->physical != PQ_BOOLEAN;
}

void pq_wr_leaf_destroy(pq_wr_leaf *l) {
    pq_wr_array_free(&l->def);
    pq_wr_array_free(&l->rep);
    pq_wr_array_free(&l->idx);
    pq_wr_array_free(&l->plain_offs);
    pq_wr_array_free(&l->page_list);
    pq_wr_array_free(&l->marks);
    bk_buf_destroy(&l->plain);
    bk_buf_destroy(&l->pages);
    bk_buf_destroy(&l->stats.min);
    bk_buf_destroy(&l->stats.max);
    pq_wr_dict_destroy(&l->dict);
    bk_arena_free(l->page_arena);
    l->page_arena = NULL;
}

/*
 * Buffers are cleared, not freed: the next row group needs about as much again, so
 * their capacity is kept for the life of the writer.
 */
void pq_wr_leaf_reset_chunk(pq_wr_leaf *l, const pq_writer_opts *o) {
    pq_wr_dict_reset(&l->dict);
    l->dict_mode = !o->no_dictionary && l->desc->physical != PQ_BOOLEAN;
    l->dict_used = false;
    l->n_plain_pages = l->n_dict_pages = 0;
    bk_buf_clear(&l->pages);
    l->page_list.len = 0;
    if (l->page_arena) bk_arena_reset(l->page_arena);
    l->stats.null_count = 0;
    l->stats.has_minmax = false;
    l->chunk_levels = l->chunk_rows = 0;
    l->uncompressed = 0;
    l->page_serial = 0;
    l->marks.len = 0;
}

void pq_wr_scratch_destroy(pq_wr_scratch *s) {
    for (int i = 0; i < 2; i++) {
        pq_wr_array_free(&s->def[i]);
        pq_wr_array_free(&s->rep[i]);
        pq_wr_array_free(&s->row[i]);
    }
    pq_wr_array_free(&s->sel);
    pq_wr_array_free(&s->gsel);
    pq_wr_array_free(&s->vals);
    bk_buf_destroy(&s->body);
    bk_buf_destroy(&s->comp);
}

/*
 * Estimated encoded size of the pending page (levels + values), compared with
 * page_bytes after each batch.  Levels and dictionary indices are counted at their
 * bit width, before RLE, so runs make real pages smaller than the estimate, never
 * larger; PLAIN values are counted exactly.
 */
static size_t pending_bytes(const pq_wr_leaf *l) {
    const pq_wr_leaf_desc *d = l->desc;
    size_t lv = (l->n_levels * (size_t)(bits_for(d->max_def) + bits_for(d->max_rep)) + 7) / 8;
    if (l->dict_mode) return lv + (l->n_values * (size_t)bits_for(l->dict.n) + 7) / 8;
    if (d->physical == PQ_BOOLEAN) return lv + (l->n_values + 7) / 8;
    return lv + l->plain.len;
}

size_t pq_wr_leaf_buffered(const pq_wr_leaf *l) {
    return l->pages.len + pq_wr_dict_bytes(&l->dict) + pending_bytes(l);
}

/* ---- the path program ---- */

/* Slot arrays of the current generation (index s->cur). */
typedef struct slots {
    uint16_t *def, *rep;
    int64_t *row;
    size_t n;
    const bk_vector *v; /* vector the rows index into */
    uint16_t cur_def;   /* def level of live slots */
    int cur;            /* which of the ping-pong buffers holds the slots */
} slots;

/* Room for n slots in ping-pong generation `which`. */
static bk_status slots_reserve(pq_wr_scratch *s, int which, size_t n) {
    BK_TRY(pq_wr_array_reserve(&s->def[which], n, sizeof(uint16_t)));
    BK_TRY(pq_wr_array_reserve(&s->rep[which], n, sizeof(uint16_t)));
    BK_TRY(pq_wr_array_reserve(&s->row[which], n, sizeof(int64_t)));
    return BK_OK;
}

/* Point the slot view at generation `which` (after any reserve, which may move it). */
static void slots_bind(pq_wr_scratch *s, slots *sl, int which) {
    sl->cur = which;
    sl->def = s->def[which].data;
    sl->rep = s->rep[which].data;
    sl->row = s->row[which].data;
}

/* NULLCHK: live slots with a NULL row stop; the others reach def `d`. */
static void step_nullchk(slots *sl, uint16_t d) {
    const uint8_t *valid = sl->v->validity;
    uint16_t cur = sl->cur_def;
    if (!valid) {
        for (size_t i = 0; i < sl->n; i++)
            if (sl->def[i] == cur) sl->def[i] = d;
    } else {
        for (size_t i = 0; i < sl->n; i++) {
            int64_t r = sl->row[i];
            if (sl->def[i] == cur && ((valid[r >> 3] >> (r & 7)) & 1)) sl->def[i] = d;
        }
    }
    sl->cur_def = d;
}

/*
 * REPEAT: expand live slots into child rows (see the file comment).  Two passes:
 * the first counts the output (and checks the offsets, since a bad offset would
 * otherwise read out of bounds), the second fills the other generation, so the
 * arrays are sized once per step.  Finished slots keep row -1.
 */
static bk_status step_repeat(const pq_wr_ctx *ctx, const pq_wr_leaf_desc *d, pq_wr_scratch *s,
                             slots *sl, const pq_wr_step *st, bk_error *err) {
    const bk_vector *v = sl->v;
    const int64_t *off = v->offsets;
    const bk_vector *child = v->children[st->child];
    uint16_t cur = sl->cur_def;
    size_t total = 0;
    for (size_t i = 0; i < sl->n; i++) {
        if (sl->def[i] != cur) {
            total++;
            continue;
        }
        int64_t r = sl->row[i], b = off[r], e = off[r + 1];
        if (BK_UNLIKELY(b < 0 || e < b || (uint64_t)e > child->n))
            return col_error(ctx, d, err, BK_INVALID_ARGUMENT,
                             "malformed input vector: offsets [%lld, %lld) out of range",
                             (long long)b, (long long)e);
        total += e > b ? (size_t)(e - b) : 1;
    }
    int other = 1 - sl->cur;
    TRY_MEM(slots_reserve(s, other, total));
    uint16_t *nd = s->def[other].data, *nr = s->rep[other].data;
    int64_t *nrow = s->row[other].data;
    size_t k = 0;
    for (size_t i = 0; i < sl->n; i++) {
        if (sl->def[i] != cur) {
            nd[k] = sl->def[i];
            nr[k] = sl->rep[i];
            nrow[k] = -1;
            k++;
            continue;
        }
        int64_t r = sl->row[i], b = off[r], e = off[r + 1];
        if (b == e) {
            nd[k] = cur;
            nr[k] = sl->rep[i];
            nrow[k] = -1;
            k++;
            continue;
        }
        nd[k] = st->def;
        nr[k] = sl->rep[i];
        nrow[k] = b;
        k++;
        for (int64_t c = b + 1; c < e; c++, k++) {
            nd[k] = st->def;
            nr[k] = st->rep;
            nrow[k] = c;
        }
    }
    slots_bind(s, sl, other);
    sl->n = total;
    sl->v = child;
    sl->cur_def = st->def;
    return BK_OK;
}

/*
 * Run steps [0, n_steps) of d's program over rows [r0, r1) of vec.  In check mode
 * REQCHK steps verify that live slots are not NULL; otherwise they are skipped
 * (validation ran before shredding).
 */
static bk_status run_path(const pq_wr_ctx *ctx, const pq_wr_leaf_desc *d, pq_wr_scratch *s,
                          const bk_vector *vec, size_t r0, size_t r1, uint32_t n_steps,
                          bool check, slots *sl, bk_error *err) {
    size_t n = r1 - r0;
    TRY_MEM(slots_reserve(s, 0, n));
    slots_bind(s, sl, 0);
    sl->n = n;
    sl->v = vec;
    sl->cur_def = 0;
    memset(sl->def, 0, n * sizeof *sl->def);
    memset(sl->rep, 0, n * sizeof *sl->rep);
    for (size_t i = 0; i < n; i++) sl->row[i] = (int64_t)(r0 + i);
    for (uint32_t k = 0; k < n_steps; k++) {
        const pq_wr_step *st = &d->steps[k];
        switch (st->op) {
        case PQ_WR_NULLCHK:
            step_nullchk(sl, st->def);
            break;
        case PQ_WR_REQCHK:
            if (check && sl->v->validity) {
                for (size_t i = 0; i < sl->n; i++)
                    if (sl->def[i] == sl->cur_def && !bk_vector_is_valid(sl->v, (size_t)sl->row[i]))
                        return bk_error_set(err, BK_INVALID_ARGUMENT,
                                            "parquet file \"%s\": field \"%s\" is not nullable "
                                            "but holds a NULL",
                                            ctx->path, st->field_path);
            }
            break;
        case PQ_WR_FIELD:
            sl->v = sl->v->children[st->child];
            break;
        case PQ_WR_REPEAT:
            BK_TRY(step_repeat(ctx, d, s, sl, st, err));
            break;
        }
    }
    return BK_OK;
}

bk_status pq_wr_check_required(const pq_wr_ctx *ctx, const pq_wr_leaf_desc *d, pq_wr_scratch *s,
                               const bk_vector *vec, size_t n, bk_error *err) {
    uint32_t last = 0;
    for (uint32_t k = 0; k < d->n_steps; k++)
        if (d->steps[k].op == PQ_WR_REQCHK) last = k + 1;
    slots sl;
    for (size_t r = 0; r < n; r += PQ_WR_BATCH_ROWS) {
        size_t r1 = BK_MIN(n, r + PQ_WR_BATCH_ROWS);
        BK_TRY(run_path(ctx, d, s, vec, r, r1, last, true, &sl, err));
    }
    return BK_OK;
}

/* ---- values: conversion to the physical type ---- */

/* Store v (two's complement, 128-bit) big-endian in w bytes. */
static inline void i128_to_be(bk_i128 v, uint8_t *out, size_t w) {
    uint8_t full[16];
    for (int i = 0; i < 8; i++) {
        full[i] = (uint8_t)((uint64_t)v.hi >> (56 - 8 * i));
        full[8 + i] = (uint8_t)(v.lo >> (56 - 8 * i));
    }
    memcpy(out, full + 16 - w, w);
}

/*
 * Physical values of n rows of v: rows sel[0..n) when sel is non-NULL, else rows
 * r0.. r0+n.  Returns a pointer to n values (uint8 0/1 BOOLEAN, uint32_t INT32/
 * FLOAT bits, uint64_t INT64/DOUBLE bits, bk_str BYTE_ARRAY, n * width bytes FLBA),
 * either into the vector itself or into s->vals.  NULL on OOM.
 */
static const void *gather(const pq_wr_leaf_desc *d, pq_wr_scratch *s, const bk_vector *v,
                          const int64_t *sel, size_t r0, size_t n) {
    const void *src = v->data;
    if (!sel) {
        switch (d->vkind) {
        case PQ_WR_V_I32:
        case PQ_WR_V_F32:
            return (const uint32_t *)src + r0;
        case PQ_WR_V_I64:
        case PQ_WR_V_F64:
            return (const uint64_t *)src + r0;
        case PQ_WR_V_STR:
            return (const bk_str *)src + r0;
        default:
            break;
        }
    }
    size_t out_width = d->vkind == PQ_WR_V_STR ? sizeof(bk_str) : d->width;
    if (pq_wr_array_reserve(&s->vals, n * out_width, 1) != BK_OK) return NULL;
    s->vals.len = 0;
    void *dst = s->vals.data;

#define ROW(i) (sel ? (size_t)sel[i] : r0 + (i))
#define CONVERT(ST, DT, EXPR)                                                                     \
    do {                                                                                          \
        const ST *in = src;                                                                       \
        DT *out = dst;                                                                            \
        if (sel)                                                                                  \
            for (size_t i = 0; i < n; i++) {                                                      \
                ST x = in[sel[i]];                                                                \
                out[i] = (EXPR);                                                                  \
            }                                                                                     \
        else                                                                                      \
            for (size_t i = 0; i < n; i++) {                                                      \
                ST x = in[r0 + i];                                                                \
                out[i] = (EXPR);                                                                  \
            }                                                                                     \
    } while (0)

    switch (d->vkind) {
    case PQ_WR_V_BOOL:
        CONVERT(uint8_t, uint8_t, (uint8_t)(x != 0));
        break;
    case PQ_WR_V_I8:
        CONVERT(int8_t, uint32_t, (uint32_t)(int32_t)x);
        break;
    case PQ_WR_V_I16:
        CONVERT(int16_t, uint32_t, (uint32_t)(int32_t)x);
        break;
    case PQ_WR_V_I32:
    case PQ_WR_V_F32:
        CONVERT(uint32_t, uint32_t, x);
        break;
    case PQ_WR_V_I64_TO_I32:
        CONVERT(int64_t, uint32_t, (uint32_t)(int32_t)x);
        break;
    case PQ_WR_V_I64:
    case PQ_WR_V_F64:
        CONVERT(uint64_t, uint64_t, x);
        break;
    case PQ_WR_V_STR:
        CONVERT(bk_str, bk_str, x);
        break;
    case PQ_WR_V_I128_FLBA: {
        const bk_i128 *in = src;
        uint8_t *out = dst;
        size_t w = d->width;
        for (size_t i = 0; i < n; i++) i128_to_be(in[ROW(i)], out + i * w, w);
        break;
    }
    }
#undef CONVERT
#undef ROW
    return dst;
}

/*
 * Add n physical values to the leaf: in dictionary mode their indices (the values
 * themselves are copied into the dictionary only when new), otherwise their PLAIN
 * encoding.  Either way the caller's vectors are no longer needed afterwards.
 */
static bk_status sink(const pq_wr_ctx *ctx, pq_wr_leaf *l, const void *vals, size_t n,
                      bk_error *err) {
    const pq_wr_leaf_desc *d = l->desc;
    if (n == 0) return BK_OK;
    if (l->dict_mode) {
        TRY_MEM(pq_wr_array_reserve(&l->idx, n, sizeof(uint32_t)));
        TRY_MEM(pq_wr_dict_insert(&l->dict, vals, n, (uint32_t *)l->idx.data + l->idx.len));
        l->idx.len += n;
    } else if (d->physical == PQ_BYTE_ARRAY) {
        const bk_str *sv = vals;
        size_t total = 4 * n;
        for (size_t i = 0; i < n; i++) total += sv[i].len;
        TRY_MEM(bk_buf_reserve(&l->plain, total));
        TRY_MEM(pq_wr_array_reserve(&l->plain_offs, n, sizeof(size_t)));
        size_t *offs = (size_t *)l->plain_offs.data + l->plain_offs.len;
        uint8_t *p = l->plain.data + l->plain.len;
        for (size_t i = 0; i < n; i++) {
            if (BK_UNLIKELY(sv[i].len > INT32_MAX))
                return col_error(ctx, d, err, BK_LIMIT_EXCEEDED,
                                 "value of %zu bytes exceeds the 2 GiB Parquet limit", sv[i].len);
            offs[i] = (size_t)(p - l->plain.data);
            uint32_t len = (uint32_t)sv[i].len;
            memcpy(p, &len, 4);
            if (len) memcpy(p + 4, sv[i].ptr, len);
            p += 4 + len;
        }
        l->plain.len = (size_t)(p - l->plain.data);
        l->plain_offs.len += n;
    } else {
        TRY_MEM(bk_buf_append(&l->plain, vals, n * d->width));
    }
    l->n_values += n;
    return BK_OK;
}

/* Append n uint16 levels to a pending level array. */
static bk_status put_levels(pq_wr_array *arr, const uint16_t *lv, size_t n) {
    BK_TRY(pq_wr_array_reserve(arr, n, sizeof(uint16_t)));
    memcpy((uint16_t *)arr->data + arr->len, lv, n * sizeof(uint16_t));
    arr->len += n;
    return BK_OK;
}

/*
 * Is the program flat (at most one NULLCHK/REQCHK on the top-level vector)?  Such
 * leaves have one level entry per row and values at the row indexes, so they skip
 * the slot machinery: this is the path of every ordinary column.
 */
static bool is_flat(const pq_wr_leaf_desc *d) {
    return d->n_steps == 0 || (d->n_steps == 1 && d->steps[0].op != PQ_WR_FIELD &&
                               d->steps[0].op != PQ_WR_REPEAT);
}

/*
 * Shred rows [r0, r1) of vec into leaf l: append def/rep levels (when the leaf has
 * them) and sink the non-NULL values.  OPTIMIZATION: a flat column without NULLs
 * hands the vector's own array to sink() (gather() returns it uncopied).
 */
static bk_status shred_leaf(const pq_wr_ctx *ctx, pq_wr_leaf *l, pq_wr_scratch *s,
                            const bk_vector *vec, size_t r0, size_t r1, bk_error *err) {
    const pq_wr_leaf_desc *d = l->desc;
    size_t n = r1 - r0;
    const void *vals;
    size_t n_vals;

    if (is_flat(d)) {
        const uint8_t *valid = d->max_def ? vec->validity : NULL;
        if (d->max_def) {
            TRY_MEM(pq_wr_array_reserve(&l->def, n, sizeof(uint16_t)));
            uint16_t *def = (uint16_t *)l->def.data + l->def.len;
            if (!valid) {
                for (size_t i = 0; i < n; i++) def[i] = 1;
            } else {
                for (size_t i = 0; i < n; i++) {
                    size_t r = r0 + i;
                    def[i] = (uint16_t)((valid[r >> 3] >> (r & 7)) & 1);
                }
            }
            l->def.len += n;
        }
        if (!valid) {
            vals = gather(d, s, vec, NULL, r0, n);
            n_vals = n;
        } else {
            /* branch-free selection of the valid rows: write always, advance on def */
            TRY_MEM(pq_wr_array_reserve(&s->gsel, n, sizeof(int64_t)));
            int64_t *sel = s->gsel.data;
            const uint16_t *def = (const uint16_t *)l->def.data + l->def.len - n;
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                sel[k] = (int64_t)(r0 + i);
                k += def[i];
            }
            vals = gather(d, s, vec, sel, 0, k);
            n_vals = k;
        }
    } else {
        slots sl;
        BK_TRY(run_path(ctx, d, s, vec, r0, r1, d->n_steps, false, &sl, err));
        if (d->max_def) TRY_MEM(put_levels(&l->def, sl.def, sl.n));
        if (d->max_rep) TRY_MEM(put_levels(&l->rep, sl.rep, sl.n));
        TRY_MEM(pq_wr_array_reserve(&s->gsel, sl.n, sizeof(int64_t)));
        int64_t *sel = s->gsel.data;
        size_t k = 0;
        for (size_t i = 0; i < sl.n; i++) {
            sel[k] = sl.row[i];
            k += sl.def[i] == d->max_def;
        }
        vals = gather(d, s, sl.v, sel, 0, k);
        n_vals = k;
        n = sl.n;
    }
    if (!vals && n_vals) return oom(ctx, d, err);
    l->n_levels += n;
    return sink(ctx, l, vals, n_vals, err);
}

/* ---- pages ---- */

/*
 * Append levels RLE-encoded, with a 4-byte length prefix for data page v1 (v2 keeps
 * the lengths in the header).  *section_len counts the prefix too.
 */
static bk_status put_level_section(bk_buf *body, const pq_wr_array *lv, size_t n, uint16_t max,
                                   bool prefix, size_t *section_len) {
    size_t start = body->len;
    if (prefix) BK_TRY(bk_buf_append_le32(body, 0));
    BK_TRY(pq_rle_encode_u16(lv->data, n, pq_bit_width(max), body));
    size_t len = body->len - start - (prefix ? 4 : 0);
    if (prefix) {
        uint32_t len32 = (uint32_t)len;
        memcpy(body->data + start, &len32, 4);
    }
    *section_len = body->len - start;
    return BK_OK;
}

/*
 * Indexes of the distinct dictionary entries used by the pending page, in s->sel.
 * Page min/max are then taken over these entries only, so a page of 20,000 rows
 * drawn from 50 strings costs 50 string comparisons, not 20,000.  marks[e] holds
 * the serial of the last page that saw entry e, so no clearing is needed per page.
 */
static bk_status unique_entries(pq_wr_leaf *l, pq_wr_scratch *s, size_t *n_unique) {
    BK_TRY(pq_wr_array_reserve(&l->marks, l->dict.n - l->marks.len, sizeof(uint32_t)));
    uint32_t *marks = l->marks.data;
    if (l->marks.len < l->dict.n) {
        memset(marks + l->marks.len, 0, (l->dict.n - l->marks.len) * sizeof *marks);
        l->marks.len = l->dict.n;
    }
    uint32_t serial = ++l->page_serial;
    BK_TRY(pq_wr_array_reserve(&s->sel, l->n_values, sizeof(uint32_t)));
    uint32_t *sel = s->sel.data;
    const uint32_t *idx = l->idx.data;
    size_t k = 0;
    for (size_t i = 0; i < l->n_values; i++) {
        uint32_t e = idx[i];
        if (marks[e] != serial) {
            marks[e] = serial;
            sel[k++] = e;
        }
    }
    *n_unique = k;
    return BK_OK;
}

/* Min/max of the pending page's values (mm->has false when there are none). */
static bk_status page_minmax(pq_wr_leaf *l, pq_wr_scratch *s, pq_wr_minmax *mm) {
    const pq_wr_leaf_desc *d = l->desc;
    mm->has = false;
    if (l->n_values == 0) return BK_OK;
    if (l->dict_mode) {
        size_t k;
        BK_TRY(unique_entries(l, s, &k));
        if (d->physical == PQ_BYTE_ARRAY)
            pq_wr_minmax_var(l->dict.plain.data, l->dict.offs, s->sel.data, k, mm);
        else
            pq_wr_minmax_fixed(d->order, l->dict.plain.data, d->width, s->sel.data, k, mm);
    } else if (d->physical == PQ_BYTE_ARRAY) {
        pq_wr_minmax_var(l->plain.data, l->plain_offs.data, NULL, l->n_values, mm);
    } else {
        pq_wr_minmax_fixed(d->order, l->plain.data, d->width, NULL, l->n_values, mm);
    }
    return BK_OK;
}

/*
 * Record the page for the page index and fold its statistics into the chunk.  The
 * ColumnIndex keeps truncated copies of byte-array bounds (write_stats.c says why);
 * the chunk statistics get the full values.
 */
static bk_status record_page(const pq_wr_ctx *ctx, pq_wr_leaf *l, const pq_wr_minmax *mm,
                             int64_t offset, size_t size, bk_error *err) {
    const pq_wr_leaf_desc *d = l->desc;
    TRY_MEM(pq_wr_array_reserve(&l->page_list, 1, sizeof(pq_wr_page)));
    pq_wr_page *pg = (pq_wr_page *)l->page_list.data + l->page_list.len;
    memset(pg, 0, sizeof *pg);
    pg->offset = offset;
    pg->size = (int32_t)size;
    pg->first_row = l->chunk_rows;
    pg->null_count = (int64_t)(l->n_levels - l->n_values);
    pg->n_values = (int64_t)l->n_values;
    if (mm->has) {
        if (!l->page_arena) {
            l->page_arena = bk_arena_new(NULL, "parquet writer page index", 0);
            if (!l->page_arena) return oom(ctx, d, err);
        }
        size_t min_len = mm->min_len, max_len = mm->max_len;
        const uint8_t *max = mm->max;
        uint8_t maxbuf[PQ_WR_INDEX_TRUNCATE];
        if (d->order == PQ_WR_ORD_BYTES) {
            pq_wr_truncate_min(mm->min, mm->min_len, PQ_WR_INDEX_TRUNCATE, &min_len);
            if (pq_wr_truncate_max(mm->max, mm->max_len, PQ_WR_INDEX_TRUNCATE, maxbuf, &max_len))
                max = maxbuf;
        }
        uint8_t *pmin = bk_arena_memdup(l->page_arena, mm->min, min_len ? min_len : 1);
        uint8_t *pmax = bk_arena_memdup(l->page_arena, max, max_len ? max_len : 1);
        if (!pmin || !pmax) return oom(ctx, d, err);
        pg->has_minmax = true;
        pg->min = (pq_bytes){pmin, (uint32_t)min_len};
        pg->max = (pq_bytes){pmax, (uint32_t)max_len};
        TRY_MEM(pq_wr_chunk_stats_add(&l->stats, d->order, mm));
    }
    l->page_list.len++;
    l->stats.null_count += pg->null_count;
    return BK_OK;
}

/*
 * Page body layout:
 *   v1: [len32 rep levels][len32 def levels][values], compressed as a whole
 *   v2: [rep levels][def levels] uncompressed, then [values] compressed
 * Levels sections exist only when the leaf's max level is > 0.  The CRC covers the
 * body as stored (after compression), as the format specifies.
 */
bk_status pq_wr_finish_page(const pq_wr_ctx *ctx, pq_wr_leaf *l, pq_wr_scratch *s,
                            bk_error *err) {
    const pq_wr_leaf_desc *d = l->desc;
    const pq_writer_opts *o = &ctx->opts;
    if (l->n_levels == 0) return BK_OK;
    if (l->n_levels > INT32_MAX)
        return col_error(ctx, d, err, BK_LIMIT_EXCEEDED,
                         "a page would hold %zu values, more than Parquet allows (2^31 - 1); "
                         "write fewer rows at a time",
                         l->n_levels);
    bool v2 = o->data_page_v2;
    bk_buf *body = &s->body;
    bk_buf_clear(body);

    /* levels */
    size_t rep_len = 0, def_len = 0;
    if (d->max_rep)
        TRY_MEM(put_level_section(body, &l->rep, l->n_levels, d->max_rep, !v2, &rep_len));
    if (d->max_def)
        TRY_MEM(put_level_section(body, &l->def, l->n_levels, d->max_def, !v2, &def_len));
    size_t levels_len = body->len;

    /* values */
    pq_encoding enc = PQ_ENC_PLAIN;
    bool dict_page = l->dict_mode;
    if (dict_page) {
        /* Every page of a dictionary-mode chunk is RLE_DICTIONARY, also one without
           values: Spark's vectorized reader takes a PLAIN page for the dictionary
           fallback and fails on a dictionary page after it.  Widths as Arrow writes
           them: 0 for an empty dictionary, at least 1 otherwise. */
        enc = PQ_ENC_RLE_DICTIONARY;
        int bw = l->dict.n == 0 ? 0 : BK_MAX(1, pq_bit_width(l->dict.n - 1));
        TRY_MEM(bk_buf_append_u8(body, (uint8_t)bw));
        if (l->n_values) TRY_MEM(pq_rle_encode_u32(l->idx.data, l->n_values, bw, body));
    } else if (d->physical == PQ_BOOLEAN) {
        TRY_MEM(pq_plain_encode_bool(l->plain.data, l->n_values, body));
    } else {
        TRY_MEM(bk_buf_append(body, l->plain.data, l->plain.len));
    }
    size_t uncompressed = body->len;
    if (uncompressed > INT32_MAX)
        return col_error(ctx, d, err, BK_LIMIT_EXCEEDED,
                         "a page of %zu bytes exceeds the 2 GiB Parquet limit", uncompressed);

    /* compression: v1 the whole body, v2 only the values */
    const uint8_t *stored = body->data;
    size_t stored_len = body->len;
    if (o->codec != PQ_CODEC_UNCOMPRESSED) {
        bk_buf *comp = &s->comp;
        bk_buf_clear(comp);
        size_t from = v2 ? levels_len : 0;
        if (v2) TRY_MEM(bk_buf_append(comp, body->data, levels_len));
        bk_status st = pq_compress(o->codec, o->compression_level, body->data + from,
                                   body->len - from, comp, err);
        if (st != BK_OK) {
            if (st == BK_OUT_OF_MEMORY && err && err->code == BK_CODE_OK) return oom(ctx, d, err);
            bk_error_prefix(err, "parquet file \"%s\": column \"%s\"", ctx->path, d->dotted);
            return st;
        }
        stored = comp->data;
        stored_len = comp->len;
        if (stored_len > INT32_MAX)
            return col_error(ctx, d, err, BK_LIMIT_EXCEEDED,
                             "a compressed page of %zu bytes exceeds the 2 GiB Parquet limit",
                             stored_len);
    }

    /* header + body into the chunk buffer */
    pq_page_header h;
    memset(&h, 0, sizeof h);
    h.type = v2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA;
    h.uncompressed_page_size = (int32_t)uncompressed;
    h.compressed_page_size = (int32_t)stored_len;
    if (!o->no_checksums) {
        h.has_crc = true;
        h.crc = pq_crc32(stored, stored_len);
    }
    h.num_values = (int32_t)l->n_levels;
    h.encoding = enc;
    h.def_level_encoding = PQ_ENC_RLE;
    h.rep_level_encoding = PQ_ENC_RLE;
    if (v2) {
        h.num_nulls = (int32_t)(l->n_levels - l->n_values);
        h.num_rows = (int32_t)l->n_rows;
        h.def_levels_byte_length = (int32_t)def_len;
        h.rep_levels_byte_length = (int32_t)rep_len;
        h.is_compressed = o->codec != PQ_CODEC_UNCOMPRESSED;
    }
    size_t page_start = l->pages.len;
    TRY_MEM(pq_meta_encode_page_header(&h, &l->pages));
    size_t header_len = l->pages.len - page_start;
    TRY_MEM(bk_buf_append(&l->pages, stored, stored_len));

    /* statistics and page index */
    pq_wr_minmax mm = {0};
    if (!o->no_statistics) TRY_MEM(page_minmax(l, s, &mm));
    BK_TRY(record_page(ctx, l, &mm, (int64_t)page_start, header_len + stored_len, err));
    if (dict_page) {
        l->dict_used = true;
        l->n_dict_pages++;
    } else {
        l->n_plain_pages++;
    }
    l->uncompressed += (int64_t)(header_len + uncompressed);
    l->chunk_levels += (int64_t)l->n_levels;
    l->chunk_rows += l->n_rows;

    /* the pending page is empty again */
    l->n_levels = l->n_values = 0;
    l->n_rows = 0;
    l->def.len = l->rep.len = l->idx.len = l->plain_offs.len = 0;
    bk_buf_clear(&l->plain);
    return BK_OK;
}

/* ---- the column loop ---- */

/*
 * Why batches: pages must end on row boundaries and close to page_rows/page_bytes,
 * and the dictionary must stop growing soon after dictionary_bytes.  Checking after
 * every row would cost a call per value; checking after each batch of at most
 * PQ_WR_BATCH_ROWS whole rows (fewer when a page's row budget or, for strings, its
 * byte budget is nearly used) keeps the loops tight and the overshoot to one batch,
 * which is also what Arrow does (write_batch_size).
 */

/*
 * How many of the n rows from r fit in about `budget` bytes of string data (at
 * least one).  Keeps a batch of very long strings from growing a page or the
 * dictionary far past its limit before the per-batch checks see it.
 */
static size_t string_rows(const bk_vector *vec, size_t r, size_t n, size_t budget) {
    const bk_str *sv = (const bk_str *)vec->data + r;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        used += sv[i].len + 4;
        if (used >= budget) return i + 1;
    }
    return n;
}

bk_status pq_wr_shred_column(const pq_wr_ctx *ctx, pq_wr_leaf *leaves, uint32_t n_leaves,
                             pq_wr_scratch *s, const bk_vector *vec, size_t r0, size_t r1,
                             bk_error *err) {
    const pq_writer_opts *o = &ctx->opts;
    size_t page_rows = o->page_rows;
    for (size_t r = r0; r < r1;) {
        /* a batch never overfills a page's row budget, so pages end on the limit */
        size_t b = BK_MIN(r1 - r, (size_t)PQ_WR_BATCH_ROWS);
        for (uint32_t k = 0; k < n_leaves; k++) {
            size_t room = page_rows - (size_t)leaves[k].n_rows;
            b = BK_MIN(b, room);
            if (leaves[k].desc->vkind == PQ_WR_V_STR && is_flat(leaves[k].desc))
                b = string_rows(vec, r, b, o->page_bytes);
        }
        for (uint32_t k = 0; k < n_leaves; k++) {
            pq_wr_leaf *l = &leaves[k];
            BK_TRY(shred_leaf(ctx, l, s, vec, r, r + b, err));
            l->n_rows += (int64_t)b;
            if (l->dict_mode && pq_wr_dict_bytes(&l->dict) > o->dictionary_bytes) {
                /* fall back to PLAIN: the values pending were encoded as indices */
                BK_TRY(pq_wr_finish_page(ctx, l, s, err));
                l->dict_mode = false;
            } else if ((size_t)l->n_rows >= page_rows || pending_bytes(l) >= o->page_bytes) {
                BK_TRY(pq_wr_finish_page(ctx, l, s, err));
            }
        }
        r += b;
    }
    return BK_OK;
}
