/*
 * objstore.h — object stores: whole objects under '/'-separated keys below a root.
 *
 * The Delta layer (and everything else that keeps tables, volumes or artifacts)
 * talks to storage through a store_obj, never through paths, so that an
 * S3-compatible store can later replace the local filesystem without a change
 * above this layer:
 *
 *     store_obj *o;
 *     store_obj_open("/data/warehouse/main/default/t", &o, &err);   or file:///...
 *     store_obj_put_if_absent(o, "_delta_log/00000000000000000000.json", json, n, &err);
 *     store_obj_list(a, o, "_delta_log/", NULL, 0, &entries, &n, &err);
 *     store_obj_get(a, o, "_delta_log/00000000000000000000.json", &data, &len, &err);
 *     store_obj_close(o);
 *
 * Keys.  A key is a relative path: segments separated by single '/', none of them
 * empty, "." or "..", no backslash, no leading or trailing '/', and (because the
 * local backend writes "<key>.tmp-XXXXXX" temporary files next to the target) no
 * last segment ending in ".tmp-" plus six letters or digits.  Every function
 * checks its keys (store_obj_check_key) and fails with BK_INVALID_ARGUMENT naming
 * the key, so nothing can reach outside the root.
 *
 * Objects are files; directories are an artefact of the local backend: they are
 * created as needed by writes, never listed, and never removed by delete.  The
 * local backend refuses to go through a symbolic link below the root
 * (BK_PERMISSION_DENIED naming it), so no write lands outside the root and no
 * read follows a link out of it; the root itself may be or contain links.
 *
 * Errors: BK_INVALID_ARGUMENT (a bad key or range), BK_NOT_FOUND (no object at the
 * key), BK_ALREADY_EXISTS (put_if_absent lost), BK_PERMISSION_DENIED (a symbolic
 * link), BK_UNSUPPORTED (a scheme without a backend), BK_IO (the system's reason,
 * with the key or path), BK_OUT_OF_MEMORY.  Messages name the key and the store.
 *
 * Thread safety: a store_obj is immutable once open; any number of threads may
 * use it at once.  A store_obj_writer or store_map belongs to one thread at a time.
 * Across processes, put_if_absent is atomic: of any number of racing writers of
 * one key, exactly one wins.
 */
#ifndef BRICKS_STORE_OBJSTORE_H
#define BRICKS_STORE_OBJSTORE_H

#include "base/arena.h"
#include "base/bk.h"
#include "base/error.h"
#include "store/store.h"

typedef struct store_obj store_obj;
typedef struct store_obj_writer store_obj_writer;

/* What head and list tell about an object. */
typedef struct store_obj_info {
    uint64_t size;    /* bytes */
    int64_t mtime_ms; /* last modification, ms since the epoch (Delta's modificationTime) */
} store_obj_info;

/* One object of a listing. */
typedef struct store_obj_entry {
    const char *key; /* the full key (prefix included), in the listing's arena */
    uint64_t size;
    int64_t mtime_ms;
} store_obj_entry;

enum {
    STORE_OBJ_RECURSIVE = 1 << 0 /* store_obj_list: walk subdirectories too */
};

/* ---- opening ---------------------------------------------------------------------------- */

/*
 * Open the store rooted at `root`: a local directory path (absolute or relative to
 * the working directory) or a file: URL ("file:///abs/dir", "file:/abs/dir",
 * "file://localhost/abs/dir", %XX escapes decoded).  The directory need not exist
 * yet: reads then find nothing and the first write creates it.  Errors:
 * BK_UNSUPPORTED (another scheme, e.g. s3://, named), BK_INVALID_ARGUMENT (empty
 * root, a malformed URL, or a root that exists but is not a directory),
 * BK_OUT_OF_MEMORY.  Close with store_obj_close.
 */
bk_status store_obj_open(const char *root, store_obj **out, bk_error *err);
/* Release the store.  Maps and writers must be released first.  NULL is a no-op. */
void store_obj_close(store_obj *o);

/* The root as it was given to store_obj_open (for messages). */
const char *store_obj_location(const store_obj *o);
/* The backend's name: "file" (local filesystem); later "s3". */
const char *store_obj_scheme(const store_obj *o);

/*
 * BK_OK when `key` is a valid key (see the top of this file), otherwise
 * BK_INVALID_ARGUMENT with a message naming the key and what is wrong with it.
 */
bk_status store_obj_check_key(const char *key, bk_error *err);

/* ---- reading ---------------------------------------------------------------------------- */

/*
 * The whole object, copied into arena `a` and followed by a NUL that `*len` does
 * not count.  Errors: BK_NOT_FOUND, BK_IO, BK_OUT_OF_MEMORY, BK_INVALID_ARGUMENT.
 */
bk_status store_obj_get(bk_arena *a, store_obj *o, const char *key, uint8_t **data, size_t *len,
                        bk_error *err);

/*
 * Bytes [offset, offset + length) of the object, into arena `a` (NUL-terminated
 * like store_obj_get).  A range that runs past the end is cut short: `*len` may be
 * less than `length`, and is 0 when offset equals the size.  An offset beyond the
 * size is BK_INVALID_ARGUMENT.  Other errors as for store_obj_get.
 */
bk_status store_obj_get_range(bk_arena *a, store_obj *o, const char *key, uint64_t offset,
                              size_t length, uint8_t **data, size_t *len, bk_error *err);

/* Size and modification time.  Errors: BK_NOT_FOUND (also for a directory), BK_IO. */
bk_status store_obj_head(store_obj *o, const char *key, store_obj_info *out, bk_error *err);

/*
 * The whole object as read-only bytes, without copying where the backend can (a
 * memory mapping locally; a remote backend downloads it).  The bytes stay valid
 * after the object is replaced or deleted, until store_obj_unmap(o, map).
 * Errors as for store_obj_get.
 */
bk_status store_obj_map(store_obj *o, const char *key, store_map *map, bk_error *err);
/* Release what store_obj_map of `o` returned (no-op on a zeroed or released map). */
void store_obj_unmap(store_obj *o, store_map *map);

/*
 * The objects whose keys start with `prefix` and are bytewise greater than
 * `start_after` (NULL: no lower bound), sorted bytewise by key, as an array in
 * arena `a`.  `prefix` is "" (everything), a directory ("_delta_log/") or any
 * beginning of a key ("_delta_log/0000000000000000001"); its part up to the last
 * '/' must be a valid key.  Without STORE_OBJ_RECURSIVE only the objects directly
 * in the prefix's directory are returned; with it, the objects at any depth below.
 * A prefix whose directory does not exist gives an empty listing, not an error.
 * Temporary files of unfinished writes are never listed, nor are directories and
 * symbolic links.  `prefix` NULL means "".  An empty listing may set *entries to
 * NULL.  Errors: BK_INVALID_ARGUMENT, BK_PERMISSION_DENIED (the prefix's directory
 * goes through a symbolic link), BK_IO, BK_OUT_OF_MEMORY.
 */
bk_status store_obj_list(bk_arena *a, store_obj *o, const char *prefix, const char *start_after,
                         unsigned flags, store_obj_entry **entries, size_t *count, bk_error *err);

/* ---- writing ---------------------------------------------------------------------------- */

/*
 * Create or replace the object atomically and durably: a reader sees the old
 * bytes or all of the new ones, and when this returns the object (name included)
 * is on disk.  Missing parent directories are created.  Errors: BK_IO,
 * BK_INVALID_ARGUMENT, BK_PERMISSION_DENIED, BK_OUT_OF_MEMORY.
 */
bk_status store_obj_put(store_obj *o, const char *key, const void *data, size_t len, bk_error *err);

/*
 * Like store_obj_put, but only if nothing exists at `key`: BK_ALREADY_EXISTS
 * otherwise, with the existing object untouched.  Atomic across threads and
 * processes, so it can serve as the Delta commit: of writers racing for
 * "_delta_log/<v>.json", exactly one succeeds.
 */
bk_status store_obj_put_if_absent(store_obj *o, const char *key, const void *data, size_t len,
                                  bk_error *err);

/*
 * Remove the object.  Atomic but not made durable (after a crash the object may
 * be back: fine for VACUUM and log cleanup, its users).  Empty parent directories
 * are left in place (never listed).  Errors: BK_NOT_FOUND (also for a directory),
 * BK_IO, BK_INVALID_ARGUMENT, BK_PERMISSION_DENIED.
 */
bk_status store_obj_delete(store_obj *o, const char *key, bk_error *err);

/*
 * Stream a large object.  `flags` are store.h's STORE_NO_REPLACE (commit is
 * put_if_absent: BK_ALREADY_EXISTS if the key exists by then), STORE_NO_SYNC
 * (scratch data: skip the fsyncs) and STORE_PRIVATE (mode 0600 locally).  Nothing
 * is visible at the key until commit.  Every open is followed by exactly one
 * commit or abort, which frees the writer (commit frees it on failure too, and
 * then leaves no trace).  Missing parent directories are created at open.
 */
bk_status store_obj_writer_open(store_obj *o, const char *key, unsigned flags,
                                store_obj_writer **out, bk_error *err);
/* Append bytes.  After a failure the writer can only be aborted. */
bk_status store_obj_writer_write(store_obj_writer *w, const void *data, size_t n, bk_error *err);
/* Bytes written so far (the offset of the next byte). */
uint64_t store_obj_writer_size(const store_obj_writer *w);
/* Make the object appear, atomically (and durably unless STORE_NO_SYNC). */
bk_status store_obj_writer_commit(store_obj_writer *w, bk_error *err);
/* Drop everything written and free the writer.  NULL is a no-op. */
void store_obj_writer_abort(store_obj_writer *w);

/* ---- local paths ------------------------------------------------------------------------ */

/*
 * The local filesystem path of `key` ("<root>/<key>", in arena `a`), for code that
 * still works on paths (the Parquet reader and writer).  `*path` is NULL when the
 * backend has no local files.  The object need not exist; the key is checked, and
 * so are the directories on its way (no symbolic links).  Errors:
 * BK_INVALID_ARGUMENT, BK_PERMISSION_DENIED, BK_IO, BK_OUT_OF_MEMORY.
 */
bk_status store_obj_local_path(bk_arena *a, store_obj *o, const char *key, const char **path,
                               bk_error *err);

/* ---- backends --------------------------------------------------------------------------- */

/*
 * A backend fills one static store_obj_ops and embeds struct store_obj (and
 * struct store_obj_writer) at the start of its own structs.  The public functions
 * above check keys, prefixes and NULL arguments before calling in, so an op may
 * assume valid keys; range checks against the object's size are the op's own.
 */
typedef struct store_obj_ops {
    const char *scheme; /* "file", "s3", ... */
    void (*close)(store_obj *o);
    /* bytes [offset, offset + length) into a (length SIZE_MAX: to the end) */
    bk_status (*get)(bk_arena *a, store_obj *o, const char *key, uint64_t offset, size_t length,
                     uint8_t **data, size_t *len, bk_error *err);
    bk_status (*head)(store_obj *o, const char *key, store_obj_info *out, bk_error *err);
    bk_status (*map)(store_obj *o, const char *key, store_map *map, bk_error *err);
    void (*unmap)(store_obj *o, store_map *map);
    /* flags: STORE_NO_REPLACE (put_if_absent) */
    bk_status (*put)(store_obj *o, const char *key, const void *data, size_t len, unsigned flags,
                     bk_error *err);
    bk_status (*del)(store_obj *o, const char *key, bk_error *err);
    /* the prefix's directory part has been checked like a key */
    bk_status (*list)(bk_arena *a, store_obj *o, const char *prefix, const char *start_after,
                      unsigned flags, store_obj_entry **entries, size_t *count, bk_error *err);
    bk_status (*writer_open)(store_obj *o, const char *key, unsigned flags, store_obj_writer **out,
                             bk_error *err);
    bk_status (*writer_write)(store_obj_writer *w, const void *data, size_t n, bk_error *err);
    uint64_t (*writer_size)(const store_obj_writer *w);
    bk_status (*writer_commit)(store_obj_writer *w, bk_error *err);
    void (*writer_abort)(store_obj_writer *w);
    /* NULL when the backend has no local files */
    bk_status (*local_path)(bk_arena *a, store_obj *o, const char *key, const char **path,
                            bk_error *err);
} store_obj_ops;

/* The part of every store that the generic layer reads. */
struct store_obj {
    const store_obj_ops *ops;
    char *location; /* the root as given (heap, freed by the backend's close) */
};

/* The part of every writer that the generic layer reads. */
struct store_obj_writer {
    store_obj *store;
};

/*
 * The local-filesystem backend, rooted at directory `dir` (a plain path, no URL).
 * `location` is what store_obj_location reports.  store_obj_open calls this for
 * paths and file: URLs.
 */
bk_status store_obj_fs_open(const char *dir, const char *location, store_obj **out, bk_error *err);

/*
 * True when a file name has the form of a temporary file of an unfinished write
 * ("<name>.tmp-" and six letters or digits, store.h's store_writer): listings skip
 * such names and store_obj_check_key refuses them as the last segment of a key.
 */
bool store_obj_is_temp_name(const char *name, size_t len);

#endif
