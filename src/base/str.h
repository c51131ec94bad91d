/*
 * str.h — helpers on bk_str views, and checked number parsing.
 *
 * A bk_str (types.h) is a (pointer, length) view: it owns nothing and is not
 * NUL-terminated.  Functions here never allocate unless they take an arena, and
 * then the result lives until that arena is reset.
 *
 * The number parsers replace atoi/strtol & co. (banned by tools/check_src.sh): the
 * whole input must be the number, overflow is an error rather than a clamp, and
 * nothing depends on errno.  They return false on any failure and leave *out
 * unchanged.  All functions are thread-safe.
 */
#ifndef BRICKS_BASE_STR_H
#define BRICKS_BASE_STR_H

#include <string.h>

#include "base/bk.h"
#include "base/types.h"

static inline bk_str bk_str_make(const char *ptr, size_t len) {
    bk_str s = {ptr, len};
    return s;
}

/* A view of a NUL-terminated string (without the NUL). */
static inline bk_str bk_str_from_cstr(const char *s) { return bk_str_make(s, strlen(s)); }

/* Byte-wise equality. */
bool bk_str_eq(bk_str a, bk_str b);
bool bk_str_eq_cstr(bk_str a, const char *b);
/* ASCII case-insensitive equality (SQL identifiers and keywords). */
bool bk_str_ieq(bk_str a, bk_str b);
bool bk_str_ieq_cstr(bk_str a, const char *b);
/* memcmp order with the shorter string first on a tie (Spark's binary string order). */
int bk_str_cmp(bk_str a, bk_str b);
bool bk_str_starts_with(bk_str s, const char *prefix);
bool bk_str_ends_with(bk_str s, const char *suffix);

/* The view without leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r). */
bk_str bk_str_trim(bk_str s);

/* A NUL-terminated copy in arena `a`; NULL on OOM. */
char *bk_str_dup(bk_arena *a, bk_str s);

/*
 * Checked parsers over s[0..len) (no NUL needed, no whitespace allowed):
 *   bk_parse_i64   [+|-]digits, within int64
 *   bk_parse_i32   [+|-]digits, within int32
 *   bk_parse_u64   [+]digits, within uint64
 *   bk_parse_double  a decimal number as strtod reads it ("1", "-2.5e-3", ".5",
 *                  "1."), or inf / infinity / nan in any case with an optional sign.
 *                  Hexadecimal floats are refused.  A result too large for a
 *                  double is an error; one too small becomes 0 or a subnormal.
 */
bool bk_parse_i64(const char *s, size_t len, int64_t *out);
bool bk_parse_i32(const char *s, size_t len, int32_t *out);
bool bk_parse_u64(const char *s, size_t len, uint64_t *out);
bool bk_parse_double(const char *s, size_t len, double *out);

/* Write code point `cp` (<= 0x10FFFF) as UTF-8 at dst (room for 4); returns the bytes. */
size_t bk_utf8_put(uint32_t cp, char *dst);

/*
 * True when the n bytes at s are a dot segment of a path: "." or "..", also
 * with a dot written as %2e or %2E ("%2e%2e", ".%2E").  Path validators refuse
 * these, so that no later decoding can turn a name into a traversal.
 */
bool bk_path_is_dot_segment(const char *s, size_t n);

#endif
