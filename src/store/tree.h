/*
 * tree.h — a directory tree below a local root, addressed by keys: what DBFS
 * (DIR/dbfs) and UC volumes (DIR/volumes) are made of.
 *
 * Unlike an object store (objstore.h), a tree has real directories: they are
 * created, listed (empty ones too), renamed and removed.  Files are still written
 * atomically and durably through store.h's writers (a temporary file next to the
 * target, fsync, rename, fsync of the directory).
 *
 * Keys.  A key is a relative path below the root: segments separated by single
 * '/', none empty, "." or "..", none longer than 255 bytes, the whole at most 4000
 * bytes, no last segment that looks like a writer's temporary file
 * ("<name>.tmp-" + six letters or digits).  "" is the root itself.  Keys come from
 * callers that have normalized the user's path (svc_fspath.h); every function
 * checks them again, so no key can leave the root.
 *
 * Symbolic links.  Nothing below the root may be a symbolic link: a key whose
 * existing components include one is refused with BK_PERMISSION_DENIED, and
 * listings skip links.  (Users cannot make links through the API; this stops a
 * link planted on the host from leading a request out of the root.)  The root
 * itself may be a link.
 *
 * Errors: BK_INVALID_ARGUMENT (a bad key), BK_NOT_FOUND, BK_ALREADY_EXISTS,
 * BK_PERMISSION_DENIED (a link), BK_IO (the system's reason and the path),
 * BK_OUT_OF_MEMORY.  Thread-safe: the functions keep no state.
 */
#ifndef BRICKS_STORE_TREE_H
#define BRICKS_STORE_TREE_H

#include "base/arena.h"
#include "base/bk.h"
#include "base/error.h"
#include "store/store.h"

#define STORE_TREE_MAX_KEY 4000
#define STORE_TREE_MAX_SEGMENT 255

/* One entry of a directory listing. */
typedef struct store_tree_entry {
    const char *name; /* the last segment, in the listing's arena */
    bool is_dir;
    uint64_t size;    /* 0 for directories */
    int64_t mtime_ms;
} store_tree_entry;

/* BK_OK when `key` is a valid key, else BK_INVALID_ARGUMENT saying what is wrong. */
bk_status store_tree_check_key(const char *key, bk_error *err);
/* True for a writer's temporary file name ("x.tmp-AbC123"). */
bool store_tree_is_temp_name(const char *name);

/*
 * The local path of `key` below `root`, in arena `a`, after checking the key and
 * that none of its existing components is a symbolic link.  The path need not
 * exist.  Errors: BK_INVALID_ARGUMENT, BK_PERMISSION_DENIED, BK_OUT_OF_MEMORY.
 */
bk_status store_tree_path(bk_arena *a, const char *root, const char *key, char **out,
                          bk_error *err);

/* What is at `key`.  BK_NOT_FOUND when nothing is; other errors as store_tree_path. */
bk_status store_tree_stat(bk_arena *a, const char *root, const char *key, store_stat_info *out,
                          bk_error *err);

/*
 * Create the directory `key` and its missing parents (mode 0755), durably (each
 * new name's directory is fsynced).  An existing directory is fine.
 * BK_ALREADY_EXISTS when a file is in the way; *conflict (if not NULL) then
 * receives the key of that file (in `a`).
 */
bk_status store_tree_mkdirs(bk_arena *a, const char *root, const char *key, const char **conflict,
                            bk_error *err);

/*
 * The entries of directory `key`, sorted bytewise by name, in `a` (temporary
 * files and symbolic links left out).  BK_NOT_FOUND when nothing is at `key`,
 * BK_INVALID_ARGUMENT when it is a file.
 */
bk_status store_tree_list(bk_arena *a, const char *root, const char *key,
                          store_tree_entry **entries, size_t *count, bk_error *err);

/*
 * Move the file `src_path` (a local path on any filesystem, e.g. a spooled
 * request body) to `key`, durably: the source is fsynced, renamed into place (or
 * copied when it lives on another filesystem) and the target directory fsynced.
 * The parent directory of `key` must exist.  With `no_replace`, BK_ALREADY_EXISTS
 * if something is at `key` (checked atomically).  On failure the target is
 * untouched; the source may remain.
 */
bk_status store_tree_adopt(bk_arena *a, const char *src_path, const char *root, const char *key,
                           bool no_replace, bk_error *err);

/*
 * Rename `src` to `dst` within the tree (files or whole directories), durably.
 * BK_NOT_FOUND (no src), BK_ALREADY_EXISTS (something at dst: never replaced),
 * BK_INVALID_ARGUMENT (dst inside src).  dst's parent must exist.
 */
bk_status store_tree_rename(bk_arena *a, const char *root, const char *src, const char *dst,
                            bk_error *err);

/*
 * Remove the file or directory `key`; a directory with entries only when
 * `recursive` (else BK_IO with "not empty" in the message: callers map it).
 * The parent directory is fsynced.  BK_NOT_FOUND when nothing is there.  The root
 * itself cannot be removed (BK_INVALID_ARGUMENT); with `recursive` its contents
 * can be, by removing each entry.
 */
bk_status store_tree_remove(bk_arena *a, const char *root, const char *key, bool recursive,
                            bk_error *err);

/* True when directory `key` exists and has no entries (temporary files aside). */
bool store_tree_dir_is_empty(bk_arena *a, const char *root, const char *key);

#endif
