/*
 * store.h — file storage for the layers above: read, map, write atomically, list.
 *
 * Today this is the local filesystem (fs.c); an S3-compatible store will later sit
 * behind the same functions.  Paths are plain C strings, absolute or relative to
 * the working directory.
 *
 * Writes are atomic and durable: a store_writer writes to a temporary file next to
 * the target ("<path>.tmp-XXXXXX"), and store_writer_commit fsyncs it, renames it
 * over the target and fsyncs the directory, so a reader (or a crash) sees either
 * the old file or the whole new one, never a part.  With STORE_NO_REPLACE the
 * commit fails with BK_ALREADY_EXISTS instead of replacing an existing file, which
 * is the put-if-absent that Delta log commits need.
 *
 * Errors are BK_IO with the path and the system's reason, in the PostgreSQL style:
 *     could not open file "x": No such file or directory
 * except where a missing file is an expected answer: store_stat and store_remove
 * return BK_NOT_FOUND for it.  All functions are thread-safe; one store_writer or
 * store_map belongs to one thread at a time.
 */
#ifndef BRICKS_STORE_STORE_H
#define BRICKS_STORE_STORE_H

#include "base/arena.h"
#include "base/bk.h"
#include "base/error.h"

/* ---- reading ---------------------------------------------------------------------------- */

/* A read-only memory mapping of a whole file. */
typedef struct store_map {
    const uint8_t *data; /* the file's bytes (a valid pointer even when size == 0) */
    size_t size;
    void *base_;     /* private: what to munmap (NULL for an empty file) */
    size_t map_len_; /* private */
} store_map;

/*
 * Map `path` read-only.  The mapping stays valid after the file is renamed or
 * deleted, until store_file_unmap.  An empty file maps to size 0.  Errors: BK_IO
 * (cannot open/stat/map, or the path is a directory).
 */
bk_status store_file_map(const char *path, store_map *map, bk_error *err);
/* Release a mapping (no-op on a zeroed or already released map). */
void store_file_unmap(store_map *map);

/*
 * Read the whole file into arena `a`.  The bytes are followed by a NUL that `*len`
 * does not count, so text files can be used as C strings.  Errors: BK_IO,
 * BK_OUT_OF_MEMORY (via bk_arena_oom).
 */
bk_status store_read_file(bk_arena *a, const char *path, uint8_t **data, size_t *len,
                          bk_error *err);

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct store_writer store_writer;

enum {
    STORE_NO_REPLACE = 1 << 0, /* commit fails with BK_ALREADY_EXISTS if the target exists */
    STORE_NO_SYNC = 1 << 1,    /* skip the fsyncs (scratch and spill files only) */
    STORE_PRIVATE = 1 << 2     /* create the file with mode 0600 instead of 0644 */
};

/*
 * Start writing `path` (its directory must exist).  Nothing is visible at `path`
 * until store_writer_commit.  Every store_writer_open must be followed by exactly
 * one commit or abort, which frees the writer.  Errors: BK_IO, BK_OUT_OF_MEMORY.
 */
bk_status store_writer_open(const char *path, unsigned flags, store_writer **out, bk_error *err);
/* Append bytes (buffered).  After a failure the writer can only be aborted. */
bk_status store_writer_write(store_writer *w, const void *data, size_t n, bk_error *err);
/* Bytes written so far (the offset of the next byte: Parquet page offsets). */
uint64_t store_writer_size(const store_writer *w);
/*
 * Flush, fsync, and move the file into place (see the top of this file).  Frees the
 * writer whether it succeeds or not; on failure the temporary file is removed and
 * the target is untouched.  Errors: BK_IO, BK_ALREADY_EXISTS (STORE_NO_REPLACE).
 */
bk_status store_writer_commit(store_writer *w, bk_error *err);
/* Throw the temporary file away and free the writer.  NULL is a no-op. */
void store_writer_abort(store_writer *w);

/* Write a whole file atomically (open + write + commit). */
bk_status store_write_file(const char *path, const void *data, size_t len, unsigned flags,
                           bk_error *err);

/* ---- directories and metadata ----------------------------------------------------------- */

typedef struct store_stat_info {
    uint64_t size;    /* bytes (0 for directories) */
    int64_t mtime_ms; /* last modification, ms since the epoch (Delta's modificationTime) */
    bool is_dir;
} store_stat_info;

/* Errors: BK_NOT_FOUND (nothing at path), BK_IO. */
bk_status store_stat(const char *path, store_stat_info *out, bk_error *err);
/* True when something (file or directory) exists at path. */
bool store_exists(const char *path);

/* Create `path` and any missing parents (mode 0755).  Existing directories are fine. */
bk_status store_mkdirs(const char *path, bk_error *err);

/*
 * Remove a file or an empty directory.  Errors: BK_NOT_FOUND (nothing at path),
 * BK_IO (e.g. a directory that is not empty).
 */
bk_status store_remove(const char *path, bk_error *err);
/* Remove a file or a whole directory tree (symlinks are removed, not followed). */
bk_status store_remove_tree(const char *path, bk_error *err);

/*
 * The names in directory `path` (not "." or ".."), sorted bytewise, as an array of
 * NUL-terminated strings in arena `a`.  Errors: BK_IO, BK_OUT_OF_MEMORY.
 */
bk_status store_list_dir(bk_arena *a, const char *path, char ***names, size_t *count,
                         bk_error *err);

#endif
