/*
 * parquet_in.c — the rows of a Parquet file as batches in a table's column order,
 * for `bricks delta write --from-parquet`.
 *
 * Each table field is found in the file by name (case-insensitively, as Delta and
 * Spark resolve columns) and must have the same type; extra file columns are
 * ignored.  A batch is one row group, decoded by the Parquet reader with the
 * projection the mapping gives, so nothing is converted row by row.
 */
#include <strings.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "parquet/parquet.h"

struct cli_parquet_in {
    pq_reader *reader;
    const char *path;
    const bk_type *table; /* the STRUCT read into (cli_parquet_in_map) */
    uint32_t *fields; /* per table field: its index in the file's schema */
    uint32_t n_fields;
    uint32_t next_rg;
};

/* The file's top-level field named `name` (case-insensitive), or -1. */
static int64_t find_field(const bk_type *file, const char *name) {
    for (uint32_t i = 0; i < file->n_children; i++)
        if (strcasecmp(file->field_names[i], name) == 0) return i;
    return -1;
}

bk_status cli_parquet_in_map(cli_parquet_in *p, const bk_type *table, bk_error *err) {
    const char *path = p->path;
    const bk_type *file = pq_reader_schema(p->reader);
    p->table = table;
    bk_free(p->fields);
    p->n_fields = table->n_children;
    p->fields = bk_calloc(table->n_children ? table->n_children : 1, sizeof *p->fields);
    if (!p->fields) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    for (uint32_t k = 0; k < table->n_children; k++) {
        const char *name = table->field_names[k];
        int64_t at = find_field(file, name);
        if (at < 0)
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "parquet file \"%s\" has no column \"%s\" of the table", path,
                                name);
        if (!bk_type_equal(file->children[at], table->children[k])) {
            char want[128], got[128];
            bk_type_format(table->children[k], want, sizeof want);
            bk_type_format(file->children[at], got, sizeof got);
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "parquet file \"%s\": column \"%s\" is %s, the table's is %s",
                                path, name, got, want);
        }
        p->fields[k] = (uint32_t)at;
    }
    return BK_OK;
}

bk_status cli_parquet_in_open(const char *path, cli_parquet_in **out, bk_error *err) {
    *out = NULL;
    cli_parquet_in *p = bk_calloc(1, sizeof *p);
    if (!p) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    p->path = path;
    bk_status s = pq_reader_open(path, NULL, &p->reader, err);
    if (s != BK_OK) {
        cli_parquet_in_close(p);
        return s;
    }
    *out = p;
    return BK_OK;
}

const bk_type *cli_parquet_in_schema(const cli_parquet_in *p) {
    return pq_reader_schema(p->reader);
}

/* A NULL in a column the table declares NOT NULL fails the write, as Delta requires. */
static bk_status check_not_null(const cli_parquet_in *p, uint32_t rg, bk_vector **cols,
                                bk_error *err) {
    const bk_type *t = p->table;
    if (!t || !t->field_nullable) return BK_OK;
    for (uint32_t k = 0; k < p->n_fields; k++) {
        if (t->field_nullable[k] || !cols[k]->validity) continue;
        for (size_t i = 0; i < cols[k]->n; i++)
            if (!bk_vector_is_valid(cols[k], i))
                return bk_error_set(err, BK_INVALID_ARGUMENT,
                                    "parquet file \"%s\": row group %u holds a NULL in column "
                                    "\"%s\", which the table declares NOT NULL",
                                    p->path, rg, t->field_names[k]);
    }
    return BK_OK;
}

bk_status cli_parquet_in_next(cli_parquet_in *p, bk_arena *a, bk_vector **cols, size_t *n_rows,
                              bk_error *err) {
    *n_rows = 0;
    while (p->next_rg < pq_reader_num_row_groups(p->reader)) {
        uint32_t rg = p->next_rg++;
        BK_TRY(pq_reader_read_row_group(p->reader, a, rg, p->fields, p->n_fields, cols, err));
        size_t n = p->n_fields ? cols[0]->n : 0;
        if (n == 0) continue; /* an empty row group adds nothing */
        BK_TRY(check_not_null(p, rg, cols, err));
        *n_rows = n;
        return BK_OK;
    }
    return BK_OK;
}

void cli_parquet_in_close(cli_parquet_in *p) {
    if (!p) return;
    pq_reader_close(p->reader);
    bk_free(p->fields);
    bk_free(p);
}
