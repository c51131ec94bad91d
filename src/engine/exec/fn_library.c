/*
 * fn_library.c — the function library's lookup and the helpers its files share:
 * implicit-cast checks with Spark's mismatch messages, result string bytes,
 * ARRAY<STRING> results and UTF-8 decoding (see fn_library_int.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "engine/exec/fn_library_int.h"
#include "engine/exec/fn_nested.h"
#include "engine/plan/coerce.h"

const exec_fn_def *exec_fn_lookup(const char *name) {
    const exec_fn_def *tables[] = {exec_fn_string_defs,   exec_fn_math_defs,
                                   exec_fn_misc_defs,     exec_fn_nested_defs,
                                   exec_fn_datetime_defs, exec_fn_binary_defs,
                                   exec_fn_charset_defs,  exec_fn_json_defs,
                                   exec_fn_to_number_defs, exec_fn_array_defs};
    const size_t counts[] = {exec_fn_string_n,   exec_fn_math_n,     exec_fn_misc_n,
                             exec_fn_nested_n,   exec_fn_datetime_n, exec_fn_binary_n,
                             exec_fn_charset_n,  exec_fn_json_n,     exec_fn_to_number_n,
                             exec_fn_array_n};
    for (size_t t = 0; t < BK_ARRAY_LEN(tables); t++)
        for (size_t i = 0; i < counts[t]; i++)
            if (strcmp(tables[t][i].name, name) == 0) return &tables[t][i];
    return NULL;
}

/* ---- binding ---- */

static const char *ordinal(uint32_t i) {
    static const char *const words[] = {"first", "second",  "third",  "fourth", "fifth",
                                        "sixth", "seventh", "eighth", "ninth",  "tenth"};
    return i < 10 ? words[i] : "next";
}

bk_status exec_fnlib_mismatch(bk_error *err, const char *fn, uint32_t i, const char *required,
                              const bk_type *actual) {
    char tname[200];
    bk_type_format(actual, tname, sizeof tname);
    return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "UNEXPECTED_INPUT_TYPE",
                            "Cannot resolve \"%s(...)\" due to data type mismatch: The %s "
                            "parameter requires the %s type, however the argument has the type "
                            "\"%s\".",
                            fn, ordinal(i), required, tname);
}

bk_status exec_fnlib_expect(const char *fn, const bk_type *const *args, uint32_t i,
                            const bk_type *want, const bk_type **cast_to, bk_error *err) {
    const bk_type *t = args[i];
    /* Spark's string functions also take BINARY where a STRING is expected */
    bool bin_to_str = t->kind == BK_TYPE_BINARY && want->kind == BK_TYPE_STRING;
    if (t->kind == BK_TYPE_VOID || bk_type_equal(t, want) || bin_to_str ||
        plan_implicit_cast_ok(t, want, true)) {
        cast_to[i] = want;
        return BK_OK;
    }
    char wname[200], quoted[204];
    bk_type_format(want, wname, sizeof wname);
    snprintf(quoted, sizeof quoted, "\"%s\"", wname);
    return exec_fnlib_mismatch(err, fn, i, quoted, t);
}

bk_status exec_fnlib_expect_all(const char *fn, const bk_type *const *args, uint32_t from,
                                uint32_t to, const bk_type *want, const bk_type **cast_to,
                                bk_error *err) {
    for (uint32_t i = from; i < to; i++) BK_TRY(exec_fnlib_expect(fn, args, i, want, cast_to, err));
    return BK_OK;
}

const bk_type *exec_fnlib_str_or_bin(const bk_type *const *args, uint32_t from, uint32_t to) {
    bool any_binary = false;
    for (uint32_t i = from; i < to; i++) {
        if (args[i]->kind == BK_TYPE_BINARY)
            any_binary = true;
        else if (args[i]->kind != BK_TYPE_VOID)
            return bk_type_scalar(BK_TYPE_STRING);
    }
    return bk_type_scalar(any_binary ? BK_TYPE_BINARY : BK_TYPE_STRING);
}

bool exec_fnlib_is_integral(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_BIGINT;
}

bool exec_fnlib_is_numeric(const bk_type *t) {
    return t->kind >= BK_TYPE_TINYINT && t->kind <= BK_TYPE_DECIMAL;
}

const bk_type *exec_fnlib_common_type(bk_arena *a, const bk_type *const *args, uint32_t from,
                                      uint32_t to) {
    const bk_type *t = bk_type_scalar(BK_TYPE_VOID);
    for (uint32_t i = from; i < to && t; i++) t = plan_wider_common_type(a, t, args[i], true);
    return t;
}

/* ---- result bytes ---- */

#define STRBUF_BLOCK 16384

char *exec_strbuf_alloc(exec_strbuf *sb, size_t n) {
    static char empty[1];
    if (n == 0) return empty;
    if (n > sb->left) {
        if (n >= STRBUF_BLOCK / 4) return bk_arena_alloc(sb->a, n ? n : 1);
        sb->p = bk_arena_alloc(sb->a, STRBUF_BLOCK);
        if (!sb->p) {
            sb->left = 0;
            return NULL;
        }
        sb->left = STRBUF_BLOCK;
    }
    char *r = sb->p;
    sb->p += n;
    sb->left -= n;
    return r;
}

bool exec_strbuf_copy(exec_strbuf *sb, const char *src, size_t len, bk_str *out) {
    char *p = exec_strbuf_alloc(sb, len);
    if (!p) return false;
    if (len) memcpy(p, src, len);
    *out = bk_str_make(p, len);
    return true;
}

/* ---- ARRAY<STRING> results ---- */

bk_status exec_strlist_init(exec_strlist *l, bk_arena *a, size_t n_rows, bk_error *err) {
    memset(l, 0, sizeof *l);
    l->a = a;
    l->offsets = bk_arena_zalloc(a, (n_rows + 1) * sizeof *l->offsets);
    if (!l->offsets) return bk_arena_oom(a, err);
    return BK_OK;
}

bk_status exec_strlist_push(exec_strlist *l, bk_str s, bk_error *err) {
    if (l->n_items == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        bk_str *items = bk_arena_array(l->a, cap, sizeof *items);
        if (!items) return bk_arena_oom(l->a, err);
        if (l->n_items) memcpy(items, l->items, l->n_items * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n_items++] = s;
    return BK_OK;
}

bk_status exec_strlist_finish(exec_strlist *l, const bk_type *type, const bk_vector *validity_of,
                              size_t n, bk_vector **out, bk_error *err) {
    bk_vector *v = bk_vector_make(l->a, type, n);
    bk_vector *child = bk_vector_make(l->a, type->children[0], l->n_items);
    if (!v || !child) return bk_arena_oom(l->a, err);
    if (l->n_items) memcpy(child->data, l->items, l->n_items * sizeof(bk_str));
    v->offsets = l->offsets;
    v->children[0] = child;
    if (validity_of && validity_of->validity) {
        v->validity = bk_arena_memdup(l->a, validity_of->validity, (n + 7) / 8);
        if (!v->validity) return bk_arena_oom(l->a, err);
    }
    *out = v;
    return BK_OK;
}

/* ---- UTF-8 ---- */

size_t exec_utf8_decode(bk_str s, size_t i, uint32_t *cp) {
    const unsigned char *p = (const unsigned char *)s.ptr + i;
    size_t len = exec_utf8_seq_len(p[0]);
    if (len == 1 || i + len > s.len) {
        *cp = p[0];
        return 1;
    }
    uint32_t c = len == 2 ? p[0] & 0x1Fu : len == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *cp = p[0];
            return 1;
        }
        c = (c << 6) | (p[k] & 0x3Fu);
    }
    *cp = c;
    return len;
}

/* ---- picking rows ---- */

bk_status exec_fnlib_pick(const exec_call *call, const bk_type *type, bk_vector *const *args,
                          uint32_t n_args, const int32_t *pick, size_t n, bk_vector **out,
                          bk_error *err) {
    bk_vector *v;
    size_t width = bk_type_width(type);
    if (type->kind == BK_TYPE_VOID || n_args == 0) {
        v = bk_vector_make(call->a, type, n);
        if (!v) return bk_arena_oom(call->a, err);
        if (type->kind != BK_TYPE_VOID)
            for (size_t i = 0; i < n; i++) BK_TRY(exec_fn_set_null(call->a, v, i, err));
    } else if (width && !bk_type_is_nested(type)) {
        v = bk_vector_make(call->a, type, n);
        if (!v) return bk_arena_oom(call->a, err);
        char *dst = v->data;
        for (size_t i = 0; i < n; i++) {
            if (pick[i] < 0 || !bk_vector_is_valid(args[pick[i]], i)) {
                BK_TRY(exec_fn_set_null(call->a, v, i, err));
                continue;
            }
            memcpy(dst + i * width, (const char *)args[pick[i]]->data + i * width, width);
        }
    } else {
        bk_vector *all = bk_vector_concat(call->a, args, n_args);
        uint32_t *idx = bk_arena_array(call->a, n ? n : 1, sizeof *idx);
        if (!all || !idx) return bk_arena_oom(call->a, err);
        for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)((pick[i] < 0 ? 0 : pick[i]) * n + i);
        v = bk_vector_take(call->a, all, idx, n);
        if (!v) return bk_arena_oom(call->a, err);
        for (size_t i = 0; i < n; i++)
            if (pick[i] < 0) BK_TRY(exec_fn_set_null(call->a, v, i, err));
    }
    *out = v;
    return BK_OK;
}
