/*
 * test_objstore.c — object stores (store/objstore.h) on the local filesystem:
 * opening roots and URLs, key checking, get / get_range / head / map, put and
 * put_if_absent (with a multi-process race), delete, list (prefix, start_after,
 * recursive, temporary files), the streaming writer, symbolic links and the
 * error messages.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/mem.h"
#include "store/objstore.h"
#include "test.h"

/* dir/name in a static buffer (two at a time). */
static const char *join(const char *dir, const char *name) {
    static char path[2][1024];
    static int which;
    which ^= 1;
    int n = snprintf(path[which], sizeof path[which], "%s/%s", dir, name);
    return n > 0 && (size_t)n < sizeof path[which] ? path[which] : "/nonexistent/too-long";
}

/* Write a file directly, bypassing the store (crash leftovers, outside files). */
static int write_raw(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The keys of a listing joined with ',' (static buffer). */
static const char *keys_of(const store_obj_entry *e, size_t n) {
    static char out[2048];
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + used, sizeof out - used, "%s%s", i ? "," : "", e[i].key);
        if (k < 0 || (size_t)k >= sizeof out - used) break;
        used += (size_t)k;
    }
    return out;
}

/* The keys of store_obj_list(prefix, start_after, flags), or "ERROR: msg". */
static const char *list_keys(store_obj *o, const char *prefix, const char *start_after,
                             unsigned flags) {
    static char out[2048];
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    store_obj_entry *e = NULL;
    size_t n = 0;
    if (store_obj_list(a, o, prefix, start_after, flags, &e, &n, &err) != BK_OK)
        snprintf(out, sizeof out, "ERROR: %s", err.msg);
    else
        snprintf(out, sizeof out, "%s", keys_of(e, n));
    bk_arena_free(a);
    return out;
}

/* Number of names in a directory containing ".tmp-" (leftover temporary files). */
static int count_temp_files(const char *dir) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    char **names;
    size_t n = 0;
    int temps = 0;
    if (store_list_dir(a, dir, &names, &n, NULL) == BK_OK) {
        for (size_t i = 0; i < n; i++) temps += strstr(names[i], ".tmp-") != NULL;
    }
    bk_arena_free(a);
    return temps;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- opening ---------------------------------------------------------------------------- */

BK_TEST(objstore_open_roots_and_urls) {
    const char *dir = bk_test_tmpdir();
    ASSERT_TRUE(dir != NULL);
    bk_error err;
    bk_error_clear(&err);
    store_obj *o;
    char url[1200];

    /* a path (with trailing slashes) and the file: URL spellings all reach one directory */
    char with_slash[1100];
    snprintf(with_slash, sizeof with_slash, "%s//", dir);
    ASSERT_OK(store_obj_open(with_slash, &o, &err), &err);
    ASSERT_STR_EQ(store_obj_location(o), with_slash);
    ASSERT_STR_EQ(store_obj_scheme(o), "file");
    ASSERT_OK(store_obj_put(o, "k", "v", 1, &err), &err);
    store_obj_close(o);
    const char *forms[] = {"file://%s", "file:%s", "file://localhost%s", "FILE://%s"};
    for (size_t i = 0; i < BK_ARRAY_LEN(forms); i++) {
        snprintf(url, sizeof url, forms[i], dir);
        ASSERT_OK(store_obj_open(url, &o, &err), &err);
        store_obj_info info;
        ASSERT_OK(store_obj_head(o, "k", &info, &err), &err);
        ASSERT_EQ(info.size, 1);
        ASSERT_STR_EQ(store_obj_location(o), url);
        store_obj_close(o);
    }
    /* percent escapes are decoded */
    ASSERT_TRUE(mkdir(join(dir, "my table"), 0755) == 0);
    ASSERT_EQ(write_raw(join(dir, "my table/f"), "xyz"), 0);
    snprintf(url, sizeof url, "file://%s/my%%20table", dir);
    ASSERT_OK(store_obj_open(url, &o, &err), &err);
    store_obj_info info;
    ASSERT_OK(store_obj_head(o, "f", &info, &err), &err);
    ASSERT_EQ(info.size, 3);
    store_obj_close(o);
    store_obj_close(NULL);

    /* other schemes are named in the error */
    ASSERT_FAILS(store_obj_open("s3://bucket/table", &o, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "\"s3\" scheme is not supported");
    ASSERT_CONTAINS(err.msg, "s3://bucket/table");
    bk_error_clear(&err);
    ASSERT_FAILS(store_obj_open("dbfs:/FileStore/x", &o, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "\"dbfs\"");
    bk_error_clear(&err);
    ASSERT_FAILS(store_obj_open("abfss://c@acct.dfs.core.windows.net/t", &o, &err), BK_UNSUPPORTED);
    bk_error_clear(&err);
    ASSERT_FAILS(store_obj_open("file://otherhost/tmp/x", &o, &err), BK_UNSUPPORTED);
    ASSERT_CONTAINS(err.msg, "otherhost");
    bk_error_clear(&err);

    /* malformed roots */
    ASSERT_FAILS(store_obj_open("", &o, &err), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(store_obj_open(NULL, &o, NULL), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(store_obj_open("file:relative/x", &o, NULL), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(store_obj_open("file:///tmp/bad%2", &o, NULL), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(store_obj_open("file:///tmp/bad%zz", &o, NULL), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(store_obj_open("file:///tmp/nul%00", &o, NULL), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(store_obj_open("file:///tmp/x?q=1", &o, NULL), BK_INVALID_ARGUMENT);
    bk_error_clear(&err);
    ASSERT_FAILS(store_obj_open(join(dir, "my table/f"), &o, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "is not a directory");

    /* "x:y" without a slash after the colon is a relative path, not a URL */
    ASSERT_OK(store_obj_open("no-such-dir:here", &o, &err), &err);
    ASSERT_STR_EQ(store_obj_scheme(o), "file");
    store_obj_close(o);
}

BK_TEST(objstore_open_out_of_memory) {
    store_obj *o;
    for (int64_t k = 0; k < 3; k++) {
        bk_mem_fail_after(k);
        bk_status st = store_obj_open("/tmp/whatever", &o, NULL);
        bk_mem_fail_reset();
        ASSERT_EQ(st, BK_OUT_OF_MEMORY);
    }
    bk_mem_fail_after(0);
    bk_status st = store_obj_open("file:///tmp/whatever", &o, NULL);
    bk_mem_fail_reset();
    ASSERT_EQ(st, BK_OUT_OF_MEMORY);
}

/* ---- keys ------------------------------------------------------------------------------- */

BK_TEST(objstore_key_validation) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);

    char long_key[1100], long_seg[300];
    memset(long_key, 'k', sizeof long_key - 1);
    long_key[sizeof long_key - 1] = '\0';
    memset(long_seg, 's', sizeof long_seg - 1);
    long_seg[sizeof long_seg - 1] = '\0';
    const struct {
        const char *key;
        const char *why;
    } bad[] = {
        {"", "it is empty"},
        {"/etc/passwd", "must be relative"},
        {"/", "must be relative"},
        {"a//b", "empty path segment"},
        {"a/", "empty path segment"},
        {".", "\".\" segments"},
        {"..", "\"..\" segments"},
        {"../escape", "\"..\" segments"},
        {"a/../../escape", "\"..\" segments"},
        {"a/./b", "\".\" segments"},
        {"a/..", "\"..\" segments"},
        {"a\\b", "backslash"},
        {"..\\..\\x", "backslash"},
        {"x.json.tmp-Ab12Cd", "reserved for temporary files"},
        {"d/x.tmp-000000", "reserved for temporary files"},
        {long_key, "longer than 1024 bytes"},
        {long_seg, "longer than 255 bytes"},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        bk_error_clear(&err);
        ASSERT_FAILS(store_obj_check_key(bad[i].key, &err), BK_INVALID_ARGUMENT);
        ASSERT_CONTAINS(err.msg, bad[i].why);
        if (bad[i].key[0] && bad[i].key != long_key) ASSERT_CONTAINS(err.msg, bad[i].key);
        /* every operation refuses it before touching the disk */
        uint8_t *data;
        size_t len;
        store_obj_info info;
        store_map map;
        store_obj_writer *w;
        const char *path;
        ASSERT_FAILS(store_obj_put(o, bad[i].key, "x", 1, NULL), BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_put_if_absent(o, bad[i].key, "x", 1, NULL), BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_get(a, o, bad[i].key, &data, &len, NULL), BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_get_range(a, o, bad[i].key, 0, 1, &data, &len, NULL),
                     BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_head(o, bad[i].key, &info, NULL), BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_map(o, bad[i].key, &map, NULL), BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_delete(o, bad[i].key, NULL), BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_writer_open(o, bad[i].key, 0, &w, NULL), BK_INVALID_ARGUMENT);
        ASSERT_FAILS(store_obj_local_path(a, o, bad[i].key, &path, NULL), BK_INVALID_ARGUMENT);
    }
    ASSERT_FAILS(store_obj_check_key(NULL, &err), BK_INVALID_ARGUMENT);
    /* nothing was written anywhere */
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE), "");

    const char *good[] = {"ab",
                          "a/b.json",
                          ".hidden",
                          "a..b",
                          "...",
                          "x.tmp-abc",
                          "x.tmp-abcdefg",
                          "x.tmp-ab_cde",
                          "sp ace/%20",
                          "part=1/f.parquet",
                          "_delta_log/00000000000000000000.json"};
    for (size_t i = 0; i < BK_ARRAY_LEN(good); i++) {
        bk_error_clear(&err);
        ASSERT_OK(store_obj_check_key(good[i], &err), &err);
        ASSERT_OK(store_obj_put(o, good[i], "x", 1, &err), &err);
    }
    bk_arena_free(a);
    store_obj_close(o);
}

/* ---- reading and writing ---------------------------------------------------------------- */

BK_TEST(objstore_put_get_head) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    /* the root does not exist yet: reads find nothing, the first write creates it */
    const char *root = join(dir, "new/table");
    ASSERT_OK(store_obj_open(root, &o, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len;
    ASSERT_FAILS(store_obj_get(a, o, "x.json", &data, &len, &err), BK_NOT_FOUND);
    ASSERT_CONTAINS(err.msg, "object \"x.json\" does not exist in \"");
    ASSERT_CONTAINS(err.msg, "new/table");
    ASSERT_STR_EQ(list_keys(o, "", NULL, 0), "");
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE), "");
    ASSERT_STR_EQ(list_keys(o, "sub/", NULL, 0), "");

    bk_error_clear(&err);
    int64_t before = now_ms();
    ASSERT_OK(store_obj_put(o, "a/b/c/x.json", "{\"v\":1}", 7, &err), &err);
    ASSERT_OK(store_obj_get(a, o, "a/b/c/x.json", &data, &len, &err), &err);
    ASSERT_EQ(len, 7);
    ASSERT_STR_EQ((const char *)data, "{\"v\":1}"); /* NUL-terminated */
    store_obj_info info;
    ASSERT_OK(store_obj_head(o, "a/b/c/x.json", &info, &err), &err);
    ASSERT_EQ(info.size, 7);
    ASSERT_TRUE(info.mtime_ms >= before - 2000 && info.mtime_ms <= now_ms() + 2000);

    /* put replaces */
    ASSERT_OK(store_obj_put(o, "a/b/c/x.json", "second", 6, &err), &err);
    ASSERT_OK(store_obj_get(a, o, "a/b/c/x.json", &data, &len, &err), &err);
    ASSERT_EQ(len, 6);
    ASSERT_STR_EQ((const char *)data, "second");
    ASSERT_EQ(count_temp_files(join(root, "a/b/c")), 0);

    /* an empty object */
    ASSERT_OK(store_obj_put(o, "empty", "", 0, &err), &err);
    ASSERT_OK(store_obj_get(a, o, "empty", &data, &len, &err), &err);
    ASSERT_EQ(len, 0);
    ASSERT_EQ(data[0], 0);
    ASSERT_OK(store_obj_head(o, "empty", &info, &err), &err);
    ASSERT_EQ(info.size, 0);

    /* directories are not objects */
    ASSERT_FAILS(store_obj_head(o, "a/b", &info, &err), BK_NOT_FOUND);
    ASSERT_CONTAINS(err.msg, "it is a directory");
    ASSERT_FAILS(store_obj_get(a, o, "a/b", &data, &len, NULL), BK_NOT_FOUND);
    /* a missing parent, or a file where a directory would be */
    ASSERT_FAILS(store_obj_head(o, "nope/x", &info, NULL), BK_NOT_FOUND);
    ASSERT_FAILS(store_obj_head(o, "empty/x", &info, NULL), BK_NOT_FOUND);
    bk_error_clear(&err);
    ASSERT_FAILS(store_obj_put(o, "empty/x", "1", 1, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "could not create directory");
    ASSERT_CONTAINS(err.msg, "empty");
    /* putting over a directory fails with the system's reason */
    bk_error_clear(&err);
    ASSERT_FAILS(store_obj_put(o, "a/b", "1", 1, &err), BK_IO);
    ASSERT_CONTAINS(err.msg, "a/b");
    ASSERT_CONTAINS(err.msg, "directory");

    bk_arena_free(a);
    store_obj_close(o);
}

BK_TEST(objstore_get_arena_limit) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    char big[8192];
    memset(big, 'b', sizeof big);
    ASSERT_OK(store_obj_put(o, "big", big, sizeof big, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "small", 4096);
    uint8_t *data;
    size_t len;
    ASSERT_FAILS(store_obj_get(a, o, "big", &data, &len, &err), BK_OUT_OF_MEMORY);
    bk_arena_free(a);
    store_obj_close(o);
}

BK_TEST(objstore_get_range) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    ASSERT_OK(store_obj_put(o, "r/obj", "0123456789", 10, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len;
    ASSERT_OK(store_obj_get_range(a, o, "r/obj", 2, 3, &data, &len, &err), &err);
    ASSERT_EQ(len, 3);
    ASSERT_STR_EQ((const char *)data, "234");
    /* a range running past the end is cut short */
    ASSERT_OK(store_obj_get_range(a, o, "r/obj", 7, 100, &data, &len, &err), &err);
    ASSERT_EQ(len, 3);
    ASSERT_STR_EQ((const char *)data, "789");
    /* the whole object, and everything from an offset */
    ASSERT_OK(store_obj_get_range(a, o, "r/obj", 0, 10, &data, &len, &err), &err);
    ASSERT_STR_EQ((const char *)data, "0123456789");
    ASSERT_OK(store_obj_get_range(a, o, "r/obj", 4, SIZE_MAX, &data, &len, &err), &err);
    ASSERT_STR_EQ((const char *)data, "456789");
    /* offset == size: nothing, no error; length 0: nothing */
    ASSERT_OK(store_obj_get_range(a, o, "r/obj", 10, 5, &data, &len, &err), &err);
    ASSERT_EQ(len, 0);
    ASSERT_EQ(data[0], 0);
    ASSERT_OK(store_obj_get_range(a, o, "r/obj", 3, 0, &data, &len, &err), &err);
    ASSERT_EQ(len, 0);
    /* offset past the end is an error naming the key, offset and size */
    ASSERT_FAILS(store_obj_get_range(a, o, "r/obj", 11, 1, &data, &len, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "\"r/obj\"");
    ASSERT_CONTAINS(err.msg, "offset 11 is past its end (size 10)");
    ASSERT_FAILS(store_obj_get_range(a, o, "r/none", 0, 1, &data, &len, NULL), BK_NOT_FOUND);
    /* an empty object: offset 0 is its end */
    ASSERT_OK(store_obj_put(o, "r/empty", "", 0, &err), &err);
    ASSERT_OK(store_obj_get_range(a, o, "r/empty", 0, 10, &data, &len, &err), &err);
    ASSERT_EQ(len, 0);
    ASSERT_FAILS(store_obj_get_range(a, o, "r/empty", 1, 1, &data, &len, NULL),
                 BK_INVALID_ARGUMENT);
    bk_arena_free(a);
    store_obj_close(o);
}

BK_TEST(objstore_map) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    ASSERT_OK(store_obj_put(o, "p/f.parquet", "PAR1....PAR1", 12, &err), &err);
    store_map map;
    ASSERT_OK(store_obj_map(o, "p/f.parquet", &map, &err), &err);
    ASSERT_EQ(map.size, 12);
    ASSERT_TRUE(memcmp(map.data, "PAR1....PAR1", 12) == 0);
    /* the bytes outlive a delete */
    ASSERT_OK(store_obj_delete(o, "p/f.parquet", &err), &err);
    ASSERT_TRUE(memcmp(map.data, "PAR1....PAR1", 12) == 0);
    store_obj_unmap(o, &map);
    store_obj_unmap(o, &map); /* twice is harmless */
    ASSERT_TRUE(map.data == NULL && map.size == 0);

    ASSERT_OK(store_obj_put(o, "p/empty", "", 0, &err), &err);
    ASSERT_OK(store_obj_map(o, "p/empty", &map, &err), &err);
    ASSERT_EQ(map.size, 0);
    ASSERT_TRUE(map.data != NULL);
    store_obj_unmap(o, &map);

    ASSERT_FAILS(store_obj_map(o, "p/f.parquet", &map, &err), BK_NOT_FOUND);
    ASSERT_CONTAINS(err.msg, "p/f.parquet");
    ASSERT_FAILS(store_obj_map(o, "p", &map, NULL), BK_NOT_FOUND);
    store_obj_close(o);
}

BK_TEST(objstore_put_if_absent) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    const char *key = "_delta_log/00000000000000000000.json";
    ASSERT_OK(store_obj_put_if_absent(o, key, "first", 5, &err), &err);
    ASSERT_FAILS(store_obj_put_if_absent(o, key, "second", 6, &err), BK_ALREADY_EXISTS);
    ASSERT_CONTAINS(err.msg, "object \"_delta_log/00000000000000000000.json\" already exists");
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len;
    ASSERT_OK(store_obj_get(a, o, key, &data, &len, &err), &err);
    ASSERT_STR_EQ((const char *)data, "first");
    ASSERT_EQ(count_temp_files(join(dir, "_delta_log")), 0);
    /* a directory at the key counts as existing */
    ASSERT_FAILS(store_obj_put_if_absent(o, "_delta_log", "x", 1, NULL), BK_ALREADY_EXISTS);
    /* after a delete the key is free again */
    ASSERT_OK(store_obj_delete(o, key, &err), &err);
    ASSERT_OK(store_obj_put_if_absent(o, key, "third", 5, &err), &err);
    ASSERT_OK(store_obj_get(a, o, key, &data, &len, &err), &err);
    ASSERT_STR_EQ((const char *)data, "third");
    bk_arena_free(a);
    store_obj_close(o);
}

#define RACERS 8
#define RACE_KEYS 50

/*
 * RACERS processes, released at once, each try put_if_absent on race/k00 ..
 * race/k49 in order, writing their own number; each exits with its number of
 * wins.  Every key must end up written exactly once, by the process whose wins
 * count it.
 */
BK_TEST(objstore_put_if_absent_race) {
    const char *dir = bk_test_tmpdir();
    bk_error err;
    bk_error_clear(&err);
    int go[2];
    ASSERT_EQ(pipe(go), 0);
    pid_t pids[RACERS];
    for (int p = 0; p < RACERS; p++) {
        pids[p] = fork();
        ASSERT_TRUE(pids[p] >= 0);
        if (pids[p] == 0) {
            close(go[1]);
            char c;
            if (read(go[0], &c, 1) != 0) _exit(201); /* EOF: everyone starts */
            store_obj *o;
            if (store_obj_open(dir, &o, NULL) != BK_OK) _exit(202);
            int wins = 0;
            for (int k = 0; k < RACE_KEYS; k++) {
                char key[32], body[32];
                snprintf(key, sizeof key, "race/k%02d", k);
                int n = snprintf(body, sizeof body, "racer %d", p);
                bk_status st = store_obj_put_if_absent(o, key, body, (size_t)n, NULL);
                if (st == BK_OK)
                    wins++;
                else if (st != BK_ALREADY_EXISTS)
                    _exit(203);
            }
            store_obj_close(o);
            _exit(wins); /* _exit: no atexit cleanup of the test directory */
        }
    }
    close(go[0]);
    close(go[1]);
    int wins[RACERS], total = 0;
    for (int p = 0; p < RACERS; p++) {
        int status;
        ASSERT_EQ(waitpid(pids[p], &status, 0), pids[p]);
        ASSERT_TRUE(WIFEXITED(status));
        wins[p] = WEXITSTATUS(status);
        ASSERT_TRUE(wins[p] <= RACE_KEYS);
        total += wins[p];
    }
    ASSERT_EQ(total, RACE_KEYS);

    store_obj *o;
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    int counted[RACERS] = {0};
    for (int k = 0; k < RACE_KEYS; k++) {
        char key[32];
        snprintf(key, sizeof key, "race/k%02d", k);
        uint8_t *data;
        size_t len;
        ASSERT_OK(store_obj_get(a, o, key, &data, &len, &err), &err);
        ASSERT_EQ(len, 7);
        ASSERT_TRUE(memcmp(data, "racer ", 6) == 0);
        int p = data[6] - '0';
        ASSERT_TRUE(p >= 0 && p < RACERS);
        counted[p]++;
    }
    for (int p = 0; p < RACERS; p++) ASSERT_EQ(counted[p], wins[p]);
    store_obj_entry *e;
    size_t n;
    ASSERT_OK(store_obj_list(a, o, "race/", NULL, 0, &e, &n, &err), &err);
    ASSERT_EQ(n, RACE_KEYS);
    ASSERT_EQ(count_temp_files(join(dir, "race")), 0); /* losers left nothing behind */
    bk_arena_free(a);
    store_obj_close(o);
}

BK_TEST(objstore_delete) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    ASSERT_OK(store_obj_put(o, "d/e/f", "1", 1, &err), &err);
    ASSERT_OK(store_obj_delete(o, "d/e/f", &err), &err);
    ASSERT_FAILS(store_obj_delete(o, "d/e/f", &err), BK_NOT_FOUND);
    ASSERT_CONTAINS(err.msg, "object \"d/e/f\" does not exist");
    ASSERT_FAILS(store_obj_delete(o, "d/e", NULL), BK_NOT_FOUND); /* a directory */
    ASSERT_FAILS(store_obj_delete(o, "x/y", NULL), BK_NOT_FOUND);
    /* the empty directories stay, and are not listed */
    struct stat sb;
    ASSERT_EQ(stat(join(dir, "d/e"), &sb), 0);
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE), "");
    store_obj_close(o);
}

/* ---- listing ---------------------------------------------------------------------------- */

BK_TEST(objstore_list) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    const char *keys[] = {"a/y/z",
                          "b/c",
                          "a.c",
                          "a-b",
                          "a/x",
                          "_delta_log/00000000000000000000.json",
                          "_delta_log/00000000000000000001.json",
                          "_delta_log/00000000000000000001.checkpoint.parquet",
                          "_delta_log/00000000000000000010.json",
                          "_delta_log/_last_checkpoint"};
    for (size_t i = 0; i < BK_ARRAY_LEN(keys); i++)
        ASSERT_OK(store_obj_put(o, keys[i], keys[i], strlen(keys[i]), &err), &err);

    /* one level: files only, sorted */
    ASSERT_STR_EQ(list_keys(o, "", NULL, 0), "a-b,a.c");
    ASSERT_STR_EQ(list_keys(o, NULL, NULL, 0), "a-b,a.c");
    /* recursive: full keys in bytewise order ('-' < '.' < '/' < '_' < 'a') */
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE),
                  "_delta_log/00000000000000000000.json,"
                  "_delta_log/00000000000000000001.checkpoint.parquet,"
                  "_delta_log/00000000000000000001.json,"
                  "_delta_log/00000000000000000010.json,"
                  "_delta_log/_last_checkpoint,"
                  "a-b,a.c,a/x,a/y/z,b/c");
    ASSERT_STR_EQ(list_keys(o, "_delta_log/", NULL, 0),
                  "_delta_log/00000000000000000000.json,"
                  "_delta_log/00000000000000000001.checkpoint.parquet,"
                  "_delta_log/00000000000000000001.json,"
                  "_delta_log/00000000000000000010.json,"
                  "_delta_log/_last_checkpoint");
    /* a prefix that ends inside a name */
    ASSERT_STR_EQ(list_keys(o, "_delta_log/0000000000000000000", NULL, 0),
                  "_delta_log/00000000000000000000.json,"
                  "_delta_log/00000000000000000001.checkpoint.parquet,"
                  "_delta_log/00000000000000000001.json");
    ASSERT_STR_EQ(list_keys(o, "a", NULL, 0), "a-b,a.c");
    ASSERT_STR_EQ(list_keys(o, "a", NULL, STORE_OBJ_RECURSIVE), "a-b,a.c,a/x,a/y/z");
    ASSERT_STR_EQ(list_keys(o, "a/", NULL, 0), "a/x");
    ASSERT_STR_EQ(list_keys(o, "a/", NULL, STORE_OBJ_RECURSIVE), "a/x,a/y/z");
    ASSERT_STR_EQ(list_keys(o, "a/y", NULL, STORE_OBJ_RECURSIVE), "a/y/z");
    ASSERT_STR_EQ(list_keys(o, "zzz", NULL, STORE_OBJ_RECURSIVE), "");

    /* start_after: strictly greater */
    ASSERT_STR_EQ(list_keys(o, "_delta_log/", "_delta_log/00000000000000000001.json", 0),
                  "_delta_log/00000000000000000010.json,_delta_log/_last_checkpoint");
    ASSERT_STR_EQ(list_keys(o, "_delta_log/", "_delta_log/00000000000000000000", 0),
                  "_delta_log/00000000000000000000.json,"
                  "_delta_log/00000000000000000001.checkpoint.parquet,"
                  "_delta_log/00000000000000000001.json,"
                  "_delta_log/00000000000000000010.json,"
                  "_delta_log/_last_checkpoint");
    ASSERT_STR_EQ(list_keys(o, "", "a/x", STORE_OBJ_RECURSIVE), "a/y/z,b/c");
    ASSERT_STR_EQ(list_keys(o, "", "a/", STORE_OBJ_RECURSIVE), "a/x,a/y/z,b/c");
    ASSERT_STR_EQ(list_keys(o, "", "a0", STORE_OBJ_RECURSIVE), "b/c"); /* skips a/ whole */
    ASSERT_STR_EQ(list_keys(o, "", "a", STORE_OBJ_RECURSIVE), "a-b,a.c,a/x,a/y/z,b/c");
    ASSERT_STR_EQ(list_keys(o, "", "", STORE_OBJ_RECURSIVE),
                  "_delta_log/00000000000000000000.json,"
                  "_delta_log/00000000000000000001.checkpoint.parquet,"
                  "_delta_log/00000000000000000001.json,"
                  "_delta_log/00000000000000000010.json,"
                  "_delta_log/_last_checkpoint,"
                  "a-b,a.c,a/x,a/y/z,b/c");
    ASSERT_STR_EQ(list_keys(o, "", "zzz", STORE_OBJ_RECURSIVE), "");

    /* missing directories and files in the way give empty listings */
    ASSERT_STR_EQ(list_keys(o, "nope/", NULL, 0), "");
    ASSERT_STR_EQ(list_keys(o, "nope/deeper/x", NULL, STORE_OBJ_RECURSIVE), "");
    ASSERT_STR_EQ(list_keys(o, "a-b/", NULL, 0), "");

    /* bad prefixes */
    ASSERT_STR_EQ(list_keys(o, "/etc/", NULL, 0),
                  "ERROR: invalid list prefix \"/etc/\": it must be relative (no leading \"/\")");
    ASSERT_STR_EQ(list_keys(o, "../", NULL, 0),
                  "ERROR: invalid list prefix \"../\": \"..\" segments are not allowed");
    ASSERT_STR_EQ(list_keys(o, "a//", NULL, 0),
                  "ERROR: invalid list prefix \"a//\": empty path segment");
    ASSERT_STR_EQ(list_keys(o, "a\\b", NULL, 0),
                  "ERROR: invalid list prefix \"a\\b\": backslashes are not allowed");
    /* "." or ".." as the start of a name is just a name filter */
    ASSERT_STR_EQ(list_keys(o, "a/.", NULL, 0), "");

    /* sizes and times */
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    store_obj_entry *e;
    size_t n;
    ASSERT_OK(store_obj_list(a, o, "b/", NULL, 0, &e, &n, &err), &err);
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(e[0].key, "b/c");
    ASSERT_EQ(e[0].size, 3);
    ASSERT_TRUE(e[0].mtime_ms > now_ms() - 60000 && e[0].mtime_ms <= now_ms() + 2000);
    /* the arena's limit applies */
    bk_arena *tiny = bk_arena_new(NULL, "tiny", 64);
    ASSERT_FAILS(store_obj_list(tiny, o, "", NULL, STORE_OBJ_RECURSIVE, &e, &n, NULL),
                 BK_OUT_OF_MEMORY);
    bk_arena_free(tiny);
    bk_arena_free(a);
    store_obj_close(o);
}

BK_TEST(objstore_list_many) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    /* written in reverse, listed in order, past the entry array's first growth */
    ASSERT_EQ(mkdir(join(dir, "_delta_log"), 0755), 0);
    for (int i = 199; i >= 0; i--) {
        char key[64];
        snprintf(key, sizeof key, "_delta_log/%020d.json", i);
        ASSERT_EQ(write_raw(join(dir, key), "{}"), 0);
    }
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    store_obj_entry *e;
    size_t n;
    ASSERT_OK(store_obj_list(a, o, "_delta_log/", "_delta_log/00000000000000000049.json", 0, &e, &n,
                             &err),
              &err);
    ASSERT_EQ(n, 150);
    for (size_t i = 0; i < n; i++) {
        char key[64];
        snprintf(key, sizeof key, "_delta_log/%020d.json", (int)i + 50);
        ASSERT_STR_EQ(e[i].key, key);
        ASSERT_EQ(e[i].size, 2);
    }
    bk_arena_free(a);
    store_obj_close(o);
}

BK_TEST(objstore_list_skips_temporary_files) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    ASSERT_OK(store_obj_put(o, "t/x.json", "{}", 2, &err), &err);
    /* a temporary file left by a crashed writer */
    ASSERT_EQ(write_raw(join(dir, "t/y.json.tmp-Ab12Cd"), "partial"), 0);
    ASSERT_EQ(write_raw(join(dir, "top.tmp-zzzzzz"), "partial"), 0);
    ASSERT_STR_EQ(list_keys(o, "t/", NULL, 0), "t/x.json");
    ASSERT_STR_EQ(list_keys(o, "t/y", NULL, 0), "");
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE), "t/x.json");
    /* the same for a writer still in progress */
    store_obj_writer *w;
    ASSERT_OK(store_obj_writer_open(o, "t/z.parquet", 0, &w, &err), &err);
    ASSERT_OK(store_obj_writer_write(w, "PAR1", 4, &err), &err);
    ASSERT_EQ(count_temp_files(join(dir, "t")), 2);
    ASSERT_STR_EQ(list_keys(o, "t/", NULL, 0), "t/x.json");
    store_obj_writer_abort(w);
    ASSERT_EQ(count_temp_files(join(dir, "t")), 1); /* only the crash leftover */
    store_obj_close(o);
}

/* ---- the streaming writer --------------------------------------------------------------- */

BK_TEST(objstore_writer) {
    const char *dir = bk_test_tmpdir();
    store_obj *o;
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    store_obj_writer *w;
    ASSERT_OK(store_obj_writer_open(o, "part=1/f.parquet", 0, &w, &err), &err);
    static uint8_t chunk[100000];
    for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (uint8_t)(i * 7);
    for (int i = 0; i < 3; i++)
        ASSERT_OK(store_obj_writer_write(w, chunk, sizeof chunk, &err), &err);
    ASSERT_OK(store_obj_writer_write(w, "tail", 4, &err), &err);
    ASSERT_EQ(store_obj_writer_size(w), 3 * sizeof chunk + 4);
    /* nothing visible before commit */
    store_obj_info info;
    ASSERT_FAILS(store_obj_head(o, "part=1/f.parquet", &info, NULL), BK_NOT_FOUND);
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE), "");
    ASSERT_OK(store_obj_writer_commit(w, &err), &err);
    ASSERT_OK(store_obj_head(o, "part=1/f.parquet", &info, &err), &err);
    ASSERT_EQ(info.size, 3 * sizeof chunk + 4);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len;
    ASSERT_OK(store_obj_get_range(a, o, "part=1/f.parquet", sizeof chunk, sizeof chunk, &data, &len,
                                  &err),
              &err);
    ASSERT_EQ(len, sizeof chunk);
    ASSERT_TRUE(memcmp(data, chunk, sizeof chunk) == 0);
    ASSERT_OK(
        store_obj_get_range(a, o, "part=1/f.parquet", 3 * sizeof chunk, 100, &data, &len, &err),
        &err);
    ASSERT_STR_EQ((const char *)data, "tail");

    /* no-replace: the commit fails naming the key, and leaves nothing behind */
    ASSERT_OK(store_obj_writer_open(o, "part=1/f.parquet", STORE_NO_REPLACE, &w, &err), &err);
    ASSERT_OK(store_obj_writer_write(w, "other", 5, &err), &err);
    ASSERT_FAILS(store_obj_writer_commit(w, &err), BK_ALREADY_EXISTS);
    ASSERT_CONTAINS(err.msg, "object \"part=1/f.parquet\" already exists");
    ASSERT_EQ(count_temp_files(join(dir, "part=1")), 0);
    ASSERT_OK(store_obj_head(o, "part=1/f.parquet", &info, &err), &err);
    ASSERT_EQ(info.size, 3 * sizeof chunk + 4);

    /* abort leaves nothing; NULL is a no-op */
    ASSERT_OK(store_obj_writer_open(o, "g/h", STORE_NO_SYNC | STORE_PRIVATE, &w, &err), &err);
    ASSERT_OK(store_obj_writer_write(w, "x", 1, &err), &err);
    store_obj_writer_abort(w);
    store_obj_writer_abort(NULL);
    ASSERT_FAILS(store_obj_head(o, "g/h", &info, NULL), BK_NOT_FOUND);
    ASSERT_EQ(count_temp_files(join(dir, "g")), 0);

    /* a private object */
    ASSERT_OK(store_obj_writer_open(o, "g/secret", STORE_PRIVATE, &w, &err), &err);
    ASSERT_OK(store_obj_writer_commit(w, &err), &err);
    struct stat sb;
    ASSERT_EQ(stat(join(dir, "g/secret"), &sb), 0);
    ASSERT_EQ(sb.st_mode & 0777, 0600);
    bk_arena_free(a);
    store_obj_close(o);
}

/* ---- symbolic links and local paths ----------------------------------------------------- */

BK_TEST(objstore_symlinks_are_not_followed) {
    const char *dir = bk_test_tmpdir();
    bk_error err;
    bk_error_clear(&err);
    char root[1024], outside[1024];
    snprintf(root, sizeof root, "%s/root", dir);
    snprintf(outside, sizeof outside, "%s/outside", dir);
    ASSERT_EQ(mkdir(root, 0755), 0);
    ASSERT_EQ(mkdir(outside, 0755), 0);
    ASSERT_EQ(write_raw(join(outside, "secret"), "s3cr3t"), 0);
    ASSERT_EQ(symlink(outside, join(root, "evil")), 0);
    ASSERT_EQ(symlink(join(outside, "secret"), join(root, "link")), 0);

    store_obj *o;
    ASSERT_OK(store_obj_open(root, &o, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    uint8_t *data;
    size_t len;
    store_obj_info info;
    store_map map;
    store_obj_writer *w;
    const char *path;
    /* writes through a linked directory are refused, and nothing appears outside */
    ASSERT_FAILS(store_obj_put(o, "evil/x", "1", 1, &err), BK_PERMISSION_DENIED);
    ASSERT_CONTAINS(err.msg, "\"evil\" in store");
    ASSERT_CONTAINS(err.msg, "is a symbolic link");
    ASSERT_FAILS(store_obj_put_if_absent(o, "evil/y", "1", 1, NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_put(o, "evil/sub/z", "1", 1, NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_writer_open(o, "evil/w", 0, &w, NULL), BK_PERMISSION_DENIED);
    struct stat sb;
    ASSERT_TRUE(stat(join(outside, "x"), &sb) != 0);
    ASSERT_TRUE(stat(join(outside, "sub"), &sb) != 0);
    /* reads and deletes through a link, or of a link, are refused too */
    ASSERT_FAILS(store_obj_get(a, o, "evil/secret", &data, &len, NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_get(a, o, "link", &data, &len, &err), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_head(o, "link", &info, NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_map(o, "evil/secret", &map, NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_delete(o, "evil/secret", NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_delete(o, "link", NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_local_path(a, o, "evil/secret", &path, NULL), BK_PERMISSION_DENIED);
    ASSERT_FAILS(store_obj_local_path(a, o, "link", &path, NULL), BK_PERMISSION_DENIED);
    ASSERT_EQ(stat(join(outside, "secret"), &sb), 0);
    /* listings skip links and do not descend into linked directories */
    ASSERT_OK(store_obj_put(o, "real", "r", 1, &err), &err);
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE), "real");
    ASSERT_CONTAINS(list_keys(o, "evil/", NULL, 0), "ERROR: \"evil\" in store \"");
    ASSERT_CONTAINS(list_keys(o, "evil/", NULL, 0), "is a symbolic link");
    store_obj_close(o);

    /* the root itself may be a link */
    char linked_root[1024];
    snprintf(linked_root, sizeof linked_root, "%s/rootlink", dir);
    ASSERT_EQ(symlink(root, linked_root), 0);
    ASSERT_OK(store_obj_open(linked_root, &o, &err), &err);
    ASSERT_OK(store_obj_put(o, "via/link", "ok", 2, &err), &err);
    ASSERT_OK(store_obj_get(a, o, "via/link", &data, &len, &err), &err);
    ASSERT_STR_EQ((const char *)data, "ok");
    ASSERT_STR_EQ(list_keys(o, "", NULL, STORE_OBJ_RECURSIVE), "real,via/link");
    bk_arena_free(a);
    store_obj_close(o);
    /* the runner's cleanup follows links into directories; leave none behind */
    ASSERT_EQ(unlink(linked_root), 0);
    ASSERT_EQ(unlink(join(root, "evil")), 0);
    ASSERT_EQ(unlink(join(root, "link")), 0);
}

BK_TEST(objstore_local_path) {
    const char *dir = bk_test_tmpdir();
    bk_error err;
    bk_error_clear(&err);
    store_obj *o;
    ASSERT_OK(store_obj_open(dir, &o, &err), &err);
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    const char *path;
    ASSERT_OK(store_obj_local_path(a, o, "part=1/f.parquet", &path, &err), &err);
    ASSERT_STR_EQ(path, join(dir, "part=1/f.parquet")); /* need not exist */
    ASSERT_OK(store_obj_put(o, "x/y", "1", 1, &err), &err);
    ASSERT_OK(store_obj_local_path(a, o, "x/y", &path, &err), &err);
    struct stat sb;
    ASSERT_EQ(stat(path, &sb), 0);
    ASSERT_EQ(sb.st_size, 1);
    ASSERT_FAILS(store_obj_local_path(a, o, "../x", &path, &err), BK_INVALID_ARGUMENT);
    store_obj_close(o);

    /* the filesystem root as the store root: keys are absolute paths without the '/' */
    ASSERT_OK(store_obj_open("file:///", &o, &err), &err);
    ASSERT_OK(store_obj_local_path(a, o, "tmp/x", &path, &err), &err);
    ASSERT_STR_EQ(path, "/tmp/x");
    store_obj_info info;
    ASSERT_OK(store_obj_head(o, join(dir + 1, "x/y"), &info, &err), &err);
    ASSERT_EQ(info.size, 1);
    bk_arena_free(a);
    store_obj_close(o);
}
