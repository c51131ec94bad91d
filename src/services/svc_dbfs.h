/*
 * svc_dbfs.h — DBFS 2.0: the workspace file system below DIR/dbfs.
 *
 * Paths are DBFS paths as the API takes them ("dbfs:/x/y" or "/x/y", with their
 * length so that a NUL inside is caught) and are normalized by svc_fspath_dbfs;
 * results name files by absolute DBFS path ("/x/y").  DBFS is workspace-wide, as
 * in Databricks: every authenticated user may read and write everything.
 * Streaming handles (create / add-block / close) belong to the user who created
 * them and expire after SVC_DBFS_HANDLE_IDLE_MS without use; an unknown, expired
 * or foreign handle is BK_NOT_FOUND.
 *
 * Durability: a call that returned BK_OK is on disk.  put and close write a
 * temporary file next to the target, fsync it, rename it into place and fsync
 * the directory; add-block appends to the handle's spool file and fsyncs it;
 * mkdirs, move and delete fsync the directories they change.
 *
 * Errors (the Databricks error_code in parentheses): BK_NOT_FOUND
 * (RESOURCE_DOES_NOT_EXIST), BK_ALREADY_EXISTS (RESOURCE_ALREADY_EXISTS),
 * BK_INVALID_ARGUMENT (INVALID_PARAMETER_VALUE), BK_MAX_BLOCK_SIZE_EXCEEDED,
 * BK_MAX_READ_SIZE_EXCEEDED, BK_DBFS_DIR_NOT_EMPTY (IO_ERROR),
 * BK_PERMISSION_DENIED (a symbolic link in the data directory), BK_IO.
 */
#ifndef BRICKS_SERVICES_SVC_DBFS_H
#define BRICKS_SERVICES_SVC_DBFS_H

#include "services/svc.h"

#define SVC_DBFS_MAX_BLOCK (1 << 20)            /* put contents, add-block data: 1 MiB */
#define SVC_DBFS_MAX_READ (1 << 20)             /* read length */
#define SVC_DBFS_DEFAULT_READ (512 << 10)       /* read length when absent: 0.5 MiB */
#define SVC_DBFS_HANDLE_IDLE_MS (10 * 60 * 1000) /* a handle unused this long expires */

/* The API's FileInfo. */
typedef struct svc_dbfs_info {
    const char *path;          /* absolute DBFS path, "/" for the root */
    bool is_dir;
    int64_t file_size;         /* 0 for directories */
    int64_t modification_time; /* ms since the epoch */
} svc_dbfs_info;

/* DIR/dbfs (in ctx->arena). */
const char *svc_dbfs_root(svc_ctx *ctx);

bk_status svc_dbfs_get_status(svc_ctx *ctx, const char *path, size_t len, svc_dbfs_info *out,
                              bk_error *err);
/* A directory's entries sorted by name, or the file itself when path is a file. */
bk_status svc_dbfs_list(svc_ctx *ctx, const char *path, size_t len, svc_dbfs_info **out,
                        size_t *n, bk_error *err);
/* mkdir -p; BK_ALREADY_EXISTS when a file is at the path or one of its parents. */
bk_status svc_dbfs_mkdirs(svc_ctx *ctx, const char *path, size_t len, bk_error *err);
/*
 * Write a whole file (parents are created).  Without `overwrite`, an existing file
 * or directory is BK_ALREADY_EXISTS; a directory is never replaced.  More than
 * SVC_DBFS_MAX_BLOCK bytes is BK_MAX_BLOCK_SIZE_EXCEEDED.
 */
bk_status svc_dbfs_put(svc_ctx *ctx, const char *path, size_t len, const void *data, size_t n,
                       bool overwrite, bk_error *err);
/* Like svc_dbfs_put, from the local file `src` (moved into place; any size). */
bk_status svc_dbfs_put_file(svc_ctx *ctx, const char *path, size_t len, const char *src,
                            bool overwrite, bk_error *err);

/* Open a streaming handle for `path`; BK_ALREADY_EXISTS as for put. */
bk_status svc_dbfs_create(svc_ctx *ctx, const char *path, size_t len, bool overwrite,
                          int64_t *handle, bk_error *err);
/* Append up to SVC_DBFS_MAX_BLOCK bytes to the handle's file. */
bk_status svc_dbfs_add_block(svc_ctx *ctx, int64_t handle, const void *data, size_t n,
                             bk_error *err);
/* Publish the handle's file at its path and forget the handle (also on failure). */
bk_status svc_dbfs_close(svc_ctx *ctx, int64_t handle, bk_error *err);

/*
 * Read up to `length` bytes at `offset` into ctx->arena; past the end of the file
 * fewer (0 at or beyond the end).  A negative offset or length, or a directory, is
 * BK_INVALID_ARGUMENT; length > SVC_DBFS_MAX_READ is BK_MAX_READ_SIZE_EXCEEDED.
 */
bk_status svc_dbfs_read(svc_ctx *ctx, const char *path, size_t len, int64_t offset,
                        int64_t length, uint8_t **data, size_t *n, bk_error *err);
/* Rename a file or a whole directory; the destination must not exist. */
bk_status svc_dbfs_move(svc_ctx *ctx, const char *src, size_t src_len, const char *dst,
                        size_t dst_len, bk_error *err);
/*
 * Delete a file, an empty directory, or with `recursive` a whole tree.  A missing
 * path is not an error (the call is idempotent); a non-empty directory without
 * `recursive` is BK_DBFS_DIR_NOT_EMPTY.
 */
bk_status svc_dbfs_delete(svc_ctx *ctx, const char *path, size_t len, bool recursive,
                          bk_error *err);

#endif
