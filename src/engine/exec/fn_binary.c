/*
 * fn_binary.c — string-to-binary conversion: to_binary(str[, fmt]) and
 * try_to_binary, as Spark 3.5+ defines them.
 *
 * fmt is 'hex' (the default), 'utf-8' / 'utf8' or 'base64', case-insensitive,
 * and must be a constant (DATATYPE_MISMATCH.NON_FOLDABLE_INPUT otherwise; an
 * unknown name is DATATYPE_MISMATCH.INVALID_ARG_VALUE; a NULL format gives NULL).
 * hex: an odd digit count gets a leading 0; base64: RFC 4648 with whitespace
 * allowed before the padding, padding optional but never more than two '=' and
 * nothing after it.  Malformed input is CONVERSION_INVALID_INPUT for to_binary
 * and NULL for try_to_binary.
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/vector.h"
#include "engine/exec/fn_library_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

typedef enum { TB_DEFERRED = 0, TB_HEX, TB_UTF8, TB_BASE64 } tb_format;

static const tb_format tb_formats[] = {TB_HEX, TB_UTF8, TB_BASE64};
static const char *const tb_names[] = {"HEX", "UTF-8", "BASE64"};

/* to_binary(STRING[, STRING]) -> BINARY */
static EXEC_BIND(bind_to_binary) {
    (void)a;
    for (uint32_t i = 0; i < n_args; i++)
        BK_TRY(exec_fnlib_expect("to_binary", args, i, T(BK_TYPE_STRING), cast_to, err));
    *result = T(BK_TYPE_BINARY);
    return BK_OK;
}

/* The format named by f, or INVALID_ARG_VALUE. */
static bk_status parse_format(bk_str f, const tb_format **out, bk_error *err) {
    char lower[16];
    size_t n = f.len < sizeof lower - 1 ? f.len : sizeof lower - 1;
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)(f.ptr[i] >= 'A' && f.ptr[i] <= 'Z' ? f.ptr[i] - 'A' + 'a' : f.ptr[i]);
    lower[n] = '\0';
    if (f.len == n && !strcmp(lower, "hex"))
        *out = &tb_formats[0];
    else if (f.len == n && (!strcmp(lower, "utf-8") || !strcmp(lower, "utf8")))
        *out = &tb_formats[1];
    else if (f.len == n && !strcmp(lower, "base64"))
        *out = &tb_formats[2];
    else
        return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "INVALID_ARG_VALUE",
                                "Cannot resolve \"to_binary(...)\" due to data type mismatch: "
                                "the fmt value must be one of 'hex', 'utf-8', 'utf8', or "
                                "'base64', case-insensitive, but got '%.*s'.",
                                (int)(f.len > 200 ? 200 : f.len), f.ptr);
    return BK_OK;
}

/* Whether x reads an input column (Spark: not foldable). */
static bool reads_column(const exec_expr *x) {
    if (x->kind == EXEC_EXPR_COLUMN) return true;
    for (uint32_t i = 0; i < x->n_args; i++)
        if (reads_column(x->args[i])) return true;
    return false;
}

/* The marker for a format that is foldable but not folded (concat('utf', '-8')). */
static const tb_format tb_deferred = TB_DEFERRED;

/*
 * The format (argument 1) into e->state: parsed now when a constant, left to the
 * kernel (tb_deferred) when an expression of constants; a NULL format leaves it unset.
 */
static bk_status prepare_to_binary(bk_arena *a, exec_expr *e, bk_error *err) {
    (void)a;
    if (e->n_args < 2) {
        e->state = (void *)&tb_formats[0];
        return BK_OK;
    }
    if (!exec_fnlib_is_const(e, 1)) {
        if (reads_column(e->args[1]))
            return bk_error_set_sub(err, BK_DATATYPE_MISMATCH, "NON_FOLDABLE_INPUT",
                                    "Cannot resolve \"%s(...)\" due to data type mismatch: the "
                                    "input `fmt` should be a foldable \"STRING\" expression; "
                                    "however, got a column.",
                                    e->name);
        e->state = (void *)&tb_deferred;
        return BK_OK;
    }
    const bk_vector *fv = e->args[1]->value;
    if (!bk_vector_is_valid(fv, 0)) return BK_OK;
    const tb_format *f;
    BK_TRY(parse_format(((const bk_str *)fv->data)[0], &f, err));
    e->state = (void *)f;
    return BK_OK;
}

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex digits into dst ((len + 1) / 2 bytes); false on a non-hex character. */
static bool decode_hex(bk_str s, char *dst, size_t *len) {
    size_t odd = s.len & 1, w = 0;
    for (size_t k = 0; k < s.len;) {
        int hi = k == 0 && odd ? 0 : hex_value((unsigned char)s.ptr[k++]);
        int lo = hex_value((unsigned char)s.ptr[k++]);
        if (hi < 0 || lo < 0) return false;
        dst[w++] = (char)(hi << 4 | lo);
    }
    *len = w;
    return true;
}

static int b64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Strict base64 into dst (s.len * 3 / 4 + 3 bytes); false when malformed. */
static bool decode_base64(bk_str s, char *dst, size_t *len) {
    size_t chars = 0, pads = 0, w = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < s.len; k++) {
        unsigned char c = (unsigned char)s.ptr[k];
        if (c == '=') {
            pads++;
            continue;
        }
        if (pads) return false; /* nothing, not even a space, after the padding */
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        int x = b64_value(c);
        if (x < 0) return false;
        chars++;
        acc = (acc << 6) | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[w++] = (char)((acc >> bits) & 0xFF);
        }
    }
    if (chars % 4 == 1 || pads > 2 || (pads && (chars + pads) % 4 != 0)) return false;
    *len = w;
    return true;
}

static bk_status convert(const exec_call *call, bk_vector *const *args, size_t n, bool try_,
                         bk_vector **out, bk_error *err) {
    const tb_format *fmt = call->expr->state;
    if (fmt == &tb_deferred) { /* the same value in every row */
        fmt = NULL;
        if (n && bk_vector_is_valid(args[1], 0))
            BK_TRY(parse_format(((const bk_str *)args[1]->data)[0], &fmt, err));
    }
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BINARY), args, call->expr->n_args, n, &v, err));
    bk_str *r = v->data;
    if (!fmt) { /* a NULL format: every row NULL */
        for (size_t i = 0; i < n; i++) BK_TRY(exec_fn_set_null(call->a, v, i, err));
        *out = v;
        return BK_OK;
    }
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        bk_str s = ((const bk_str *)args[0]->data)[i];
        if (*fmt == TB_UTF8) {
            r[i] = s;
            continue;
        }
        char *dst = exec_strbuf_alloc(&sb, s.len + 3);
        if (!dst) return bk_arena_oom(call->a, err);
        size_t len = 0;
        bool ok = *fmt == TB_HEX ? decode_hex(s, dst, &len) : decode_base64(s, dst, &len);
        if (ok) {
            r[i] = bk_str_make(dst, len);
            continue;
        }
        if (!try_)
            return bk_error_set(err, BK_CONVERSION_INVALID_INPUT,
                                "The value '%.*s' (%s) cannot be converted to \"BINARY\" "
                                "because it is malformed. Correct the value as per the syntax, "
                                "or change its format. Use `try_to_binary` to tolerate "
                                "malformed input and return NULL instead.",
                                (int)(s.len > 200 ? 200 : s.len), s.ptr,
                                tb_names[*fmt - TB_HEX]);
        r[i] = bk_str_make("", 0);
        BK_TRY(exec_fn_set_null(call->a, v, i, err));
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_to_binary) { return convert(call, args, n, false, out, err); }
static EXEC_KERNEL(k_try_to_binary) { return convert(call, args, n, true, out, err); }

const exec_fn_def exec_fn_binary_defs[] = {
    {"to_binary", 1, 2, bind_to_binary, k_to_binary, prepare_to_binary},
    {"try_to_binary", 1, 2, bind_to_binary, k_try_to_binary, prepare_to_binary},
};
const size_t exec_fn_binary_n = sizeof exec_fn_binary_defs / sizeof exec_fn_binary_defs[0];
