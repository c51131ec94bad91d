/*
 * cdf.c — the change data feed: the row-level changes of commits [from, to]
 * (PROTOCOL.md "Change Data Files", Delta's table_changes()).
 *
 * Per commit, in version order:
 *   - a commit with cdc actions: the rows of its change data files, whose
 *     _change_type column says insert, delete, update_preimage or
 *     update_postimage;
 *   - otherwise its data-changing actions: the rows of added files are inserts,
 *     the rows of removed files deletes; a file that is removed and re-added
 *     with another deletion vector contributes only the rows whose deletion
 *     state changed (newly deleted: delete; restored: insert).
 * Each row gets _commit_version and _commit_timestamp.  The table must have
 * delta.enableChangeDataFeed set, as Delta requires, at both ends of the range.
 */
#include <string.h>

#include "base/str.h"
#include "delta/dv.h"
#include "delta/scan_internal.h"

/* The extra columns, after the table's. */
enum { CDF_CHANGE_TYPE, CDF_VERSION, CDF_TIMESTAMP, CDF_EXTRA };

typedef struct cdf_ctx {
    delta_snapshot *view; /* the table as of `to`, schema + _change_type for cdc files */
    uint32_t n_table;     /* table columns */
    int64_t version, timestamp_ms;
    delta_scan_fn fn;
    void *fn_ctx;
    /* per file */
    const char *change_type;         /* NULL: read from the file's _change_type column */
    const delta_dv *dv_old, *dv_new; /* DV transition: emit rows whose state changed */
} cdf_ctx;

/* A vector of n copies of string `s`. */
static bk_vector *const_string(bk_arena *a, const char *s, size_t n) {
    bk_vector *v = bk_vector_make(a, bk_type_scalar(BK_TYPE_STRING), n);
    if (!v) return NULL;
    bk_str *d = v->data;
    for (size_t i = 0; i < n; i++) d[i] = bk_str_from_cstr(s);
    return v;
}

static bk_vector *const_i64(bk_arena *a, const bk_type *t, int64_t x, size_t n) {
    bk_vector *v = bk_vector_make(a, t, n);
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) ((int64_t *)v->data)[i] = x;
    return v;
}

/* Emit rows `idx` (or all when NULL) of one batch with change type `type` (or per row). */
static bk_status emit(cdf_ctx *c, bk_arena *a, bk_vector **cols, const uint32_t *idx, size_t n,
                      const char *type, bk_error *err) {
    if (n == 0) return BK_OK;
    bk_vector **out = bk_arena_array(a, c->n_table + CDF_EXTRA, sizeof *out);
    if (!out) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < c->n_table + (type ? 0 : 1); k++) {
        out[k] = idx ? bk_vector_take(a, cols[k], idx, n) : cols[k];
        if (!out[k]) return bk_arena_oom(a, err);
    }
    if (type) out[c->n_table + CDF_CHANGE_TYPE] = const_string(a, type, n);
    out[c->n_table + CDF_VERSION] = const_i64(a, bk_type_scalar(BK_TYPE_BIGINT), c->version, n);
    out[c->n_table + CDF_TIMESTAMP] =
        const_i64(a, bk_type_scalar(BK_TYPE_TIMESTAMP), c->timestamp_ms * 1000, n);
    for (uint32_t k = c->n_table; k < c->n_table + CDF_EXTRA; k++)
        if (!out[k]) return bk_arena_oom(a, err);
    return c->fn(c->fn_ctx, a, out, n, err);
}

static bk_status on_rows(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows,
                         const int64_t *row_index, bk_error *err) {
    cdf_ctx *c = ctx;
    if (!c->dv_new && !c->dv_old) return emit(c, a, cols, NULL, n_rows, c->change_type, err);
    /* DV transition: rows newly deleted, and rows restored. */
    uint32_t *deleted = bk_arena_array(a, n_rows + 1, sizeof *deleted);
    uint32_t *restored = bk_arena_array(a, n_rows + 1, sizeof *restored);
    if (!deleted || !restored) return bk_arena_oom(a, err);
    size_t nd = 0, nr = 0;
    for (size_t i = 0; i < n_rows; i++) {
        uint64_t r = (uint64_t)row_index[i];
        bool was = c->dv_old && delta_dv_contains(c->dv_old, r);
        bool now = c->dv_new && delta_dv_contains(c->dv_new, r);
        if (now && !was) deleted[nd++] = (uint32_t)i;
        if (was && !now) restored[nr++] = (uint32_t)i;
    }
    BK_TRY(emit(c, a, cols, deleted, nd, "delete", err));
    return emit(c, a, cols, restored, nr, "insert", err);
}

/* Read all rows of `f` (its own DV applied unless `raw`). */
static bk_status read_file(cdf_ctx *c, const delta_file_action *f, bool raw, uint32_t n_fields,
                           bk_arena *a, bk_error *err) {
    delta_file_action copy = *f;
    if (raw) copy.has_dv = false;
    uint32_t *fields = bk_arena_array(a, n_fields, sizeof *fields);
    if (!fields) return bk_arena_oom(a, err);
    for (uint32_t k = 0; k < n_fields; k++) fields[k] = k;
    return delta_scan_file_rows(c->view, &copy, fields, n_fields, on_rows, c, a, err);
}

static bool cdf_enabled(const delta_snapshot *s) {
    bool found;
    const char *v = delta_kv_get(&s->metadata.configuration, "delta.enableChangeDataFeed", &found);
    return v && strcasecmp(v, "true") == 0;
}

/* Process one commit's actions. */
static bk_status one_commit(cdf_ctx *c, const delta_action_list *acts, bk_arena *a, bk_error *err) {
    bool has_cdc = false;
    for (size_t i = 0; i < acts->n; i++)
        if (acts->items[i].kind == DELTA_ACTION_CDC) has_cdc = true;
    if (has_cdc) {
        for (size_t i = 0; i < acts->n; i++) {
            if (acts->items[i].kind != DELTA_ACTION_CDC) continue;
            c->change_type = NULL;
            c->dv_old = c->dv_new = NULL;
            BK_TRY(read_file(c, &acts->items[i].u.file, false, c->n_table + 1, a, err));
        }
        return BK_OK;
    }
    for (size_t i = 0; i < acts->n; i++) {
        const delta_action *act = &acts->items[i];
        if (act->kind != DELTA_ACTION_ADD && act->kind != DELTA_ACTION_REMOVE) continue;
        const delta_file_action *f = &act->u.file;
        if (!f->data_change) continue;
        /* The same path on the other side: a deletion-vector transition. */
        const delta_file_action *other = NULL;
        for (size_t k = 0; k < acts->n; k++) {
            const delta_action *o = &acts->items[k];
            if (k != i && o->kind != act->kind &&
                (o->kind == DELTA_ACTION_ADD || o->kind == DELTA_ACTION_REMOVE) &&
                strcmp(o->u.file.path, f->path) == 0)
                other = &o->u.file;
        }
        c->dv_old = c->dv_new = NULL;
        if (other) {
            if (act->kind == DELTA_ACTION_REMOVE) continue; /* handled with the add */
            delta_dv *old_dv = NULL, *new_dv = NULL;
            if (other->has_dv) BK_TRY(delta_dv_load(a, c->view->root, &other->dv, &old_dv, err));
            if (f->has_dv) BK_TRY(delta_dv_load(a, c->view->root, &f->dv, &new_dv, err));
            c->dv_old = old_dv;
            c->dv_new = new_dv;
            c->change_type = NULL;
            BK_TRY(read_file(c, f, true, c->n_table, a, err));
            continue;
        }
        c->change_type = act->kind == DELTA_ACTION_ADD ? "insert" : "delete";
        BK_TRY(read_file(c, f, false, c->n_table, a, err));
    }
    return BK_OK;
}

bk_status delta_changes(const char *root, int64_t from, int64_t to, delta_scan_fn fn, void *ctx,
                        bk_error *err) {
    delta_snapshot *s;
    delta_at at_to = {DELTA_AT_VERSION, to, 0};
    if (to < 0) at_to.kind = DELTA_AT_LATEST;
    BK_TRY(delta_snapshot_open(root, &at_to, &s, err));
    if (to < 0) to = s->version;
    bk_status st = BK_OK;
    if (from < 0 || from > to)
        st = bk_error_set(err, BK_INVALID_ARGUMENT,
                          "change data feed: start version %lld is not between 0 and the end "
                          "version %lld",
                          (long long)from, (long long)to);
    delta_snapshot *start = NULL;
    delta_at at_from = {DELTA_AT_VERSION, from, 0};
    if (st == BK_OK) st = delta_snapshot_open(root, &at_from, &start, err);
    if (st == BK_OK && (!cdf_enabled(s) || !cdf_enabled(start)))
        st = bk_error_set(err, BK_INVALID_ARGUMENT,
                          "change data feed is not enabled on the Delta table at version %lld; "
                          "set delta.enableChangeDataFeed = true (changes are only recorded "
                          "from then on)",
                          (long long)(cdf_enabled(start) ? to : from));
    delta_snapshot_free(start);
    if (st == BK_OK) st = delta_log_list(s->arena, s->store, 0, &s->listing, err);
    int64_t *times = NULL;
    if (st == BK_OK) st = delta_snapshot_commit_times(s, s->arena, &times, err);

    /* A view of the table whose schema also has _change_type (cdc files carry it). */
    delta_snapshot view = *s;
    delta_field *fields = bk_arena_array(s->arena, s->schema.n_fields + 1, sizeof *fields);
    if (st == BK_OK && !fields) st = bk_arena_oom(s->arena, err);
    if (st == BK_OK) {
        memcpy(fields, s->schema.fields, s->schema.n_fields * sizeof *fields);
        delta_field *ct = &fields[s->schema.n_fields];
        memset(ct, 0, sizeof *ct);
        ct->name = ct->physical_name = "_change_type";
        ct->nullable = true;
        ct->type = bk_type_scalar(BK_TYPE_STRING);
        view.schema.fields = fields;
        view.schema.n_fields = s->schema.n_fields + 1;
    }
    cdf_ctx c = {.view = &view, .n_table = s->schema.n_fields, .fn = fn, .fn_ctx = ctx};
    bk_arena *a = bk_arena_new(NULL, "delta changes", 0);
    if (st == BK_OK && !a) st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    for (int64_t v = from; st == BK_OK && v <= to; v++) {
        const delta_log_commit *commit = delta_log_find_commit(&s->listing, v);
        if (!commit) {
            st = bk_error_set(err, BK_NOT_FOUND,
                              "change data feed: the commit of version %lld is no longer in the "
                              "log",
                              (long long)v);
            break;
        }
        bk_arena_reset(a);
        delta_action_list acts = {0};
        st = delta_log_read_json(a, s->store, commit->key, &acts, err);
        c.version = v;
        c.timestamp_ms = times[commit - s->listing.commits];
        if (st == BK_OK) st = one_commit(&c, &acts, a, err);
    }
    bk_arena_free(a);
    delta_snapshot_free(s);
    return st;
}
