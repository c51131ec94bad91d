/*
 * history.c — commit timestamps and DESCRIBE HISTORY.
 *
 * A commit's time is its in-commit timestamp when the table has
 * delta.enableInCommitTimestamps on (from the enablement version), else the
 * commit file's modification time.  File times can go backwards (clock skew,
 * copies), so like Delta's history manager we make them strictly increasing:
 * a time not after its predecessor's becomes the predecessor's plus 1 ms.
 */
#include <string.h>

#include "delta/snapshot.h"

/* The in-commit timestamp in the first line of a commit, or -1. */
static bk_status read_ict(bk_arena *a, store_obj *st, const char *key, int64_t *out,
                          bk_error *err) {
    uint8_t *data;
    size_t len;
    BK_TRY(store_obj_get(a, st, key, &data, &len, err));
    const char *nl = memchr(data, '\n', len);
    size_t line = nl ? (size_t)(nl - (const char *)data) : len;
    delta_action_list acts = {0};
    BK_TRY(delta_actions_parse_json(a, key, (const char *)data, line, &acts, err));
    *out = -1;
    if (acts.n && acts.items[0].kind == DELTA_ACTION_COMMIT_INFO &&
        acts.items[0].u.commit_info.has_in_commit_timestamp)
        *out = acts.items[0].u.commit_info.in_commit_timestamp;
    return BK_OK;
}

bk_status delta_commit_timestamps(bk_arena *a, store_obj *st, const delta_log_listing *l,
                                  int64_t ict_from_version, int64_t **out, bk_error *err) {
    int64_t *ts = bk_arena_array(a, l->n_commits ? l->n_commits : 1, sizeof *ts);
    if (!ts) return bk_arena_oom(a, err);
    for (size_t i = 0; i < l->n_commits; i++) {
        const delta_log_commit *c = &l->commits[i];
        int64_t t = -1;
        if (ict_from_version >= 0 && c->version >= ict_from_version) {
            BK_TRY(read_ict(a, st, c->key, &t, err));
            if (t < 0)
                return bk_error_set(err, BK_CORRUPT,
                                    "\"%s\": in-commit timestamps are enabled but the commit's "
                                    "first action is not a commitInfo with inCommitTimestamp",
                                    c->key);
        } else {
            t = c->mtime_ms;
            if (i > 0 && t <= ts[i - 1]) t = ts[i - 1] + 1;
        }
        ts[i] = t;
    }
    *out = ts;
    return BK_OK;
}

bk_status delta_history(bk_arena *a, const char *root, delta_commit **out, size_t *n,
                        bk_error *err) {
    delta_snapshot *s = NULL;
    BK_TRY(delta_snapshot_open(root, NULL, &s, err));
    /* The snapshot may have listed only the log's tail: history needs all of it. */
    bk_status st = delta_log_list(s->arena, s->store, 0, &s->listing, err);
    if (st != BK_OK) {
        delta_snapshot_free(s);
        return st;
    }
    const delta_log_listing *l = &s->listing;
    int64_t *ts = NULL;
    st = delta_snapshot_commit_times(s, a, &ts, err);
    size_t count = l->n_commits;
    delta_commit *items = NULL;
    if (st == BK_OK) {
        items = bk_arena_array(a, l->n_commits ? l->n_commits : 1, sizeof *items);
        if (!items) st = bk_arena_oom(a, err);
    }
    for (size_t i = 0; st == BK_OK && i < l->n_commits; i++) {
        const delta_log_commit *c = &l->commits[l->n_commits - 1 - i];
        delta_action_list acts = {0};
        char *key = bk_arena_strdup(a, c->key);
        if (!key) {
            st = bk_arena_oom(a, err);
            break;
        }
        st = delta_log_read_json(a, s->store, key, &acts, err);
        items[i] = (delta_commit){c->version, ts[l->n_commits - 1 - i], NULL};
        for (size_t k = 0; st == BK_OK && k < acts.n; k++)
            if (acts.items[k].kind == DELTA_ACTION_COMMIT_INFO)
                items[i].info = &acts.items[k].u.commit_info;
    }
    delta_snapshot_free(s);
    if (st != BK_OK) return st;
    *out = items;
    *n = count;
    return BK_OK;
}
