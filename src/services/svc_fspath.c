/*
 * svc_fspath.c — DBFS and Files API path normalization (svc_fspath.h).
 */
#include "base/str.h"
#include "services/svc_fspath.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

#include "store/tree.h"

bk_status svc_fspath_normalize(bk_arena *a, const char *p, size_t len, const char *what,
                               char **key, bk_error *err) {
    if (len == 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "The %s must not be empty.", what);
    if (p[0] != '/')
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "The %s \"%.*s\" is not absolute: it must start with '/'.", what,
                            (int)(len > 200 ? 200 : len), p);
    if (len > STORE_TREE_MAX_KEY)
        return bk_error_set(err, BK_INVALID_ARGUMENT, "The %s is %zu bytes long: at most %d.",
                            what, len, STORE_TREE_MAX_KEY);
    char *out = bk_arena_alloc(a, len + 1);
    if (!out) return bk_arena_oom(a, err);
    size_t o = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && p[i] == '/') i++;
        size_t start = i;
        while (i < len && p[i] != '/') {
            unsigned char c = (unsigned char)p[i];
            if (c < 0x20 || c == 0x7f)
                return bk_error_set(err, BK_INVALID_ARGUMENT,
                                    "The %s contains a %s byte (0x%02x), which is not allowed.",
                                    what, c == 0 ? "NUL" : "control", c);
            i++;
        }
        size_t n = i - start;
        if (n == 0 || (n == 1 && p[start] == '.')) continue;
        if (bk_path_is_dot_segment(p + start, n))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "The %s \"%.*s\" contains a \"..\" segment (or an encoded "
                                "dot segment), which is not allowed.",
                                what, (int)(len > 200 ? 200 : len), p);
        if (n > STORE_TREE_MAX_SEGMENT)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "The %s has a name of %zu bytes: at most %d.", what, n,
                                STORE_TREE_MAX_SEGMENT);
        if (o > 0) out[o++] = '/';
        memcpy(out + o, p + start, n);
        o += n;
    }
    out[o] = '\0';
    BK_TRY(store_tree_check_key(out, err));
    *key = out;
    return BK_OK;
}

bk_status svc_fspath_dbfs(bk_arena *a, const char *p, size_t len, char **key, bk_error *err) {
    if (len >= 5 && memcmp(p, "dbfs:", 5) == 0) {
        p += 5;
        len -= 5;
    }
    return svc_fspath_normalize(a, p, len, "path", key, err);
}

int svc_fspath_depth(const char *key) {
    if (!*key) return 0;
    int n = 1;
    for (const char *c = key; *c; c++)
        if (*c == '/') n++;
    return n;
}

bk_status svc_fspath_files(bk_arena *a, const char *p, size_t len, svc_fs_area *area, char **key,
                           bk_error *err) {
    char *norm;
    BK_TRY(svc_fspath_normalize(a, p, len, "path", &norm, err));
    if (strncmp(norm, "Volumes/", 8) == 0 || strcmp(norm, "Volumes") == 0) {
        char *rest = norm[7] ? norm + 8 : norm + 7;
        if (svc_fspath_depth(rest) < 3)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "The path \"%.*s\" does not name a volume: use /Volumes/<catalog>/"
                                "<schema>/<volume>/<path>.",
                                (int)(len > 200 ? 200 : len), p);
        *area = SVC_FS_VOLUMES;
        *key = rest;
        return BK_OK;
    }
    if (strncmp(norm, "dbfs/", 5) == 0 || strcmp(norm, "dbfs") == 0) {
        *area = SVC_FS_DBFS;
        *key = norm[4] ? norm + 5 : norm + 4;
        return BK_OK;
    }
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "The path \"%.*s\" is not supported: Files API paths start with "
                        "/Volumes/<catalog>/<schema>/<volume>/ (or /dbfs/).",
                        (int)(len > 200 ? 200 : len), p);
}

char *svc_spool_dir(bk_arena *a, const svc_env *env, bk_error *err) {
    char *dir = bk_arena_printf(a, "%s/tmp", env->data_dir);
    if (!dir) {
        bk_arena_oom(a, err);
        return NULL;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        bk_error_set(err, BK_IO, "could not create directory \"%s\": %s", dir, strerror(errno));
        return NULL;
    }
    return dir;
}

int svc_spool_cleanup(const svc_env *env) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tmp", env->data_dir);
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "upload-", 7) != 0 && strncmp(e->d_name, "put-", 4) != 0) continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) == 0) removed++;
    }
    closedir(d);
    return removed;
}
