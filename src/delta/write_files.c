/*
 * write_files.c — rows into new data files for a transaction.
 *
 * Rows are grouped by their partition values; each group becomes a Parquet file
 * (partition columns are not stored in data files: the log holds them) under a
 * Hive-style directory ("date=2024-01-01/part-00000-<uuid>.c000.snappy.parquet"),
 * with column-mapping physical names as column names, and an add action carrying
 * the partition values and the per-file statistics (delta.dataSkippingNumIndexedCols
 * columns, 32 by default).  Readers never parse the directory names; they are for
 * people and for tools that expect them.
 */
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/str.h"
#include "base/uuid.h"
#include "delta/commit_internal.h"
#include "delta/partition.h"
#include "delta/stats.h"
#include "parquet/parquet.h"

/* The type of `f` as stored in data files: physical names all the way down. */
static const bk_type *physical_type(bk_arena *a, const delta_field *f, bool mapped) {
    const bk_type *t = f->type;
    if (!mapped) return t;
    switch (t->kind) {
    case BK_TYPE_STRUCT: {
        const char **names = bk_arena_array(a, f->n_children + 1, sizeof *names);
        const bk_type **types = bk_arena_array(a, f->n_children + 1, sizeof *types);
        bool *nullable = bk_arena_array(a, f->n_children + 1, sizeof *nullable);
        if (!names || !types || !nullable) return NULL;
        for (uint32_t k = 0; k < f->n_children; k++) {
            names[k] = f->children[k].physical_name;
            types[k] = physical_type(a, &f->children[k], mapped);
            nullable[k] = f->children[k].nullable;
            if (!types[k]) return NULL;
        }
        return bk_type_make_struct(a, f->n_children, names, types, nullable);
    }
    case BK_TYPE_ARRAY: {
        const bk_type *e = physical_type(a, &f->children[0], mapped);
        return e ? bk_type_make_array(a, e) : NULL;
    }
    case BK_TYPE_MAP: {
        const bk_type *k = physical_type(a, &f->children[0], mapped);
        const bk_type *v = physical_type(a, &f->children[1], mapped);
        return k && v ? bk_type_make_map(a, k, v) : NULL;
    }
    default:
        return t;
    }
}

/* The Parquet field ids of field `f` and everything under it (column mapping). */
static bool field_ids(bk_arena *a, const delta_field *f, pq_field_ids *out) {
    out->has_id = f->has_id;
    out->id = f->id;
    out->n_children = f->n_children;
    out->children = NULL;
    if (!f->n_children) return true;
    pq_field_ids *kids = bk_arena_zalloc(a, f->n_children * sizeof *kids);
    if (!kids) return false;
    for (uint32_t k = 0; k < f->n_children; k++)
        if (!field_ids(a, &f->children[k], &kids[k])) return false;
    out->children = kids;
    return true;
}

/* The vector `v` relabelled with the physical type (same buffers). */
static bk_vector *relabel(bk_arena *a, const bk_vector *v, const bk_type *t) {
    bk_vector *r = bk_arena_alloc(a, sizeof *r);
    if (!r) return NULL;
    *r = *v;
    r->type = t;
    if (t->n_children && v->children) {
        r->children = bk_arena_array(a, t->n_children, sizeof *r->children);
        if (!r->children) return NULL;
        for (uint32_t k = 0; k < t->n_children; k++) {
            r->children[k] = relabel(a, v->children[k], t->children[k]);
            if (!r->children[k]) return NULL;
        }
    }
    return r;
}

/* Split of the table's columns into partition and data columns. */
typedef struct column_split {
    uint32_t n_part, n_data;
    uint32_t *part, *data; /* schema indexes */
    delta_schema data_schema;
    const bk_type *file_type; /* STRUCT of the data columns as stored (+ _change_type) */
    pq_field_ids ids;         /* column mapping: the data columns' field ids */
    const char *cdc_type;     /* change data file: every row's _change_type; else NULL */
} column_split;

static bk_status split_columns(bk_arena *a, const delta_snapshot *s, const char *cdc_type,
                               column_split *cs, bk_error *err) {
    const delta_schema *sc = &s->schema;
    bool mapped = s->mapping != DELTA_MAPPING_NONE;
    memset(cs, 0, sizeof *cs);
    cs->part = bk_arena_array(a, sc->n_fields + 1, sizeof *cs->part);
    cs->data = bk_arena_array(a, sc->n_fields + 1, sizeof *cs->data);
    delta_field *fields = bk_arena_array(a, sc->n_fields + 1, sizeof *fields);
    const char **names = bk_arena_array(a, sc->n_fields + 1, sizeof *names);
    const bk_type **types = bk_arena_array(a, sc->n_fields + 1, sizeof *types);
    const bk_type **logical = bk_arena_array(a, sc->n_fields + 1, sizeof *logical);
    const char **lnames = bk_arena_array(a, sc->n_fields + 1, sizeof *lnames);
    bool *nullable = bk_arena_array(a, sc->n_fields + 1, sizeof *nullable);
    if (!cs->part || !cs->data || !fields || !names || !types || !logical || !lnames || !nullable)
        return bk_arena_oom(a, err);
    for (uint32_t i = 0; i < sc->n_fields; i++) {
        const delta_field *f = &sc->fields[i];
        bool is_part = false;
        for (uint32_t p = 0; p < s->metadata.n_partition_columns; p++)
            if (strcasecmp(s->metadata.partition_columns[p], f->name) == 0) is_part = true;
        if (is_part) {
            cs->part[cs->n_part++] = i;
            continue;
        }
        uint32_t k = cs->n_data;
        cs->data[cs->n_data++] = i;
        fields[k] = *f;
        names[k] = mapped ? f->physical_name : f->name;
        types[k] = physical_type(a, f, mapped);
        lnames[k] = f->name;
        logical[k] = f->type;
        nullable[k] = f->nullable;
        if (!types[k]) return bk_arena_oom(a, err);
    }
    cs->cdc_type = cdc_type;
    uint32_t n_stored = cs->n_data;
    if (cdc_type) { /* change data files carry _change_type after the data columns */
        names[n_stored] = "_change_type";
        types[n_stored] = bk_type_scalar(BK_TYPE_STRING);
        nullable[n_stored++] = true;
    }
    cs->file_type = bk_type_make_struct(a, n_stored, names, types, nullable);
    if (mapped) {
        pq_field_ids *kids = bk_arena_zalloc(a, (cs->n_data + 1) * sizeof *kids);
        if (!kids) return bk_arena_oom(a, err);
        for (uint32_t k = 0; k < cs->n_data; k++)
            if (!field_ids(a, &fields[k], &kids[k])) return bk_arena_oom(a, err);
        cs->ids = (pq_field_ids){false, 0, cs->n_data, kids};
    }
    cs->data_schema.n_fields = cs->n_data;
    cs->data_schema.fields = fields;
    cs->data_schema.type = bk_type_make_struct(a, cs->n_data, lnames, logical, nullable);
    if (!cs->file_type || !cs->data_schema.type) return bk_arena_oom(a, err);
    return BK_OK;
}

/* "k1=v1/k2=v2/" for a group's first row, and its partitionValues. */
static bk_status partition_dir(bk_arena *a, const delta_snapshot *s, const column_split *cs,
                               bk_vector *const *cols, size_t row, const char **dir,
                               delta_kv *values, bk_error *err) {
    bool mapped = s->mapping != DELTA_MAPPING_NONE;
    bk_buf path, text;
    bk_buf_init(&path);
    bk_buf_init(&text);
    values->n = cs->n_part;
    values->keys = bk_arena_array(a, cs->n_part + 1, sizeof *values->keys);
    values->values = bk_arena_array(a, cs->n_part + 1, sizeof *values->values);
    bk_status st = values->keys && values->values ? BK_OK : bk_arena_oom(a, err);
    for (uint32_t p = 0; st == BK_OK && p < cs->n_part; p++) {
        const delta_field *f = &s->schema.fields[cs->part[p]];
        bool is_null = false;
        bk_buf_clear(&text);
        st = delta_partition_value_format(cols[cs->part[p]], row, &text, &is_null);
        if (st != BK_OK) break;
        if (text.len == 0) is_null = true; /* "" is NULL in partition values (Spark, Hive) */
        if (is_null && !f->nullable) {
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "NOT NULL partition column \"%s\" got a NULL value", f->name);
            break;
        }
        values->keys[p] = mapped ? f->physical_name : f->name;
        values->values[p] = is_null ? NULL : bk_arena_strndup(a, (const char *)text.data, text.len);
        if (!is_null && !values->values[p]) st = bk_arena_oom(a, err);
        if (st == BK_OK) st = delta_partition_escape(f->name, &path);
        if (st == BK_OK) st = bk_buf_append_u8(&path, '=');
        if (st == BK_OK) st = delta_partition_escape(values->values[p], &path);
        if (st == BK_OK) st = bk_buf_append_u8(&path, '/');
    }
    if (st == BK_OK) {
        *dir = bk_arena_strndup(a, path.len ? (const char *)path.data : "", path.len);
        if (!*dir) st = bk_arena_oom(a, err);
    }
    if (st != BK_OK && err->code == BK_CODE_OK)
        bk_error_set(err, st, "out of memory formatting partition values");
    bk_buf_destroy(&path);
    bk_buf_destroy(&text);
    return st;
}

/* Write one group's rows (data columns only) as one file; append its add action. */
static bk_status write_group(delta_tx *tx, const column_split *cs, bk_vector *const *cols,
                             const uint32_t *rows, size_t n, bk_error *err) {
    bk_arena *a = tx->arena;
    delta_snapshot *s = tx->snap;
    const char *dir;
    delta_kv values;
    BK_TRY(partition_dir(a, s, cs, cols, rows ? rows[0] : 0, &dir, &values, err));
    bk_vector **data = bk_arena_array(a, cs->n_data + 1, sizeof *data);
    bk_vector **stored = bk_arena_array(a, cs->n_data + 2, sizeof *stored);
    if (!data || !stored) return bk_arena_oom(a, err);
    if (cs->cdc_type) {
        bk_vector *ct = bk_vector_make(a, bk_type_scalar(BK_TYPE_STRING), n);
        if (!ct) return bk_arena_oom(a, err);
        for (size_t i = 0; i < n; i++) ((bk_str *)ct->data)[i] = bk_str_from_cstr(cs->cdc_type);
        stored[cs->n_data] = ct;
    }
    for (uint32_t k = 0; k < cs->n_data; k++) {
        const bk_vector *v = cols[cs->data[k]];
        data[k] = rows ? bk_vector_take(a, v, rows, n) : (bk_vector *)v;
        stored[k] = data[k] ? relabel(a, data[k], cs->file_type->children[k]) : NULL;
        if (!stored[k]) return bk_arena_oom(a, err);
    }
    char uuid[37];
    bk_uuid_v4_text(uuid);
    const char *key =
        cs->cdc_type
            ? bk_arena_printf(a, "_change_data/%scdc-00000-%s.c000.snappy.parquet", dir, uuid)
            : bk_arena_printf(a, "%spart-00000-%s.c000.snappy.parquet", dir, uuid);
    const char *local = NULL;
    if (!key) return bk_arena_oom(a, err);
    BK_TRY(store_obj_local_path(a, s->store, key, &local, err));
    if (!local) return bk_error_set(err, BK_UNSUPPORTED, "writing data files needs a local store");
    char *parent = bk_arena_strdup(a, local);
    if (!parent) return bk_arena_oom(a, err);
    *strrchr(parent, '/') = 0;
    BK_TRY(store_mkdirs(parent, err));

    pq_writer_opts po;
    pq_writer_opts_default(&po);
    if (s->mapping != DELTA_MAPPING_NONE) po.field_ids = &cs->ids;
    pq_writer *w;
    BK_TRY(pq_writer_open(local, cs->file_type, &po, &w, err));
    bk_status st = pq_writer_write(w, stored, n, err);
    if (st != BK_OK) {
        pq_writer_abort(w);
        return st;
    }
    BK_TRY(pq_writer_close(w, err));

    store_obj_info info;
    BK_TRY(store_obj_head(s->store, key, &info, err));
    if (cs->cdc_type) {
        delta_action cdc = {.kind = DELTA_ACTION_CDC};
        cdc.u.file.path = delta_path_encode(a, key);
        cdc.u.file.path_decoded = key;
        cdc.u.file.partition_values = values;
        cdc.u.file.has_size = true;
        cdc.u.file.size = (int64_t)info.size;
        cdc.u.file.data_change = false;
        if (!cdc.u.file.path) return bk_arena_oom(a, err);
        return delta_action_list_push(a, &tx->actions, &cdc, err);
    }
    bk_buf stats;
    bk_buf_init(&stats);
    int max_cols = 32;
    bool found;
    const char *nic =
        delta_kv_get(&s->metadata.configuration, "delta.dataSkippingNumIndexedCols", &found);
    int32_t v;
    if (nic && bk_parse_i32(nic, strlen(nic), &v)) max_cols = v;
    st = delta_stats_write(&cs->data_schema, s->mapping != DELTA_MAPPING_NONE, data, n, max_cols,
                           &stats, err);
    const char *stats_json =
        st == BK_OK ? bk_arena_strndup(a, (const char *)stats.data, stats.len) : NULL;
    bk_buf_destroy(&stats);
    if (st != BK_OK) return st;
    if (!stats_json) return bk_arena_oom(a, err);

    delta_action act = {.kind = DELTA_ACTION_ADD};
    delta_file_action *f = &act.u.file;
    f->path = delta_path_encode(a, key);
    f->path_decoded = key;
    f->partition_values = values;
    f->has_size = true;
    f->size = (int64_t)info.size;
    f->modification_time = info.mtime_ms;
    f->data_change = tx->data_change;
    f->stats = stats_json;
    if (!f->path) return bk_arena_oom(a, err);
    tx->rows_written += n;
    tx->files_written++;
    return delta_action_list_push(a, &tx->actions, &act, err);
}

/* Data files (cdc_type NULL) or change data files of rows, grouped by partition. */
static bk_status write_rows(delta_tx *tx, bk_vector *const *cols, size_t n_rows,
                            const char *cdc_type, bk_error *err) {
    if (n_rows == 0) return BK_OK;
    bk_arena *a = tx->arena;
    column_split cs;
    BK_TRY(split_columns(a, tx->snap, cdc_type, &cs, err));
    if (cs.n_part == 0) return write_group(tx, &cs, cols, NULL, n_rows, err);

    /* Group row indexes by the text of their partition values. */
    bk_hmap *groups = bk_hmap_new(true);
    uint32_t *group_of = bk_arena_array(a, n_rows, sizeof *group_of);
    bk_buf key;
    bk_buf_init(&key);
    bk_status st = groups && group_of ? BK_OK : bk_arena_oom(a, err);
    for (size_t r = 0; st == BK_OK && r < n_rows; r++) {
        bk_buf_clear(&key);
        for (uint32_t p = 0; st == BK_OK && p < cs.n_part; p++) {
            bool is_null = false;
            st = delta_partition_value_format(cols[cs.part[p]], r, &key, &is_null);
            if (st == BK_OK)
                st = bk_buf_append(&key, is_null ? "\x01\x1f" : "\x1f", is_null ? 2 : 1);
        }
        size_t idx;
        if (st == BK_OK) st = bk_hmap_insert(groups, key.data, key.len, &idx, NULL);
        if (st == BK_OK) group_of[r] = (uint32_t)idx;
    }
    bk_buf_destroy(&key);
    size_t n_groups = groups ? bk_hmap_count(groups) : 0;
    bk_hmap_free(groups);
    if (st != BK_OK) {
        if (err->code == BK_CODE_OK) bk_error_set(err, st, "out of memory grouping partitions");
        return st;
    }
    /* Counting sort of rows by group, then one file per group. */
    size_t *start = bk_arena_zalloc(a, (n_groups + 1) * sizeof *start);
    uint32_t *order = bk_arena_array(a, n_rows, sizeof *order);
    if (!start || !order) return bk_arena_oom(a, err);
    for (size_t r = 0; r < n_rows; r++) start[group_of[r] + 1]++;
    for (size_t g = 0; g < n_groups; g++) start[g + 1] += start[g];
    size_t *fill = bk_arena_memdup(a, start, (n_groups + 1) * sizeof *start);
    if (!fill) return bk_arena_oom(a, err);
    for (size_t r = 0; r < n_rows; r++) order[fill[group_of[r]]++] = (uint32_t)r;
    for (size_t g = 0; g < n_groups; g++)
        BK_TRY(write_group(tx, &cs, cols, order + start[g], start[g + 1] - start[g], err));
    return BK_OK;
}

bk_status delta_tx_write(delta_tx *tx, bk_vector *const *cols, size_t n_rows, bk_error *err) {
    return write_rows(tx, cols, n_rows, NULL, err);
}

bk_status delta_tx_write_changes(delta_tx *tx, bk_vector *const *cols, size_t n_rows,
                                 const char *change_type, bk_error *err) {
    return write_rows(tx, cols, n_rows, change_type, err);
}
