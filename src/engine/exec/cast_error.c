/*
 * cast_error.c — values and types as Spark's error messages print them.
 *
 * Spark renders a value in a message with QueryErrorsBase.toSQLValue, i.e. as the
 * SQL literal that would produce it ('abc', 12L, 1.5D, DATE '2024-01-02'), except
 * that FLOAT prints bare and NaN / Infinity print without a suffix.  Types print
 * in Spark's SQL spelling in double quotes ("DECIMAL(4,2)").
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "engine/exec/cast_int.h"

void cast_quoted_type(const bk_type *t, char *dst, size_t cap) {
    char name[240];
    bk_type_format(t, name, sizeof name);
    snprintf(dst, cap, "\"%s\"", name);
}

/* 'text' with ' and \ escaped (Spark's escapeSingleQuotedString), bounded. */
static void quote_string(bk_str s, char *dst, size_t cap) {
    size_t len = 0;
    if (cap < 8) {
        if (cap) dst[0] = '\0';
        return;
    }
    dst[len++] = '\'';
    for (size_t i = 0; i < s.len; i++) {
        char ch = s.ptr[i];
        size_t need = (ch == '\'' || ch == '\\') ? 2 : 1;
        if (len + need + 5 > cap) {
            memcpy(dst + len, "...", 3);
            len += 3;
            break;
        }
        if (need == 2) dst[len++] = '\\';
        dst[len++] = ch;
    }
    dst[len++] = '\'';
    dst[len] = '\0';
}

/* The plain text of row `row` (bk_vector_format_value) into dst. */
static void plain_text(const bk_vector *v, size_t row, char *dst, size_t cap) {
    bk_buf b;
    bk_buf_init(&b);
    if (bk_vector_format_value(v, row, &b) != BK_OK || !b.data)
        snprintf(dst, cap, "?");
    else
        snprintf(dst, cap, "%.*s", (int)b.len, (const char *)b.data);
    bk_buf_destroy(&b);
}

void cast_sql_value(const cast_ctx *c, const bk_vector *v, size_t row, char *dst, size_t cap) {
    if (!bk_vector_is_valid(v, row) || v->type->kind == BK_TYPE_VOID) {
        snprintf(dst, cap, "NULL");
        return;
    }
    char text[512];
    const void *data = v->data;
    switch (v->type->kind) {
    case BK_TYPE_STRING:
        quote_string(((const bk_str *)data)[row], dst, cap);
        return;
    case BK_TYPE_TINYINT:
        snprintf(dst, cap, "%dY", ((const int8_t *)data)[row]);
        return;
    case BK_TYPE_SMALLINT:
        snprintf(dst, cap, "%dS", ((const int16_t *)data)[row]);
        return;
    case BK_TYPE_BIGINT:
        snprintf(dst, cap, "%lldL", (long long)((const int64_t *)data)[row]);
        return;
    case BK_TYPE_DOUBLE:
        plain_text(v, row, text, sizeof text);
        /* NaN and the infinities print bare; other doubles as the literal 1.5D */
        snprintf(dst, cap, "%s%s", text, (text[0] == 'N' || strstr(text, "Infinity")) ? "" : "D");
        return;
    case BK_TYPE_DECIMAL:
        plain_text(v, row, text, sizeof text);
        snprintf(dst, cap, "%sBD", text);
        return;
    case BK_TYPE_DATE:
        plain_text(v, row, text, sizeof text);
        snprintf(dst, cap, "DATE '%s'", text);
        return;
    case BK_TYPE_TIMESTAMP: {
        int64_t utc = ((const int64_t *)data)[row];
        bk_format_timestamp_micros(utc + cast_utc_offset(c, utc), text, sizeof text);
        snprintf(dst, cap, "TIMESTAMP '%s'", text);
        return;
    }
    case BK_TYPE_TIMESTAMP_NTZ:
        plain_text(v, row, text, sizeof text);
        snprintf(dst, cap, "TIMESTAMP_NTZ '%s'", text);
        return;
    default:
        plain_text(v, row, dst, cap); /* INT, FLOAT, BOOLEAN, BINARY X'..', nested */
        return;
    }
}
