/*
 * test_svc_dbfs.c — unit tests for DBFS and Files API paths and storage: path
 * normalization (svc_fspath), tree keys and the no-symlink rule (store/tree),
 * and the DBFS service (put/read/list/move/delete, streaming handles: owner
 * check, expiry, publish on close), without HTTP.
 */
#include "services/svc_dbfs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/svc_files.h"
#include "services/svc_fspath.h"
#include "services/svc_tokens.h"
#include "store/tree.h"
#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

/* normalize `p` (its strlen) and compare with `want` (NULL: must fail with INVALID_ARGUMENT) */
static bool norm_is(bk_arena *a, const char *p, const char *want) {
    char *key = NULL;
    bk_error err;
    bk_error_clear(&err);
    bk_status st = svc_fspath_dbfs(a, p, strlen(p), &key, &err);
    if (!want) return st == BK_INVALID_ARGUMENT;
    return st == BK_OK && strcmp(key, want) == 0;
}

BK_TEST(fspath_dbfs_normalizes) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    ASSERT_TRUE(norm_is(a, "/", ""));
    ASSERT_TRUE(norm_is(a, "dbfs:/", ""));
    ASSERT_TRUE(norm_is(a, "/a/b", "a/b"));
    ASSERT_TRUE(norm_is(a, "dbfs:/a/b", "a/b"));
    ASSERT_TRUE(norm_is(a, "//a///b/./c/", "a/b/c"));
    ASSERT_TRUE(norm_is(a, "/./.", ""));
    ASSERT_TRUE(norm_is(a, "/a/.hidden/..x/x..", "a/.hidden/..x/x.."));
    ASSERT_TRUE(norm_is(a, "/%2e%2e/x", NULL)); /* an encoded dot segment is refused */
    ASSERT_TRUE(norm_is(a, "/a/.%2E/x", NULL));
    ASSERT_TRUE(norm_is(a, "/a/%2e%2ex/x", "a/%2e%2ex/x")); /* a name, not a dot segment */
    ASSERT_TRUE(norm_is(a, "/FileStore/tables/t.csv", "FileStore/tables/t.csv"));
    ASSERT_TRUE(norm_is(a, "", NULL));
    ASSERT_TRUE(norm_is(a, "relative", NULL));
    ASSERT_TRUE(norm_is(a, "dbfs:relative", NULL));
    ASSERT_TRUE(norm_is(a, "/..", NULL));
    ASSERT_TRUE(norm_is(a, "/a/../b", NULL));
    ASSERT_TRUE(norm_is(a, "/a/..", NULL));
    ASSERT_TRUE(norm_is(a, "dbfs:/../../etc/passwd", NULL));
    ASSERT_TRUE(norm_is(a, "/a\tb", NULL));
    ASSERT_TRUE(norm_is(a, "/x.tmp-abc123", NULL)); /* a writer's temporary name */
    ASSERT_TRUE(norm_is(a, "/x.tmp-abc12", "x.tmp-abc12"));
    /* a NUL inside the given length is refused, not cut */
    char *key = NULL;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_EQ(svc_fspath_dbfs(a, "/a\0/../../x", 11, &key, &err), BK_INVALID_ARGUMENT);
    ASSERT_TRUE(strstr(err.msg, "NUL") != NULL);
    /* length limits */
    char longname[300];
    memset(longname, 'n', sizeof longname);
    longname[0] = '/';
    longname[257] = '\0';
    ASSERT_TRUE(norm_is(a, longname, NULL)); /* a 256-byte name */
    longname[256] = '\0';
    ASSERT_TRUE(norm_is(a, longname, longname + 1)); /* 255 bytes: fine */
    static char huge[STORE_TREE_MAX_KEY + 10];
    for (size_t i = 0; i < sizeof huge - 1; i++) huge[i] = i % 10 == 0 ? '/' : 'x';
    huge[sizeof huge - 1] = '\0';
    ASSERT_TRUE(norm_is(a, huge, NULL));
    bk_arena_free(a);
}

BK_TEST(fspath_files_areas) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    svc_fs_area area = 0;
    char *key = NULL;
    bk_error err;
    bk_error_clear(&err);
    const char *p = "/Volumes/main/default/vol/dir/f.txt";
    ASSERT_OK(svc_fspath_files(a, p, strlen(p), &area, &key, &err), errp(&err));
    ASSERT_EQ(area, SVC_FS_VOLUMES);
    ASSERT_STR_EQ(key, "main/default/vol/dir/f.txt");
    p = "/Volumes/c/s/v";
    ASSERT_OK(svc_fspath_files(a, p, strlen(p), &area, &key, &err), errp(&err));
    ASSERT_STR_EQ(key, "c/s/v");
    ASSERT_EQ(svc_fspath_depth(key), 3);
    p = "/dbfs/x/y";
    ASSERT_OK(svc_fspath_files(a, p, strlen(p), &area, &key, &err), errp(&err));
    ASSERT_EQ(area, SVC_FS_DBFS);
    ASSERT_STR_EQ(key, "x/y");
    p = "/dbfs";
    ASSERT_OK(svc_fspath_files(a, p, strlen(p), &area, &key, &err), errp(&err));
    ASSERT_STR_EQ(key, "");
    const char *bad[] = {"/Volumes/c/s", "/Volumes", "/etc/passwd", "/Volumes/c/s/v/../../x",
                         "/Volumes/c/s/v/..", "/dbfsx/y", "Volumes/c/s/v/f", "/Workspace/x"};
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        bk_error_clear(&err);
        ASSERT_EQ(svc_fspath_files(a, bad[i], strlen(bad[i]), &area, &key, &err),
                  BK_INVALID_ARGUMENT);
    }
    ASSERT_EQ(svc_fspath_depth(""), 0);
    ASSERT_EQ(svc_fspath_depth("a"), 1);
    bk_arena_free(a);
}

BK_TEST(tree_keys_and_symlinks) {
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_tree_check_key("", &err), errp(&err));
    ASSERT_OK(store_tree_check_key("a/b.c", &err), errp(&err));
    const char *bad[] = {"/a", "a/", "a//b", "..", "a/../b", ".", "a/./b", "x/y.tmp-AbC123"};
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        bk_error_clear(&err);
        ASSERT_EQ(store_tree_check_key(bad[i], &err), BK_INVALID_ARGUMENT);
    }
    ASSERT_TRUE(store_tree_is_temp_name("f.tmp-123456"));
    ASSERT_TRUE(!store_tree_is_temp_name("f.tmp-12345_"));

    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char root[600], outside[600], link[700];
    snprintf(root, sizeof root, "%s/root", bk_test_tmpdir());
    snprintf(outside, sizeof outside, "%s/outside", bk_test_tmpdir());
    ASSERT_OK(store_mkdirs(root, &err), errp(&err));
    ASSERT_OK(store_mkdirs(outside, &err), errp(&err));
    snprintf(link, sizeof link, "%s/link", root);
    ASSERT_EQ(symlink(outside, link), 0);
    char *path = NULL;
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_path(a, root, "link/x", &path, &err), BK_PERMISSION_DENIED);
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_path(a, root, "link", &path, &err), BK_PERMISSION_DENIED);
    const char *conflict = NULL;
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_mkdirs(a, root, "link/sub", &conflict, &err), BK_PERMISSION_DENIED);
    /* the listing leaves the link out; nothing was created outside */
    store_tree_entry *entries;
    size_t n = 99;
    ASSERT_OK(store_tree_list(a, root, "", &entries, &n, &err), errp(&err));
    ASSERT_EQ(n, 0);
    char probe[700];
    snprintf(probe, sizeof probe, "%s/sub", outside);
    ASSERT_TRUE(!store_exists(probe));
    /* mkdirs through a file names the file */
    ASSERT_OK(store_tree_mkdirs(a, root, "d", NULL, &err), errp(&err));
    char file[700];
    snprintf(file, sizeof file, "%s/d/f", root);
    ASSERT_OK(store_write_file(file, "x", 1, 0, &err), errp(&err));
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_mkdirs(a, root, "d/f/g/h", &conflict, &err), BK_ALREADY_EXISTS);
    ASSERT_STR_EQ(conflict, "d/f");
    /* rename refuses a target inside the source and an existing target */
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_rename(a, root, "d", "d/inner", &err), BK_INVALID_ARGUMENT);
    ASSERT_OK(store_tree_mkdirs(a, root, "e", NULL, &err), errp(&err));
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_rename(a, root, "d", "e", &err), BK_ALREADY_EXISTS);
    /* adopt without replace keeps the existing file */
    char spool[700];
    snprintf(spool, sizeof spool, "%s/spool", bk_test_tmpdir());
    ASSERT_OK(store_write_file(spool, "new", 3, 0, &err), errp(&err));
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_adopt(a, spool, root, "d/f", true, &err), BK_ALREADY_EXISTS);
    store_stat_info st;
    ASSERT_OK(store_tree_stat(a, root, "d/f", &st, &err), errp(&err));
    ASSERT_EQ(st.size, 1);
    ASSERT_OK(store_tree_adopt(a, spool, root, "d/f", false, &err), errp(&err));
    ASSERT_OK(store_tree_stat(a, root, "d/f", &st, &err), errp(&err));
    ASSERT_EQ(st.size, 3);
    ASSERT_TRUE(!store_exists(spool));
    /* the root cannot go, but recursive removal empties it */
    bk_error_clear(&err);
    ASSERT_EQ(store_tree_remove(a, root, "", false, &err), BK_INVALID_ARGUMENT);
    ASSERT_OK(store_tree_remove(a, root, "", true, &err), errp(&err));
    ASSERT_TRUE(store_tree_dir_is_empty(a, root, ""));
    ASSERT_TRUE(store_exists(outside)); /* the link was removed, not its target */
    bk_arena_free(a);
}

typedef struct fixture {
    svc_env *env;
    bk_arena *arena;
    svc_ctx ctx;
    svc_principal admin;
    char token[SVC_TOKEN_TEXT_MAX];
    bk_error err;
} fixture;

static bool setup(fixture *f) {
    memset(f, 0, sizeof *f);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/data", bk_test_tmpdir());
    if (svc_env_open(dir, &f->env, f->token, &f->err) != BK_OK) return false;
    f->arena = bk_arena_new(NULL, "test", 0);
    if (svc_ctx_begin(&f->ctx, f->env, f->arena, NULL, &f->err) != BK_OK) return false;
    if (svc_token_authenticate(&f->ctx, f->token, strlen(f->token), &f->admin, &f->err) != BK_OK)
        return false;
    f->ctx.caller = &f->admin;
    return true;
}

static void teardown(fixture *f) {
    svc_ctx_end(&f->ctx);
    bk_arena_free(f->arena);
    svc_env_close(f->env);
}

#define P(s) (s), strlen(s)

BK_TEST(svc_dbfs_files_and_dirs) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    ASSERT_OK(svc_dbfs_put(&f.ctx, P("dbfs:/a/b/c.txt"), "hello", 5, false, &f.err),
              errp(&f.err));
    svc_dbfs_info info;
    ASSERT_OK(svc_dbfs_get_status(&f.ctx, P("/a/b/c.txt"), &info, &f.err), errp(&f.err));
    ASSERT_STR_EQ(info.path, "/a/b/c.txt");
    ASSERT_EQ(info.file_size, 5);
    ASSERT_TRUE(!info.is_dir);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_put(&f.ctx, P("/a/b/c.txt"), "x", 1, false, &f.err), BK_ALREADY_EXISTS);
    ASSERT_TRUE(strstr(f.err.msg, "A file or directory already exists") != NULL);
    static uint8_t big[SVC_DBFS_MAX_BLOCK + 1];
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_put(&f.ctx, P("/big"), big, sizeof big, true, &f.err),
              BK_MAX_BLOCK_SIZE_EXCEEDED);
    uint8_t *data;
    size_t n;
    ASSERT_OK(svc_dbfs_read(&f.ctx, P("/a/b/c.txt"), 1, 100, &data, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 4);
    ASSERT_TRUE(memcmp(data, "ello", 4) == 0);
    ASSERT_OK(svc_dbfs_read(&f.ctx, P("/a/b/c.txt"), 99, 10, &data, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 0);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_read(&f.ctx, P("/a"), 0, 10, &data, &n, &f.err), BK_INVALID_ARGUMENT);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_read(&f.ctx, P("/a/b/c.txt"), 0, SVC_DBFS_MAX_READ + 1, &data, &n, &f.err),
              BK_MAX_READ_SIZE_EXCEEDED);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_read(&f.ctx, P("/nope"), 0, 1, &data, &n, &f.err), BK_NOT_FOUND);
    ASSERT_STR_EQ(f.err.msg, "No file or directory exists on path /nope.");

    ASSERT_OK(svc_dbfs_mkdirs(&f.ctx, P("/a/z"), &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_mkdirs(&f.ctx, P("/a/b/c.txt/d"), &f.err), BK_ALREADY_EXISTS);
    svc_dbfs_info *files;
    ASSERT_OK(svc_dbfs_list(&f.ctx, P("/a"), &files, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(files[0].path, "/a/b");
    ASSERT_STR_EQ(files[1].path, "/a/z");

    ASSERT_OK(svc_dbfs_move(&f.ctx, P("/a/b"), P("/moved/b"), &f.err), errp(&f.err));
    ASSERT_OK(svc_dbfs_get_status(&f.ctx, P("/moved/b/c.txt"), &info, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_move(&f.ctx, P("/a/b"), P("/x"), &f.err), BK_NOT_FOUND);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_move(&f.ctx, P("/a/z"), P("/moved/b/c.txt"), &f.err), BK_ALREADY_EXISTS);

    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_delete(&f.ctx, P("/moved"), false, &f.err), BK_DBFS_DIR_NOT_EMPTY);
    ASSERT_OK(svc_dbfs_delete(&f.ctx, P("/moved"), true, &f.err), errp(&f.err));
    ASSERT_OK(svc_dbfs_delete(&f.ctx, P("/moved"), true, &f.err), errp(&f.err)); /* idempotent */
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_get_status(&f.ctx, P("/moved"), &info, &f.err), BK_NOT_FOUND);
    teardown(&f);
}

BK_TEST(svc_dbfs_handles) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    int64_t h;
    ASSERT_OK(svc_dbfs_create(&f.ctx, P("/s/file"), false, &h, &f.err), errp(&f.err));
    ASSERT_TRUE(h > 0 && h < ((int64_t)1 << 53));
    ASSERT_OK(svc_dbfs_add_block(&f.ctx, h, "abc", 3, &f.err), errp(&f.err));
    ASSERT_OK(svc_dbfs_add_block(&f.ctx, h, "de", 2, &f.err), errp(&f.err));
    svc_dbfs_info info;
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_get_status(&f.ctx, P("/s/file"), &info, &f.err), BK_NOT_FOUND);
    /* another user's view: the handle does not exist */
    svc_principal other = f.admin;
    other.user_id = f.admin.user_id + 1;
    f.ctx.caller = &other;
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_add_block(&f.ctx, h, "x", 1, &f.err), BK_NOT_FOUND);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_close(&f.ctx, h, &f.err), BK_NOT_FOUND);
    f.ctx.caller = &f.admin;
    ASSERT_OK(svc_dbfs_close(&f.ctx, h, &f.err), errp(&f.err));
    uint8_t *data;
    size_t n;
    ASSERT_OK(svc_dbfs_read(&f.ctx, P("/s/file"), 0, 100, &data, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 5);
    ASSERT_TRUE(memcmp(data, "abcde", 5) == 0);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_add_block(&f.ctx, h, "x", 1, &f.err), BK_NOT_FOUND);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_create(&f.ctx, P("/s/file"), false, &h, &f.err), BK_ALREADY_EXISTS);

    /* an idle handle expires: its add-block fails and the next create sweeps it */
    int64_t old;
    ASSERT_OK(svc_dbfs_create(&f.ctx, P("/s/stale"), false, &old, &f.err), errp(&f.err));
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE dbfs_handles SET last_used_ms = last_used_ms - %d",
             SVC_DBFS_HANDLE_IDLE_MS + 1000);
    ASSERT_OK(meta_exec(f.ctx.conn, sql, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_dbfs_add_block(&f.ctx, old, "x", 1, &f.err), BK_NOT_FOUND);
    ASSERT_TRUE(strstr(f.err.msg, "expired") != NULL);
    char spool[800];
    snprintf(spool, sizeof spool, "%s/tmp/dbfs-handle-%lld", f.env->data_dir, (long long)old);
    ASSERT_TRUE(store_exists(spool));
    int64_t fresh;
    ASSERT_OK(svc_dbfs_create(&f.ctx, P("/s/fresh"), false, &fresh, &f.err), errp(&f.err));
    ASSERT_TRUE(!store_exists(spool));
    ASSERT_OK(svc_dbfs_close(&f.ctx, fresh, &f.err), errp(&f.err));
    ASSERT_OK(svc_dbfs_get_status(&f.ctx, P("/s/fresh"), &info, &f.err), errp(&f.err));
    ASSERT_EQ(info.file_size, 0);
    teardown(&f);
}

BK_TEST(svc_files_volumes) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char spool[700];
    snprintf(spool, sizeof spool, "%s/upload", bk_test_tmpdir());
    ASSERT_OK(store_write_file(spool, "volume bytes", 12, 0, &f.err), errp(&f.err));
    ASSERT_OK(svc_files_upload(&f.ctx, P("/Volumes/c/s/v/d/f.bin"), spool, false, &f.err),
              errp(&f.err));
    svc_files_meta m;
    ASSERT_OK(svc_files_head(&f.ctx, P("/Volumes/c/s/v/d/f.bin"), &m, &f.err), errp(&f.err));
    ASSERT_EQ(m.size, 12);
    char local[800];
    snprintf(local, sizeof local, "%s/volumes/c/s/v/d/f.bin", f.env->data_dir);
    ASSERT_TRUE(store_exists(local));
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_files_upload(&f.ctx, P("/Volumes/c/s/v"), spool, true, &f.err),
              BK_INVALID_ARGUMENT); /* a volume root is no file */
    for (int i = 0; i < 5; i++) {
        char p[100];
        snprintf(p, sizeof p, "/Volumes/c/s/v/d/n%d", i);
        ASSERT_OK(svc_files_mkdirs(&f.ctx, P(p), &f.err), errp(&f.err));
    }
    svc_files_entry *entries;
    size_t n;
    const char *next = NULL;
    ASSERT_OK(svc_files_list(&f.ctx, P("/Volumes/c/s/v/d"), NULL, 4, &entries, &n, &next, &f.err),
              errp(&f.err));
    ASSERT_EQ(n, 4);
    ASSERT_STR_EQ(entries[0].name, "f.bin");
    ASSERT_STR_EQ(entries[0].path, "/Volumes/c/s/v/d/f.bin");
    ASSERT_STR_EQ(entries[1].path, "/Volumes/c/s/v/d/n0/");
    ASSERT_TRUE(next != NULL);
    ASSERT_OK(svc_files_list(&f.ctx, P("/Volumes/c/s/v/d"), next, 4, &entries, &n, &next, &f.err),
              errp(&f.err));
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(entries[1].name, "n4");
    ASSERT_TRUE(next == NULL);
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_files_rmdir(&f.ctx, P("/Volumes/c/s/v/d"), &f.err), BK_INVALID_ARGUMENT);
    ASSERT_STR_EQ(f.err.detail, "FILES_API_DIRECTORY_IS_NOT_EMPTY");
    ASSERT_OK(svc_files_rmdir(&f.ctx, P("/Volumes/c/s/v/d/n0"), &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_files_dir_head(&f.ctx, P("/Volumes/c/s/v/d/n0"), &f.err), BK_FILES_NOT_FOUND);
    ASSERT_OK(svc_files_delete(&f.ctx, P("/Volumes/c/s/v/d/f.bin"), &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_EQ(svc_files_head(&f.ctx, P("/Volumes/c/s/v/d/f.bin"), &m, &f.err), BK_FILES_NOT_FOUND);
    teardown(&f);
}

BK_TEST(svc_spool_cleanup_keeps_handles) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    int64_t h;
    ASSERT_OK(svc_dbfs_create(&f.ctx, P("/kept"), false, &h, &f.err), errp(&f.err));
    char *dir = svc_spool_dir(f.arena, f.env, &f.err);
    ASSERT_TRUE(dir != NULL);
    const char *stale[] = {"upload-AbCdEf", "put-123456"};
    for (size_t i = 0; i < BK_ARRAY_LEN(stale); i++) {
        char p[800];
        snprintf(p, sizeof p, "%s/%s", dir, stale[i]);
        ASSERT_OK(store_write_file(p, "x", 1, 0, &f.err), errp(&f.err));
    }
    ASSERT_EQ(svc_spool_cleanup(f.env), 2);
    ASSERT_EQ(svc_spool_cleanup(f.env), 0);
    ASSERT_OK(svc_dbfs_add_block(&f.ctx, h, "still open", 10, &f.err), errp(&f.err));
    ASSERT_OK(svc_dbfs_close(&f.ctx, h, &f.err), errp(&f.err));
    svc_dbfs_info info;
    ASSERT_OK(svc_dbfs_get_status(&f.ctx, P("/kept"), &info, &f.err), errp(&f.err));
    ASSERT_EQ(info.file_size, 10);
    teardown(&f);
}
