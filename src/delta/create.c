/*
 * create.c — CREATE TABLE: version 0 with the lowest protocol the table needs.
 *
 * PROTOCOL.md "Table Features": a table needs reader version 3 / writer version 7
 * only for features that legacy versions cannot express (deletion vectors,
 * timestamp_ntz, in-commit timestamps); column mapping alone is reader 2 / writer
 * 5, a change data feed writer 4, everything else reader 1 / writer 2.  With
 * writer version 7 the legacy writer features the table keeps using are listed
 * explicitly (appendOnly, invariants), as Spark requires of tables it writes.
 */
#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/uuid.h"
#include "delta/commit_internal.h"

/* A growable list of feature names in `a`. */
typedef struct name_list {
    const char *items[16];
    uint32_t n;
} name_list;

static void add_name(name_list *l, const char *name) {
    for (uint32_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], name) == 0) return;
    if (l->n < 16) l->items[l->n++] = name;
}

static bool type_has_ntz(const bk_type *t) {
    if (t->kind == BK_TYPE_TIMESTAMP_NTZ) return true;
    for (uint32_t k = 0; k < t->n_children; k++)
        if (type_has_ntz(t->children[k])) return true;
    return false;
}

static const char *def_config(const delta_table_def *def, const char *key) {
    for (uint32_t i = 0; i < def->n_config; i++)
        if (strcmp(def->config_keys[i], key) == 0) return def->config_values[i];
    return NULL;
}

static bool config_true(const delta_table_def *def, const char *key) {
    const char *v = def_config(def, key);
    return v && strcasecmp(v, "true") == 0;
}

/* Choose the protocol for a new table. */
static void choose_protocol(bk_arena *a, const delta_table_def *def, const char *mapping,
                            delta_protocol *p) {
    name_list rf = {{0}, 0}, wf = {{0}, 0};
    bool features = false;
    p->min_reader_version = 1;
    p->min_writer_version = 2;
    if (mapping) {
        p->min_reader_version = 2;
        p->min_writer_version = 5;
        add_name(&rf, "columnMapping");
        add_name(&wf, "columnMapping");
    }
    if (config_true(def, "delta.enableChangeDataFeed")) {
        if (p->min_writer_version < 4) p->min_writer_version = 4;
        add_name(&wf, "changeDataFeed");
    }
    if (config_true(def, "delta.enableDeletionVectors")) {
        features = true;
        add_name(&rf, "deletionVectors");
        add_name(&wf, "deletionVectors");
    }
    if (type_has_ntz(def->schema)) {
        features = true;
        add_name(&rf, "timestampNtz");
        add_name(&wf, "timestampNtz");
    }
    if (config_true(def, "delta.enableInCommitTimestamps")) {
        features = true;
        add_name(&wf, "inCommitTimestamp");
    }
    if (!features) return;
    bool reader_features = rf.n > (mapping ? 1u : 0u);
    p->min_writer_version = 7;
    add_name(&wf, "appendOnly");
    add_name(&wf, "invariants");
    p->has_writer_features = true;
    p->n_writer_features = wf.n;
    p->writer_features = bk_arena_memdup(a, wf.items, wf.n * sizeof *wf.items);
    if (reader_features) {
        p->min_reader_version = 3;
        p->has_reader_features = true;
        p->n_reader_features = rf.n;
        p->reader_features = bk_arena_memdup(a, rf.items, rf.n * sizeof *rf.items);
    }
}

bk_status delta_create_table(const char *root, const delta_table_def *def, bk_error *err) {
    if (!def->schema || def->schema->kind != BK_TYPE_STRUCT || def->schema->n_children == 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "a Delta table needs at least one column");
    bk_arena *a = bk_arena_new(NULL, "delta create", 0);
    if (!a) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory creating a table");
    store_obj *st = NULL;
    bk_buf text;
    bk_buf_init(&text);
    bk_status rc = store_obj_open(root, &st, err);

    /* Schema, with column mapping when asked for. */
    delta_schema schema;
    if (rc == BK_OK) rc = delta_schema_from_type(a, def->schema, &schema, err);
    const char *mapping = def_config(def, "delta.columnMapping.mode");
    if (mapping && strcmp(mapping, "none") == 0) mapping = NULL;
    if (rc == BK_OK && mapping && strcmp(mapping, "name") != 0 && strcmp(mapping, "id") != 0)
        rc = bk_error_set(err, BK_INVALID_ARGUMENT,
                          "delta.columnMapping.mode must be none, name or id, not \"%s\"", mapping);
    int32_t max_id = 0;
    if (rc == BK_OK && mapping)
        if (delta_schema_assign_column_mapping(a, &schema, mapping, &max_id) != BK_OK)
            rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory assigning column mapping");
    for (uint32_t i = 0; rc == BK_OK && i < def->n_partition_columns; i++) {
        const delta_field *f = delta_schema_find(&schema, def->partition_columns[i]);
        if (!f)
            rc = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "partition column \"%s\" is not a column of the table",
                              def->partition_columns[i]);
        else if (bk_type_is_nested(f->type))
            rc = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "partition column \"%s\" has a nested type; Delta partitions by "
                              "primitive columns only",
                              f->name);
    }

    /* protocol, metaData, commitInfo */
    delta_action proto = {.kind = DELTA_ACTION_PROTOCOL};
    if (rc == BK_OK) choose_protocol(a, def, mapping, &proto.u.protocol);
    delta_action meta = {.kind = DELTA_ACTION_METADATA};
    delta_metadata *m = &meta.u.metadata;
    bk_buf schema_json;
    bk_buf_init(&schema_json);
    if (rc == BK_OK) rc = delta_schema_to_json(&schema, &schema_json, err);
    if (rc == BK_OK) {
        char uuid[37];
        bk_uuid_v4_text(uuid);
        m->id = bk_arena_strdup(a, uuid);
        m->name = def->name;
        m->description = def->description;
        m->format_provider = "parquet";
        m->schema_string = bk_arena_strndup(a, (const char *)schema_json.data, schema_json.len);
        m->n_partition_columns = def->n_partition_columns;
        m->partition_columns = (const char **)def->partition_columns;
        uint32_t n = def->n_config + (mapping ? 1 : 0);
        m->configuration.n = n;
        m->configuration.keys = bk_arena_array(a, n + 1, sizeof *m->configuration.keys);
        m->configuration.values = bk_arena_array(a, n + 1, sizeof *m->configuration.values);
        if (!m->id || !m->schema_string || !m->configuration.keys || !m->configuration.values)
            rc = bk_arena_oom(a, err);
        for (uint32_t i = 0; rc == BK_OK && i < def->n_config; i++) {
            m->configuration.keys[i] = def->config_keys[i];
            m->configuration.values[i] = def->config_values[i];
        }
        if (rc == BK_OK && mapping) {
            m->configuration.keys[n - 1] = "delta.columnMapping.maxColumnId";
            m->configuration.values[n - 1] = bk_arena_printf(a, "%d", (int)max_id);
        }
        m->has_created_time = true;
        m->created_time = bk_now_micros() / 1000;
    }
    bk_buf_destroy(&schema_json);
    if (rc == BK_OK) {
        json_t *ci = json_object();
        json_object_set_new(ci, "timestamp", json_integer(m->created_time));
        if (config_true(def, "delta.enableInCommitTimestamps"))
            json_object_set_new(ci, "inCommitTimestamp", json_integer(m->created_time));
        json_object_set_new(ci, "operation", json_string("CREATE TABLE"));
        json_t *params = json_object();
        json_object_set_new(params, "isManaged", json_string("false"));
        json_object_set_new(params, "description",
                            def->description ? json_string(def->description) : json_null());
        json_object_set_new(ci, "operationParameters", params);
        json_object_set_new(ci, "isolationLevel", json_string("WriteSerializable"));
        json_object_set_new(ci, "isBlindAppend", json_true());
        json_object_set_new(ci, "engineInfo", json_string("Bricks/" BRICKS_VERSION));
        json_t *line = json_object();
        json_object_set_new(line, "commitInfo", ci);
        if (delta_json_append(&text, line) || bk_buf_append_u8(&text, '\n') != BK_OK)
            rc = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory writing commitInfo");
        json_decref(line);
    }
    if (rc == BK_OK) rc = delta_action_write_json(&proto, &text, err);
    if (rc == BK_OK) rc = delta_action_write_json(&meta, &text, err);
    if (rc == BK_OK) {
        /* A table exists when any version does, not only version 0. */
        store_obj_entry *entries;
        size_t n = 0;
        rc = store_obj_list(a, st, DELTA_LOG_DIR, NULL, 0, &entries, &n, err);
        for (size_t i = 0; rc == BK_OK && i < n; i++) {
            const char *name = entries[i].key + strlen(DELTA_LOG_DIR);
            if (strlen(name) > 20 && name[20] == '.' && name[0] >= '0' && name[0] <= '9')
                rc = bk_error_set(err, BK_ALREADY_EXISTS, "a Delta table already exists at \"%s\"",
                                  root);
        }
    }
    if (rc == BK_OK)
        rc = store_obj_put_if_absent(st, DELTA_LOG_DIR "00000000000000000000.json", text.data,
                                     text.len, err);
    if (rc == BK_ALREADY_EXISTS && !strstr(err->msg, "a Delta table already exists"))
        rc = bk_error_reset(err, BK_ALREADY_EXISTS, "a Delta table already exists at \"%s\"", root);
    bk_buf_destroy(&text);
    store_obj_close(st);
    bk_arena_free(a);
    return rc;
}
