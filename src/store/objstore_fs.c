/*
 * objstore_fs.c — the local-filesystem backend of object stores (see objstore.h).
 *
 * The object at key "a/b/c" is the file "<root>/a/b/c"; the segments before the
 * last are directories, which writes create on demand.  Writes go through store.h
 * (store_writer: a temporary file "<path>.tmp-XXXXXX" next to the target, fsync,
 * rename — or link for put-if-absent — and fsync of the directory); mappings use
 * store_file_map.  Ranged reads, the checks below and the recursive listing use
 * POSIX directly, because store.h has nothing for them.
 *
 * Symbolic links.  Every directory between the root and the object is lstat'ed
 * first, and a symbolic link there is refused (BK_PERMISSION_DENIED), as is one
 * at the object itself; listings skip links.  rename and link replace or refuse a
 * link at the target rather than write through it, and reads open with O_NOFOLLOW.
 * A link swapped in between the check and the use, by someone who can already
 * write below the root, can still be followed: the check guards against mistakes
 * and hostile keys, not against local users (openat2's RESOLVE_BENEATH would).
 *
 * Durability.  A directory made for a write is made durable before the object:
 * each new directory's parent is fsynced, then store_writer_commit fsyncs the
 * object's own directory, so a committed object's whole path survives a crash.
 */
#include "store/objstore.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"

#define PATH_CAP 4096 /* bytes in a path, NUL included (PATH_MAX on Linux) */

typedef struct fs_store {
    store_obj base;
    char *dir;             /* the root without trailing '/': paths are dir + "/" + key */
    size_t dir_len;        /* strlen(dir); 0 for the filesystem root */
    const char *root_path; /* the root as a path: dir, or "/" when dir is "" */
} fs_store;

typedef struct fs_writer {
    store_obj_writer base;
    store_writer *w;
    char *key; /* for messages */
    fs_store *s;
} fs_writer;

static const store_obj_ops fs_ops;

/* ---------------------------------------------------------------------------------------------
 * Paths, messages, checks
 * ------------------------------------------------------------------------------------------- */

/* Thread-safe strerror into `buf`. */
static const char *errno_text(int e, char *buf, size_t cap) {
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(e, buf, cap);
#else
    if (strerror_r(e, buf, cap) != 0) snprintf(buf, cap, "error %d", e);
    return buf;
#endif
}

/* BK_IO: `could not <what> "<path>": <strerror(e)>` (store.h's wording). */
static bk_status io_error(bk_error *err, int e, const char *what, const char *path) {
    char buf[128];
    return bk_error_set(err, BK_IO, "could not %s \"%s\": %s", what, path,
                        errno_text(e, buf, sizeof buf));
}

static bk_status not_found(const fs_store *s, const char *key, bk_error *err) {
    return bk_error_set(err, BK_NOT_FOUND, "object \"%s\" does not exist in \"%s\"", key,
                        s->root_path);
}

/* A symbolic link at path (whose part from key_off on is relative to the root). */
static bk_status link_refused(const fs_store *s, const char *path, size_t key_off, bk_error *err) {
    return bk_error_set(err, BK_PERMISSION_DENIED,
                        "\"%s\" in store \"%s\" is a symbolic link; the store does not follow "
                        "links below its root",
                        path + key_off, s->root_path);
}

/* Pass on an error of store.h, naming the key when the object already exists. */
static bk_status pass_error(const fs_store *s, const char *key, const bk_error *local,
                            bk_error *err) {
    if (local->code == BK_ALREADY_EXISTS) {
        return bk_error_set(err, BK_ALREADY_EXISTS, "object \"%s\" already exists in \"%s\"", key,
                            s->root_path);
    }
    return bk_error_set(err, local->code, "%s", local->msg);
}

/* "<dir>/<key>" into path[PATH_CAP]; the key starts at s->dir_len + 1. */
static bk_status build_path(const fs_store *s, const char *key, char *path, bk_error *err) {
    int n = snprintf(path, PATH_CAP, "%s/%s", s->dir, key);
    if (n < 0 || n >= PATH_CAP) {
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "object key \"%s\": its path in \"%s\" would be longer than %d bytes",
                            key, s->root_path, PATH_CAP - 1);
    }
    return BK_OK;
}

/* The length of the directory part of a key ("a/b" of "a/b/c"; 0 for "c"). */
static size_t key_dir_len(const char *key) {
    const char *slash = strrchr(key, '/');
    return slash ? (size_t)(slash - key) : 0;
}

/* fsync the directory holding `path`, so a name just made in it is durable. */
static bk_status sync_parent(const char *path, bk_error *err) {
    char dir[PATH_CAP];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == path) {
        snprintf(dir, sizeof dir, "/");
    } else {
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error(err, errno, "open directory", dir);
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    /* some filesystems refuse fsync on directories; that is not a failure of ours */
    if (rc != 0 && e != EINVAL && e != EROFS) return io_error(err, e, "fsync directory", dir);
    return BK_OK;
}

typedef enum walk_mode {
    WALK_READ,  /* report a missing directory through *missing */
    WALK_CREATE /* create missing directories */
} walk_mode;

/* One directory of walk_dirs: path is NUL-terminated at its end. */
static bk_status walk_one(const fs_store *s, const char *path, size_t key_off, walk_mode mode,
                          bool sync, bool *missing, bk_error *err) {
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        int e = errno;
        if (e != ENOENT && e != ENOTDIR) return io_error(err, e, "stat directory", path);
        if (mode == WALK_READ) {
            *missing = true;
            return BK_OK;
        }
        if (mkdir(path, 0755) == 0) return sync ? sync_parent(path, err) : BK_OK;
        if (errno != EEXIST) return io_error(err, errno, "create directory", path);
        if (lstat(path, &sb) != 0) return io_error(err, errno, "stat directory", path);
    }
    if (S_ISLNK(sb.st_mode)) return link_refused(s, path, key_off, err);
    if (!S_ISDIR(sb.st_mode)) {
        if (mode == WALK_READ) {
            *missing = true; /* a file where a directory would be: nothing below it */
            return BK_OK;
        }
        return bk_error_set(err, BK_IO,
                            "could not create directory \"%s\": a file of that name exists", path);
    }
    return BK_OK;
}

/*
 * Check (WALK_READ) or make (WALK_CREATE) the directories from the root to an
 * object: path[key_off, key_off + dir_len) is the key's directory part, and each
 * of its segments is lstat'ed in turn.  A symbolic link is BK_PERMISSION_DENIED.
 * WALK_READ sets *missing when a directory does not exist (or is a file), so
 * nothing can be below it.  WALK_CREATE makes missing ones (mode 0755) and fsyncs
 * each one's parent when `sync`; the root must exist (ensure_root).  `path` is
 * modified during the walk and restored.
 */
static bk_status walk_dirs(const fs_store *s, char *path, size_t key_off, size_t dir_len,
                           walk_mode mode, bool sync, bool *missing, bk_error *err) {
    *missing = false;
    if (dir_len == 0) return BK_OK;
    size_t end = key_off + dir_len;
    for (size_t i = key_off; i <= end; i++) {
        if (i < end && path[i] != '/') continue;
        char saved = path[i];
        path[i] = '\0';
        bk_status st = walk_one(s, path, key_off, mode, sync, missing, err);
        path[i] = saved;
        if (st != BK_OK || *missing) return st;
    }
    return BK_OK;
}

/* Make the root directory (and its parents) if it does not exist yet. */
static bk_status ensure_root(const fs_store *s, bool sync, bk_error *err) {
    struct stat sb;
    if (stat(s->root_path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) return BK_OK;
        return bk_error_set(err, BK_IO, "store root \"%s\" is not a directory", s->root_path);
    }
    if (errno != ENOENT) return io_error(err, errno, "stat directory", s->root_path);
    BK_TRY(store_mkdirs(s->root_path, err));
    return sync ? sync_parent(s->root_path, err) : BK_OK;
}

/*
 * Find the object at `key`: its path into path[PATH_CAP] and its lstat into *sb.
 * BK_NOT_FOUND when nothing (or a directory) is there, BK_PERMISSION_DENIED for a
 * symbolic link on the way or at the object, BK_IO for other file types.
 */
static bk_status find_object(const fs_store *s, const char *key, char *path, struct stat *sb,
                             bk_error *err) {
    BK_TRY(build_path(s, key, path, err));
    bool missing;
    BK_TRY(walk_dirs(s, path, s->dir_len + 1, key_dir_len(key), WALK_READ, false, &missing, err));
    if (missing) return not_found(s, key, err);
    if (lstat(path, sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return not_found(s, key, err);
        return io_error(err, errno, "stat file", path);
    }
    if (S_ISLNK(sb->st_mode)) return link_refused(s, path, s->dir_len + 1, err);
    if (S_ISDIR(sb->st_mode)) {
        return bk_error_set(err, BK_NOT_FOUND,
                            "object \"%s\" does not exist in \"%s\" (it is a directory)", key,
                            s->root_path);
    }
    if (!S_ISREG(sb->st_mode)) {
        return bk_error_set(err, BK_IO, "could not read file \"%s\": not a regular file", path);
    }
    return BK_OK;
}

/* Get a write to `key` going: its path, the root and the directories on the way. */
static bk_status prepare_write(const fs_store *s, const char *key, bool sync, char *path,
                               bk_error *err) {
    BK_TRY(build_path(s, key, path, err));
    BK_TRY(ensure_root(s, sync, err));
    bool missing;
    return walk_dirs(s, path, s->dir_len + 1, key_dir_len(key), WALK_CREATE, sync, &missing, err);
}

static int64_t mtime_ms_of(const struct stat *sb) {
    return (int64_t)sb->st_mtim.tv_sec * 1000 + sb->st_mtim.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------------------------------------
 * Opening and closing
 * ------------------------------------------------------------------------------------------- */

static void fs_close(store_obj *o) {
    fs_store *s = (fs_store *)o;
    bk_free(s->dir);
    bk_free(s->base.location);
    bk_free(s);
}

bk_status store_obj_fs_open(const char *dir, const char *location, store_obj **out, bk_error *err) {
    if (!dir || !dir[0]) {
        return bk_error_set(err, BK_INVALID_ARGUMENT, "invalid store root: it is empty");
    }
    fs_store *s = bk_calloc(1, sizeof *s);
    if (s) s->dir = bk_strdup(dir);
    if (s) s->base.location = bk_strdup(location);
    if (!s || !s->dir || !s->base.location) {
        if (s) fs_close(&s->base);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening store \"%s\"", location);
    }
    s->base.ops = &fs_ops;
    s->dir_len = strlen(s->dir);
    while (s->dir_len > 0 && s->dir[s->dir_len - 1] == '/') s->dir[--s->dir_len] = '\0';
    s->root_path = s->dir_len ? s->dir : "/";
    struct stat sb;
    if (stat(s->root_path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        bk_status st = bk_error_set(err, BK_INVALID_ARGUMENT,
                                    "store root \"%s\" is not a directory", s->root_path);
        fs_close(&s->base);
        return st;
    }
    *out = &s->base;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------------------------- */

/* The open(2) of an object failed with `e` after find_object saw it. */
static bk_status open_failed(const fs_store *s, const char *key, const char *path, int e,
                             bk_error *err) {
    if (e == ENOENT || e == ENOTDIR) return not_found(s, key, err); /* deleted meanwhile */
    if (e == ELOOP) return link_refused(s, path, s->dir_len + 1, err);
    return io_error(err, e, "open file", path);
}

/*
 * Bytes [offset, offset + length) with pread, one code path for get and
 * get_range (length SIZE_MAX: to the end).  The size is taken from the open file,
 * so an object replaced meanwhile is read whole, old or new.
 */
static bk_status fs_get(bk_arena *a, store_obj *o, const char *key, uint64_t offset, size_t length,
                        uint8_t **data, size_t *len, bk_error *err) {
    const fs_store *s = (fs_store *)o;
    char path[PATH_CAP];
    struct stat sb;
    BK_TRY(find_object(s, key, path, &sb, err));
    /* O_NONBLOCK: a FIFO swapped in since find_object must not hang the open */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return open_failed(s, key, path, errno, err);
    bk_status st = BK_OK;
    if (fstat(fd, &sb) != 0) {
        st = io_error(err, errno, "stat file", path);
    } else if (!S_ISREG(sb.st_mode)) {
        st = not_found(s, key, err);
    } else if (offset > (uint64_t)sb.st_size) {
        st = bk_error_set(err, BK_INVALID_ARGUMENT,
                          "could not read object \"%s\" in \"%s\": offset %" PRIu64
                          " is past its end (size %" PRIu64 ")",
                          key, s->root_path, offset, (uint64_t)sb.st_size);
    }
    uint64_t want = 0;
    if (st == BK_OK) {
        want = (uint64_t)sb.st_size - offset;
        if (want > length) want = length;
        if (want > SIZE_MAX - 1) {
            st = bk_error_set(err, BK_IO, "could not read file \"%s\": file too large", path);
        }
    }
    uint8_t *buf = NULL;
    if (st == BK_OK && !(buf = bk_arena_alloc(a, (size_t)want + 1))) st = bk_arena_oom(a, err);
    size_t got = 0;
    while (st == BK_OK && got < want) {
        ssize_t n = pread(fd, buf + got, (size_t)want - got, (off_t)(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) st = io_error(err, errno, "read file", path);
        if (n <= 0) break; /* n == 0: the file shrank since fstat; return what is there */
        got += (size_t)n;
    }
    close(fd);
    if (st != BK_OK) return st;
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return BK_OK;
}

static bk_status fs_head(store_obj *o, const char *key, store_obj_info *out, bk_error *err) {
    char path[PATH_CAP];
    struct stat sb;
    BK_TRY(find_object((fs_store *)o, key, path, &sb, err));
    out->size = (uint64_t)sb.st_size;
    out->mtime_ms = mtime_ms_of(&sb);
    return BK_OK;
}

static bk_status fs_map(store_obj *o, const char *key, store_map *map, bk_error *err) {
    const fs_store *s = (fs_store *)o;
    char path[PATH_CAP];
    struct stat sb;
    BK_TRY(find_object(s, key, path, &sb, err));
    bk_error local;
    bk_error_clear(&local);
    if (store_file_map(path, map, &local) == BK_OK) return BK_OK;
    if (lstat(path, &sb) != 0 && errno == ENOENT) return not_found(s, key, err);
    return pass_error(s, key, &local, err);
}

static void fs_unmap(store_obj *o, store_map *map) {
    (void)o;
    store_file_unmap(map);
}

/* ---------------------------------------------------------------------------------------------
 * Listing
 * ------------------------------------------------------------------------------------------- */

typedef struct list_ctx {
    const fs_store *s;
    bk_arena *a;             /* the keys and the result */
    bk_arena *scratch;       /* directory listings and the growing entry array */
    const char *start_after; /* NULL: no lower bound */
    bool recursive;
    size_t key_off; /* keys start at path[key_off] */
    store_obj_entry *entries;
    size_t n, cap;
    bk_error *err;
    char path[PATH_CAP]; /* the directory being listed, then "<dir>/<name>" */
} list_ctx;

static bk_status add_entry(list_ctx *c, const char *key, size_t key_len, const struct stat *sb) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        store_obj_entry *bigger = bk_arena_array(c->scratch, cap, sizeof *bigger);
        if (!bigger) return bk_arena_oom(c->scratch, c->err);
        if (c->n) memcpy(bigger, c->entries, c->n * sizeof *bigger);
        c->entries = bigger;
        c->cap = cap;
    }
    store_obj_entry *e = &c->entries[c->n];
    e->key = bk_arena_strndup(c->a, key, key_len);
    if (!e->key) return bk_arena_oom(c->a, c->err);
    e->size = (uint64_t)sb->st_size;
    e->mtime_ms = mtime_ms_of(sb);
    c->n++;
    return BK_OK;
}

/*
 * True when every key below directory `key` ("<key>/...") sorts at or before
 * `start_after`, so the subtree can be skipped.  OPTIMIZATION: not needed for
 * correctness; the per-file filter would drop those keys too.
 */
static bool subtree_before(const char *start_after, const char *key, size_t key_len) {
    int cmp = strncmp(start_after, key, key_len);
    if (cmp != 0) return cmp > 0;
    return (unsigned char)start_after[key_len] > (unsigned char)'/';
}

/*
 * Add the objects of directory path[0, dir_len) (dir_len 0: "/") whose names
 * start with name_prefix[0, np_len), and with c->recursive those of its
 * subdirectories.  A directory that vanishes meanwhile is empty.
 */
static bk_status list_dir(list_ctx *c, size_t dir_len, const char *name_prefix, size_t np_len) {
    c->path[dir_len] = '\0';
    char **names;
    size_t n_names;
    bk_error local;
    bk_error_clear(&local);
    if (store_list_dir(c->scratch, dir_len ? c->path : "/", &names, &n_names, &local) != BK_OK) {
        if (bk_arena_failed(c->scratch)) return bk_arena_oom(c->scratch, c->err);
        struct stat sb;
        if (lstat(dir_len ? c->path : "/", &sb) != 0 && (errno == ENOENT || errno == ENOTDIR))
            return BK_OK;
        return bk_error_set(c->err, local.code, "%s", local.msg);
    }
    for (size_t name_idx = 0; name_idx < n_names; name_idx++) {
        const char *name = names[name_idx];
        size_t name_len = strlen(name);
        if (name_len < np_len || memcmp(name, name_prefix, np_len) != 0) continue;
        if (store_obj_is_temp_name(name, name_len)) continue; /* an unfinished write */
        size_t path_len = dir_len + 1 + name_len;
        if (path_len >= PATH_CAP) {
            return bk_error_set(c->err, BK_IO, "could not list \"%s/%s\": path too long", c->path,
                                name);
        }
        c->path[dir_len] = '/';
        memcpy(c->path + dir_len + 1, name, name_len + 1);
        const char *key = c->path + c->key_off;
        size_t key_len = path_len - c->key_off;
        struct stat sb;
        if (lstat(c->path, &sb) != 0) {
            if (errno == ENOENT) continue; /* deleted since readdir */
            return io_error(c->err, errno, "stat file", c->path);
        }
        if (S_ISREG(sb.st_mode)) {
            if (c->start_after && strcmp(key, c->start_after) <= 0) continue;
            BK_TRY(add_entry(c, key, key_len, &sb));
        } else if (S_ISDIR(sb.st_mode) && c->recursive) {
            if (c->start_after && subtree_before(c->start_after, key, key_len)) continue;
            BK_TRY(list_dir(c, path_len, "", 0));
        }
        /* symbolic links and other file types are not objects */
    }
    c->path[dir_len] = '\0';
    return BK_OK;
}

static int compare_entries(const void *x, const void *y) {
    return strcmp(((const store_obj_entry *)x)->key, ((const store_obj_entry *)y)->key);
}

/*
 * The prefix splits at its last '/' into a directory ("_delta_log") and the start
 * of names in it ("0000000000000000001"); only that directory's entries are
 * filtered by name, since everything below a matching subdirectory matches.
 * Listing gathers, then sorts: a depth-first walk is not in bytewise key order
 * ("a-b" < "a/x" because '-' < '/').
 */
static bk_status fs_list(bk_arena *a, store_obj *o, const char *prefix, const char *start_after,
                         unsigned flags, store_obj_entry **entries, size_t *count, bk_error *err) {
    const fs_store *s = (fs_store *)o;
    list_ctx *c = bk_calloc(1, sizeof *c);
    if (!c) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory listing \"%s\"", prefix);
    c->s = s;
    c->a = a;
    c->start_after = start_after;
    c->recursive = (flags & STORE_OBJ_RECURSIVE) != 0;
    c->key_off = s->dir_len + 1;
    c->err = err;
    size_t dir_part = key_dir_len(prefix);
    const char *name_prefix = dir_part ? prefix + dir_part + 1 : prefix;
    bk_status st = BK_OK;
    int n = snprintf(c->path, PATH_CAP, "%s/%.*s", s->dir, (int)dir_part, prefix);
    if (n < 0 || n >= PATH_CAP) {
        st = bk_error_set(err, BK_INVALID_ARGUMENT,
                          "list prefix \"%s\": its path in \"%s\" would be too long", prefix,
                          s->root_path);
    }
    bool missing = false;
    if (st == BK_OK) {
        st = walk_dirs(s, c->path, c->key_off, dir_part, WALK_READ, false, &missing, err);
    }
    if (st == BK_OK && !missing) {
        c->scratch = bk_arena_new(a, "store list", 0);
        if (!c->scratch) st = bk_arena_oom(a, err);
    }
    if (st == BK_OK && !missing) {
        size_t dir_len = dir_part ? c->key_off + dir_part : s->dir_len;
        st = list_dir(c, dir_len, name_prefix, strlen(name_prefix));
    }
    store_obj_entry *result = NULL;
    if (st == BK_OK && c->n > 0) {
        result = bk_arena_memdup(a, c->entries, c->n * sizeof *result);
        if (!result) st = bk_arena_oom(a, err);
    }
    if (st == BK_OK) {
        if (result) qsort(result, c->n, sizeof *result, compare_entries);
        *entries = result;
        *count = c->n;
    }
    bk_arena_free(c->scratch);
    bk_free(c);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * Writing and deleting
 * ------------------------------------------------------------------------------------------- */

static bk_status fs_put(store_obj *o, const char *key, const void *data, size_t len, unsigned flags,
                        bk_error *err) {
    const fs_store *s = (fs_store *)o;
    char path[PATH_CAP];
    BK_TRY(prepare_write(s, key, true, path, err));
    bk_error local;
    bk_error_clear(&local);
    if (store_write_file(path, data, len, flags & STORE_NO_REPLACE, &local) != BK_OK)
        return pass_error(s, key, &local, err);
    return BK_OK;
}

static bk_status fs_delete(store_obj *o, const char *key, bk_error *err) {
    const fs_store *s = (fs_store *)o;
    char path[PATH_CAP];
    struct stat sb;
    BK_TRY(find_object(s, key, path, &sb, err));
    if (unlink(path) == 0) return BK_OK;
    if (errno == ENOENT) return not_found(s, key, err);
    return io_error(err, errno, "remove file", path);
}

static bk_status fs_writer_open(store_obj *o, const char *key, unsigned flags,
                                store_obj_writer **out, bk_error *err) {
    fs_store *s = (fs_store *)o;
    char path[PATH_CAP];
    BK_TRY(prepare_write(s, key, !(flags & STORE_NO_SYNC), path, err));
    fs_writer *fw = bk_calloc(1, sizeof *fw);
    if (fw) fw->key = bk_strdup(key);
    if (!fw || !fw->key) {
        bk_free(fw);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory writing object \"%s\"", key);
    }
    bk_error local;
    bk_error_clear(&local);
    unsigned wflags = flags & (STORE_NO_REPLACE | STORE_NO_SYNC | STORE_PRIVATE);
    if (store_writer_open(path, wflags, &fw->w, &local) != BK_OK) {
        bk_free(fw->key);
        bk_free(fw);
        return pass_error(s, key, &local, err);
    }
    fw->base.store = o;
    fw->s = s;
    *out = &fw->base;
    return BK_OK;
}

static bk_status fs_writer_write(store_obj_writer *w, const void *data, size_t n, bk_error *err) {
    return store_writer_write(((fs_writer *)w)->w, data, n, err);
}

static uint64_t fs_writer_size(const store_obj_writer *w) {
    return store_writer_size(((const fs_writer *)w)->w);
}

static bk_status fs_writer_commit(store_obj_writer *w, bk_error *err) {
    fs_writer *fw = (fs_writer *)w;
    bk_error local;
    bk_error_clear(&local);
    bk_status st = store_writer_commit(fw->w, &local); /* frees fw->w either way */
    if (st != BK_OK) st = pass_error(fw->s, fw->key, &local, err);
    bk_free(fw->key);
    bk_free(fw);
    return st;
}

static void fs_writer_abort(store_obj_writer *w) {
    fs_writer *fw = (fs_writer *)w;
    store_writer_abort(fw->w);
    bk_free(fw->key);
    bk_free(fw);
}

static bk_status fs_local_path(bk_arena *a, store_obj *o, const char *key, const char **out,
                               bk_error *err) {
    const fs_store *s = (fs_store *)o;
    char path[PATH_CAP];
    BK_TRY(build_path(s, key, path, err));
    bool missing;
    BK_TRY(walk_dirs(s, path, s->dir_len + 1, key_dir_len(key), WALK_READ, false, &missing, err));
    struct stat sb;
    if (!missing && lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
        return link_refused(s, path, s->dir_len + 1, err);
    char *copy = bk_arena_strdup(a, path);
    if (!copy) return bk_arena_oom(a, err);
    *out = copy;
    return BK_OK;
}

static const store_obj_ops fs_ops = {
    .scheme = "file",
    .close = fs_close,
    .get = fs_get,
    .head = fs_head,
    .map = fs_map,
    .unmap = fs_unmap,
    .put = fs_put,
    .del = fs_delete,
    .list = fs_list,
    .writer_open = fs_writer_open,
    .writer_write = fs_writer_write,
    .writer_size = fs_writer_size,
    .writer_commit = fs_writer_commit,
    .writer_abort = fs_writer_abort,
    .local_path = fs_local_path,
};
