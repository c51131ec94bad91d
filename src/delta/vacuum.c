/*
 * vacuum.c — VACUUM (data files no version within the retention still needs) and
 * log cleanup (log files older than delta.logRetentionDuration).
 *
 * A data file survives VACUUM when a live add names it, when a remove younger
 * than the retention names it (time travel inside the retention still reads it),
 * when a deletion vector file of either is it, or when it was modified within
 * the retention (a writer may be about to commit it).  Hidden files and folders
 * ('_' or '.' first, like _delta_log/) are never touched.  The retention is
 * delta.deletedFileRetentionDuration (7 days by default); asking for less is
 * refused unless the safety check is turned off, as in Spark.
 */
#include <string.h>

#include "base/clock.h"
#include "base/hash.h"
#include "base/log.h"
#include "delta/commit.h"
#include "delta/dv.h"
#include "delta/snapshot.h"

/* Is any segment of `key` hidden ('_' or '.' first)? */
static bool is_hidden(const char *key) {
    const char *seg = key;
    for (;;) {
        if (seg[0] == '_' || seg[0] == '.') return true;
        const char *slash = strchr(seg, '/');
        if (!slash) return false;
        seg = slash + 1;
    }
}

static bk_status keep_file(bk_arena *a, bk_hmap *keep, const delta_snapshot *s,
                           const delta_file_action *f, bk_error *err) {
    size_t idx;
    const char *p = f->path_decoded;
    if (strncmp(p, "file:", 5) != 0 && p[0] != '/') {
        if (bk_hmap_insert(keep, p, strlen(p), &idx, NULL) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in VACUUM");
    }
    if (f->has_dv && f->dv.storage_type == 'u') {
        const char *dv_path;
        BK_TRY(delta_dv_file_path(a, s->root, &f->dv, &dv_path, err));
        size_t root_len = strlen(s->root);
        if (strncmp(dv_path, s->root, root_len) == 0) {
            const char *rel = dv_path + root_len;
            while (*rel == '/') rel++;
            if (bk_hmap_insert(keep, rel, strlen(rel), &idx, NULL) != BK_OK)
                return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in VACUUM");
        }
    }
    return BK_OK;
}

bk_status delta_vacuum(const char *root, double retain_hours, bool check_retention, bool dry_run,
                       bk_arena *a, const char ***deleted, size_t *n_deleted, bk_error *err) {
    *deleted = NULL;
    *n_deleted = 0;
    delta_snapshot *s;
    BK_TRY(delta_snapshot_open(root, NULL, &s, err));
    int64_t configured =
        delta_config_duration_ms(s, "delta.deletedFileRetentionDuration", 7 * DELTA_DAY_MS);
    int64_t retain = retain_hours >= 0 ? (int64_t)(retain_hours * 3600.0 * 1000.0) : configured;
    bk_status st = BK_OK;
    if (check_retention && retain < configured)
        st = bk_error_set(err, BK_INVALID_ARGUMENT,
                          "VACUUM retention of %.1f hours is shorter than the table's "
                          "delta.deletedFileRetentionDuration (%.1f hours): files still needed "
                          "by readers and writers of recent versions could be deleted; disable "
                          "the retention check to do it anyway",
                          (double)retain / 3600000.0, (double)configured / 3600000.0);
    int64_t cutoff = bk_now_micros() / 1000 - retain;
    bk_hmap *keep = st == BK_OK ? bk_hmap_new(true) : NULL;
    if (st == BK_OK && !keep) st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory in VACUUM");
    for (size_t i = 0; st == BK_OK && i < s->n_files; i++)
        st = keep_file(a, keep, s, s->files[i], err);
    for (size_t i = 0; st == BK_OK && i < s->n_tombstones; i++) {
        const delta_file_action *r = s->tombstones[i];
        if (!r->has_deletion_timestamp || r->deletion_timestamp >= cutoff)
            st = keep_file(a, keep, s, r, err);
    }
    store_obj_entry *entries = NULL;
    size_t n = 0;
    if (st == BK_OK)
        st = store_obj_list(a, s->store, "", NULL, STORE_OBJ_RECURSIVE, &entries, &n, err);
    const char **victims = st == BK_OK ? bk_arena_array(a, n + 1, sizeof *victims) : NULL;
    if (st == BK_OK && !victims) st = bk_arena_oom(a, err);
    size_t n_victims = 0;
    for (size_t i = 0; st == BK_OK && i < n; i++) {
        const char *key = entries[i].key;
        size_t idx;
        if (is_hidden(key) || entries[i].mtime_ms >= cutoff) continue;
        if (bk_hmap_find(keep, key, strlen(key), &idx)) continue;
        victims[n_victims++] = key;
    }
    for (size_t i = 0; st == BK_OK && !dry_run && i < n_victims; i++) {
        st = store_obj_delete(s->store, victims[i], err);
        if (st == BK_NOT_FOUND) {
            bk_error_clear(err);
            st = BK_OK;
        }
    }
    bk_hmap_free(keep);
    delta_snapshot_free(s);
    if (st != BK_OK) return st;
    *deleted = victims;
    *n_deleted = n_victims;
    return BK_OK;
}

bk_status delta_log_cleanup(delta_snapshot *s, bk_error *err) {
    const delta_log_listing *l = &s->listing;
    if (l->n_checkpoints == 0) return BK_OK;
    int64_t newest_cp = l->checkpoints[l->n_checkpoints - 1].version;
    int64_t cutoff = bk_now_micros() / 1000 -
                     delta_config_duration_ms(s, "delta.logRetentionDuration", 30 * DELTA_DAY_MS);
    /* Expired commits strictly before the newest checkpoint; older checkpoints too,
     * but only those below a version whose commit is itself expired. */
    int64_t expired_upto = -1;
    for (size_t i = 0; i < l->n_commits; i++) {
        const delta_log_commit *c = &l->commits[i];
        if (c->version >= newest_cp || c->mtime_ms >= cutoff) break;
        expired_upto = c->version;
    }
    if (expired_upto < 0) return BK_OK;
    /* Keep the newest checkpoint at or below expired_upto + 1 so versions after it still build. */
    int64_t keep_cp = -1;
    for (size_t i = 0; i < l->n_checkpoints; i++)
        if (l->checkpoints[i].version <= expired_upto + 1) keep_cp = l->checkpoints[i].version;
    if (keep_cp < 0) return BK_OK;
    for (size_t i = 0; i < l->n_commits; i++) {
        const delta_log_commit *c = &l->commits[i];
        if (c->version >= keep_cp) break;
        if (store_obj_delete(s->store, c->key, err) != BK_OK) bk_error_clear(err);
    }
    for (size_t i = 0; i < l->n_checkpoints; i++) {
        const delta_log_checkpoint *cp = &l->checkpoints[i];
        if (cp->version >= keep_cp) break;
        for (uint32_t p = 0; p < cp->n_parts; p++)
            if (store_obj_delete(s->store, cp->keys[p], err) != BK_OK) bk_error_clear(err);
    }
    return BK_OK;
}
