/*
 * replay.c — action reconciliation: from a checkpoint and commits to a table state.
 *
 * PROTOCOL.md "Action Reconciliation": the latest protocol and metaData win; a
 * txn is the latest per appId; a domainMetadata is the latest per domain and
 * removed ones disappear; a logical file is identified by its path together with
 * its deletion vector's unique id, an add makes it live and a remove makes it a
 * tombstone.  Sources are applied oldest first, so a later action simply
 * overwrites an earlier one in the maps.  bk_hmap has no delete; a removed file
 * keeps its key with a NULL value, which also remembers log order for the adds.
 */
#include <string.h>

#include "base/buf.h"
#include "delta/snapshot.h"

bk_status delta_replay_init(delta_replay *r, bk_arena *a, bk_error *err) {
    memset(r, 0, sizeof *r);
    r->a = a;
    r->files = bk_hmap_new(false);
    r->tombstones = bk_hmap_new(false);
    r->txns = bk_hmap_new(false);
    r->domains = bk_hmap_new(false);
    if (!r->files || !r->tombstones || !r->txns || !r->domains) {
        delta_replay_destroy(r);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory replaying the Delta log");
    }
    return BK_OK;
}

void delta_replay_destroy(delta_replay *r) {
    bk_hmap_free(r->files);
    bk_hmap_free(r->tombstones);
    bk_hmap_free(r->txns);
    bk_hmap_free(r->domains);
    r->files = r->tombstones = r->txns = r->domains = NULL;
}

/*
 * The path that identifies a file: decoded, with a "file:" scheme dropped and
 * the table root cut off absolute paths inside the table, so that "part-1",
 * "/table/part-1" and "file:///table/part-1" are one file, as Spark canonicalizes
 * them.
 */
static const char *canonical_path(const char *root_abs, const delta_file_action *f) {
    const char *p = f->path_decoded ? f->path_decoded : f->path;
    if (strncmp(p, "file://", 7) == 0)
        p += 7;
    else if (strncmp(p, "file:", 5) == 0)
        p += 5;
    size_t rl = root_abs ? strlen(root_abs) : 0;
    if (p[0] == '/' && rl && strncmp(p, root_abs, rl) == 0 && p[rl] == '/') p += rl + 1;
    return p;
}

bk_status delta_file_key(bk_arena *a, const char *root_abs, const delta_file_action *f,
                         const char **key, size_t *len, bk_error *err) {
    const char *path = canonical_path(root_abs, f);
    size_t plen = strlen(path);
    if (!f->has_dv) {
        *key = path;
        *len = plen;
        return BK_OK;
    }
    /* DV unique id: storageType + pathOrInlineDv, plus "@offset" when there is one. */
    char *k = f->dv.has_offset ? bk_arena_printf(a, "%s%c%c%s@%d", path, 0, f->dv.storage_type,
                                                 f->dv.path_or_inline_dv, f->dv.offset)
                               : bk_arena_printf(a, "%s%c%c%s", path, 0, f->dv.storage_type,
                                                 f->dv.path_or_inline_dv);
    if (!k) return bk_arena_oom(a, err);
    *key = k;
    *len = plen + 1 + strlen(k + plen + 1);
    return BK_OK;
}

/* Set the value of `key` in `m` (inserting it when new). */
static bk_status map_put(bk_hmap *m, const char *key, size_t len, void *value, bk_error *err) {
    size_t idx;
    if (bk_hmap_insert(m, key, len, &idx, NULL) != BK_OK)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory replaying the Delta log");
    bk_hmap_set_ptr(m, idx, value);
    return BK_OK;
}

/* Clear the value of `key` in `m` when present. */
static void map_clear(bk_hmap *m, const char *key, size_t len) {
    size_t idx;
    if (bk_hmap_find(m, key, len, &idx)) bk_hmap_set_ptr(m, idx, NULL);
}

bk_status delta_replay_apply(delta_replay *r, const delta_action_list *acts, bk_error *err) {
    r->commit_info = NULL;
    for (size_t i = 0; i < acts->n; i++) {
        delta_action *act = &acts->items[i];
        const char *key;
        size_t len;
        switch (act->kind) {
        case DELTA_ACTION_PROTOCOL:
            r->protocol = &act->u.protocol;
            break;
        case DELTA_ACTION_METADATA:
            r->metadata = &act->u.metadata;
            break;
        case DELTA_ACTION_ADD:
            BK_TRY(delta_file_key(r->a, r->root_abs, &act->u.file, &key, &len, err));
            BK_TRY(map_put(r->files, key, len, &act->u.file, err));
            map_clear(r->tombstones, key, len);
            break;
        case DELTA_ACTION_REMOVE:
            BK_TRY(delta_file_key(r->a, r->root_abs, &act->u.file, &key, &len, err));
            map_clear(r->files, key, len);
            BK_TRY(map_put(r->tombstones, key, len, &act->u.file, err));
            break;
        case DELTA_ACTION_TXN:
            BK_TRY(
                map_put(r->txns, act->u.txn.app_id, strlen(act->u.txn.app_id), &act->u.txn, err));
            break;
        case DELTA_ACTION_DOMAIN_METADATA:
            BK_TRY(map_put(r->domains, act->u.domain.domain, strlen(act->u.domain.domain),
                           &act->u.domain, err));
            break;
        case DELTA_ACTION_COMMIT_INFO:
            r->commit_info = &act->u.commit_info;
            break;
        case DELTA_ACTION_CDC:
        case DELTA_ACTION_CHECKPOINT_METADATA:
        case DELTA_ACTION_SIDECAR:
            break; /* not part of the table state */
        }
    }
    return BK_OK;
}

/* The non-NULL values of `m`, in key order, as an arena array. */
static bk_status live_values(bk_arena *a, bk_hmap *m, bool (*keep)(const void *), void ***out,
                             size_t *n, bk_error *err) {
    size_t count = bk_hmap_count(m), k = 0;
    void **items = bk_arena_array(a, count ? count : 1, sizeof *items);
    if (!items) return bk_arena_oom(a, err);
    for (size_t i = 0; i < count; i++) {
        void *p = bk_hmap_ptr(m, i);
        if (p && (!keep || keep(p))) items[k++] = p;
    }
    *out = items;
    *n = k;
    return BK_OK;
}

static bool domain_live(const void *p) { return !((const delta_domain_metadata *)p)->removed; }

bk_status delta_replay_finish(delta_replay *r, delta_snapshot *s, bk_error *err) {
    if (!r->protocol)
        return bk_error_set(err, BK_CORRUPT, "the Delta log of \"%s\" has no protocol action",
                            s->root);
    if (!r->metadata)
        return bk_error_set(err, BK_CORRUPT, "the Delta log of \"%s\" has no metaData action",
                            s->root);
    s->protocol = *r->protocol;
    s->metadata = *r->metadata;
    BK_TRY(live_values(s->arena, r->files, NULL, (void ***)&s->files, &s->n_files, err));
    BK_TRY(live_values(s->arena, r->tombstones, NULL, (void ***)&s->tombstones, &s->n_tombstones,
                       err));
    BK_TRY(live_values(s->arena, r->txns, NULL, (void ***)&s->txns, &s->n_txns, err));
    return live_values(s->arena, r->domains, domain_live, (void ***)&s->domains, &s->n_domains,
                       err);
}
