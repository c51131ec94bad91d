/*
 * commit.c — transactions: collect actions, commit them as the next version with
 * put-if-absent, and resolve races the way Delta documents.
 *
 * Conflict rules (Delta "Concurrency control", WriteSerializable): after losing
 * the race for version v, each winning commit v, v+1, ... is read.  A protocol
 * or metaData change in it fails us (ProtocolChangedException,
 * MetadataChangedException); so does a txn for our appId
 * (ConcurrentTransactionException).  If we read the table: files it removed that
 * we also remove fail us with ConcurrentDeleteDeleteException, files it removed
 * that we read with ConcurrentDeleteReadException, and files it added — unless it
 * was a blind append — with ConcurrentAppendException.  Anything else (a blind
 * append of ours, or a winner that touched nothing we depend on) retries at the
 * next free version.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "base/uuid.h"
#include "delta/commit_internal.h"

#define COMMIT_MAX_ATTEMPTS 100000

bk_status delta_tx_begin(const char *root, delta_tx **out, bk_error *err) {
    *out = NULL;
    delta_snapshot *s;
    BK_TRY(delta_snapshot_open(root, NULL, &s, err));
    if (delta_protocol_check_write(s, err) != BK_OK) {
        delta_snapshot_free(s);
        return err->code;
    }
    bk_arena *a = bk_arena_new(NULL, "delta transaction", 0);
    delta_tx *tx = a ? bk_arena_zalloc(a, sizeof *tx) : NULL;
    if (!tx) {
        bk_arena_free(a);
        delta_snapshot_free(s);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory starting a transaction");
    }
    tx->arena = a;
    tx->snap = s;
    tx->operation = "WRITE";
    tx->data_change = true;
    *out = tx;
    return BK_OK;
}

void delta_tx_free(delta_tx *tx) {
    if (!tx) return;
    delta_snapshot_free(tx->snap);
    bk_arena_free(tx->arena);
}

delta_snapshot *delta_tx_snapshot(delta_tx *tx) { return tx->snap; }

void delta_tx_read_all(delta_tx *tx) { tx->read_all = true; }

bk_status delta_tx_set_operation(delta_tx *tx, const char *operation, const char *params_json,
                                 bk_error *err) {
    tx->operation = bk_arena_strdup(tx->arena, operation);
    tx->params_json = params_json ? bk_arena_strdup(tx->arena, params_json) : NULL;
    if (!tx->operation || (params_json && !tx->params_json)) return bk_arena_oom(tx->arena, err);
    return BK_OK;
}

bk_status delta_tx_set_app_version(delta_tx *tx, const char *app_id, int64_t version,
                                   bk_error *err) {
    delta_action act = {.kind = DELTA_ACTION_TXN};
    act.u.txn.app_id = tx->app_id = bk_arena_strdup(tx->arena, app_id);
    act.u.txn.version = version;
    act.u.txn.has_last_updated = true;
    act.u.txn.last_updated = bk_now_micros() / 1000;
    if (!act.u.txn.app_id) return bk_arena_oom(tx->arena, err);
    return delta_action_list_push(tx->arena, &tx->actions, &act, err);
}

bk_status delta_tx_add_action(delta_tx *tx, const delta_file_action *add, bk_error *err) {
    delta_action act = {.kind = DELTA_ACTION_ADD};
    act.u.file = *add;
    return delta_action_list_push(tx->arena, &tx->actions, &act, err);
}

bk_status delta_tx_remove(delta_tx *tx, const delta_file_action *f, bool data_change,
                          bk_error *err) {
    delta_action act = {.kind = DELTA_ACTION_REMOVE};
    act.u.file = *f;
    act.u.file.data_change = data_change;
    act.u.file.has_deletion_timestamp = true;
    act.u.file.deletion_timestamp = bk_now_micros() / 1000;
    act.u.file.extended_file_metadata = true;
    act.u.file.stats = NULL;
    act.u.file.stats_parsed = NULL;
    act.u.file.tags.n = 0;
    tx->files_removed++;
    return delta_action_list_push(tx->arena, &tx->actions, &act, err);
}

/* ---- the commit file -------------------------------------------------------------------- */

static bool is_blind_append(const delta_tx *tx) {
    if (tx->read_all) return false;
    for (size_t i = 0; i < tx->actions.n; i++)
        if (tx->actions.items[i].kind == DELTA_ACTION_REMOVE) return false;
    return true;
}

/* commitInfo line: first, as in-commit timestamps require. */
static bk_status commit_info_line(delta_tx *tx, int64_t now_ms, int64_t ict, bk_buf *out,
                                  bk_error *err) {
    json_t *ci = json_object();
    json_object_set_new(ci, "timestamp", json_integer(now_ms));
    if (ict >= 0) json_object_set_new(ci, "inCommitTimestamp", json_integer(ict));
    json_object_set_new(ci, "operation", json_string(tx->operation));
    json_error_t jerr;
    json_t *params = tx->params_json ? json_loads(tx->params_json, 0, &jerr) : json_object();
    json_object_set_new(ci, "operationParameters", params ? params : json_object());
    json_object_set_new(ci, "readVersion", json_integer(tx->snap->version));
    json_object_set_new(ci, "isolationLevel", json_string("WriteSerializable"));
    json_object_set_new(ci, "isBlindAppend", json_boolean(is_blind_append(tx)));
    json_t *metrics = json_object();
    char num[32];
    snprintf(num, sizeof num, "%llu", (unsigned long long)tx->files_written);
    json_object_set_new(metrics, "numFiles", json_string(num));
    snprintf(num, sizeof num, "%llu", (unsigned long long)tx->rows_written);
    json_object_set_new(metrics, "numOutputRows", json_string(num));
    snprintf(num, sizeof num, "%llu", (unsigned long long)tx->files_removed);
    json_object_set_new(metrics, "numRemovedFiles", json_string(num));
    json_object_set_new(ci, "operationMetrics", metrics);
    json_object_set_new(ci, "engineInfo", json_string("Bricks/" BRICKS_VERSION));
    char uuid[37];
    bk_uuid_v4_text(uuid);
    json_object_set_new(ci, "txnId", json_string(uuid));
    json_t *line = json_object();
    json_object_set_new(line, "commitInfo", ci);
    int rc = delta_json_append(out, line);
    json_decref(line);
    if (rc != 0 || bk_buf_append_u8(out, '\n') != BK_OK)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory writing commitInfo");
    return BK_OK;
}

/* The whole commit file for `version`. */
static bk_status commit_text(delta_tx *tx, int64_t prev_ts, bk_buf *out, bk_error *err) {
    int64_t now = bk_now_micros() / 1000;
    int64_t ict = tx->snap->ict_enabled ? (now > prev_ts ? now : prev_ts + 1) : -1;
    bk_buf_clear(out);
    BK_TRY(commit_info_line(tx, now, ict, out, err));
    for (size_t i = 0; i < tx->actions.n; i++)
        BK_TRY(delta_action_write_json(&tx->actions.items[i], out, err));
    return BK_OK;
}

/* ---- conflicts -------------------------------------------------------------------------- */

/* Does the transaction remove (path, DV) `f`? */
static bool tx_removes(delta_tx *tx, const delta_file_action *f) {
    for (size_t i = 0; i < tx->actions.n; i++) {
        const delta_action *act = &tx->actions.items[i];
        if (act->kind != DELTA_ACTION_REMOVE) continue;
        const delta_file_action *r = &act->u.file;
        if (strcmp(r->path, f->path) != 0) continue;
        if (r->has_dv != f->has_dv) continue;
        if (!r->has_dv || strcmp(r->dv.path_or_inline_dv, f->dv.path_or_inline_dv) == 0)
            return true;
    }
    return false;
}

/* Check one winning commit against the transaction. */
static bk_status check_winner(delta_tx *tx, int64_t version, const delta_action_list *won,
                              bk_error *err) {
    bool blind = false;
    for (size_t i = 0; i < won->n; i++)
        if (won->items[i].kind == DELTA_ACTION_COMMIT_INFO) {
            const char *j = won->items[i].u.commit_info.json;
            blind = j && strstr(j, "\"isBlindAppend\":true") != NULL;
        }
    for (size_t i = 0; i < won->n; i++) {
        const delta_action *act = &won->items[i];
        switch (act->kind) {
        case DELTA_ACTION_PROTOCOL:
            return bk_error_set(err, BK_DELTA_PROTOCOL_CHANGED,
                                "ProtocolChangedException: the protocol version of the Delta "
                                "table has been changed by a concurrent update (version %lld); "
                                "please try the operation again",
                                (long long)version);
        case DELTA_ACTION_METADATA:
            return bk_error_set(err, BK_DELTA_METADATA_CHANGED,
                                "MetadataChangedException: the metadata of the Delta table has "
                                "been changed by a concurrent update (version %lld); please try "
                                "the operation again",
                                (long long)version);
        case DELTA_ACTION_TXN:
            if (tx->app_id && strcmp(act->u.txn.app_id, tx->app_id) == 0)
                return bk_error_set(err, BK_DELTA_CONCURRENT_TRANSACTION,
                                    "ConcurrentTransactionException: a concurrent transaction "
                                    "with the same application id \"%s\" committed version "
                                    "%lld",
                                    tx->app_id, (long long)version);
            break;
        case DELTA_ACTION_REMOVE:
            if (tx_removes(tx, &act->u.file))
                return bk_error_set(err, BK_DELTA_CONCURRENT_DELETE_DELETE,
                                    "ConcurrentDeleteDeleteException: this transaction attempted "
                                    "to delete one or more files that were deleted by a "
                                    "concurrent update (version %lld), e.g. \"%s\"; please try "
                                    "the operation again",
                                    (long long)version, act->u.file.path);
            if (tx->read_all && act->u.file.data_change)
                return bk_error_set(err, BK_DELTA_CONCURRENT_DELETE_READ,
                                    "ConcurrentDeleteReadException: this transaction attempted "
                                    "to read one or more files that were deleted by a "
                                    "concurrent update (version %lld), e.g. \"%s\"; please try "
                                    "the operation again",
                                    (long long)version, act->u.file.path);
            break;
        case DELTA_ACTION_ADD:
            if (tx->read_all && !blind && act->u.file.data_change)
                return bk_error_set(err, BK_DELTA_CONCURRENT_APPEND,
                                    "ConcurrentAppendException: files were added to the table by "
                                    "a concurrent update (version %lld); please try the "
                                    "operation again",
                                    (long long)version);
            break;
        default:
            break;
        }
    }
    return BK_OK;
}

/* delta.appendOnly tables accept no removal of data (DELETE, UPDATE, overwrite). */
static bk_status check_append_only(const delta_tx *tx, bk_error *err) {
    bool found;
    const char *v = delta_kv_get(&tx->snap->metadata.configuration, "delta.appendOnly", &found);
    if (!v || strcasecmp(v, "true") != 0) return BK_OK;
    for (size_t i = 0; i < tx->actions.n; i++)
        if (tx->actions.items[i].kind == DELTA_ACTION_REMOVE &&
            tx->actions.items[i].u.file.data_change)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "the Delta table is append-only (delta.appendOnly = true): "
                                "%s would remove data",
                                tx->operation);
    return BK_OK;
}

/* ---- commit ----------------------------------------------------------------------------- */

static int64_t checkpoint_interval(const delta_snapshot *s) {
    bool found;
    const char *v = delta_kv_get(&s->metadata.configuration, "delta.checkpointInterval", &found);
    int64_t n = 10;
    if (v && (!bk_parse_i64(v, strlen(v), &n) || n <= 0)) n = 10;
    return n;
}

/* After commit `version`: a checkpoint when the interval says so (failure only warns). */
static void maybe_checkpoint(const char *root, int64_t version, int64_t interval,
                             bool v2_checkpoints) {
    if (version == 0 || version % interval != 0) return;
    if (v2_checkpoints) { /* such tables need V2 checkpoints, which Bricks reads only */
        bk_log_info("delta: no checkpoint at version %lld: the table uses v2Checkpoint",
                    (long long)version);
        return;
    }
    bk_error err;
    bk_error_clear(&err);
    delta_snapshot *s;
    delta_at at = {DELTA_AT_VERSION, version, 0};
    if (delta_snapshot_open(root, &at, &s, &err) == BK_OK) {
        if (delta_checkpoint_write(s, &err) == BK_OK) delta_log_cleanup(s, &err);
        delta_snapshot_free(s);
    }
    if (err.code != BK_CODE_OK)
        bk_log_warn("delta: checkpoint at version %lld failed: %s", (long long)version, err.msg);
}

/*
 * Test hook: BRICKS_DELTA_TEST_COMMIT_DELAY_MS makes every commit wait that long
 * after reading its snapshot, so tests can make two transactions overlap.
 */
static void test_commit_delay(void) {
    const char *v = getenv("BRICKS_DELTA_TEST_COMMIT_DELAY_MS");
    int64_t ms;
    if (!v || !bk_parse_i64(v, strlen(v), &ms) || ms <= 0 || ms > 60000) return;
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

bk_status delta_tx_commit(delta_tx *tx, int64_t *version_out, bk_error *err) {
    if (tx->done)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "transaction already committed or failed");
    tx->done = true;
    BK_TRY(check_append_only(tx, err));
    delta_snapshot *s = tx->snap;
    int64_t version = s->version + 1;
    int64_t prev_ts = s->timestamp_ms;
    bk_buf text;
    bk_buf_init(&text);
    bk_status st = BK_OK;
    test_commit_delay();
    for (int attempt = 0; attempt < COMMIT_MAX_ATTEMPTS; attempt++) {
        st = commit_text(tx, prev_ts, &text, err);
        if (st != BK_OK) break;
        char key[64];
        snprintf(key, sizeof key, DELTA_LOG_DIR "%020lld.json", (long long)version);
        st = store_obj_put_if_absent(s->store, key, text.data, text.len, err);
        if (st != BK_ALREADY_EXISTS) break;
        /* Lost the race: check the winner, then try the next version. */
        bk_error_clear(err);
        delta_action_list won = {0};
        bk_arena *scratch = bk_arena_new(NULL, "delta conflict check", 0);
        if (!scratch) {
            st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory checking conflicts");
            break;
        }
        st = delta_log_read_json(scratch, s->store, key, &won, err);
        if (st == BK_OK) st = check_winner(tx, version, &won, err);
        for (size_t i = 0; st == BK_OK && i < won.n; i++)
            if (won.items[i].kind == DELTA_ACTION_COMMIT_INFO &&
                won.items[i].u.commit_info.has_in_commit_timestamp)
                prev_ts = won.items[i].u.commit_info.in_commit_timestamp;
        bk_arena_free(scratch);
        if (st != BK_OK) break;
        version++;
    }
    bk_buf_destroy(&text);
    if (st == BK_ALREADY_EXISTS)
        return bk_error_set(err, BK_DELTA_CONCURRENT_TRANSACTION,
                            "gave up committing after %d concurrent commits", COMMIT_MAX_ATTEMPTS);
    if (st != BK_OK) return st;
    if (version_out) *version_out = version;
    maybe_checkpoint(s->root, version, checkpoint_interval(s),
                     delta_protocol_has_writer_feature(&s->protocol, "v2Checkpoint"));
    return BK_OK;
}
