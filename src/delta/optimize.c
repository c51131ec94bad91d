/*
 * optimize.c — OPTIMIZE (bin-packing small files) and ZORDER BY.
 *
 * Files are grouped by partition.  Bin-packing rewrites, per partition, the files
 * smaller than the target size (delta.targetFileSize, 128 MiB by default) when
 * there are at least two of them, or any file carrying a deletion vector, into
 * one new file per partition.  ZORDER BY rewrites every file of a partition with
 * more than one file (or any file when it is the only one and unsorted is
 * unknowable: always), sorting rows by the interleaved bits of the chosen
 * columns' ranks, so rows close in all those columns land close together and
 * file statistics prune well on each of them.  Both commit removes and adds with
 * dataChange=false: readers streaming changes see no new data.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "delta/commit_internal.h"
#include "delta/scan_internal.h"

/* Rows read from the files of one partition group. */
typedef struct group_rows {
    bk_arena *a;
    uint32_t n_cols;
    bk_vector ***batches;
    size_t n_batches, cap;
    size_t rows;
} group_rows;

static bk_status take_batch(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows,
                            const int64_t *row_index, bk_error *err) {
    (void)a, (void)row_index;
    group_rows *g = ctx;
    if (g->n_batches == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        bk_vector ***b = bk_arena_array(g->a, cap, sizeof *b);
        if (!b) return bk_arena_oom(g->a, err);
        if (g->n_batches) memcpy(b, g->batches, g->n_batches * sizeof *b);
        g->batches = b;
        g->cap = cap;
    }
    /* The scan's batch arena is reset after this call: copy the rows out. */
    bk_vector **copy = bk_arena_array(g->a, g->n_cols, sizeof *copy);
    uint32_t *all = bk_arena_array(g->a, n_rows, sizeof *all);
    if (!copy || !all) return bk_arena_oom(g->a, err);
    for (size_t i = 0; i < n_rows; i++) all[i] = (uint32_t)i;
    for (uint32_t c = 0; c < g->n_cols; c++) {
        copy[c] = bk_vector_take(g->a, cols[c], all, n_rows);
        if (!copy[c] || !bk_vector_own_strings(g->a, copy[c])) return bk_arena_oom(g->a, err);
    }
    g->batches[g->n_batches++] = copy;
    g->rows += n_rows;
    return BK_OK;
}

/* ---- z-order ------------------------------------------------------------------------ */

static _Thread_local const bk_vector *sort_vector;

/* NULLs first, then values in Spark order. */
static int cmp_rows(const void *x, const void *y) {
    uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
    bool vi = bk_vector_is_valid(sort_vector, i), vj = bk_vector_is_valid(sort_vector, j);
    if (!vi || !vj) return (int)vi - (int)vj;
    int c = bk_vector_compare(sort_vector, i, sort_vector, j);
    return c ? c : (i > j) - (i < j);
}

/* Each row's rank in column v (equal values share a rank), scaled to 32 bits. */
static bk_status column_ranks(bk_arena *a, const bk_vector *v, uint32_t *rank, bk_error *err) {
    size_t n = v->n;
    uint32_t *order = bk_arena_array(a, n ? n : 1, sizeof *order);
    if (!order) return bk_arena_oom(a, err);
    for (size_t i = 0; i < n; i++) order[i] = (uint32_t)i;
    sort_vector = v;
    qsort(order, n, sizeof *order, cmp_rows);
    uint64_t r = 0;
    for (size_t k = 0; k < n; k++) {
        if (k > 0) {
            uint32_t p = order[k - 1], q = order[k];
            bool vp = bk_vector_is_valid(v, p), vq = bk_vector_is_valid(v, q);
            if (vp != vq || (vp && bk_vector_compare(v, p, v, q) != 0)) r = k;
        }
        rank[order[k]] = n > 1 ? (uint32_t)((r * 0xFFFFFFFFull) / (n - 1)) : 0;
    }
    return BK_OK;
}

typedef struct zkey {
    uint64_t hi, lo; /* interleaved bits, most significant first */
    uint32_t row;
} zkey;

static int cmp_zkey(const void *x, const void *y) {
    const zkey *a = x, *b = y;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* Row order by Z-value over columns `zcols` (indexes into cols). */
static bk_status zorder(bk_arena *a, bk_vector *const *cols, const uint32_t *zcols, uint32_t nz,
                        size_t n, uint32_t **order_out, bk_error *err) {
    uint32_t **ranks = bk_arena_array(a, nz, sizeof *ranks);
    zkey *keys = bk_arena_array(a, n ? n : 1, sizeof *keys);
    uint32_t *order = bk_arena_array(a, n ? n : 1, sizeof *order);
    if (!ranks || !keys || !order) return bk_arena_oom(a, err);
    for (uint32_t z = 0; z < nz; z++) {
        ranks[z] = bk_arena_array(a, n ? n : 1, sizeof **ranks);
        if (!ranks[z]) return bk_arena_oom(a, err);
        BK_TRY(column_ranks(a, cols[zcols[z]], ranks[z], err));
    }
    unsigned bits = 128 / nz > 32 ? 32 : 128 / nz; /* per column */
    for (size_t i = 0; i < n; i++) {
        keys[i] = (zkey){0, 0, (uint32_t)i};
        unsigned out_bit = 0;
        for (unsigned b = 0; b < bits; b++) {
            for (uint32_t z = 0; z < nz; z++, out_bit++) {
                uint64_t bit = (ranks[z][i] >> (31 - b)) & 1;
                if (out_bit < 64)
                    keys[i].hi |= bit << (63 - out_bit);
                else
                    keys[i].lo |= bit << (127 - out_bit);
            }
        }
    }
    qsort(keys, n, sizeof *keys, cmp_zkey);
    for (size_t i = 0; i < n; i++) order[i] = keys[i].row;
    *order_out = order;
    return BK_OK;
}

/* ---- OPTIMIZE ------------------------------------------------------------------------ */

/* Files of the snapshot grouped by partition values (as text). */
static bk_status partition_groups(bk_arena *a, const delta_snapshot *s, uint32_t **group_of,
                                  size_t *n_groups, bk_error *err) {
    bk_hmap *m = bk_hmap_new(true);
    uint32_t *g = bk_arena_array(a, s->n_files + 1, sizeof *g);
    if (!m || !g) {
        bk_hmap_free(m);
        return bk_arena_oom(a, err);
    }
    bk_buf key;
    bk_buf_init(&key);
    bk_status st = BK_OK;
    for (size_t i = 0; st == BK_OK && i < s->n_files; i++) {
        const delta_kv *pv = &s->files[i]->partition_values;
        bk_buf_clear(&key);
        for (uint32_t k = 0; st == BK_OK && k < pv->n; k++) {
            st = bk_buf_printf(&key, "%s=%s%c", pv->keys[k], pv->values[k] ? pv->values[k] : "",
                               pv->values[k] ? 1 : 2);
        }
        size_t idx = 0;
        if (st == BK_OK) st = bk_hmap_insert(m, key.data, key.len, &idx, NULL);
        g[i] = (uint32_t)idx;
    }
    *n_groups = bk_hmap_count(m);
    bk_hmap_free(m);
    bk_buf_destroy(&key);
    if (st != BK_OK) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in OPTIMIZE");
    *group_of = g;
    return BK_OK;
}

bk_status delta_optimize(const char *root, const char *const *zorder_by, uint32_t n_zorder,
                         int64_t *files_removed, int64_t *files_added, int64_t *version,
                         bk_error *err) {
    *files_removed = *files_added = 0;
    *version = -1;
    delta_tx *tx;
    BK_TRY(delta_tx_begin(root, &tx, err));
    delta_snapshot *s = tx->snap;
    bk_arena *a = tx->arena;
    tx->data_change = false;
    bk_status st = BK_OK;
    uint32_t *zcols = bk_arena_array(a, n_zorder + 1, sizeof *zcols);
    if (!zcols) st = bk_arena_oom(a, err);
    for (uint32_t z = 0; st == BK_OK && z < n_zorder; z++) {
        const delta_field *f = delta_schema_find(&s->schema, zorder_by[z]);
        if (!f)
            st = bk_error_set(err, BK_INVALID_ARGUMENT, "ZORDER BY column \"%s\" does not exist",
                              zorder_by[z]);
        else if (bk_type_is_nested(f->type))
            st = bk_error_set(err, BK_INVALID_ARGUMENT, "ZORDER BY column \"%s\" has a nested type",
                              zorder_by[z]);
        else {
            zcols[z] = (uint32_t)(f - s->schema.fields);
            for (uint32_t p = 0; p < s->metadata.n_partition_columns; p++)
                if (strcasecmp(s->metadata.partition_columns[p], f->name) == 0)
                    st = bk_error_set(err, BK_INVALID_ARGUMENT,
                                      "ZORDER BY column \"%s\" is a partition column", f->name);
        }
    }
    bool found;
    const char *tfs = delta_kv_get(&s->metadata.configuration, "delta.targetFileSize", &found);
    int64_t target = 128LL << 20;
    if (tfs && !bk_parse_i64(tfs, strlen(tfs), &target)) target = 128LL << 20;
    uint32_t *group_of = NULL;
    size_t n_groups = 0;
    if (st == BK_OK) st = partition_groups(a, s, &group_of, &n_groups, err);
    uint32_t n_cols = s->schema.n_fields;
    uint32_t *fields = bk_arena_array(a, n_cols + 1, sizeof *fields);
    bk_arena *fa = bk_arena_new(NULL, "optimize file", 0);
    if (st == BK_OK && (!fields || !fa)) st = bk_arena_oom(a, err);
    for (uint32_t c = 0; st == BK_OK && c < n_cols; c++) fields[c] = c;
    for (size_t g = 0; st == BK_OK && g < n_groups; g++) {
        /* Pick the group's files to rewrite. */
        size_t n_pick = 0, n_in_group = 0;
        bool any_dv = false;
        for (size_t i = 0; i < s->n_files; i++) {
            if (group_of[i] != g) continue;
            n_in_group++;
            const delta_file_action *f = s->files[i];
            if (n_zorder || f->size < target || f->has_dv) n_pick++;
            any_dv |= f->has_dv;
        }
        if (n_pick == 0 || (n_pick == 1 && !any_dv && (!n_zorder || n_in_group == 1))) continue;
        bk_arena *ga = bk_arena_new(NULL, "optimize group", 0);
        group_rows rows = {.a = ga, .n_cols = n_cols};
        if (!ga) st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in OPTIMIZE");
        for (size_t i = 0; st == BK_OK && i < s->n_files; i++) {
            const delta_file_action *f = s->files[i];
            if (group_of[i] != g || !(n_zorder || f->size < target || f->has_dv)) continue;
            bk_arena_reset(fa);
            st = delta_scan_file_rows(s, f, fields, n_cols, take_batch, &rows, fa, err);
            if (st == BK_OK) st = delta_tx_remove(tx, f, false, err);
            if (st == BK_OK) (*files_removed)++;
        }
        if (st == BK_OK && rows.rows > 0) {
            bk_vector **cols = bk_arena_array(ga, n_cols, sizeof *cols);
            bk_vector **parts = bk_arena_array(ga, rows.n_batches, sizeof *parts);
            if (!cols || !parts) st = bk_arena_oom(ga, err);
            for (uint32_t c = 0; st == BK_OK && c < n_cols; c++) {
                for (size_t b = 0; b < rows.n_batches; b++) parts[b] = rows.batches[b][c];
                cols[c] = bk_vector_concat(ga, parts, rows.n_batches);
                if (!cols[c]) st = bk_arena_oom(ga, err);
            }
            if (st == BK_OK && n_zorder) {
                uint32_t *order = NULL;
                st = zorder(ga, cols, zcols, n_zorder, rows.rows, &order, err);
                for (uint32_t c = 0; st == BK_OK && c < n_cols; c++) {
                    cols[c] = bk_vector_take(ga, cols[c], order, rows.rows);
                    if (!cols[c]) st = bk_arena_oom(ga, err);
                }
            }
            uint64_t before = tx->files_written;
            if (st == BK_OK) st = delta_tx_write(tx, cols, rows.rows, err);
            *files_added += (int64_t)(tx->files_written - before);
        }
        bk_arena_free(ga);
    }
    bk_arena_free(fa);
    if (st == BK_OK && *files_removed > 0) {
        json_t *params = json_object();
        json_object_set_new(params, "predicate", json_string("[]"));
        json_t *z = json_array();
        for (uint32_t i = 0; i < n_zorder; i++) json_array_append_new(z, json_string(zorder_by[i]));
        bk_buf zb;
        bk_buf_init(&zb);
        if (delta_json_append(&zb, z) == BK_OK && bk_buf_append_u8(&zb, 0) == BK_OK)
            json_object_set_new(params, "zOrderBy", json_string((const char *)zb.data));
        json_decref(z);
        bk_buf_destroy(&zb);
        bk_buf text;
        bk_buf_init(&text);
        st = delta_json_append(&text, params) == BK_OK && bk_buf_append_u8(&text, 0) == BK_OK
                 ? delta_tx_set_operation(tx, "OPTIMIZE", (const char *)text.data, err)
                 : bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in OPTIMIZE");
        json_decref(params);
        bk_buf_destroy(&text);
        delta_tx_read_all(tx);
        if (st == BK_OK) st = delta_tx_commit(tx, version, err);
    }
    delta_tx_free(tx);
    return st;
}
