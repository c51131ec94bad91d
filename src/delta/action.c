/*
 * action.c — Delta log actions from newline-delimited JSON (commits, JSON
 * checkpoints, log compactions), and the small helpers on action lists.
 *
 * Each non-blank line is one JSON object parsed with jansson; each known key of
 * it (add, remove, metaData, protocol, txn, commitInfo, cdc, domainMetadata,
 * checkpointMetadata, sidecar) becomes one delta_action, in the order of the
 * keys.  Everything is copied into the caller's arena before the jansson tree is
 * freed, so the result outlives the text.
 *
 * Strict and lenient at once, the way the protocol asks readers to be:
 *   - a field of the wrong JSON type is BK_CORRUPT naming the file, the line, the
 *     field path (add.deletionVector.offset) and the value found;
 *   - unknown actions and unknown fields are ignored;
 *   - fields the protocol requires but that old writers (Delta 0.1-1.x) left out
 *     get defaults: add.modificationTime 0, dataChange true (false for cdc),
 *     metaData.format "parquet", partitionColumns [] and configuration {}, and
 *     schemaString the empty struct (as Spark reads a null one: some golden tables
 *     written by Spark's own tests have none);
 *     the fields nobody ever omitted stay required: add.path/size/partitionValues,
 *     remove.path, cdc.path/size, metaData.id,
 *     protocol.minReaderVersion/minWriterVersion, txn.appId/version, sidecar.path,
 *     checkpointMetadata.version, domainMetadata.domain/configuration/removed;
 *   - JSON null counts as absent (a null map value stays a NULL value).
 * commitInfo is free-form: only inCommitTimestamp is type-checked; a timestamp
 * or operation of another type is simply not extracted.
 */
#include "delta/action.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Where we are: the file and line that errors name. */
typedef struct jctx {
    bk_arena *a;
    const char *name;
    size_t line;
    bk_error *err;
} jctx;

/* ---------------------------------------------------------------------------------------------
 * Lists and maps
 * ------------------------------------------------------------------------------------------- */

const char *delta_kv_get(const delta_kv *kv, const char *key, bool *found) {
    for (uint32_t i = 0; i < kv->n; i++) {
        if (strcmp(kv->keys[i], key) == 0) {
            if (found) *found = true;
            return kv->values[i];
        }
    }
    if (found) *found = false;
    return NULL;
}

bk_status delta_action_list_push(bk_arena *a, delta_action_list *l, const delta_action *act,
                                 bk_error *err) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        delta_action *items = bk_arena_array(a, cap, sizeof *items);
        if (!items) return bk_arena_oom(a, err);
        if (l->n) memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = *act;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------------- */

/* BK_CORRUPT: `delta log "NAME": line N: FIELD: <fmt>`. */
static bk_status BK_PRINTF(3, 4) corrupt(jctx *c, const char *field, const char *fmt, ...) {
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return bk_error_set(c->err, BK_CORRUPT, "delta log \"%s\": line %zu: %s: %s", c->name, c->line,
                        field, what);
}

/* A short description of a JSON value for messages: `string "12"`, `integer 7`. */
static void describe(const json_t *v, char *dst, size_t cap) {
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        snprintf(dst, cap, "an object");
        break;
    case JSON_ARRAY:
        snprintf(dst, cap, "an array");
        break;
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v), shown = BK_MIN(len, 40);
        while (shown < len && shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80) shown--;
        snprintf(dst, cap, "string \"%.*s%s\"", (int)shown, s, shown < len ? "..." : "");
        break;
    }
    case JSON_INTEGER:
        snprintf(dst, cap, "integer %lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(dst, cap, "number %.17g", json_real_value(v));
        break;
    case JSON_TRUE:
        snprintf(dst, cap, "true");
        break;
    case JSON_FALSE:
        snprintf(dst, cap, "false");
        break;
    case JSON_NULL:
        snprintf(dst, cap, "null");
        break;
    }
}

static bk_status wrong_type(jctx *c, const char *field, const char *expected, const json_t *v) {
    char found[80];
    describe(v, found, sizeof found);
    return corrupt(c, field, "expected %s, found %s", expected, found);
}

static bk_status missing(jctx *c, const char *field) {
    return corrupt(c, field, "required field is missing");
}

/* ---------------------------------------------------------------------------------------------
 * Typed field access.  Each takes the parent object, the key, and the dotted
 * field path used in messages; an absent key or JSON null is "absent".
 * ------------------------------------------------------------------------------------------- */

/* The value of `key`, or NULL when absent or null. */
static json_t *member(json_t *obj, const char *key) {
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v) ? v : NULL;
}

static bk_status copy_string(jctx *c, const json_t *v, const char **out) {
    char *s = bk_arena_strndup(c->a, json_string_value(v), json_string_length(v));
    if (!s) return bk_arena_oom(c->a, c->err);
    *out = s;
    return BK_OK;
}

/* A string field; *out = NULL when absent (an error when `required`). */
static bk_status get_string(jctx *c, json_t *obj, const char *key, const char *field, bool required,
                            const char **out) {
    json_t *v = member(obj, key);
    *out = NULL;
    if (!v) return required ? missing(c, field) : BK_OK;
    if (!json_is_string(v)) return wrong_type(c, field, "a string", v);
    return copy_string(c, v, out);
}

/* An integer field (Long); *has = false when absent (an error when `required`). */
static bk_status get_i64(jctx *c, json_t *obj, const char *key, const char *field, bool required,
                         bool *has, int64_t *out) {
    json_t *v = member(obj, key);
    *has = v != NULL;
    if (!v) return required ? missing(c, field) : BK_OK;
    if (!json_is_integer(v)) return wrong_type(c, field, "an integer", v);
    *out = (int64_t)json_integer_value(v);
    return BK_OK;
}

/* An Int field: an integer within int32. */
static bk_status get_i32(jctx *c, json_t *obj, const char *key, const char *field, bool required,
                         bool *has, int32_t *out) {
    int64_t v = 0;
    BK_TRY(get_i64(c, obj, key, field, required, has, &v));
    if (!*has) return BK_OK;
    if (v < INT32_MIN || v > INT32_MAX)
        return corrupt(c, field, "value %lld does not fit a 32-bit integer", (long long)v);
    *out = (int32_t)v;
    return BK_OK;
}

static bk_status get_bool(jctx *c, json_t *obj, const char *key, const char *field, bool required,
                          bool *has, bool *out) {
    json_t *v = member(obj, key);
    *has = v != NULL;
    if (!v) return required ? missing(c, field) : BK_OK;
    if (!json_is_boolean(v)) return wrong_type(c, field, "true or false", v);
    *out = json_is_true(v);
    return BK_OK;
}

/* A Map[String, String]; values may be JSON null.  Absent gives an empty map. */
static bk_status get_kv(jctx *c, json_t *obj, const char *key, const char *field, bool required,
                        delta_kv *out) {
    json_t *v = member(obj, key);
    memset(out, 0, sizeof *out);
    if (!v) return required ? missing(c, field) : BK_OK;
    if (!json_is_object(v)) return wrong_type(c, field, "an object of strings", v);
    size_t n = json_object_size(v);
    if (n == 0) return BK_OK;
    if (n > UINT32_MAX) return corrupt(c, field, "too many entries (%zu)", n);
    out->keys = bk_arena_array(c->a, n, sizeof *out->keys);
    out->values = bk_arena_array(c->a, n, sizeof *out->values);
    if (!out->keys || !out->values) return bk_arena_oom(c->a, c->err);
    const char *k;
    json_t *val;
    uint32_t i = 0;
    json_object_foreach(v, k, val) {
        if (!json_is_null(val) && !json_is_string(val)) {
            char sub[192];
            snprintf(sub, sizeof sub, "%s.%s", field, k);
            return wrong_type(c, sub, "a string or null", val);
        }
        out->keys[i] = bk_arena_strdup(c->a, k);
        if (!out->keys[i]) return bk_arena_oom(c->a, c->err);
        out->values[i] = NULL;
        if (json_is_string(val)) BK_TRY(copy_string(c, val, &out->values[i]));
        i++;
    }
    out->n = i;
    return BK_OK;
}

/* An Array[String]; *has = false when absent.  Elements must be strings. */
static bk_status get_str_array(jctx *c, json_t *obj, const char *key, const char *field, bool *has,
                               uint32_t *n_out, const char ***out) {
    json_t *v = member(obj, key);
    *has = v != NULL;
    *n_out = 0;
    *out = NULL;
    if (!v) return BK_OK;
    if (!json_is_array(v)) return wrong_type(c, field, "an array of strings", v);
    size_t n = json_array_size(v);
    if (n > UINT32_MAX) return corrupt(c, field, "too many entries (%zu)", n);
    const char **items = bk_arena_array(c->a, n ? n : 1, sizeof *items);
    if (!items) return bk_arena_oom(c->a, c->err);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_string(e)) {
            char sub[160];
            snprintf(sub, sizeof sub, "%s[%zu]", field, i);
            return wrong_type(c, sub, "a string", e);
        }
        BK_TRY(copy_string(c, e, &items[i]));
    }
    *n_out = (uint32_t)n;
    *out = items;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * One parser per action.  `prefix` is the action's key ("add", "remove", ...).
 * ------------------------------------------------------------------------------------------- */

/* deletionVector: PROTOCOL.md "Deletion Vector Descriptor Schema" (+ maxRowIndex). */
static bk_status parse_dv(jctx *c, json_t *o, const char *prefix, delta_dv_ref *dv) {
    char f[96];
    bool has;
    const char *st;
    snprintf(f, sizeof f, "%s.deletionVector.storageType", prefix);
    BK_TRY(get_string(c, o, "storageType", f, true, &st));
    if (strlen(st) != 1 || !strchr("uip", st[0]))
        return corrupt(c, f, "expected \"u\", \"i\" or \"p\", found \"%.20s\"", st);
    dv->storage_type = st[0];
    snprintf(f, sizeof f, "%s.deletionVector.pathOrInlineDv", prefix);
    BK_TRY(get_string(c, o, "pathOrInlineDv", f, true, &dv->path_or_inline_dv));
    snprintf(f, sizeof f, "%s.deletionVector.offset", prefix);
    BK_TRY(get_i32(c, o, "offset", f, false, &dv->has_offset, &dv->offset));
    snprintf(f, sizeof f, "%s.deletionVector.sizeInBytes", prefix);
    BK_TRY(get_i32(c, o, "sizeInBytes", f, true, &has, &dv->size_in_bytes));
    snprintf(f, sizeof f, "%s.deletionVector.cardinality", prefix);
    BK_TRY(get_i64(c, o, "cardinality", f, true, &has, &dv->cardinality));
    snprintf(f, sizeof f, "%s.deletionVector.maxRowIndex", prefix);
    BK_TRY(get_i64(c, o, "maxRowIndex", f, false, &dv->has_max_row_index, &dv->max_row_index));
    return BK_OK;
}

/* add, remove and cdc. */
static bk_status parse_file(jctx *c, json_t *o, delta_action_kind kind, const char *prefix,
                            delta_file_action *f) {
    char field[64];
    bool has, is_add = kind == DELTA_ACTION_ADD, is_remove = kind == DELTA_ACTION_REMOVE;
#define F(name) (snprintf(field, sizeof field, "%s.%s", prefix, name), field)
    BK_TRY(get_string(c, o, "path", F("path"), true, &f->path));
    f->path_decoded = delta_path_decode(c->a, f->path);
    if (!f->path_decoded) {
        if (bk_arena_failed(c->a)) return bk_arena_oom(c->a, c->err);
        return corrupt(c, F("path"), "bad percent-escape in \"%.200s\"", f->path);
    }
    BK_TRY(get_kv(c, o, "partitionValues", F("partitionValues"), !is_remove, &f->partition_values));
    BK_TRY(get_i64(c, o, "size", F("size"), !is_remove, &f->has_size, &f->size));
    if (!f->has_size) f->size = -1;
    BK_TRY(get_i64(c, o, "modificationTime", F("modificationTime"), false, &has,
                   &f->modification_time));
    f->data_change = kind != DELTA_ACTION_CDC;
    BK_TRY(get_bool(c, o, "dataChange", F("dataChange"), false, &has, &f->data_change));
    BK_TRY(get_string(c, o, "stats", F("stats"), false, &f->stats));
    BK_TRY(get_kv(c, o, "tags", F("tags"), false, &f->tags));
    json_t *dv = member(o, "deletionVector");
    if (dv) {
        if (!json_is_object(dv)) return wrong_type(c, F("deletionVector"), "an object", dv);
        BK_TRY(parse_dv(c, dv, prefix, &f->dv));
        f->has_dv = true;
    }
    BK_TRY(get_i64(c, o, "baseRowId", F("baseRowId"), false, &f->has_base_row_id, &f->base_row_id));
    BK_TRY(get_i64(c, o, "defaultRowCommitVersion", F("defaultRowCommitVersion"), false,
                   &f->has_default_row_commit_version, &f->default_row_commit_version));
    if (is_add)
        BK_TRY(get_string(c, o, "clusteringProvider", F("clusteringProvider"), false,
                          &f->clustering_provider));
    if (is_remove) {
        BK_TRY(get_i64(c, o, "deletionTimestamp", F("deletionTimestamp"), false,
                       &f->has_deletion_timestamp, &f->deletion_timestamp));
        BK_TRY(get_bool(c, o, "extendedFileMetadata", F("extendedFileMetadata"), false, &has,
                        &f->extended_file_metadata));
    }
#undef F
    return BK_OK;
}

static bk_status parse_metadata(jctx *c, json_t *o, delta_metadata *m) {
    bool has;
    BK_TRY(get_string(c, o, "id", "metaData.id", true, &m->id));
    BK_TRY(get_string(c, o, "name", "metaData.name", false, &m->name));
    BK_TRY(get_string(c, o, "description", "metaData.description", false, &m->description));
    m->format_provider = "parquet";
    json_t *fmt = member(o, "format");
    if (fmt) {
        if (!json_is_object(fmt)) return wrong_type(c, "metaData.format", "an object", fmt);
        const char *provider;
        BK_TRY(get_string(c, fmt, "provider", "metaData.format.provider", false, &provider));
        if (provider) m->format_provider = provider;
    }
    BK_TRY(get_string(c, o, "schemaString", "metaData.schemaString", false, &m->schema_string));
    if (!m->schema_string) m->schema_string = DELTA_EMPTY_SCHEMA;
    BK_TRY(get_str_array(c, o, "partitionColumns", "metaData.partitionColumns", &has,
                         &m->n_partition_columns, &m->partition_columns));
    BK_TRY(get_kv(c, o, "configuration", "metaData.configuration", false, &m->configuration));
    BK_TRY(get_i64(c, o, "createdTime", "metaData.createdTime", false, &m->has_created_time,
                   &m->created_time));
    return BK_OK;
}

static bk_status parse_protocol(jctx *c, json_t *o, delta_protocol *p) {
    bool has;
    BK_TRY(get_i32(c, o, "minReaderVersion", "protocol.minReaderVersion", true, &has,
                   &p->min_reader_version));
    BK_TRY(get_i32(c, o, "minWriterVersion", "protocol.minWriterVersion", true, &has,
                   &p->min_writer_version));
    BK_TRY(get_str_array(c, o, "readerFeatures", "protocol.readerFeatures", &p->has_reader_features,
                         &p->n_reader_features, &p->reader_features));
    BK_TRY(get_str_array(c, o, "writerFeatures", "protocol.writerFeatures", &p->has_writer_features,
                         &p->n_writer_features, &p->writer_features));
    return BK_OK;
}

static bk_status parse_txn(jctx *c, json_t *o, delta_txn *t) {
    bool has;
    BK_TRY(get_string(c, o, "appId", "txn.appId", true, &t->app_id));
    BK_TRY(get_i64(c, o, "version", "txn.version", true, &has, &t->version));
    BK_TRY(get_i64(c, o, "lastUpdated", "txn.lastUpdated", false, &t->has_last_updated,
                   &t->last_updated));
    return BK_OK;
}

/*
 * commitInfo: the object re-serialised compactly (jansson keeps the keys in the
 * order they were read), plus the few fields Bricks looks at.
 */
static bk_status parse_commit_info(jctx *c, json_t *o, delta_commit_info *ci) {
    size_t len = json_dumpb(o, NULL, 0, JSON_COMPACT);
    if (len == 0) return corrupt(c, "commitInfo", "could not serialise the object");
    char *json = bk_arena_alloc(c->a, len + 1);
    if (!json) return bk_arena_oom(c->a, c->err);
    if (json_dumpb(o, json, len, JSON_COMPACT) != len)
        return corrupt(c, "commitInfo", "could not serialise the object");
    json[len] = '\0';
    ci->json = json;
    json_t *ts = member(o, "timestamp");
    if (ts && json_is_integer(ts)) {
        ci->has_timestamp = true;
        ci->timestamp = (int64_t)json_integer_value(ts);
    }
    BK_TRY(get_i64(c, o, "inCommitTimestamp", "commitInfo.inCommitTimestamp", false,
                   &ci->has_in_commit_timestamp, &ci->in_commit_timestamp));
    json_t *op = member(o, "operation");
    if (op && json_is_string(op)) BK_TRY(copy_string(c, op, &ci->operation));
    return BK_OK;
}

static bk_status parse_domain(jctx *c, json_t *o, delta_domain_metadata *d) {
    bool has;
    BK_TRY(get_string(c, o, "domain", "domainMetadata.domain", true, &d->domain));
    BK_TRY(
        get_string(c, o, "configuration", "domainMetadata.configuration", true, &d->configuration));
    BK_TRY(get_bool(c, o, "removed", "domainMetadata.removed", true, &has, &d->removed));
    return BK_OK;
}

static bk_status parse_sidecar(jctx *c, json_t *o, delta_sidecar *s) {
    bool has;
    BK_TRY(get_string(c, o, "path", "sidecar.path", true, &s->path));
    BK_TRY(get_i64(c, o, "sizeInBytes", "sidecar.sizeInBytes", false, &has, &s->size_in_bytes));
    BK_TRY(get_i64(c, o, "modificationTime", "sidecar.modificationTime", false, &has,
                   &s->modification_time));
    return BK_OK;
}

/* The action kind of a top-level key, or -1 for keys we ignore. */
static int action_kind_of(const char *key) {
    static const struct {
        const char *key;
        delta_action_kind kind;
    } kinds[] = {
        {"add", DELTA_ACTION_ADD},
        {"remove", DELTA_ACTION_REMOVE},
        {"metaData", DELTA_ACTION_METADATA},
        {"protocol", DELTA_ACTION_PROTOCOL},
        {"txn", DELTA_ACTION_TXN},
        {"commitInfo", DELTA_ACTION_COMMIT_INFO},
        {"cdc", DELTA_ACTION_CDC},
        {"domainMetadata", DELTA_ACTION_DOMAIN_METADATA},
        {"checkpointMetadata", DELTA_ACTION_CHECKPOINT_METADATA},
        {"sidecar", DELTA_ACTION_SIDECAR},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].key, key) == 0) return (int)kinds[i].kind;
    return -1;
}

/* One action object `o` found under `key` (of kind `kind`) into `act`. */
static bk_status parse_action(jctx *c, const char *key, delta_action_kind kind, json_t *o,
                              delta_action *act) {
    bool has;
    memset(act, 0, sizeof *act);
    act->kind = kind;
    switch (kind) {
    case DELTA_ACTION_ADD:
    case DELTA_ACTION_REMOVE:
    case DELTA_ACTION_CDC:
        return parse_file(c, o, kind, key, &act->u.file);
    case DELTA_ACTION_METADATA:
        return parse_metadata(c, o, &act->u.metadata);
    case DELTA_ACTION_PROTOCOL:
        return parse_protocol(c, o, &act->u.protocol);
    case DELTA_ACTION_TXN:
        return parse_txn(c, o, &act->u.txn);
    case DELTA_ACTION_COMMIT_INFO:
        return parse_commit_info(c, o, &act->u.commit_info);
    case DELTA_ACTION_DOMAIN_METADATA:
        return parse_domain(c, o, &act->u.domain);
    case DELTA_ACTION_CHECKPOINT_METADATA:
        return get_i64(c, o, "version", "checkpointMetadata.version", true, &has,
                       &act->u.checkpoint_version);
    case DELTA_ACTION_SIDECAR:
        return parse_sidecar(c, o, &act->u.sidecar);
    }
    return bk_error_set(c->err, BK_INTERNAL, "unknown delta action kind %d", (int)kind);
}

/* Parse one line (not blank) and append its actions. */
static bk_status parse_line(jctx *c, const char *line, size_t len, delta_action_list *out) {
    json_error_t jerr;
    json_t *root = json_loadb(line, len, 0, &jerr);
    if (!root)
        return bk_error_set(c->err, BK_CORRUPT,
                            "delta log \"%s\": line %zu: invalid JSON at column %d: %s", c->name,
                            c->line, jerr.column, jerr.text);
    bk_status st = BK_OK;
    if (!json_is_object(root)) {
        char found[80];
        describe(root, found, sizeof found);
        st = bk_error_set(c->err, BK_CORRUPT,
                          "delta log \"%s\": line %zu: expected a JSON object, found %s", c->name,
                          c->line, found);
    }
    const char *key;
    json_t *val;
    if (st == BK_OK) {
        json_object_foreach(root, key, val) {
            int kind = action_kind_of(key);
            if (kind < 0 || json_is_null(val)) continue;
            if (!json_is_object(val)) {
                st = wrong_type(c, key, "an object", val);
                break;
            }
            delta_action act;
            st = parse_action(c, key, (delta_action_kind)kind, val, &act);
            if (st == BK_OK) st = delta_action_list_push(c->a, out, &act, c->err);
            if (st != BK_OK) break;
        }
    }
    json_decref(root);
    return st;
}

static bool is_blank(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
    return true;
}

bk_status delta_actions_parse_json(bk_arena *a, const char *name, const char *text, size_t len,
                                   delta_action_list *out, bk_error *err) {
    jctx c = {a, name ? name : "(memory)", 0, err};
    size_t pos = 0, n_before = out->n;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        c.line++;
        if (!is_blank(text + pos, end - pos)) {
            bk_status st = parse_line(&c, text + pos, end - pos, out);
            if (st != BK_OK) {
                out->n = n_before; /* all of the file or nothing */
                return st;
            }
        }
        pos = end + 1;
    }
    return BK_OK;
}
