/*
 * action_write.c — one delta_action as one line of a commit file.
 *
 * A small hand-written JSON writer rather than a jansson tree: the field order
 * must be the one Spark writes (readers do not care, but people diff logs), the
 * commitInfo goes out verbatim, and building a tree per action would cost more
 * than the action itself.  Numbers are integers only; strings are escaped the
 * way Jackson does (quote, backslash and control characters; everything else,
 * non-ASCII included, as it is), after checking they are valid UTF-8, so the
 * line is always valid JSON.  Optional fields are written only when present.
 */
#include "delta/action.h"
#include "delta/json.h"

#include <inttypes.h>
#include <string.h>

/* The output line and the first failure; writers below check `st` once at the end. */
typedef struct jw {
    bk_buf *b;
    bk_status st;
    const char *bad_field; /* the string field that was NULL or not valid UTF-8 */
    const char *bad_why;   /* "is missing" or "is not valid UTF-8" */
    bool first;            /* no member written yet in the current object */
} jw;

static void raw(jw *w, const char *s, size_t n) {
    if (w->st == BK_OK) w->st = bk_buf_append(w->b, s, n);
}

static void lit(jw *w, const char *s) { raw(w, s, strlen(s)); }

/* Length of the valid UTF-8 sequence at s (of n bytes left), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return len;
}

/* A JSON string literal; `field` names it if it is not valid UTF-8. */
static void str(jw *w, const char *s, const char *field) {
    if (w->st != BK_OK) return;
    if (!s) {
        w->st = BK_INVALID_ARGUMENT;
        w->bad_field = field;
        w->bad_why = "is missing";
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), start = 0;
    lit(w, "\"");
    for (size_t i = 0; i < n && w->st == BK_OK;) {
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t k = utf8_len(p + i, n - i);
            if (k == 0) {
                w->st = BK_INVALID_ARGUMENT;
                w->bad_field = field;
                w->bad_why = "is not valid UTF-8";
                return;
            }
            i += k;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        raw(w, s + start, i - start);
        char esc[6];
        size_t esc_len = delta_json_escape_byte(c, esc);
        raw(w, esc, esc_len);
        start = ++i;
    }
    raw(w, s + start, n - start);
    lit(w, "\"");
}

/* The comma before a member or element, when it is not the first. */
static void comma(jw *w) {
    if (!w->first) lit(w, ",");
    w->first = false;
}

/* `"key":` for one of our own field names (plain ASCII, nothing to escape). */
static void key(jw *w, const char *k) {
    comma(w);
    lit(w, "\"");
    lit(w, k);
    lit(w, "\":");
}

static void open_obj(jw *w, const char *k) {
    if (k) key(w, k);
    lit(w, "{");
    w->first = true;
}

static void close_obj(jw *w) {
    lit(w, "}");
    w->first = false;
}

static void f_str(jw *w, const char *k, const char *v) {
    key(w, k);
    str(w, v, k);
}

static void f_i64(jw *w, const char *k, int64_t v) {
    key(w, k);
    if (w->st == BK_OK) w->st = bk_buf_printf(w->b, "%" PRId64, v);
}

static void f_bool(jw *w, const char *k, bool v) {
    key(w, k);
    lit(w, v ? "true" : "false");
}

static void f_kv(jw *w, const char *k, const delta_kv *kv) {
    open_obj(w, k);
    for (uint32_t i = 0; i < kv->n; i++) {
        comma(w);
        str(w, kv->keys[i], k);
        lit(w, ":");
        if (kv->values[i])
            str(w, kv->values[i], k);
        else
            lit(w, "null");
    }
    close_obj(w);
}

static void f_str_array(jw *w, const char *k, uint32_t n, const char *const *items) {
    key(w, k);
    lit(w, "[");
    for (uint32_t i = 0; i < n; i++) {
        if (i) lit(w, ",");
        str(w, items[i], k);
    }
    lit(w, "]");
}

static void write_dv(jw *w, const delta_dv_ref *dv) {
    char st[2] = {dv->storage_type, '\0'};
    open_obj(w, "deletionVector");
    f_str(w, "storageType", st);
    f_str(w, "pathOrInlineDv", dv->path_or_inline_dv);
    if (dv->has_offset) f_i64(w, "offset", dv->offset);
    f_i64(w, "sizeInBytes", dv->size_in_bytes);
    f_i64(w, "cardinality", dv->cardinality);
    if (dv->has_max_row_index) f_i64(w, "maxRowIndex", dv->max_row_index);
    close_obj(w);
}

/* Spark's AddFile order: path, partitionValues, size, modificationTime, dataChange, stats, ... */
static void write_add(jw *w, const delta_file_action *f) {
    f_str(w, "path", f->path);
    f_kv(w, "partitionValues", &f->partition_values);
    f_i64(w, "size", f->size);
    f_i64(w, "modificationTime", f->modification_time);
    f_bool(w, "dataChange", f->data_change);
    if (f->stats) f_str(w, "stats", f->stats);
    if (f->tags.n) f_kv(w, "tags", &f->tags);
    if (f->has_dv) write_dv(w, &f->dv);
    if (f->has_base_row_id) f_i64(w, "baseRowId", f->base_row_id);
    if (f->has_default_row_commit_version)
        f_i64(w, "defaultRowCommitVersion", f->default_row_commit_version);
    if (f->clustering_provider) f_str(w, "clusteringProvider", f->clustering_provider);
}

/* Spark's RemoveFile order: path, deletionTimestamp, dataChange, extendedFileMetadata, ... */
static void write_remove(jw *w, const delta_file_action *f) {
    f_str(w, "path", f->path);
    if (f->has_deletion_timestamp) f_i64(w, "deletionTimestamp", f->deletion_timestamp);
    f_bool(w, "dataChange", f->data_change);
    if (f->extended_file_metadata) f_bool(w, "extendedFileMetadata", true);
    if (f->extended_file_metadata || f->partition_values.n)
        f_kv(w, "partitionValues", &f->partition_values);
    if (f->has_size) f_i64(w, "size", f->size);
    if (f->tags.n) f_kv(w, "tags", &f->tags);
    if (f->has_dv) write_dv(w, &f->dv);
    if (f->has_base_row_id) f_i64(w, "baseRowId", f->base_row_id);
    if (f->has_default_row_commit_version)
        f_i64(w, "defaultRowCommitVersion", f->default_row_commit_version);
    if (f->stats) f_str(w, "stats", f->stats);
}

static void write_cdc(jw *w, const delta_file_action *f) {
    f_str(w, "path", f->path);
    f_kv(w, "partitionValues", &f->partition_values);
    f_i64(w, "size", f->size);
    f_bool(w, "dataChange", f->data_change);
    if (f->tags.n) f_kv(w, "tags", &f->tags);
}

static void write_metadata(jw *w, const delta_metadata *m) {
    f_str(w, "id", m->id);
    if (m->name) f_str(w, "name", m->name);
    if (m->description) f_str(w, "description", m->description);
    open_obj(w, "format");
    f_str(w, "provider", m->format_provider ? m->format_provider : "parquet");
    key(w, "options");
    lit(w, "{}");
    close_obj(w);
    f_str(w, "schemaString", m->schema_string);
    f_str_array(w, "partitionColumns", m->n_partition_columns, m->partition_columns);
    f_kv(w, "configuration", &m->configuration);
    if (m->has_created_time) f_i64(w, "createdTime", m->created_time);
}

static void write_protocol(jw *w, const delta_protocol *p) {
    f_i64(w, "minReaderVersion", p->min_reader_version);
    f_i64(w, "minWriterVersion", p->min_writer_version);
    if (p->has_reader_features)
        f_str_array(w, "readerFeatures", p->n_reader_features, p->reader_features);
    if (p->has_writer_features)
        f_str_array(w, "writerFeatures", p->n_writer_features, p->writer_features);
}

/* The JSON key of an action kind. */
static const char *kind_key(delta_action_kind kind) {
    switch (kind) {
    case DELTA_ACTION_PROTOCOL:
        return "protocol";
    case DELTA_ACTION_METADATA:
        return "metaData";
    case DELTA_ACTION_ADD:
        return "add";
    case DELTA_ACTION_REMOVE:
        return "remove";
    case DELTA_ACTION_TXN:
        return "txn";
    case DELTA_ACTION_COMMIT_INFO:
        return "commitInfo";
    case DELTA_ACTION_CDC:
        return "cdc";
    case DELTA_ACTION_DOMAIN_METADATA:
        return "domainMetadata";
    case DELTA_ACTION_CHECKPOINT_METADATA:
        return "checkpointMetadata";
    case DELTA_ACTION_SIDECAR:
        return "sidecar";
    }
    return "?";
}

bk_status delta_action_write_json(const delta_action *act, bk_buf *out, bk_error *err) {
    size_t start = out->len;
    jw w = {out, BK_OK, NULL, NULL, true};
    lit(&w, "{");
    switch (act->kind) {
    case DELTA_ACTION_PROTOCOL:
        open_obj(&w, "protocol");
        write_protocol(&w, &act->u.protocol);
        break;
    case DELTA_ACTION_METADATA:
        open_obj(&w, "metaData");
        write_metadata(&w, &act->u.metadata);
        break;
    case DELTA_ACTION_ADD:
        open_obj(&w, "add");
        write_add(&w, &act->u.file);
        break;
    case DELTA_ACTION_REMOVE:
        open_obj(&w, "remove");
        write_remove(&w, &act->u.file);
        break;
    case DELTA_ACTION_CDC:
        open_obj(&w, "cdc");
        write_cdc(&w, &act->u.file);
        break;
    case DELTA_ACTION_TXN:
        open_obj(&w, "txn");
        f_str(&w, "appId", act->u.txn.app_id);
        f_i64(&w, "version", act->u.txn.version);
        if (act->u.txn.has_last_updated) f_i64(&w, "lastUpdated", act->u.txn.last_updated);
        break;
    case DELTA_ACTION_COMMIT_INFO:
        /* the object as it was read (or built by the committer): verbatim */
        key(&w, "commitInfo");
        lit(&w, act->u.commit_info.json ? act->u.commit_info.json : "{}");
        lit(&w, "}\n");
        goto done;
    case DELTA_ACTION_DOMAIN_METADATA:
        open_obj(&w, "domainMetadata");
        f_str(&w, "domain", act->u.domain.domain);
        f_str(&w, "configuration", act->u.domain.configuration);
        f_bool(&w, "removed", act->u.domain.removed);
        break;
    case DELTA_ACTION_CHECKPOINT_METADATA:
        open_obj(&w, "checkpointMetadata");
        f_i64(&w, "version", act->u.checkpoint_version);
        break;
    case DELTA_ACTION_SIDECAR:
        open_obj(&w, "sidecar");
        f_str(&w, "path", act->u.sidecar.path);
        f_i64(&w, "sizeInBytes", act->u.sidecar.size_in_bytes);
        f_i64(&w, "modificationTime", act->u.sidecar.modification_time);
        break;
    default:
        out->len = start;
        return bk_error_set(err, BK_INTERNAL, "unknown delta action kind %d", (int)act->kind);
    }
    lit(&w, "}}\n");
done:
    if (w.st == BK_OK) return BK_OK;
    out->len = start;
    if (w.st == BK_INVALID_ARGUMENT)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "could not write delta action \"%s\": field \"%s\" %s",
                            kind_key(act->kind), w.bad_field ? w.bad_field : "?",
                            w.bad_why ? w.bad_why : "is invalid");
    return bk_error_set(err, w.st, "could not write delta action \"%s\": out of memory",
                        kind_key(act->kind));
}
