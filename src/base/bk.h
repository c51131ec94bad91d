/*
 * bk.h — the few definitions every Bricks source file needs.
 *
 * Integer types, the status type that every fallible function returns, and the
 * propagation / assertion macros.  Deliberately tiny: anything larger lives in
 * its own module header so that editing it does not rebuild the world.
 */
#ifndef BRICKS_BASE_BK_H
#define BRICKS_BASE_BK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0 is success; any other value is a bk_code from errcodes.def. */
typedef int bk_status;
#define BK_OK 0

/* Propagate a failure to the caller; the callee already filled the bk_error. */
#define BK_TRY(expr)                                                                               \
    do {                                                                                           \
        bk_status bk_try_status_ = (expr);                                                         \
        if (bk_try_status_ != BK_OK) return bk_try_status_;                                        \
    } while (0)

#if defined(__GNUC__) || defined(__clang__)
#define BK_LIKELY(x) __builtin_expect(!!(x), 1)
#define BK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define BK_NOINLINE __attribute__((noinline))
#define BK_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))
#define BK_MUST_USE __attribute__((warn_unused_result))
#else
#define BK_LIKELY(x) (x)
#define BK_UNLIKELY(x) (x)
#define BK_NOINLINE
#define BK_PRINTF(fmt_idx, arg_idx)
#define BK_MUST_USE
#endif

/*
 * Asserts are for bugs, never for input.  Active in debug and sanitizer builds
 * (BK_DEBUG defined); compiled out of release builds.
 */
#ifdef BK_DEBUG
void bk_assert_fail(const char *expr, const char *file, int line);
#define BK_ASSERT(x) ((x) ? (void)0 : bk_assert_fail(#x, __FILE__, __LINE__))
#else
#define BK_ASSERT(x) ((void)0)
#endif

#define BK_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define BK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define BK_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
