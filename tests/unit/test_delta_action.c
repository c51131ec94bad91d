/*
 * test_delta_action.c — Delta log actions: JSON parsing and writing, log paths,
 * checkpoint rows in and out (src/delta/action*.c, path.c).
 *
 * Besides crafted lines for each rule (defaults of old logs, strict types, the
 * error messages), every commit file and every Parquet checkpoint under
 * ../shared/testdata must parse; checkpoints are cross-checked against a replay
 * of the JSON commits they summarise; and what we write must read back equal,
 * both as JSON lines and as a checkpoint written with pq_writer.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/mem.h"
#include "delta/action.h"
#include "parquet/parquet.h"
#include "store/store.h"
#include "test.h"

/* ---------------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------------- */

#define NEED_DATA()                                                                                \
    do {                                                                                           \
        if (!bk_test_data_dir()) {                                                                 \
            bk_test_fail(__FILE__, __LINE__, "../shared/testdata is missing");                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Parse a string of JSON lines into `l`. */
static bk_status parse(bk_arena *a, const char *text, delta_action_list *l, bk_error *err) {
    memset(l, 0, sizeof *l);
    bk_error_clear(err);
    return delta_actions_parse_json(a, "00000000000000000001.json", text, strlen(text), l, err);
}

/* A whole file in the arena, NUL-terminated; NULL when it cannot be read. */
static char *slurp(bk_arena *a, const char *path, size_t *len) {
    uint8_t *data;
    bk_error err;
    bk_error_clear(&err);
    return store_read_file(a, path, &data, len, &err) == BK_OK ? (char *)data : NULL;
}

/* A growing list of file paths found under the test data. */
typedef struct path_list {
    char **items;
    size_t n, cap;
} path_list;

static void path_list_add(bk_arena *a, path_list *l, const char *p) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **items = bk_arena_array(a, cap, sizeof *items);
        if (l->n) memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = bk_arena_strdup(a, p);
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Files under `dir` whose path contains "/_delta_log/" and matches `want`. */
static void find_log_files(bk_arena *a, const char *dir, bool (*want)(const char *),
                           path_list *out) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char child[2048];
        snprintf(child, sizeof child, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(child, &st) != 0) continue;
        if (S_ISDIR(st.st_mode))
            find_log_files(a, child, want, out);
        else if (strstr(child, "/_delta_log/") && want(child))
            path_list_add(a, out, child);
    }
    closedir(d);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Commit, compaction and JSON checkpoint files (not .crc, not _last_checkpoint). */
static bool is_json_log(const char *p) { return ends_with(p, ".json"); }
static bool is_parquet_checkpoint(const char *p) {
    return ends_with(p, ".parquet") && strstr(p, ".checkpoint.") != NULL;
}

static const char *const data_dirs[] = {"delta-golden", "delta-rs", "krs-data", "delta-spark",
                                        "delta-kernel-java"};

static void find_all(bk_arena *a, bool (*want)(const char *), path_list *out) {
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < BK_ARRAY_LEN(data_dirs); i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", bk_test_data_dir(), data_dirs[i]);
        find_log_files(a, dir, want, out);
    }
    if (out->n) qsort(out->items, out->n, sizeof *out->items, cmp_str);
}

static void close_reader(void *r) { pq_reader_close(r); }

/*
 * Read every row group of a Parquet checkpoint into `l`.  The vectors live in `a`
 * and their types in the reader, so the reader stays open until `a` is freed.
 */
static bk_status read_checkpoint(bk_arena *a, const char *path, delta_action_list *l,
                                 bk_error *err) {
    pq_reader *r;
    BK_TRY(pq_reader_open(path, NULL, &r, err));
    bk_cleanup *cb = bk_arena_zalloc(a, sizeof *cb);
    if (!cb) {
        pq_reader_close(r);
        return BK_OUT_OF_MEMORY;
    }
    cb->fn = close_reader;
    cb->arg = r;
    bk_arena_on_reset(a, cb);
    const bk_type *schema = pq_reader_schema(r);
    uint32_t n = schema->n_children;
    uint32_t *fields = bk_arena_array(a, n ? n : 1, sizeof *fields);
    bk_vector **cols = bk_arena_array(a, n ? n : 1, sizeof *cols);
    if (!fields || !cols) return BK_OUT_OF_MEMORY;
    for (uint32_t i = 0; i < n; i++) fields[i] = i;
    for (uint32_t g = 0; g < pq_reader_num_row_groups(r); g++) {
        BK_TRY(pq_reader_read_row_group(r, a, g, fields, n, cols, err));
        BK_TRY(delta_actions_from_checkpoint(a, path, cols, schema->field_names, n,
                                             n ? cols[0]->n : 0, l, err));
    }
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Deep comparison of actions (NULL and absent compare equal to themselves only)
 * ------------------------------------------------------------------------------------------- */

static bool str_eq(const char *x, const char *y) {
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static bool kv_eq(const delta_kv *x, const delta_kv *y) {
    if (x->n != y->n) return false;
    for (uint32_t i = 0; i < x->n; i++)
        if (!str_eq(x->keys[i], y->keys[i]) || !str_eq(x->values[i], y->values[i])) return false;
    return true;
}

static bool strs_eq(uint32_t n, const char **x, uint32_t m, const char **y) {
    if (n != m) return false;
    for (uint32_t i = 0; i < n; i++)
        if (!str_eq(x[i], y[i])) return false;
    return true;
}

static bool dv_eq(const delta_dv_ref *x, const delta_dv_ref *y) {
    return x->storage_type == y->storage_type &&
           str_eq(x->path_or_inline_dv, y->path_or_inline_dv) && x->has_offset == y->has_offset &&
           (!x->has_offset || x->offset == y->offset) && x->size_in_bytes == y->size_in_bytes &&
           x->cardinality == y->cardinality && x->has_max_row_index == y->has_max_row_index &&
           (!x->has_max_row_index || x->max_row_index == y->max_row_index);
}

/* Compare file actions; `no_stats_tags` skips stats and tags (checkpoint removes drop them). */
static const char *file_diff(const delta_file_action *x, const delta_file_action *y,
                             bool no_stats_tags) {
    if (!str_eq(x->path, y->path)) return "path";
    if (!str_eq(x->path_decoded, y->path_decoded)) return "path_decoded";
    if (!kv_eq(&x->partition_values, &y->partition_values)) return "partitionValues";
    if (x->has_size != y->has_size || x->size != y->size) return "size";
    if (x->modification_time != y->modification_time) return "modificationTime";
    if (x->data_change != y->data_change) return "dataChange";
    if (!no_stats_tags && !str_eq(x->stats, y->stats)) return "stats";
    if (!no_stats_tags && !kv_eq(&x->tags, &y->tags)) return "tags";
    if (x->has_dv != y->has_dv || (x->has_dv && !dv_eq(&x->dv, &y->dv))) return "deletionVector";
    if (x->has_base_row_id != y->has_base_row_id || x->base_row_id != y->base_row_id)
        return "baseRowId";
    if (x->has_default_row_commit_version != y->has_default_row_commit_version ||
        x->default_row_commit_version != y->default_row_commit_version)
        return "defaultRowCommitVersion";
    if (x->has_deletion_timestamp != y->has_deletion_timestamp ||
        x->deletion_timestamp != y->deletion_timestamp)
        return "deletionTimestamp";
    if (x->extended_file_metadata != y->extended_file_metadata) return "extendedFileMetadata";
    if (!str_eq(x->clustering_provider, y->clustering_provider)) return "clusteringProvider";
    return NULL;
}

/* NULL when equal, else the name of the first field that differs. */
static const char *action_diff(const delta_action *x, const delta_action *y, bool checkpoint) {
    if (x->kind != y->kind) return "kind";
    switch (x->kind) {
    case DELTA_ACTION_PROTOCOL: {
        const delta_protocol *p = &x->u.protocol, *q = &y->u.protocol;
        if (p->min_reader_version != q->min_reader_version) return "minReaderVersion";
        if (p->min_writer_version != q->min_writer_version) return "minWriterVersion";
        if (p->has_reader_features != q->has_reader_features ||
            !strs_eq(p->n_reader_features, p->reader_features, q->n_reader_features,
                     q->reader_features))
            return "readerFeatures";
        if (p->has_writer_features != q->has_writer_features ||
            !strs_eq(p->n_writer_features, p->writer_features, q->n_writer_features,
                     q->writer_features))
            return "writerFeatures";
        return NULL;
    }
    case DELTA_ACTION_METADATA: {
        const delta_metadata *m = &x->u.metadata, *n = &y->u.metadata;
        if (!str_eq(m->id, n->id)) return "id";
        if (!str_eq(m->name, n->name)) return "name";
        if (!str_eq(m->description, n->description)) return "description";
        if (!str_eq(m->format_provider, n->format_provider)) return "format";
        if (!str_eq(m->schema_string, n->schema_string)) return "schemaString";
        if (!strs_eq(m->n_partition_columns, m->partition_columns, n->n_partition_columns,
                     n->partition_columns))
            return "partitionColumns";
        if (!kv_eq(&m->configuration, &n->configuration)) return "configuration";
        if (m->has_created_time != n->has_created_time || m->created_time != n->created_time)
            return "createdTime";
        return NULL;
    }
    case DELTA_ACTION_ADD:
    case DELTA_ACTION_CDC:
        return file_diff(&x->u.file, &y->u.file, false);
    case DELTA_ACTION_REMOVE:
        return file_diff(&x->u.file, &y->u.file, checkpoint);
    case DELTA_ACTION_TXN:
        if (!str_eq(x->u.txn.app_id, y->u.txn.app_id)) return "appId";
        if (x->u.txn.version != y->u.txn.version) return "version";
        if (x->u.txn.has_last_updated != y->u.txn.has_last_updated ||
            x->u.txn.last_updated != y->u.txn.last_updated)
            return "lastUpdated";
        return NULL;
    case DELTA_ACTION_COMMIT_INFO: {
        const delta_commit_info *c = &x->u.commit_info, *d = &y->u.commit_info;
        if (!str_eq(c->json, d->json)) return "json";
        if (c->has_timestamp != d->has_timestamp || c->timestamp != d->timestamp)
            return "timestamp";
        if (c->has_in_commit_timestamp != d->has_in_commit_timestamp ||
            c->in_commit_timestamp != d->in_commit_timestamp)
            return "inCommitTimestamp";
        if (!str_eq(c->operation, d->operation)) return "operation";
        return NULL;
    }
    case DELTA_ACTION_DOMAIN_METADATA:
        if (!str_eq(x->u.domain.domain, y->u.domain.domain)) return "domain";
        if (!str_eq(x->u.domain.configuration, y->u.domain.configuration)) return "configuration";
        if (x->u.domain.removed != y->u.domain.removed) return "removed";
        return NULL;
    case DELTA_ACTION_CHECKPOINT_METADATA:
        return x->u.checkpoint_version == y->u.checkpoint_version ? NULL : "version";
    case DELTA_ACTION_SIDECAR:
        if (!str_eq(x->u.sidecar.path, y->u.sidecar.path)) return "path";
        if (x->u.sidecar.size_in_bytes != y->u.sidecar.size_in_bytes) return "sizeInBytes";
        if (x->u.sidecar.modification_time != y->u.sidecar.modification_time)
            return "modificationTime";
        return NULL;
    }
    return "unknown kind";
}

/* ---------------------------------------------------------------------------------------------
 * Paths
 * ------------------------------------------------------------------------------------------- */

BK_TEST(delta_action_path_decode) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(delta_path_decode(a, "part-0.parquet"), "part-0.parquet");
    ASSERT_STR_EQ(delta_path_decode(a, "special%20p@%23h"), "special p@#h");
    ASSERT_STR_EQ(delta_path_decode(a, "c2=+%20%253D%25250/x"), "c2=+ %3D%250/x");
    ASSERT_STR_EQ(delta_path_decode(a, "bar%2dbar%2D"), "bar-bar-");
    ASSERT_STR_EQ(delta_path_decode(a, "%C3%A9t%c3%a9"), "\xc3\xa9t\xc3\xa9");
    ASSERT_STR_EQ(delta_path_decode(a, ""), "");
    ASSERT_TRUE(delta_path_decode(a, "%") == NULL);
    ASSERT_TRUE(delta_path_decode(a, "abc%2") == NULL);
    ASSERT_TRUE(delta_path_decode(a, "a%zz") == NULL);
    ASSERT_TRUE(delta_path_decode(a, "a%g1") == NULL);
    ASSERT_TRUE(delta_path_decode(a, "a%00b") == NULL);
    ASSERT_TRUE(!bk_arena_failed(a));
    bk_arena_free(a);
}

BK_TEST(delta_action_path_encode) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_STR_EQ(delta_path_encode(a, "part-00000-a_b.c000.snappy.parquet"),
                  "part-00000-a_b.c000.snappy.parquet");
    ASSERT_STR_EQ(delta_path_encode(a, "special p@#h"), "special%20p@%23h");
    /* Spark's double escaping: the Hive directory name already has %3A */
    ASSERT_STR_EQ(delta_path_encode(a, "ts=2024-01-01 10%3A00%3A00/part-0.parquet"),
                  "ts=2024-01-01%2010%253A00%253A00/part-0.parquet");
    ASSERT_STR_EQ(delta_path_encode(a, "a:b?c[d]e\\f\"g"), "a%3Ab%3Fc%5Bd%5De%5Cf%22g");
    ASSERT_STR_EQ(delta_path_encode(a, "x=+,;$&'()*!~"), "x=+,;$&'()*!~");
    ASSERT_STR_EQ(delta_path_encode(a, "\xc3\xa9\t\x7f"), "%C3%A9%09%7F");
    ASSERT_STR_EQ(delta_path_encode(a, ""), "");
    const char *weird = "dir with space/\x01%25 #?:\xff.parquet";
    ASSERT_STR_EQ(delta_path_decode(a, delta_path_encode(a, weird)), weird);
    bk_arena_free(a);
}

/*
 * Every path in every JSON log of the test data decodes; re-encoding the decoded
 * path gives back the log's string for what Spark wrote (the special-character
 * tables included), and always decodes back to the same file.
 */
BK_TEST(delta_action_path_roundtrip_testdata) {
    NEED_DATA();
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    path_list files;
    find_all(a, is_json_log, &files);
    ASSERT_TRUE(files.n > 300);
    size_t n_paths = 0, n_escaped = 0, n_exact = 0;
    bk_error err;
    for (size_t i = 0; i < files.n; i++) {
        size_t len;
        char *text = slurp(a, files.items[i], &len);
        ASSERT_TRUE(text != NULL);
        delta_action_list l = {0};
        bk_error_clear(&err);
        if (delta_actions_parse_json(a, files.items[i], text, len, &l, &err) != BK_OK) continue;
        for (size_t k = 0; k < l.n; k++) {
            delta_action_kind kind = l.items[k].kind;
            if (kind != DELTA_ACTION_ADD && kind != DELTA_ACTION_REMOVE && kind != DELTA_ACTION_CDC)
                continue;
            const delta_file_action *f = &l.items[k].u.file;
            n_paths++;
            ASSERT_TRUE(f->path_decoded != NULL);
            const char *enc = delta_path_encode(a, f->path_decoded);
            ASSERT_STR_EQ(delta_path_decode(a, enc), f->path_decoded);
            if (!strchr(f->path, '%')) continue;
            n_escaped++;
            /* absolute URIs keep their scheme's ':'; "%2D" is a needless escape of '-' */
            if (strchr(f->path, ':') || strstr(f->path, "%2D")) continue;
            ASSERT_STR_EQ(enc, f->path);
            n_exact++;
        }
    }
    ASSERT_TRUE(n_paths > 1000);
    ASSERT_TRUE(n_escaped >= 50);
    ASSERT_TRUE(n_exact >= 45);
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Parsing JSON
 * ------------------------------------------------------------------------------------------- */

/* Every commit, compaction and JSON checkpoint in the test data parses. */
BK_TEST(delta_action_parse_all_testdata) {
    NEED_DATA();
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    path_list files;
    find_all(a, is_json_log, &files);
    ASSERT_TRUE(files.n > 300);
    size_t counts[DELTA_ACTION_SIDECAR + 1] = {0};
    bk_error err;
    for (size_t i = 0; i < files.n; i++) {
        size_t len;
        char *text = slurp(a, files.items[i], &len);
        ASSERT_TRUE(text != NULL);
        delta_action_list l = {0};
        bk_error_clear(&err);
        ASSERT_OK(delta_actions_parse_json(a, files.items[i], text, len, &l, &err), &err);
        for (size_t k = 0; k < l.n; k++) counts[l.items[k].kind]++;
    }
    /* every kind of action occurs somewhere */
    for (int k = 0; k <= DELTA_ACTION_SIDECAR; k++) ASSERT_TRUE(counts[k] > 0);
    bk_arena_free(a);
}

/* Delta 0.1.0 wrote no dataChange on old removes, no createdTime, no stats. */
BK_TEST(delta_action_parse_old_spark_log) {
    NEED_DATA();
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char path[1024];
    snprintf(path, sizeof path, "%s/delta-spark/delta-0.1.0/_delta_log/00000000000000000000.json",
             bk_test_data_dir());
    size_t len;
    char *text = slurp(a, path, &len);
    ASSERT_TRUE(text != NULL);
    delta_action_list l = {0};
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(delta_actions_parse_json(a, path, text, len, &l, &err), &err);
    ASSERT_EQ(l.n, 4);
    ASSERT_EQ(l.items[0].kind, DELTA_ACTION_PROTOCOL);
    ASSERT_EQ(l.items[0].u.protocol.min_reader_version, 1);
    ASSERT_EQ(l.items[0].u.protocol.min_writer_version, 1);
    ASSERT_TRUE(!l.items[0].u.protocol.has_reader_features);
    const delta_metadata *m = &l.items[1].u.metadata;
    ASSERT_EQ(l.items[1].kind, DELTA_ACTION_METADATA);
    ASSERT_STR_EQ(m->id, "2edf2c02-bb63-44e9-a84c-517fad0db296");
    ASSERT_STR_EQ(m->format_provider, "parquet");
    ASSERT_TRUE(m->name == NULL && m->description == NULL && !m->has_created_time);
    ASSERT_EQ(m->n_partition_columns, 0);
    ASSERT_EQ(m->configuration.n, 0);
    ASSERT_CONTAINS(m->schema_string, "\"name\":\"value\"");
    const delta_file_action *f = &l.items[2].u.file;
    ASSERT_EQ(l.items[2].kind, DELTA_ACTION_ADD);
    ASSERT_STR_EQ(f->path, "part-00000-f4aeebd0-a689-4e1b-bc7a-bbb0ec59dce5-c000.snappy.parquet");
    ASSERT_STR_EQ(f->path_decoded, f->path);
    ASSERT_TRUE(f->has_size);
    ASSERT_EQ(f->size, 525);
    ASSERT_EQ(f->modification_time, 1501109075000);
    ASSERT_TRUE(f->data_change && !f->stats && !f->has_dv && f->tags.n == 0);

    /* a remove with nothing but a path */
    ASSERT_OK(parse(a, "{\"remove\":{\"path\":\"x.parquet\"}}", &l, &err), &err);
    ASSERT_EQ(l.n, 1);
    f = &l.items[0].u.file;
    ASSERT_TRUE(f->data_change && !f->has_size && f->size == -1 && !f->has_deletion_timestamp);
    ASSERT_TRUE(!f->extended_file_metadata && f->partition_values.n == 0);
    bk_arena_free(a);
}

BK_TEST(delta_action_parse_all_fields) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_action_list l;
    bk_error err;
    const char *text =
        "{\"commitInfo\":{\"timestamp\":1700000000000,\"inCommitTimestamp\":1700000000001,"
        "\"operation\":\"WRITE\",\"operationParameters\":{\"mode\":\"Append\",\"n\":[1,2.5]},"
        "\"z\":null,\"a\":true}}\n"
        "\n"
        "   \r\n"
        "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,"
        "\"readerFeatures\":[\"deletionVectors\"],\"writerFeatures\":[\"deletionVectors\","
        "\"rowTracking\"]}}\n"
        "{\"metaData\":{\"id\":\"id-1\",\"name\":\"t\",\"description\":\"d\",\"format\":"
        "{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"{}\",\"partitionColumns\":"
        "[\"p\",\"q\"],\"configuration\":{\"delta.appendOnly\":\"true\",\"k\":null},"
        "\"createdTime\":123,\"unknownField\":{\"x\":1}}}\n"
        "{\"add\":{\"path\":\"p=a%20b/f.parquet\",\"partitionValues\":{\"p\":\"a b\",\"q\":null},"
        "\"size\":10,\"modificationTime\":20,\"dataChange\":false,\"stats\":\"{\\\"numRecords\\\""
        ":3}\",\"tags\":{\"INSERTION_TIME\":\"1\"},\"deletionVector\":{\"storageType\":\"u\","
        "\"pathOrInlineDv\":\"ab^-aqEH.-t@S}K{vb[*k^\",\"offset\":4,\"sizeInBytes\":40,"
        "\"cardinality\":6,\"maxRowIndex\":99},\"baseRowId\":7,\"defaultRowCommitVersion\":8,"
        "\"clusteringProvider\":\"liquid\"}}\n"
        "{\"remove\":{\"path\":\"f.parquet\",\"deletionTimestamp\":5,\"dataChange\":true,"
        "\"extendedFileMetadata\":true,\"partitionValues\":{},\"size\":3,\"deletionVector\":"
        "{\"storageType\":\"i\",\"pathOrInlineDv\":\"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lk"
        "bi5=-{L\",\"sizeInBytes\":40,\"cardinality\":6}}}\n"
        "{\"cdc\":{\"path\":\"_change_data/c.parquet\",\"partitionValues\":{},\"size\":9}}\n"
        "{\"txn\":{\"appId\":\"app\",\"version\":42,\"lastUpdated\":77}}\n"
        "{\"domainMetadata\":{\"domain\":\"delta.rowTracking\",\"configuration\":"
        "\"{\\\"rowIdHighWaterMark\\\":9}\",\"removed\":false}}\n"
        "{\"checkpointMetadata\":{\"version\":11,\"tags\":{}}}\n"
        "{\"sidecar\":{\"path\":\"s.parquet\",\"sizeInBytes\":100,\"modificationTime\":200}}\n"
        "{\"someFutureAction\":{\"x\":1}}\n"
        "{\"add\":null}";
    ASSERT_OK(parse(a, text, &l, &err), &err);
    ASSERT_EQ(l.n, 10);

    const delta_commit_info *ci = &l.items[0].u.commit_info;
    ASSERT_EQ(l.items[0].kind, DELTA_ACTION_COMMIT_INFO);
    ASSERT_STR_EQ(ci->json, "{\"timestamp\":1700000000000,\"inCommitTimestamp\":1700000000001,"
                            "\"operation\":\"WRITE\",\"operationParameters\":{\"mode\":\"Append\","
                            "\"n\":[1,2.5]},\"z\":null,\"a\":true}");
    ASSERT_TRUE(ci->has_timestamp && ci->timestamp == 1700000000000);
    ASSERT_TRUE(ci->has_in_commit_timestamp && ci->in_commit_timestamp == 1700000000001);
    ASSERT_STR_EQ(ci->operation, "WRITE");

    const delta_protocol *p = &l.items[1].u.protocol;
    ASSERT_TRUE(p->has_reader_features && p->has_writer_features);
    ASSERT_EQ(p->n_reader_features, 1);
    ASSERT_EQ(p->n_writer_features, 2);
    ASSERT_STR_EQ(p->writer_features[1], "rowTracking");

    const delta_metadata *m = &l.items[2].u.metadata;
    ASSERT_STR_EQ(m->name, "t");
    ASSERT_STR_EQ(m->description, "d");
    ASSERT_EQ(m->n_partition_columns, 2);
    ASSERT_STR_EQ(m->partition_columns[1], "q");
    bool found;
    ASSERT_STR_EQ(delta_kv_get(&m->configuration, "delta.appendOnly", &found), "true");
    ASSERT_TRUE(delta_kv_get(&m->configuration, "k", &found) == NULL && found);
    ASSERT_TRUE(delta_kv_get(&m->configuration, "nope", &found) == NULL && !found);
    ASSERT_TRUE(m->has_created_time && m->created_time == 123);

    const delta_file_action *f = &l.items[3].u.file;
    ASSERT_EQ(l.items[3].kind, DELTA_ACTION_ADD);
    ASSERT_STR_EQ(f->path, "p=a%20b/f.parquet");
    ASSERT_STR_EQ(f->path_decoded, "p=a b/f.parquet");
    ASSERT_STR_EQ(delta_kv_get(&f->partition_values, "p", &found), "a b");
    ASSERT_TRUE(delta_kv_get(&f->partition_values, "q", &found) == NULL && found);
    ASSERT_TRUE(!f->data_change);
    ASSERT_STR_EQ(f->stats, "{\"numRecords\":3}");
    ASSERT_STR_EQ(delta_kv_get(&f->tags, "INSERTION_TIME", NULL), "1");
    ASSERT_TRUE(f->has_dv && f->dv.storage_type == 'u' && f->dv.has_offset && f->dv.offset == 4);
    ASSERT_STR_EQ(f->dv.path_or_inline_dv, "ab^-aqEH.-t@S}K{vb[*k^");
    ASSERT_TRUE(f->dv.size_in_bytes == 40 && f->dv.cardinality == 6);
    ASSERT_TRUE(f->dv.has_max_row_index && f->dv.max_row_index == 99);
    ASSERT_TRUE(f->has_base_row_id && f->base_row_id == 7);
    ASSERT_TRUE(f->has_default_row_commit_version && f->default_row_commit_version == 8);
    ASSERT_STR_EQ(f->clustering_provider, "liquid");

    f = &l.items[4].u.file;
    ASSERT_EQ(l.items[4].kind, DELTA_ACTION_REMOVE);
    ASSERT_TRUE(f->has_deletion_timestamp && f->deletion_timestamp == 5);
    ASSERT_TRUE(f->extended_file_metadata && f->has_size && f->size == 3);
    ASSERT_TRUE(f->has_dv && f->dv.storage_type == 'i' && !f->dv.has_offset);
    ASSERT_TRUE(!f->dv.has_max_row_index);

    f = &l.items[5].u.file;
    ASSERT_EQ(l.items[5].kind, DELTA_ACTION_CDC);
    ASSERT_TRUE(!f->data_change && f->size == 9);

    ASSERT_EQ(l.items[6].kind, DELTA_ACTION_TXN);
    ASSERT_STR_EQ(l.items[6].u.txn.app_id, "app");
    ASSERT_EQ(l.items[6].u.txn.version, 42);
    ASSERT_TRUE(l.items[6].u.txn.has_last_updated && l.items[6].u.txn.last_updated == 77);

    ASSERT_EQ(l.items[7].kind, DELTA_ACTION_DOMAIN_METADATA);
    ASSERT_STR_EQ(l.items[7].u.domain.domain, "delta.rowTracking");
    ASSERT_STR_EQ(l.items[7].u.domain.configuration, "{\"rowIdHighWaterMark\":9}");
    ASSERT_TRUE(!l.items[7].u.domain.removed);

    ASSERT_EQ(l.items[8].kind, DELTA_ACTION_CHECKPOINT_METADATA);
    ASSERT_EQ(l.items[8].u.checkpoint_version, 11);
    ASSERT_EQ(l.items[9].kind, DELTA_ACTION_SIDECAR);
    ASSERT_STR_EQ(l.items[9].u.sidecar.path, "s.parquet");
    ASSERT_EQ(l.items[9].u.sidecar.size_in_bytes, 100);
    ASSERT_EQ(l.items[9].u.sidecar.modification_time, 200);
    bk_arena_free(a);
}

/* Parse one line and expect BK_CORRUPT with a message containing `msg`. */
#define ASSERT_PARSE_FAILS(text, want)                                                             \
    do {                                                                                           \
        delta_action_list l_;                                                                      \
        bk_error e_;                                                                               \
        ASSERT_FAILS(parse(a, text, &l_, &e_), BK_CORRUPT);                                        \
        ASSERT_CONTAINS(e_.msg, want);                                                             \
    } while (0)

BK_TEST(delta_action_parse_errors) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":\"12\"}}",
                       "delta log \"00000000000000000001.json\": line 1: add.size: expected an "
                       "integer, found string \"12\"");
    ASSERT_PARSE_FAILS("\n{\"add\":{\"path\":\"a\",\"partitionValues\":{}}}",
                       "line 2: add.size: required field is missing");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a\",\"size\":1}}",
                       "add.partitionValues: required field is missing");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a\",\"size\":1,\"partitionValues\":{\"x\":1}}}",
                       "add.partitionValues.x: expected a string or null, found integer 1");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a%zz\",\"size\":1,\"partitionValues\":{}}}",
                       "add.path: bad percent-escape in \"a%zz\"");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":7}}", "add.path: expected a string, found integer 7");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a\",\"size\":1.5,\"partitionValues\":{}}}",
                       "add.size: expected an integer, found number 1.5");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a\",\"size\":1,\"partitionValues\":{},"
                       "\"dataChange\":\"true\"}}",
                       "add.dataChange: expected true or false, found string \"true\"");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a\",\"size\":1,\"partitionValues\":{},"
                       "\"deletionVector\":{\"storageType\":\"x\"}}}",
                       "add.deletionVector.storageType: expected \"u\", \"i\" or \"p\"");
    ASSERT_PARSE_FAILS("{\"remove\":{\"path\":\"a\",\"deletionVector\":{\"storageType\":\"u\","
                       "\"pathOrInlineDv\":\"x\",\"sizeInBytes\":1}}}",
                       "remove.deletionVector.cardinality: required field is missing");
    ASSERT_PARSE_FAILS("{\"remove\":{\"path\":\"a\",\"deletionVector\":{\"storageType\":\"u\","
                       "\"pathOrInlineDv\":\"x\",\"sizeInBytes\":3000000000,\"cardinality\":1}}}",
                       "remove.deletionVector.sizeInBytes: value 3000000000 does not fit");
    ASSERT_PARSE_FAILS("{\"remove\":{}}", "remove.path: required field is missing");
    ASSERT_PARSE_FAILS("{\"remove\":[1]}", "remove: expected an object, found an array");
    ASSERT_PARSE_FAILS("{\"metaData\":{\"schemaString\":\"{}\"}}",
                       "metaData.id: required field is missing");
    ASSERT_PARSE_FAILS("{\"metaData\":{\"id\":\"x\",\"schemaString\":\"{}\","
                       "\"partitionColumns\":[\"a\",null]}}",
                       "metaData.partitionColumns[1]: expected a string, found null");
    ASSERT_PARSE_FAILS("{\"protocol\":{\"minReaderVersion\":1}}",
                       "protocol.minWriterVersion: required field is missing");
    ASSERT_PARSE_FAILS("{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2,"
                       "\"writerFeatures\":\"x\"}}",
                       "protocol.writerFeatures: expected an array of strings");
    ASSERT_PARSE_FAILS("{\"txn\":{\"appId\":\"a\"}}", "txn.version: required field is missing");
    ASSERT_PARSE_FAILS("{\"domainMetadata\":{\"domain\":\"d\",\"configuration\":\"{}\"}}",
                       "domainMetadata.removed: required field is missing");
    ASSERT_PARSE_FAILS("{\"checkpointMetadata\":{}}",
                       "checkpointMetadata.version: required field is missing");
    ASSERT_PARSE_FAILS("{\"sidecar\":{\"sizeInBytes\":1}}", "sidecar.path: required field");
    ASSERT_PARSE_FAILS("{\"commitInfo\":{\"inCommitTimestamp\":\"x\"}}",
                       "commitInfo.inCommitTimestamp: expected an integer");
    ASSERT_PARSE_FAILS("{\"protocol\":{\"minReaderVersion\":1,", "line 1: invalid JSON");
    ASSERT_PARSE_FAILS("{\"txn\":{\"appId\":\"a\",\"version\":1}}\n[1]",
                       "line 2: expected a JSON object, found an array");
    ASSERT_PARSE_FAILS("{\"a\":1} {\"b\":2}", "line 1: invalid JSON");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"a\",\"size\":99999999999999999999}}", "invalid JSON");

    /* commitInfo is free-form: odd types of fields we do not need are not errors */
    delta_action_list l;
    bk_error err;
    ASSERT_OK(parse(a, "{\"commitInfo\":{\"timestamp\":\"x\",\"operation\":5}}", &l, &err), &err);
    ASSERT_TRUE(!l.items[0].u.commit_info.has_timestamp);
    ASSERT_TRUE(l.items[0].u.commit_info.operation == NULL);
    /* a failing file appends nothing, even the lines before the bad one */
    ASSERT_OK(parse(a, "{\"txn\":{\"appId\":\"a\",\"version\":1}}", &l, &err), &err);
    const char *bad = "{\"txn\":{\"appId\":\"b\",\"version\":2}}\n{\"txn\":{}}";
    ASSERT_FAILS(delta_actions_parse_json(a, "f", bad, strlen(bad), &l, &err), BK_CORRUPT);
    ASSERT_EQ(l.n, 1);
    ASSERT_STR_EQ(l.items[0].u.txn.app_id, "a");
    /* a metaData without schemaString (Spark's own test tables) has an empty schema */
    ASSERT_OK(parse(a, "{\"metaData\":{\"id\":\"x\"}}", &l, &err), &err);
    ASSERT_STR_EQ(l.items[0].u.metadata.schema_string, "{\"type\":\"struct\",\"fields\":[]}");
    /* an empty file, and one of blank lines, hold no actions */
    ASSERT_OK(parse(a, "", &l, &err), &err);
    ASSERT_EQ(l.n, 0);
    ASSERT_OK(parse(a, "\n\n  \n", &l, &err), &err);
    ASSERT_EQ(l.n, 0);
    bk_arena_free(a);
}

/* A failed allocation mid-parse is a clean BK_OUT_OF_MEMORY. */
BK_TEST(delta_action_parse_oom) {
    const char *text = "{\"add\":{\"path\":\"a%20b\",\"partitionValues\":{\"p\":\"1\"},\"size\":1,"
                       "\"tags\":{\"k\":\"v\"},\"stats\":\"{}\"}}\n"
                       "{\"metaData\":{\"id\":\"x\",\"schemaString\":\"{}\","
                       "\"partitionColumns\":[\"p\"]}}\n{\"commitInfo\":{\"a\":1}}";
    int failures = 0;
    for (size_t limit = 64; limit < 8192; limit += 64) {
        bk_arena *a = bk_arena_new(NULL, "t", limit);
        delta_action_list l = {0};
        bk_error err;
        bk_error_clear(&err);
        bk_status st = delta_actions_parse_json(a, "f", text, strlen(text), &l, &err);
        if (st != BK_OK) {
            ASSERT_EQ(st, BK_OUT_OF_MEMORY);
            failures++;
        }
        bk_arena_free(a);
    }
    ASSERT_TRUE(failures > 0);
}

/* ---------------------------------------------------------------------------------------------
 * Parsing JSON: the scanner against jansson.  The parser used to be jansson
 * (json_loadb, then field lookups); it must accept and reject the same lines,
 * give the same messages and re-serialise commitInfo to the same bytes.  These
 * tests keep jansson on the side as the reference.
 * ------------------------------------------------------------------------------------------- */

/*
 * jansson's verdict on text[0..len): true if it parses; otherwise the message
 * our parser must give for it as line 1 of "f.json" goes to msg.
 */
static bool jansson_verdict(const char *text, size_t len, char *msg, size_t cap) {
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    if (root) {
        json_decref(root);
        return true;
    }
    snprintf(msg, cap, "delta log \"f.json\": line 1: invalid JSON at column %d: %s", jerr.column,
             jerr.text);
    return false;
}

/*
 * Parse text[0..len) (one line) from a heap copy of exactly len bytes (so that
 * ASan sees any read past the end) and check the verdict and message against
 * jansson's.
 */
static bool same_verdict(const char *text, size_t len, char *why, size_t cap) {
    char want[600];
    bool blank = strspn(text, " \t\r") >= len; /* a blank line holds no action: not an error */
    bool ok = blank || jansson_verdict(text, len, want, sizeof want);
    char *copy = bk_malloc(len ? len : 1);
    if (len) memcpy(copy, text, len);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_action_list l = {0};
    bk_error err;
    bk_error_clear(&err);
    bk_status st = delta_actions_parse_json(a, "f.json", copy, len, &l, &err);
    bool same = ok ? st == BK_OK : st == BK_CORRUPT && strcmp(err.msg, want) == 0;
    if (!same)
        snprintf(why, cap, "%.*s: jansson %s, we say %s", (int)BK_MIN(len, 120), text,
                 ok ? "accepts" : want, st == BK_OK ? "OK" : err.msg);
    bk_arena_free(a);
    bk_free(copy);
    return same;
}

#define ASSERT_SAME_VERDICT(text, len)                                                             \
    do {                                                                                           \
        char why_[1400];                                                                           \
        if (!same_verdict(text, len, why_, sizeof why_)) {                                         \
            bk_test_fail(__FILE__, __LINE__, "%s", why_);                                          \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Lines of {"x": VALUE}: the value alone decides, so each is valid iff jansson says so. */
BK_TEST(delta_action_parse_json_strictness) {
    static const char *const values[] = {
        /* literals and numbers */
        "true", "false", "null", "tru", "nul", "truex", "nullnull", "True", "0", "-0", "01", "-01",
        "1.", ".5", "+1", "-", "1e", "1e+", "1E-2", "1.5e300", "1e308", "1e309", "-1e309", "1e-400",
        "123456789012345678901234567890.5", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "99999999999999999999", "00", "0x10", "NaN",
        "Infinity", "1_000", "1 2",
        /* strings */
        "\"\"", "\"a\\\"b\"", "\"\\/\\b\\f\\n\\r\\t\\\\\"", "\"\\x\"", "\"\\u00e9\"", "\"\\u00E9\"",
        "\"\\u0000\"", "\"\\u001f\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\uD83D\\uDE00\"",
        "\"\\uD83D\"", "\"\\uD83Dx\"", "\"\\uD83D\\n\"", "\"\\uD83D\\u0041\"", "\"\\uDE00\"",
        "\"\\uD83D\\uD83D\"", "\"\\\"", "\"abc", "\"a\tb\"", "\"a\x01\"", "\"\x7f\"",
        "\"\xc3\xa9\"", "\"\xc3\"", "\"\xc3x\"", "\"\xc0\xaf\"", "\"\xe0\x80\xaf\"",
        "\"\xed\xa0\x80\"", "\"\xf4\x8f\xbf\xbf\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"",
        "\"\x80\"", "\"\xff\"", "\"\xe2\x82\xac\"", "\"\xf0\x9f\x98\x80\"", "\xc3\xa9",
        /* containers */
        "{}", "[]", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}", "{1:2}",
        "{\"a\":1,\"a\":2}", "[[[]]]", "[{\"a\":[{}]}]", "{", "[", "]", "}", "[1", "{\"a\"",
        " [ 1 , 2 ] ", "\t{\r\"a\"\r:\t1 }", "'a'", "\"\\u0061\":1"};
    char line[256];
    for (size_t i = 0; i < BK_ARRAY_LEN(values); i++) {
        int n = snprintf(line, sizeof line, "{\"x\":%s}", values[i]);
        ASSERT_SAME_VERDICT(line, (size_t)n);
    }
    /* whole lines (syntax only: a line jansson accepts must hold no bad action) */
    static const char *const lines[] = {"",
                                        "{}",
                                        "[1,{]",
                                        "1",
                                        "\"x\"",
                                        "null",
                                        "{} {}",
                                        "{}x",
                                        "{}  \r",
                                        "{\"a\":1} ,",
                                        "{\"add\":null}",
                                        "{\"\\u0061dd\":null}",
                                        "\xef\xbb\xbf{}"};
    for (size_t i = 0; i < BK_ARRAY_LEN(lines); i++)
        ASSERT_SAME_VERDICT(lines[i], strlen(lines[i]));
    /* a valid array is valid JSON but not an action line */
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_PARSE_FAILS(" [] ", "line 1: expected a JSON object, found an array");
    ASSERT_PARSE_FAILS("{\"add\":5}", "line 1: add: expected an object, found integer 5");
    bk_arena_free(a);
}

/* jansson swallows one NUL byte right after a number or a literal; so do we. */
BK_TEST(delta_action_parse_json_nul_bytes) {
    static const struct {
        const char *text;
        size_t len;
    } cases[] = {
        {"{\"x\":[1\0,2]}", 12}, {"{\"x\":[1\0\0,2]}", 13}, {"{\"x\":true\0}", 11},
        {"{\"x\":\"a\"\0}", 10}, {"{\"x\":1.5\0}", 10},     {"{\"x\":[0\0]}", 10},
        {"{\"x\":1}\0", 8},      {"{\0\"x\":1}", 8},        {"{\"x\":\"a\0\"}", 10},
        {"{\"x\":-\0 1}", 10},   {"{\"x\":1\0x}", 9},       {"\0{}", 3},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(cases); i++)
        ASSERT_SAME_VERDICT(cases[i].text, cases[i].len);
    /* the value before the NUL is read as usual */
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char text[] = "{\"txn\":{\"appId\":\"a\",\"version\":7\0}}";
    delta_action_list l = {0};
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(delta_actions_parse_json(a, "f", text, sizeof text - 1, &l, &err), &err);
    ASSERT_EQ(l.n, 1);
    ASSERT_EQ(l.items[0].u.txn.version, 7);
    bk_arena_free(a);
}

/* Nesting: jansson's limit is 2048 values deep (the top-level object is depth 1). */
BK_TEST(delta_action_parse_json_depth) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    for (size_t depth = 2040; depth <= 2052; depth++) {
        for (int scalar = 0; scalar < 2; scalar++) {
            /* {"x": [[[...(scalar? 1 : nothing)...]]]}: the object, then depth-1 values */
            size_t n_arrays = scalar ? depth - 2 : depth - 1;
            size_t len = 6 + 2 * n_arrays + (scalar ? 1 : 0) + 1;
            char *text = bk_arena_alloc(a, len);
            size_t k = 0;
            memcpy(text, "{\"x\":", 5);
            k = 5;
            for (size_t i = 0; i < n_arrays; i++) text[k++] = '[';
            if (scalar) text[k++] = '1';
            for (size_t i = 0; i < n_arrays; i++) text[k++] = ']';
            text[k++] = '}';
            ASSERT_SAME_VERDICT(text, k);
        }
    }
    /* deep commitInfo too: it is re-serialised recursively */
    size_t n = 2040;
    char *text = bk_arena_alloc(a, 2 * n + 32);
    size_t k = (size_t)snprintf(text, 32, "{\"commitInfo\":{\"x\":");
    for (size_t i = 0; i < n; i++) text[k++] = '[';
    for (size_t i = 0; i < n; i++) text[k++] = ']';
    text[k++] = '}';
    text[k++] = '}';
    ASSERT_SAME_VERDICT(text, k);
    bk_arena_free(a);
}

/* Every prefix of some lines: no read past the end (ASan), same verdict as jansson. */
BK_TEST(delta_action_parse_json_prefixes) {
    static const char *const lines[] = {
        "{\"add\":{\"path\":\"p=a%20b/f.parquet\",\"partitionValues\":{\"p\":\"a b\",\"q\":null},"
        "\"size\":10,\"modificationTime\":20,\"dataChange\":false,\"stats\":\"{\\\"numRecords\\\""
        ":3}\",\"tags\":{\"k\":\"\\u00e9\\uD83D\\uDE00\"},\"deletionVector\":{\"storageType\":"
        "\"u\","
        "\"pathOrInlineDv\":\"ab\",\"offset\":4,\"sizeInBytes\":40,\"cardinality\":6}}}",
        "{\"commitInfo\":{\"timestamp\":1,\"n\":[1.5e3,-0,true,false,null,{}],\"s\":\"\\/\"}}",
        "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},\"partitionColumns\":"
        "[\"a\",\"\xc3\xa9\"]}}"};
    for (size_t i = 0; i < BK_ARRAY_LEN(lines); i++) {
        size_t len = strlen(lines[i]);
        for (size_t n = 0; n <= len; n++) ASSERT_SAME_VERDICT(lines[i], n);
    }
}

/* The commitInfo object as jansson's json_dumpb(JSON_COMPACT) wrote it, in `a`; NULL if none. */
static char *jansson_commit_info(bk_arena *a, const char *line, size_t len) {
    json_t *root = json_loadb(line, len, 0, NULL);
    json_t *ci = root ? json_object_get(root, "commitInfo") : NULL;
    char *out = NULL;
    if (ci && json_is_object(ci)) {
        size_t n = json_dumpb(ci, NULL, 0, JSON_COMPACT);
        out = bk_arena_alloc(a, n + 1);
        json_dumpb(ci, out, n, JSON_COMPACT);
        out[n] = '\0';
    }
    json_decref(root);
    return out;
}

/* Our commitInfo.json of one line (parsed alone), or NULL when it has none. */
static const char *our_commit_info(bk_arena *a, const char *line, size_t len, bk_error *err) {
    delta_action_list l = {0};
    bk_error_clear(err);
    if (delta_actions_parse_json(a, "f.json", line, len, &l, err) != BK_OK) return "(error)";
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].kind == DELTA_ACTION_COMMIT_INFO) return l.items[i].u.commit_info.json;
    return NULL;
}

/* Every commitInfo in the test data re-serialises to exactly jansson's bytes. */
BK_TEST(delta_action_commit_info_matches_jansson_testdata) {
    NEED_DATA();
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    path_list files;
    find_all(a, is_json_log, &files);
    bk_error err;
    size_t n_compared = 0, n_escaped = 0;
    for (size_t i = 0; i < files.n; i++) {
        size_t len;
        char *text = slurp(a, files.items[i], &len);
        ASSERT_TRUE(text != NULL);
        for (size_t pos = 0; pos < len;) {
            const char *nl = memchr(text + pos, '\n', len - pos);
            size_t end = nl ? (size_t)(nl - text) : len;
            const char *want = jansson_commit_info(a, text + pos, end - pos);
            if (want) {
                const char *got = our_commit_info(a, text + pos, end - pos, &err);
                if (!got || strcmp(got, want) != 0)
                    bk_test_fail(__FILE__, __LINE__,
                                 "%s: commitInfo differs:\n  ours:    %s\n"
                                 "  jansson: %s",
                                 files.items[i], got ? got : "(none)", want);
                ASSERT_STR_EQ(got, want);
                n_compared++;
                if (memchr(text + pos, '\\', end - pos)) n_escaped++;
            }
            pos = end + 1;
        }
    }
    ASSERT_TRUE(n_compared > 600);
    ASSERT_TRUE(n_escaped > 100);
    bk_arena_free(a);
}

/* Numbers, escapes, whitespace and repeated keys in a commitInfo: jansson's bytes. */
BK_TEST(delta_action_commit_info_matches_jansson_crafted) {
    static const char *const objects[] = {
        "{}",
        " { } ",
        "{\"a\" : 1 , \"b\" :\t[ 1 , { } , [ ] ] }",
        "{\"n\":[0.1,1E5,1e5,-0.0,0.0,-0,1e-7,1.5e300,2.5,1e22,1e21,123456789012345678901234.5,"
        "5e-324,1.7976931348623157e308,-9223372036854775808,9223372036854775807,100,1E+2]}",
        "{\"s\":\"\\u00e9\\u00E9\\/\\u001f\\u001F\\u0007\\b\\f\\n\\r\\t\\\"\\\\\\u007f\\u0080\"}",
        "{\"s\":\"\\uD83D\\uDE00 \\ud83d\\ude00 \xf0\x9f\x98\x80 \xc3\xa9 \\u2028\"}",
        "{\"\\u0061\":1,\"a\":2}",
        "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"a\":1,\"a\":2,\"a\":{\"x\":1}}",
        "{\"a\":{\"x\":1,\"y\":2,\"x\":[3]},\"b\":[{\"k\":1,\"k\":2}],\"a\":{\"z\":0,\"z\":1}}",
        "{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,"
        "\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,"
        "\"k3\":33,\"k17\":17,\"k0\":{\"a\":[1,2,{\"b\":null,\"b\":true}]}}",
        "{\"timestamp\":5,\"operation\":\"WRITE\",\"timestamp\":\"x\",\"operation\":\"MERGE\"}"};
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    for (size_t i = 0; i < BK_ARRAY_LEN(objects); i++) {
        char *line = bk_arena_printf(a, "{\"commitInfo\":%s}", objects[i]);
        const char *want = jansson_commit_info(a, line, strlen(line));
        ASSERT_TRUE(want != NULL);
        ASSERT_STR_EQ(our_commit_info(a, line, strlen(line), &err), want);
    }
    /* the last one: the fields come from the last occurrence of each key */
    delta_action_list l;
    ASSERT_OK(parse(a,
                    "{\"commitInfo\":{\"timestamp\":5,\"operation\":\"WRITE\",\"timestamp\":6,"
                    "\"operation\":\"MERGE\"}}",
                    &l, &err),
              &err);
    ASSERT_TRUE(l.items[0].u.commit_info.has_timestamp && l.items[0].u.commit_info.timestamp == 6);
    ASSERT_STR_EQ(l.items[0].u.commit_info.operation, "MERGE");
    bk_arena_free(a);
}

/* A repeated key keeps its first position and its last value, at every level. */
BK_TEST(delta_action_parse_duplicate_keys) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_action_list l;
    bk_error err;
    /* actions: txn first (its first position), with the second value; add dropped by null */
    ASSERT_OK(parse(a,
                    "{\"txn\":{\"appId\":\"a\",\"version\":1},\"add\":{\"path\":\"x\"},"
                    "\"remove\":{\"path\":\"r\"},\"txn\":{\"appId\":\"b\",\"version\":2},"
                    "\"add\":null}",
                    &l, &err),
              &err);
    ASSERT_EQ(l.n, 2);
    ASSERT_EQ(l.items[0].kind, DELTA_ACTION_TXN);
    ASSERT_STR_EQ(l.items[0].u.txn.app_id, "b");
    ASSERT_EQ(l.items[1].kind, DELTA_ACTION_REMOVE);
    /* fields: a bad first value does not matter when a good one follows */
    ASSERT_OK(parse(a, "{\"txn\":{\"appId\":5,\"version\":\"x\",\"appId\":\"ok\",\"version\":3}}",
                    &l, &err),
              &err);
    ASSERT_STR_EQ(l.items[0].u.txn.app_id, "ok");
    ASSERT_PARSE_FAILS("{\"txn\":{\"appId\":\"a\",\"version\":1,\"version\":null}}",
                       "txn.version: required field is missing");
    /* maps: first position, last value; errors in that order */
    ASSERT_OK(parse(a,
                    "{\"add\":{\"path\":\"x\",\"size\":1,\"partitionValues\":{\"p\":\"1\","
                    "\"q\":\"2\",\"p\":null,\"q\":\"3\"}}}",
                    &l, &err),
              &err);
    const delta_kv *pv = &l.items[0].u.file.partition_values;
    ASSERT_EQ(pv->n, 2);
    ASSERT_STR_EQ(pv->keys[0], "p");
    ASSERT_TRUE(pv->values[0] == NULL);
    ASSERT_STR_EQ(pv->keys[1], "q");
    ASSERT_STR_EQ(pv->values[1], "3");
    ASSERT_PARSE_FAILS("{\"add\":{\"path\":\"x\",\"size\":1,\"partitionValues\":{\"p\":\"1\","
                       "\"q\":2,\"p\":3}}}",
                       "add.partitionValues.p: expected a string or null, found integer 3");
    /* a map big enough for the hash path, with repeats and escaped keys */
    bk_buf b;
    bk_buf_init(&b);
    ASSERT_OK(bk_buf_printf(&b, "{\"metaData\":{\"id\":\"m\",\"configuration\":{"), NULL);
    for (int i = 0; i < 40; i++)
        ASSERT_OK(bk_buf_printf(&b, "%s\"k%d\":\"v%d\"", i ? "," : "", i % 25, i), NULL);
    ASSERT_OK(bk_buf_printf(&b, ",\"\\u006b3\":null}}}"), NULL);
    char *text = bk_arena_strndup(a, (const char *)b.data, b.len);
    bk_buf_destroy(&b);
    ASSERT_OK(parse(a, text, &l, &err), &err);
    const delta_kv *conf = &l.items[0].u.metadata.configuration;
    ASSERT_EQ(conf->n, 25);
    for (uint32_t i = 0; i < 25; i++) {
        char key[8], value[8];
        snprintf(key, sizeof key, "k%u", i);
        snprintf(value, sizeof value, "v%u", i < 15 ? i + 25 : i);
        ASSERT_STR_EQ(conf->keys[i], key);
        if (i == 3)
            ASSERT_TRUE(conf->values[i] == NULL);
        else
            ASSERT_STR_EQ(conf->values[i], value);
    }
    bk_arena_free(a);
}

/* Escapes decode to UTF-8 wherever a string is read, keys and action names included. */
BK_TEST(delta_action_parse_escapes) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_action_list l;
    bk_error err;
    ASSERT_OK(parse(a,
                    "{\"\\u0061dd\":{\"p\\u0061th\":\"d\\u00e9j\\u00E0\\/x%20y\\uD83D\\uDE00\","
                    "\"partitionValues\":{\"\\u00e9\":\"\\t\\\"\\\\\"},\"size\":1,\"stats\":"
                    "\"{\\\"numRecords\\\":1}\"}}",
                    &l, &err),
              &err);
    ASSERT_EQ(l.n, 1);
    const delta_file_action *f = &l.items[0].u.file;
    ASSERT_STR_EQ(f->path, "d\xc3\xa9j\xc3\xa0/x%20y\xf0\x9f\x98\x80");
    ASSERT_STR_EQ(f->path_decoded, "d\xc3\xa9j\xc3\xa0/x y\xf0\x9f\x98\x80");
    ASSERT_STR_EQ(f->partition_values.keys[0], "\xc3\xa9");
    ASSERT_STR_EQ(f->partition_values.values[0], "\t\"\\");
    ASSERT_STR_EQ(f->stats, "{\"numRecords\":1}");
    /* a wrong-typed string value is shown decoded, cut at 40 bytes on a character boundary */
    ASSERT_PARSE_FAILS("{\"txn\":{\"appId\":\"a\",\"version\":\"\\u00e9\\u00e9\\u00e9\\u00e9"
                       "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
                       "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9x\"}}",
                       "txn.version: expected an integer, found string \"\xc3\xa9\xc3\xa9\xc3\xa9"
                       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...\"");
    ASSERT_PARSE_FAILS("{\"txn\":{\"appId\":\"a\",\"version\":1.5e3}}",
                       "txn.version: expected an integer, found number 1500");
    ASSERT_PARSE_FAILS("{\"txn\":{\"appId\":[],\"version\":1}}",
                       "txn.appId: expected a string, found an array");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Writing JSON
 * ------------------------------------------------------------------------------------------- */

/* Write one action and return the line (without the newline) in `a`. */
static const char *write_line(bk_arena *a, const delta_action *act, bk_error *err) {
    bk_buf b;
    bk_buf_init(&b);
    bk_error_clear(err);
    if (delta_action_write_json(act, &b, err) != BK_OK) {
        bk_buf_destroy(&b);
        return NULL;
    }
    if (b.len == 0 || b.data[b.len - 1] != '\n') {
        bk_buf_destroy(&b);
        return "(no newline)";
    }
    char *s = bk_arena_strndup(a, (const char *)b.data, b.len - 1);
    bk_buf_destroy(&b);
    return s;
}

/* Lines in Spark's field order, written back byte for byte. */
BK_TEST(delta_action_write_spark_order) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    static const char *const lines[] = {
        "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}",
        "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":"
        "[\"deletionVectors\"],\"writerFeatures\":[\"deletionVectors\",\"rowTracking\"]}}",
        "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":7,\"writerFeatures\":[]}}",
        "{\"metaData\":{\"id\":\"testId\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
        "\"schemaString\":\"{\\\"type\\\":\\\"struct\\\",\\\"fields\\\":[]}\","
        "\"partitionColumns\":[],\"configuration\":{},\"createdTime\":1698260653476}}",
        "{\"metaData\":{\"id\":\"i\",\"name\":\"n\",\"description\":\"d\",\"format\":{\"provider\":"
        "\"parquet\",\"options\":{}},\"schemaString\":\"{}\",\"partitionColumns\":[\"a\",\"b\"],"
        "\"configuration\":{\"delta.enableDeletionVectors\":\"true\",\"k\":null}}}",
        "{\"add\":{\"path\":\"part-00000.snappy.parquet\",\"partitionValues\":{},\"size\":765,"
        "\"modificationTime\":1697571679000,\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":"
        "50}\",\"tags\":{\"INSERTION_TIME\":\"1\"},\"deletionVector\":{\"storageType\":\"u\","
        "\"pathOrInlineDv\":\"h{&8fAg]=QYJvl-}c!yH\",\"offset\":1,\"sizeInBytes\":34,"
        "\"cardinality\":1,\"maxRowIndex\":49},\"baseRowId\":0,\"defaultRowCommitVersion\":1,"
        "\"clusteringProvider\":\"liquid\"}}",
        "{\"add\":{\"path\":\"p=1/f.parquet\",\"partitionValues\":{\"p\":\"1\",\"q\":null},"
        "\"size\":1,\"modificationTime\":2,\"dataChange\":false}}",
        "{\"remove\":{\"path\":\"part-00000.snappy.parquet\",\"deletionTimestamp\":1697571680016,"
        "\"dataChange\":true,\"extendedFileMetadata\":true,\"partitionValues\":{},\"size\":765,"
        "\"deletionVector\":{\"storageType\":\"i\",\"pathOrInlineDv\":\"wi5b=000010000\","
        "\"sizeInBytes\":34,\"cardinality\":1},\"stats\":\"{\\\"numRecords\\\":50}\"}}",
        "{\"remove\":{\"path\":\"a\",\"deletionTimestamp\":1,\"dataChange\":true}}",
        "{\"cdc\":{\"path\":\"_change_data/cdc-00000.c000.snappy.parquet\",\"partitionValues\":{},"
        "\"size\":1155,\"dataChange\":false}}",
        "{\"txn\":{\"appId\":\"e4a20b59\",\"version\":0,\"lastUpdated\":1564524299648}}",
        "{\"txn\":{\"appId\":\"txnId\",\"version\":0}}",
        "{\"commitInfo\":{\"timestamp\":1698260653476,\"operation\":\"Manual Update\","
        "\"operationParameters\":{},\"isBlindAppend\":true,\"engineInfo\":\"Apache-Spark/3.5.0\"}}",
        "{\"domainMetadata\":{\"domain\":\"delta.liquid\",\"configuration\":\"{\\\"a\\\":1}\","
        "\"removed\":false}}",
        "{\"checkpointMetadata\":{\"version\":6}}",
        "{\"sidecar\":{\"path\":\"s.parquet\",\"sizeInBytes\":14740,\"modificationTime\":17547}}",
    };
    bk_error err;
    for (size_t i = 0; i < BK_ARRAY_LEN(lines); i++) {
        delta_action_list l;
        ASSERT_OK(parse(a, lines[i], &l, &err), &err);
        ASSERT_EQ(l.n, 1);
        const char *out = write_line(a, &l.items[0], &err);
        ASSERT_TRUE(out != NULL);
        ASSERT_STR_EQ(out, lines[i]);
    }
    bk_arena_free(a);
}

BK_TEST(delta_action_write_escaping) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    delta_action act;
    memset(&act, 0, sizeof act);
    act.kind = DELTA_ACTION_TXN;
    act.u.txn.app_id = "q\"b\\s/\x01\x1f\b\f\n\r\t\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    act.u.txn.version = -5;
    const char *out = write_line(a, &act, &err);
    ASSERT_STR_EQ(out, "{\"txn\":{\"appId\":\"q\\\"b\\\\s/\\u0001\\u001f\\b\\f\\n\\r\\t\x7f"
                       "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"version\":-5}}");
    /* and jansson reads it back to the same bytes */
    delta_action_list l;
    ASSERT_OK(parse(a, out, &l, &err), &err);
    ASSERT_STR_EQ(l.items[0].u.txn.app_id, act.u.txn.app_id);

    /* invalid UTF-8 (a stray continuation byte, an overlong '/', a surrogate, a cut
     * sequence) is refused and leaves the buffer as it was */
    static const char *const bad[] = {"a\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82",
                                      "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        bk_buf b;
        bk_buf_init(&b);
        ASSERT_TRUE(bk_buf_append(&b, "keep", 4) == BK_OK);
        act.u.txn.app_id = bad[i];
        bk_error_clear(&err);
        bk_status st = delta_action_write_json(&act, &b, &err);
        size_t len = b.len;
        bk_buf_destroy(&b);
        ASSERT_EQ(st, BK_INVALID_ARGUMENT);
        ASSERT_EQ(len, 4);
        ASSERT_STR_EQ(err.msg, "could not write delta action \"txn\": field \"appId\" is not "
                               "valid UTF-8");
    }
    /* a required string left NULL */
    act.u.txn.app_id = NULL;
    ASSERT_TRUE(write_line(a, &act, &err) == NULL);
    ASSERT_STR_EQ(err.msg, "could not write delta action \"txn\": field \"appId\" is missing");
    /* map keys are escaped too */
    const char *keys[] = {"a\"b"}, *values[] = {"\n"};
    memset(&act, 0, sizeof act);
    act.kind = DELTA_ACTION_ADD;
    act.u.file.path = "x";
    act.u.file.partition_values = (delta_kv){1, keys, values};
    act.u.file.data_change = true;
    out = write_line(a, &act, &err);
    ASSERT_STR_EQ(out, "{\"add\":{\"path\":\"x\",\"partitionValues\":{\"a\\\"b\":\"\\n\"},"
                       "\"size\":0,\"modificationTime\":0,\"dataChange\":true}}");
    bk_arena_free(a);
}

/* A few actions of every kind, with and without their optional fields. */
static const char *const sample_log =
    "{\"commitInfo\":{\"timestamp\":1,\"inCommitTimestamp\":2,\"operation\":\"WRITE\","
    "\"x\":{\"y\":[1,\"\xc3\xa9\"]}}}\n"
    "{\"protocol\":{\"minReaderVersion\":3,\"minWriterVersion\":7,\"readerFeatures\":"
    "[\"deletionVectors\"],\"writerFeatures\":[\"deletionVectors\",\"domainMetadata\"]}}\n"
    "{\"metaData\":{\"id\":\"id\",\"name\":\"nm\",\"description\":\"de\\tsc\",\"format\":"
    "{\"provider\":\"parquet\",\"options\":{}},\"schemaString\":\"{\\\"type\\\":\\\"struct\\\"}\","
    "\"partitionColumns\":[\"p\"],\"configuration\":{\"a\":\"1\",\"b\":null},\"createdTime\":5}}\n"
    "{\"add\":{\"path\":\"p=a%20b/f%25.parquet\",\"partitionValues\":{\"p\":\"a b\"},\"size\":10,"
    "\"modificationTime\":20,\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":3}\","
    "\"tags\":{\"t\":\"v\"},\"deletionVector\":{\"storageType\":\"u\",\"pathOrInlineDv\":"
    "\"ab^-aqEH.-t@S}K{vb[*k^\",\"offset\":4,\"sizeInBytes\":40,\"cardinality\":6,"
    "\"maxRowIndex\":9},\"baseRowId\":7,\"defaultRowCommitVersion\":8,"
    "\"clusteringProvider\":\"liquid\"}}\n"
    "{\"add\":{\"path\":\"p=__HIVE_DEFAULT_PARTITION__/g.parquet\",\"partitionValues\":"
    "{\"p\":null},\"size\":11,\"modificationTime\":21,\"dataChange\":false}}\n"
    "{\"remove\":{\"path\":\"old.parquet\",\"deletionTimestamp\":30,\"dataChange\":true,"
    "\"extendedFileMetadata\":true,\"partitionValues\":{\"p\":\"x\"},\"size\":12,"
    "\"deletionVector\":{\"storageType\":\"i\",\"pathOrInlineDv\":\"wi5b=000010000siXQKl0rr91\","
    "\"sizeInBytes\":40,\"cardinality\":6},\"baseRowId\":1,\"defaultRowCommitVersion\":2}}\n"
    "{\"remove\":{\"path\":\"older.parquet\",\"dataChange\":false}}\n"
    "{\"cdc\":{\"path\":\"_change_data/c.parquet\",\"partitionValues\":{},\"size\":9,"
    "\"dataChange\":false,\"tags\":{\"k\":\"v\"}}}\n"
    "{\"txn\":{\"appId\":\"app\",\"version\":42,\"lastUpdated\":77}}\n"
    "{\"txn\":{\"appId\":\"app2\",\"version\":-1}}\n"
    "{\"domainMetadata\":{\"domain\":\"delta.rowTracking\",\"configuration\":"
    "\"{\\\"rowIdHighWaterMark\\\":9}\",\"removed\":false}}\n"
    "{\"domainMetadata\":{\"domain\":\"user.x\",\"configuration\":\"\",\"removed\":true}}\n"
    "{\"checkpointMetadata\":{\"version\":11}}\n"
    "{\"sidecar\":{\"path\":\"s.parquet\",\"sizeInBytes\":100,\"modificationTime\":200}}\n";

/* parse(write(x)) == x for every kind of action. */
BK_TEST(delta_action_write_roundtrip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_action_list l, back;
    bk_error err;
    ASSERT_OK(parse(a, sample_log, &l, &err), &err);
    ASSERT_EQ(l.n, 14);
    bk_buf b;
    bk_buf_init(&b);
    for (size_t i = 0; i < l.n; i++)
        ASSERT_OK(delta_action_write_json(&l.items[i], &b, &err), &err);
    char *text = bk_arena_strndup(a, (const char *)b.data, b.len);
    bk_buf_destroy(&b);
    ASSERT_OK(parse(a, text, &back, &err), &err);
    ASSERT_EQ(back.n, l.n);
    for (size_t i = 0; i < l.n; i++) {
        const char *diff = action_diff(&l.items[i], &back.items[i], false);
        if (diff) bk_test_fail(__FILE__, __LINE__, "action %zu differs in %s", i, diff);
        ASSERT_TRUE(diff == NULL);
    }
    /* and the text itself is stable */
    ASSERT_STR_EQ(text, sample_log);
    bk_arena_free(a);
}

/* Every action of every JSON log in the test data survives write + parse. */
BK_TEST(delta_action_write_roundtrip_testdata) {
    NEED_DATA();
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    path_list files;
    find_all(a, is_json_log, &files);
    bk_error err;
    size_t n_actions = 0;
    for (size_t i = 0; i < files.n; i++) {
        size_t len;
        char *text = slurp(a, files.items[i], &len);
        delta_action_list l = {0}, back = {0};
        ASSERT_OK(delta_actions_parse_json(a, files.items[i], text, len, &l, &err), &err);
        bk_buf b;
        bk_buf_init(&b);
        for (size_t k = 0; k < l.n; k++)
            ASSERT_OK(delta_action_write_json(&l.items[k], &b, &err), &err);
        bk_status st =
            delta_actions_parse_json(a, "rewritten", (const char *)b.data, b.len, &back, &err);
        bk_buf_destroy(&b);
        ASSERT_OK(st, &err);
        ASSERT_EQ(back.n, l.n);
        for (size_t k = 0; k < l.n; k++) {
            const char *diff = action_diff(&l.items[k], &back.items[k], false);
            if (diff)
                bk_test_fail(__FILE__, __LINE__, "%s: action %zu differs in %s", files.items[i], k,
                             diff);
            ASSERT_TRUE(diff == NULL);
        }
        n_actions += l.n;
    }
    ASSERT_TRUE(n_actions > 2000);
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Checkpoints: reading
 * ------------------------------------------------------------------------------------------- */

/* Every Parquet checkpoint (and sidecar) in the test data reads. */
BK_TEST(delta_action_checkpoint_read_all_testdata) {
    NEED_DATA();
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    path_list files;
    find_all(a, is_parquet_checkpoint, &files);
    ASSERT_TRUE(files.n >= 70);
    bk_error err;
    size_t n_dv = 0, n_stats_parsed = 0, n_cpm = 0, n_domain = 0;
    for (size_t i = 0; i < files.n; i++) {
        bk_arena *fa = bk_arena_new(a, "file", 0);
        delta_action_list l = {0};
        bk_error_clear(&err);
        bk_status st = read_checkpoint(fa, files.items[i], &l, &err);
        if (st != BK_OK) bk_test_fail(__FILE__, __LINE__, "%s", files.items[i]);
        ASSERT_OK(st, &err);
        /* a part of a multi-part checkpoint (or a sidecar) may hold no rows at all */
        bool is_part = strstr(files.items[i], "/_sidecars/") ||
                       !ends_with(files.items[i], ".checkpoint.parquet");
        ASSERT_TRUE(l.n > 0 || is_part);
        size_t n_protocol = 0, n_metadata = 0;
        for (size_t k = 0; k < l.n; k++) {
            const delta_action *act = &l.items[k];
            if (act->kind == DELTA_ACTION_PROTOCOL) n_protocol++;
            if (act->kind == DELTA_ACTION_METADATA) n_metadata++;
            if (act->kind == DELTA_ACTION_CHECKPOINT_METADATA) n_cpm++;
            if (act->kind == DELTA_ACTION_DOMAIN_METADATA) n_domain++;
            if (act->kind == DELTA_ACTION_ADD || act->kind == DELTA_ACTION_REMOVE) {
                ASSERT_TRUE(act->u.file.path_decoded != NULL);
                if (act->u.file.has_dv) n_dv++;
                if (act->u.file.stats_parsed) {
                    n_stats_parsed++;
                    ASSERT_EQ(act->u.file.stats_parsed->type->kind, BK_TYPE_STRUCT);
                    ASSERT_TRUE(act->u.file.stats_parsed_row < act->u.file.stats_parsed->n);
                }
            }
        }
        /* a whole classic checkpoint has exactly one protocol and one metaData; the
         * golden tables named "missing-*" are missing one on purpose */
        if (!is_part && !strstr(files.items[i], "missing-")) {
            ASSERT_EQ(n_protocol, 1);
            ASSERT_EQ(n_metadata, 1);
        }
        bk_arena_free(fa);
    }
    ASSERT_TRUE(n_dv > 0);
    ASSERT_TRUE(n_stats_parsed > 0);
    ASSERT_TRUE(n_cpm > 0);
    ASSERT_TRUE(n_domain > 0);
    bk_arena_free(a);
}

/*
 * The live files of a checkpoint are those of a plain replay of the JSON commits
 * up to its version: same paths, sizes and DVs.  Checked on tables that keep all
 * their commits from 0.
 */
/* The reconciliation key of a file action: path, NUL, the DV's unique id. */
static const char *file_key(bk_arena *a, const delta_file_action *f, size_t *len) {
    char *key;
    if (!f->has_dv)
        key = bk_arena_printf(a, "%s", f->path);
    else if (f->dv.has_offset)
        key = bk_arena_printf(a, "%s%c%c%s@%d", f->path, 0, f->dv.storage_type,
                              f->dv.path_or_inline_dv, (int)f->dv.offset);
    else
        key =
            bk_arena_printf(a, "%s%c%c%s", f->path, 0, f->dv.storage_type, f->dv.path_or_inline_dv);
    *len = strlen(f->path) + (f->has_dv ? 1 + strlen(key + strlen(f->path) + 1) : 0);
    return key;
}

static void check_against_replay(const char *table, int version) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_hmap *live = bk_hmap_new(true); /* path -> its latest add, or NULL once removed */
    ASSERT_TRUE(live != NULL);
    for (int v = 0; v <= version; v++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/_delta_log/%020d.json", bk_test_data_dir(), table, v);
        size_t len;
        char *text = slurp(a, path, &len);
        ASSERT_TRUE(text != NULL);
        delta_action_list l = {0};
        ASSERT_OK(delta_actions_parse_json(a, path, text, len, &l, &err), &err);
        for (size_t k = 0; k < l.n; k++) {
            delta_file_action *f = &l.items[k].u.file;
            delta_action_kind kind = l.items[k].kind;
            if (kind != DELTA_ACTION_ADD && kind != DELTA_ACTION_REMOVE) continue;
            size_t id, key_len;
            const char *key = file_key(a, f, &key_len);
            ASSERT_TRUE(bk_hmap_insert(live, key, key_len, &id, NULL) == BK_OK);
            bk_hmap_set_ptr(live, id, kind == DELTA_ACTION_ADD ? f : NULL);
        }
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/_delta_log/%020d.checkpoint.parquet", bk_test_data_dir(),
             table, version);
    delta_action_list cp = {0};
    ASSERT_OK(read_checkpoint(a, path, &cp, &err), &err);
    size_t n_live = 0, n_adds = 0;
    for (size_t id = 0; id < bk_hmap_count(live); id++) n_live += bk_hmap_ptr(live, id) != NULL;
    for (size_t k = 0; k < cp.n; k++) {
        if (cp.items[k].kind != DELTA_ACTION_ADD) continue;
        const delta_file_action *f = &cp.items[k].u.file;
        size_t id, key_len;
        const char *key = file_key(a, f, &key_len);
        ASSERT_TRUE(bk_hmap_find(live, key, key_len, &id));
        const delta_file_action *g = bk_hmap_ptr(live, id);
        ASSERT_TRUE(g != NULL);
        ASSERT_EQ(f->size, g->size);
        ASSERT_TRUE(kv_eq(&f->partition_values, &g->partition_values));
        ASSERT_EQ(f->has_dv, g->has_dv);
        if (f->has_dv) ASSERT_TRUE(dv_eq(&f->dv, &g->dv));
        ASSERT_TRUE(str_eq(f->stats, g->stats) || !f->stats);
        n_adds++;
    }
    ASSERT_EQ(n_adds, n_live);
    ASSERT_TRUE(n_adds > 0);
    bk_hmap_free(live);
    bk_arena_free(a);
}

BK_TEST(delta_action_checkpoint_matches_replay) {
    NEED_DATA();
    check_against_replay("delta-spark/delta-0.1.0", 3);
    check_against_replay("delta-spark/delta-1.2.1", 4);
    check_against_replay("delta-kernel-java/basic-dv-with-checkpoint", 10);
    check_against_replay("delta-spark/delta-1.2.1", 2);
    check_against_replay("delta-golden/basic-with-inserts-deletes-checkpoint", 10);
    check_against_replay("delta-golden/dv-partitioned-with-checkpoint", 10);
}

/* Schema mismatches and NULL required values name the column and row. */
BK_TEST(delta_action_checkpoint_errors) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const bk_type *s = bk_type_scalar(BK_TYPE_STRING), *i64 = bk_type_scalar(BK_TYPE_BIGINT);
    const char *names[] = {"path", "size", "partitionValues"};
    const bk_type *fields[] = {s, s, bk_type_make_map(a, s, s)};
    const bk_type *bad = bk_type_make_struct(a, 3, names, fields, NULL);
    bk_vector *col = bk_vector_make(a, bad, 1);
    const char *col_names[] = {"add", "commitInfo"};
    bk_vector *cols[] = {col, bk_vector_make(a, s, 1)};
    delta_action_list l = {0};
    bk_error err;
    bk_error_clear(&err);
    ASSERT_FAILS(delta_actions_from_checkpoint(a, "cp.parquet", cols, col_names, 2, 1, &l, &err),
                 BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "checkpoint \"cp.parquet\": column \"add.size\": expected an integer "
                           "type, found STRING");

    fields[1] = i64;
    const bk_type *good = bk_type_make_struct(a, 3, names, fields, NULL);
    col = bk_vector_make(a, good, 2);
    cols[0] = col;
    ASSERT_TRUE(bk_vector_ensure_validity(a, col) == BK_OK);
    bk_validity_set(col->validity, 0, false);
    ASSERT_TRUE(bk_vector_ensure_validity(a, col->children[0]) == BK_OK);
    bk_validity_set(col->children[0]->validity, 1, false);
    bk_error_clear(&err);
    ASSERT_FAILS(delta_actions_from_checkpoint(a, "cp.parquet", cols, col_names, 1, 2, &l, &err),
                 BK_CORRUPT);
    ASSERT_STR_EQ(err.msg, "checkpoint \"cp.parquet\": row 1: add.path: required value is NULL");

    const char *top[] = {"protocol"};
    bk_vector *not_struct[] = {bk_vector_make(a, i64, 1)};
    bk_error_clear(&err);
    ASSERT_FAILS(delta_actions_from_checkpoint(a, "cp.parquet", not_struct, top, 1, 1, &l, &err),
                 BK_CORRUPT);
    ASSERT_STR_EQ(
        err.msg, "checkpoint \"cp.parquet\": column \"protocol\": expected a STRUCT, found BIGINT");
    bk_arena_free(a);
}

/* ---------------------------------------------------------------------------------------------
 * Checkpoints: writing
 * ------------------------------------------------------------------------------------------- */

/*
 * Build a checkpoint from `acts`, write it with pq_writer, read it back, and check
 * every action (commitInfo and cdc are left out; removes lose stats and tags).
 */
static void check_checkpoint_roundtrip(bk_arena *a, const delta_action *acts, size_t n,
                                       bool expect_domain) {
    bk_error err;
    bk_error_clear(&err);
    const bk_type *schema;
    bk_vector **cols;
    uint32_t n_cols;
    size_t n_rows;
    ASSERT_OK(delta_checkpoint_build(a, acts, n, &schema, &cols, &n_cols, &n_rows, &err), &err);
    ASSERT_EQ(schema->n_children, n_cols);
    ASSERT_STR_EQ(schema->field_names[0], "txn");
    ASSERT_STR_EQ(schema->field_names[1], "add");
    ASSERT_STR_EQ(schema->field_names[4], "protocol");
    ASSERT_EQ(n_cols > 5 && strcmp(schema->field_names[5], "domainMetadata") == 0, expect_domain);

    char path[1024];
    snprintf(path, sizeof path, "%s/00000000000000000010.checkpoint.parquet", bk_test_tmpdir());
    pq_writer *w;
    ASSERT_OK(pq_writer_open(path, schema, NULL, &w, &err), &err);
    ASSERT_OK(pq_writer_write(w, cols, n_rows, &err), &err);
    ASSERT_OK(pq_writer_close(w, &err), &err);

    delta_action_list back = {0};
    ASSERT_OK(read_checkpoint(a, path, &back, &err), &err);
    ASSERT_EQ(back.n, n_rows);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (acts[i].kind == DELTA_ACTION_COMMIT_INFO || acts[i].kind == DELTA_ACTION_CDC) continue;
        ASSERT_TRUE(k < back.n);
        const char *diff = action_diff(&acts[i], &back.items[k], true);
        if (diff) bk_test_fail(__FILE__, __LINE__, "action %zu differs in %s", i, diff);
        ASSERT_TRUE(diff == NULL);
        k++;
    }
    ASSERT_EQ(k, back.n);
}

BK_TEST(delta_action_checkpoint_build_roundtrip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    delta_action_list l;
    bk_error err;
    ASSERT_OK(parse(a, sample_log, &l, &err), &err);
    check_checkpoint_roundtrip(a, l.items, l.n, true);

    /* no domain metadata, no V2 actions: just the five classic columns */
    ASSERT_OK(parse(a,
                    "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}\n"
                    "{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\","
                    "\"options\":{}},\"schemaString\":\"{}\",\"partitionColumns\":[],"
                    "\"configuration\":{}}}\n"
                    "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":1,"
                    "\"modificationTime\":2,\"dataChange\":true}}\n",
                    &l, &err),
              &err);
    const bk_type *schema;
    bk_vector **cols;
    uint32_t n_cols;
    size_t n_rows;
    ASSERT_OK(delta_checkpoint_build(a, l.items, l.n, &schema, &cols, &n_cols, &n_rows, &err),
              &err);
    ASSERT_EQ(n_cols, 5);
    ASSERT_EQ(n_rows, 3);
    char spelled[2048];
    bk_type_format(cols[1]->type, spelled, sizeof spelled);
    ASSERT_STR_EQ(spelled,
                  "STRUCT<path: STRING, partitionValues: MAP<STRING, STRING>, size: BIGINT, "
                  "modificationTime: BIGINT, dataChange: BOOLEAN, tags: MAP<STRING, STRING>, "
                  "deletionVector: STRUCT<storageType: STRING, pathOrInlineDv: STRING, offset: "
                  "INT, sizeInBytes: INT, cardinality: BIGINT, maxRowIndex: BIGINT>, baseRowId: "
                  "BIGINT, defaultRowCommitVersion: BIGINT, clusteringProvider: STRING, stats: "
                  "STRING>");
    check_checkpoint_roundtrip(a, l.items, l.n, false);

    /* nothing at all: an empty checkpoint still has the columns */
    ASSERT_OK(delta_checkpoint_build(a, NULL, 0, &schema, &cols, &n_cols, &n_rows, &err), &err);
    ASSERT_EQ(n_cols, 5);
    ASSERT_EQ(n_rows, 0);
    bk_arena_free(a);
}

/* A real table's commits, reconciled naively, go through a checkpoint unchanged. */
BK_TEST(delta_action_checkpoint_build_testdata) {
    NEED_DATA();
    static const char *const tables[] = {"delta-kernel-java/basic-dv-with-checkpoint",
                                         "delta-golden/data-reader-partition-values",
                                         "krs-data/app-txn-checkpoint"};
    for (size_t t = 0; t < BK_ARRAY_LEN(tables); t++) {
        bk_arena *a = bk_arena_new(NULL, "t", 0);
        path_list files = {0};
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", bk_test_data_dir(), tables[t]);
        find_log_files(a, dir, is_json_log, &files);
        qsort(files.items, files.n, sizeof *files.items, cmp_str);
        delta_action_list all = {0};
        bk_error err;
        for (size_t i = 0; i < files.n; i++) {
            if (strstr(files.items[i], ".checkpoint.")) continue;
            size_t len;
            char *text = slurp(a, files.items[i], &len);
            ASSERT_OK(delta_actions_parse_json(a, files.items[i], text, len, &all, &err), &err);
        }
        ASSERT_TRUE(all.n > 3);
        bool has_domain = false;
        for (size_t i = 0; i < all.n; i++)
            has_domain |= all.items[i].kind == DELTA_ACTION_DOMAIN_METADATA;
        check_checkpoint_roundtrip(a, all.items, all.n, has_domain);
        bk_arena_free(a);
    }
}
