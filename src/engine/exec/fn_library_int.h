/*
 * fn_library_int.h — helpers shared by the function-library files (fn_string.c,
 * fn_string_regex.c, fn_like.c, fn_math.c, fn_misc.c); private to exec/.
 *
 * Three groups: bind helpers (implicit casts and Spark's DATATYPE_MISMATCH
 * messages), a bump allocator for result string bytes, and UTF-8 helpers
 * (Spark counts string positions in code points).
 */
#ifndef BRICKS_ENGINE_EXEC_FN_LIBRARY_INT_H
#define BRICKS_ENGINE_EXEC_FN_LIBRARY_INT_H

#include "engine/exec/fn_common.h"
#include "engine/exec/fn_library.h"

/* ---- binding ---- */

/* The signature of exec_fn_def.bind. */
#define EXEC_BIND(name)                                                                            \
    bk_status name(bk_arena *a, const bk_type *const *args, uint32_t n_args,                       \
                   const bk_type **cast_to, const bk_type **result, bk_error *err)

/*
 * Argument i of `fn` must become `want`: cast_to[i] = want when args[i] is BINARY
 * and want STRING (Spark's string functions take BINARY too), or
 * VOID, equal, or implicitly castable (ANSI rules, plan_implicit_cast_ok);
 * else DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE naming the parameter.
 */
bk_status exec_fnlib_expect(const char *fn, const bk_type *const *args, uint32_t i,
                            const bk_type *want, const bk_type **cast_to, bk_error *err);
/* Every argument in [from, to) must become `want` (exec_fnlib_expect). */
bk_status exec_fnlib_expect_all(const char *fn, const bk_type *const *args, uint32_t from,
                                uint32_t to, const bk_type *want, const bk_type **cast_to,
                                bk_error *err);
/* DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE for parameter i (0-based) needing `required`. */
bk_status exec_fnlib_mismatch(bk_error *err, const char *fn, uint32_t i, const char *required,
                              const bk_type *actual);
/*
 * BINARY when every argument in [from, to) is BINARY or VOID and at least one is
 * BINARY (Spark's functions over "STRING or BINARY"), else STRING.
 */
const bk_type *exec_fnlib_str_or_bin(const bk_type *const *args, uint32_t from, uint32_t to);
bool exec_fnlib_is_numeric(const bk_type *t);
bool exec_fnlib_is_integral(const bk_type *t);
/* The wider common type of args[from..to) (plan_wider_common_type, ANSI); NULL if none. */
const bk_type *exec_fnlib_common_type(bk_arena *a, const bk_type *const *args, uint32_t from,
                                      uint32_t to);
/* Whether argument k of the bound call is a constant (one row, prepared once). */
static inline bool exec_fnlib_is_const(const exec_expr *e, uint32_t k) {
    return k < e->n_args && e->args[k]->kind == EXEC_EXPR_CONST;
}

/*
 * The result of a row-picking function (coalesce, if, nvl2, greatest...): row i
 * is row i of args[pick[i]], or NULL when pick[i] < 0.  Every args[k] has the
 * type `type`.  Fixed-width and string types are copied directly; nested types
 * go through bk_vector_concat + bk_vector_take.
 */
bk_status exec_fnlib_pick(const exec_call *call, const bk_type *type, bk_vector *const *args,
                          uint32_t n_args, const int32_t *pick, size_t n, bk_vector **out,
                          bk_error *err);

/* ---- result bytes ---- */

/* Bump allocation of result string bytes in call->a, in blocks. */
typedef struct exec_strbuf {
    bk_arena *a;
    char *p;
    size_t left;
} exec_strbuf;

static inline void exec_strbuf_init(exec_strbuf *sb, bk_arena *a) {
    sb->a = a;
    sb->p = NULL;
    sb->left = 0;
}
/* n bytes (unaligned) that live as long as the arena; NULL on OOM. */
char *exec_strbuf_alloc(exec_strbuf *sb, size_t n);
/* A copy of `len` bytes at src as a bk_str in sb; false on OOM. */
bool exec_strbuf_copy(exec_strbuf *sb, const char *src, size_t len, bk_str *out);

/*
 * A growing list of strings (split, regexp_extract_all results) turned into
 * an ARRAY<STRING> vector: call exec_strlist_push for the elements of row i,
 * then exec_strlist_end_row(i); exec_strlist_finish makes the vector.
 */
typedef struct exec_strlist {
    bk_arena *a;
    bk_str *items;
    size_t n_items, cap;
    int64_t *offsets; /* n + 1 */
} exec_strlist;

bk_status exec_strlist_init(exec_strlist *l, bk_arena *a, size_t n_rows, bk_error *err);
bk_status exec_strlist_push(exec_strlist *l, bk_str s, bk_error *err);
static inline void exec_strlist_end_row(exec_strlist *l, size_t row) {
    l->offsets[row + 1] = (int64_t)l->n_items;
}
/* The ARRAY vector of `type` (ARRAY<STRING>) with validity copied from `validity_of`. */
bk_status exec_strlist_finish(exec_strlist *l, const bk_type *type, const bk_vector *validity_of,
                              size_t n, bk_vector **out, bk_error *err);

/* ---- UTF-8 ---- */

/* Bytes of the UTF-8 sequence led by byte c (1 for stray continuation bytes). */
static inline size_t exec_utf8_seq_len(unsigned char c) {
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}
/* Code points in s (lead bytes; each stray byte counts as one). */
static inline int64_t exec_utf8_count(bk_str s) {
    int64_t n = 0;
    for (size_t i = 0; i < s.len; i++) n += ((unsigned char)s.ptr[i] & 0xC0) != 0x80;
    return n;
}
/* Byte offset of the k-th code point of s (s.len when k >= the count). */
static inline size_t exec_utf8_offset(bk_str s, int64_t k) {
    size_t i = 0;
    while (k > 0 && i < s.len) {
        i += exec_utf8_seq_len((unsigned char)s.ptr[i]);
        k--;
    }
    return i < s.len ? i : s.len;
}
/* Decode the code point at s.ptr[i] (i < s.len) into *cp; returns its bytes (>= 1). */
size_t exec_utf8_decode(bk_str s, size_t i, uint32_t *cp);

/* ---- fn_string_regex.c: regular expressions (PCRE2), listed in exec_fn_string_defs ---- */

/* Compiles the pattern (argument 1) into e->state when it is a constant. */
bk_status exec_fnre_prepare(bk_arena *a, exec_expr *e, bk_error *err);
EXEC_BIND(exec_fnre_bind_match);       /* rlike(s, p) -> BOOLEAN */
EXEC_BIND(exec_fnre_bind_extract);     /* regexp_extract(s, p[, idx]) -> STRING */
EXEC_BIND(exec_fnre_bind_extract_all); /* regexp_extract_all(s, p[, idx]) -> ARRAY<STRING> */
EXEC_BIND(exec_fnre_bind_replace);     /* regexp_replace(s, p, rep[, pos]) -> STRING */
EXEC_BIND(exec_fnre_bind_count);       /* regexp_count(s, p) -> INT */
EXEC_BIND(exec_fnre_bind_substr);      /* regexp_substr(s, p) -> STRING */
EXEC_BIND(exec_fnre_bind_instr);       /* regexp_instr(s, p[, idx]) -> INT */
EXEC_BIND(exec_fnre_bind_split);       /* split(s, p[, limit]) -> ARRAY<STRING> */
EXEC_KERNEL(exec_fnre_rlike);
EXEC_KERNEL(exec_fnre_extract);
EXEC_KERNEL(exec_fnre_extract_all);
EXEC_KERNEL(exec_fnre_replace);
EXEC_KERNEL(exec_fnre_count);
EXEC_KERNEL(exec_fnre_substr);
EXEC_KERNEL(exec_fnre_instr);
EXEC_KERNEL(exec_fnre_split);

/* ---- fn_like.c: LIKE / ILIKE, listed in exec_fn_string_defs ---- */

/* Compiles a constant pattern (and escape) into e->state. */
bk_status exec_fnlike_prepare(bk_arena *a, exec_expr *e, bk_error *err);
/* The same for ILIKE: the compiled pattern is lower-cased. */
bk_status exec_fnlike_prepare_ci(bk_arena *a, exec_expr *e, bk_error *err);
EXEC_BIND(exec_fnlike_bind); /* like/ilike(s, p[, escape]) -> BOOLEAN */
EXEC_KERNEL(exec_fnlike_like);
EXEC_KERNEL(exec_fnlike_ilike);

#endif
