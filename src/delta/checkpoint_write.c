/*
 * checkpoint_write.c — classic single-file Parquet checkpoints and _last_checkpoint.
 *
 * A checkpoint holds the reconciled state of one version (PROTOCOL.md
 * "Checkpoints"): protocol, metaData, txns, domain metadata, every live add, and
 * the removes still inside delta.deletedFileRetentionDuration (so that VACUUM
 * and concurrent readers of older versions keep seeing them).  The Parquet file
 * is written to a scratch name first and then put at its final key in one step,
 * so a reader never sees a partial checkpoint.
 */
#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/uuid.h"
#include "delta/commit.h"
#include "delta/snapshot.h"
#include "parquet/parquet.h"

/* The checkpoint's actions for `s`, in `a`. */
static bk_status checkpoint_actions(bk_arena *a, const delta_snapshot *s, delta_action_list *l,
                                    bk_error *err) {
    delta_action act = {.kind = DELTA_ACTION_PROTOCOL};
    act.u.protocol = s->protocol;
    BK_TRY(delta_action_list_push(a, l, &act, err));
    act = (delta_action){.kind = DELTA_ACTION_METADATA};
    act.u.metadata = s->metadata;
    BK_TRY(delta_action_list_push(a, l, &act, err));
    for (size_t i = 0; i < s->n_txns; i++) {
        act = (delta_action){.kind = DELTA_ACTION_TXN};
        act.u.txn = *s->txns[i];
        BK_TRY(delta_action_list_push(a, l, &act, err));
    }
    for (size_t i = 0; i < s->n_domains; i++) {
        act = (delta_action){.kind = DELTA_ACTION_DOMAIN_METADATA};
        act.u.domain = *s->domains[i];
        BK_TRY(delta_action_list_push(a, l, &act, err));
    }
    int64_t keep_after =
        bk_now_micros() / 1000 -
        delta_config_duration_ms(s, "delta.deletedFileRetentionDuration", 7 * DELTA_DAY_MS);
    for (size_t i = 0; i < s->n_tombstones; i++) {
        const delta_file_action *r = s->tombstones[i];
        if (r->has_deletion_timestamp && r->deletion_timestamp < keep_after) continue;
        act = (delta_action){.kind = DELTA_ACTION_REMOVE};
        act.u.file = *r;
        BK_TRY(delta_action_list_push(a, l, &act, err));
    }
    for (size_t i = 0; i < s->n_files; i++) {
        act = (delta_action){.kind = DELTA_ACTION_ADD};
        act.u.file = *s->files[i];
        BK_TRY(delta_action_list_push(a, l, &act, err));
    }
    return BK_OK;
}

bk_status delta_checkpoint_write(delta_snapshot *s, bk_error *err) {
    bk_arena *a = bk_arena_new(NULL, "delta checkpoint", 0);
    if (!a) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory writing a checkpoint");
    delta_action_list acts = {0};
    const bk_type *schema;
    bk_vector **cols;
    uint32_t n_cols;
    size_t n_rows;
    const char *tmp_key, *tmp_path = NULL;
    char uuid[37];
    bk_uuid_v4_text(uuid);
    tmp_key = bk_arena_printf(a, DELTA_LOG_DIR "_bricks_tmp_checkpoint_%s.parquet", uuid);
    bk_status st = tmp_key ? BK_OK : bk_arena_oom(a, err);
    if (st == BK_OK) st = checkpoint_actions(a, s, &acts, err);
    if (st == BK_OK)
        st = delta_checkpoint_build(a, acts.items, acts.n, &schema, &cols, &n_cols, &n_rows, err);
    if (st == BK_OK) st = store_obj_local_path(a, s->store, tmp_key, &tmp_path, err);
    if (st == BK_OK && !tmp_path)
        st = bk_error_set(err, BK_UNSUPPORTED, "checkpoints need a local store for now");
    pq_writer *w = NULL;
    if (st == BK_OK) {
        pq_writer_opts po;
        pq_writer_opts_default(&po);
        st = pq_writer_open(tmp_path, schema, &po, &w, err);
    }
    if (st == BK_OK) {
        st = pq_writer_write(w, cols, n_rows, err);
        if (st == BK_OK)
            st = pq_writer_close(w, err);
        else
            pq_writer_abort(w);
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (st == BK_OK) st = store_obj_get(a, s->store, tmp_key, &bytes, &len, err);
    char key[96];
    snprintf(key, sizeof key, DELTA_LOG_DIR "%020lld.checkpoint.parquet", (long long)s->version);
    if (st == BK_OK) st = store_obj_put(s->store, key, bytes, len, err);
    if (tmp_path) {
        bk_error ignored;
        bk_error_clear(&ignored);
        store_obj_delete(s->store, tmp_key, &ignored);
    }
    if (st == BK_OK) {
        json_t *j = json_object();
        json_object_set_new(j, "version", json_integer(s->version));
        json_object_set_new(j, "size", json_integer((json_int_t)n_rows));
        json_object_set_new(j, "sizeInBytes", json_integer((json_int_t)len));
        json_object_set_new(j, "numOfAddFiles", json_integer((json_int_t)s->n_files));
        bk_buf b;
        bk_buf_init(&b);
        if (delta_json_append(&b, j) != 0)
            st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory writing _last_checkpoint");
        json_decref(j);
        if (st == BK_OK)
            st = store_obj_put(s->store, DELTA_LOG_DIR "_last_checkpoint", b.data, b.len, err);
        bk_buf_destroy(&b);
    }
    bk_arena_free(a);
    return st;
}
