/*
 * golden_driver.c — runs SQL statements in one engine session and prints each
 * result as one JSON line, for the Spark golden-file runner (run_golden.py).
 *
 *     golden_driver [--data DIR] [--timeout SECONDS]
 *
 * Standard input is a sequence of frames "<byte count>\n<SQL bytes>"; each frame
 * is one call of eng_execute in the same session (so temporary views and
 * settings stay), and gets one line on standard output:
 *
 *     {"ok":true,"stmt":"SELECT","cols":[["a","int"],...],"rows":[[1,"x"],...]}
 *     {"ok":false,"class":"DIVIDE_BY_ZERO","sqlstate":"22012","msg":"…",
 *      "detail":"…","pos":16}
 *
 * The encoding is lossless and leaves all rendering to the runner, which knows
 * Spark's display rules:
 *
 *   types    "void" "boolean" "tinyint" … "timestamp_ntz" "time" as strings;
 *            ["decimal",p,s], ["iym",start,end], ["idt",start,end] (BK_IV_* fields),
 *            ["array",T], ["map",K,V], ["struct",[[name,T],...]]
 *   values   NULL null; BOOLEAN true/false; integers JSON numbers; FLOAT/DOUBLE the
 *            shortest round-trip digits as a string ("NaN", "Infinity", "-Infinity");
 *            DECIMAL its plain text with the scale; STRING a JSON string (invalid
 *            UTF-8 as U+FFFD); BINARY base64; DATE days since 1970-01-01;
 *            TIMESTAMP the wall-clock µs in the result's session zone; TIMESTAMP_NTZ
 *            and TIME µs; intervals months / µs; ARRAY a list; MAP a list of
 *            [key, value] pairs in storage order; STRUCT a list of field values.
 *
 * With --timeout, a watchdog thread cancels a statement that runs longer (it then
 * fails with OPERATION_CANCELED) so the session survives for the next one.
 * Exit status 0 at the end of input, 2 on a usage or protocol error.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/tz.h"
#include "cli/cli.h"
#include "engine/engine.h"

/* ---- the watchdog ---- */

static eng_session *g_session;
static atomic_llong g_deadline_ms; /* 0: nothing running */

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watchdog(void *arg) {
    (void)arg;
    for (;;) {
        struct timespec nap = {0, 50 * 1000000L};
        nanosleep(&nap, NULL);
        long long d = atomic_load(&g_deadline_ms);
        if (d && now_ms() > d) {
            eng_cancel(g_session);
            atomic_store(&g_deadline_ms, 0);
        }
    }
    return NULL;
}

/* ---- encoding ---- */

static const char *scalar_name(bk_type_kind k) {
    switch (k) {
    case BK_TYPE_VOID: return "void";
    case BK_TYPE_BOOLEAN: return "boolean";
    case BK_TYPE_TINYINT: return "tinyint";
    case BK_TYPE_SMALLINT: return "smallint";
    case BK_TYPE_INT: return "int";
    case BK_TYPE_BIGINT: return "bigint";
    case BK_TYPE_FLOAT: return "float";
    case BK_TYPE_DOUBLE: return "double";
    case BK_TYPE_STRING: return "string";
    case BK_TYPE_BINARY: return "binary";
    case BK_TYPE_DATE: return "date";
    case BK_TYPE_TIMESTAMP: return "timestamp";
    case BK_TYPE_TIMESTAMP_NTZ: return "timestamp_ntz";
    case BK_TYPE_TIME: return "time";
    default: return NULL;
    }
}

static bk_status put_str(bk_buf *b, const char *s) { return bk_buf_append(b, s, strlen(s)); }

static bk_status emit_type(bk_buf *b, const bk_type *t) {
    const char *name = scalar_name(t->kind);
    if (name) return bk_buf_printf(b, "\"%s\"", name);
    switch (t->kind) {
    case BK_TYPE_DECIMAL: return bk_buf_printf(b, "[\"decimal\",%d,%d]", t->precision, t->scale);
    case BK_TYPE_INTERVAL_YM: return bk_buf_printf(b, "[\"iym\",%d,%d]", t->precision, t->scale);
    case BK_TYPE_INTERVAL_DT: return bk_buf_printf(b, "[\"idt\",%d,%d]", t->precision, t->scale);
    case BK_TYPE_ARRAY:
        BK_TRY(put_str(b, "[\"array\","));
        BK_TRY(emit_type(b, t->children[0]));
        return bk_buf_append_u8(b, ']');
    case BK_TYPE_MAP:
        BK_TRY(put_str(b, "[\"map\","));
        BK_TRY(emit_type(b, t->children[0]));
        BK_TRY(bk_buf_append_u8(b, ','));
        BK_TRY(emit_type(b, t->children[1]));
        return bk_buf_append_u8(b, ']');
    case BK_TYPE_STRUCT:
        BK_TRY(put_str(b, "[\"struct\",["));
        for (uint32_t f = 0; f < t->n_children; f++) {
            if (f) BK_TRY(bk_buf_append_u8(b, ','));
            BK_TRY(bk_buf_append_u8(b, '['));
            BK_TRY(cli_json_string(b, t->field_names[f], strlen(t->field_names[f])));
            BK_TRY(bk_buf_append_u8(b, ','));
            BK_TRY(emit_type(b, t->children[f]));
            BK_TRY(bk_buf_append_u8(b, ']'));
        }
        return put_str(b, "]]");
    default: return bk_buf_printf(b, "\"unknown-kind-%d\"", (int)t->kind);
    }
}

static bk_status emit_value(bk_buf *b, const bk_vector *v, size_t row, const bk_tz *tz) {
    const bk_type *t = v->type;
    if (t->kind == BK_TYPE_VOID || !bk_vector_is_valid(v, row)) return put_str(b, "null");
    char text[128];
    switch (t->kind) {
    case BK_TYPE_BOOLEAN: return put_str(b, ((const uint8_t *)v->data)[row] ? "true" : "false");
    case BK_TYPE_TINYINT: return bk_buf_printf(b, "%d", ((const int8_t *)v->data)[row]);
    case BK_TYPE_SMALLINT: return bk_buf_printf(b, "%d", ((const int16_t *)v->data)[row]);
    case BK_TYPE_INT:
    case BK_TYPE_DATE:
    case BK_TYPE_INTERVAL_YM: return bk_buf_printf(b, "%d", ((const int32_t *)v->data)[row]);
    case BK_TYPE_BIGINT:
    case BK_TYPE_TIMESTAMP_NTZ:
    case BK_TYPE_TIME:
    case BK_TYPE_INTERVAL_DT:
        return bk_buf_printf(b, "%lld", (long long)((const int64_t *)v->data)[row]);
    case BK_TYPE_TIMESTAMP: {
        int64_t us = ((const int64_t *)v->data)[row];
        return bk_buf_printf(b, "%lld", (long long)(tz ? bk_tz_utc_to_local(tz, us) : us));
    }
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
    case BK_TYPE_DECIMAL:
        /* the CLI's JSON text: shortest digits / plain decimal, quoted or not */
        {
            bk_buf tmp;
            bk_buf_init(&tmp);
            bk_status st = cli_json_value(&tmp, v, row);
            if (st == BK_OK) {
                size_t n = tmp.len;
                const char *p = (const char *)tmp.data;
                if (n && p[0] == '"') {
                    p++;
                    n -= 2;
                }
                snprintf(text, sizeof text, "%.*s", (int)n, p);
                st = bk_buf_printf(b, "\"%s\"", text);
            }
            bk_buf_destroy(&tmp);
            return st;
        }
    case BK_TYPE_STRING: {
        bk_str s = ((const bk_str *)v->data)[row];
        return cli_json_string(b, s.ptr, s.len);
    }
    case BK_TYPE_BINARY: {
        bk_str s = ((const bk_str *)v->data)[row];
        BK_TRY(bk_buf_append_u8(b, '"'));
        BK_TRY(cli_base64_encode(b, (const uint8_t *)s.ptr, s.len));
        return bk_buf_append_u8(b, '"');
    }
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP:
        BK_TRY(bk_buf_append_u8(b, '['));
        for (int64_t k = v->offsets[row]; k < v->offsets[row + 1]; k++) {
            if (k > v->offsets[row]) BK_TRY(bk_buf_append_u8(b, ','));
            if (t->kind == BK_TYPE_ARRAY) {
                BK_TRY(emit_value(b, v->children[0], (size_t)k, tz));
            } else {
                BK_TRY(bk_buf_append_u8(b, '['));
                BK_TRY(emit_value(b, v->children[0], (size_t)k, tz));
                BK_TRY(bk_buf_append_u8(b, ','));
                BK_TRY(emit_value(b, v->children[1], (size_t)k, tz));
                BK_TRY(bk_buf_append_u8(b, ']'));
            }
        }
        return bk_buf_append_u8(b, ']');
    case BK_TYPE_STRUCT:
        BK_TRY(bk_buf_append_u8(b, '['));
        for (uint32_t f = 0; f < t->n_children; f++) {
            if (f) BK_TRY(bk_buf_append_u8(b, ','));
            BK_TRY(emit_value(b, v->children[f], row, tz));
        }
        return bk_buf_append_u8(b, ']');
    default: return bk_buf_printf(b, "\"unknown-kind-%d\"", (int)t->kind);
    }
}

static bk_status emit_result(bk_buf *b, const eng_result *r) {
    BK_TRY(put_str(b, "{\"ok\":true,\"stmt\":"));
    const char *stmt = r->statement ? r->statement : "";
    BK_TRY(cli_json_string(b, stmt, strlen(stmt)));
    BK_TRY(put_str(b, ",\"cols\":["));
    const exec_table *t = r->table;
    const bk_type *schema = t ? t->schema : NULL;
    uint32_t n_cols = schema ? schema->n_children : 0;
    for (uint32_t c = 0; c < n_cols; c++) {
        if (c) BK_TRY(bk_buf_append_u8(b, ','));
        BK_TRY(bk_buf_append_u8(b, '['));
        const char *name = schema->field_names[c];
        BK_TRY(cli_json_string(b, name, strlen(name)));
        BK_TRY(bk_buf_append_u8(b, ','));
        BK_TRY(emit_type(b, schema->children[c]));
        BK_TRY(bk_buf_append_u8(b, ']'));
    }
    BK_TRY(put_str(b, "],\"rows\":["));
    bool first = true;
    for (size_t i = 0; t && i < t->n_chunks; i++) {
        const exec_chunk *ch = &t->chunks[i];
        for (size_t row = 0; row < ch->n; row++) {
            if (!first) BK_TRY(bk_buf_append_u8(b, ','));
            first = false;
            BK_TRY(bk_buf_append_u8(b, '['));
            for (uint32_t c = 0; c < ch->n_cols; c++) {
                if (c) BK_TRY(bk_buf_append_u8(b, ','));
                BK_TRY(emit_value(b, ch->cols[c], row, r->tz));
            }
            BK_TRY(bk_buf_append_u8(b, ']'));
        }
    }
    return put_str(b, "]}\n");
}

static bk_status emit_error(bk_buf *b, const bk_error *err) {
    BK_TRY(put_str(b, "{\"ok\":false,\"class\":"));
    const char *cls = bk_code_name(err->code), *state = bk_code_sqlstate(err->code);
    BK_TRY(cli_json_string(b, cls, strlen(cls)));
    BK_TRY(put_str(b, ",\"sqlstate\":"));
    BK_TRY(cli_json_string(b, state ? state : "", state ? strlen(state) : 0));
    BK_TRY(put_str(b, ",\"msg\":"));
    BK_TRY(cli_json_string(b, err->msg, strlen(err->msg)));
    BK_TRY(put_str(b, ",\"detail\":"));
    BK_TRY(cli_json_string(b, err->detail, strlen(err->detail)));
    return bk_buf_printf(b, ",\"pos\":%d}\n", err->sql_pos);
}

/* ---- the loop ---- */

static int usage(void) {
    fprintf(stderr, "usage: golden_driver [--data DIR] [--timeout SECONDS]\n");
    return 2;
}

/* A non-negative decimal count from s, or -1 when s is not one. */
static long long parse_count(const char *s) {
    long long n = 0;
    if (!*s) return -1;
    for (; *s && *s != '\n'; s++) {
        if (*s < '0' || *s > '9' || n > 100000000LL) return -1;
        n = n * 10 + (*s - '0');
    }
    return n;
}

int main(int argc, char **argv) {
    const char *data = NULL;
    long long timeout = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) {
            data = argv[++i];
        } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
            if ((timeout = parse_count(argv[++i])) < 0) return usage();
        } else {
            return usage();
        }
    }
    bk_error err;
    bk_error_clear(&err);
    if (eng_session_open(&(eng_options){.data_dir = data}, &g_session, &err) != BK_OK) {
        fprintf(stderr, "golden_driver: %s\n", err.msg);
        return 2;
    }
    pthread_t dog;
    if (timeout > 0 && pthread_create(&dog, NULL, watchdog, NULL) != 0) return 2;
    char head[32];
    bk_buf out;
    bk_buf_init(&out);
    while (fgets(head, sizeof head, stdin)) {
        long long len = parse_count(head);
        if (len < 0) {
            fprintf(stderr, "golden_driver: bad frame header\n");
            return 2;
        }
        char *sql = bk_malloc((size_t)len + 1);
        if (!sql || fread(sql, 1, (size_t)len, stdin) != (size_t)len) {
            fprintf(stderr, "golden_driver: short frame\n");
            return 2;
        }
        sql[len] = '\0';
        eng_result *r = NULL;
        bk_error_clear(&err);
        if (timeout > 0) atomic_store(&g_deadline_ms, now_ms() + timeout * 1000);
        bk_status st = eng_execute(g_session, sql, (ptrdiff_t)len, &r, &err);
        atomic_store(&g_deadline_ms, 0);
        bk_buf_clear(&out);
        bk_status wst = st == BK_OK ? emit_result(&out, r) : emit_error(&out, &err);
        if (wst != BK_OK) {
            bk_buf_clear(&out);
            bk_error oom;
            bk_error_clear(&oom);
            bk_error_set(&oom, BK_OUT_OF_MEMORY, "golden_driver: could not encode the result");
            if (emit_error(&out, &oom) != BK_OK) return 2;
        }
        fwrite(out.data, 1, out.len, stdout);
        fflush(stdout);
        if (r) eng_result_free(r);
        bk_free(sql);
    }
    bk_buf_destroy(&out);
    eng_session_close(g_session);
    return 0;
}
