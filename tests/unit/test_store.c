/*
 * test_store.c — the local-filesystem store: map, read, atomic write with commit
 * and abort, put-if-absent, directories, listing, and the error messages.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/mem.h"
#include "store/store.h"
#include "test.h"

/* dir/name in a static buffer (one at a time). */
static const char *join(const char *dir, const char *name) {
    static char path[2][1024];
    static int which;
    which ^= 1;
    snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
    return path[which];
}

BK_TEST(store_write_map_read) {
    const char *dir = bk_test_tmpdir();
    ASSERT_TRUE(dir != NULL);
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    char path[1024];
    snprintf(path, sizeof path, "%s/data.bin", dir);
    ASSERT_OK(store_write_file(path, "hello world", 11, 0, err), err);

    store_map map;
    ASSERT_OK(store_file_map(path, &map, err), err);
    ASSERT_EQ(map.size, 11);
    ASSERT_TRUE(memcmp(map.data, "hello world", 11) == 0);
    /* the mapping survives deletion of the file */
    ASSERT_EQ(unlink(path), 0);
    ASSERT_TRUE(memcmp(map.data, "hello world", 11) == 0);
    store_file_unmap(&map);
    store_file_unmap(&map); /* twice is harmless */
    ASSERT_TRUE(map.data == NULL && map.size == 0);

    ASSERT_OK(store_write_file(path, "text", 4, 0, err), err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len;
    ASSERT_OK(store_read_file(a, path, &data, &len, err), err);
    ASSERT_EQ(len, 4);
    ASSERT_STR_EQ((const char *)data, "text"); /* NUL-terminated */
    bk_arena_free(a);
}

BK_TEST(store_empty_file) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    const char *path = join(dir, "empty");
    ASSERT_OK(store_write_file(path, "", 0, 0, err), err);
    store_map map;
    ASSERT_OK(store_file_map(path, &map, err), err);
    ASSERT_EQ(map.size, 0);
    ASSERT_TRUE(map.data != NULL);
    store_file_unmap(&map);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len = 99;
    ASSERT_OK(store_read_file(a, path, &data, &len, err), err);
    ASSERT_EQ(len, 0);
    ASSERT_EQ(data[0], 0);
    bk_arena_free(a);
}

BK_TEST(store_errors_name_path_and_reason) {
    const char *dir = bk_test_tmpdir();
    bk_error err;
    bk_error_clear(&err);
    const char *missing = join(dir, "nope.parquet");
    store_map map;
    ASSERT_FAILS(store_file_map(missing, &map, &err), BK_IO);
    char expected[1200];
    snprintf(expected, sizeof expected, "could not open file \"%s\": No such file or directory",
             missing);
    ASSERT_STR_EQ(err.msg, expected);

    bk_error_clear(&err);
    ASSERT_FAILS(store_file_map(dir, &map, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "not a regular file");

    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len;
    bk_error_clear(&err);
    ASSERT_FAILS(store_read_file(a, missing, &data, &len, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "No such file or directory");
    bk_arena_free(a);

    /* err may be NULL */
    ASSERT_FAILS(store_file_map(missing, &map, NULL), BK_IO);

    store_writer *w;
    bk_error_clear(&err);
    ASSERT_FAILS(store_writer_open(join(dir, "no/such/dir/f"), 0, &w, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "could not create file");
    ASSERT_CONTAINS(err.msg, "no/such/dir/f\": No such file or directory");
}

BK_TEST(store_read_file_respects_arena_limit) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    const char *path = join(dir, "big");
    static char block[100000];
    memset(block, 'x', sizeof block);
    ASSERT_OK(store_write_file(path, block, sizeof block, STORE_NO_SYNC, err), err);
    bk_arena *a = bk_arena_new(NULL, "query", 50000);
    uint8_t *data;
    size_t len;
    ASSERT_FAILS(store_read_file(a, path, &data, &len, err), BK_OUT_OF_MEMORY);
    ASSERT_STR_EQ(err->msg, "out of memory: query would exceed its limit of 50000 bytes");
    bk_arena_free(a);
}

/* Names in dir that contain ".tmp-" (leftover temporary files). */
static int count_temp_files(bk_arena *a, const char *dir) {
    char **names;
    size_t n;
    if (store_list_dir(a, dir, &names, &n, NULL) != BK_OK) return -1;
    int temps = 0;
    for (size_t i = 0; i < n; i++) temps += strstr(names[i], ".tmp-") != NULL;
    return temps;
}

BK_TEST(store_writer_commit_is_atomic) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char path[1024];
    snprintf(path, sizeof path, "%s/table.json", dir);
    ASSERT_OK(store_write_file(path, "old", 3, 0, err), err);

    store_writer *w;
    ASSERT_OK(store_writer_open(path, 0, &w, err), err);
    ASSERT_EQ(store_writer_size(w), 0);
    ASSERT_OK(store_writer_write(w, "new ", 4, err), err);
    /* a write larger than the buffer goes straight to the file */
    static char big[200000];
    memset(big, 'z', sizeof big);
    ASSERT_OK(store_writer_write(w, big, sizeof big, err), err);
    ASSERT_OK(store_writer_write(w, "end", 3, err), err);
    ASSERT_OK(store_writer_write(w, "", 0, err), err);
    ASSERT_EQ(store_writer_size(w), 4 + sizeof big + 3);
    /* before commit: the target still holds the old bytes, a temp file exists */
    uint8_t *data;
    size_t len;
    ASSERT_OK(store_read_file(a, path, &data, &len, err), err);
    ASSERT_EQ(len, 3);
    ASSERT_EQ(count_temp_files(a, dir), 1);
    ASSERT_OK(store_writer_commit(w, err), err);
    ASSERT_EQ(count_temp_files(a, dir), 0);
    ASSERT_OK(store_read_file(a, path, &data, &len, err), err);
    ASSERT_EQ(len, 4 + sizeof big + 3);
    ASSERT_TRUE(memcmp(data, "new z", 5) == 0);
    ASSERT_TRUE(memcmp(data + len - 4, "zend", 4) == 0);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0644);
    bk_arena_free(a);
}

BK_TEST(store_writer_abort_leaves_nothing) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char *path = join(dir, "part-0.parquet");
    store_writer *w;
    ASSERT_OK(store_writer_open(path, 0, &w, err), err);
    ASSERT_OK(store_writer_write(w, "PAR1", 4, err), err);
    store_writer_abort(w);
    store_writer_abort(NULL);
    ASSERT_TRUE(!store_exists(path));
    ASSERT_EQ(count_temp_files(a, dir), 0);
    bk_arena_free(a);
}

BK_TEST(store_no_replace_is_put_if_absent) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char path[1024];
    snprintf(path, sizeof path, "%s/00000000000000000000.json", dir);
    ASSERT_OK(store_write_file(path, "first", 5, STORE_NO_REPLACE, err), err);
    ASSERT_FAILS(store_write_file(path, "second", 6, STORE_NO_REPLACE, err), BK_ALREADY_EXISTS);
    char expected[1200];
    snprintf(expected, sizeof expected, "file \"%s\" already exists", path);
    ASSERT_STR_EQ(err->msg, expected);
    uint8_t *data;
    size_t len;
    bk_error_clear(err);
    ASSERT_OK(store_read_file(a, path, &data, &len, err), err);
    ASSERT_STR_EQ((const char *)data, "first");
    ASSERT_EQ(count_temp_files(a, dir), 0);
    /* without the flag, the same write replaces */
    ASSERT_OK(store_write_file(path, "second", 6, 0, err), err);
    ASSERT_OK(store_read_file(a, path, &data, &len, err), err);
    ASSERT_STR_EQ((const char *)data, "second");
    bk_arena_free(a);
}

BK_TEST(store_private_files) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    const char *path = join(dir, "secret.key");
    ASSERT_OK(store_write_file(path, "k", 1, STORE_PRIVATE, err), err);
    struct stat st;
    ASSERT_EQ(stat(path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
}

BK_TEST(store_writer_open_out_of_memory) {
    const char *dir = bk_test_tmpdir();
    bk_error err;
    bk_error_clear(&err);
    store_writer *w;
    bk_mem_fail_after(0);
    bk_status st = store_writer_open(join(dir, "f"), 0, &w, &err);
    bk_mem_fail_reset();
    ASSERT_EQ(st, BK_OUT_OF_MEMORY);
    ASSERT_TRUE(!store_exists(join(dir, "f")));
}

BK_TEST(store_directories) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    char deep[1024];
    snprintf(deep, sizeof deep, "%s/warehouse//main/default/t1/", dir);
    ASSERT_OK(store_mkdirs(deep, err), err);
    ASSERT_OK(store_mkdirs(deep, err), err); /* again: fine */
    store_stat_info info;
    ASSERT_OK(store_stat(deep, &info, err), err);
    ASSERT_TRUE(info.is_dir);
    ASSERT_EQ(info.size, 0);

    char file[1024];
    snprintf(file, sizeof file, "%s/warehouse/main/default/t1/b.parquet", dir);
    ASSERT_OK(store_write_file(file, "12345", 5, 0, err), err);
    ASSERT_OK(store_stat(file, &info, err), err);
    ASSERT_TRUE(!info.is_dir);
    ASSERT_EQ(info.size, 5);
    ASSERT_TRUE(info.mtime_ms > INT64_C(1600000000000));
    snprintf(file, sizeof file, "%s/warehouse/main/default/t1/a.parquet", dir);
    ASSERT_OK(store_write_file(file, "1", 1, 0, err), err);
    snprintf(file, sizeof file, "%s/warehouse/main/default/t1/_delta_log", dir);
    ASSERT_OK(store_mkdirs(file, err), err);

    /* a file in the way of mkdirs */
    snprintf(file, sizeof file, "%s/warehouse/main/default/t1/a.parquet/x", dir);
    ASSERT_FAILS(store_mkdirs(file, err), BK_IO);
    ASSERT_CONTAINS(err->msg, "could not create directory");
    bk_error_clear(err);

    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char **names;
    size_t n;
    ASSERT_OK(store_list_dir(a, deep, &names, &n, err), err);
    ASSERT_EQ(n, 3);
    ASSERT_STR_EQ(names[0], "_delta_log");
    ASSERT_STR_EQ(names[1], "a.parquet");
    ASSERT_STR_EQ(names[2], "b.parquet");
    ASSERT_FAILS(store_list_dir(a, join(dir, "missing"), &names, &n, err), BK_IO);
    ASSERT_CONTAINS(err->msg, "could not open directory");
    bk_error_clear(err);

    /* many entries: the list grows */
    const char *many = join(dir, "many");
    ASSERT_OK(store_mkdirs(many, err), err);
    char manyd[1024];
    snprintf(manyd, sizeof manyd, "%s", many);
    for (int i = 0; i < 40; i++) {
        char f[1100];
        snprintf(f, sizeof f, "%s/f%02d", manyd, 39 - i);
        ASSERT_OK(store_write_file(f, "", 0, STORE_NO_SYNC, err), err);
    }
    ASSERT_OK(store_list_dir(a, manyd, &names, &n, err), err);
    ASSERT_EQ(n, 40);
    ASSERT_STR_EQ(names[0], "f00");
    ASSERT_STR_EQ(names[39], "f39");
    bk_arena_free(a);
}

BK_TEST(store_remove_and_remove_tree) {
    const char *dir = bk_test_tmpdir();
    bk_error err_s, *err = &err_s;
    bk_error_clear(err);
    char root[1024], sub[1100], file[1200];
    snprintf(root, sizeof root, "%s/t", dir);
    snprintf(sub, sizeof sub, "%s/_delta_log", root);
    ASSERT_OK(store_mkdirs(sub, err), err);
    snprintf(file, sizeof file, "%s/0.json", sub);
    ASSERT_OK(store_write_file(file, "{}", 2, 0, err), err);

    ASSERT_FAILS(store_remove(root, err), BK_IO); /* not empty */
    bk_error_clear(err);
    ASSERT_OK(store_remove(file, err), err);
    ASSERT_FAILS(store_remove(file, err), BK_NOT_FOUND);
    bk_error_clear(err);
    ASSERT_OK(store_write_file(file, "{}", 2, 0, err), err);

    /* a symlink inside the tree is removed, not followed */
    char outside[1024], link_path[1200];
    snprintf(outside, sizeof outside, "%s/keep.txt", dir);
    ASSERT_OK(store_write_file(outside, "keep", 4, 0, err), err);
    snprintf(link_path, sizeof link_path, "%s/link", root);
    ASSERT_EQ(symlink(outside, link_path), 0);

    ASSERT_OK(store_remove_tree(root, err), err);
    ASSERT_TRUE(!store_exists(root));
    ASSERT_TRUE(store_exists(outside));
    ASSERT_FAILS(store_remove_tree(root, err), BK_NOT_FOUND);
    bk_error_clear(err);
    ASSERT_OK(store_remove_tree(outside, err), err); /* a plain file works too */
    store_stat_info info;
    ASSERT_FAILS(store_stat(outside, &info, err), BK_NOT_FOUND);
    ASSERT_CONTAINS(err->msg, "does not exist");
}
