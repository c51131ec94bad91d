/*
 * runner.c — runs the registered unit tests and prints "N passed, N failed".
 *
 *     unit_tests [SUBSTRING]     run the tests whose name contains SUBSTRING
 *
 * Exit status 0 when every selected test passed, 1 otherwise.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#define MAX_TESTS 4096

static struct {
    const char *name;
    const char *file;
    bk_test_fn fn;
} tests[MAX_TESTS];
static int n_tests;
static int current_failed;
static char tmp_root[256];
static char tmp_dir[512];
static int tmp_seq;

void bk_test_register(const char *name, const char *file, bk_test_fn fn) {
    if (n_tests >= MAX_TESTS) {
        fprintf(stderr, "too many tests\n");
        exit(2);
    }
    tests[n_tests].name = name;
    tests[n_tests].file = file;
    tests[n_tests].fn = fn;
    n_tests++;
}

void bk_test_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "    %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    current_failed = 1;
}

const char *bk_test_data_dir(void) {
    static char path[512];
    const char *env = getenv("BRICKS_TESTDATA");
    snprintf(path, sizeof path, "%s", env ? env : "../shared/testdata");
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? path : NULL;
}

const char *bk_test_tmpdir(void) {
    if (!tmp_root[0]) {
        snprintf(tmp_root, sizeof tmp_root, "/tmp/bricks-unit-XXXXXX");
        if (!mkdtemp(tmp_root)) return NULL;
    }
    snprintf(tmp_dir, sizeof tmp_dir, "%s/t%d", tmp_root, ++tmp_seq);
    return mkdir(tmp_dir, 0700) == 0 ? tmp_dir : NULL;
}

/* Remove a tree; symbolic links are unlinked, never followed. */
static void remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return;
    DIR *d = S_ISDIR(st.st_mode) ? opendir(path) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char child[1024];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

int main(int argc, char **argv) {
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    for (int i = 0; i < n_tests; i++) {
        if (filter && !strstr(tests[i].name, filter)) continue;
        current_failed = 0;
        tests[i].fn();
        if (current_failed) {
            fprintf(stderr, "FAIL %s (%s)\n", tests[i].name, tests[i].file);
            failed++;
        } else {
            passed++;
        }
    }
    if (tmp_root[0]) remove_tree(tmp_root);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
