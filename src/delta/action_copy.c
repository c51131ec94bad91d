/*
 * action_copy.c — a deep copy of an action into another arena.
 *
 * Checkpoint rows become actions that view the decoded vectors; copying the few
 * actions of a mostly-NULL column (remove, metaData, protocol, txn, ...) out of a
 * scratch arena lets that arena be reused for the next column instead of keeping
 * every decoded column alive with the snapshot.
 */
#include <string.h>

#include "delta/action.h"

static bool dup_str(bk_arena *a, const char **s) {
    if (!*s) return true;
    *s = bk_arena_strdup(a, *s);
    return *s != NULL;
}

static bool dup_strs(bk_arena *a, const char ***items, uint32_t n) {
    if (!*items || n == 0) return true;
    const char **copy = bk_arena_array(a, n, sizeof *copy);
    if (!copy) return false;
    for (uint32_t i = 0; i < n; i++) {
        copy[i] = (*items)[i];
        if (!dup_str(a, &copy[i])) return false;
    }
    *items = copy;
    return true;
}

static bool dup_kv(bk_arena *a, delta_kv *kv) {
    return dup_strs(a, &kv->keys, kv->n) && dup_strs(a, &kv->values, kv->n);
}

static bool dup_file(bk_arena *a, delta_file_action *f) {
    f->stats_parsed = NULL; /* a view into the source's vectors: not carried over */
    return dup_str(a, &f->path) && dup_str(a, &f->path_decoded) &&
           dup_kv(a, &f->partition_values) && dup_str(a, &f->stats) && dup_kv(a, &f->tags) &&
           (!f->has_dv || dup_str(a, &f->dv.path_or_inline_dv)) &&
           dup_str(a, &f->clustering_provider);
}

bk_status delta_action_copy(bk_arena *a, const delta_action *src, delta_action *dst,
                            bk_error *err) {
    *dst = *src;
    bool ok = true;
    switch (dst->kind) {
    case DELTA_ACTION_PROTOCOL:
        ok = dup_strs(a, &dst->u.protocol.reader_features, dst->u.protocol.n_reader_features) &&
             dup_strs(a, &dst->u.protocol.writer_features, dst->u.protocol.n_writer_features);
        break;
    case DELTA_ACTION_METADATA: {
        delta_metadata *m = &dst->u.metadata;
        ok = dup_str(a, &m->id) && dup_str(a, &m->name) && dup_str(a, &m->description) &&
             dup_str(a, &m->format_provider) && dup_str(a, &m->schema_string) &&
             dup_strs(a, &m->partition_columns, m->n_partition_columns) &&
             dup_kv(a, &m->configuration);
        break;
    }
    case DELTA_ACTION_ADD:
    case DELTA_ACTION_REMOVE:
    case DELTA_ACTION_CDC:
        ok = dup_file(a, &dst->u.file);
        break;
    case DELTA_ACTION_TXN:
        ok = dup_str(a, &dst->u.txn.app_id);
        break;
    case DELTA_ACTION_COMMIT_INFO:
        ok = dup_str(a, &dst->u.commit_info.json) && dup_str(a, &dst->u.commit_info.operation);
        break;
    case DELTA_ACTION_DOMAIN_METADATA:
        ok = dup_str(a, &dst->u.domain.domain) && dup_str(a, &dst->u.domain.configuration);
        break;
    case DELTA_ACTION_SIDECAR:
        ok = dup_str(a, &dst->u.sidecar.path);
        break;
    case DELTA_ACTION_CHECKPOINT_METADATA:
        break;
    }
    return ok ? BK_OK : bk_arena_oom(a, err);
}
