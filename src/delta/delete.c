/*
 * delete.c — DELETE FROM table WHERE <conjunction of simple predicates>.
 *
 * Files whose partition values or stats rule the predicate out are not opened.
 * For each other file the rows are read (its current deletion vector applied)
 * and tested.  A file where every remaining row matches is removed; a file where
 * some match is either rewritten without them (a remove plus an add of the new
 * file) or, when the table has delta.enableDeletionVectors, keeps its data and
 * gets a new deletion vector (old DV plus the matched rows) — a remove of the
 * old (path, DV) and an add of the same path with the new one.  One commit, with
 * conflict detection as for any transaction that read the table.
 */
#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/str.h"
#include "delta/commit_internal.h"
#include "delta/dv.h"
#include "delta/scan_internal.h"

/* Batches of rows copied out of a scan (whose own arena is reset per batch). */
typedef struct batch_list {
    bk_vector ***batches;
    size_t *rows;
    size_t n, cap;
} batch_list;

/* Append rows `idx[0..n)` of `cols` to `l`, copied into `a`. */
static bk_status batch_add(bk_arena *a, batch_list *l, bk_vector **cols, uint32_t n_cols,
                           const uint32_t *idx, size_t n, bk_error *err) {
    if (n == 0) return BK_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        bk_vector ***b = bk_arena_array(a, cap, sizeof *b);
        size_t *r = bk_arena_array(a, cap, sizeof *r);
        if (!b || !r) return bk_arena_oom(a, err);
        if (l->n) {
            memcpy(b, l->batches, l->n * sizeof *b);
            memcpy(r, l->rows, l->n * sizeof *r);
        }
        l->batches = b;
        l->rows = r;
        l->cap = cap;
    }
    bk_vector **copy = bk_arena_array(a, n_cols, sizeof *copy);
    if (!copy) return bk_arena_oom(a, err);
    for (uint32_t c = 0; c < n_cols; c++) {
        copy[c] = bk_vector_take(a, cols[c], idx, n); /* the scan's memory is reused: */
        if (!copy[c] || !bk_vector_own_strings(a, copy[c])) return bk_arena_oom(a, err);
    }
    l->batches[l->n] = copy;
    l->rows[l->n++] = n;
    return BK_OK;
}

/* Rows of one file: what is kept (for rewriting), what matched (and, for the
 * change data feed, the matched rows themselves). */
typedef struct file_rows {
    const pq_predicate *preds;
    uint32_t n_preds, n_cols;
    bk_arena *a; /* lives for the transaction */
    batch_list kept;
    batch_list *deleted; /* NULL unless change data files are written */
    uint64_t *matched;   /* row indexes in the file */
    size_t n_matched, cap_matched;
    size_t n_seen;
} file_rows;

static bk_status collect(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows,
                         const int64_t *row_index, bk_error *err) {
    file_rows *fr = ctx;
    uint8_t *match = bk_arena_array(a, n_rows ? n_rows : 1, 1);
    uint32_t *keep = bk_arena_array(a, n_rows ? n_rows : 1, sizeof *keep);
    uint32_t *gone = bk_arena_array(a, n_rows ? n_rows : 1, sizeof *gone);
    if (!match || !keep || !gone) return bk_arena_oom(a, err);
    BK_TRY(delta_predicates_eval(fr->preds, fr->n_preds, cols, n_rows, match, err));
    size_t n_keep = 0, n_gone = 0;
    for (size_t r = 0; r < n_rows; r++) {
        if (!match[r]) {
            keep[n_keep++] = (uint32_t)r;
            continue;
        }
        gone[n_gone++] = (uint32_t)r;
        if (fr->n_matched == fr->cap_matched) {
            size_t cap = fr->cap_matched ? fr->cap_matched * 2 : 1024;
            uint64_t *m = bk_arena_array(fr->a, cap, sizeof *m);
            if (!m) return bk_arena_oom(fr->a, err);
            if (fr->n_matched) memcpy(m, fr->matched, fr->n_matched * sizeof *m);
            fr->matched = m;
            fr->cap_matched = cap;
        }
        fr->matched[fr->n_matched++] = (uint64_t)row_index[r];
    }
    fr->n_seen += n_rows;
    if (fr->deleted) BK_TRY(batch_add(fr->a, fr->deleted, cols, fr->n_cols, gone, n_gone, err));
    return batch_add(fr->a, &fr->kept, cols, fr->n_cols, keep, n_keep, err);
}

static bool dv_enabled(const delta_snapshot *s) {
    bool found;
    const char *v = delta_kv_get(&s->metadata.configuration, "delta.enableDeletionVectors", &found);
    return v && strcasecmp(v, "true") == 0 &&
           delta_protocol_has_writer_feature(&s->protocol, "deletionVectors");
}

/* Replace file `f`'s deletion vector by old ∪ matched rows. */
static bk_status delete_with_dv(delta_tx *tx, const delta_file_action *f, const file_rows *fr,
                                bk_error *err) {
    bk_arena *a = tx->arena;
    delta_snapshot *s = tx->snap;
    delta_dv *dv;
    BK_TRY(delta_dv_from_rows(a, fr->matched, fr->n_matched, &dv, err));
    if (f->has_dv) {
        delta_dv *old;
        BK_TRY(delta_dv_load(a, s->root, &f->dv, &old, err));
        BK_TRY(delta_dv_union(a, old, dv, &dv, err));
    }
    delta_dv_ref ref;
    BK_TRY(delta_dv_write_file(a, s->root, &dv, 1, &ref, err));
    BK_TRY(delta_tx_remove(tx, f, true, err));
    delta_file_action add = *f;
    add.has_dv = true;
    add.dv = ref;
    add.data_change = true;
    add.modification_time = bk_now_micros() / 1000;
    return delta_tx_add_action(tx, &add, err);
}

/* Write the kept rows of a file as one new file (partition columns included). */
static bk_status rewrite_kept(delta_tx *tx, const file_rows *fr, bk_error *err) {
    if (fr->kept.n == 0) return BK_OK;
    bk_vector **cols = bk_arena_array(tx->arena, fr->n_cols, sizeof *cols);
    bk_vector **parts = bk_arena_array(tx->arena, fr->kept.n, sizeof *parts);
    if (!cols || !parts) return bk_arena_oom(tx->arena, err);
    size_t rows = 0;
    for (size_t b = 0; b < fr->kept.n; b++) rows += fr->kept.rows[b];
    for (uint32_t c = 0; c < fr->n_cols; c++) {
        for (size_t b = 0; b < fr->kept.n; b++) parts[b] = fr->kept.batches[b][c];
        cols[c] = bk_vector_concat(tx->arena, parts, fr->kept.n);
        if (!cols[c]) return bk_arena_oom(tx->arena, err);
    }
    return delta_tx_write(tx, cols, rows, err);
}

static bool cdf_enabled(const delta_snapshot *s) {
    bool found;
    const char *v = delta_kv_get(&s->metadata.configuration, "delta.enableChangeDataFeed", &found);
    return v && strcasecmp(v, "true") == 0;
}

bk_status delta_delete(const char *root, const pq_predicate *preds, uint32_t n_preds,
                       const char *predicate_text, int64_t *rows_deleted, int64_t *version,
                       bk_error *err) {
    *rows_deleted = 0;
    *version = -1;
    delta_tx *tx;
    BK_TRY(delta_tx_begin(root, &tx, err));
    delta_tx_read_all(tx);
    delta_snapshot *s = tx->snap;
    bk_status st = BK_OK;
    bool use_dv = dv_enabled(s);
    /* Rewrites under the change data feed record the deleted rows in cdc files
     * (deletion vectors need none: readers diff the vectors). */
    batch_list deleted = {0};
    batch_list *want_deleted = cdf_enabled(s) && !use_dv ? &deleted : NULL;
    uint32_t n_cols = s->schema.n_fields;
    uint32_t *fields = bk_arena_array(tx->arena, n_cols + 1, sizeof *fields);
    bk_arena *fa = bk_arena_new(NULL, "delta delete file", 0);
    if (!fields || !fa) st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in DELETE");
    for (uint32_t c = 0; st == BK_OK && c < n_cols; c++) fields[c] = c;
    for (uint32_t p = 0; st == BK_OK && p < n_preds; p++)
        if (preds[p].field >= n_cols)
            st = bk_error_set(err, BK_INVALID_ARGUMENT, "DELETE predicate on unknown column");
    for (size_t i = 0; st == BK_OK && i < s->n_files; i++) {
        const delta_file_action *f = s->files[i];
        bk_arena_reset(fa);
        bool may;
        st = delta_file_may_match(fa, s, f, preds, n_preds, &may, err);
        if (st != BK_OK || !may) continue;
        file_rows fr = {.preds = preds,
                        .n_preds = n_preds,
                        .n_cols = n_cols,
                        .a = tx->arena,
                        .deleted = want_deleted};
        st = delta_scan_file_rows(s, f, fields, n_cols, collect, &fr, fa, err);
        if (st != BK_OK || fr.n_matched == 0) continue;
        *rows_deleted += (int64_t)fr.n_matched;
        if (fr.n_matched == fr.n_seen)
            st = delta_tx_remove(tx, f, true, err);
        else if (use_dv)
            st = delete_with_dv(tx, f, &fr, err);
        else {
            st = delta_tx_remove(tx, f, true, err);
            if (st == BK_OK) st = rewrite_kept(tx, &fr, err);
        }
    }
    bk_arena_free(fa);
    for (size_t b = 0; st == BK_OK && b < deleted.n; b++)
        st = delta_tx_write_changes(tx, deleted.batches[b], deleted.rows[b], "delete", err);
    if (st == BK_OK && *rows_deleted > 0) {
        json_t *params = json_object();
        json_object_set_new(params, "predicate", json_string(predicate_text ? predicate_text : ""));
        bk_buf text;
        bk_buf_init(&text);
        st = delta_json_append(&text, params);
        if (st == BK_OK) st = bk_buf_append_u8(&text, 0);
        json_decref(params);
        st = st == BK_OK ? delta_tx_set_operation(tx, "DELETE", (const char *)text.data, err)
                         : bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in DELETE");
        bk_buf_destroy(&text);
        if (st == BK_OK) st = delta_tx_commit(tx, version, err);
    }
    delta_tx_free(tx);
    return st;
}
