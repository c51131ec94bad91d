/*
 * svc_dbfs.c — DBFS 2.0 on a directory tree below DIR/dbfs (svc_dbfs.h).
 *
 * Files and directories are real ones (store/tree.h); the metastore only keeps
 * the open streaming handles (table dbfs_handles).  A handle's data is appended
 * to a spool file DIR/tmp/dbfs-handle-<n>; close moves it into place the way
 * put does, so a file is never visible half-written.
 *
 * Messages follow Databricks' wording where the SDK or users match on it
 * ("No file or directory exists on path …", "A file or directory already exists
 * at the input path …").
 */
#include "services/svc_dbfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "services/svc_fspath.h"
#include "store/tree.h"

#define HANDLE_SPAN ((int64_t)1 << 53) /* handles are exact in a JSON double */

const char *svc_dbfs_root(svc_ctx *ctx) {
    return bk_arena_printf(ctx->arena, "%s/dbfs", ctx->env->data_dir);
}

/* The display form of a key: "/" + key. */
static const char *shown(svc_ctx *ctx, const char *key) {
    const char *s = bk_arena_printf(ctx->arena, "/%s", key);
    return s ? s : "?";
}

/* Normalize a DBFS path and find the root; *root and *key in ctx->arena. */
static bk_status resolve(svc_ctx *ctx, const char *path, size_t len, const char **root,
                         char **key, bk_error *err) {
    BK_TRY(svc_fspath_dbfs(ctx->arena, path, len, key, err));
    *root = svc_dbfs_root(ctx);
    if (!*root) return bk_arena_oom(ctx->arena, err);
    return store_mkdirs(*root, err);
}

static bk_status not_found(svc_ctx *ctx, const char *key, bk_error *err) {
    bk_error_clear(err);
    return bk_error_set(err, BK_NOT_FOUND, "No file or directory exists on path %s.",
                        shown(ctx, key));
}

static bk_status already_exists(svc_ctx *ctx, const char *key, bk_error *err) {
    bk_error_clear(err);
    return bk_error_set(err, BK_ALREADY_EXISTS,
                        "A file or directory already exists at the input path %s.",
                        shown(ctx, key));
}

/* stat with DBFS's not-found message. */
static bk_status stat_key(svc_ctx *ctx, const char *root, const char *key, store_stat_info *st,
                          bk_error *err) {
    bk_status s = store_tree_stat(ctx->arena, root, key, st, err);
    if (s == BK_NOT_FOUND) return not_found(ctx, key, err);
    return s;
}

/* The parent key of `key` ("" for a top-level name), in ctx->arena. */
static char *parent_of(svc_ctx *ctx, const char *key) {
    const char *slash = strrchr(key, '/');
    return slash ? bk_arena_strndup(ctx->arena, key, (size_t)(slash - key))
                 : bk_arena_strdup(ctx->arena, "");
}

/* mkdir -p of key's parent, with DBFS's message when a file is in the way. */
static bk_status make_parent(svc_ctx *ctx, const char *root, const char *key, bk_error *err) {
    char *parent = parent_of(ctx, key);
    if (!parent) return bk_arena_oom(ctx->arena, err);
    const char *conflict = NULL;
    bk_status st = store_tree_mkdirs(ctx->arena, root, parent, &conflict, err);
    if (st == BK_ALREADY_EXISTS) return already_exists(ctx, conflict ? conflict : parent, err);
    return st;
}

static void fill_info(svc_ctx *ctx, const char *key, const store_stat_info *st,
                      svc_dbfs_info *out) {
    out->path = shown(ctx, key);
    out->is_dir = st->is_dir;
    out->file_size = st->is_dir ? 0 : (int64_t)st->size;
    out->modification_time = st->mtime_ms;
}

bk_status svc_dbfs_get_status(svc_ctx *ctx, const char *path, size_t len, svc_dbfs_info *out,
                              bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    store_stat_info st;
    BK_TRY(stat_key(ctx, root, key, &st, err));
    fill_info(ctx, key, &st, out);
    return BK_OK;
}

bk_status svc_dbfs_list(svc_ctx *ctx, const char *path, size_t len, svc_dbfs_info **out,
                        size_t *n, bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    store_stat_info st;
    BK_TRY(stat_key(ctx, root, key, &st, err));
    if (!st.is_dir) {
        svc_dbfs_info *one = bk_arena_zalloc(ctx->arena, sizeof *one);
        if (!one) return bk_arena_oom(ctx->arena, err);
        fill_info(ctx, key, &st, one);
        *out = one;
        *n = 1;
        return BK_OK;
    }
    store_tree_entry *entries;
    size_t count;
    BK_TRY(store_tree_list(ctx->arena, root, key, &entries, &count, err));
    svc_dbfs_info *infos = bk_arena_array(ctx->arena, count ? count : 1, sizeof *infos);
    if (!infos) return bk_arena_oom(ctx->arena, err);
    for (size_t i = 0; i < count; i++) {
        const char *child = *key ? bk_arena_printf(ctx->arena, "%s/%s", key, entries[i].name)
                                 : entries[i].name;
        if (!child) return bk_arena_oom(ctx->arena, err);
        store_stat_info cst = {entries[i].size, entries[i].mtime_ms, entries[i].is_dir};
        fill_info(ctx, child, &cst, &infos[i]);
    }
    *out = infos;
    *n = count;
    return BK_OK;
}

bk_status svc_dbfs_mkdirs(svc_ctx *ctx, const char *path, size_t len, bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    const char *conflict = NULL;
    bk_status st = store_tree_mkdirs(ctx->arena, root, key, &conflict, err);
    if (st == BK_ALREADY_EXISTS) {
        bk_error_clear(err);
        return bk_error_set(err, BK_ALREADY_EXISTS,
                            "Cannot create directory %s: a file exists at %s.", shown(ctx, key),
                            shown(ctx, conflict ? conflict : key));
    }
    return st;
}

/*
 * Checks before writing `key`: the root is no file, a directory is never replaced,
 * and without `overwrite` nothing may exist.  Then the parents are created.
 */
static bk_status prepare_write(svc_ctx *ctx, const char *root, const char *key, bool overwrite,
                               bk_error *err) {
    if (!*key)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Cannot write a file at the DBFS root /.");
    store_stat_info st;
    bk_status s = store_tree_stat(ctx->arena, root, key, &st, err);
    if (s == BK_OK && (st.is_dir || !overwrite)) return already_exists(ctx, key, err);
    if (s != BK_OK && s != BK_NOT_FOUND) return s;
    bk_error_clear(err);
    return make_parent(ctx, root, key, err);
}

bk_status svc_dbfs_put(svc_ctx *ctx, const char *path, size_t len, const void *data, size_t n,
                       bool overwrite, bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    if (n > SVC_DBFS_MAX_BLOCK)
        return bk_error_set(err, BK_MAX_BLOCK_SIZE_EXCEEDED,
                            "The contents are %zu bytes: at most %d (1 MB) may be sent inline. "
                            "Use create, add-block and close for larger files.",
                            n, SVC_DBFS_MAX_BLOCK);
    BK_TRY(prepare_write(ctx, root, key, overwrite, err));
    char *abs;
    BK_TRY(store_tree_path(ctx->arena, root, key, &abs, err));
    bk_status st = store_write_file(abs, data, n, overwrite ? 0 : STORE_NO_REPLACE, err);
    if (st == BK_ALREADY_EXISTS) return already_exists(ctx, key, err);
    return st;
}

bk_status svc_dbfs_put_file(svc_ctx *ctx, const char *path, size_t len, const char *src,
                            bool overwrite, bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    BK_TRY(prepare_write(ctx, root, key, overwrite, err));
    bk_status st = store_tree_adopt(ctx->arena, src, root, key, !overwrite, err);
    if (st == BK_ALREADY_EXISTS) return already_exists(ctx, key, err);
    return st;
}

/* ---- streaming handles ------------------------------------------------------------------ */

static char *spool_path(svc_ctx *ctx, int64_t handle, bk_error *err) {
    char *dir = svc_spool_dir(ctx->arena, ctx->env, err);
    if (!dir) return NULL;
    char *p = bk_arena_printf(ctx->arena, "%s/dbfs-handle-%lld", dir, (long long)handle);
    if (!p) bk_arena_oom(ctx->arena, err);
    return p;
}

/* Forget handles idle longer than SVC_DBFS_HANDLE_IDLE_MS, and their spool files. */
static bk_status expire_handles(svc_ctx *ctx, bk_error *err) {
    int64_t cutoff = svc_now_ms() - SVC_DBFS_HANDLE_IDLE_MS;
    meta_stmt *s =
        meta_prepare(ctx->conn, "SELECT spool FROM dbfs_handles WHERE last_used_ms < ?1", err);
    if (!s) return err->code;
    BK_TRY(meta_bind_i64(s, 1, cutoff, err));
    int rc;
    while ((rc = meta_step(s, err)) == META_ROW) unlink(meta_col_text(s, 0));
    meta_done(s);
    if (rc != META_DONE) return rc;
    s = meta_prepare(ctx->conn, "DELETE FROM dbfs_handles WHERE last_used_ms < ?1", err);
    if (!s) return err->code;
    BK_TRY(meta_bind_i64(s, 1, cutoff, err));
    return meta_run(s, err);
}

bk_status svc_dbfs_create(svc_ctx *ctx, const char *path, size_t len, bool overwrite,
                          int64_t *handle, bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    if (!ctx->caller)
        return bk_error_set(err, BK_PERMISSION_DENIED, "DBFS handles need a signed-in user.");
    BK_TRY(prepare_write(ctx, root, key, overwrite, err));
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    bk_status st = expire_handles(ctx, err);
    int64_t h = 0;
    char *spool = NULL;
    for (int attempt = 0; st == BK_OK && attempt < 16; attempt++) {
        uint64_t r;
        randombytes_buf(&r, sizeof r);
        h = 1 + (int64_t)(r % (uint64_t)(HANDLE_SPAN - 1));
        spool = spool_path(ctx, h, err);
        if (!spool) {
            st = err->code;
            break;
        }
        meta_stmt *s = meta_prepare(ctx->conn,
                                    "INSERT INTO dbfs_handles(handle, user_id, path, overwrite,"
                                    " spool, created_ms, last_used_ms)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                                    err);
        if (!s) {
            st = err->code;
            break;
        }
        int64_t now = svc_now_ms();
        st = meta_bind_i64(s, 1, h, err);
        if (st == BK_OK) st = meta_bind_i64(s, 2, ctx->caller->user_id, err);
        if (st == BK_OK) st = meta_bind_text(s, 3, key, err);
        if (st == BK_OK) st = meta_bind_i64(s, 4, overwrite ? 1 : 0, err);
        if (st == BK_OK) st = meta_bind_text(s, 5, spool, err);
        if (st == BK_OK) st = meta_bind_i64(s, 6, now, err);
        if (st == BK_OK) st = meta_run(s, err);
        else meta_done(s);
        if (st == BK_ALREADY_EXISTS) { /* the random handle is taken: draw again */
            bk_error_clear(err);
            st = BK_OK;
            h = 0;
            continue;
        }
        break;
    }
    if (st == BK_OK && h == 0) st = bk_error_set(err, BK_INTERNAL, "could not draw a free handle");
    if (st == BK_OK) {
        int fd = open(spool, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
            st = bk_error_set(err, BK_IO, "could not create file \"%s\": %s", spool,
                              strerror(errno));
        else
            close(fd);
    }
    st = svc_tx_end(ctx, owned, st, err);
    if (st != BK_OK) return st;
    *handle = h;
    return BK_OK;
}

/* The handle's row, if it is the caller's and not expired. */
typedef struct handle_row {
    char *path;
    char *spool;
    bool overwrite;
} handle_row;

static bk_status find_handle(svc_ctx *ctx, int64_t handle, handle_row *row, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn,
                                "SELECT path, spool, overwrite, user_id, last_used_ms"
                                " FROM dbfs_handles WHERE handle = ?1",
                                err);
    if (!s) return err->code;
    BK_TRY(meta_bind_i64(s, 1, handle, err));
    int rc = meta_step(s, err);
    bool ok = false;
    if (rc == META_ROW) {
        int64_t owner = meta_col_i64(s, 3);
        int64_t used = meta_col_i64(s, 4);
        ok = ctx->caller && owner == ctx->caller->user_id &&
             used >= svc_now_ms() - SVC_DBFS_HANDLE_IDLE_MS;
        row->path = bk_arena_strdup(ctx->arena, meta_col_text(s, 0));
        row->spool = bk_arena_strdup(ctx->arena, meta_col_text(s, 1));
        row->overwrite = meta_col_i64(s, 2) != 0;
    }
    meta_done(s);
    if (rc != META_ROW && rc != META_DONE) return rc;
    if (!ok)
        return bk_error_set(err, BK_NOT_FOUND, "The handle %lld does not exist (or has expired).",
                            (long long)handle);
    if (!row->path || !row->spool) return bk_arena_oom(ctx->arena, err);
    return BK_OK;
}

static bk_status forget_handle(svc_ctx *ctx, int64_t handle, bk_error *err) {
    meta_stmt *s = meta_prepare(ctx->conn, "DELETE FROM dbfs_handles WHERE handle = ?1", err);
    if (!s) return err->code;
    BK_TRY(meta_bind_i64(s, 1, handle, err));
    return meta_run(s, err);
}

/* Append data to the spool file and fsync it. */
static bk_status append_durably(const char *spool, const void *data, size_t n, bk_error *err) {
    int fd = open(spool, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return bk_error_set(err, BK_IO, "could not open file \"%s\": %s", spool, strerror(errno));
    const uint8_t *p = data;
    size_t left = n;
    while (left > 0) {
        ssize_t k = write(fd, p, left);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            return bk_error_set(err, BK_IO, "could not write file \"%s\": %s", spool, strerror(e));
        }
        p += k;
        left -= (size_t)k;
    }
    if (fdatasync(fd) != 0) {
        int e = errno;
        close(fd);
        return bk_error_set(err, BK_IO, "could not fsync file \"%s\": %s", spool, strerror(e));
    }
    close(fd);
    return BK_OK;
}

bk_status svc_dbfs_add_block(svc_ctx *ctx, int64_t handle, const void *data, size_t n,
                             bk_error *err) {
    if (n > SVC_DBFS_MAX_BLOCK)
        return bk_error_set(err, BK_MAX_BLOCK_SIZE_EXCEEDED,
                            "The block is %zu bytes: at most %d (1 MB) per add-block call.", n,
                            SVC_DBFS_MAX_BLOCK);
    /* One transaction: concurrent add-blocks of one handle append in turn. */
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    handle_row row;
    bk_status st = find_handle(ctx, handle, &row, err);
    if (st == BK_OK) st = append_durably(row.spool, data, n, err);
    if (st == BK_OK) {
        meta_stmt *s = meta_prepare(ctx->conn,
                                    "UPDATE dbfs_handles SET last_used_ms = ?2, size = size + ?3"
                                    " WHERE handle = ?1",
                                    err);
        st = s ? BK_OK : err->code;
        if (st == BK_OK) st = meta_bind_i64(s, 1, handle, err);
        if (st == BK_OK) st = meta_bind_i64(s, 2, svc_now_ms(), err);
        if (st == BK_OK) st = meta_bind_i64(s, 3, (int64_t)n, err);
        if (st == BK_OK) st = meta_run(s, err);
        else meta_done(s);
    }
    return svc_tx_end(ctx, owned, st, err);
}

bk_status svc_dbfs_close(svc_ctx *ctx, int64_t handle, bk_error *err) {
    /* Forget the handle first (committed), then publish: a handle is closed once,
     * and an add-block racing with the close finds it gone. */
    bool owned;
    BK_TRY(svc_tx_begin(ctx, &owned, err));
    handle_row row;
    bk_status st = find_handle(ctx, handle, &row, err);
    if (st == BK_OK) st = forget_handle(ctx, handle, err);
    BK_TRY(svc_tx_end(ctx, owned, st, err));
    const char *root = svc_dbfs_root(ctx);
    st = root ? BK_OK : bk_arena_oom(ctx->arena, err);
    if (st == BK_OK) st = make_parent(ctx, root, row.path, err);
    if (st == BK_OK) {
        st = store_tree_adopt(ctx->arena, row.spool, root, row.path, !row.overwrite, err);
        if (st == BK_ALREADY_EXISTS) st = already_exists(ctx, row.path, err);
    }
    unlink(row.spool); /* gone after a successful move; removed after a failed one */
    return st;
}

/* ---- read, move, delete ----------------------------------------------------------------- */

bk_status svc_dbfs_read(svc_ctx *ctx, const char *path, size_t len, int64_t offset,
                        int64_t length, uint8_t **data, size_t *n, bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    if (offset < 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Negative offset %lld is not allowed.",
                            (long long)offset);
    if (length < 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Negative length %lld is not allowed.",
                            (long long)length);
    if (length > SVC_DBFS_MAX_READ)
        return bk_error_set(err, BK_MAX_READ_SIZE_EXCEEDED,
                            "Cannot read %lld bytes: at most %d (1 MB) per read call.",
                            (long long)length, SVC_DBFS_MAX_READ);
    store_stat_info st;
    BK_TRY(stat_key(ctx, root, key, &st, err));
    if (st.is_dir)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "The path %s is a directory: cannot read it.",
                            shown(ctx, key));
    char *abs;
    BK_TRY(store_tree_path(ctx->arena, root, key, &abs, err));
    uint8_t *buf = bk_arena_alloc(ctx->arena, (size_t)length + 1);
    if (!buf) return bk_arena_oom(ctx->arena, err);
    int fd = open(abs, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT) return not_found(ctx, key, err);
        return bk_error_set(err, BK_IO, "could not open file \"%s\": %s", abs, strerror(errno));
    }
    size_t got = 0;
    while (got < (size_t)length) {
        ssize_t k = pread(fd, buf + got, (size_t)length - got, (off_t)offset + (off_t)got);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            return bk_error_set(err, BK_IO, "could not read file \"%s\": %s", abs, strerror(e));
        }
        if (k == 0) break;
        got += (size_t)k;
    }
    close(fd);
    *data = buf;
    *n = got;
    return BK_OK;
}

bk_status svc_dbfs_move(svc_ctx *ctx, const char *src, size_t src_len, const char *dst,
                        size_t dst_len, bk_error *err) {
    const char *root;
    char *from, *to;
    BK_TRY(resolve(ctx, src, src_len, &root, &from, err));
    BK_TRY(svc_fspath_dbfs(ctx->arena, dst, dst_len, &to, err));
    if (!*from || !*to)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Cannot move the DBFS root /.");
    store_stat_info st;
    BK_TRY(stat_key(ctx, root, from, &st, err));
    bk_status s = store_tree_stat(ctx->arena, root, to, &st, err);
    if (s == BK_OK) return already_exists(ctx, to, err);
    if (s != BK_NOT_FOUND) return s;
    bk_error_clear(err);
    size_t fl = strlen(from);
    if (strncmp(to, from, fl) == 0 && to[fl] == '/')
        return bk_error_set(err, BK_INVALID_ARGUMENT, "Cannot move %s into itself (%s).",
                            shown(ctx, from), shown(ctx, to));
    BK_TRY(make_parent(ctx, root, to, err));
    s = store_tree_rename(ctx->arena, root, from, to, err);
    if (s == BK_ALREADY_EXISTS) return already_exists(ctx, to, err);
    if (s == BK_NOT_FOUND) return not_found(ctx, from, err);
    return s;
}

bk_status svc_dbfs_delete(svc_ctx *ctx, const char *path, size_t len, bool recursive,
                          bk_error *err) {
    const char *root;
    char *key;
    BK_TRY(resolve(ctx, path, len, &root, &key, err));
    store_stat_info st;
    bk_status s = store_tree_stat(ctx->arena, root, key, &st, err);
    if (s == BK_NOT_FOUND) {
        bk_error_clear(err);
        return BK_OK;
    }
    BK_TRY(s);
    if (st.is_dir && !recursive && !store_tree_dir_is_empty(ctx->arena, root, key))
        return bk_error_set(err, BK_DBFS_DIR_NOT_EMPTY,
                            "Cannot delete the non-empty directory %s without recursive=true.",
                            shown(ctx, key));
    if (!*key) {
        if (!recursive) return BK_OK; /* the empty root: nothing to do */
        return store_tree_remove(ctx->arena, root, key, true, err);
    }
    s = store_tree_remove(ctx->arena, root, key, recursive, err);
    if (s == BK_NOT_FOUND) {
        bk_error_clear(err);
        return BK_OK;
    }
    return s;
}
