/*
 * svc_files.c — the Files API on the volume and DBFS trees (svc_files.h).
 *
 * A path resolves to (root, key, prefix): the tree's root directory, the key
 * below it, and the API prefix that turns keys back into paths ("/Volumes/" or
 * "/dbfs/").  Page tokens are the hex of the last name returned: opaque to the
 * client and stable while the directory changes.
 */
#include "services/svc_files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/svc_fspath.h"
#include "store/tree.h"

typedef struct resolved {
    const char *root;   /* DIR/volumes or DIR/dbfs */
    char *key;          /* below root */
    const char *prefix; /* "/Volumes/" or "/dbfs/" */
    svc_fs_area area;
    const char *shown;  /* the normalized API path, for messages */
} resolved;

static bk_status resolve(svc_ctx *ctx, const char *path, size_t len, resolved *r,
                         bk_error *err) {
    BK_TRY(svc_fspath_files(ctx->arena, path, len, &r->area, &r->key, err));
    bool vol = r->area == SVC_FS_VOLUMES;
    r->root = bk_arena_printf(ctx->arena, "%s/%s", ctx->env->data_dir, vol ? "volumes" : "dbfs");
    r->prefix = vol ? "/Volumes/" : "/dbfs/";
    r->shown = bk_arena_printf(ctx->arena, "%s%s", r->prefix, r->key);
    if (!r->root || !r->shown) return bk_arena_oom(ctx->arena, err);
    return store_mkdirs(r->root, err);
}

static bk_status not_found(const resolved *r, const char *what, const char *reason,
                           bk_error *err) {
    bk_error_clear(err);
    bk_error_set(err, BK_FILES_NOT_FOUND, "The %s %s does not exist.", what, r->shown);
    if (reason) bk_error_detail(err, "%s", reason);
    return BK_FILES_NOT_FOUND;
}

/* A file needs a name inside a volume (volumes) or below the DBFS root. */
static bk_status check_file_key(const resolved *r, bk_error *err) {
    int min = r->area == SVC_FS_VOLUMES ? 4 : 1;
    if (svc_fspath_depth(r->key) < min)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "The path %s is not a file path.", r->shown);
    return BK_OK;
}

bk_status svc_files_upload(svc_ctx *ctx, const char *path, size_t len, const char *src,
                           bool overwrite, bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    BK_TRY(check_file_key(&r, err));
    const char *slash = strrchr(r.key, '/');
    char *parent = slash ? bk_arena_strndup(ctx->arena, r.key, (size_t)(slash - r.key))
                         : bk_arena_strdup(ctx->arena, "");
    if (!parent) return bk_arena_oom(ctx->arena, err);
    const char *conflict = NULL;
    bk_status st = store_tree_mkdirs(ctx->arena, r.root, parent, &conflict, err);
    if (st == BK_ALREADY_EXISTS) {
        bk_error_clear(err);
        return bk_error_set(err, BK_FILES_ALREADY_EXISTS,
                            "Cannot create %s: a file exists at %s%s.", r.shown, r.prefix,
                            conflict ? conflict : parent);
    }
    BK_TRY(st);
    st = store_tree_adopt(ctx->arena, src, r.root, r.key, !overwrite, err);
    if (st == BK_ALREADY_EXISTS) {
        bk_error_clear(err);
        return bk_error_set(err, BK_FILES_ALREADY_EXISTS,
                            "The file being created already exists: %s.", r.shown);
    }
    return st;
}

/* stat of a file key: BK_FILES_NOT_FOUND when missing or a directory. */
static bk_status stat_file(svc_ctx *ctx, const resolved *r, store_stat_info *st, bk_error *err) {
    bk_status s = store_tree_stat(ctx->arena, r->root, r->key, st, err);
    if (s == BK_NOT_FOUND || (s == BK_OK && st->is_dir)) return not_found(r, "file", NULL, err);
    return s;
}

bk_status svc_files_head(svc_ctx *ctx, const char *path, size_t len, svc_files_meta *m,
                         bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    store_stat_info st;
    BK_TRY(stat_file(ctx, &r, &st, err));
    m->size = st.size;
    m->mtime_ms = st.mtime_ms;
    return BK_OK;
}

bk_status svc_files_open(svc_ctx *ctx, const char *path, size_t len, int *fd, svc_files_meta *m,
                         bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    store_stat_info st;
    BK_TRY(stat_file(ctx, &r, &st, err));
    char *abs;
    BK_TRY(store_tree_path(ctx->arena, r.root, r.key, &abs, err));
    int f = open(abs, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (f < 0) {
        if (errno == ENOENT) return not_found(&r, "file", NULL, err);
        return bk_error_set(err, BK_IO, "could not open file \"%s\": %s", abs, strerror(errno));
    }
    /* metadata of what was opened (the file may have been replaced since the stat) */
    struct stat fst;
    if (fstat(f, &fst) != 0 || !S_ISREG(fst.st_mode)) {
        close(f);
        return not_found(&r, "file", NULL, err);
    }
    m->size = (uint64_t)fst.st_size;
    m->mtime_ms = (int64_t)fst.st_mtim.tv_sec * 1000 + fst.st_mtim.tv_nsec / 1000000;
    *fd = f;
    return BK_OK;
}

bk_status svc_files_delete(svc_ctx *ctx, const char *path, size_t len, bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    BK_TRY(check_file_key(&r, err));
    store_stat_info st;
    BK_TRY(stat_file(ctx, &r, &st, err));
    bk_status s = store_tree_remove(ctx->arena, r.root, r.key, false, err);
    if (s == BK_NOT_FOUND) return not_found(&r, "file", NULL, err);
    return s;
}

bk_status svc_files_mkdirs(svc_ctx *ctx, const char *path, size_t len, bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    const char *conflict = NULL;
    bk_status st = store_tree_mkdirs(ctx->arena, r.root, r.key, &conflict, err);
    if (st == BK_ALREADY_EXISTS) {
        bk_error_clear(err);
        return bk_error_set(err, BK_FILES_ALREADY_EXISTS,
                            "Cannot create the directory %s: a file exists at %s%s.", r.shown,
                            r.prefix, conflict ? conflict : r.key);
    }
    return st;
}

/* stat of a directory key: BK_FILES_NOT_FOUND when missing or a file. */
static bk_status stat_dir(svc_ctx *ctx, const resolved *r, bk_error *err) {
    store_stat_info st;
    bk_status s = store_tree_stat(ctx->arena, r->root, r->key, &st, err);
    if (s == BK_NOT_FOUND || (s == BK_OK && !st.is_dir))
        return not_found(r, "directory", "FILES_API_DIRECTORY_IS_NOT_FOUND", err);
    return s;
}

bk_status svc_files_dir_head(svc_ctx *ctx, const char *path, size_t len, bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    return stat_dir(ctx, &r, err);
}

static char *hex_of(bk_arena *a, const char *s) {
    static const char digits[] = "0123456789abcdef";
    size_t n = strlen(s);
    char *out = bk_arena_alloc(a, 2 * n + 1);
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[(unsigned char)s[i] >> 4];
        out[2 * i + 1] = digits[(unsigned char)s[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The name a page token stands for; NULL for a malformed token. */
static char *unhex(bk_arena *a, const char *tok) {
    size_t n = strlen(tok);
    if (n % 2 != 0 || n > 2 * STORE_TREE_MAX_SEGMENT) return NULL;
    char *out = bk_arena_alloc(a, n / 2 + 1);
    if (!out) return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(tok[2 * i]), lo = hex_digit(tok[2 * i + 1]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return NULL;
        out[i] = (char)(hi * 16 + lo);
    }
    out[n / 2] = '\0';
    return out;
}

bk_status svc_files_list(svc_ctx *ctx, const char *path, size_t len, const char *page_token,
                         int64_t page_size, svc_files_entry **out, size_t *n,
                         const char **next_token, bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    BK_TRY(stat_dir(ctx, &r, err));
    const char *after = NULL;
    if (page_token && *page_token) {
        after = unhex(ctx->arena, page_token);
        if (!after)
            return bk_error_set(err, BK_INVALID_ARGUMENT, "The page_token \"%.64s\" is not valid.",
                                page_token);
    }
    if (page_size <= 0 || page_size > SVC_FILES_MAX_PAGE) page_size = SVC_FILES_MAX_PAGE;
    store_tree_entry *entries;
    size_t count;
    BK_TRY(store_tree_list(ctx->arena, r.root, r.key, &entries, &count, err));
    size_t start = 0;
    if (after)
        while (start < count && strcmp(entries[start].name, after) <= 0) start++;
    size_t take = count - start;
    if (take > (size_t)page_size) take = (size_t)page_size;
    svc_files_entry *res = bk_arena_array(ctx->arena, take ? take : 1, sizeof *res);
    if (!res) return bk_arena_oom(ctx->arena, err);
    for (size_t i = 0; i < take; i++) {
        const store_tree_entry *e = &entries[start + i];
        res[i].name = e->name;
        res[i].is_dir = e->is_dir;
        res[i].size = e->size;
        res[i].mtime_ms = e->mtime_ms;
        res[i].path = bk_arena_printf(ctx->arena, "%s%s%s%s%s", r.prefix, r.key,
                                      *r.key ? "/" : "", e->name, e->is_dir ? "/" : "");
        if (!res[i].path) return bk_arena_oom(ctx->arena, err);
    }
    *next_token = NULL;
    if (start + take < count) {
        *next_token = hex_of(ctx->arena, entries[start + take - 1].name);
        if (!*next_token) return bk_arena_oom(ctx->arena, err);
    }
    *out = res;
    *n = take;
    return BK_OK;
}

bk_status svc_files_rmdir(svc_ctx *ctx, const char *path, size_t len, bk_error *err) {
    resolved r;
    BK_TRY(resolve(ctx, path, len, &r, err));
    if ((r.area == SVC_FS_VOLUMES && svc_fspath_depth(r.key) <= 3) || !*r.key)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "The directory %s is the root of a volume or of DBFS and cannot be "
                            "deleted.",
                            r.shown);
    BK_TRY(stat_dir(ctx, &r, err));
    if (!store_tree_dir_is_empty(ctx->arena, r.root, r.key)) {
        bk_error_set(err, BK_INVALID_ARGUMENT,
                     "The directory %s is not empty: delete its contents first.", r.shown);
        bk_error_detail(err, "FILES_API_DIRECTORY_IS_NOT_EMPTY");
        return BK_INVALID_ARGUMENT;
    }
    bk_status s = store_tree_remove(ctx->arena, r.root, r.key, false, err);
    if (s == BK_NOT_FOUND)
        return not_found(&r, "directory", "FILES_API_DIRECTORY_IS_NOT_FOUND", err);
    if (s == BK_IO && strstr(err->msg, "not empty")) {
        bk_error_clear(err);
        bk_error_set(err, BK_INVALID_ARGUMENT,
                     "The directory %s is not empty: delete its contents first.", r.shown);
        bk_error_detail(err, "FILES_API_DIRECTORY_IS_NOT_EMPTY");
        return BK_INVALID_ARGUMENT;
    }
    return s;
}
