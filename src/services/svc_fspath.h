/*
 * svc_fspath.h — user paths of DBFS and the Files API, normalized into keys of a
 * directory tree (store/tree.h) that can never leave it.
 *
 * DBFS paths ("dbfs:/FileStore/x.csv", "/FileStore/x.csv") name keys below
 * DIR/dbfs; Files API paths name keys below DIR/volumes ("/Volumes/<catalog>/
 * <schema>/<volume>/…") or, as a Bricks extension, DIR/dbfs ("/dbfs/…").
 *
 * Normalization: the path must be absolute; repeated '/' collapse, "." segments
 * and a trailing '/' are dropped; a ".." segment, a NUL byte, a control
 * character or an over-long path is refused with BK_INVALID_ARGUMENT (".." is
 * refused rather than resolved, so a client's mistake cannot silently address
 * another file).  The key is "" for the root, else "a/b/c".
 */
#ifndef BRICKS_SERVICES_SVC_FSPATH_H
#define BRICKS_SERVICES_SVC_FSPATH_H

#include "base/arena.h"
#include "base/error.h"
#include "services/svc.h"

/* The trees a path can live in. */
typedef enum svc_fs_area {
    SVC_FS_DBFS = 1,    /* DIR/dbfs */
    SVC_FS_VOLUMES = 2, /* DIR/volumes: key = "<catalog>/<schema>/<volume>/…" */
} svc_fs_area;

/*
 * Normalize the absolute path p[0..len) into *key (in `a`).  `what` names the
 * parameter in messages ("path").  Errors: BK_INVALID_ARGUMENT, BK_OUT_OF_MEMORY.
 */
bk_status svc_fspath_normalize(bk_arena *a, const char *p, size_t len, const char *what,
                               char **key, bk_error *err);

/* A DBFS path ("dbfs:/x" or "/x", length len) → key below DIR/dbfs. */
bk_status svc_fspath_dbfs(bk_arena *a, const char *p, size_t len, char **key, bk_error *err);

/*
 * A Files API path → its area and key.  "/Volumes" paths need at least the
 * three levels catalog/schema/volume.  Anything else is BK_INVALID_ARGUMENT.
 */
bk_status svc_fspath_files(bk_arena *a, const char *p, size_t len, svc_fs_area *area, char **key,
                           bk_error *err);

/*
 * DIR/tmp, created (0700) when missing, in `a`: where request bodies and DBFS
 * handles are spooled before they are moved into place (same filesystem as the
 * trees, so the move is a rename).  NULL + err on failure.
 */
char *svc_spool_dir(bk_arena *a, const svc_env *env, bk_error *err);

/*
 * Remove the spool files of requests ("upload-*", "put-*") from DIR/tmp: call it
 * when no request is in flight (server start), after a crash left some behind.
 * DBFS handle spools ("dbfs-handle-*") stay: open handles survive a restart.
 * Returns how many files were removed.
 */
int svc_spool_cleanup(const svc_env *env);

/* The number of segments of a key ("" has 0). */
int svc_fspath_depth(const char *key);

#endif
