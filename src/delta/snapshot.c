/*
 * snapshot.c — opening a Delta table at a version: list, plan, replay, check.
 *
 * Opening the latest version starts from _last_checkpoint's hint so only the tail
 * of the log is listed; when the hint is missing, wrong or names a checkpoint that
 * is not there, the whole log is listed instead.  A checkpoint that cannot be read
 * is skipped in favour of an older one (or the commits from 0), with a warning;
 * only when no route is left is the table unreadable.
 */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/str.h"
#include "base/thread.h"
#include "delta/snapshot.h"

/* Commits parsed in parallel: one task per commit, one arena per worker. */
typedef struct parse_job {
    delta_snapshot *s;
    const char **keys;        /* per task: a commit or a log compaction file */
    bk_arena **arenas;        /* per worker, children of the snapshot's arena */
    delta_action_list *lists; /* per commit */
    bk_error *errors;         /* per commit */
} parse_job;

static void parse_commit_task(void *arg, size_t i, int worker) {
    parse_job *job = arg;
    delta_log_read_json(job->arenas[worker], job->s->store, job->keys[i], &job->lists[i],
                        &job->errors[i]);
}

/* Below this many commits, parsing on this thread beats starting workers. */
#define PARALLEL_PARSE_MIN_COMMITS 8

/* Parse the files `keys[0..n)` into lists[0..n), in parallel when there are many. */
static bk_status parse_commits(delta_snapshot *s, const char **keys, delta_action_list *lists,
                               size_t n, bk_error *err) {
    int threads = n >= PARALLEL_PARSE_MIN_COMMITS ? bk_cpu_count() : 1;
    bk_pool *pool = threads > 1 ? bk_pool_new(threads) : NULL;
    int workers = pool ? bk_pool_size(pool) : 1;
    bk_arena **arenas = bk_arena_array(s->arena, (size_t)workers, sizeof *arenas);
    bk_error *errors = bk_arena_zalloc(s->arena, n * sizeof *errors);
    if (!arenas || !errors) {
        bk_pool_free(pool);
        return bk_arena_oom(s->arena, err);
    }
    for (int w = 0; w < workers; w++) {
        arenas[w] = bk_arena_new(s->arena, "delta commits", 0);
        if (!arenas[w]) {
            bk_pool_free(pool);
            return bk_arena_oom(s->arena, err);
        }
    }
    parse_job job = {s, keys, arenas, lists, errors};
    if (pool)
        bk_pool_run(pool, n, parse_commit_task, &job);
    else
        for (size_t i = 0; i < n; i++) parse_commit_task(&job, i, 0);
    bk_pool_free(pool);
    for (size_t i = 0; i < n; i++)
        if (errors[i].code != BK_CODE_OK) {
            *err = errors[i];
            return err->code;
        }
    return BK_OK;
}

/* Read the plan's checkpoint and commits, replay them, fill `s`. */
static bk_status replay_plan(delta_snapshot *s, const delta_log_plan *plan, bk_error *err) {
    delta_replay r;
    BK_TRY(delta_replay_init(&r, s->arena, err));
    r.root_abs = s->root_abs;
    bk_status st = BK_OK;
    if (plan->checkpoint) {
        delta_action_list acts = {0};
        st = delta_checkpoint_read(s->arena, s->store, plan->checkpoint, &acts, err);
        if (st == BK_OK) st = delta_replay_apply(&r, &acts, err);
    }
    /*
     * The files to read: the commits.  Log compaction files (PROTOCOL.md: optional
     * for readers) are listed but not used: replaying the commits is always right,
     * and the one real example we have (krs-data/compacted-log-files-table) does not
     * give the same state when read in place of its commits.
     */
    size_t cap = plan->last_commit >= plan->first_commit
                     ? (size_t)(plan->last_commit - plan->first_commit + 1)
                     : 0;
    const char **keys = cap ? bk_arena_array(s->arena, cap, sizeof *keys) : NULL;
    delta_action_list *lists = cap ? bk_arena_zalloc(s->arena, cap * sizeof *lists) : NULL;
    if (st == BK_OK && cap && (!keys || !lists)) st = bk_arena_oom(s->arena, err);
    size_t n = 0;
    for (int64_t v = plan->first_commit; st == BK_OK && v <= plan->last_commit; v++)
        keys[n++] = delta_log_find_commit(&s->listing, v)->key;
    if (st == BK_OK && n) st = parse_commits(s, keys, lists, n, err);
    for (size_t i = 0; st == BK_OK && i < n; i++) st = delta_replay_apply(&r, &lists[i], err);
    if (st == BK_OK) {
        s->commit_info = plan->last_commit == s->version ? r.commit_info : NULL;
        st = delta_replay_finish(&r, s, err);
    }
    delta_replay_destroy(&r);
    return st;
}

/* Plan and replay `version`, falling back past checkpoints that fail to read. */
static bk_status load_version(delta_snapshot *s, int64_t version, bk_error *err) {
    const delta_log_checkpoint *skip[8];
    size_t n_skip = 0;
    for (;;) {
        delta_log_plan plan;
        BK_TRY(delta_log_plan_version(&s->listing, version, skip, n_skip, &plan, err));
        s->version = version;
        bk_status st = replay_plan(s, &plan, err);
        if (st == BK_OK || !plan.checkpoint || n_skip == 8) return st;
        bk_log_warn("delta: checkpoint \"%s\" is unreadable (%s); trying an older one",
                    plan.checkpoint->keys[0], err->msg);
        bk_error_clear(err);
        if (s->listed_from > 0) { /* older routes need the whole log */
            BK_TRY(delta_log_list(s->arena, s->store, 0, &s->listing, err));
            s->listed_from = 0;
            n_skip = 0;
            for (size_t i = 0; i < s->listing.n_checkpoints; i++)
                if (s->listing.checkpoints[i].version == plan.checkpoint->version && n_skip < 8)
                    skip[n_skip++] = &s->listing.checkpoints[i];
            continue;
        }
        skip[n_skip++] = plan.checkpoint;
    }
}

static const char *config(const delta_snapshot *s, const char *key) {
    bool found;
    return delta_kv_get(&s->metadata.configuration, key, &found);
}

/* First version with in-commit timestamps, or -1 when they are off. */
static int64_t ict_start(const delta_snapshot *s) {
    const char *on = config(s, "delta.enableInCommitTimestamps");
    if (!on || strcmp(on, "true") != 0) return -1;
    const char *from = config(s, "delta.inCommitTimestampEnablementVersion");
    int64_t v = 0;
    if (from && !bk_parse_i64(from, strlen(from), &v)) v = 0;
    return v;
}

bk_status delta_snapshot_commit_times(delta_snapshot *s, bk_arena *a, int64_t **out,
                                      bk_error *err) {
    return delta_commit_timestamps(a, s->store, &s->listing, ict_start(s), out, err);
}

/* Schema, column mapping mode, protocol check: what every reader needs. */
static bk_status interpret(delta_snapshot *s, bk_error *err) {
    BK_TRY(delta_protocol_check_read(&s->protocol, err));
    const char *mode = config(s, "delta.columnMapping.mode");
    if (!mode || strcmp(mode, "none") == 0)
        s->mapping = DELTA_MAPPING_NONE;
    else if (strcmp(mode, "name") == 0)
        s->mapping = DELTA_MAPPING_NAME;
    else if (strcmp(mode, "id") == 0)
        s->mapping = DELTA_MAPPING_ID;
    else
        return bk_error_set(err, BK_UNSUPPORTED,
                            "the Delta table uses column mapping mode \"%s\"; Bricks knows "
                            "none, name and id",
                            mode);
    s->ict_enabled = ict_start(s) >= 0;
    const char *schema = s->metadata.schema_string;
    bk_status st = delta_schema_parse(s->arena, schema, strlen(schema), &s->schema, err);
    if (st != BK_OK) bk_error_prefix(err, "Delta table \"%s\": ", s->root);
    return st;
}

/*
 * A <version>.crc file (PROTOCOL.md "Version Checksum File") states the number
 * of files and the table size at that version.  Readers need not use it; Bricks
 * checks the replayed state against it and warns on a disagreement (a malformed
 * checksum file is only warned about: it never makes a table unreadable).
 */
static void check_crc(delta_snapshot *s) {
    if (!delta_log_has_crc(&s->listing, s->version)) return;
    char key[64];
    snprintf(key, sizeof key, DELTA_LOG_DIR "%020lld.crc", (long long)s->version);
    uint8_t *data;
    size_t len;
    bk_error err;
    bk_error_clear(&err);
    if (store_obj_get(s->arena, s->store, key, &data, &len, &err) != BK_OK) return;
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, len, 0, &jerr);
    json_t *files = root ? json_object_get(root, "numFiles") : NULL;
    json_t *bytes = root ? json_object_get(root, "tableSizeBytes") : NULL;
    if (!json_is_integer(files) || !json_is_integer(bytes)) {
        bk_log_warn("delta: ignoring malformed checksum file %s", key);
    } else {
        int64_t total = 0;
        for (size_t i = 0; i < s->n_files; i++)
            total += s->files[i]->has_size ? s->files[i]->size : 0;
        if ((size_t)json_integer_value(files) != s->n_files || json_integer_value(bytes) != total)
            bk_log_warn("delta: %s says %lld files and %lld bytes, the log replays to %zu files "
                        "and %lld bytes",
                        key, (long long)json_integer_value(files),
                        (long long)json_integer_value(bytes), s->n_files, (long long)total);
    }
    json_decref(root);
}

/* The commit time of the snapshot's own version. */
static bk_status own_timestamp(delta_snapshot *s, bk_error *err) {
    if (s->ict_enabled && s->commit_info && s->commit_info->has_in_commit_timestamp) {
        s->timestamp_ms = s->commit_info->in_commit_timestamp;
        return BK_OK;
    }
    const delta_log_commit *c = delta_log_find_commit(&s->listing, s->version);
    if (c) {
        s->timestamp_ms = c->mtime_ms;
        return BK_OK;
    }
    store_obj_info e; /* only a checkpoint is left of this version */
    const delta_log_checkpoint *cp = NULL;
    for (size_t i = 0; i < s->listing.n_checkpoints; i++)
        if (s->listing.checkpoints[i].version == s->version) cp = &s->listing.checkpoints[i];
    s->timestamp_ms = 0;
    if (cp && store_obj_head(s->store, cp->keys[0], &e, err) == BK_OK) s->timestamp_ms = e.mtime_ms;
    bk_error_clear(err);
    return BK_OK;
}

/* Resolve TIMESTAMP AS OF `ts_ms` to a version using the full listing. */
static bk_status version_at_timestamp(delta_snapshot *s, int64_t ts_ms, int64_t *version,
                                      bk_error *err) {
    int64_t *times;
    BK_TRY(delta_snapshot_commit_times(s, s->arena, &times, err));
    const delta_log_listing *l = &s->listing;
    char want[40], have[40];
    bk_format_timestamp_micros(ts_ms * 1000, want, sizeof want);
    if (l->n_commits == 0)
        return bk_error_set(err, BK_NOT_FOUND,
                            "cannot time travel by timestamp: the Delta log has no commit files");
    if (ts_ms < times[0]) {
        bk_format_timestamp_micros(times[0] * 1000, have, sizeof have);
        return bk_error_set(err, BK_NOT_FOUND,
                            "the provided timestamp (%s) is before the earliest version "
                            "available to this table (version %lld at %s)",
                            want, (long long)l->commits[0].version, have);
    }
    size_t last = l->n_commits - 1;
    if (ts_ms > times[last]) {
        bk_format_timestamp_micros(times[last] * 1000, have, sizeof have);
        return bk_error_set(err, BK_NOT_FOUND,
                            "the provided timestamp (%s) is after the latest version available "
                            "to this table (version %lld at %s); use VERSION AS OF %lld or the "
                            "exact timestamp of that commit",
                            want, (long long)l->commits[last].version, have,
                            (long long)l->commits[last].version);
    }
    size_t i = last;
    while (times[i] > ts_ms) i--;
    *version = l->commits[i].version;
    return BK_OK;
}

bk_status delta_snapshot_open(const char *root, const delta_at *at, delta_snapshot **out,
                              bk_error *err) {
    *out = NULL;
    delta_at latest = {DELTA_AT_LATEST, 0, 0};
    if (!at) at = &latest;
    bk_arena *a = bk_arena_new(NULL, "delta snapshot", 0);
    if (!a) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening a Delta table");
    delta_snapshot *s = bk_arena_zalloc(a, sizeof *s);
    if (!s) {
        bk_arena_free(a);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening a Delta table");
    }
    s->arena = a;
    s->root = bk_arena_strdup(a, root);
    char abs[PATH_MAX];
    s->root_abs = s->root && realpath(root, abs) ? bk_arena_strdup(a, abs) : s->root;
    bk_status st = s->root ? store_obj_open(root, &s->store, err) : bk_arena_oom(a, err);

    /* List from the _last_checkpoint hint when only the latest version is wanted. */
    int64_t hint = -1;
    if (st == BK_OK && at->kind == DELTA_AT_LATEST)
        hint = delta_log_last_checkpoint_hint(a, s->store);
    if (st == BK_OK && hint > 0) {
        st = delta_log_list(a, s->store, hint, &s->listing, err);
        bool usable = st == BK_OK && s->listing.n_checkpoints > 0 &&
                      s->listing.checkpoints[0].version == hint;
        if (!usable) hint = -1;
        s->listed_from = usable ? hint : 0;
    }
    if (st == BK_OK && hint <= 0) st = delta_log_list(a, s->store, 0, &s->listing, err);
    if (st == BK_OK && s->listing.latest < 0)
        st = bk_error_set(err, BK_NOT_FOUND,
                          "no Delta table at \"%s\": _delta_log/ is missing or has no commits",
                          root);

    /*
     * A directory listing taken while other writers commit may miss a file created
     * during it (readdir order is unspecified), so a gap in the commits is first
     * answered by listing again; only a gap that persists is an error.
     */
    for (int retry = 0; st == BK_OK && retry < 5; retry++) {
        delta_log_plan plan;
        int64_t want = at->kind == DELTA_AT_VERSION ? at->version : s->listing.latest;
        if (delta_log_plan_version(&s->listing, want, NULL, 0, &plan, err) != BK_CORRUPT) {
            bk_error_clear(err);
            break;
        }
        bk_error_clear(err);
        st = delta_log_list(a, s->store, 0, &s->listing, err);
        s->listed_from = 0;
    }
    int64_t version = s->listing.latest;
    if (st == BK_OK && at->kind == DELTA_AT_VERSION) version = at->version;
    if (st == BK_OK && at->kind == DELTA_AT_TIMESTAMP) {
        /* ICT settings come from the latest metadata. */
        st = load_version(s, s->listing.latest, err);
        if (st == BK_OK) st = interpret(s, err);
        if (st == BK_OK) st = version_at_timestamp(s, at->timestamp_ms, &version, err);
    }
    if (st == BK_OK) st = load_version(s, version, err);
    if (st == BK_OK) st = interpret(s, err);
    if (st == BK_OK) st = own_timestamp(s, err);
    if (st == BK_OK) check_crc(s);
    if (st != BK_OK) {
        delta_snapshot_free(s);
        return st;
    }
    *out = s;
    return BK_OK;
}

void delta_snapshot_free(delta_snapshot *s) {
    if (!s) return;
    store_obj *st = s->store; /* the arena's cleanups still unmap checkpoint files */
    bk_arena_free(s->arena);
    store_obj_close(st);
}

int64_t delta_snapshot_version(const delta_snapshot *s) { return s->version; }
int64_t delta_snapshot_timestamp(const delta_snapshot *s) { return s->timestamp_ms; }
const delta_protocol *delta_snapshot_protocol(const delta_snapshot *s) { return &s->protocol; }
const delta_metadata *delta_snapshot_metadata(const delta_snapshot *s) { return &s->metadata; }
const delta_schema *delta_snapshot_schema(const delta_snapshot *s) { return &s->schema; }
size_t delta_snapshot_num_files(const delta_snapshot *s) { return s->n_files; }
const delta_file_action *delta_snapshot_file(const delta_snapshot *s, size_t i) {
    return i < s->n_files ? s->files[i] : NULL;
}
const delta_commit_info *delta_snapshot_commit_info(const delta_snapshot *s) {
    return s->commit_info;
}
const char *delta_snapshot_root(const delta_snapshot *s) { return s->root; }

int64_t delta_snapshot_app_version(const delta_snapshot *s, const char *app_id) {
    for (size_t i = 0; i < s->n_txns; i++)
        if (strcmp(s->txns[i]->app_id, app_id) == 0) return s->txns[i]->version;
    return -1;
}

int64_t delta_file_num_records(const delta_file_action *f) {
    if (f->stats_parsed) {
        const bk_vector *v = f->stats_parsed;
        for (uint32_t k = 0; k < v->type->n_children; k++) {
            const bk_vector *c = v->children[k];
            if (strcmp(v->type->field_names[k], "numRecords") != 0) continue;
            if (c->type->kind != BK_TYPE_BIGINT || !bk_vector_is_valid(c, f->stats_parsed_row))
                return -1;
            return ((const int64_t *)c->data)[f->stats_parsed_row];
        }
    }
    if (!f->stats) return -1;
    /* numRecords is a top-level integer; finding it needs no full JSON parse
     * (this runs once per file for DESCRIBE DETAIL-style totals).  Writers put
     * it first, so look there before searching. */
    static const char key[] = "\"numRecords\"";
    const char *p = f->stats;
    while (*p == ' ' || *p == '{') p++;
    if (strncmp(p, key, sizeof key - 1) != 0) p = strstr(f->stats, key);
    if (!p) return -1;
    p += sizeof key - 1;
    while (*p == ' ' || *p == ':') p++;
    size_t len = 0;
    while (p[len] >= '0' && p[len] <= '9') len++;
    int64_t n;
    return len && bk_parse_i64(p, len, &n) ? n : -1;
}
