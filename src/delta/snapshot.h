/*
 * snapshot.h — inside a delta_snapshot: the state replayed from the log, shared by
 * the files of src/delta/ (scan, commit, checkpoint, vacuum).  Other layers use
 * the accessors in delta.h.
 */
#ifndef BRICKS_DELTA_SNAPSHOT_H
#define BRICKS_DELTA_SNAPSHOT_H

#include "base/buf.h"
#include "base/hash.h"
#include "delta/delta.h"
#include "delta/json.h"
#include "delta/log.h"
#include "store/objstore.h"

typedef enum delta_mapping_mode {
    DELTA_MAPPING_NONE,
    DELTA_MAPPING_NAME,
    DELTA_MAPPING_ID
} delta_mapping_mode;

struct delta_snapshot {
    bk_arena *arena; /* owns everything below */
    store_obj *store;
    const char *root;
    const char *root_abs;      /* root made absolute (realpath), or root */
    delta_log_listing listing; /* the log as listed when the snapshot was opened */
    int64_t listed_from;       /* the version the listing starts at (0: complete) */
    int64_t version;
    int64_t timestamp_ms;
    delta_protocol protocol;
    delta_metadata metadata;
    delta_schema schema;
    delta_mapping_mode mapping;
    bool ict_enabled;                     /* delta.enableInCommitTimestamps */
    const delta_commit_info *commit_info; /* of `version`, or NULL */
    delta_file_action **files;            /* live add actions, in log order */
    size_t n_files;
    delta_file_action **tombstones; /* remove actions still in the state */
    size_t n_tombstones;
    delta_txn **txns;
    size_t n_txns;
    delta_domain_metadata **domains; /* live (not removed) domains */
    size_t n_domains;
};

/* ---- replay.c: action reconciliation (PROTOCOL.md "Action Reconciliation") ---- */

typedef struct delta_replay {
    bk_arena *a;
    const char *root_abs; /* the table's absolute path, to canonicalize file paths */
    bk_hmap *files;       /* (path, DV id) -> live add, or NULL once removed */
    bk_hmap *tombstones;  /* (path, DV id) -> remove, or NULL once re-added */
    bk_hmap *txns;        /* appId -> delta_txn */
    bk_hmap *domains;     /* domain -> delta_domain_metadata */
    const delta_protocol *protocol;
    const delta_metadata *metadata;
    const delta_commit_info *commit_info; /* of the last commit applied */
} delta_replay;

bk_status delta_replay_init(delta_replay *r, bk_arena *a, bk_error *err);
void delta_replay_destroy(delta_replay *r);
/* Apply the actions of one commit or checkpoint, oldest source first. */
bk_status delta_replay_apply(delta_replay *r, const delta_action_list *acts, bk_error *err);
/* Move the reconciled state into `s` (files, tombstones, txns, domains, P&M). */
bk_status delta_replay_finish(delta_replay *r, delta_snapshot *s, bk_error *err);

/* The reconciliation key of a file action: path, NUL, the DV's unique id. */
bk_status delta_file_key(bk_arena *a, const char *root_abs, const delta_file_action *f,
                         const char **key, size_t *len, bk_error *err);

/* ---- checkpoint_read.c ---- */

/*
 * Append every action of a checkpoint (all parts; V2 sidecars followed) to `out`.
 * Errors name the checkpoint file.
 */
bk_status delta_checkpoint_read(bk_arena *a, store_obj *st, const delta_log_checkpoint *cp,
                                delta_action_list *out, bk_error *err);

/* Read and parse one JSON log file (commit or compaction) into `out`. */
bk_status delta_log_read_json(bk_arena *a, store_obj *st, const char *key, delta_action_list *out,
                              bk_error *err);

/* ---- protocol.c ---- */

/* BK_UNSUPPORTED naming the features when Bricks cannot read a table with `p`. */
bk_status delta_protocol_check_read(const delta_protocol *p, bk_error *err);
/*
 * BK_UNSUPPORTED naming the reason when Bricks must not write to the table: a
 * writer version or feature it does not implement, or features in use whose
 * rules it does not enforce (CHECK constraints, invariants, generated and
 * identity columns).
 */
bk_status delta_protocol_check_write(const delta_snapshot *s, bk_error *err);
/* True when `p` lists `feature` among its reader (or writer) features. */
bool delta_protocol_has_reader_feature(const delta_protocol *p, const char *feature);
bool delta_protocol_has_writer_feature(const delta_protocol *p, const char *feature);

/* ---- history.c ---- */

/*
 * Commit timestamps (ms) for every commit in the listing, parallel to
 * l->commits: in-commit timestamps from `ict_from_version` on (-1: none), file
 * modification times before it, made strictly increasing as Delta does.
 */
bk_status delta_commit_timestamps(bk_arena *a, store_obj *st, const delta_log_listing *l,
                                  int64_t ict_from_version, int64_t **out, bk_error *err);

/* ---- retention.c ---- */

#define DELTA_DAY_MS (24LL * 3600 * 1000)

/* Parse "interval 7 days" (units ms..weeks, singular or plural) into ms. */
bool delta_parse_interval_ms(const char *text, int64_t *out);
/* A duration table property, or `default_ms` when absent or unreadable. */
int64_t delta_config_duration_ms(const delta_snapshot *s, const char *key, int64_t default_ms);

/* ---- snapshot.c ---- */

/* delta_commit_timestamps for the snapshot's listing, with its ICT settings. */
bk_status delta_snapshot_commit_times(delta_snapshot *s, bk_arena *a, int64_t **out, bk_error *err);

#endif
