/*
 * test.h — the C unit-test harness (libuv's TEST_IMPL / Redis testhelp.h idea).
 *
 *     BK_TEST(arena_grows) {
 *         bk_arena *a = bk_arena_new(NULL, "t", 0);
 *         ASSERT_TRUE(a != NULL);
 *         ASSERT_EQ(bk_arena_used(a), 0);
 *         bk_arena_free(a);
 *     }
 *
 * Tests register themselves before main() runs (a constructor function, supported
 * by gcc and clang; used only in tests).  A failed ASSERT prints file:line and the
 * values, marks the test failed and returns from it.  runner.c runs every test (or
 * those whose name contains argv[1]) and ends with "N passed, N failed".
 */
#ifndef BRICKS_TESTS_TEST_H
#define BRICKS_TESTS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

typedef void (*bk_test_fn)(void);
void bk_test_register(const char *name, const char *file, bk_test_fn fn);
void bk_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Directory of ../shared/testdata (from BRICKS_TESTDATA or the default), or NULL. */
const char *bk_test_data_dir(void);
/* A fresh empty temporary directory for this test (removed at exit). */
const char *bk_test_tmpdir(void);

/* The message of an optional bk_error (a function, so &local is no warning). */
static inline const char *bk_test_err_msg(const bk_error *err) { return err ? err->msg : ""; }

#define BK_TEST(name)                                                                              \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void register_##name(void) {                               \
        bk_test_register(#name, __FILE__, test_##name);                                            \
    }                                                                                              \
    static void test_##name(void)

#define ASSERT_TRUE(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            bk_test_fail(__FILE__, __LINE__, "expected true: %s", #cond);                          \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define ASSERT_EQ(a, b)                                                                            \
    do {                                                                                           \
        int64_t va_ = (int64_t)(a), vb_ = (int64_t)(b);                                            \
        if (va_ != vb_) {                                                                          \
            bk_test_fail(__FILE__, __LINE__, "%s == %s: %" PRId64 " != %" PRId64, #a, #b, va_,     \
                         vb_);                                                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define ASSERT_DBL_EQ(a, b)                                                                        \
    do {                                                                                           \
        double va_ = (double)(a), vb_ = (double)(b);                                               \
        if (!(va_ == vb_)) {                                                                       \
            bk_test_fail(__FILE__, __LINE__, "%s == %s: %.17g != %.17g", #a, #b, va_, vb_);        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                                                        \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                                               \
            bk_test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,                 \
                         sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                              \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* The string contains the substring. */
#define ASSERT_CONTAINS(hay, needle)                                                               \
    do {                                                                                           \
        const char *ha_ = (hay), *ne_ = (needle);                                                  \
        if (!ha_ || !strstr(ha_, ne_)) {                                                           \
            bk_test_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"",                    \
                         ha_ ? ha_ : "(null)", ne_);                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* A call returning bk_status succeeds; on failure prints the bk_error message. */
#define ASSERT_OK(expr, errp)                                                                      \
    do {                                                                                           \
        bk_status st_ = (expr);                                                                    \
        if (st_ != BK_OK) {                                                                        \
            bk_test_fail(__FILE__, __LINE__, "%s failed: %s: %s", #expr, bk_code_name(st_),        \
                         bk_test_err_msg(errp));                                   \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* A call fails with the given code. */
#define ASSERT_FAILS(expr, code)                                                                   \
    do {                                                                                           \
        bk_status st_ = (expr);                                                                    \
        if (st_ != (code)) {                                                                       \
            bk_test_fail(__FILE__, __LINE__, "%s: expected %s, got %s", #expr,                     \
                         bk_code_name(code), bk_code_name(st_));                                   \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#endif
