/*
 * commit_internal.h — the state of a write transaction, shared by commit.c,
 * write_files.c and the operations built on them (delete, optimize).
 */
#ifndef BRICKS_DELTA_COMMIT_INTERNAL_H
#define BRICKS_DELTA_COMMIT_INTERNAL_H

#include "delta/commit.h"
#include "delta/snapshot.h"

struct delta_tx {
    bk_arena *arena;
    delta_snapshot *snap;      /* the version read; owned */
    delta_action_list actions; /* add, remove, txn to commit */
    bool read_all;             /* read the table: concurrent changes to it conflict */
    const char *operation;     /* commitInfo.operation */
    const char *params_json;   /* commitInfo.operationParameters */
    const char *app_id;        /* txn action, or NULL */
    bool done;                 /* committed or failed: spent */
    bool data_change;          /* dataChange of the files written (false: OPTIMIZE) */
    uint64_t rows_written, files_written, files_removed;
};

#endif
