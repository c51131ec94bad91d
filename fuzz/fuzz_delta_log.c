/*
 * fuzz_delta_log.c — libFuzzer target: arbitrary bytes as a Delta log file.
 *
 * An input that starts with "PAR1" is a checkpoint: it is opened as an in-memory
 * Parquet file, the action columns (add, remove, metaData, protocol, txn,
 * domainMetadata, checkpointMetadata, sidecar) of every row group are read and
 * turned into actions by delta_actions_from_checkpoint, as checkpoint_read.c
 * does.  Any other input is a commit file for delta_actions_parse_json.
 *
 * The actions that parse then go where a snapshot load sends them: action
 * reconciliation (replay.c), the protocol check, the schema of the last metaData,
 * and for every add its statistics (JSON or stats_parsed) and its partition
 * values typed by the schema.  Two round trips check the writers against the
 * readers:
 *
 *     JSON:        write every action as a JSON line, parse the lines again: the
 *                  same number of actions, and writing them again gives the same
 *                  bytes;
 *     checkpoint:  build the classic checkpoint vectors of the actions and read
 *                  them back: the same actions (commitInfo and cdc left out, as
 *                  the protocol requires) with the same kinds and file paths.
 *
 * A mismatch is a bug, not bad input: the target aborts so libFuzzer keeps the
 * input.  Every error path must be clean; the sanitizers (ASan, UBSan, LSan) turn
 * a crash, an overflow or a leak into a finding.
 *
 *     make fuzz && fuzz/run.sh 600 delta_log        (see fuzz/README.md)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "delta/action.h"
#include "delta/partition.h"
#include "delta/schema.h"
#include "delta/snapshot.h"
#include "delta/stats.h"
#include "parquet/parquet.h"

#define FUZZ_ARENA_LIMIT ((size_t)256 << 20)
#define FUZZ_MAX_PAGE ((size_t)64 << 20)
#define FUZZ_MAX_ADDS 4096 /* stats and partition values of at most this many adds */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The checkpoint columns that carry actions (checkpoint_read.c reads the same). */
static const char *const action_columns[] = {
    "add", "remove",         "metaData",           "protocol",
    "txn", "domainMetadata", "checkpointMetadata", "sidecar"};
enum { N_ACTION_COLUMNS = sizeof action_columns / sizeof action_columns[0] };

/* A writer and a reader disagree: stop here so libFuzzer saves the input. */
static void mismatch(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_delta_log: round trip mismatch: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/*
 * Read the action columns of every row group of the checkpoint in `data` into
 * `out`.  The actions may keep views (stats_parsed) into vectors whose types the
 * reader owns, so the reader is returned in *reader_out and closed by the caller
 * after `a` is freed.  Row groups that fail to decode are skipped.
 */
static void parse_checkpoint(bk_arena *a, const uint8_t *data, size_t size, delta_action_list *out,
                             pq_reader **reader_out) {
    pq_reader_opts opts = {0};
    opts.max_page_bytes = FUZZ_MAX_PAGE;
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    if (pq_reader_open_memory(data, size, "fuzz.checkpoint.parquet", &opts, &r, &err) != BK_OK)
        return;
    *reader_out = r;
    const bk_type *schema = pq_reader_schema(r);
    uint32_t fields[N_ACTION_COLUMNS];
    const char *names[N_ACTION_COLUMNS];
    uint32_t n_fields = 0;
    for (uint32_t k = 0; k < N_ACTION_COLUMNS; k++) {
        for (uint32_t f = 0; f < schema->n_children; f++) {
            if (strcmp(schema->field_names[f], action_columns[k]) == 0 &&
                schema->children[f]->kind == BK_TYPE_STRUCT) {
                fields[n_fields] = f;
                names[n_fields++] = action_columns[k];
                break;
            }
        }
    }
    if (n_fields == 0) return;
    bk_vector *cols[N_ACTION_COLUMNS];
    for (uint32_t rg = 0; rg < pq_reader_num_row_groups(r); rg++) {
        bk_error_clear(&err);
        if (pq_reader_read_row_group(r, a, rg, fields, n_fields, cols, &err) != BK_OK) continue;
        bk_error_clear(&err);
        (void)delta_actions_from_checkpoint(a, "fuzz.checkpoint.parquet", cols, names, n_fields,
                                            cols[0]->n, out, &err);
    }
}

/* Reconcile the actions as one commit (replay.c), then check the protocol. */
static void replay(bk_arena *a, const delta_action_list *acts) {
    delta_replay r;
    bk_error err;
    bk_error_clear(&err);
    if (delta_replay_init(&r, a, &err) != BK_OK) return;
    delta_snapshot snap;
    memset(&snap, 0, sizeof snap);
    snap.arena = a;
    snap.root = "fuzz";
    if (delta_replay_apply(&r, acts, &err) == BK_OK &&
        delta_replay_finish(&r, &snap, &err) == BK_OK)
        (void)delta_protocol_check_read(&snap.protocol, &err);
    delta_replay_destroy(&r);
}

/* The typed value of every partition column a file names, as a scan builds it. */
static void partition_values(bk_arena *a, const delta_metadata *md, const delta_schema *schema,
                             const delta_file_action *f) {
    for (uint32_t i = 0; i < md->n_partition_columns; i++) {
        const delta_field *field = delta_schema_find(schema, md->partition_columns[i]);
        if (!field) continue;
        bk_type_kind kind = field->type->kind;
        if (kind == BK_TYPE_ARRAY || kind == BK_TYPE_MAP || kind == BK_TYPE_STRUCT) continue;
        bool found;
        const char *value = delta_kv_get(&f->partition_values, field->name, &found);
        bk_vector *v = bk_vector_make(a, field->type, 1);
        if (!v) return;
        bk_error err;
        bk_error_clear(&err);
        (void)delta_partition_value_set(a, v, 0, found ? value : NULL, field->name, &err);
    }
}

/* Schema of the last metaData; statistics and partition values of the adds. */
static void interpret(bk_arena *a, const delta_action_list *acts) {
    const delta_metadata *md = NULL;
    for (size_t i = 0; i < acts->n; i++)
        if (acts->items[i].kind == DELTA_ACTION_METADATA) md = &acts->items[i].u.metadata;
    if (!md || !md->schema_string) return;
    delta_schema schema;
    bk_error err;
    bk_error_clear(&err);
    if (delta_schema_parse(a, md->schema_string, strlen(md->schema_string), &schema, &err) != BK_OK)
        return;
    bool found;
    const char *mode = delta_kv_get(&md->configuration, "delta.columnMapping.mode", &found);
    bool by_physical = mode && (strcmp(mode, "name") == 0 || strcmp(mode, "id") == 0);
    size_t n_adds = 0;
    for (size_t i = 0; i < acts->n && n_adds < FUZZ_MAX_ADDS; i++) {
        if (acts->items[i].kind != DELTA_ACTION_ADD) continue;
        n_adds++;
        const delta_file_action *f = &acts->items[i].u.file;
        delta_file_stats st;
        bk_error_clear(&err);
        if (f->stats)
            (void)delta_stats_parse(a, &schema, by_physical, f->stats, f->path, &st, &err);
        bk_error_clear(&err);
        if (f->stats_parsed)
            (void)delta_stats_from_struct(a, &schema, by_physical, f->stats_parsed,
                                          f->stats_parsed_row, &st, &err);
        partition_values(a, md, &schema, f);
    }
}

/*
 * Every action as a JSON line into `out`.  False when an action cannot be
 * written (a string that is not UTF-8 is refused by design, not a bug).
 */
static bool write_json(const delta_action_list *acts, bk_buf *out) {
    bk_error err;
    for (size_t i = 0; i < acts->n; i++) {
        bk_error_clear(&err);
        if (delta_action_write_json(&acts->items[i], out, &err) != BK_OK) return false;
    }
    return true;
}

/* write_json, parse, write_json again: the same actions and the same bytes. */
static void json_round_trip(bk_arena *a, const delta_action_list *acts) {
    bk_buf first, second;
    bk_buf_init(&first);
    bk_buf_init(&second);
    delta_action_list again = {0};
    bk_error err;
    bk_error_clear(&err);
    if (!write_json(acts, &first)) goto done;
    if (delta_actions_parse_json(a, "fuzz.json", (const char *)first.data, first.len, &again,
                                 &err) != BK_OK) {
        if (err.code == BK_OUT_OF_MEMORY) goto done;
        fprintf(stderr, "%.*s\n", (int)first.len, (const char *)first.data);
        mismatch("written JSON does not parse", err.msg);
    }
    if (again.n != acts->n) mismatch("written JSON parses to another number of actions", NULL);
    if (!write_json(&again, &second)) mismatch("re-parsed actions cannot be written", NULL);
    if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0) {
        fprintf(stderr, "first:  %.*s\nsecond: %.*s\n", (int)first.len, (const char *)first.data,
                (int)second.len, (const char *)second.data);
        mismatch("JSON written twice differs", NULL);
    }
done:
    bk_buf_destroy(&first);
    bk_buf_destroy(&second);
}

static bool in_checkpoint(delta_action_kind kind) {
    return kind != DELTA_ACTION_COMMIT_INFO && kind != DELTA_ACTION_CDC;
}

/* delta_checkpoint_build, then delta_actions_from_checkpoint: the same actions back. */
static void checkpoint_round_trip(bk_arena *a, const delta_action_list *acts) {
    const bk_type *schema;
    bk_vector **cols;
    uint32_t n_cols;
    size_t n_rows;
    bk_error err;
    bk_error_clear(&err);
    if (delta_checkpoint_build(a, acts->items, acts->n, &schema, &cols, &n_cols, &n_rows, &err) !=
        BK_OK)
        return;
    delta_action_list back = {0};
    if (delta_actions_from_checkpoint(a, "fuzz.checkpoint", cols, schema->field_names, n_cols,
                                      n_rows, &back, &err) != BK_OK) {
        if (err.code == BK_OUT_OF_MEMORY) return;
        mismatch("built checkpoint does not read back", err.msg);
    }
    size_t j = 0;
    for (size_t i = 0; i < acts->n; i++) {
        const delta_action *want = &acts->items[i];
        if (!in_checkpoint(want->kind)) continue;
        if (j >= back.n) mismatch("checkpoint lost an action", NULL);
        const delta_action *got = &back.items[j++];
        if (got->kind != want->kind) mismatch("checkpoint changed an action's kind", NULL);
        if ((want->kind == DELTA_ACTION_ADD || want->kind == DELTA_ACTION_REMOVE) &&
            strcmp(want->u.file.path, got->u.file.path) != 0)
            mismatch("checkpoint changed a file path", got->u.file.path);
    }
    if (j != back.n) mismatch("checkpoint gained actions", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    bk_arena *a = bk_arena_new(NULL, "fuzz", FUZZ_ARENA_LIMIT);
    if (!a) return 0;
    delta_action_list acts = {0};
    pq_reader *reader = NULL;
    bool is_checkpoint = size >= 4 && memcmp(data, "PAR1", 4) == 0;
    if (is_checkpoint) {
        parse_checkpoint(a, data, size, &acts, &reader);
    } else {
        bk_error err;
        bk_error_clear(&err);
        if (delta_actions_parse_json(a, "fuzz.json", (const char *)data, size, &acts, &err) !=
            BK_OK)
            acts.n = 0;
    }
    if (acts.n > 0) {
        replay(a, &acts);
        interpret(a, &acts);
        if (!bk_arena_failed(a)) json_round_trip(a, &acts);
        if (!bk_arena_failed(a)) checkpoint_round_trip(a, &acts);
    }
    bk_arena_free(a);
    pq_reader_close(reader);
    return 0;
}
