/*
 * error.c — filling and naming bk_error values (see error.h).
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *sqlstate;
    int http;
} code_table[BK_CODE_COUNT] = {
    [BK_CODE_OK] = {"OK", "00000", 200},
#define X(name, cls, sqlstate, http) [BK_##name] = {cls, sqlstate, http},
#include "base/errcodes.def"
#undef X
};

void bk_error_clear(bk_error *err) {
    if (!err) return;
    err->code = BK_CODE_OK;
    err->sql_pos = -1;
    err->subclass[0] = '\0';
    err->msg[0] = '\0';
    err->detail[0] = '\0';
}

/* Format into dst; on truncation end the text with "..." at a UTF-8 boundary. */
static void format_bounded(char *dst, size_t cap, const char *fmt, va_list ap) {
    int n = vsnprintf(dst, cap, fmt, ap);
    if (n < 0) {
        dst[0] = '\0';
        return;
    }
    if ((size_t)n >= cap) {
        size_t end = cap - 4;
        while (end > 0 && ((unsigned char)dst[end] & 0xC0) == 0x80) end--;
        memcpy(dst + end, "...", 4);
    }
}

static bk_status set_message(bk_error *err, bk_code code, const char *sub, const char *fmt,
                             va_list ap) {
    err->code = code;
    err->sql_pos = -1;
    err->detail[0] = '\0';
    size_t n = sub ? strlen(sub) : 0;
    if (n >= sizeof err->subclass) n = sizeof err->subclass - 1;
    if (n) memcpy(err->subclass, sub, n);
    err->subclass[n] = '\0';
    format_bounded(err->msg, sizeof err->msg, fmt, ap);
    return code;
}

bk_status bk_error_set(bk_error *err, bk_code code, const char *fmt, ...) {
    if (!err || err->code != BK_CODE_OK) return code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

bk_status bk_error_reset(bk_error *err, bk_code code, const char *fmt, ...) {
    if (!err) return code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

bk_status bk_error_set_sub(bk_error *err, bk_code code, const char *sub, const char *fmt, ...) {
    if (!err || err->code != BK_CODE_OK) return code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, sub, fmt, ap);
    va_end(ap);
    return code;
}

bk_status bk_error_reset_sub(bk_error *err, bk_code code, const char *sub, const char *fmt, ...) {
    if (!err) return code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, sub, fmt, ap);
    va_end(ap);
    return code;
}

bk_status bk_error_prefix(bk_error *err, const char *fmt, ...) {
    if (!err) return BK_INTERNAL;
    char prefix[256], old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    format_bounded(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t plen = strlen(prefix), olen = strlen(old), cap = sizeof err->msg;
    if (plen + 2 >= cap) plen = cap - 3;
    memcpy(err->msg, prefix, plen);
    memcpy(err->msg + plen, ": ", 2);
    if (olen > cap - plen - 3) olen = cap - plen - 3;
    memcpy(err->msg + plen + 2, old, olen);
    err->msg[plen + 2 + olen] = '\0';
    return err->code;
}

bk_status bk_error_detail(bk_error *err, const char *fmt, ...) {
    if (!err) return BK_OK;
    va_list ap;
    va_start(ap, fmt);
    format_bounded(err->detail, sizeof err->detail, fmt, ap);
    va_end(ap);
    return err->code;
}

const char *bk_error_class(const bk_error *err, char *buf, size_t cap) {
    if (!buf || cap == 0) return buf;
    bk_code code = err ? err->code : BK_CODE_OK;
    if (code != BK_CODE_OK && err->subclass[0])
        snprintf(buf, cap, "%s.%s", bk_code_name(code), err->subclass);
    else
        snprintf(buf, cap, "%s", bk_code_name(code));
    return buf;
}

const char *bk_error_sqlstate(const bk_error *err) {
    return bk_code_sqlstate(err ? err->code : BK_CODE_OK);
}

const char *bk_code_name(bk_code code) {
    if (code < 0 || code >= BK_CODE_COUNT) return "UNKNOWN";
    return code_table[code].name;
}

const char *bk_code_sqlstate(bk_code code) {
    if (code < 0 || code >= BK_CODE_COUNT) return "XX000";
    return code_table[code].sqlstate;
}

int bk_code_http_status(bk_code code) {
    if (code < 0 || code >= BK_CODE_COUNT) return 500;
    return code_table[code].http;
}

#ifdef BK_DEBUG
void bk_assert_fail(const char *expr, const char *file, int line) {
    fprintf(stderr, "bricks: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
#endif
