/*
 * scan.c — projected, pruned, parallel scans of a Parquet file (pq_scan).
 *
 * Control flow:
 *
 *   pq_scan
 *     for each row group: rg_may_match()    footer statistics vs predicates
 *     bk_pool_run over surviving row groups:
 *       select_rows()                         column index + offset index of the
 *                                             predicate columns -> row ranges
 *       scan_late() when predicates test projected columns:
 *         pq_read_field() per such column     its pages overlapping the candidates
 *         pq_filter_eval() (scan_filter.c)    exact: candidates that pass remain
 *         pq_read_field() per other field     only pages that still hold candidates
 *         take the surviving rows
 *       else pq_read_field() per projected field, decoding only pages overlapping
 *         the ranges, trimmed to them (bk_vector_take) when pages differ
 *       callback
 *
 * Pruning is only ever an optimisation: a row group or page is skipped only when
 * its statistics prove no row can match.  OPTIMIZATION-IF-FALSE: every check
 * here may answer "may match" and results stay correct.
 */
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "parquet/reader_int.h"

/* A statistics bound or predicate literal in the field's bk layout. */
typedef struct bound {
    bool present;
    union {
        int64_t i;
        double d;
        bk_str s;
    } v;
} bound;

typedef enum cmp_kind { CMP_NONE, CMP_INT, CMP_DOUBLE, CMP_BYTES } cmp_kind;

/* How values of this leaf compare, or CMP_NONE when we do not prune on it. */
static cmp_kind leaf_cmp_kind(const pq_field *leaf) {
    if (leaf->kind != PQ_FIELD_LEAF) return CMP_NONE;
    switch (leaf->convert) {
    case PQ_CONV_COPY:
    case PQ_CONV_I32_TO_I8:
    case PQ_CONV_I32_TO_I16:
    case PQ_CONV_I32_DEC_TO_I64:
    case PQ_CONV_I32_TO_I64:
    case PQ_CONV_BOOL:
        break;
    default:
        return CMP_NONE; /* unit changes, INT96, wide decimals, float16: not worth it */
    }
    switch (leaf->el->type) {
    case PQ_BOOLEAN:
    case PQ_INT32:
    case PQ_INT64:
        return CMP_INT;
    case PQ_FLOAT:
    case PQ_DOUBLE:
        return CMP_DOUBLE;
    case PQ_BYTE_ARRAY:
        return leaf->type->kind == BK_TYPE_DECIMAL ? CMP_NONE : CMP_BYTES;
    case PQ_FIXED_LEN_BYTE_ARRAY:
        return leaf->type->kind == BK_TYPE_DECIMAL ? CMP_NONE : CMP_BYTES;
    default:
        return CMP_NONE;
    }
}

/* Decode a PLAIN-encoded statistics value of the leaf's physical type. */
static bool decode_bound(const pq_field *leaf, cmp_kind kind, pq_bytes b, bound *out) {
    out->present = false;
    switch (kind) {
    case CMP_INT:
        if (leaf->el->type == PQ_BOOLEAN && b.len >= 1) {
            out->v.i = b.ptr[0] != 0;
        } else if (leaf->el->type == PQ_INT32 && b.len == 4) {
            int32_t v;
            memcpy(&v, b.ptr, 4);
            out->v.i = v;
        } else if (leaf->el->type == PQ_INT64 && b.len == 8) {
            memcpy(&out->v.i, b.ptr, 8);
        } else {
            return false;
        }
        break;
    case CMP_DOUBLE:
        if (leaf->el->type == PQ_FLOAT && b.len == 4) {
            float f;
            memcpy(&f, b.ptr, 4);
            out->v.d = f;
        } else if (leaf->el->type == PQ_DOUBLE && b.len == 8) {
            memcpy(&out->v.d, b.ptr, 8);
        } else {
            return false;
        }
        if (isnan(out->v.d)) return false;
        break;
    case CMP_BYTES:
        out->v.s.ptr = (const char *)b.ptr;
        out->v.s.len = b.len;
        break;
    default:
        return false;
    }
    out->present = true;
    return true;
}

/* The predicate literal at row `row` of `values`, as a bound. */
static bool literal(const bk_vector *values, size_t row, cmp_kind kind, bound *out) {
    out->present = false;
    if (!values || row >= values->n || !bk_vector_is_valid(values, row)) return false;
    size_t w = bk_type_width(values->type);
    const uint8_t *p = (const uint8_t *)values->data + row * w;
    switch (kind) {
    case CMP_INT:
        switch (w) {
        case 1:
            out->v.i = (values->type->kind == BK_TYPE_BOOLEAN) ? *p : (int8_t)*p;
            break;
        case 2: {
            int16_t v;
            memcpy(&v, p, 2);
            out->v.i = v;
            break;
        }
        case 4: {
            int32_t v;
            memcpy(&v, p, 4);
            out->v.i = v;
            break;
        }
        case 8:
            memcpy(&out->v.i, p, 8);
            break;
        default:
            return false;
        }
        break;
    case CMP_DOUBLE:
        if (values->type->kind == BK_TYPE_FLOAT) {
            float f;
            memcpy(&f, p, 4);
            out->v.d = f;
        } else if (values->type->kind == BK_TYPE_DOUBLE) {
            memcpy(&out->v.d, p, 8);
        } else {
            return false;
        }
        if (isnan(out->v.d)) return false;
        break;
    case CMP_BYTES:
        if (w != sizeof(bk_str)) return false;
        memcpy(&out->v.s, p, sizeof(bk_str));
        break;
    default:
        return false;
    }
    out->present = true;
    return true;
}

static int compare(cmp_kind kind, const bound *a, const bound *b) {
    switch (kind) {
    case CMP_INT:
        return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
    case CMP_DOUBLE:
        return a->v.d < b->v.d ? -1 : a->v.d > b->v.d;
    default: {
        size_t n = BK_MIN(a->v.s.len, b->v.s.len);
        int c = n ? memcmp(a->v.s.ptr, b->v.s.ptr, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return a->v.s.len < b->v.s.len ? -1 : a->v.s.len > b->v.s.len;
    }
    }
}

/* Can a value range [mn, mx] (either bound may be absent) hold a match? */
static bool range_may_match(const pq_predicate *p, cmp_kind kind, const bound *mn,
                            const bound *mx) {
    bound lit;
    switch (p->op) {
    case PQ_PRED_IS_NULL:
    case PQ_PRED_IS_NOT_NULL:
        return true;
    case PQ_PRED_IN:
        if (!p->values) return true;
        if (p->set && kind == CMP_INT && p->values->n > 64) /* long lists: through the set */
            return bk_wordset_meets(p->set, mn->present ? mn->v.i : INT64_MIN,
                                    mx->present ? mx->v.i : INT64_MAX);
        for (size_t i = 0; i < p->values->n; i++) {
            if (!literal(p->values, i, kind, &lit)) {
                if (!bk_vector_is_valid(p->values, i)) continue; /* x IN (NULL) never matches */
                return true;
            }
            if ((!mn->present || compare(kind, &lit, mn) >= 0) &&
                (!mx->present || compare(kind, &lit, mx) <= 0))
                return true;
        }
        return false;
    default:
        break;
    }
    if (!literal(p->values, 0, kind, &lit)) {
        /* a NULL literal matches nothing; one we cannot read may match anything */
        return p->values && p->values->n > 0 && bk_vector_is_valid(p->values, 0);
    }
    switch (p->op) {
    case PQ_PRED_EQ:
        return !((mn->present && compare(kind, &lit, mn) < 0) ||
                 (mx->present && compare(kind, &lit, mx) > 0));
    case PQ_PRED_LT:
        return !(mn->present && compare(kind, mn, &lit) >= 0);
    case PQ_PRED_LE:
        return !(mn->present && compare(kind, mn, &lit) > 0);
    case PQ_PRED_GT:
        return !(mx->present && compare(kind, mx, &lit) <= 0);
    case PQ_PRED_GE:
        return !(mx->present && compare(kind, mx, &lit) < 0);
    default:
        return true;
    }
}

static const pq_field *pred_leaf(const pq_reader *r, const pq_predicate *p) {
    if (p->field >= r->schema.root.n_children) return NULL;
    const pq_field *f = r->schema.root.children[p->field];
    return f->kind == PQ_FIELD_LEAF ? f : NULL;
}

/* Row-group level: do the footer statistics allow a match for predicate p? */
static bool rg_pred_may_match(const pq_reader *r, uint32_t rg, const pq_predicate *p) {
    const pq_field *leaf = pred_leaf(r, p);
    if (!leaf) return true;
    const pq_column_chunk *cc = &r->meta.row_groups[rg].columns[leaf->first_leaf];
    if (!cc->has_meta_data || !cc->meta.has_statistics) return true;
    const pq_statistics *s = &cc->meta.statistics;
    int64_t n = cc->meta.num_values;
    if (s->has_null_count) {
        if (p->op == PQ_PRED_IS_NULL) return s->null_count > 0;
        if (p->op == PQ_PRED_IS_NOT_NULL) return s->null_count < n;
        if (s->null_count == n) return false; /* only NULLs: no comparison is true */
    }
    if (p->op == PQ_PRED_IS_NULL || p->op == PQ_PRED_IS_NOT_NULL) return true;
    cmp_kind kind = leaf_cmp_kind(leaf);
    if (kind == CMP_NONE) return true;
    bound mn = {0}, mx = {0};
    const pq_file_meta *m = &r->meta;
    bool type_order = m->n_column_orders > leaf->first_leaf &&
                      m->column_orders[leaf->first_leaf] == PQ_ORDER_TYPE_DEFINED;
    if (type_order && s->has_min_value) decode_bound(leaf, kind, s->min_value, &mn);
    if (type_order && s->has_max_value) decode_bound(leaf, kind, s->max_value, &mx);
    /* the deprecated fields were written with signed comparison: fine for numbers only */
    bool signed_ok = kind != CMP_BYTES;
    if (!mn.present && signed_ok && s->has_min) decode_bound(leaf, kind, s->min, &mn);
    if (!mx.present && signed_ok && s->has_max) decode_bound(leaf, kind, s->max, &mx);
    return range_may_match(p, kind, &mn, &mx);
}

/* ---- page level ---- */

/* Sorted disjoint ranges: out = a ∩ b.  Returns the count. */
static uint32_t intersect(const pq_row_range *a, uint32_t na, const pq_row_range *b, uint32_t nb,
                          pq_row_range *out) {
    uint32_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        int64_t lo = BK_MAX(a[i].begin, b[j].begin), hi = BK_MIN(a[i].end, b[j].end);
        if (lo < hi) out[n++] = (pq_row_range){lo, hi};
        if (a[i].end < b[j].end)
            i++;
        else
            j++;
    }
    return n;
}

/*
 * Rows of row group rg that may match every predicate, by the column indexes.
 * Sets *ranges (in a) and *n; *all when nothing could be excluded.
 */
static bk_status select_rows(pq_reader *r, bk_arena *a, uint32_t rg, const pq_scan_opts *o,
                             pq_row_range **ranges, uint32_t *n, bool *all, uint64_t *pages_total,
                             uint64_t *pages_skipped, bk_error *err) {
    int64_t rows = r->meta.row_groups[rg].num_rows;
    pq_row_range *sel = bk_arena_alloc(a, sizeof *sel);
    if (!sel) return bk_arena_oom(a, err);
    sel[0] = (pq_row_range){0, rows};
    uint32_t n_sel = rows > 0;
    *all = true;
    for (uint32_t pi = 0; pi < o->n_preds; pi++) {
        const pq_predicate *p = &o->preds[pi];
        const pq_field *leaf = pred_leaf(r, p);
        if (!leaf) continue;
        const pq_column_chunk *cc = &r->meta.row_groups[rg].columns[leaf->first_leaf];
        if (!cc->has_column_index || !cc->has_offset_index || cc->column_index_offset < 0 ||
            cc->column_index_length <= 0 || cc->offset_index_offset < 0 ||
            cc->offset_index_length <= 0 ||
            (uint64_t)cc->column_index_offset + (uint64_t)cc->column_index_length > r->size ||
            (uint64_t)cc->offset_index_offset + (uint64_t)cc->offset_index_length > r->size)
            continue;
        pq_column_index ci;
        pq_offset_index oi;
        if (pq_meta_decode_column_index(a, r->data + cc->column_index_offset,
                                        (size_t)cc->column_index_length, &ci, NULL) != BK_OK ||
            pq_meta_decode_offset_index(a, r->data + cc->offset_index_offset,
                                        (size_t)cc->offset_index_length, &oi, NULL) != BK_OK ||
            ci.n_pages != oi.n_pages || oi.n_pages == 0)
            continue; /* a broken index only costs us the skipping */
        cmp_kind kind = leaf_cmp_kind(leaf);
        pq_row_range *keep = bk_arena_array(a, oi.n_pages, sizeof *keep);
        pq_row_range *next = bk_arena_array(a, oi.n_pages + n_sel, sizeof *next);
        if (!keep || !next) return bk_arena_oom(a, err);
        uint32_t n_keep = 0;
        for (uint32_t k = 0; k < oi.n_pages; k++) {
            int64_t b = oi.pages[k].first_row_index;
            int64_t e = k + 1 < oi.n_pages ? oi.pages[k + 1].first_row_index : rows;
            bool may = true;
            if (p->op == PQ_PRED_IS_NULL) {
                may = ci.null_pages[k] || !ci.has_null_counts || ci.null_counts[k] > 0;
            } else if (p->op == PQ_PRED_IS_NOT_NULL) {
                may = !ci.null_pages[k];
            } else if (ci.null_pages[k]) {
                may = false;
            } else if (kind != CMP_NONE) {
                bound mn, mx;
                decode_bound(leaf, kind, ci.min_values[k], &mn);
                decode_bound(leaf, kind, ci.max_values[k], &mx);
                may = range_may_match(p, kind, &mn, &mx);
            }
            if (pages_total) (*pages_total)++;
            if (!may) {
                if (pages_skipped) (*pages_skipped)++;
                continue;
            }
            if (b >= e) continue;
            if (n_keep && keep[n_keep - 1].end == b)
                keep[n_keep - 1].end = e;
            else
                keep[n_keep++] = (pq_row_range){b, e};
        }
        n_sel = intersect(sel, n_sel, keep, n_keep, next);
        sel = next;
        *all = false;
    }
    if (!*all && n_sel == 1 && sel[0].begin == 0 && sel[0].end == rows) *all = true;
    *ranges = sel;
    *n = n_sel;
    return BK_OK;
}

/* Indexes (relative to the vector) of the rows in `want` within the held ranges. */
static bk_status rows_to_take(bk_arena *a, const pq_row_range *held, uint32_t n_held,
                              const pq_row_range *want, uint32_t n_want, size_t n_out,
                              uint32_t **out, bk_error *err) {
    uint32_t *idx = bk_arena_array(a, n_out ? n_out : 1, sizeof *idx);
    if (!idx) return bk_arena_oom(a, err);
    size_t m = 0, base = 0;
    uint32_t j = 0;
    for (uint32_t i = 0; i < n_held; i++) {
        for (; j < n_want && want[j].end <= held[i].begin; j++) {
        }
        for (uint32_t k = j; k < n_want && want[k].begin < held[i].end; k++) {
            int64_t lo = BK_MAX(want[k].begin, held[i].begin),
                    hi = BK_MIN(want[k].end, held[i].end);
            for (int64_t row = lo; row < hi && m < n_out; row++)
                idx[m++] = (uint32_t)(base + (size_t)(row - held[i].begin));
        }
        base += (size_t)(held[i].end - held[i].begin);
    }
    if (m != n_out)
        return bk_error_set(err, BK_INTERNAL, "page selection lost rows (%zu of %zu)", m, n_out);
    *out = idx;
    return BK_OK;
}

typedef struct scan_state {
    pq_reader *r;
    const pq_scan_opts *o;
    const uint32_t *fields;
    uint32_t n_fields;
    /* late materialization: projected positions with predicates, in decoding order */
    const uint32_t *eval_pos;
    uint32_t n_eval;
    /* late evaluation so far (o->late or own_late); it stops when too few rows drop */
    pq_late_stats *late;
    pq_late_stats own_late;
    const uint32_t *rgs; /* surviving row groups */
    pq_scan_fn fn;
    void *ctx;
    bk_arena **arenas;  /* one per worker: a row group's vectors */
    bk_arena **scratch; /* one per worker: page buffers, kept across pages and row groups */
    _Atomic int failed;
    bk_mutex *lock; /* guards err and the counters below */
    bk_error err;
    bk_status status;
    uint64_t pages_total, pages_skipped, rows_returned, rows_filtered, decode_ns;
    uint32_t rgs_skipped;
} scan_state;

static void record_failure(scan_state *s, bk_status st, const bk_error *e) {
    bk_mutex_lock(s->lock);
    if (s->status == BK_OK) {
        s->status = st;
        s->err = *e;
    }
    bk_mutex_unlock(s->lock);
    atomic_store(&s->failed, 1);
}

/* ---- late materialization ---- */

/*
 * Row ranges covering rows[0..n) (sorted), in `a`: runs of rows, joined across
 * gaps below RUN_GAP rows.  They only choose the pages to decode, so a superset
 * of the rows is enough, and pages hold hundreds of rows or more.
 */
#define RUN_GAP 256
static pq_row_range *runs_of(bk_arena *a, const uint32_t *rows, size_t n, uint32_t *n_out) {
    pq_row_range *out = bk_arena_array(a, n ? n : 1, sizeof *out);
    if (!out) return NULL;
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && rows[i] < (uint64_t)out[k - 1].end + RUN_GAP) {
            out[k - 1].end = (int64_t)rows[i] + 1;
        } else {
            out[k++] = (pq_row_range){rows[i], (int64_t)rows[i] + 1};
        }
    }
    *n_out = k;
    return out;
}

/*
 * Positions in a vector holding rows `held` (sorted ranges) of row numbers
 * rows[0..n), in pos; *out is pos, or rows itself when the vector holds the row
 * group from row 0 (the positions are the row numbers).
 */
static bk_status positions_of(const uint32_t *rows, size_t n, const pq_row_range *held,
                              uint32_t n_held, uint32_t *pos, const uint32_t **out,
                              bk_error *err) {
    *out = pos;
    if (n_held == 1 && n && held[0].begin == 0 && rows[n - 1] < held[0].end) {
        *out = rows;
        return BK_OK;
    }
    if (n_held == 1 && n && rows[0] >= held[0].begin && rows[n - 1] < held[0].end) {
        uint32_t base = (uint32_t)held[0].begin;
        for (size_t i = 0; i < n; i++) pos[i] = rows[i] - base;
        return BK_OK;
    }
    uint32_t h = 0;
    size_t base = 0;
    for (size_t i = 0; i < n; i++) {
        while (h < n_held && rows[i] >= held[h].end) {
            base += (size_t)(held[h].end - held[h].begin);
            h++;
        }
        if (h == n_held || rows[i] < held[h].begin)
            return bk_error_set(err, BK_INTERNAL, "row %u of a row group was not decoded", rows[i]);
        pos[i] = (uint32_t)(base + (rows[i] - (size_t)held[h].begin));
    }
    return BK_OK;
}

/*
 * Decode the predicate columns of row group rg first (candidates: the rows the
 * column indexes left, sel / all), evaluate the predicates exactly on them, then
 * decode the other projected columns only for pages that still hold candidates,
 * and return just the rows that passed.  OPTIMIZATION-IF-FALSE: a predicate
 * pq_filter_eval cannot evaluate keeps every row.
 */
static bk_status scan_late(scan_state *s, bk_arena *a, bk_arena *scratch, uint32_t rg,
                           const pq_row_range *sel, uint32_t n_sel, bool all, size_t n_rows,
                           bk_vector **cols, size_t *n_out, bk_error *err) {
    pq_reader *r = s->r;
    uint32_t *rows = bk_arena_array(a, n_rows ? n_rows : 1, sizeof *rows);
    uint32_t *pos = bk_arena_array(a, n_rows ? n_rows : 1, sizeof *pos);
    uint8_t *keep = bk_arena_array(a, n_rows ? n_rows : 1, 1);
    pq_row_range **held = bk_arena_zalloc(a, (s->n_fields ? s->n_fields : 1) * sizeof *held);
    uint32_t *n_held = bk_arena_zalloc(a, (s->n_fields ? s->n_fields : 1) * sizeof *n_held);
    if (!rows || !pos || !keep || !held || !n_held) return bk_arena_oom(a, err);
    size_t n = 0;
    if (all) {
        for (size_t i = 0; i < n_rows; i++) rows[i] = (uint32_t)i;
        n = n_rows;
    } else {
        for (uint32_t k = 0; k < n_sel; k++)
            for (int64_t row = sel[k].begin; row < sel[k].end; row++) rows[n++] = (uint32_t)row;
    }
    const pq_row_range *want = all ? NULL : sel;
    uint32_t n_want = all ? 0 : n_sel;
    bool narrowed = false; /* a predicate dropped rows: the other columns pick the survivors */
    for (uint32_t e = 0; e < s->n_eval && n; e++) {
        uint32_t j = s->eval_pos[e];
        BK_TRY(pq_read_field(r, a, scratch, rg, s->fields[j], want, n_want, narrowed ? rows : NULL,
                             n, &cols[j], &held[j], &n_held[j], err));
        const uint32_t *at = pos;
        if (held[j]) {
            BK_TRY(positions_of(rows, n, held[j], n_held[j], pos, &at, err));
        } else { /* it holds exactly the candidates */
            for (size_t i = 0; i < n; i++) pos[i] = (uint32_t)i;
        }
        memset(keep, 1, n);
        for (uint32_t pi = 0; pi < s->o->n_preds; pi++)
            if (s->o->preds[pi].field == s->fields[j])
                pq_filter_eval(&s->o->preds[pi], cols[j], at, n, keep);
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            rows[m] = rows[i];
            pos[m] = (uint32_t)i;
            m += keep[i];
        }
        if (m == n) continue;
        /* columns holding exactly the candidates keep holding them: drop the same rows */
        for (uint32_t f = 0; f <= e; f++) {
            uint32_t jj = s->eval_pos[f];
            if (held[jj] || !cols[jj] || cols[jj]->n != n) continue;
            if (!(cols[jj] = bk_vector_take_ascending(a, cols[jj], pos, m)))
                return bk_arena_oom(a, err);
        }
        n = m;
        narrowed = true;
        want = runs_of(a, rows, n, &n_want);
        if (!want) return bk_arena_oom(a, err);
    }
    *n_out = n;
    if (n == 0) return BK_OK;
    const uint32_t *pick = narrowed ? rows : NULL;
    for (uint32_t j = 0; j < s->n_fields; j++) {
        if (!cols[j])
            BK_TRY(pq_read_field(r, a, scratch, rg, s->fields[j], want, n_want, pick, n, &cols[j],
                                 &held[j], &n_held[j], err));
        if (cols[j]->n == n) continue; /* held exactly the survivors */
        const uint32_t *at;
        BK_TRY(positions_of(rows, n, held[j], n_held[j], pos, &at, err));
        bk_vector *t = bk_vector_take(a, cols[j], at, n);
        if (!t) return bk_arena_oom(a, err);
        cols[j] = t;
    }
    return BK_OK;
}

/*
 * Is late materialization worth it?  Evaluating the predicates in the scan costs
 * a pass over the predicate columns that the filter above repeats; it pays when
 * it drops rows (fewer values gathered, fewer pages decoded, less for the filter
 * to copy).  After LATE_PROBE_GROUPS row groups keeping over 7/8 of their rows,
 * the rest of the scan skips it.  OPTIMIZATION-IF-FALSE: either way the rows the
 * caller sees satisfy the same filter.
 */
#define LATE_PROBE_GROUPS 4
static bool late_pays(const pq_late_stats *l) {
    if (atomic_load(&l->groups) < LATE_PROBE_GROUPS) return true;
    uint64_t in = atomic_load(&l->rows_in), out = atomic_load(&l->rows_out);
    return out * 8 <= in * 7;
}

void pq_late_stats_init(pq_late_stats *l) {
    atomic_init(&l->rows_in, 0);
    atomic_init(&l->rows_out, 0);
    atomic_init(&l->groups, 0);
}

static bk_status scan_row_group(scan_state *s, bk_arena *a, bk_arena *scratch, uint32_t rg,
                                bk_error *err) {
    pq_reader *r = s->r;
    int64_t t0 = bk_monotonic_ns();
    pq_row_range *sel = NULL;
    uint32_t n_sel = 0;
    bool all = true;
    uint64_t pt = 0, ps = 0;
    if (s->o->n_preds) BK_TRY(select_rows(r, a, rg, s->o, &sel, &n_sel, &all, &pt, &ps, err));
    size_t n_rows = 0;
    for (uint32_t i = 0; i < n_sel; i++) n_rows += (size_t)(sel[i].end - sel[i].begin);
    if (all) n_rows = (size_t)r->meta.row_groups[rg].num_rows;
    bk_vector **cols = bk_arena_zalloc(a, (s->n_fields ? s->n_fields : 1) * sizeof *cols);
    if (!cols) return bk_arena_oom(a, err);
    bool skip = !all && n_rows == 0;
    size_t n_in = n_rows;
    bool late = s->n_eval && late_pays(s->late);
    if (!skip && late) {
        BK_TRY(scan_late(s, a, scratch, rg, sel, n_sel, all, n_in, cols, &n_rows, err));
        atomic_fetch_add(&s->late->rows_in, n_in);
        atomic_fetch_add(&s->late->rows_out, n_rows);
        atomic_fetch_add(&s->late->groups, 1);
        if (n_rows == 0) {
            bk_mutex_lock(s->lock);
            s->pages_total += pt;
            s->pages_skipped += ps;
            s->rows_filtered += n_in;
            s->decode_ns += (uint64_t)(bk_monotonic_ns() - t0);
            bk_mutex_unlock(s->lock);
            return BK_OK;
        }
    }
    for (uint32_t i = 0; i < s->n_fields && !skip && !late; i++) {
        pq_row_range *held = NULL;
        uint32_t n_held = 0;
        BK_TRY(pq_read_field(r, a, scratch, rg, s->fields[i], all ? NULL : sel, all ? 0 : n_sel,
                             NULL, 0, &cols[i], &held, &n_held, err));
        if (all || cols[i]->n == n_rows) continue; /* held exactly the selection */
        uint32_t *idx = NULL;
        BK_TRY(rows_to_take(a, held, n_held, sel, n_sel, n_rows, &idx, err));
        bk_vector *t = bk_vector_take(a, cols[i], idx, n_rows);
        if (!t) return bk_arena_oom(a, err);
        cols[i] = t;
    }
    bk_mutex_lock(s->lock);
    s->pages_total += pt;
    s->pages_skipped += ps;
    if (skip)
        s->rgs_skipped++;
    else
        s->rows_returned += n_rows;
    if (late) s->rows_filtered += n_in - n_rows;
    s->decode_ns += (uint64_t)(bk_monotonic_ns() - t0);
    bk_mutex_unlock(s->lock);
    if (skip) return BK_OK;
    return s->fn(s->ctx, rg, a, cols, n_rows, err);
}

static void scan_task(void *arg, size_t task, int worker) {
    scan_state *s = arg;
    if (atomic_load(&s->failed)) return;
    bk_arena *a = s->arenas[worker];
    bk_error e;
    bk_error_clear(&e);
    bk_status st = scan_row_group(s, a, s->scratch[worker], s->rgs[task], &e);
    if (st == BK_OK && bk_arena_failed(a)) st = bk_arena_oom(a, &e);
    bk_arena_reset(a);
    if (st) record_failure(s, st, &e);
}

bk_status pq_scan(pq_reader *r, const pq_scan_opts *o, pq_scan_fn fn, void *ctx,
                  pq_scan_stats *stats, bk_error *err) {
    pq_scan_opts none = {0};
    if (!o) o = &none;
    uint32_t n_top = r->schema.root.n_children;
    scan_state s = {.r = r, .o = o, .fn = fn, .ctx = ctx};
    pq_late_stats_init(&s.own_late);
    s.late = o->late ? o->late : &s.own_late;
    bk_error_clear(&s.err);
    bk_arena *setup = bk_arena_new(NULL, "parquet scan", 0);
    if (!setup) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting a scan");
    bk_status st = BK_OK;
    uint32_t *fields = NULL, *rgs = NULL;
    if (o->fields) {
        for (uint32_t i = 0; i < o->n_fields; i++)
            if (o->fields[i] >= n_top) {
                st = bk_error_set(err, BK_INVALID_ARGUMENT, "parquet file \"%s\" has no column %u",
                                  r->name, o->fields[i]);
                goto done;
            }
        s.fields = o->fields;
        s.n_fields = o->n_fields;
    } else {
        fields = bk_arena_array(setup, n_top ? n_top : 1, sizeof *fields);
        if (!fields) goto oom;
        for (uint32_t i = 0; i < n_top; i++) fields[i] = i;
        s.fields = fields;
        s.n_fields = n_top;
    }
    /* late materialization: projected leaf fields that predicates test, in order */
    uint32_t *eval_pos = bk_arena_array(setup, s.n_fields ? s.n_fields : 1, sizeof *eval_pos);
    if (!eval_pos) goto oom;
    for (uint32_t p = 0; p < o->n_preds; p++) {
        if (!pred_leaf(r, &o->preds[p])) continue;
        for (uint32_t j = 0; j < s.n_fields; j++) {
            if (s.fields[j] != o->preds[p].field) continue;
            bool seen = false;
            for (uint32_t e = 0; e < s.n_eval && !seen; e++) seen = eval_pos[e] == j;
            if (!seen) eval_pos[s.n_eval++] = j;
            break;
        }
    }
    s.eval_pos = eval_pos;
    uint32_t n_rg = r->meta.n_row_groups, n_keep = 0;
    rgs = bk_arena_array(setup, n_rg ? n_rg : 1, sizeof *rgs);
    if (!rgs) goto oom;
    for (uint32_t g = 0; g < n_rg; g++) {
        bool may = true;
        for (uint32_t p = 0; p < o->n_preds && may; p++)
            may = rg_pred_may_match(r, g, &o->preds[p]);
        if (may) rgs[n_keep++] = g;
    }
    s.rgs = rgs;
    s.rgs_skipped = n_rg - n_keep;
    int n_workers = o->pool ? bk_pool_size(o->pool) : 1;
    s.arenas = bk_arena_array(setup, (size_t)n_workers + 1, sizeof *s.arenas);
    s.scratch = bk_arena_array(setup, (size_t)n_workers + 1, sizeof *s.scratch);
    s.lock = bk_mutex_new();
    if (!s.arenas || !s.scratch || !s.lock) goto oom;
    for (int w = 0; w <= n_workers; w++) {
        s.arenas[w] = bk_arena_new(NULL, "parquet row group", 0);
        s.scratch[w] = s.arenas[w] ? bk_arena_new(NULL, "parquet page scratch", 0) : NULL;
        if (!s.scratch[w]) {
            bk_arena_free(s.arenas[w]);
            for (int k = 0; k < w; k++) bk_arena_free(s.arenas[k]), bk_arena_free(s.scratch[k]);
            goto oom;
        }
    }
    if (o->pool && n_keep > 1) {
        bk_pool_run(o->pool, n_keep, scan_task, &s);
    } else {
        for (uint32_t t = 0; t < n_keep && !atomic_load(&s.failed); t++) scan_task(&s, t, 0);
    }
    for (int w = 0; w <= n_workers; w++) bk_arena_free(s.arenas[w]), bk_arena_free(s.scratch[w]);
    if (s.status) {
        if (err) *err = s.err;
        st = s.status;
    }
    if (stats) {
        stats->row_groups_total = n_rg;
        stats->row_groups_skipped = s.rgs_skipped;
        stats->pages_total = s.pages_total;
        stats->pages_skipped = s.pages_skipped;
        stats->rows_returned = s.rows_returned;
        stats->rows_filtered = s.rows_filtered;
        stats->decode_ns = s.decode_ns;
    }
    goto done;
oom:
    st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting a scan of \"%s\"", r->name);
done:
    bk_mutex_free(s.lock);
    bk_arena_free(setup);
    return st;
}
