/*
 * action.c — Delta log actions from newline-delimited JSON (commits, JSON
 * checkpoints, log compactions), and the small helpers on action lists.
 *
 * Each non-blank line is one JSON object; each known key of it (add, remove,
 * metaData, protocol, txn, commitInfo, cdc, domainMetadata, checkpointMetadata,
 * sidecar) becomes one delta_action, in the order of the keys.  Everything is
 * copied into the caller's arena, so the result outlives the text.
 *
 * A line is read in two steps, without a JSON tree (json_scan.h):
 *
 *   1. index: one pass over the line validates all of it and, for each known
 *      action key, records where the action's known fields are (a slot per
 *      field name: a type and a byte span).  Unknown keys and fields are only
 *      validated.  A repeated key keeps its first position and its last value,
 *      as jansson did.
 *   2. decode: the actions are built from their slots, field by field in a
 *      fixed order, so that of several problems the same one is reported as
 *      before; strings are unescaped straight into the arena.
 *
 * Strict and lenient at once, the way the protocol asks readers to be:
 *   - a line that is not valid JSON is BK_CORRUPT with jansson's own message
 *     and column (the line is handed to json_loadb only then, to get them);
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
 * or operation of another type is simply not extracted.  Its `json` is the
 * object re-serialised compactly, exactly as jansson's json_dumpb wrote it
 * (delta_jscan_compact).
 */
#include "delta/action.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/hash.h"
#include "delta/json_scan.h"

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
static void describe(const delta_jval *v, char *dst, size_t cap) {
    switch (v->type) {
    case DELTA_J_OBJECT:
        snprintf(dst, cap, "an object");
        break;
    case DELTA_J_ARRAY:
        snprintf(dst, cap, "an array");
        break;
    case DELTA_J_STRING: {
        /* the first 40 bytes, cut back to a character boundary */
        char s[48];
        bool more;
        size_t len = delta_jscan_str_prefix(v, s, sizeof s, &more);
        size_t shown = BK_MIN(len, 40);
        more = more || shown < len;
        while (more && shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80) shown--;
        snprintf(dst, cap, "string \"%.*s%s\"", (int)shown, s, more ? "..." : "");
        break;
    }
    case DELTA_J_INT:
        snprintf(dst, cap, "integer %lld", (long long)delta_jscan_int(v));
        break;
    case DELTA_J_REAL:
        snprintf(dst, cap, "number %.17g", delta_jscan_real(v));
        break;
    case DELTA_J_TRUE:
        snprintf(dst, cap, "true");
        break;
    case DELTA_J_FALSE:
        snprintf(dst, cap, "false");
        break;
    case DELTA_J_NULL:
    case DELTA_J_ABSENT:
        snprintf(dst, cap, "null");
        break;
    }
}

static BK_NOINLINE bk_status wrong_type(jctx *c, const char *field, const char *expected,
                                        const delta_jval *v) {
    char found[80];
    describe(v, found, sizeof found);
    return corrupt(c, field, "expected %s, found %s", expected, found);
}

/*
 * Most fields are named by their action (or sub-object) and their key; the
 * dotted path is only spelled out when there is an error to report.
 */
static BK_NOINLINE bk_status wrong_field(jctx *c, const char *prefix, const char *key,
                                         const char *expected, const delta_jval *v) {
    char field[96];
    snprintf(field, sizeof field, "%s.%s", prefix, key);
    return wrong_type(c, field, expected, v);
}

static BK_NOINLINE bk_status missing(jctx *c, const char *prefix, const char *key) {
    char field[96];
    snprintf(field, sizeof field, "%s.%s", prefix, key);
    return corrupt(c, field, "required field is missing");
}

/*
 * A line that is not valid JSON.  The message is jansson's, as it always was
 * (the scanner accepts exactly what jansson accepts, so jansson fails too); only
 * if it did not would the scanner's own reason be shown.  Errors only: the cost
 * of a jansson parse does not matter here.
 */
static BK_NOINLINE bk_status invalid_json(jctx *c, const char *line, size_t len,
                                          const delta_jscan *s) {
    json_error_t jerr;
    json_t *root = json_loadb(line, len, 0, &jerr);
    if (!root)
        return bk_error_set(c->err, BK_CORRUPT,
                            "delta log \"%s\": line %zu: invalid JSON at column %d: %s", c->name,
                            c->line, jerr.column, jerr.text);
    json_decref(root);
    size_t column = s->fail_at ? (size_t)(s->fail_at - line) + 1 : len;
    return bk_error_set(c->err, BK_CORRUPT,
                        "delta log \"%s\": line %zu: invalid JSON at column %zu: %s", c->name,
                        c->line, column, s->fail_why ? s->fail_why : "unexpected text");
}

/* Text the scanner validated did not scan again the same way: a bug, not bad input. */
static BK_NOINLINE bk_status not_revalidated(jctx *c) {
    return bk_error_set(c->err, BK_INTERNAL,
                        "delta log \"%s\": line %zu: JSON changed after it was validated", c->name,
                        c->line);
}

/* ---------------------------------------------------------------------------------------------
 * Typed field access.  Each takes the field's slot (a zeroed slot when the key
 * is absent), its prefix and key for messages; absent or JSON null is "absent".
 * ------------------------------------------------------------------------------------------- */

static inline bool absent(const delta_jval *v) {
    return v->type == DELTA_J_ABSENT || v->type == DELTA_J_NULL;
}

static bk_status copy_string(jctx *c, const delta_jval *v, const char **out) {
    char *s = delta_jscan_str_dup(c->a, v, NULL);
    if (!s) return bk_arena_oom(c->a, c->err);
    *out = s;
    return BK_OK;
}

/* A string field; *out = NULL when absent (an error when `required`). */
static bk_status get_string(jctx *c, const delta_jval *v, const char *prefix, const char *key,
                            bool required, const char **out) {
    *out = NULL;
    if (absent(v)) return required ? missing(c, prefix, key) : BK_OK;
    if (v->type != DELTA_J_STRING) return wrong_field(c, prefix, key, "a string", v);
    return copy_string(c, v, out);
}

/* An integer field (Long); *has = false when absent (an error when `required`). */
static bk_status get_i64(jctx *c, const delta_jval *v, const char *prefix, const char *key,
                         bool required, bool *has, int64_t *out) {
    *has = !absent(v);
    if (!*has) return required ? missing(c, prefix, key) : BK_OK;
    if (v->type != DELTA_J_INT) return wrong_field(c, prefix, key, "an integer", v);
    *out = delta_jscan_int(v);
    return BK_OK;
}

/* An Int field: an integer within int32. */
static bk_status get_i32(jctx *c, const delta_jval *v, const char *prefix, const char *key,
                         bool required, bool *has, int32_t *out) {
    int64_t n = 0;
    BK_TRY(get_i64(c, v, prefix, key, required, has, &n));
    if (!*has) return BK_OK;
    if (n < INT32_MIN || n > INT32_MAX) {
        char field[96];
        snprintf(field, sizeof field, "%s.%s", prefix, key);
        return corrupt(c, field, "value %lld does not fit a 32-bit integer", (long long)n);
    }
    *out = (int32_t)n;
    return BK_OK;
}

static bk_status get_bool(jctx *c, const delta_jval *v, const char *prefix, const char *key,
                          bool required, bool *has, bool *out) {
    *has = !absent(v);
    if (!*has) return required ? missing(c, prefix, key) : BK_OK;
    if (v->type != DELTA_J_TRUE && v->type != DELTA_J_FALSE)
        return wrong_field(c, prefix, key, "true or false", v);
    *out = v->type == DELTA_J_TRUE;
    return BK_OK;
}

/*
 * The known members of a (validated) object `v` into slots[0..n) of names;
 * slots of absent keys are zeroed.
 */
static bk_status index_object(jctx *c, const delta_jval *v, const delta_jname *names, size_t n,
                              delta_jval *slots) {
    memset(slots, 0, n * sizeof *slots);
    delta_jscan s;
    delta_jscan_init(&s, v->text, v->len);
    delta_jval whole;
    return delta_jscan_fields(&s, 1, names, n, slots, &whole) ? BK_OK : not_revalidated(c);
}

/* One member of a map being read: its key (decoded) and its value. */
typedef struct kv_member {
    const char *key;
    size_t key_len;
    delta_jval value;
    bool is_first; /* no earlier member has this key */
    size_t last;   /* is_first: the member whose value the key keeps (the last one) */
} kv_member;

/* Members a map can have before kv_members needs arena memory for them. */
#define KV_LOCAL 8

/*
 * The members of object `v` into *out with their keys decoded (into `a`), and
 * the duplicates marked: of a repeated key only the first member is is_first,
 * with `last` naming the final occurrence (jansson's semantics).  *out is
 * `local` (KV_LOCAL entries, the caller's) unless the map is bigger; then it
 * is arena memory.  Returns the member count in *n, the distinct keys in
 * *n_distinct.
 */
static bk_status kv_members(jctx *c, const delta_jval *v, kv_member *local, kv_member **out,
                            size_t *n, size_t *n_distinct) {
    delta_jscan s;
    delta_jscan_init(&s, v->text, v->len);
    size_t count = 0, cap = KV_LOCAL;
    kv_member *m = local;
    bool first = true;
    delta_jval key;
    int more;
    while ((more = delta_jscan_member(&s, &first, &key)) == 1) {
        if (count == cap) {
            cap *= 2;
            kv_member *bigger = bk_arena_array(c->a, cap, sizeof *bigger);
            if (!bigger) return bk_arena_oom(c->a, c->err);
            memcpy(bigger, m, count * sizeof *m);
            m = bigger;
        }
        kv_member *e = &m[count];
        if (!delta_jscan_value(&s, 1, &e->value)) break;
        e->key = delta_jscan_str_dup(c->a, &key, &e->key_len);
        if (!e->key) return bk_arena_oom(c->a, c->err);
        e->is_first = true;
        e->last = count;
        count++;
    }
    if (s.fail_at) return not_revalidated(c);
    size_t distinct = count;
    if (count > 16) {
        /* many keys: a hash map finds the repeats in linear time */
        bk_hmap *seen = bk_hmap_new(false);
        if (!seen) return bk_arena_oom(c->a, c->err);
        for (size_t i = 0; i < count; i++) {
            size_t index;
            bool is_new;
            if (bk_hmap_insert(seen, m[i].key, m[i].key_len, &index, &is_new) != BK_OK) {
                bk_hmap_free(seen);
                return bk_error_set(c->err, BK_OUT_OF_MEMORY, "out of memory reading a map");
            }
            if (is_new) {
                bk_hmap_set_value(seen, index, i);
            } else {
                size_t at = (size_t)bk_hmap_value(seen, index);
                m[i].is_first = false;
                m[at].last = i;
                distinct--;
            }
        }
        bk_hmap_free(seen);
    } else {
        for (size_t i = 1; i < count; i++) {
            for (size_t j = 0; j < i; j++) {
                if (m[j].is_first && m[j].key_len == m[i].key_len &&
                    memcmp(m[j].key, m[i].key, m[i].key_len) == 0) {
                    m[i].is_first = false;
                    m[j].last = i;
                    distinct--;
                    break;
                }
            }
        }
    }
    *out = m;
    *n = count;
    *n_distinct = distinct;
    return BK_OK;
}

/* A Map[String, String]; values may be JSON null.  Absent gives an empty map. */
static bk_status get_kv(jctx *c, const delta_jval *v, const char *prefix, const char *key,
                        bool required, delta_kv *out) {
    memset(out, 0, sizeof *out);
    if (absent(v)) return required ? missing(c, prefix, key) : BK_OK;
    if (v->type != DELTA_J_OBJECT) return wrong_field(c, prefix, key, "an object of strings", v);
    kv_member local[KV_LOCAL], *m = NULL;
    size_t n_members = 0, n = 0;
    BK_TRY(kv_members(c, v, local, &m, &n_members, &n));
    if (n == 0) return BK_OK;
    if (n > UINT32_MAX) {
        char field[96];
        snprintf(field, sizeof field, "%s.%s", prefix, key);
        return corrupt(c, field, "too many entries (%zu)", n);
    }
    out->keys = bk_arena_array(c->a, n, sizeof *out->keys);
    out->values = bk_arena_array(c->a, n, sizeof *out->values);
    if (!out->keys || !out->values) return bk_arena_oom(c->a, c->err);
    uint32_t i = 0;
    for (size_t k = 0; k < n_members; k++) {
        if (!m[k].is_first) continue;
        const delta_jval *val = &m[m[k].last].value;
        if (val->type != DELTA_J_NULL && val->type != DELTA_J_STRING) {
            char field[96], sub[192];
            snprintf(field, sizeof field, "%s.%s", prefix, key);
            snprintf(sub, sizeof sub, "%s.%s", field, m[k].key);
            return wrong_type(c, sub, "a string or null", val);
        }
        out->keys[i] = m[k].key;
        out->values[i] = NULL;
        if (val->type == DELTA_J_STRING) BK_TRY(copy_string(c, val, &out->values[i]));
        i++;
    }
    out->n = i;
    return BK_OK;
}

/* An Array[String]; *has = false when absent.  Elements must be strings. */
static bk_status get_str_array(jctx *c, const delta_jval *v, const char *prefix, const char *key,
                               bool *has, uint32_t *n_out, const char ***out) {
    *has = !absent(v);
    *n_out = 0;
    *out = NULL;
    if (!*has) return BK_OK;
    if (v->type != DELTA_J_ARRAY) return wrong_field(c, prefix, key, "an array of strings", v);
    /* count, then copy */
    delta_jscan s;
    delta_jval e;
    bool first = true;
    size_t n = 0;
    delta_jscan_init(&s, v->text, v->len);
    while (delta_jscan_element(&s, &first) == 1 && delta_jscan_value(&s, 1, &e)) n++;
    if (n > UINT32_MAX) {
        char field[96];
        snprintf(field, sizeof field, "%s.%s", prefix, key);
        return corrupt(c, field, "too many entries (%zu)", n);
    }
    const char **items = bk_arena_array(c->a, n ? n : 1, sizeof *items);
    if (!items) return bk_arena_oom(c->a, c->err);
    delta_jscan_init(&s, v->text, v->len);
    first = true;
    for (size_t i = 0; i < n; i++) {
        if (delta_jscan_element(&s, &first) != 1 || !delta_jscan_value(&s, 1, &e)) break;
        if (e.type != DELTA_J_STRING) {
            char field[96], sub[160];
            snprintf(field, sizeof field, "%s.%s", prefix, key);
            snprintf(sub, sizeof sub, "%s[%zu]", field, i);
            return wrong_type(c, sub, "a string", &e);
        }
        BK_TRY(copy_string(c, &e, &items[i]));
    }
    *n_out = (uint32_t)n;
    *out = items;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * The fields of each action, as slot numbers into its delta_jval slots.
 * ------------------------------------------------------------------------------------------- */

/* add, remove and cdc share one table; each reads the fields it has. */
enum {
    F_PATH,
    F_PARTITION_VALUES,
    F_SIZE,
    F_MODIFICATION_TIME,
    F_DATA_CHANGE,
    F_STATS,
    F_TAGS,
    F_DELETION_VECTOR,
    F_BASE_ROW_ID,
    F_DEFAULT_ROW_COMMIT_VERSION,
    F_CLUSTERING_PROVIDER,
    F_DELETION_TIMESTAMP,
    F_EXTENDED_FILE_METADATA,
    N_FILE_FIELDS
};
static const delta_jname file_fields[N_FILE_FIELDS] = {
    DELTA_JNAME("path"),
    DELTA_JNAME("partitionValues"),
    DELTA_JNAME("size"),
    DELTA_JNAME("modificationTime"),
    DELTA_JNAME("dataChange"),
    DELTA_JNAME("stats"),
    DELTA_JNAME("tags"),
    DELTA_JNAME("deletionVector"),
    DELTA_JNAME("baseRowId"),
    DELTA_JNAME("defaultRowCommitVersion"),
    DELTA_JNAME("clusteringProvider"),
    DELTA_JNAME("deletionTimestamp"),
    DELTA_JNAME("extendedFileMetadata"),
};

enum { DV_STORAGE_TYPE, DV_PATH_OR_INLINE, DV_OFFSET, DV_SIZE, DV_CARDINALITY, DV_MAX_ROW, N_DV };
static const delta_jname dv_fields[N_DV] = {
    DELTA_JNAME("storageType"), DELTA_JNAME("pathOrInlineDv"), DELTA_JNAME("offset"),
    DELTA_JNAME("sizeInBytes"), DELTA_JNAME("cardinality"),    DELTA_JNAME("maxRowIndex"),
};

enum {
    M_ID,
    M_NAME,
    M_DESCRIPTION,
    M_FORMAT,
    M_SCHEMA_STRING,
    M_PARTITION_COLUMNS,
    M_CONFIGURATION,
    M_CREATED_TIME,
    N_METADATA_FIELDS
};
static const delta_jname metadata_fields[N_METADATA_FIELDS] = {
    DELTA_JNAME("id"),
    DELTA_JNAME("name"),
    DELTA_JNAME("description"),
    DELTA_JNAME("format"),
    DELTA_JNAME("schemaString"),
    DELTA_JNAME("partitionColumns"),
    DELTA_JNAME("configuration"),
    DELTA_JNAME("createdTime"),
};
static const delta_jname format_fields[1] = {DELTA_JNAME("provider")};

enum { P_MIN_READER, P_MIN_WRITER, P_READER_FEATURES, P_WRITER_FEATURES, N_PROTOCOL_FIELDS };
static const delta_jname protocol_fields[N_PROTOCOL_FIELDS] = {
    DELTA_JNAME("minReaderVersion"),
    DELTA_JNAME("minWriterVersion"),
    DELTA_JNAME("readerFeatures"),
    DELTA_JNAME("writerFeatures"),
};

enum { T_APP_ID, T_VERSION, T_LAST_UPDATED, N_TXN_FIELDS };
static const delta_jname txn_fields[N_TXN_FIELDS] = {DELTA_JNAME("appId"), DELTA_JNAME("version"),
                                                     DELTA_JNAME("lastUpdated")};

enum { CI_TIMESTAMP, CI_IN_COMMIT_TIMESTAMP, CI_OPERATION, N_COMMIT_INFO_FIELDS };
static const delta_jname commit_info_fields[N_COMMIT_INFO_FIELDS] = {
    DELTA_JNAME("timestamp"), DELTA_JNAME("inCommitTimestamp"), DELTA_JNAME("operation")};

enum { D_DOMAIN, D_CONFIGURATION, D_REMOVED, N_DOMAIN_FIELDS };
static const delta_jname domain_fields[N_DOMAIN_FIELDS] = {
    DELTA_JNAME("domain"), DELTA_JNAME("configuration"), DELTA_JNAME("removed")};

static const delta_jname checkpoint_metadata_fields[1] = {DELTA_JNAME("version")};

enum { S_PATH, S_SIZE, S_MODIFICATION_TIME, N_SIDECAR_FIELDS };
static const delta_jname sidecar_fields[N_SIDECAR_FIELDS] = {
    DELTA_JNAME("path"), DELTA_JNAME("sizeInBytes"), DELTA_JNAME("modificationTime")};

/* The most slots any action has. */
#define MAX_FIELDS N_FILE_FIELDS

/* The top-level keys we read, the action each becomes and the fields it has. */
typedef struct action_spec {
    delta_action_kind kind;
    const delta_jname *fields;
    size_t n_fields;
} action_spec;

static const delta_jname action_keys[] = {
    DELTA_JNAME("add"),
    DELTA_JNAME("remove"),
    DELTA_JNAME("metaData"),
    DELTA_JNAME("protocol"),
    DELTA_JNAME("txn"),
    DELTA_JNAME("commitInfo"),
    DELTA_JNAME("cdc"),
    DELTA_JNAME("domainMetadata"),
    DELTA_JNAME("checkpointMetadata"),
    DELTA_JNAME("sidecar"),
};
static const action_spec action_specs[BK_ARRAY_LEN(action_keys)] = {
    {DELTA_ACTION_ADD, file_fields, N_FILE_FIELDS},
    {DELTA_ACTION_REMOVE, file_fields, N_FILE_FIELDS},
    {DELTA_ACTION_METADATA, metadata_fields, N_METADATA_FIELDS},
    {DELTA_ACTION_PROTOCOL, protocol_fields, N_PROTOCOL_FIELDS},
    {DELTA_ACTION_TXN, txn_fields, N_TXN_FIELDS},
    {DELTA_ACTION_COMMIT_INFO, commit_info_fields, N_COMMIT_INFO_FIELDS},
    {DELTA_ACTION_CDC, file_fields, N_FILE_FIELDS},
    {DELTA_ACTION_DOMAIN_METADATA, domain_fields, N_DOMAIN_FIELDS},
    {DELTA_ACTION_CHECKPOINT_METADATA, checkpoint_metadata_fields, 1},
    {DELTA_ACTION_SIDECAR, sidecar_fields, N_SIDECAR_FIELDS},
};
enum { N_ACTION_KEYS = BK_ARRAY_LEN(action_keys) };

/* One known action key of a line: its value and, if that is an object, its fields. */
typedef struct line_action {
    int spec;         /* index into action_keys / action_specs */
    delta_jval value; /* the action object (or null, or a value of the wrong type) */
    delta_jval fields[MAX_FIELDS];
} line_action;

/* ---------------------------------------------------------------------------------------------
 * One parser per action, from its slots.  `prefix` is the action's key.
 * ------------------------------------------------------------------------------------------- */

/* deletionVector: PROTOCOL.md "Deletion Vector Descriptor Schema" (+ maxRowIndex). */
static bk_status parse_dv(jctx *c, const delta_jval *v, const char *action, delta_dv_ref *dv) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.deletionVector", action);
    delta_jval f[N_DV];
    BK_TRY(index_object(c, v, dv_fields, N_DV, f));
    bool has;
    const char *st;
    BK_TRY(get_string(c, &f[DV_STORAGE_TYPE], prefix, "storageType", true, &st));
    if (strlen(st) != 1 || !strchr("uip", st[0])) {
        char field[96];
        snprintf(field, sizeof field, "%s.storageType", prefix);
        return corrupt(c, field, "expected \"u\", \"i\" or \"p\", found \"%.20s\"", st);
    }
    dv->storage_type = st[0];
    BK_TRY(get_string(c, &f[DV_PATH_OR_INLINE], prefix, "pathOrInlineDv", true,
                      &dv->path_or_inline_dv));
    BK_TRY(get_i32(c, &f[DV_OFFSET], prefix, "offset", false, &dv->has_offset, &dv->offset));
    BK_TRY(get_i32(c, &f[DV_SIZE], prefix, "sizeInBytes", true, &has, &dv->size_in_bytes));
    BK_TRY(get_i64(c, &f[DV_CARDINALITY], prefix, "cardinality", true, &has, &dv->cardinality));
    BK_TRY(get_i64(c, &f[DV_MAX_ROW], prefix, "maxRowIndex", false, &dv->has_max_row_index,
                   &dv->max_row_index));
    return BK_OK;
}

/* The decoded form of a log path; the path itself when it has no escape. */
static bk_status decode_path(jctx *c, const char *prefix, delta_file_action *f) {
    f->path_decoded = delta_path_decode(c->a, f->path);
    if (f->path_decoded) return BK_OK;
    if (bk_arena_failed(c->a)) return bk_arena_oom(c->a, c->err);
    char field[96];
    snprintf(field, sizeof field, "%s.path", prefix);
    return corrupt(c, field, "bad percent-escape in \"%.200s\"", f->path);
}

/* add, remove and cdc. */
static bk_status parse_file(jctx *c, const delta_jval *fv, delta_action_kind kind,
                            const char *prefix, delta_file_action *f) {
    bool has, is_add = kind == DELTA_ACTION_ADD, is_remove = kind == DELTA_ACTION_REMOVE;
    BK_TRY(get_string(c, &fv[F_PATH], prefix, "path", true, &f->path));
    BK_TRY(decode_path(c, prefix, f));
    BK_TRY(get_kv(c, &fv[F_PARTITION_VALUES], prefix, "partitionValues", !is_remove,
                  &f->partition_values));
    BK_TRY(get_i64(c, &fv[F_SIZE], prefix, "size", !is_remove, &f->has_size, &f->size));
    if (!f->has_size) f->size = -1;
    BK_TRY(get_i64(c, &fv[F_MODIFICATION_TIME], prefix, "modificationTime", false, &has,
                   &f->modification_time));
    f->data_change = kind != DELTA_ACTION_CDC;
    BK_TRY(get_bool(c, &fv[F_DATA_CHANGE], prefix, "dataChange", false, &has, &f->data_change));
    BK_TRY(get_string(c, &fv[F_STATS], prefix, "stats", false, &f->stats));
    BK_TRY(get_kv(c, &fv[F_TAGS], prefix, "tags", false, &f->tags));
    const delta_jval *dv = &fv[F_DELETION_VECTOR];
    if (!absent(dv)) {
        if (dv->type != DELTA_J_OBJECT)
            return wrong_field(c, prefix, "deletionVector", "an object", dv);
        BK_TRY(parse_dv(c, dv, prefix, &f->dv));
        f->has_dv = true;
    }
    BK_TRY(get_i64(c, &fv[F_BASE_ROW_ID], prefix, "baseRowId", false, &f->has_base_row_id,
                   &f->base_row_id));
    BK_TRY(get_i64(c, &fv[F_DEFAULT_ROW_COMMIT_VERSION], prefix, "defaultRowCommitVersion", false,
                   &f->has_default_row_commit_version, &f->default_row_commit_version));
    if (is_add)
        BK_TRY(get_string(c, &fv[F_CLUSTERING_PROVIDER], prefix, "clusteringProvider", false,
                          &f->clustering_provider));
    if (is_remove) {
        BK_TRY(get_i64(c, &fv[F_DELETION_TIMESTAMP], prefix, "deletionTimestamp", false,
                       &f->has_deletion_timestamp, &f->deletion_timestamp));
        BK_TRY(get_bool(c, &fv[F_EXTENDED_FILE_METADATA], prefix, "extendedFileMetadata", false,
                        &has, &f->extended_file_metadata));
    }
    return BK_OK;
}

static bk_status parse_metadata(jctx *c, const delta_jval *fv, delta_metadata *m) {
    static const char *const prefix = "metaData";
    bool has;
    BK_TRY(get_string(c, &fv[M_ID], prefix, "id", true, &m->id));
    BK_TRY(get_string(c, &fv[M_NAME], prefix, "name", false, &m->name));
    BK_TRY(get_string(c, &fv[M_DESCRIPTION], prefix, "description", false, &m->description));
    m->format_provider = "parquet";
    const delta_jval *fmt = &fv[M_FORMAT];
    if (!absent(fmt)) {
        if (fmt->type != DELTA_J_OBJECT) return wrong_field(c, prefix, "format", "an object", fmt);
        delta_jval provider_slot;
        const char *provider;
        BK_TRY(index_object(c, fmt, format_fields, 1, &provider_slot));
        BK_TRY(get_string(c, &provider_slot, "metaData.format", "provider", false, &provider));
        if (provider) m->format_provider = provider;
    }
    BK_TRY(get_string(c, &fv[M_SCHEMA_STRING], prefix, "schemaString", false, &m->schema_string));
    if (!m->schema_string) m->schema_string = DELTA_EMPTY_SCHEMA;
    BK_TRY(get_str_array(c, &fv[M_PARTITION_COLUMNS], prefix, "partitionColumns", &has,
                         &m->n_partition_columns, &m->partition_columns));
    BK_TRY(get_kv(c, &fv[M_CONFIGURATION], prefix, "configuration", false, &m->configuration));
    BK_TRY(get_i64(c, &fv[M_CREATED_TIME], prefix, "createdTime", false, &m->has_created_time,
                   &m->created_time));
    return BK_OK;
}

static bk_status parse_protocol(jctx *c, const delta_jval *fv, delta_protocol *p) {
    static const char *const prefix = "protocol";
    bool has;
    BK_TRY(get_i32(c, &fv[P_MIN_READER], prefix, "minReaderVersion", true, &has,
                   &p->min_reader_version));
    BK_TRY(get_i32(c, &fv[P_MIN_WRITER], prefix, "minWriterVersion", true, &has,
                   &p->min_writer_version));
    BK_TRY(get_str_array(c, &fv[P_READER_FEATURES], prefix, "readerFeatures",
                         &p->has_reader_features, &p->n_reader_features, &p->reader_features));
    BK_TRY(get_str_array(c, &fv[P_WRITER_FEATURES], prefix, "writerFeatures",
                         &p->has_writer_features, &p->n_writer_features, &p->writer_features));
    return BK_OK;
}

static bk_status parse_txn(jctx *c, const delta_jval *fv, delta_txn *t) {
    bool has;
    BK_TRY(get_string(c, &fv[T_APP_ID], "txn", "appId", true, &t->app_id));
    BK_TRY(get_i64(c, &fv[T_VERSION], "txn", "version", true, &has, &t->version));
    BK_TRY(get_i64(c, &fv[T_LAST_UPDATED], "txn", "lastUpdated", false, &t->has_last_updated,
                   &t->last_updated));
    return BK_OK;
}

/* commitInfo: the object re-serialised compactly, plus the few fields Bricks looks at. */
static bk_status parse_commit_info(jctx *c, const delta_jval *obj, const delta_jval *fv,
                                   delta_commit_info *ci) {
    bk_buf text;
    bk_buf_init(&text);
    bk_status st = delta_jscan_compact(obj, &text, c->err);
    char *json = st == BK_OK ? bk_arena_strndup(c->a, (const char *)text.data, text.len) : NULL;
    bk_buf_destroy(&text);
    if (st != BK_OK) return st;
    if (!json) return bk_arena_oom(c->a, c->err);
    ci->json = json;
    if (fv[CI_TIMESTAMP].type == DELTA_J_INT) {
        ci->has_timestamp = true;
        ci->timestamp = delta_jscan_int(&fv[CI_TIMESTAMP]);
    }
    BK_TRY(get_i64(c, &fv[CI_IN_COMMIT_TIMESTAMP], "commitInfo", "inCommitTimestamp", false,
                   &ci->has_in_commit_timestamp, &ci->in_commit_timestamp));
    if (fv[CI_OPERATION].type == DELTA_J_STRING)
        BK_TRY(copy_string(c, &fv[CI_OPERATION], &ci->operation));
    return BK_OK;
}

static bk_status parse_domain(jctx *c, const delta_jval *fv, delta_domain_metadata *d) {
    static const char *const prefix = "domainMetadata";
    bool has;
    BK_TRY(get_string(c, &fv[D_DOMAIN], prefix, "domain", true, &d->domain));
    BK_TRY(get_string(c, &fv[D_CONFIGURATION], prefix, "configuration", true, &d->configuration));
    BK_TRY(get_bool(c, &fv[D_REMOVED], prefix, "removed", true, &has, &d->removed));
    return BK_OK;
}

static bk_status parse_sidecar(jctx *c, const delta_jval *fv, delta_sidecar *s) {
    bool has;
    BK_TRY(get_string(c, &fv[S_PATH], "sidecar", "path", true, &s->path));
    BK_TRY(get_i64(c, &fv[S_SIZE], "sidecar", "sizeInBytes", false, &has, &s->size_in_bytes));
    BK_TRY(get_i64(c, &fv[S_MODIFICATION_TIME], "sidecar", "modificationTime", false, &has,
                   &s->modification_time));
    return BK_OK;
}

/* One action object (indexed in `la`) into `act`. */
static bk_status parse_action(jctx *c, const line_action *la, delta_action *act) {
    const action_spec *spec = &action_specs[la->spec];
    const char *key = action_keys[la->spec].name;
    const delta_jval *fv = la->fields;
    bool has;
    memset(act, 0, sizeof *act);
    act->kind = spec->kind;
    switch (spec->kind) {
    case DELTA_ACTION_ADD:
    case DELTA_ACTION_REMOVE:
    case DELTA_ACTION_CDC:
        return parse_file(c, fv, spec->kind, key, &act->u.file);
    case DELTA_ACTION_METADATA:
        return parse_metadata(c, fv, &act->u.metadata);
    case DELTA_ACTION_PROTOCOL:
        return parse_protocol(c, fv, &act->u.protocol);
    case DELTA_ACTION_TXN:
        return parse_txn(c, fv, &act->u.txn);
    case DELTA_ACTION_COMMIT_INFO:
        return parse_commit_info(c, &la->value, fv, &act->u.commit_info);
    case DELTA_ACTION_DOMAIN_METADATA:
        return parse_domain(c, fv, &act->u.domain);
    case DELTA_ACTION_CHECKPOINT_METADATA:
        return get_i64(c, &fv[0], "checkpointMetadata", "version", true, &has,
                       &act->u.checkpoint_version);
    case DELTA_ACTION_SIDECAR:
        return parse_sidecar(c, fv, &act->u.sidecar);
    }
    return bk_error_set(c->err, BK_INTERNAL, "unknown delta action kind %d", (int)spec->kind);
}

/* ---------------------------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------------------------- */

/*
 * Step 1 for a line whose top-level object s->p points at: validate it all and
 * fill acts[0..*n) with its known action keys in first-appearance order (a key
 * seen again takes its new value, keeping its place).  False on invalid JSON.
 */
static bool index_line(delta_jscan *s, line_action *acts, size_t *n) {
    bool first = true;
    delta_jval key;
    int more;
    *n = 0;
    while ((more = delta_jscan_member(s, &first, &key)) == 1) {
        int spec = delta_jscan_find_name(&key, action_keys, N_ACTION_KEYS);
        if (spec < 0) {
            delta_jval unknown;
            if (!delta_jscan_value(s, 2, &unknown)) return false;
            continue;
        }
        line_action *la = NULL;
        for (size_t i = 0; i < *n && !la; i++)
            if (acts[i].spec == spec) la = &acts[i];
        if (!la) {
            la = &acts[(*n)++];
            la->spec = spec;
        }
        if (s->p < s->end && *s->p == '{') {
            const action_spec *as = &action_specs[spec];
            memset(la->fields, 0, as->n_fields * sizeof la->fields[0]);
            if (!delta_jscan_fields(s, 2, as->fields, as->n_fields, la->fields, &la->value))
                return false;
        } else if (!delta_jscan_value(s, 2, &la->value)) {
            return false;
        }
    }
    return more == 0;
}

/* Parse one line (not blank) and append its actions. */
static bk_status parse_line(jctx *c, const char *line, size_t len, delta_action_list *out) {
    line_action acts[N_ACTION_KEYS];
    size_t n_acts = 0;
    delta_jscan s;
    delta_jscan_init(&s, line, len);
    delta_jscan_ws(&s);
    bool ok = s.p < s.end && (*s.p == '{' || *s.p == '[');
    bool is_array = ok && *s.p == '[';
    delta_jval root;
    if (ok) ok = is_array ? delta_jscan_value(&s, 1, &root) : index_line(&s, acts, &n_acts);
    if (ok) delta_jscan_ws(&s);
    if (!ok || s.p != s.end) return invalid_json(c, line, len, &s);
    if (is_array)
        return bk_error_set(c->err, BK_CORRUPT,
                            "delta log \"%s\": line %zu: expected a JSON object, found an array",
                            c->name, c->line);
    for (size_t i = 0; i < n_acts; i++) {
        const line_action *la = &acts[i];
        if (la->value.type == DELTA_J_NULL) continue;
        if (la->value.type != DELTA_J_OBJECT)
            return wrong_type(c, action_keys[la->spec].name, "an object", &la->value);
        delta_action act;
        BK_TRY(parse_action(c, la, &act));
        BK_TRY(delta_action_list_push(c->a, out, &act, c->err));
    }
    return BK_OK;
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
