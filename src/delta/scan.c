/*
 * scan.c — reading the rows of a Delta snapshot.
 *
 * For each live file, in log order: skip it when its partition values or its
 * statistics prove no row can satisfy the predicates; otherwise open it with the
 * Parquet reader, find each projected column (by name, physical name or field id,
 * per the column-mapping mode), and for every row group build the output batch:
 * file columns conformed to the table types, partition columns repeated from the
 * log, absent columns as NULLs; then drop the rows the file's deletion vector
 * marks.  Row groups of one file decode in parallel on the pool.
 */
#include <stdatomic.h>
#include <string.h>

#include "delta/dv.h"
#include "delta/partition.h"
#include "delta/scan_internal.h"
#include "delta/stats.h"

typedef enum column_source { FROM_FILE, FROM_PARTITION, FROM_NOTHING } column_source;

/* How one output column of one file is produced. */
typedef struct out_column {
    const delta_field *field;
    column_source source;
    uint32_t file_pos;   /* FROM_FILE: position in the Parquet projection */
    bk_vector *constant; /* FROM_PARTITION: one row */
} out_column;

/* One file being scanned; shared by the row-group callbacks (possibly concurrent). */
typedef struct file_scan {
    delta_snapshot *s;
    delta_scan_fn fn;
    delta_rows_fn rows_fn; /* instead of fn: also wants each row's index in the file */
    void *ctx;
    const delta_file_action *file;
    uint32_t n_out;
    out_column *out;
    const delta_dv *dv;      /* NULL: no deletion vector */
    const int64_t *rg_first; /* first row index of each row group */
    const pq_predicate *filter;  /* rows must satisfy these (NULL: no row filter) */
    uint32_t n_filter;
    const int32_t *out_of_field; /* schema field -> output column, -1 if not projected */
    atomic_uint_fast64_t rows_returned, rows_deleted;
} file_scan;

/* The value of a partition column in a file's partitionValues (NULL = null). */
static const char *partition_value(const delta_snapshot *s, const delta_file_action *f,
                                   const delta_field *field, bool *found) {
    const char *key = s->mapping == DELTA_MAPPING_NONE ? field->name : field->physical_name;
    const char *v = delta_kv_get(&f->partition_values, key, found);
    if (!*found && s->mapping != DELTA_MAPPING_NONE)
        v = delta_kv_get(&f->partition_values, field->name, found);
    return v;
}

static bool is_partition_column(const delta_snapshot *s, const delta_field *field) {
    for (uint32_t i = 0; i < s->metadata.n_partition_columns; i++)
        if (strcasecmp(s->metadata.partition_columns[i], field->name) == 0) return true;
    return false;
}

/* A one-row vector holding a file's value of partition column `field`. */
static bk_status partition_constant(bk_arena *a, const delta_snapshot *s,
                                    const delta_file_action *f, const delta_field *field,
                                    bk_vector **out, bk_error *err) {
    bool found;
    const char *value = partition_value(s, f, field, &found);
    bk_vector *v = bk_vector_make(a, field->type, 1);
    if (!v) return bk_arena_oom(a, err);
    BK_TRY(delta_partition_value_set(a, v, 0, found ? value : NULL, field->name, err));
    *out = v;
    return BK_OK;
}

/* ---- pruning ------------------------------------------------------------------------ */

/* False when the file's partition values or stats prove no row matches the predicates. */
bk_status delta_file_may_match(bk_arena *a, const delta_snapshot *s, const delta_file_action *f,
                               const pq_predicate *preds, uint32_t n_preds, bool *may,
                               bk_error *err) {
    *may = true;
    if (!n_preds) return BK_OK;
    delta_file_stats st;
    bool by_physical = s->mapping != DELTA_MAPPING_NONE;
    bk_status rc = BK_OK;
    if (f->stats_parsed)
        rc = delta_stats_from_struct(a, &s->schema, by_physical, f->stats_parsed,
                                     f->stats_parsed_row, &st, err);
    else if (f->stats)
        rc = delta_stats_parse(a, &s->schema, by_physical, f->stats, f->path, &st, err);
    else
        rc = delta_stats_init(a, s->schema.n_fields, &st, err);
    if (rc == BK_CORRUPT) { /* unreadable stats only cost the skipping */
        bk_error_clear(err);
        rc = delta_stats_init(a, s->schema.n_fields, &st, err);
    }
    if (rc != BK_OK) return rc;
    for (uint32_t i = 0; i < s->schema.n_fields; i++) {
        const delta_field *field = &s->schema.fields[i];
        if (!is_partition_column(s, field)) continue;
        bk_vector *v;
        BK_TRY(partition_constant(a, s, f, field, &v, err));
        bool valid = bk_vector_is_valid(v, 0);
        st.min[i] = st.max[i] = valid ? v : NULL;
        st.null_count[i] = valid ? 0 : DELTA_STATS_ALL_NULL;
        if (st.max_is_prefix) st.max_is_prefix[i] = false;
    }
    *may = delta_stats_may_match(&st, preds, n_preds);
    return BK_OK;
}

/* ---- one row group ------------------------------------------------------------------ */

static bk_status on_row_group(void *ctx, uint32_t rg, bk_arena *a, bk_vector **file_cols,
                              size_t n_rows, bk_error *err) {
    file_scan *fs = ctx;
    bk_vector **cols = bk_arena_array(a, fs->n_out ? fs->n_out : 1, sizeof *cols);
    if (!cols) return bk_arena_oom(a, err);
    for (uint32_t c = 0; c < fs->n_out; c++) {
        const out_column *oc = &fs->out[c];
        switch (oc->source) {
        case FROM_FILE:
            BK_TRY(delta_conform(a, oc->field, file_cols[oc->file_pos], fs->s->mapping, &cols[c],
                                 err));
            break;
        case FROM_PARTITION: {
            uint32_t *zeros = bk_arena_zalloc(a, (n_rows ? n_rows : 1) * sizeof *zeros);
            cols[c] = zeros ? bk_vector_take(a, oc->constant, zeros, n_rows) : NULL;
            if (!cols[c]) return bk_arena_oom(a, err);
            break;
        }
        case FROM_NOTHING:
            cols[c] = delta_null_vector(a, oc->field->type, n_rows);
            if (!cols[c]) return bk_arena_oom(a, err);
            break;
        }
    }
    size_t kept = n_rows;
    uint32_t *keep = NULL;    /* surviving row positions when the DV deleted some */
    uint8_t *rejected = NULL; /* rows the row filter drops */
    if (fs->n_filter && n_rows) {
        uint32_t n_schema = fs->s->schema.n_fields;
        bk_vector **by_field = bk_arena_zalloc(a, n_schema * sizeof *by_field);
        uint8_t *match = bk_arena_array(a, n_rows, 1);
        rejected = bk_arena_array(a, n_rows, 1);
        if (!by_field || !match || !rejected) return bk_arena_oom(a, err);
        for (uint32_t f = 0; f < n_schema; f++)
            if (fs->out_of_field[f] >= 0) by_field[f] = cols[fs->out_of_field[f]];
        BK_TRY(delta_predicates_eval(fs->filter, fs->n_filter, by_field, n_rows, match, err));
        for (size_t i = 0; i < n_rows; i++) rejected[i] = !match[i];
    }
    if ((fs->dv || rejected) && n_rows) {
        uint8_t *deleted = bk_arena_zalloc(a, n_rows);
        keep = bk_arena_array(a, n_rows, sizeof *keep);
        if (!deleted || !keep) return bk_arena_oom(a, err);
        if (fs->dv) delta_dv_mark(fs->dv, (uint64_t)fs->rg_first[rg], n_rows, deleted);
        size_t dv_deleted = 0;
        for (size_t i = 0; i < n_rows; i++) dv_deleted += deleted[i];
        kept = 0;
        for (size_t i = 0; i < n_rows; i++)
            if (!deleted[i] && !(rejected && rejected[i])) keep[kept++] = (uint32_t)i;
        atomic_fetch_add(&fs->rows_deleted, dv_deleted);
        if (kept < n_rows) {
            for (uint32_t c = 0; c < fs->n_out; c++) {
                cols[c] = bk_vector_take(a, cols[c], keep, kept);
                if (!cols[c]) return bk_arena_oom(a, err);
            }
        }
    }
    atomic_fetch_add(&fs->rows_returned, kept);
    if (kept == 0) return BK_OK;
    if (!fs->rows_fn) return fs->fn(fs->ctx, a, cols, kept, err);
    int64_t *row_index = bk_arena_array(a, kept, sizeof *row_index);
    if (!row_index) return bk_arena_oom(a, err);
    for (size_t i = 0; i < kept; i++)
        row_index[i] = fs->rg_first[rg] + (int64_t)(keep && kept < n_rows ? keep[i] : i);
    return fs->rows_fn(fs->ctx, a, cols, kept, row_index, err);
}

/* ---- one file ----------------------------------------------------------------------- */

/* The Parquet top-level column for table field `field`, or -1 when the file lacks it. */
static int find_file_column(const delta_snapshot *s, pq_reader *r, const delta_field *field) {
    const bk_type *ft = pq_reader_schema(r);
    if (s->mapping == DELTA_MAPPING_ID && field->has_id) {
        /* Top-level columns are the root's direct children in the schema elements. */
        const pq_file_meta *m = pq_reader_meta(r);
        uint32_t idx = 1, col = 0;
        while (idx < m->n_schema && col < ft->n_children) {
            const pq_schema_element *e = &m->schema[idx];
            if (e->has_field_id && e->field_id == field->id) return (int)col;
            /* skip this element's subtree */
            uint32_t pending = 1;
            while (pending && idx < m->n_schema) {
                pending += (uint32_t)m->schema[idx].num_children;
                pending--;
                idx++;
            }
            col++;
        }
    }
    const char *want = s->mapping == DELTA_MAPPING_NONE ? field->name : field->physical_name;
    for (uint32_t k = 0; k < ft->n_children; k++)
        if (strcmp(ft->field_names[k], want) == 0) return (int)k;
    if (s->mapping == DELTA_MAPPING_NONE)
        for (uint32_t k = 0; k < ft->n_children; k++)
            if (strcasecmp(ft->field_names[k], want) == 0) return (int)k;
    return -1;
}

/* Unmap a data file mapped by open_data_file (from the store or a local path). */
static void release_data_file(delta_snapshot *s, store_map *bytes, bool local) {
    if (local)
        store_file_unmap(bytes);
    else
        store_obj_unmap(s->store, bytes);
}

/* Length of the URI scheme at the start of `p` ("s3" in "s3://..."), or 0. */
static size_t uri_scheme_len(const char *p) {
    size_t n = 0;
    if (!((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))) return 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
           (p[n] >= '0' && p[n] <= '9') || p[n] == '+' || p[n] == '-' || p[n] == '.')
        n++;
    return p[n] == ':' ? n : 0;
}

/*
 * Map the data file of `f`: a path relative to the table (the usual case), or an
 * absolute file: URI or path.  The scheme is judged on the path as the log
 * writes it (a URI, where a ':' in a relative path is escaped).
 */
static bk_status open_data_file(delta_snapshot *s, const delta_file_action *f, store_map *bytes,
                                bool *local, pq_reader **r, bk_error *err) {
    const char *p = f->path_decoded;
    size_t scheme = uri_scheme_len(f->path);
    bk_status st;
    *local = false;
    if (scheme == 4 && strncmp(f->path, "file", 4) == 0) {
        p += strncmp(p, "file://", 7) == 0 ? 7 : 5;
        *local = true;
        st = store_file_map(p, bytes, err);
    } else if (scheme) {
        return bk_error_set(err, BK_UNSUPPORTED,
                            "data file \"%s\" is on a storage scheme Bricks does not read", p);
    } else if (p[0] == '/') {
        *local = true;
        st = store_file_map(p, bytes, err);
    } else {
        st = store_obj_map(s->store, p, bytes, err);
    }
    if (st != BK_OK) return st;
    st = pq_reader_open_memory(bytes->data, bytes->size, f->path_decoded, NULL, r, err);
    if (st != BK_OK) release_data_file(s, bytes, *local);
    return st;
}

static bk_status scan_file(delta_snapshot *s, const delta_scan_opts *opts, const uint32_t *fields,
                           uint32_t n_fields, delta_scan_fn fn, delta_rows_fn rows_fn, void *ctx,
                           const delta_file_action *f, pq_late_stats *late,
                           delta_scan_stats *stats, bk_arena *a, bk_error *err) {
    file_scan fs = {.s = s, .fn = fn, .rows_fn = rows_fn, .ctx = ctx, .file = f, .n_out = n_fields};
    atomic_init(&fs.rows_returned, 0);
    atomic_init(&fs.rows_deleted, 0);
    if (f->has_dv) BK_TRY(delta_dv_load(a, s->root, &f->dv, (delta_dv **)&fs.dv, err));
    if (opts->filter_rows && opts->n_preds) {
        int32_t *out_of_field = bk_arena_array(a, s->schema.n_fields, sizeof *out_of_field);
        if (!out_of_field) return bk_arena_oom(a, err);
        for (uint32_t k = 0; k < s->schema.n_fields; k++) out_of_field[k] = -1;
        for (uint32_t c = 0; c < n_fields; c++) out_of_field[fields[c]] = (int32_t)c;
        for (uint32_t p = 0; p < opts->n_preds; p++)
            if (opts->preds[p].field >= s->schema.n_fields ||
                out_of_field[opts->preds[p].field] < 0)
                return bk_error_set(err, BK_INVALID_ARGUMENT,
                                    "a row filter's column must be among the scanned columns");
        fs.filter = opts->preds;
        fs.n_filter = opts->n_preds;
        fs.out_of_field = out_of_field;
    }
    store_map bytes;
    bool local;
    pq_reader *r = NULL;
    BK_TRY(open_data_file(s, f, &bytes, &local, &r, err));
    bk_status st = BK_OK;
    fs.out = bk_arena_zalloc(a, (n_fields ? n_fields : 1) * sizeof *fs.out);
    uint32_t *pq_fields = bk_arena_array(a, n_fields ? n_fields : 1, sizeof *pq_fields);
    pq_predicate *preds = bk_arena_array(a, opts->n_preds ? opts->n_preds : 1, sizeof *preds);
    uint32_t n_pq = 0, n_preds = 0;
    if (!fs.out || !pq_fields || !preds) st = bk_arena_oom(a, err);
    const bk_type *ft = pq_reader_schema(r);
    for (uint32_t c = 0; st == BK_OK && c < n_fields; c++) {
        const delta_field *field = &s->schema.fields[fields[c]];
        out_column *oc = &fs.out[c];
        oc->field = field;
        if (is_partition_column(s, field)) {
            oc->source = FROM_PARTITION;
            st = partition_constant(a, s, f, field, &oc->constant, err);
            continue;
        }
        int col = find_file_column(s, r, field);
        if (col < 0) {
            oc->source = FROM_NOTHING;
            continue;
        }
        oc->source = FROM_FILE;
        oc->file_pos = n_pq;
        pq_fields[n_pq++] = (uint32_t)col;
        /* Predicates go down to the Parquet reader when the types agree exactly and
         * row numbers need not be known (no deletion vector). */
        for (uint32_t p = 0; !f->has_dv && p < opts->n_preds; p++) {
            if (opts->preds[p].field != fields[c]) continue;
            if (!bk_type_equal(ft->children[col], field->type)) continue;
            preds[n_preds] = opts->preds[p];
            preds[n_preds++].field = (uint32_t)col;
        }
    }
    /* Row indexes of each row group's first row, for deletion vectors. */
    uint32_t n_rg = pq_reader_num_row_groups(r);
    int64_t *rg_first = bk_arena_array(a, n_rg + 1, sizeof *rg_first);
    if (st == BK_OK && !rg_first) st = bk_arena_oom(a, err);
    if (st == BK_OK) {
        const pq_file_meta *m = pq_reader_meta(r);
        rg_first[0] = 0;
        for (uint32_t g = 0; g < n_rg; g++)
            rg_first[g + 1] = rg_first[g] + m->row_groups[g].num_rows;
        fs.rg_first = rg_first;
        if (fs.dv && (uint64_t)delta_dv_cardinality(fs.dv) > (uint64_t)rg_first[n_rg])
            st = bk_error_set(err, BK_CORRUPT,
                              "deletion vector of \"%s\" deletes more rows than the file has",
                              f->path);
    }
    pq_scan_stats ps;
    memset(&ps, 0, sizeof ps);
    if (st == BK_OK) {
        pq_scan_opts po = {pq_fields, n_pq, n_preds ? preds : NULL, n_preds, opts->pool, late};
        st = pq_scan(r, &po, on_row_group, &fs, &ps, err);
    }
    pq_reader_close(r);
    release_data_file(s, &bytes, local);
    if (st != BK_OK) {
        if (err->msg[0] && !strstr(err->msg, f->path_decoded))
            bk_error_prefix(err, "data file \"%s\": ", f->path_decoded);
        return st;
    }
    stats->rows_returned += atomic_load(&fs.rows_returned);
    stats->rows_deleted += atomic_load(&fs.rows_deleted);
    stats->row_groups_total += ps.row_groups_total;
    stats->row_groups_skipped += ps.row_groups_skipped;
    stats->pages_total += ps.pages_total;
    stats->pages_skipped += ps.pages_skipped;
    stats->rows_filtered += ps.rows_filtered;
    stats->decode_ns += ps.decode_ns;
    return BK_OK;
}

bk_status delta_scan_file_rows(delta_snapshot *s, const delta_file_action *f,
                               const uint32_t *fields, uint32_t n_fields, delta_rows_fn fn,
                               void *ctx, bk_arena *a, bk_error *err) {
    delta_scan_opts none = {0};
    delta_scan_stats stats = {0};
    return scan_file(s, &none, fields, n_fields, NULL, fn, ctx, f, NULL, &stats, a, err);
}

/* Files scanned in parallel: one task per file, one arena and one stats per worker. */
typedef struct parallel_scan {
    delta_snapshot *s;
    const delta_scan_opts *opts; /* with pool NULL: row groups stay on the file's worker */
    const uint32_t *fields;
    uint32_t n_fields;
    delta_scan_fn fn;
    void *ctx;
    pq_late_stats *late;
    bk_arena **arenas;
    delta_scan_stats *stats;
    bk_error *errors; /* per worker: the first failure */
    atomic_bool failed;
} parallel_scan;

/*
 * Prune, then scan one file into the worker's arena and stats.  `late` is shared
 * by every file of the scan: whether evaluating predicates inside the Parquet scan
 * pays is learnt over the table, not again in each file (with one row group per
 * file, pq_scan would otherwise never see enough row groups to stop).
 */
static bk_status scan_one(delta_snapshot *s, const delta_scan_opts *opts, const uint32_t *fields,
                          uint32_t n_fields, delta_scan_fn fn, void *ctx, size_t i,
                          pq_late_stats *late, bk_arena *a, delta_scan_stats *stats,
                          bk_error *err) {
    bk_arena_reset(a);
    bool may = true;
    BK_TRY(delta_file_may_match(a, s, s->files[i], opts->preds, opts->n_preds, &may, err));
    if (!may) {
        stats->files_skipped++;
        return BK_OK;
    }
    return scan_file(s, opts, fields, n_fields, fn, NULL, ctx, s->files[i], late, stats, a, err);
}

static void scan_task(void *arg, size_t i, int worker) {
    parallel_scan *ps = arg;
    if (atomic_load(&ps->failed)) return;
    if (scan_one(ps->s, ps->opts, ps->fields, ps->n_fields, ps->fn, ps->ctx, i, ps->late,
                 ps->arenas[worker], &ps->stats[worker], &ps->errors[worker]) != BK_OK)
        atomic_store(&ps->failed, true);
}

bk_status delta_scan(delta_snapshot *s, const delta_scan_opts *opts, delta_scan_fn fn, void *ctx,
                     delta_scan_stats *stats, bk_error *err) {
    delta_scan_opts none = {0};
    if (!opts) opts = &none;
    delta_scan_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    stats->files_total = s->n_files;
    uint32_t n_fields = opts->fields ? opts->n_fields : s->schema.n_fields;
    pq_late_stats late;
    pq_late_stats_init(&late);
    /* Many files: one file per task across the pool.  Few: row groups in parallel. */
    bool by_file = opts->pool && s->n_files > 1;
    int workers = by_file ? bk_pool_size(opts->pool) : 1;
    bk_arena *scan_arena = bk_arena_new(NULL, "delta scan", 0);
    uint32_t *fields =
        scan_arena ? bk_arena_array(scan_arena, n_fields ? n_fields : 1, sizeof *fields) : NULL;
    bk_arena **arenas =
        scan_arena ? bk_arena_zalloc(scan_arena, (size_t)workers * sizeof *arenas) : NULL;
    delta_scan_stats *wstats =
        scan_arena ? bk_arena_zalloc(scan_arena, (size_t)workers * sizeof *wstats) : NULL;
    bk_error *errors =
        scan_arena ? bk_arena_zalloc(scan_arena, (size_t)workers * sizeof *errors) : NULL;
    bk_status st = fields && arenas && wstats && errors
                       ? BK_OK
                       : bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting a Delta scan");
    for (int w = 0; st == BK_OK && w < workers; w++)
        if (!(arenas[w] = bk_arena_new(scan_arena, "delta scan file", 0)))
            st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting a Delta scan");
    for (uint32_t c = 0; st == BK_OK && c < n_fields; c++) {
        fields[c] = opts->fields ? opts->fields[c] : c;
        if (fields[c] >= s->schema.n_fields)
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "scan column %u does not exist: the table has %u columns", fields[c],
                              s->schema.n_fields);
    }
    if (st == BK_OK && by_file) {
        delta_scan_opts inner = *opts;
        inner.pool = NULL;
        parallel_scan ps = {s, &inner, fields, n_fields, fn, ctx, &late, arenas, wstats, errors,
                            false};
        bk_pool_run(opts->pool, s->n_files, scan_task, &ps);
        for (int w = 0; w < workers; w++) {
            stats->files_skipped += wstats[w].files_skipped;
            stats->rows_returned += wstats[w].rows_returned;
            stats->rows_deleted += wstats[w].rows_deleted;
            stats->row_groups_total += wstats[w].row_groups_total;
            stats->row_groups_skipped += wstats[w].row_groups_skipped;
            stats->pages_total += wstats[w].pages_total;
            stats->pages_skipped += wstats[w].pages_skipped;
            stats->rows_filtered += wstats[w].rows_filtered;
            stats->decode_ns += wstats[w].decode_ns;
            if (st == BK_OK && errors[w].code != BK_CODE_OK) {
                *err = errors[w];
                st = err->code;
            }
        }
    } else {
        for (size_t i = 0; st == BK_OK && i < s->n_files; i++)
            st = scan_one(s, opts, fields, n_fields, fn, ctx, i, &late, arenas[0], stats, err);
    }
    bk_arena_free(scan_arena);
    return st;
}
