/*
 * fuzz_parquet_reader.c — libFuzzer target: arbitrary bytes through the Parquet reader.
 *
 * Each input is opened as an in-memory Parquet file; when the footer decodes, every
 * column of every row group is read into vectors (in an arena capped at 256 MiB, with
 * pages capped at 64 MiB, so a decompression bomb is a clean error and not an OOM
 * kill), the vectors are checked against the invariants of vector.h, and the first
 * rows are printed as JSON through the CLI's formatter.  Then the same file goes
 * through pq_scan on the calling thread, whole and with an IS [NOT] NULL test on each
 * of its first fields (late materialization: the other fields pick the survivors).  Every error path must be clean: the
 * sanitizers (ASan, UBSan, LSan) turn a crash, an overflow or a leak into a finding.
 *
 *     make fuzz && fuzz/run.sh 600        (see fuzz/README.md)
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "cli/cli.h"
#include "parquet/parquet.h"

#define FUZZ_ARENA_LIMIT ((size_t)256 << 20)
#define FUZZ_MAX_PAGE ((size_t)64 << 20)
#define FUZZ_PRINT_ROWS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A reader bug, not an input problem: stop here so libFuzzer saves the input. */
static void invariant_failed(const char *what) {
    fprintf(stderr, "fuzz_parquet_reader: vector invariant broken: %s\n", what);
    abort();
}

/* Check vector.h's invariants for `v` and its children, recursively. */
static void check_vector(const bk_vector *v, int depth) {
    if (depth > 200) return;
    const bk_type *t = v->type;
    if (!t) invariant_failed("vector without a type");
    switch (t->kind) {
    case BK_TYPE_ARRAY:
    case BK_TYPE_MAP: {
        if (!v->offsets || !v->children || !v->children[0]) invariant_failed("missing offsets");
        if (v->offsets[0] != 0) invariant_failed("offsets[0] != 0");
        for (size_t i = 0; i < v->n; i++)
            if (v->offsets[i + 1] < v->offsets[i]) invariant_failed("offsets decrease");
        if ((size_t)v->offsets[v->n] != v->children[0]->n)
            invariant_failed("offsets[n] != child rows");
        if (t->kind == BK_TYPE_MAP) {
            if (!v->children[1] || v->children[1]->n != v->children[0]->n)
                invariant_failed("map keys and values differ in length");
            check_vector(v->children[1], depth + 1);
        }
        check_vector(v->children[0], depth + 1);
        break;
    }
    case BK_TYPE_STRUCT:
        for (uint32_t f = 0; f < t->n_children; f++) {
            if (!v->children || !v->children[f] || v->children[f]->n != v->n)
                invariant_failed("struct field rows != struct rows");
            check_vector(v->children[f], depth + 1);
        }
        break;
    case BK_TYPE_VOID:
        break;
    default:
        if (v->n > 0 && !v->data) invariant_failed("scalar vector without data");
        break;
    }
}

static bk_status ignore_rows(void *ctx, uint32_t row_group, bk_arena *a, bk_vector **cols,
                             size_t n_rows, bk_error *err) {
    (void)ctx, (void)row_group, (void)a, (void)err;
    (void)cols, (void)n_rows;
    return BK_OK;
}

/* A scan's vectors, `ctx` of them: the same rows in each, each well-formed. */
static bk_status check_rows(void *ctx, uint32_t row_group, bk_arena *a, bk_vector **cols,
                            size_t n_rows, bk_error *err) {
    (void)row_group, (void)a, (void)err;
    for (uint32_t f = 0; f < *(const uint32_t *)ctx; f++) {
        if (cols[f]->n != n_rows) invariant_failed("a scan's column differs from its rows");
        check_vector(cols[f], 0);
    }
    return BK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pq_reader_opts opts = {0};
    opts.max_page_bytes = FUZZ_MAX_PAGE;
    pq_reader *r;
    bk_error err;
    bk_error_clear(&err);
    if (pq_reader_open_memory(data, size, "fuzz.parquet", &opts, &r, &err) != BK_OK) return 0;

    bk_arena *a = bk_arena_new(NULL, "fuzz", FUZZ_ARENA_LIMIT);
    const bk_type *schema = pq_reader_schema(r);
    uint32_t n_fields = schema->n_children;
    uint32_t *fields = a ? bk_arena_array(a, n_fields ? n_fields : 1, sizeof *fields) : NULL;
    bk_vector **cols = a ? bk_arena_array(a, n_fields ? n_fields : 1, sizeof *cols) : NULL;
    bk_arena *rg_arena = a ? bk_arena_new(a, "fuzz row group", 0) : NULL;
    bk_buf out;
    bk_buf_init(&out);
    if (fields && cols && rg_arena) {
        for (uint32_t f = 0; f < n_fields; f++) fields[f] = f;
        for (uint32_t rg = 0; rg < pq_reader_num_row_groups(r); rg++) {
            bk_arena_reset(rg_arena);
            bk_error_clear(&err);
            if (n_fields == 0 ||
                pq_reader_read_row_group(r, rg_arena, rg, fields, n_fields, cols, &err) != BK_OK)
                continue;
            size_t n = cols[0]->n;
            for (uint32_t f = 0; f < n_fields; f++) {
                if (cols[f]->n != n) invariant_failed("columns of a row group differ in rows");
                if (cols[f]->type != schema->children[f] &&
                    !bk_type_equal(cols[f]->type, schema->children[f]))
                    invariant_failed("column type differs from the schema");
                check_vector(cols[f], 0);
            }
            for (size_t row = 0; row < n && row < FUZZ_PRINT_ROWS; row++) {
                for (uint32_t f = 0; f < n_fields; f++) {
                    bk_buf_clear(&out);
                    if (cli_json_value(&out, cols[f], row) != BK_OK) break;
                    bk_buf_clear(&out);
                    if (cli_csv_value(&out, cols[f], row) != BK_OK) break;
                }
            }
        }
        bk_error_clear(&err);
        pq_scan_opts so = {0};
        pq_scan_stats stats;
        (void)pq_scan(r, &so, ignore_rows, NULL, &stats, &err);
        /* late materialization: a NULL test on one field narrows the rows, the other
           fields then decode only the survivors (pq_column_read's picked rows) */
        for (uint32_t f = 0; f < n_fields && f < 4; f++) {
            for (int op = 0; op < 2; op++) {
                pq_predicate p = {f, op ? PQ_PRED_IS_NOT_NULL : PQ_PRED_IS_NULL, NULL, NULL};
                pq_scan_opts late = {.preds = &p, .n_preds = 1};
                bk_error_clear(&err);
                (void)pq_scan(r, &late, check_rows, &n_fields, &stats, &err);
            }
        }
    }
    bk_buf_destroy(&out);
    bk_arena_free(a);
    pq_reader_close(r);
    return 0;
}
