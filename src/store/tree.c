/*
 * tree.c — directory trees below a root (tree.h): key checks, the no-symlink
 * walk, mkdirs, listings, moving spooled files in, renames and removal.
 *
 * Durability: every operation that adds, renames or removes a name fsyncs the
 * directory that holds it before returning, so an acknowledged change survives a
 * crash.  File contents are fsynced before they get their final name.
 *
 * The symbolic-link check is a walk of lstat calls over the key's components.
 * It is not proof against a link created concurrently by someone with shell
 * access to the data directory (that would take openat with O_NOFOLLOW per
 * component); API users cannot create links at all.
 */
#include "store/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/str.h"

static bk_status io_error(bk_error *err, int e, const char *what, const char *path) {
    return bk_error_set(err, BK_IO, "could not %s \"%s\": %s", what, path, strerror(e));
}

bool store_tree_is_temp_name(const char *name) {
    size_t n = strlen(name);
    if (n < 11) return false;
    const char *t = name + n - 11;
    if (memcmp(t, ".tmp-", 5) != 0) return false;
    for (int i = 5; i < 11; i++) {
        char c = t[i];
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!ok) return false;
    }
    return true;
}

bk_status store_tree_check_key(const char *key, bk_error *err) {
    size_t len = strlen(key);
    if (len > STORE_TREE_MAX_KEY)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "path is %zu bytes long: at most %d allowed",
                            len, STORE_TREE_MAX_KEY);
    if (len == 0) return BK_OK;
    const char *seg = key;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "path \"%s\" has an empty segment", key);
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "path \"%s\" has a \".\" or \"..\" segment", key);
        if (n > STORE_TREE_MAX_SEGMENT)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "path \"%s\" has a name longer than %d bytes", key,
                                STORE_TREE_MAX_SEGMENT);
        if (!end) {
            if (store_tree_is_temp_name(seg))
                return bk_error_set(err, BK_INVALID_ARGUMENT,
                                    "path \"%s\": names ending in \".tmp-\" and six letters or"
                                    " digits are reserved for unfinished writes",
                                    key);
            return BK_OK;
        }
        seg = end + 1;
    }
}

bk_status store_tree_path(bk_arena *a, const char *root, const char *key, char **out,
                          bk_error *err) {
    BK_TRY(store_tree_check_key(key, err));
    char *path = *key ? bk_arena_printf(a, "%s/%s", root, key) : bk_arena_strdup(a, root);
    if (!path) return bk_arena_oom(a, err);
    /* lstat each existing component below the root; stop at the first missing one */
    size_t root_len = strlen(root);
    for (char *p = path + root_len; *p;) {
        char *next = strchr(p + 1, '/');
        char saved = 0;
        if (next) {
            saved = *next;
            *next = '\0';
        }
        struct stat st;
        int rc = lstat(path, &st);
        int e = errno;
        bool is_link = rc == 0 && S_ISLNK(st.st_mode);
        if (next) *next = saved;
        if (is_link)
            return bk_error_set(err, BK_PERMISSION_DENIED,
                                "path \"%s\" goes through a symbolic link, which is not allowed",
                                key);
        if (rc != 0) {
            if (e == ENOENT || e == ENOTDIR) break;
            return io_error(err, e, "look up", path);
        }
        if (!next) break;
        p = next;
    }
    *out = path;
    return BK_OK;
}

/* fsync directory `dir`; filesystems that refuse directory fsync are not an error. */
static bk_status sync_dir(const char *dir, bk_error *err) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return io_error(err, errno, "open directory", dir);
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && e != EINVAL && e != EROFS) return io_error(err, e, "fsync directory", dir);
    return BK_OK;
}

/* fsync the directory that holds `path`. */
static bk_status sync_parent(bk_arena *a, const char *path, bk_error *err) {
    const char *slash = strrchr(path, '/');
    char *dir = slash ? bk_arena_strndup(a, path, slash == path ? 1 : (size_t)(slash - path))
                      : bk_arena_strdup(a, ".");
    if (!dir) return bk_arena_oom(a, err);
    return sync_dir(dir, err);
}

bk_status store_tree_stat(bk_arena *a, const char *root, const char *key, store_stat_info *out,
                          bk_error *err) {
    char *path;
    BK_TRY(store_tree_path(a, root, key, &path, err));
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return bk_error_set(err, BK_NOT_FOUND, "nothing exists at \"%s\"", key);
        return io_error(err, errno, "stat", path);
    }
    out->is_dir = S_ISDIR(st.st_mode);
    out->size = out->is_dir ? 0 : (uint64_t)st.st_size;
    out->mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    return BK_OK;
}

bk_status store_tree_mkdirs(bk_arena *a, const char *root, const char *key, const char **conflict,
                            bk_error *err) {
    char *path;
    BK_TRY(store_tree_path(a, root, key, &path, err));
    BK_TRY(store_mkdirs(root, err));
    size_t root_len = strlen(root);
    for (char *p = path + root_len; *p;) {
        char *next = strchr(p + 1, '/');
        if (next) *next = '\0';
        if (mkdir(path, 0755) == 0) {
            bk_status st = sync_parent(a, path, err);
            if (next) *next = '/';
            BK_TRY(st);
        } else {
            int e = errno;
            struct stat st;
            bool is_dir = e == EEXIST && lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
            if (!is_dir) {
                const char *sub = path + root_len + 1;
                char *which = bk_arena_strdup(a, sub);
                if (next) *next = '/';
                if (e == EEXIST || e == ENOTDIR) {
                    if (conflict) *conflict = which;
                    return bk_error_set(err, BK_ALREADY_EXISTS, "a file exists at \"%s\"",
                                        which ? which : key);
                }
                return io_error(err, e, "create directory", path);
            }
            if (next) *next = '/';
        }
        if (!next) break;
        p = next;
    }
    return BK_OK;
}

bk_status store_tree_list(bk_arena *a, const char *root, const char *key,
                          store_tree_entry **entries, size_t *count, bk_error *err) {
    store_stat_info info;
    BK_TRY(store_tree_stat(a, root, key, &info, err));
    if (!info.is_dir)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "\"%s\" is a file, not a directory", key);
    char *path;
    BK_TRY(store_tree_path(a, root, key, &path, err));
    char **names;
    size_t n;
    BK_TRY(store_list_dir(a, path, &names, &n, err));
    store_tree_entry *out = bk_arena_array(a, n ? n : 1, sizeof *out);
    if (!out) return bk_arena_oom(a, err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (store_tree_is_temp_name(names[i])) continue;
        char *child = bk_arena_printf(a, "%s/%s", path, names[i]);
        if (!child) return bk_arena_oom(a, err);
        struct stat st;
        if (lstat(child, &st) != 0) continue; /* removed meanwhile */
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) continue; /* links, devices */
        out[k].name = names[i];
        out[k].is_dir = S_ISDIR(st.st_mode);
        out[k].size = out[k].is_dir ? 0 : (uint64_t)st.st_size;
        out[k].mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        k++;
    }
    *entries = out;
    *count = k;
    return BK_OK;
}

/* Copy `src` into a writer for `dst` (the cross-filesystem case of adopt). */
static bk_status copy_into(const char *src, const char *dst, bool no_replace, bk_error *err) {
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error(err, errno, "open file", src);
    store_writer *w;
    bk_status st = store_writer_open(dst, no_replace ? STORE_NO_REPLACE : 0, &w, err);
    if (st != BK_OK) {
        close(fd);
        return st;
    }
    static _Thread_local char buf[1 << 16];
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            st = io_error(err, errno, "read file", src);
            break;
        }
        if (k == 0) break;
        st = store_writer_write(w, buf, (size_t)k, err);
        if (st != BK_OK) break;
    }
    close(fd);
    if (st != BK_OK) {
        store_writer_abort(w);
        return st;
    }
    BK_TRY(store_writer_commit(w, err));
    unlink(src);
    return BK_OK;
}

bk_status store_tree_adopt(bk_arena *a, const char *src_path, const char *root, const char *key,
                           bool no_replace, bk_error *err) {
    if (!*key) return bk_error_set(err, BK_INVALID_ARGUMENT, "cannot write a file at the root");
    char *path;
    BK_TRY(store_tree_path(a, root, key, &path, err));
    int fd = open(src_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error(err, errno, "open file", src_path);
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0) return io_error(err, e, "fsync file", src_path);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return bk_error_set(err, BK_ALREADY_EXISTS, "a directory exists at \"%s\"", key);
    if (no_replace)
        rc = renameat2(AT_FDCWD, src_path, AT_FDCWD, path, RENAME_NOREPLACE);
    else
        rc = rename(src_path, path);
    if (rc != 0) {
        e = errno;
        if (e == EXDEV) {
            BK_TRY(copy_into(src_path, path, no_replace, err));
        } else if (e == EEXIST) {
            return bk_error_set(err, BK_ALREADY_EXISTS, "a file exists at \"%s\"", key);
        } else if (e == EISDIR) {
            return bk_error_set(err, BK_ALREADY_EXISTS, "a directory exists at \"%s\"", key);
        } else if (e == ENOENT || e == ENOTDIR) {
            return bk_error_set(err, BK_NOT_FOUND, "the parent directory of \"%s\" does not exist",
                                key);
        } else {
            return io_error(err, e, "move a file to", path);
        }
    }
    return sync_parent(a, path, err);
}

bk_status store_tree_rename(bk_arena *a, const char *root, const char *src, const char *dst,
                            bk_error *err) {
    if (!*src || !*dst) return bk_error_set(err, BK_INVALID_ARGUMENT, "cannot move the root");
    size_t sl = strlen(src);
    if (strncmp(dst, src, sl) == 0 && (dst[sl] == '/' || dst[sl] == '\0'))
        return bk_error_set(err, BK_INVALID_ARGUMENT, "cannot move \"%s\" into itself (\"%s\")",
                            src, dst);
    char *from, *to;
    BK_TRY(store_tree_path(a, root, src, &from, err));
    BK_TRY(store_tree_path(a, root, dst, &to, err));
    struct stat st;
    if (lstat(from, &st) != 0)
        return bk_error_set(err, BK_NOT_FOUND, "nothing exists at \"%s\"", src);
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0) {
        int e = errno;
        if (e == EEXIST) return bk_error_set(err, BK_ALREADY_EXISTS, "\"%s\" already exists", dst);
        if (e == ENOENT || e == ENOTDIR)
            return bk_error_set(err, BK_NOT_FOUND, "the parent directory of \"%s\" does not exist",
                                dst);
        return io_error(err, e, "move to", to);
    }
    BK_TRY(sync_parent(a, to, err));
    return sync_parent(a, from, err);
}

bool store_tree_dir_is_empty(bk_arena *a, const char *root, const char *key) {
    store_tree_entry *entries;
    size_t n;
    bk_error err;
    bk_error_clear(&err);
    if (store_tree_list(a, root, key, &entries, &n, &err) != BK_OK) return false;
    return n == 0;
}

bk_status store_tree_remove(bk_arena *a, const char *root, const char *key, bool recursive,
                            bk_error *err) {
    char *path;
    BK_TRY(store_tree_path(a, root, key, &path, err));
    if (!*key) {
        if (!recursive) return bk_error_set(err, BK_INVALID_ARGUMENT, "cannot remove the root");
        store_tree_entry *entries;
        size_t n;
        BK_TRY(store_tree_list(a, root, "", &entries, &n, err));
        for (size_t i = 0; i < n; i++)
            BK_TRY(store_tree_remove(a, root, entries[i].name, true, err));
        return BK_OK;
    }
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return bk_error_set(err, BK_NOT_FOUND, "nothing exists at \"%s\"", key);
        return io_error(err, errno, "stat", path);
    }
    if (S_ISDIR(st.st_mode)) {
        if (recursive) {
            BK_TRY(store_remove_tree(path, err));
        } else if (rmdir(path) != 0) {
            if (errno == ENOTEMPTY || errno == EEXIST)
                return bk_error_set(err, BK_IO, "directory \"%s\" is not empty", key);
            return io_error(err, errno, "remove directory", path);
        }
    } else if (unlink(path) != 0) {
        if (errno == ENOENT)
            return bk_error_set(err, BK_NOT_FOUND, "nothing exists at \"%s\"", key);
        return io_error(err, errno, "remove file", path);
    }
    return sync_parent(a, path, err);
}
