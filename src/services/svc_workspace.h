/*
 * svc_workspace.h — the workspace tree (Workspace API 2.0): directories, notebooks
 * and files under absolute paths, in the metastore (ws_objects).
 *
 * Paths are absolute ("/Users/ann@example.com/etl"); svc_ws_path_normalize strips
 * a trailing "/" and a leading "/Workspace" (Databricks accepts both), and refuses
 * relative paths, empty, "." and ".." segments, control characters, segments over
 * SVC_WS_MAX_NAME bytes and paths over SVC_WS_MAX_PATH bytes
 * (BK_INVALID_ARGUMENT, naming the path).
 *
 * Tree rules, as Databricks: "/", "/Users" and "/Shared" always exist; every user
 * has a home "/Users/<userName>" (created on first use, owned by the user); import
 * needs the parent directory to exist (BK_NOT_FOUND "The parent folder (…) does not
 * exist."); mkdirs creates parents and is idempotent; a non-recursive delete of a
 * non-empty directory is BK_WS_DIRECTORY_NOT_EMPTY; content over SVC_WS_MAX_CONTENT
 * bytes is BK_WS_MAX_NOTEBOOK_SIZE; an existing path is BK_WS_ALREADY_EXISTS
 * (RESOURCE_ALREADY_EXISTS with HTTP 400, as the Workspace API answers, where other
 * APIs use 409).
 *
 * Permissions (svc_permissions.h, types "directories", "notebooks", "files"):
 * reading (get-status, list, export) needs CAN_READ, writing (import, overwrite,
 * mkdirs, delete) CAN_EDIT on the object or, for a new object, on its directory.
 * "/" and "/Users" can be listed by everyone, showing only what the caller can read.
 * Users have CAN_MANAGE on /Shared by default.
 *
 * Durability: every mutation is one metastore transaction (WAL, synchronous=FULL),
 * committed before the call returns.  Results live in ctx->arena.
 */
#ifndef BRICKS_SERVICES_SVC_WORKSPACE_H
#define BRICKS_SERVICES_SVC_WORKSPACE_H

#include "services/svc.h"
#include "services/svc_notebook.h"
#include "services/svc_permissions.h"

#define SVC_WS_MAX_PATH 4096
#define SVC_WS_MAX_NAME 255
#define SVC_WS_MAX_CONTENT ((size_t)10 << 20) /* 10 MB, as Databricks */

typedef enum svc_ws_kind {
    SVC_WS_DIRECTORY = 1,
    SVC_WS_NOTEBOOK,
    SVC_WS_FILE,
} svc_ws_kind;

typedef struct svc_ws_object {
    int64_t id;       /* object_id: stable for the object's life */
    const char *path; /* normalised */
    svc_ws_kind kind;
    svc_nb_lang language; /* notebooks only */
    int64_t size;         /* bytes of content (files and notebooks) */
    int64_t owner_id;
    int64_t parent_id; /* -1 for the root */
    int64_t created_ms, modified_ms;
} svc_ws_object;

/* "DIRECTORY", "NOTEBOOK", "FILE". */
const char *svc_ws_kind_name(svc_ws_kind kind);

/* The normalised form of `path` in the arena (see the header comment). */
bk_status svc_ws_path_normalize(bk_arena *a, const char *path, const char **out, bk_error *err);

bk_status svc_ws_get_status(svc_ctx *ctx, const char *path, svc_ws_object *out, bk_error *err);
/*
 * The children of directory `path` ordered by path (or the object itself when it is
 * not a directory).  modified_after > 0 keeps only notebooks modified after it (ms)
 * and every non-notebook.
 */
bk_status svc_ws_list(svc_ctx *ctx, const char *path, int64_t modified_after,
                      svc_ws_object **out, size_t *n, bk_error *err);
bk_status svc_ws_mkdirs(svc_ctx *ctx, const char *path, bk_error *err);

typedef struct svc_ws_import_req {
    const char *path;
    svc_ws_format format;  /* SVC_WS_FMT_DEFAULT = SOURCE */
    svc_nb_lang language;  /* SVC_NB_NONE: not given */
    bool overwrite;
    const char *content;   /* decoded bytes (may hold NULs) */
    size_t len;
} svc_ws_import_req;

/*
 * Import a notebook or file.  SOURCE needs a language (given, or from a header in
 * the content); AUTO makes a notebook of content with a notebook header and a
 * matching extension (.py .sql .scala .r), or of an .ipynb file, dropping the
 * extension, and a file otherwise; JUPYTER and HTML make notebooks; RAW makes a
 * file.  SOURCE without a language and with ZIP content imports a directory (as a
 * directory export makes it: notebooks by extension, other entries as files).  DBC
 * and R_MARKDOWN are BK_UNSUPPORTED.  *out (may be NULL) is the object.
 */
bk_status svc_ws_import(svc_ctx *ctx, const svc_ws_import_req *req, svc_ws_object *out,
                        bk_error *err);

/*
 * Export `path`: a notebook as SOURCE (default, AUTO, RAW), JUPYTER or HTML; a file
 * as its bytes (SOURCE, AUTO, RAW).  *file_type is the API's file_type ("py",
 * "ipynb", "html", a file's extension, or NULL).  A directory exports as a ZIP
 * archive (*file_type "zip") of its notebooks' SOURCE (SOURCE) or of its notebooks
 * and files (AUTO); DBC and R_MARKDOWN are BK_UNSUPPORTED.
 */
bk_status svc_ws_export(svc_ctx *ctx, const char *path, svc_ws_format format,
                        const char **data, size_t *len, const char **file_type, bk_error *err);
bk_status svc_ws_delete(svc_ctx *ctx, const char *path, bool recursive, bk_error *err);

/* Permission lookups for svc_permissions.c: the object `id` of that kind. */
bk_status svc_ws_perm_lookup_directory(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                       bk_error *err);
bk_status svc_ws_perm_lookup_notebook(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                      bk_error *err);
bk_status svc_ws_perm_lookup_file(svc_ctx *ctx, const char *id, svc_perm_object *out,
                                  bk_error *err);

#endif
