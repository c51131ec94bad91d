/*
 * slt_runner.c — the SQL logic test runner (sqllogictest style) for tests/sql/.
 *
 *     slt_runner [--verbose] FILE.test...
 *
 * A file is a list of records separated by blank lines; each runs in one
 * session per file, in order:
 *
 *     statement ok                   the statement must succeed
 *     <sql>
 *
 *     statement error CLASS          it must fail with that error class
 *     <sql>                          ("statement error" alone: any error)
 *     [----                          optional: each line after "----" must occur
 *     <part of the message>...]      in the error message (the text after "[CLASS]")
 *
 * CLASS is matched against the full class "CLASS.SUB" of the error (bk_error_class):
 * a name with a '.' must equal it exactly; a name without one matches the class
 * itself or, for an error with a sub-class, its parent ("DATATYPE_MISMATCH" matches
 * DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES).  --verbose notes the records that match
 * by the parent only, so they can be made exact.
 *
 *     query <types> [rowsort]        the rows must equal the expected rows
 *     <sql>
 *     ----
 *     <row: values separated by a tab>
 *
 * <types> has one letter per column (I integer, R floating, T text, B boolean,
 * D decimal, ? other), checked against the column count.  Values print as Spark's
 * CAST(x AS STRING) does, NULL as NULL, the empty string as (empty).  With
 * rowsort, both sides are sorted as text before comparing.  Lines starting with
 * '#' are comments.  `halt` stops the file; `skipif bricks` skips the next record.
 *
 * Prints one line per failing record (file:line and what differed) and ends with
 * "N passed, N failed" (one test per record); exit status 1 when any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/mem.h"
#include "base/tz.h"
#include "engine/engine.h"
#include "engine/exec/cast.h"

typedef struct lines {
    char **items;
    size_t n, cap;
} lines;

static void lines_push(lines *l, char *s) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        char **items = bk_realloc(l->items, l->cap * sizeof *items);
        if (!items) {
            fprintf(stderr, "slt_runner: out of memory\n");
            exit(2);
        }
        l->items = items;
    }
    l->items[l->n++] = s;
}

static void lines_free(lines *l) {
    for (size_t i = 0; i < l->n; i++) bk_free(l->items[i]);
    bk_free(l->items);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rows of a result as tab-separated text lines. */
/* A TIMESTAMP as the wall clock of the session zone, the way Spark shows it. */
static bk_status format_cell(const bk_vector *v, size_t r, const bk_tz *tz, bk_buf *b) {
    if (tz && bk_type_is_nested(v->type)) { /* TIMESTAMPs inside: the session zone too */
        bk_arena *a = bk_arena_new(NULL, "slt cell", 0);
        exec_tz zone;
        exec_tz_from(tz, &zone);
        const bk_vector *local = a ? exec_vector_localize(a, v, &zone) : NULL;
        bk_status st = local ? bk_vector_format_value(local, r, b) : BK_OUT_OF_MEMORY;
        bk_arena_free(a);
        return st;
    }
    if (v->type->kind != BK_TYPE_TIMESTAMP || !tz || !bk_vector_is_valid(v, r))
        return bk_vector_format_value(v, r, b);
    char text[64];
    size_t n = bk_format_timestamp_micros(bk_tz_utc_to_local(tz, ((const int64_t *)v->data)[r]),
                                          text, sizeof text);
    return bk_buf_append(b, text, n < sizeof text ? n : sizeof text - 1);
}

static void render_rows(const exec_table *t, const bk_tz *tz, lines *out) {
    bk_buf b;
    bk_buf_init(&b);
    for (size_t i = 0; i < t->n_chunks; i++) {
        const exec_chunk *c = &t->chunks[i];
        for (size_t r = 0; r < c->n; r++) {
            bk_buf_clear(&b);
            for (uint32_t k = 0; k < c->n_cols; k++) {
                if (k && bk_buf_append_u8(&b, '\t') != BK_OK) exit(2);
                size_t before = b.len;
                if (format_cell(c->cols[k], r, tz, &b) != BK_OK) exit(2);
                if (b.len == before && bk_vector_is_valid(c->cols[k], r) &&
                    bk_buf_append(&b, "(empty)", 7) != BK_OK)
                    exit(2);
            }
            char *s = bk_malloc(b.len + 1);
            if (!s) exit(2);
            if (b.len) memcpy(s, b.data, b.len);
            s[b.len] = '\0';
            lines_push(out, s);
        }
    }
    bk_buf_destroy(&b);
}

typedef struct file_run {
    const char *path;
    int passed, failed;
    bool verbose;
} file_run;

static void fail(file_run *fr, int line, const char *fmt, const char *a, const char *b) {
    fr->failed++;
    fprintf(stdout, "FAIL %s:%d: ", fr->path, line);
    fprintf(stdout, fmt, a, b);
    fputc('\n', stdout);
}

/* "CLASS.SUB" of err, in a static buffer (the runner is single-threaded). */
static const char *error_class(const bk_error *err) {
    static char cls[BK_ERROR_CLASS_MAX];
    return bk_error_class(err, cls, sizeof cls);
}

/*
 * A failed `statement error WANT` record: WANT (may be "") against err's full class
 * (see the header for the rule), then each expected line as a part of the message.
 */
static void check_error(file_run *fr, int line_no, const char *want, const bk_error *err,
                        const lines *parts) {
    const char *got = error_class(err);
    size_t parent_len = strcspn(got, ".");
    bool exact = strcmp(want, got) == 0;
    bool by_parent = !exact && !strchr(want, '.') && strlen(want) == parent_len &&
                     strncmp(want, got, parent_len) == 0;
    if (*want && !exact && !by_parent) {
        fail(fr, line_no, "expected error %s, got %s", want, got);
        fprintf(stdout, "    %s\n", err->msg);
        return;
    }
    for (size_t k = 0; k < parts->n; k++)
        if (!strstr(err->msg, parts->items[k])) {
            fail(fr, line_no, "the message lacks \"%s\"%s", parts->items[k], "");
            fprintf(stdout, "    [%s] %s\n", got, err->msg);
            return;
        }
    if (by_parent && fr->verbose)
        fprintf(stdout, "note %s:%d: %s matched by its parent; the full class is %s\n", fr->path,
                line_no, want, got);
    fr->passed++;
}

/* Read a whole file as lines (without their '\n'). */
static bool read_lines(const char *path, lines *out) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    bk_buf b;
    bk_buf_init(&b);
    int c;
    for (;;) {
        c = fgetc(f);
        if (c == EOF || c == '\n') {
            if (c == EOF && b.len == 0) break;
            size_t len = b.len;
            if (len && b.data[len - 1] == '\r') len--;
            char *s = bk_malloc(len + 1);
            if (!s) exit(2);
            if (len) memcpy(s, b.data, len);
            s[len] = '\0';
            lines_push(out, s);
            bk_buf_clear(&b);
            if (c == EOF) break;
            continue;
        }
        if (bk_buf_append_u8(&b, (uint8_t)c) != BK_OK) exit(2);
    }
    bk_buf_destroy(&b);
    fclose(f);
    return true;
}

static void run_file(file_run *fr) {
    lines src = {0};
    if (!read_lines(fr->path, &src)) {
        fprintf(stdout, "FAIL %s: cannot read the file\n", fr->path);
        fr->failed++;
        return;
    }
    eng_session *s;
    bk_error err;
    bk_error_clear(&err);
    eng_options o = {0};
    if (eng_session_open(&o, &s, &err) != BK_OK) {
        fprintf(stdout, "FAIL %s: cannot open a session: %s\n", fr->path, err.msg);
        fr->failed++;
        lines_free(&src);
        return;
    }
    bool skip_next = false;
    size_t i = 0;
    while (i < src.n) {
        char *head = src.items[i];
        if (head[0] == '\0' || head[0] == '#') {
            i++;
            continue;
        }
        int line_no = (int)i + 1;
        if (strcmp(head, "halt") == 0) break;
        if (strcmp(head, "skipif bricks") == 0) {
            skip_next = true;
            i++;
            continue;
        }
        bool is_query = strncmp(head, "query", 5) == 0;
        bool is_stmt = strncmp(head, "statement", 9) == 0;
        i++;
        /* the SQL: lines up to a blank line or "----" */
        bk_buf sql;
        bk_buf_init(&sql);
        while (i < src.n && src.items[i][0] != '\0' && strcmp(src.items[i], "----") != 0) {
            if (sql.len && bk_buf_append_u8(&sql, '\n') != BK_OK) exit(2);
            if (bk_buf_append(&sql, src.items[i], strlen(src.items[i])) != BK_OK) exit(2);
            i++;
        }
        lines expected = {0};
        if (i < src.n && strcmp(src.items[i], "----") == 0) {
            i++;
            while (i < src.n && src.items[i][0] != '\0') {
                lines_push(&expected, bk_strdup(src.items[i]));
                i++;
            }
        }
        if (bk_buf_append_u8(&sql, '\0') != BK_OK) exit(2);
        const char *text = (const char *)sql.data;
        if (skip_next || (!is_query && !is_stmt)) {
            if (!is_query && !is_stmt) fail(fr, line_no, "unknown record \"%s\"%s", head, "");
            skip_next = false;
            bk_buf_destroy(&sql);
            lines_free(&expected);
            continue;
        }
        eng_result *r = NULL;
        bk_error_clear(&err);
        bk_status st = eng_execute(s, text, -1, &r, &err);
        if (is_stmt) {
            const char *want_err = strncmp(head, "statement error", 15) == 0 ? head + 15 : NULL;
            if (want_err) {
                while (*want_err == ' ') want_err++;
                if (st == BK_OK)
                    fail(fr, line_no, "expected an error %s, the statement succeeded%s", want_err,
                         "");
                else
                    check_error(fr, line_no, want_err, &err, &expected);
            } else if (st != BK_OK) {
                fail(fr, line_no, "statement failed: [%s] %s", error_class(&err), err.msg);
            } else {
                fr->passed++;
            }
        } else if (st != BK_OK) {
            fail(fr, line_no, "query failed: [%s] %s", error_class(&err), err.msg);
        } else {
            /* query <types> [rowsort] */
            char types[64] = "";
            char mode[32] = "";
            const char *p = head + 5;
            while (*p == ' ') p++;
            size_t tl = strcspn(p, " ");
            if (tl >= sizeof types) tl = sizeof types - 1;
            memcpy(types, p, tl);
            types[tl] = '\0';
            p += strcspn(p, " ");
            while (*p == ' ') p++;
            snprintf(mode, sizeof mode, "%s", p);
            lines got = {0};
            render_rows(r->table, r->tz, &got);
            uint32_t n_cols = r->table->schema->n_children;
            if (strlen(types) != n_cols) {
                char a[32], b[32];
                snprintf(a, sizeof a, "%zu", strlen(types));
                snprintf(b, sizeof b, "%u", n_cols);
                fail(fr, line_no, "expected %s columns, got %s", a, b);
            } else {
                if (strcmp(mode, "rowsort") == 0) {
                    if (got.n > 1) qsort(got.items, got.n, sizeof *got.items, cmp_str);
                    if (expected.n > 1)
                        qsort(expected.items, expected.n, sizeof *expected.items, cmp_str);
                }
                bool same = got.n == expected.n;
                for (size_t k = 0; same && k < got.n; k++)
                    same = strcmp(got.items[k], expected.items[k]) == 0;
                if (same) {
                    fr->passed++;
                } else {
                    fail(fr, line_no, "wrong rows for: %s%s", text, "");
                    fprintf(stdout, "    expected (%zu rows):\n", expected.n);
                    for (size_t k = 0; k < expected.n && k < 20; k++)
                        fprintf(stdout, "      %s\n", expected.items[k]);
                    fprintf(stdout, "    got (%zu rows):\n", got.n);
                    for (size_t k = 0; k < got.n && k < 20; k++)
                        fprintf(stdout, "      %s\n", got.items[k]);
                }
            }
            lines_free(&got);
        }
        if (r) eng_result_free(r);
        bk_buf_destroy(&sql);
        lines_free(&expected);
    }
    eng_session_close(s);
    lines_free(&src);
}

int main(int argc, char **argv) {
    bk_mem_init();
    bool verbose = false;
    int passed = 0, failed = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--verbose") == 0) {
            verbose = true;
            continue;
        }
        file_run fr = {.path = argv[a], .verbose = verbose};
        run_file(&fr);
        if (verbose) printf("%s: %d passed, %d failed\n", fr.path, fr.passed, fr.failed);
        passed += fr.passed;
        failed += fr.failed;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
