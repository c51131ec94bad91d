/*
 * fn_charset.c — encode(str, charset) -> BINARY and decode(bin, charset) -> STRING
 * over the charsets Spark 4 allows without spark.sql.legacy.javaCharsets:
 * us-ascii, iso-8859-1, utf-8, utf-16 (encode: big-endian with a BOM; decode: a BOM
 * picks the order, big-endian without one), utf-16be, utf-16le, utf-32 (big-endian),
 * named case-insensitively, per row.
 *
 * Errors as Spark with spark.sql.legacy.codingErrorAction off: another charset is
 * INVALID_PARAMETER_VALUE.CHARSET; a character the charset cannot hold (encode) or
 * bytes that are not valid in it (decode) are MALFORMED_CHARACTER_CODING.
 * decode(x, search, result, ...) is a CASE the binder plans (bind_expr.c).
 *
 * Also the UTF-8 checks of Spark 4: is_valid_utf8, make_valid_utf8 (each maximal
 * ill-formed subpart becomes U+FFFD), validate_utf8 (INVALID_UTF8_STRING) and
 * try_validate_utf8 (NULL).
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/vector.h"
#include "engine/exec/fn_library_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

typedef enum { CS_ASCII, CS_LATIN1, CS_UTF8, CS_UTF16, CS_UTF16BE, CS_UTF16LE, CS_UTF32 } cs_kind;

static const char *const cs_names[] = {"us-ascii", "iso-8859-1", "utf-8",   "utf-16",
                                       "utf-16be", "utf-16le",   "utf-32"};

static bk_status bad_charset(bk_error *err, const char *fn, bk_str name) {
    return bk_error_set_sub(err, BK_INVALID_ARGUMENT, "CHARSET",
                            "The value of parameter(s) `charset` in `%s` is invalid: expects one "
                            "of the iso-8859-1, us-ascii, utf-16, utf-16be, utf-16le, utf-32, "
                            "utf-8, but got %.*s.",
                            fn, (int)(name.len > 100 ? 100 : name.len), name.ptr);
}

static bk_status malformed(bk_error *err, const char *fn, cs_kind cs) {
    return bk_error_set(err, BK_MALFORMED_CHARACTER_CODING,
                        "Invalid value found when performing `%s` with `%s`.", fn,
                        cs_names[cs]);
}

static bk_status parse_charset(const char *fn, bk_str name, cs_kind *out, bk_error *err) {
    for (size_t k = 0; k < BK_ARRAY_LEN(cs_names); k++)
        if (bk_str_ieq_cstr(name, cs_names[k])) {
            *out = (cs_kind)k;
            return BK_OK;
        }
    return bad_charset(err, fn, name);
}

/* encode(STRING, STRING) -> BINARY */
static EXEC_BIND(bind_encode) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BINARY);
    return exec_fnlib_expect_all("encode", args, 0, 2, T(BK_TYPE_STRING), cast_to, err);
}

/* decode(BINARY, STRING) -> STRING */
static EXEC_BIND(bind_decode) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    BK_TRY(exec_fnlib_expect("decode", args, 0, T(BK_TYPE_BINARY), cast_to, err));
    return exec_fnlib_expect("decode", args, 1, T(BK_TYPE_STRING), cast_to, err);
}

/*
 * The well-formed UTF-8 sequence at s.ptr[i] (i < s.len): its length, *ok true; or,
 * *ok false, the length of its maximal ill-formed subpart (Unicode's definition:
 * the longest prefix of a well-formed sequence, at least one byte), which is what
 * one U+FFFD replaces.  Rejects overlongs, surrogates and values past U+10FFFF.
 */
static size_t utf8_scan(bk_str s, size_t i, bool *ok) {
    const unsigned char *p = (const unsigned char *)s.ptr + i;
    size_t avail = s.len - i;
    unsigned char c = p[0];
    *ok = true;
    if (c < 0x80) return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        *ok = false;
        return 1;
    }
    size_t k = 1;
    for (; k < need && k < avail; k++) {
        unsigned char b = p[k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
    }
    if (k < need) *ok = false;
    return k;
}

/* Whether s is well-formed UTF-8. */
static bool utf8_valid(bk_str s) {
    for (size_t i = 0; i < s.len;) {
        bool ok;
        i += utf8_scan(s, i, &ok);
        if (!ok) return false;
    }
    return true;
}

static void put16(char *d, uint32_t u, bool le) {
    d[le ? 1 : 0] = (char)(u >> 8);
    d[le ? 0 : 1] = (char)(u & 0xFF);
}

/* s (UTF-8) in charset cs into dst (4 * s.len + 2 bytes); false when not representable. */
static bool encode_one(bk_str s, cs_kind cs, char *dst, size_t *len) {
    size_t w = 0;
    if (cs == CS_UTF16) { /* Java writes a big-endian BOM */
        dst[w++] = (char)0xFE;
        dst[w++] = (char)0xFF;
    }
    for (size_t i = 0; i < s.len;) {
        uint32_t cp;
        size_t l = exec_utf8_decode(s, i, &cp);
        if (l == 1 && (unsigned char)s.ptr[i] >= 0x80) return false;
        i += l;
        switch (cs) {
        case CS_ASCII:
        case CS_LATIN1:
            if (cp > (cs == CS_ASCII ? 0x7Fu : 0xFFu)) return false;
            dst[w++] = (char)cp;
            break;
        case CS_UTF16:
        case CS_UTF16BE:
        case CS_UTF16LE: {
            bool le = cs == CS_UTF16LE;
            if (cp >= 0x10000) {
                uint32_t v = cp - 0x10000;
                put16(dst + w, 0xD800 | (v >> 10), le);
                put16(dst + w + 2, 0xDC00 | (v & 0x3FF), le);
                w += 4;
            } else {
                put16(dst + w, cp, le);
                w += 2;
            }
            break;
        }
        case CS_UTF32:
            dst[w++] = (char)(cp >> 24);
            dst[w++] = (char)((cp >> 16) & 0xFF);
            dst[w++] = (char)((cp >> 8) & 0xFF);
            dst[w++] = (char)(cp & 0xFF);
            break;
        case CS_UTF8:
            break;
        }
    }
    *len = w;
    return true;
}

static size_t put_utf8(char *d, uint32_t cp) {
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Bytes b in charset cs as UTF-8 into dst (2 * b.len + 4 bytes); false when malformed. */
static bool decode_one(bk_str b, cs_kind cs, char *dst, size_t *len) {
    const unsigned char *p = (const unsigned char *)b.ptr;
    size_t w = 0, i = 0;
    if (cs == CS_ASCII || cs == CS_LATIN1) {
        for (; i < b.len; i++) {
            if (cs == CS_ASCII && p[i] > 0x7F) return false;
            w += put_utf8(dst + w, p[i]);
        }
    } else if (cs == CS_UTF32) {
        if (b.len % 4) return false;
        for (; i < b.len; i += 4) {
            uint32_t cp = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
                          (uint32_t)p[i + 2] << 8 | p[i + 3];
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
            w += put_utf8(dst + w, cp);
        }
    } else {
        bool le = cs == CS_UTF16LE;
        if (cs == CS_UTF16 && b.len >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) ||
                                              (p[0] == 0xFF && p[1] == 0xFE))) {
            le = p[0] == 0xFF;
            i = 2;
        }
        if ((b.len - i) % 2) return false;
        for (; i < b.len; i += 2) {
            uint32_t u = le ? (uint32_t)p[i + 1] << 8 | p[i] : (uint32_t)p[i] << 8 | p[i + 1];
            if (u >= 0xDC00 && u <= 0xDFFF) return false;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (i + 3 >= b.len) return false;
                uint32_t v = le ? (uint32_t)p[i + 3] << 8 | p[i + 2]
                                : (uint32_t)p[i + 2] << 8 | p[i + 3];
                if (v < 0xDC00 || v > 0xDFFF) return false;
                u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                i += 2;
            }
            w += put_utf8(dst + w, u);
        }
    }
    *len = w;
    return true;
}

static bk_status convert(const exec_call *call, bk_vector *const *args, size_t n, bool enc,
                         bk_vector **out, bk_error *err) {
    const char *fn = enc ? "encode" : "decode";
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(enc ? BK_TYPE_BINARY : BK_TYPE_STRING), args, 2, n, &v, err));
    bk_str *r = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    bk_str last = {NULL, 0};
    cs_kind cs = CS_UTF8;
    for (size_t i = 0; i < n; i++) {
        if (!bk_vector_is_valid(v, i)) continue;
        bk_str s = ((const bk_str *)args[0]->data)[i];
        bk_str name = ((const bk_str *)args[1]->data)[i];
        if (!last.ptr || !bk_str_eq(name, last)) { /* the charset of the previous row, usually */
            BK_TRY(parse_charset(fn, name, &cs, err));
            last = name;
        }
        if (cs == CS_UTF8) {
            if (!enc && !utf8_valid(s)) return malformed(err, fn, cs);
            r[i] = s;
            continue;
        }
        char *dst = exec_strbuf_alloc(&sb, 4 * s.len + 4);
        if (!dst) return bk_arena_oom(call->a, err);
        size_t len = 0;
        if (!(enc ? encode_one(s, cs, dst, &len) : decode_one(s, cs, dst, &len)))
            return malformed(err, fn, cs);
        r[i] = bk_str_make(dst, len);
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_encode) { return convert(call, args, n, true, out, err); }
static EXEC_KERNEL(k_decode) { return convert(call, args, n, false, out, err); }

/* ---- UTF-8 validation: is_valid_utf8, make_valid_utf8, validate_utf8, try_validate_utf8 ---- */

/* is_valid_utf8(STRING) -> BOOLEAN; the others return STRING (BINARY arguments are cast). */
static EXEC_BIND(bind_is_valid_utf8) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_BOOLEAN);
    return exec_fnlib_expect("is_valid_utf8", args, 0, T(BK_TYPE_STRING), cast_to, err);
}

static EXEC_BIND(bind_utf8_string) {
    (void)a;
    (void)n_args;
    *result = T(BK_TYPE_STRING);
    return exec_fnlib_expect("validate_utf8", args, 0, T(BK_TYPE_STRING), cast_to, err);
}

static EXEC_KERNEL(k_is_valid_utf8) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_BOOLEAN), args, 1, n, &v, err));
    const bk_str *src = args[0]->data;
    for (size_t i = 0; i < n; i++)
        if (bk_vector_is_valid(v, i)) ((uint8_t *)v->data)[i] = utf8_valid(src[i]);
    *out = v;
    return BK_OK;
}

/* make_valid_utf8(s): each maximal ill-formed subpart replaced by U+FFFD. */
static EXEC_KERNEL(k_make_valid_utf8) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    const bk_str *src = args[0]->data;
    bk_str *dst = v->data;
    exec_strbuf sb;
    exec_strbuf_init(&sb, call->a);
    for (size_t r = 0; r < n; r++) {
        if (!bk_vector_is_valid(v, r)) continue;
        bk_str s = src[r];
        if (utf8_valid(s)) {
            dst[r] = s;
            continue;
        }
        char *o = exec_strbuf_alloc(&sb, 3 * s.len); /* U+FFFD is 3 bytes per >= 1 byte */
        if (!o) return bk_arena_oom(call->a, err);
        size_t w = 0;
        for (size_t i = 0; i < s.len;) {
            bool ok;
            size_t len = utf8_scan(s, i, &ok);
            if (ok) {
                memcpy(o + w, s.ptr + i, len);
                w += len;
            } else {
                memcpy(o + w, "\xEF\xBF\xBD", 3);
                w += 3;
            }
            i += len;
        }
        dst[r] = bk_str_make(o, w);
    }
    *out = v;
    return BK_OK;
}

/* validate_utf8(s) / try_validate_utf8(s): s, or INVALID_UTF8_STRING / NULL when ill-formed. */
static bk_status validate_utf8(const exec_call *call, bk_vector *const *args, size_t n,
                               bool try_, bk_vector **out, bk_error *err) {
    bk_vector *v;
    BK_TRY(exec_fn_result(call, T(BK_TYPE_STRING), args, 1, n, &v, err));
    const bk_str *src = args[0]->data;
    bk_str *dst = v->data;
    for (size_t r = 0; r < n; r++) {
        if (!bk_vector_is_valid(v, r)) continue;
        if (utf8_valid(src[r])) {
            dst[r] = src[r];
            continue;
        }
        if (try_) {
            BK_TRY(exec_fn_set_null(call->a, v, r, err));
            continue;
        }
        char shown[4 * 32 + 4];
        size_t w = 0;
        for (size_t i = 0; i < src[r].len && i < 32; i++) {
            unsigned char c = (unsigned char)src[r].ptr[i];
            if (c >= 0x20 && c < 0x7F)
                shown[w++] = (char)c;
            else
                w += (size_t)snprintf(shown + w, sizeof shown - w, "\\x%02X", c);
        }
        shown[w] = '\0';
        return bk_error_set(err, BK_INVALID_UTF8_STRING,
                            "Invalid UTF8 byte sequence found in string: %s%s.", shown,
                            src[r].len > 32 ? "..." : "");
    }
    *out = v;
    return BK_OK;
}

static EXEC_KERNEL(k_validate_utf8) { return validate_utf8(call, args, n, false, out, err); }
static EXEC_KERNEL(k_try_validate_utf8) { return validate_utf8(call, args, n, true, out, err); }

const exec_fn_def exec_fn_charset_defs[] = {
    {"encode", 2, 2, bind_encode, k_encode, NULL},
    {"decode", 2, 2, bind_decode, k_decode, NULL},
    {"is_valid_utf8", 1, 1, bind_is_valid_utf8, k_is_valid_utf8, NULL},
    {"make_valid_utf8", 1, 1, bind_utf8_string, k_make_valid_utf8, NULL},
    {"validate_utf8", 1, 1, bind_utf8_string, k_validate_utf8, NULL},
    {"try_validate_utf8", 1, 1, bind_utf8_string, k_try_validate_utf8, NULL},
};
const size_t exec_fn_charset_n = sizeof exec_fn_charset_defs / sizeof exec_fn_charset_defs[0];
