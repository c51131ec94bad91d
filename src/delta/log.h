/*
 * log.h — the files of a table's _delta_log/ and which of them rebuild a version.
 *
 * PROTOCOL.md "Delta Log Entries" names the files a reader looks for:
 *
 *     00000000000000000007.json                          commit 7
 *     00000000000000000010.checkpoint.parquet            classic checkpoint at 10
 *     00000000000000000010.checkpoint.0000000001.0000000002.parquet   multi-part
 *     00000000000000000010.checkpoint.<uuid>.json|parquet V2 checkpoint
 *     00000000000000000004.00000000000000000006.compacted.json   log compaction
 *     00000000000000000007.crc                            version checksum
 *     _last_checkpoint                                    a hint, never the truth
 *
 * delta_log_list reads the directory once; delta_log_plan then chooses, for a
 * target version, the newest complete checkpoint at or below it and the commits
 * after it (or every commit from 0).  Everything else in the folder is ignored.
 */
#ifndef BRICKS_DELTA_LOG_H
#define BRICKS_DELTA_LOG_H

#include "base/arena.h"
#include "base/error.h"
#include "store/objstore.h"

#define DELTA_LOG_DIR "_delta_log/"

typedef struct delta_log_commit {
    int64_t version;
    const char *key; /* "_delta_log/00000000000000000007.json" */
    int64_t mtime_ms;
    uint64_t size;
} delta_log_commit;

typedef enum delta_checkpoint_kind {
    DELTA_CHECKPOINT_CLASSIC,   /* one Parquet file */
    DELTA_CHECKPOINT_MULTIPART, /* n Parquet parts */
    DELTA_CHECKPOINT_V2         /* <uuid>.json or .parquet, may name sidecars */
} delta_checkpoint_kind;

typedef struct delta_log_checkpoint {
    int64_t version;
    delta_checkpoint_kind kind;
    uint32_t n_parts;
    const char **keys; /* n_parts keys, part 1 first */
} delta_log_checkpoint;

typedef struct delta_log_compaction {
    int64_t from, to; /* inclusive */
    const char *key;
} delta_log_compaction;

typedef struct delta_log_listing {
    delta_log_commit *commits; /* ascending version, no duplicates */
    size_t n_commits;
    int64_t *crc_versions; /* versions with a <v>.crc checksum file, ascending */
    size_t n_crcs;
    delta_log_checkpoint *checkpoints; /* complete ones only, ascending version */
    size_t n_checkpoints;
    delta_log_compaction *compactions; /* ascending `from` */
    size_t n_compactions;
    int64_t latest; /* the highest version any commit or checkpoint reaches; -1 if none */
} delta_log_listing;

/*
 * List _delta_log/ under the store's root.  `from_version` > 0 lists only files of
 * that version and later (a _last_checkpoint hint); 0 lists everything.  A missing
 * or empty log gives an empty listing (latest == -1), not an error.
 */
bk_status delta_log_list(bk_arena *a, store_obj *st, int64_t from_version, delta_log_listing *out,
                         bk_error *err);

/* The commit of `version` in the listing, or NULL. */
const delta_log_commit *delta_log_find_commit(const delta_log_listing *l, int64_t version);

/* What to read to rebuild one version. */
typedef struct delta_log_plan {
    const delta_log_checkpoint *checkpoint; /* NULL: replay commits from 0 */
    int64_t first_commit, last_commit;      /* commits to apply, inclusive; first > last if none */
} delta_log_plan;

/* Is there a <version>.crc file? */
bool delta_log_has_crc(const delta_log_listing *l, int64_t version);

/*
 * Choose the newest checkpoint at or below `version` from which every later commit
 * up to `version` is present, skipping checkpoints listed in `skip` (ones that
 * failed to read).  BK_NOT_FOUND when no such route exists, with a message saying
 * which versions can be rebuilt.
 */
bk_status delta_log_plan_version(const delta_log_listing *l, int64_t version,
                                 const delta_log_checkpoint *const *skip, size_t n_skip,
                                 delta_log_plan *out, bk_error *err);

/* The earliest version that delta_log_plan_version can rebuild, or -1. */
int64_t delta_log_earliest_version(const delta_log_listing *l);

/*
 * Read _last_checkpoint's "version", or -1 when the file is missing, unreadable or
 * not what the protocol describes (readers must then list; never an error).
 */
int64_t delta_log_last_checkpoint_hint(bk_arena *a, store_obj *st);

#endif
