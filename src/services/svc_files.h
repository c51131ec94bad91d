/*
 * svc_files.h — the Files API (/api/2.0/fs/…): files and directories of UC volumes
 * (/Volumes/<catalog>/<schema>/<volume>/…, below DIR/volumes) and, as a Bricks
 * extension, of DBFS (/dbfs/…, below DIR/dbfs).
 *
 * Unity Catalog is not built yet, so a volume is simply a directory: writing into
 * /Volumes/c/s/v/ creates it, and every authenticated user may read and write
 * every volume (like DBFS).  When UC lands, volume existence and READ VOLUME /
 * WRITE VOLUME privileges are checked here, before anything is touched.
 *
 * Errors, with the Databricks error_code: BK_FILES_NOT_FOUND (NOT_FOUND, 404),
 * BK_FILES_ALREADY_EXISTS (ALREADY_EXISTS, 409), BK_INVALID_ARGUMENT
 * (INVALID_PARAMETER_VALUE, 400), BK_PERMISSION_DENIED (a symbolic link), BK_IO.
 * Where Databricks adds a google.rpc.ErrorInfo reason, err->detail holds it
 * ("FILES_API_DIRECTORY_IS_NOT_EMPTY", "FILES_API_DIRECTORY_IS_NOT_FOUND").
 *
 * Durability as in svc_dbfs.h: an upload is fsynced, renamed into place and its
 * directory fsynced before the call returns.
 */
#ifndef BRICKS_SERVICES_SVC_FILES_H
#define BRICKS_SERVICES_SVC_FILES_H

#include "services/svc.h"

#define SVC_FILES_MAX_PAGE 1000

/* A file's metadata. */
typedef struct svc_files_meta {
    uint64_t size;
    int64_t mtime_ms;
} svc_files_meta;

/* One directory entry as the API lists it. */
typedef struct svc_files_entry {
    const char *path; /* absolute API path; directories end in '/' */
    const char *name;
    bool is_dir;
    uint64_t size;    /* files only */
    int64_t mtime_ms; /* files only */
} svc_files_entry;

/*
 * Move the local file `src` (a spooled upload) to `path`, creating missing
 * parent directories.  Without `overwrite` an existing file is
 * BK_FILES_ALREADY_EXISTS; a directory at the path always is.
 */
bk_status svc_files_upload(svc_ctx *ctx, const char *path, size_t len, const char *src,
                           bool overwrite, bk_error *err);
/* Open the file for reading: *fd (caller closes) and its metadata. */
bk_status svc_files_open(svc_ctx *ctx, const char *path, size_t len, int *fd, svc_files_meta *m,
                         bk_error *err);
/* The file's metadata (BK_FILES_NOT_FOUND also for a directory). */
bk_status svc_files_head(svc_ctx *ctx, const char *path, size_t len, svc_files_meta *m,
                         bk_error *err);
bk_status svc_files_delete(svc_ctx *ctx, const char *path, size_t len, bk_error *err);

/* mkdir -p, idempotent; a file in the way is BK_FILES_ALREADY_EXISTS. */
bk_status svc_files_mkdirs(svc_ctx *ctx, const char *path, size_t len, bk_error *err);
/* BK_OK when the directory exists, else BK_FILES_NOT_FOUND. */
bk_status svc_files_dir_head(svc_ctx *ctx, const char *path, size_t len, bk_error *err);
/*
 * One page of a directory listing, sorted by name: at most page_size entries
 * (<= 0 or above SVC_FILES_MAX_PAGE: SVC_FILES_MAX_PAGE) after page_token (NULL
 * or "" for the first page).  *next_token is NULL on the last page.
 */
bk_status svc_files_list(svc_ctx *ctx, const char *path, size_t len, const char *page_token,
                         int64_t page_size, svc_files_entry **out, size_t *n,
                         const char **next_token, bk_error *err);
/* Remove an empty directory (not a volume's root). */
bk_status svc_files_rmdir(svc_ctx *ctx, const char *path, size_t len, bk_error *err);

#endif
