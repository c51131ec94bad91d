/*
 * action_checkpoint.c — Delta actions in a checkpoint's column form, both ways.
 *
 * A Parquet checkpoint (PROTOCOL.md "Checkpoints", "Checkpoint Schema") has one
 * top-level STRUCT column per action kind (add, remove, metaData, protocol, txn,
 * domainMetadata, checkpointMetadata, sidecar) and one action per row: the row's
 * non-NULL column.  Writers differ in the field order, in which optional fields
 * they include, in REQUIRED vs OPTIONAL, and old ones in the integer widths, so
 * fields are found by name, integer fields accept any integer type, and a field
 * a writer left out reads as NULL.
 *
 * Reading (delta_actions_from_checkpoint) resolves each column's fields once,
 * checking their types (a STRING where a number belongs is BK_CORRUPT naming the
 * column), then walks the rows.  The rules for absent values are those of the
 * JSON parser (action.c): the same fields are required, the same defaults apply.
 * add.stats_parsed is kept as a view (vector + row), not decoded.
 *
 * Writing (delta_checkpoint_build) lays out the classic checkpoint Spark writes:
 * the columns, the nested names and the types of a Delta 3.x checkpoint, every
 * field nullable, in two passes: the first sizes the MAP and ARRAY children (their
 * offsets), the second fills values.
 */
#include "delta/action.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"

/* ---------------------------------------------------------------------------------------------
 * Reading: context, errors, typed access to fields
 * ------------------------------------------------------------------------------------------- */

typedef struct cctx {
    bk_arena *a;
    const char *name; /* the checkpoint file, for messages */
    bk_error *err;
    size_t row; /* the row being read */
} cctx;

/* BK_CORRUPT: `checkpoint "NAME": row N: FIELD: <fmt>`. */
static bk_status BK_PRINTF(3, 4) row_corrupt(cctx *c, const char *field, const char *fmt, ...) {
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return bk_error_set(c->err, BK_CORRUPT, "checkpoint \"%s\": row %zu: %s: %s", c->name, c->row,
                        field, what);
}

/* The kinds of value a field may hold, as far as actions care. */
typedef enum want { W_STR, W_INT, W_BOOL, W_MAP, W_ARRAY, W_STRUCT } want;

static bool is_string_kind(const bk_type *t) {
    return t->kind == BK_TYPE_STRING || t->kind == BK_TYPE_BINARY;
}

static bool type_fits(const bk_type *t, want w) {
    switch (w) {
    case W_STR:
        return is_string_kind(t);
    case W_INT:
        return t->kind == BK_TYPE_TINYINT || t->kind == BK_TYPE_SMALLINT ||
               t->kind == BK_TYPE_INT || t->kind == BK_TYPE_BIGINT;
    case W_BOOL:
        return t->kind == BK_TYPE_BOOLEAN;
    case W_MAP:
        return t->kind == BK_TYPE_MAP && is_string_kind(t->children[0]) &&
               is_string_kind(t->children[1]);
    case W_ARRAY:
        return t->kind == BK_TYPE_ARRAY && is_string_kind(t->children[0]);
    case W_STRUCT:
        return t->kind == BK_TYPE_STRUCT;
    }
    return false;
}

static const char *want_name(want w) {
    static const char *names[] = {
        "STRING", "an integer type", "BOOLEAN", "MAP<STRING, STRING>", "ARRAY<STRING>", "a STRUCT"};
    return names[w];
}

/*
 * The field `field` of STRUCT vector `parent` into *out, NULL when the writer left
 * it out.  A field of the wrong type is BK_CORRUPT naming `prefix.field`.
 */
static bk_status bind(cctx *c, const bk_vector *parent, const char *prefix, const char *field,
                      want w, const bk_vector **out) {
    *out = NULL;
    if (!parent) return BK_OK;
    const bk_type *t = parent->type;
    for (uint32_t i = 0; i < t->n_children; i++) {
        if (strcmp(t->field_names[i], field) != 0) continue;
        const bk_vector *v = parent->children[i];
        if (!type_fits(v->type, w)) {
            char found[128];
            bk_type_format(v->type, found, sizeof found);
            return bk_error_set(c->err, BK_CORRUPT,
                                "checkpoint \"%s\": column \"%s.%s\": expected %s, found %s",
                                c->name, prefix, field, want_name(w), found);
        }
        *out = v;
        return BK_OK;
    }
    return BK_OK;
}

static bool present(const bk_vector *v, size_t row) { return v && bk_vector_is_valid(v, row); }

static int64_t int_at(const bk_vector *v, size_t row) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        return ((const int8_t *)v->data)[row];
    case BK_TYPE_SMALLINT:
        return ((const int16_t *)v->data)[row];
    case BK_TYPE_INT:
        return ((const int32_t *)v->data)[row];
    default:
        return ((const int64_t *)v->data)[row];
    }
}

/* A NUL-terminated copy of a string value; refuses embedded NUL bytes. */
static bk_status copy_str(cctx *c, bk_str s, const char *field, const char **out) {
    if (memchr(s.ptr, '\0', s.len)) return row_corrupt(c, field, "string holds a NUL byte");
    char *d = bk_str_dup(c->a, s);
    if (!d) return bk_arena_oom(c->a, c->err);
    *out = d;
    return BK_OK;
}

/* A string field at row `row` (NULL when null or absent; an error when required). */
static bk_status str_at(cctx *c, const bk_vector *v, size_t row, const char *field, bool required,
                        const char **out) {
    *out = NULL;
    if (!present(v, row)) return required ? row_corrupt(c, field, "required value is NULL") : BK_OK;
    return copy_str(c, ((const bk_str *)v->data)[row], field, out);
}

static bk_status i64_at(cctx *c, const bk_vector *v, size_t row, const char *field, bool required,
                        bool *has, int64_t *out) {
    *has = present(v, row);
    if (!*has) return required ? row_corrupt(c, field, "required value is NULL") : BK_OK;
    *out = int_at(v, row);
    return BK_OK;
}

static bk_status i32_at(cctx *c, const bk_vector *v, size_t row, const char *field, bool required,
                        bool *has, int32_t *out) {
    int64_t x = 0;
    BK_TRY(i64_at(c, v, row, field, required, has, &x));
    if (!*has) return BK_OK;
    if (x < INT32_MIN || x > INT32_MAX)
        return row_corrupt(c, field, "value %lld does not fit a 32-bit integer", (long long)x);
    *out = (int32_t)x;
    return BK_OK;
}

/* A boolean; *out keeps its default when null. */
static bk_status bool_at(cctx *c, const bk_vector *v, size_t row, const char *field, bool required,
                         bool *out) {
    if (!present(v, row)) return required ? row_corrupt(c, field, "required value is NULL") : BK_OK;
    *out = ((const uint8_t *)v->data)[row] != 0;
    return BK_OK;
}

/* A MAP<STRING, STRING> (an empty map when null, an error then when required). */
static bk_status kv_at(cctx *c, const bk_vector *v, size_t row, const char *field, bool required,
                       delta_kv *out) {
    memset(out, 0, sizeof *out);
    if (!present(v, row)) return required ? row_corrupt(c, field, "required value is NULL") : BK_OK;
    int64_t from = v->offsets[row], to = v->offsets[row + 1];
    if (from < 0 || to < from || (uint64_t)to > v->children[0]->n)
        return row_corrupt(c, field, "bad map offsets %lld..%lld", (long long)from, (long long)to);
    if (to - from > (int64_t)UINT32_MAX) return row_corrupt(c, field, "too many entries");
    uint32_t n = (uint32_t)(to - from);
    if (n == 0) return BK_OK;
    out->keys = bk_arena_array(c->a, n, sizeof *out->keys);
    out->values = bk_arena_array(c->a, n, sizeof *out->values);
    if (!out->keys || !out->values) return bk_arena_oom(c->a, c->err);
    const bk_vector *keys = v->children[0], *values = v->children[1];
    for (uint32_t i = 0; i < n; i++) {
        size_t at = (size_t)from + i;
        BK_TRY(str_at(c, keys, at, field, true, &out->keys[i]));
        BK_TRY(str_at(c, values, at, field, false, &out->values[i]));
    }
    out->n = n;
    return BK_OK;
}

/* An ARRAY<STRING>; *has = false when null.  NULL elements are refused. */
static bk_status arr_at(cctx *c, const bk_vector *v, size_t row, const char *field, bool *has,
                        uint32_t *n_out, const char ***out) {
    *has = present(v, row);
    *n_out = 0;
    *out = NULL;
    if (!*has) return BK_OK;
    int64_t from = v->offsets[row], to = v->offsets[row + 1];
    if (from < 0 || to < from || (uint64_t)to > v->children[0]->n)
        return row_corrupt(c, field, "bad array offsets %lld..%lld", (long long)from,
                           (long long)to);
    if (to - from > (int64_t)UINT32_MAX) return row_corrupt(c, field, "too many entries");
    uint32_t n = (uint32_t)(to - from);
    const char **items = bk_arena_array(c->a, n ? n : 1, sizeof *items);
    if (!items) return bk_arena_oom(c->a, c->err);
    for (uint32_t i = 0; i < n; i++)
        BK_TRY(str_at(c, v->children[0], (size_t)from + i, field, true, &items[i]));
    *n_out = n;
    *out = items;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Reading: the fields of each action column, resolved once per call
 * ------------------------------------------------------------------------------------------- */

typedef struct dv_cols {
    const bk_vector *v, *storage_type, *path_or_inline, *offset, *size, *cardinality, *max_row;
} dv_cols;

typedef struct file_cols {
    const bk_vector *path, *pv, *size, *mtime, *data_change, *stats, *stats_parsed, *tags;
    const bk_vector *base_row_id, *drcv, *clustering, *deletion_ts, *extended;
    dv_cols dv;
} file_cols;

typedef struct meta_cols {
    const bk_vector *id, *name, *description, *format, *provider, *schema, *pcols, *config,
        *created;
} meta_cols;

typedef struct proto_cols {
    const bk_vector *reader, *writer, *reader_features, *writer_features;
} proto_cols;

/* One top-level column of the checkpoint with its resolved fields. */
typedef struct cp_col {
    const bk_vector *v;
    delta_action_kind kind;
    const char *key; /* its name: "add", "metaData", ... */
    union {
        file_cols file;
        meta_cols meta;
        proto_cols proto;
        struct {
            const bk_vector *app_id, *version, *last_updated;
        } txn;
        struct {
            const bk_vector *domain, *configuration, *removed;
        } domain;
        struct {
            const bk_vector *version;
        } cpm;
        struct {
            const bk_vector *path, *size, *mtime;
        } sidecar;
    } f;
} cp_col;

static bk_status bind_dv(cctx *c, const bk_vector *file, const char *key, dv_cols *d) {
    char prefix[64];
    BK_TRY(bind(c, file, key, "deletionVector", W_STRUCT, &d->v));
    snprintf(prefix, sizeof prefix, "%s.deletionVector", key);
    BK_TRY(bind(c, d->v, prefix, "storageType", W_STR, &d->storage_type));
    BK_TRY(bind(c, d->v, prefix, "pathOrInlineDv", W_STR, &d->path_or_inline));
    BK_TRY(bind(c, d->v, prefix, "offset", W_INT, &d->offset));
    BK_TRY(bind(c, d->v, prefix, "sizeInBytes", W_INT, &d->size));
    BK_TRY(bind(c, d->v, prefix, "cardinality", W_INT, &d->cardinality));
    BK_TRY(bind(c, d->v, prefix, "maxRowIndex", W_INT, &d->max_row));
    return BK_OK;
}

static bk_status bind_file(cctx *c, cp_col *col) {
    const bk_vector *v = col->v;
    const char *k = col->key;
    file_cols *f = &col->f.file;
    BK_TRY(bind(c, v, k, "path", W_STR, &f->path));
    BK_TRY(bind(c, v, k, "partitionValues", W_MAP, &f->pv));
    BK_TRY(bind(c, v, k, "size", W_INT, &f->size));
    BK_TRY(bind(c, v, k, "modificationTime", W_INT, &f->mtime));
    BK_TRY(bind(c, v, k, "dataChange", W_BOOL, &f->data_change));
    BK_TRY(bind(c, v, k, "stats", W_STR, &f->stats));
    BK_TRY(bind(c, v, k, "stats_parsed", W_STRUCT, &f->stats_parsed));
    BK_TRY(bind(c, v, k, "tags", W_MAP, &f->tags));
    BK_TRY(bind(c, v, k, "baseRowId", W_INT, &f->base_row_id));
    BK_TRY(bind(c, v, k, "defaultRowCommitVersion", W_INT, &f->drcv));
    BK_TRY(bind(c, v, k, "clusteringProvider", W_STR, &f->clustering));
    BK_TRY(bind(c, v, k, "deletionTimestamp", W_INT, &f->deletion_ts));
    BK_TRY(bind(c, v, k, "extendedFileMetadata", W_BOOL, &f->extended));
    return bind_dv(c, v, k, &f->dv);
}

static bk_status bind_column(cctx *c, cp_col *col) {
    const bk_vector *v = col->v;
    const char *k = col->key;
    switch (col->kind) {
    case DELTA_ACTION_ADD:
    case DELTA_ACTION_REMOVE:
        return bind_file(c, col);
    case DELTA_ACTION_METADATA: {
        meta_cols *m = &col->f.meta;
        BK_TRY(bind(c, v, k, "id", W_STR, &m->id));
        BK_TRY(bind(c, v, k, "name", W_STR, &m->name));
        BK_TRY(bind(c, v, k, "description", W_STR, &m->description));
        BK_TRY(bind(c, v, k, "format", W_STRUCT, &m->format));
        BK_TRY(bind(c, m->format, "metaData.format", "provider", W_STR, &m->provider));
        BK_TRY(bind(c, v, k, "schemaString", W_STR, &m->schema));
        BK_TRY(bind(c, v, k, "partitionColumns", W_ARRAY, &m->pcols));
        BK_TRY(bind(c, v, k, "configuration", W_MAP, &m->config));
        return bind(c, v, k, "createdTime", W_INT, &m->created);
    }
    case DELTA_ACTION_PROTOCOL: {
        proto_cols *p = &col->f.proto;
        BK_TRY(bind(c, v, k, "minReaderVersion", W_INT, &p->reader));
        BK_TRY(bind(c, v, k, "minWriterVersion", W_INT, &p->writer));
        BK_TRY(bind(c, v, k, "readerFeatures", W_ARRAY, &p->reader_features));
        return bind(c, v, k, "writerFeatures", W_ARRAY, &p->writer_features);
    }
    case DELTA_ACTION_TXN:
        BK_TRY(bind(c, v, k, "appId", W_STR, &col->f.txn.app_id));
        BK_TRY(bind(c, v, k, "version", W_INT, &col->f.txn.version));
        return bind(c, v, k, "lastUpdated", W_INT, &col->f.txn.last_updated);
    case DELTA_ACTION_DOMAIN_METADATA:
        BK_TRY(bind(c, v, k, "domain", W_STR, &col->f.domain.domain));
        BK_TRY(bind(c, v, k, "configuration", W_STR, &col->f.domain.configuration));
        return bind(c, v, k, "removed", W_BOOL, &col->f.domain.removed);
    case DELTA_ACTION_CHECKPOINT_METADATA:
        return bind(c, v, k, "version", W_INT, &col->f.cpm.version);
    case DELTA_ACTION_SIDECAR:
        BK_TRY(bind(c, v, k, "path", W_STR, &col->f.sidecar.path));
        BK_TRY(bind(c, v, k, "sizeInBytes", W_INT, &col->f.sidecar.size));
        return bind(c, v, k, "modificationTime", W_INT, &col->f.sidecar.mtime);
    default:
        break;
    }
    return bk_error_set(c->err, BK_INTERNAL, "checkpoint column \"%s\" has no reader", k);
}

/* ---------------------------------------------------------------------------------------------
 * Reading: one row of one column into an action
 * ------------------------------------------------------------------------------------------- */

static bk_status read_dv(cctx *c, const dv_cols *d, size_t row, const char *key, delta_dv_ref *dv) {
    char f[96];
    bool has;
    const char *st;
    snprintf(f, sizeof f, "%s.deletionVector.storageType", key);
    BK_TRY(str_at(c, d->storage_type, row, f, true, &st));
    if (strlen(st) != 1 || !strchr("uip", st[0]))
        return row_corrupt(c, f, "expected \"u\", \"i\" or \"p\", found \"%.20s\"", st);
    dv->storage_type = st[0];
    snprintf(f, sizeof f, "%s.deletionVector.pathOrInlineDv", key);
    BK_TRY(str_at(c, d->path_or_inline, row, f, true, &dv->path_or_inline_dv));
    snprintf(f, sizeof f, "%s.deletionVector.offset", key);
    BK_TRY(i32_at(c, d->offset, row, f, false, &dv->has_offset, &dv->offset));
    snprintf(f, sizeof f, "%s.deletionVector.sizeInBytes", key);
    BK_TRY(i32_at(c, d->size, row, f, true, &has, &dv->size_in_bytes));
    snprintf(f, sizeof f, "%s.deletionVector.cardinality", key);
    BK_TRY(i64_at(c, d->cardinality, row, f, true, &has, &dv->cardinality));
    snprintf(f, sizeof f, "%s.deletionVector.maxRowIndex", key);
    BK_TRY(i64_at(c, d->max_row, row, f, false, &dv->has_max_row_index, &dv->max_row_index));
    return BK_OK;
}

static bk_status read_file(cctx *c, const cp_col *col, size_t row, delta_file_action *f) {
    const file_cols *fc = &col->f.file;
    const char *k = col->key;
    bool is_add = col->kind == DELTA_ACTION_ADD, has;
    /* Field names for messages, chosen without formatting (this runs per row). */
#define F(name)                                                                                    \
    (is_add ? "add." name : col->kind == DELTA_ACTION_CDC ? "cdc." name : "remove." name)
    BK_TRY(str_at(c, fc->path, row, F("path"), true, &f->path));
    f->path_decoded = delta_path_decode(c->a, f->path);
    if (!f->path_decoded) {
        if (bk_arena_failed(c->a)) return bk_arena_oom(c->a, c->err);
        return row_corrupt(c, F("path"), "bad percent-escape in \"%.200s\"", f->path);
    }
    BK_TRY(kv_at(c, fc->pv, row, F("partitionValues"), is_add, &f->partition_values));
    BK_TRY(i64_at(c, fc->size, row, F("size"), is_add, &f->has_size, &f->size));
    if (!f->has_size) f->size = -1;
    BK_TRY(i64_at(c, fc->mtime, row, F("modificationTime"), false, &has, &f->modification_time));
    f->data_change = true;
    BK_TRY(bool_at(c, fc->data_change, row, F("dataChange"), false, &f->data_change));
    BK_TRY(str_at(c, fc->stats, row, F("stats"), false, &f->stats));
    if (present(fc->stats_parsed, row)) {
        f->stats_parsed = fc->stats_parsed;
        f->stats_parsed_row = (uint32_t)row;
    }
    BK_TRY(kv_at(c, fc->tags, row, F("tags"), false, &f->tags));
    if (present(fc->dv.v, row)) {
        BK_TRY(read_dv(c, &fc->dv, row, k, &f->dv));
        f->has_dv = true;
    }
    BK_TRY(i64_at(c, fc->base_row_id, row, F("baseRowId"), false, &f->has_base_row_id,
                  &f->base_row_id));
    BK_TRY(i64_at(c, fc->drcv, row, F("defaultRowCommitVersion"), false,
                  &f->has_default_row_commit_version, &f->default_row_commit_version));
    if (is_add) {
        BK_TRY(str_at(c, fc->clustering, row, F("clusteringProvider"), false,
                      &f->clustering_provider));
    } else {
        BK_TRY(i64_at(c, fc->deletion_ts, row, F("deletionTimestamp"), false,
                      &f->has_deletion_timestamp, &f->deletion_timestamp));
        BK_TRY(bool_at(c, fc->extended, row, F("extendedFileMetadata"), false,
                       &f->extended_file_metadata));
    }
#undef F
    return BK_OK;
}

static bk_status read_metadata(cctx *c, const meta_cols *mc, size_t row, delta_metadata *m) {
    bool has;
    BK_TRY(str_at(c, mc->id, row, "metaData.id", true, &m->id));
    BK_TRY(str_at(c, mc->name, row, "metaData.name", false, &m->name));
    BK_TRY(str_at(c, mc->description, row, "metaData.description", false, &m->description));
    m->format_provider = "parquet";
    if (present(mc->format, row)) {
        const char *provider;
        BK_TRY(str_at(c, mc->provider, row, "metaData.format.provider", false, &provider));
        if (provider) m->format_provider = provider;
    }
    BK_TRY(str_at(c, mc->schema, row, "metaData.schemaString", false, &m->schema_string));
    if (!m->schema_string) m->schema_string = DELTA_EMPTY_SCHEMA;
    BK_TRY(arr_at(c, mc->pcols, row, "metaData.partitionColumns", &has, &m->n_partition_columns,
                  &m->partition_columns));
    BK_TRY(kv_at(c, mc->config, row, "metaData.configuration", false, &m->configuration));
    BK_TRY(i64_at(c, mc->created, row, "metaData.createdTime", false, &m->has_created_time,
                  &m->created_time));
    return BK_OK;
}

static bk_status read_row(cctx *c, const cp_col *col, size_t row, delta_action *act) {
    bool has;
    memset(act, 0, sizeof *act);
    act->kind = col->kind;
    switch (col->kind) {
    case DELTA_ACTION_ADD:
    case DELTA_ACTION_REMOVE:
        return read_file(c, col, row, &act->u.file);
    case DELTA_ACTION_METADATA:
        return read_metadata(c, &col->f.meta, row, &act->u.metadata);
    case DELTA_ACTION_PROTOCOL: {
        const proto_cols *pc = &col->f.proto;
        delta_protocol *p = &act->u.protocol;
        BK_TRY(i32_at(c, pc->reader, row, "protocol.minReaderVersion", true, &has,
                      &p->min_reader_version));
        BK_TRY(i32_at(c, pc->writer, row, "protocol.minWriterVersion", true, &has,
                      &p->min_writer_version));
        BK_TRY(arr_at(c, pc->reader_features, row, "protocol.readerFeatures",
                      &p->has_reader_features, &p->n_reader_features, &p->reader_features));
        return arr_at(c, pc->writer_features, row, "protocol.writerFeatures",
                      &p->has_writer_features, &p->n_writer_features, &p->writer_features);
    }
    case DELTA_ACTION_TXN: {
        delta_txn *t = &act->u.txn;
        BK_TRY(str_at(c, col->f.txn.app_id, row, "txn.appId", true, &t->app_id));
        BK_TRY(i64_at(c, col->f.txn.version, row, "txn.version", true, &has, &t->version));
        return i64_at(c, col->f.txn.last_updated, row, "txn.lastUpdated", false,
                      &t->has_last_updated, &t->last_updated);
    }
    case DELTA_ACTION_DOMAIN_METADATA: {
        delta_domain_metadata *d = &act->u.domain;
        BK_TRY(str_at(c, col->f.domain.domain, row, "domainMetadata.domain", true, &d->domain));
        BK_TRY(str_at(c, col->f.domain.configuration, row, "domainMetadata.configuration", true,
                      &d->configuration));
        return bool_at(c, col->f.domain.removed, row, "domainMetadata.removed", true, &d->removed);
    }
    case DELTA_ACTION_CHECKPOINT_METADATA:
        return i64_at(c, col->f.cpm.version, row, "checkpointMetadata.version", true, &has,
                      &act->u.checkpoint_version);
    case DELTA_ACTION_SIDECAR: {
        delta_sidecar *s = &act->u.sidecar;
        BK_TRY(str_at(c, col->f.sidecar.path, row, "sidecar.path", true, &s->path));
        BK_TRY(i64_at(c, col->f.sidecar.size, row, "sidecar.sizeInBytes", false, &has,
                      &s->size_in_bytes));
        return i64_at(c, col->f.sidecar.mtime, row, "sidecar.modificationTime", false, &has,
                      &s->modification_time);
    }
    default:
        break;
    }
    return bk_error_set(c->err, BK_INTERNAL, "checkpoint column \"%s\" has no reader", col->key);
}

/* The action kind a checkpoint column holds, or -1 for columns to ignore. */
static int column_kind(const char *name) {
    static const struct {
        const char *name;
        delta_action_kind kind;
    } kinds[] = {
        {"add", DELTA_ACTION_ADD},
        {"remove", DELTA_ACTION_REMOVE},
        {"metaData", DELTA_ACTION_METADATA},
        {"protocol", DELTA_ACTION_PROTOCOL},
        {"txn", DELTA_ACTION_TXN},
        {"domainMetadata", DELTA_ACTION_DOMAIN_METADATA},
        {"checkpointMetadata", DELTA_ACTION_CHECKPOINT_METADATA},
        {"sidecar", DELTA_ACTION_SIDECAR},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].name, name) == 0) return (int)kinds[i].kind;
    return -1;
}

bk_status delta_actions_from_checkpoint(bk_arena *a, const char *name, bk_vector *const *cols,
                                        const char *const *names, uint32_t n_cols, size_t n_rows,
                                        delta_action_list *out, bk_error *err) {
    cctx c = {a, name ? name : "(memory)", err, 0};
    cp_col *known = bk_arena_array(a, n_cols ? n_cols : 1, sizeof *known);
    if (!known) return bk_arena_oom(a, err);
    uint32_t n_known = 0;
    for (uint32_t i = 0; i < n_cols; i++) {
        int kind = column_kind(names[i]);
        if (kind < 0) continue;
        const bk_vector *v = cols[i];
        if (v->type->kind != BK_TYPE_STRUCT) {
            char found[128];
            bk_type_format(v->type, found, sizeof found);
            return bk_error_set(err, BK_CORRUPT,
                                "checkpoint \"%s\": column \"%s\": expected a STRUCT, found %s",
                                c.name, names[i], found);
        }
        if (v->n < n_rows)
            return bk_error_set(err, BK_INTERNAL,
                                "checkpoint \"%s\": column \"%s\" has %zu rows, expected %zu",
                                c.name, names[i], v->n, n_rows);
        cp_col *col = &known[n_known++];
        memset(col, 0, sizeof *col);
        col->v = v;
        col->kind = (delta_action_kind)kind;
        col->key = names[i];
        BK_TRY(bind_column(&c, col));
    }
    size_t n_before = out->n;
    for (size_t row = 0; row < n_rows; row++) {
        c.row = row;
        for (uint32_t i = 0; i < n_known; i++) {
            if (!bk_vector_is_valid(known[i].v, row)) continue;
            delta_action act;
            bk_status st = read_row(&c, &known[i], row, &act);
            if (st == BK_OK) st = delta_action_list_push(a, out, &act, err);
            if (st != BK_OK) {
                out->n = n_before; /* all of the rows or nothing */
                return st;
            }
        }
    }
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Writing: the checkpoint's types
 * ------------------------------------------------------------------------------------------- */

/* Field positions in the types below; fill code indexes children by them. */
enum { TXN_APP_ID, TXN_VERSION, TXN_LAST_UPDATED, TXN_NF };
enum { DV_STORAGE, DV_PATH, DV_OFFSET, DV_SIZE, DV_CARD, DV_MAX_ROW, DV_NF };
enum {
    ADD_PATH,
    ADD_PV,
    ADD_SIZE,
    ADD_MTIME,
    ADD_DATA_CHANGE,
    ADD_TAGS,
    ADD_DV,
    ADD_BASE_ROW_ID,
    ADD_DRCV,
    ADD_CLUSTERING,
    ADD_STATS,
    ADD_NF
};
enum {
    RM_PATH,
    RM_DELETION_TS,
    RM_DATA_CHANGE,
    RM_EXTENDED,
    RM_PV,
    RM_SIZE,
    RM_DV,
    RM_BASE_ROW_ID,
    RM_DRCV,
    RM_NF
};
enum { FMT_PROVIDER, FMT_OPTIONS, FMT_NF };
enum {
    MD_ID,
    MD_NAME,
    MD_DESCRIPTION,
    MD_FORMAT,
    MD_SCHEMA,
    MD_PCOLS,
    MD_CONFIG,
    MD_CREATED,
    MD_NF
};
enum { PR_READER, PR_WRITER, PR_READER_FEATURES, PR_WRITER_FEATURES, PR_NF };
enum { DM_DOMAIN, DM_CONFIG, DM_REMOVED, DM_NF };
enum { CPM_VERSION, CPM_TAGS, CPM_NF };
enum { SC_PATH, SC_SIZE, SC_MTIME, SC_TAGS, SC_NF };

/* The top-level columns, in the order they are written. */
enum { COL_TXN, COL_ADD, COL_REMOVE, COL_METADATA, COL_PROTOCOL, COL_DOMAIN, COL_CPM, COL_SIDECAR };
#define N_COLS_MAX 8

static const char *const col_names[N_COLS_MAX] = {
    "txn",    "add", "remove", "metaData", "protocol", "domainMetadata", "checkpointMetadata",
    "sidecar"};

typedef struct cp_types {
    const bk_type *col[N_COLS_MAX];
} cp_types;

static const bk_type *make_struct(bk_arena *a, uint32_t n, const char *const *names,
                                  const bk_type *const *fields) {
    for (uint32_t i = 0; i < n; i++)
        if (!fields[i]) return NULL;
    return bk_type_make_struct(a, n, names, fields, NULL);
}

/* Spark's checkpoint schema (Delta 3.x), every field nullable.  false on OOM. */
static bool make_types(bk_arena *a, cp_types *t) {
    const bk_type *s = bk_type_scalar(BK_TYPE_STRING), *i64 = bk_type_scalar(BK_TYPE_BIGINT);
    const bk_type *i32 = bk_type_scalar(BK_TYPE_INT), *b = bk_type_scalar(BK_TYPE_BOOLEAN);
    const bk_type *map = bk_type_make_map(a, s, s), *arr = bk_type_make_array(a, s);

    static const char *const txn_n[TXN_NF] = {"appId", "version", "lastUpdated"};
    const bk_type *txn_f[TXN_NF] = {s, i64, i64};
    static const char *const dv_n[DV_NF] = {"storageType", "pathOrInlineDv", "offset",
                                            "sizeInBytes", "cardinality",    "maxRowIndex"};
    const bk_type *dv_f[DV_NF] = {s, s, i32, i32, i64, i64};
    const bk_type *dv = make_struct(a, DV_NF, dv_n, dv_f);
    static const char *const add_n[ADD_NF] = {
        "path", "partitionValues", "size",      "modificationTime",        "dataChange",
        "tags", "deletionVector",  "baseRowId", "defaultRowCommitVersion", "clusteringProvider",
        "stats"};
    const bk_type *add_f[ADD_NF] = {s, map, i64, i64, b, map, dv, i64, i64, s, s};
    static const char *const rm_n[RM_NF] = {
        "path", "deletionTimestamp", "dataChange", "extendedFileMetadata",   "partitionValues",
        "size", "deletionVector",    "baseRowId",  "defaultRowCommitVersion"};
    const bk_type *rm_f[RM_NF] = {s, i64, b, b, map, i64, dv, i64, i64};
    static const char *const fmt_n[FMT_NF] = {"provider", "options"};
    const bk_type *fmt_f[FMT_NF] = {s, map};
    static const char *const md_n[MD_NF] = {"id",
                                            "name",
                                            "description",
                                            "format",
                                            "schemaString",
                                            "partitionColumns",
                                            "configuration",
                                            "createdTime"};
    const bk_type *md_f[MD_NF] = {s, s, s, make_struct(a, FMT_NF, fmt_n, fmt_f), s, arr, map, i64};
    static const char *const pr_n[PR_NF] = {"minReaderVersion", "minWriterVersion",
                                            "readerFeatures", "writerFeatures"};
    const bk_type *pr_f[PR_NF] = {i32, i32, arr, arr};
    static const char *const dm_n[DM_NF] = {"domain", "configuration", "removed"};
    const bk_type *dm_f[DM_NF] = {s, s, b};
    static const char *const cpm_n[CPM_NF] = {"version", "tags"};
    const bk_type *cpm_f[CPM_NF] = {i64, map};
    static const char *const sc_n[SC_NF] = {"path", "sizeInBytes", "modificationTime", "tags"};
    const bk_type *sc_f[SC_NF] = {s, i64, i64, map};

    t->col[COL_TXN] = make_struct(a, TXN_NF, txn_n, txn_f);
    t->col[COL_ADD] = make_struct(a, ADD_NF, add_n, add_f);
    t->col[COL_REMOVE] = make_struct(a, RM_NF, rm_n, rm_f);
    t->col[COL_METADATA] = make_struct(a, MD_NF, md_n, md_f);
    t->col[COL_PROTOCOL] = make_struct(a, PR_NF, pr_n, pr_f);
    t->col[COL_DOMAIN] = make_struct(a, DM_NF, dm_n, dm_f);
    t->col[COL_CPM] = make_struct(a, CPM_NF, cpm_n, cpm_f);
    t->col[COL_SIDECAR] = make_struct(a, SC_NF, sc_n, sc_f);
    for (int i = 0; i < N_COLS_MAX; i++)
        if (!t->col[i]) return false;
    return true;
}

/* The column an action goes to, or -1 for the kinds a checkpoint leaves out. */
static int column_of(delta_action_kind kind) {
    switch (kind) {
    case DELTA_ACTION_TXN:
        return COL_TXN;
    case DELTA_ACTION_ADD:
        return COL_ADD;
    case DELTA_ACTION_REMOVE:
        return COL_REMOVE;
    case DELTA_ACTION_METADATA:
        return COL_METADATA;
    case DELTA_ACTION_PROTOCOL:
        return COL_PROTOCOL;
    case DELTA_ACTION_DOMAIN_METADATA:
        return COL_DOMAIN;
    case DELTA_ACTION_CHECKPOINT_METADATA:
        return COL_CPM;
    case DELTA_ACTION_SIDECAR:
        return COL_SIDECAR;
    case DELTA_ACTION_COMMIT_INFO:
    case DELTA_ACTION_CDC:
        break;
    }
    return -1;
}

/* ---------------------------------------------------------------------------------------------
 * Writing: setting values.  All return false on OOM (the arena says why).
 * ------------------------------------------------------------------------------------------- */

static bool set_null(bk_arena *a, bk_vector *v, size_t row) {
    if (bk_vector_ensure_validity(a, v) != BK_OK) return false;
    bk_validity_set(v->validity, row, false);
    return true;
}

static bool put_str(bk_arena *a, bk_vector *v, size_t row, const char *s) {
    if (!s) return set_null(a, v, row);
    size_t len = strlen(s);
    char *copy = bk_arena_memdup(a, s, len ? len : 1);
    if (!copy) return false;
    ((bk_str *)v->data)[row] = bk_str_make(copy, len);
    return true;
}

static bool put_i64(bk_arena *a, bk_vector *v, size_t row, bool has, int64_t x) {
    if (!has) return set_null(a, v, row);
    ((int64_t *)v->data)[row] = x;
    return true;
}

static bool put_i32(bk_arena *a, bk_vector *v, size_t row, bool has, int32_t x) {
    if (!has) return set_null(a, v, row);
    ((int32_t *)v->data)[row] = x;
    return true;
}

static bool put_bool(bk_vector *v, size_t row, bool x) {
    ((uint8_t *)v->data)[row] = x ? 1 : 0;
    return true;
}

/*
 * Pass 1 for a MAP or ARRAY child: row `row` will hold `count` entries (0 and
 * NULL when !has).  Offsets must be set for every row, in order.
 */
static bool size_list(bk_arena *a, bk_vector *list, size_t row, bool has, size_t count) {
    list->offsets[row + 1] = list->offsets[row] + (int64_t)(has ? count : 0);
    return has || set_null(a, list, row);
}

/* After pass 1: children with as many rows as the offsets reach. */
static bool alloc_list(bk_arena *a, bk_vector *list) {
    size_t total = (size_t)list->offsets[list->n];
    for (uint32_t i = 0; i < list->type->n_children; i++) {
        list->children[i] = bk_vector_make(a, list->type->children[i], total);
        if (!list->children[i]) return false;
    }
    return true;
}

/* Pass 2: the entries of a MAP row (sized in pass 1). */
static bool fill_kv(bk_arena *a, bk_vector *map, size_t row, const delta_kv *kv) {
    size_t at = (size_t)map->offsets[row];
    for (uint32_t i = 0; i < kv->n; i++) {
        if (!put_str(a, map->children[0], at + i, kv->keys[i])) return false;
        if (!put_str(a, map->children[1], at + i, kv->values[i])) return false;
    }
    return true;
}

static bool fill_arr(bk_arena *a, bk_vector *arr, size_t row, uint32_t n, const char **items) {
    size_t at = (size_t)arr->offsets[row];
    for (uint32_t i = 0; i < n; i++)
        if (!put_str(a, arr->children[0], at + i, items[i])) return false;
    return true;
}

/* Pass 1 over one row: size every list of every column (NULL for other columns). */
static bool size_row(bk_arena *a, bk_vector **cols, size_t row, const delta_action *act,
                     int col_idx) {
    static const delta_kv empty = {0, NULL, NULL};
    const delta_file_action *add = col_idx == COL_ADD ? &act->u.file : NULL;
    const delta_file_action *rm = col_idx == COL_REMOVE ? &act->u.file : NULL;
    const delta_metadata *md = col_idx == COL_METADATA ? &act->u.metadata : NULL;
    const delta_protocol *pr = col_idx == COL_PROTOCOL ? &act->u.protocol : NULL;
    bk_vector *c;
    bool ok = true;
    c = cols[COL_ADD];
    ok = ok && size_list(a, c->children[ADD_PV], row, add, add ? add->partition_values.n : 0);
    ok = ok && size_list(a, c->children[ADD_TAGS], row, add && add->tags.n, add ? add->tags.n : 0);
    c = cols[COL_REMOVE];
    ok = ok && size_list(a, c->children[RM_PV], row, rm, rm ? rm->partition_values.n : 0);
    c = cols[COL_METADATA];
    ok = ok && size_list(a, c->children[MD_FORMAT]->children[FMT_OPTIONS], row, md, 0);
    ok = ok && size_list(a, c->children[MD_PCOLS], row, md, md ? md->n_partition_columns : 0);
    ok = ok && size_list(a, c->children[MD_CONFIG], row, md, (md ? &md->configuration : &empty)->n);
    c = cols[COL_PROTOCOL];
    ok = ok && size_list(a, c->children[PR_READER_FEATURES], row, pr && pr->has_reader_features,
                         pr ? pr->n_reader_features : 0);
    ok = ok && size_list(a, c->children[PR_WRITER_FEATURES], row, pr && pr->has_writer_features,
                         pr ? pr->n_writer_features : 0);
    if (cols[COL_CPM]) ok = ok && size_list(a, cols[COL_CPM]->children[CPM_TAGS], row, false, 0);
    if (cols[COL_SIDECAR])
        ok = ok && size_list(a, cols[COL_SIDECAR]->children[SC_TAGS], row, false, 0);
    return ok;
}

static bool fill_dv(bk_arena *a, bk_vector *dv, size_t row, const delta_file_action *f) {
    if (!f->has_dv) return set_null(a, dv, row);
    const delta_dv_ref *d = &f->dv;
    char st[2] = {d->storage_type, '\0'};
    bk_vector **ch = dv->children;
    return put_str(a, ch[DV_STORAGE], row, st) &&
           put_str(a, ch[DV_PATH], row, d->path_or_inline_dv) &&
           put_i32(a, ch[DV_OFFSET], row, d->has_offset, d->offset) &&
           put_i32(a, ch[DV_SIZE], row, true, d->size_in_bytes) &&
           put_i64(a, ch[DV_CARD], row, true, d->cardinality) &&
           put_i64(a, ch[DV_MAX_ROW], row, d->has_max_row_index, d->max_row_index);
}

static bool fill_add(bk_arena *a, bk_vector *c, size_t row, const delta_file_action *f) {
    bk_vector **ch = c->children;
    return put_str(a, ch[ADD_PATH], row, f->path) &&
           fill_kv(a, ch[ADD_PV], row, &f->partition_values) &&
           put_i64(a, ch[ADD_SIZE], row, true, f->size) &&
           put_i64(a, ch[ADD_MTIME], row, true, f->modification_time) &&
           put_bool(ch[ADD_DATA_CHANGE], row, f->data_change) &&
           fill_kv(a, ch[ADD_TAGS], row, &f->tags) && fill_dv(a, ch[ADD_DV], row, f) &&
           put_i64(a, ch[ADD_BASE_ROW_ID], row, f->has_base_row_id, f->base_row_id) &&
           put_i64(a, ch[ADD_DRCV], row, f->has_default_row_commit_version,
                   f->default_row_commit_version) &&
           put_str(a, ch[ADD_CLUSTERING], row, f->clustering_provider) &&
           put_str(a, ch[ADD_STATS], row, f->stats);
}

static bool fill_remove(bk_arena *a, bk_vector *c, size_t row, const delta_file_action *f) {
    bk_vector **ch = c->children;
    return put_str(a, ch[RM_PATH], row, f->path) &&
           put_i64(a, ch[RM_DELETION_TS], row, f->has_deletion_timestamp, f->deletion_timestamp) &&
           put_bool(ch[RM_DATA_CHANGE], row, f->data_change) &&
           put_bool(ch[RM_EXTENDED], row, f->extended_file_metadata) &&
           fill_kv(a, ch[RM_PV], row, &f->partition_values) &&
           put_i64(a, ch[RM_SIZE], row, f->has_size, f->size) && fill_dv(a, ch[RM_DV], row, f) &&
           put_i64(a, ch[RM_BASE_ROW_ID], row, f->has_base_row_id, f->base_row_id) &&
           put_i64(a, ch[RM_DRCV], row, f->has_default_row_commit_version,
                   f->default_row_commit_version);
}

static bool fill_metadata(bk_arena *a, bk_vector *c, size_t row, const delta_metadata *m) {
    bk_vector **ch = c->children;
    bk_vector *fmt = ch[MD_FORMAT];
    return put_str(a, ch[MD_ID], row, m->id) && put_str(a, ch[MD_NAME], row, m->name) &&
           put_str(a, ch[MD_DESCRIPTION], row, m->description) &&
           put_str(a, fmt->children[FMT_PROVIDER], row,
                   m->format_provider ? m->format_provider : "parquet") &&
           put_str(a, ch[MD_SCHEMA], row, m->schema_string) &&
           fill_arr(a, ch[MD_PCOLS], row, m->n_partition_columns, m->partition_columns) &&
           fill_kv(a, ch[MD_CONFIG], row, &m->configuration) &&
           put_i64(a, ch[MD_CREATED], row, m->has_created_time, m->created_time);
}

static bool fill_protocol(bk_arena *a, bk_vector *c, size_t row, const delta_protocol *p) {
    bk_vector **ch = c->children;
    return put_i32(a, ch[PR_READER], row, true, p->min_reader_version) &&
           put_i32(a, ch[PR_WRITER], row, true, p->min_writer_version) &&
           fill_arr(a, ch[PR_READER_FEATURES], row, p->n_reader_features, p->reader_features) &&
           fill_arr(a, ch[PR_WRITER_FEATURES], row, p->n_writer_features, p->writer_features);
}

/* Pass 2 over one row: the action's column gets its values. */
static bool fill_row(bk_arena *a, bk_vector **cols, size_t row, const delta_action *act,
                     int col_idx) {
    bk_vector *c = cols[col_idx];
    bk_vector **ch = c->children;
    switch (col_idx) {
    case COL_TXN:
        return put_str(a, ch[TXN_APP_ID], row, act->u.txn.app_id) &&
               put_i64(a, ch[TXN_VERSION], row, true, act->u.txn.version) &&
               put_i64(a, ch[TXN_LAST_UPDATED], row, act->u.txn.has_last_updated,
                       act->u.txn.last_updated);
    case COL_ADD:
        return fill_add(a, c, row, &act->u.file);
    case COL_REMOVE:
        return fill_remove(a, c, row, &act->u.file);
    case COL_METADATA:
        return fill_metadata(a, c, row, &act->u.metadata);
    case COL_PROTOCOL:
        return fill_protocol(a, c, row, &act->u.protocol);
    case COL_DOMAIN:
        return put_str(a, ch[DM_DOMAIN], row, act->u.domain.domain) &&
               put_str(a, ch[DM_CONFIG], row, act->u.domain.configuration) &&
               put_bool(ch[DM_REMOVED], row, act->u.domain.removed);
    case COL_CPM:
        return put_i64(a, ch[CPM_VERSION], row, true, act->u.checkpoint_version);
    case COL_SIDECAR:
        return put_str(a, ch[SC_PATH], row, act->u.sidecar.path) &&
               put_i64(a, ch[SC_SIZE], row, true, act->u.sidecar.size_in_bytes) &&
               put_i64(a, ch[SC_MTIME], row, true, act->u.sidecar.modification_time);
    default:
        return true;
    }
}

bk_status delta_checkpoint_build(bk_arena *a, const delta_action *acts, size_t n,
                                 const bk_type **schema_out, bk_vector ***cols_out,
                                 uint32_t *n_cols_out, size_t *n_rows_out, bk_error *err) {
    cp_types t;
    if (!make_types(a, &t)) return bk_arena_oom(a, err);

    /* which rows go in, and which optional columns are needed */
    size_t n_rows = 0;
    bool used[N_COLS_MAX] = {true, true, true, true, true, false, false, false};
    for (size_t i = 0; i < n; i++) {
        int col = column_of(acts[i].kind);
        if (col < 0) continue;
        used[col] = true;
        n_rows++;
    }
    int *row_col = bk_arena_array(a, n_rows ? n_rows : 1, sizeof *row_col);
    const delta_action **row_act = bk_arena_array(a, n_rows ? n_rows : 1, sizeof *row_act);
    bk_vector **all = bk_arena_zalloc(a, N_COLS_MAX * sizeof *all);
    if (!row_col || !row_act || !all) return bk_arena_oom(a, err);
    for (size_t i = 0, row = 0; i < n; i++) {
        int col = column_of(acts[i].kind);
        if (col < 0) continue;
        row_col[row] = col;
        row_act[row++] = &acts[i];
    }

    /* one STRUCT vector per column, NULL on every row but its own actions' */
    for (int col = 0; col < N_COLS_MAX; col++) {
        if (!used[col]) continue;
        all[col] = bk_vector_make(a, t.col[col], n_rows);
        if (!all[col] || bk_vector_ensure_validity(a, all[col]) != BK_OK)
            return bk_arena_oom(a, err);
        for (size_t row = 0; row < n_rows; row++)
            if (row_col[row] != col) bk_validity_set(all[col]->validity, row, false);
    }

    /* pass 1: list sizes; then the list children; pass 2: values */
    for (size_t row = 0; row < n_rows; row++)
        if (!size_row(a, all, row, row_act[row], row_col[row])) return bk_arena_oom(a, err);
    bool ok = alloc_list(a, all[COL_ADD]->children[ADD_PV]) &&
              alloc_list(a, all[COL_ADD]->children[ADD_TAGS]) &&
              alloc_list(a, all[COL_REMOVE]->children[RM_PV]) &&
              alloc_list(a, all[COL_METADATA]->children[MD_FORMAT]->children[FMT_OPTIONS]) &&
              alloc_list(a, all[COL_METADATA]->children[MD_PCOLS]) &&
              alloc_list(a, all[COL_METADATA]->children[MD_CONFIG]) &&
              alloc_list(a, all[COL_PROTOCOL]->children[PR_READER_FEATURES]) &&
              alloc_list(a, all[COL_PROTOCOL]->children[PR_WRITER_FEATURES]);
    if (ok && all[COL_CPM]) ok = alloc_list(a, all[COL_CPM]->children[CPM_TAGS]);
    if (ok && all[COL_SIDECAR]) ok = alloc_list(a, all[COL_SIDECAR]->children[SC_TAGS]);
    for (size_t row = 0; ok && row < n_rows; row++)
        ok = fill_row(a, all, row, row_act[row], row_col[row]);
    if (!ok) return bk_arena_oom(a, err);

    /* the used columns, in order, and the schema that describes them */
    uint32_t n_cols = 0;
    const char *names[N_COLS_MAX];
    const bk_type *types[N_COLS_MAX];
    bk_vector **cols = bk_arena_array(a, N_COLS_MAX, sizeof *cols);
    if (!cols) return bk_arena_oom(a, err);
    for (int col = 0; col < N_COLS_MAX; col++) {
        if (!all[col]) continue;
        names[n_cols] = col_names[col];
        types[n_cols] = t.col[col];
        cols[n_cols++] = all[col];
    }
    const bk_type *schema = bk_type_make_struct(a, n_cols, names, types, NULL);
    if (!schema) return bk_arena_oom(a, err);
    *schema_out = schema;
    *cols_out = cols;
    *n_cols_out = n_cols;
    *n_rows_out = n_rows;
    return BK_OK;
}
