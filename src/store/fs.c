/*
 * fs.c — the local-filesystem store (see store.h).
 *
 * Durability of a commit (why the steps are in this order):
 *   1. write the bytes to <path>.tmp-XXXXXX and fsync it: the data is on disk
 *      before any name points at it;
 *   2. rename(tmp, path) — or link(tmp, path) + unlink(tmp) for STORE_NO_REPLACE,
 *      because link fails with EEXIST where rename would silently replace;
 *   3. fsync the directory, so that the new name itself survives a crash.
 * A crash before 2 leaves only a stray temporary file; after 2 the new file is
 * complete.  Temporary names never collide (mkstemp), so concurrent writers of one
 * path race only at step 2, where the last rename (or the first link) wins.
 */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"

#define WRITE_BUF (64u << 10)

/* Thread-safe strerror into `buf`. */
static const char *errno_text(int e, char *buf, size_t cap) {
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(e, buf, cap);
#else
    if (strerror_r(e, buf, cap) != 0) snprintf(buf, cap, "error %d", e);
    return buf;
#endif
}

/* BK_IO: `could not <what> "<path>": <strerror(e)>`. */
static bk_status io_error(bk_error *err, int e, const char *what, const char *path) {
    char buf[128];
    return bk_error_set(err, BK_IO, "could not %s \"%s\": %s", what, path,
                        errno_text(e, buf, sizeof buf));
}

/* ---------------------------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------------------------- */

static const uint8_t empty_file[1];

/* Open for reading and check that it is a regular file; fills *size. */
static bk_status open_regular(const char *path, int *fd_out, size_t *size, bk_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error(err, errno, "open file", path);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return io_error(err, e, "stat file", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return bk_error_set(err, BK_IO, "could not read file \"%s\": not a regular file", path);
    }
    if ((uint64_t)st.st_size > SIZE_MAX - 1) {
        close(fd);
        return bk_error_set(err, BK_IO, "could not read file \"%s\": file too large", path);
    }
    *fd_out = fd;
    *size = (size_t)st.st_size;
    return BK_OK;
}

bk_status store_file_map(const char *path, store_map *map, bk_error *err) {
    int fd;
    size_t size;
    BK_TRY(open_regular(path, &fd, &size, err));
    store_map m = {empty_file, 0, NULL, 0};
    if (size > 0) {
        void *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (base == MAP_FAILED) {
            int e = errno;
            close(fd);
            return io_error(err, e, "map file", path);
        }
        m.data = base;
        m.size = size;
        m.base_ = base;
        m.map_len_ = size;
    }
    close(fd); /* the mapping keeps the file alive */
    *map = m;
    return BK_OK;
}

void store_file_unmap(store_map *map) {
    if (map->base_) munmap(map->base_, map->map_len_);
    map->base_ = NULL;
    map->map_len_ = 0;
    map->data = NULL;
    map->size = 0;
}

bk_status store_read_file(bk_arena *a, const char *path, uint8_t **data, size_t *len,
                          bk_error *err) {
    int fd;
    size_t size;
    BK_TRY(open_regular(path, &fd, &size, err));
    uint8_t *buf = bk_arena_alloc(a, size + 1);
    if (!buf) {
        close(fd);
        return bk_arena_oom(a, err);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return io_error(err, e, "read file", path);
        }
        if (n == 0) break; /* the file shrank since fstat: return what is there */
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return BK_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------------------------- */

struct store_writer {
    int fd;
    unsigned flags;
    bool failed;      /* a write failed: only abort is allowed */
    uint64_t written; /* bytes accepted by store_writer_write */
    size_t buf_len;
    char *path;     /* the target */
    char *tmp_path; /* the temporary file */
    uint8_t buf[WRITE_BUF];
};

/* The directory part of `path` ("." when there is none), in `dir`. */
static void dir_of(const char *path, char *dir, size_t cap) {
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, cap, ".");
    } else if (slash == path) {
        snprintf(dir, cap, "/");
    } else {
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
    }
}

/* fsync the directory holding `path`, so a new or renamed name in it is durable. */
static bk_status sync_dir_of(const char *path, bk_error *err) {
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error(err, errno, "open directory", dir);
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    /* some filesystems refuse fsync on directories; that is not a failure of ours */
    if (rc != 0 && e != EINVAL && e != EROFS) return io_error(err, e, "fsync directory", dir);
    return BK_OK;
}

bk_status store_writer_open(const char *path, unsigned flags, store_writer **out, bk_error *err) {
    store_writer *w = bk_malloc(sizeof *w);
    if (!w) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening \"%s\"", path);
    size_t plen = strlen(path);
    w->path = bk_strdup(path);
    w->tmp_path = bk_malloc(plen + sizeof ".tmp-XXXXXX");
    if (!w->path || !w->tmp_path) {
        bk_free(w->path);
        bk_free(w->tmp_path);
        bk_free(w);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory opening \"%s\"", path);
    }
    memcpy(w->tmp_path, path, plen);
    memcpy(w->tmp_path + plen, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    w->fd = mkostemp(w->tmp_path, O_CLOEXEC);
    if (w->fd < 0) {
        int e = errno;
        bk_free(w->path);
        bk_free(w->tmp_path);
        bk_free(w);
        return io_error(err, e, "create file", path);
    }
    if (fchmod(w->fd, (flags & STORE_PRIVATE) ? 0600 : 0644) != 0) {
        bk_status st = io_error(err, errno, "set permissions of file", w->tmp_path);
        store_writer_abort(w);
        return st;
    }
    w->flags = flags;
    w->failed = false;
    w->written = 0;
    w->buf_len = 0;
    *out = w;
    return BK_OK;
}

/* Write all of data[0..n) to the file, retrying short writes and EINTR. */
static bk_status write_all(store_writer *w, const uint8_t *data, size_t n, bk_error *err) {
    while (n > 0) {
        ssize_t k = write(w->fd, data, n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            w->failed = true;
            return io_error(err, errno, "write file", w->tmp_path);
        }
        data += k;
        n -= (size_t)k;
    }
    return BK_OK;
}

static bk_status flush_buf(store_writer *w, bk_error *err) {
    size_t n = w->buf_len;
    w->buf_len = 0;
    return write_all(w, w->buf, n, err);
}

bk_status store_writer_write(store_writer *w, const void *data, size_t n, bk_error *err) {
    if (w->failed) {
        return bk_error_set(err, BK_IO, "could not write file \"%s\": an earlier write failed",
                            w->tmp_path);
    }
    if (n <= sizeof w->buf - w->buf_len) {
        if (n) memcpy(w->buf + w->buf_len, data, n);
        w->buf_len += n;
    } else {
        BK_TRY(flush_buf(w, err));
        if (n < sizeof w->buf) {
            memcpy(w->buf, data, n);
            w->buf_len = n;
        } else {
            BK_TRY(write_all(w, data, n, err)); /* large writes bypass the buffer */
        }
    }
    w->written += n;
    return BK_OK;
}

uint64_t store_writer_size(const store_writer *w) { return w->written; }

static void writer_free(store_writer *w) {
    bk_free(w->path);
    bk_free(w->tmp_path);
    bk_free(w);
}

void store_writer_abort(store_writer *w) {
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    unlink(w->tmp_path);
    writer_free(w);
}

/* Put the temporary file at its final name (step 2 at the top of the file). */
static bk_status publish(store_writer *w, bk_error *err) {
    if (w->flags & STORE_NO_REPLACE) {
        if (link(w->tmp_path, w->path) != 0) {
            if (errno == EEXIST)
                return bk_error_set(err, BK_ALREADY_EXISTS, "file \"%s\" already exists", w->path);
            return io_error(err, errno, "create file", w->path);
        }
        unlink(w->tmp_path); /* the data is safe under the new name either way */
        return BK_OK;
    }
    if (rename(w->tmp_path, w->path) != 0) return io_error(err, errno, "rename file", w->path);
    return BK_OK;
}

bk_status store_writer_commit(store_writer *w, bk_error *err) {
    bk_status st =
        w->failed ? bk_error_set(err, BK_IO, "could not write file \"%s\": an earlier write failed",
                                 w->tmp_path)
                  : flush_buf(w, err);
    if (st == BK_OK && !(w->flags & STORE_NO_SYNC) && fsync(w->fd) != 0)
        st = io_error(err, errno, "fsync file", w->tmp_path);
    if (st == BK_OK) {
        int fd = w->fd;
        w->fd = -1;
        if (close(fd) != 0) st = io_error(err, errno, "close file", w->tmp_path);
    }
    if (st == BK_OK) st = publish(w, err);
    if (st != BK_OK) {
        store_writer_abort(w);
        return st;
    }
    if (!(w->flags & STORE_NO_SYNC)) st = sync_dir_of(w->path, err);
    writer_free(w);
    return st;
}

bk_status store_write_file(const char *path, const void *data, size_t len, unsigned flags,
                           bk_error *err) {
    store_writer *w;
    BK_TRY(store_writer_open(path, flags, &w, err));
    bk_status st = store_writer_write(w, data, len, err);
    if (st != BK_OK) {
        store_writer_abort(w);
        return st;
    }
    return store_writer_commit(w, err);
}

/* ---------------------------------------------------------------------------------------------
 * Directories and metadata
 * ------------------------------------------------------------------------------------------- */

bk_status store_stat(const char *path, store_stat_info *out, bk_error *err) {
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return bk_error_set(err, BK_NOT_FOUND, "file \"%s\" does not exist", path);
        return io_error(err, errno, "stat file", path);
    }
    out->is_dir = S_ISDIR(st.st_mode);
    out->size = out->is_dir ? 0 : (uint64_t)st.st_size;
    out->mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    return BK_OK;
}

bool store_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* mkdir one directory; an existing directory is fine, an existing file is not. */
static bk_status mkdir_one(const char *dir, bk_error *err) {
    if (mkdir(dir, 0755) == 0) return BK_OK;
    if (errno != EEXIST) return io_error(err, errno, "create directory", dir);
    struct stat sb;
    if (stat(dir, &sb) != 0) return io_error(err, errno, "create directory", dir);
    if (!S_ISDIR(sb.st_mode))
        return bk_error_set(err, BK_IO, "could not create directory \"%s\": File exists", dir);
    return BK_OK;
}

bk_status store_mkdirs(const char *path, bk_error *err) {
    size_t len = strlen(path);
    char *buf = bk_malloc(len + 1);
    if (!buf) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory creating \"%s\"", path);
    memcpy(buf, path, len + 1);
    bk_status st = BK_OK;
    /* each proper prefix that ends before a '/' (skipping "//" runs), then the whole path */
    for (size_t i = 1; i < len && st == BK_OK; i++) {
        if (buf[i] != '/' || buf[i - 1] == '/') continue;
        buf[i] = '\0';
        st = mkdir_one(buf, err);
        buf[i] = '/';
    }
    if (st == BK_OK && len > 0) st = mkdir_one(buf, err);
    bk_free(buf);
    return st;
}

bk_status store_remove(const char *path, bk_error *err) {
    if (remove(path) == 0) return BK_OK;
    if (errno == ENOENT) return bk_error_set(err, BK_NOT_FOUND, "file \"%s\" does not exist", path);
    return io_error(err, errno, "remove", path);
}

/*
 * nftw gives no context pointer, so the first failure is recorded in
 * thread-local storage for store_remove_tree to report.
 */
static _Thread_local int tree_errno;
static _Thread_local char tree_failed_path[512];

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)ftw;
    int rc = type == FTW_DP ? rmdir(path) : unlink(path);
    if (rc != 0 && errno != ENOENT) {
        tree_errno = errno;
        snprintf(tree_failed_path, sizeof tree_failed_path, "%s", path);
        return 1;
    }
    return 0;
}

bk_status store_remove_tree(const char *path, bk_error *err) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return bk_error_set(err, BK_NOT_FOUND, "file \"%s\" does not exist", path);
        return io_error(err, errno, "remove", path);
    }
    if (!S_ISDIR(st.st_mode)) return store_remove(path, err);
    tree_errno = 0;
    int rc = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc == 0) return BK_OK;
    if (tree_errno) return io_error(err, tree_errno, "remove", tree_failed_path);
    return io_error(err, errno, "remove directory", path);
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bk_status store_list_dir(bk_arena *a, const char *path, char ***names, size_t *count,
                         bk_error *err) {
    DIR *d = opendir(path);
    if (!d) return io_error(err, errno, "open directory", path);
    size_t n = 0, cap = 16;
    char **list = bk_arena_array(a, cap, sizeof *list);
    bk_status st = list ? BK_OK : bk_arena_oom(a, err);
    for (;;) {
        if (st != BK_OK) break;
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) st = io_error(err, errno, "read directory", path);
            break;
        }
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n == cap) {
            char **bigger = bk_arena_array(a, cap * 2, sizeof *bigger);
            if (!bigger) {
                st = bk_arena_oom(a, err);
                break;
            }
            memcpy(bigger, list, n * sizeof *list);
            list = bigger;
            cap *= 2;
        }
        list[n] = bk_arena_strdup(a, e->d_name);
        if (!list[n]) {
            st = bk_arena_oom(a, err);
            break;
        }
        n++;
    }
    closedir(d);
    if (st != BK_OK) return st;
    qsort(list, n, sizeof *list, compare_names);
    *names = list;
    *count = n;
    return BK_OK;
}
