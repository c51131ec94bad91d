/*
 * cmd_parquet_write.c — `bricks parquet write`: CSV or JSON lines into a Parquet file.
 *
 *     bricks parquet write --from-csv IN.csv --schema "a INT, b STRING" OUT.parquet
 *     bricks parquet write --from-jsonl IN.jsonl --schema "a ARRAY<STRUCT<x: INT>>" OUT
 *
 * The schema is a comma list of `name TYPE` in Spark DDL (wrapped in STRUCT<…> and
 * parsed by bk_type_parse).  CSV input is flat; JSON lines may nest (jsonl_in.c).
 * Rows go to the writer in batches of BATCH_ROWS, each parsed into vectors in a
 * batch arena that is reset after the batch is written.  Any failure aborts the
 * writer, which removes the partial file: a failed write leaves no output.
 *
 * CSV rules: a header row names the columns (in any order; --no-header means the
 * schema's order), an empty unquoted field is NULL, a quoted empty field is the
 * empty string, and values are parsed by type (value_in.c).  Errors name the line
 * and column: `"in.csv": line 7, column "b": "abc" is not a valid INT`.
 */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "parquet/codec.h"
#include "parquet/parquet.h"

#define BATCH_ROWS 16384

static const char write_usage[] =
    "Usage: bricks parquet write (--from-csv IN.csv | --from-jsonl IN.jsonl)\n"
    "                            --schema \"name TYPE, …\" OUT.parquet [OPTIONS]\n"
    "\n"
    "Write rows from CSV (flat types) or JSON lines (any type, nested too) into a\n"
    "Parquet file.  IN may be - for standard input.  Types are Spark DDL: BOOLEAN,\n"
    "TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p,s), STRING, BINARY, DATE,\n"
    "TIMESTAMP, TIMESTAMP_NTZ, ARRAY<T>, MAP<K,V>, STRUCT<name: T, …>; add NOT NULL\n"
    "for a required column.\n"
    "\n"
    "Options:\n"
    "  --codec NAME          snappy (default), zstd, gzip, brotli, lz4_raw, none\n"
    "  --no-header           the CSV has no header row: fields are in schema order\n"
    "  --row-group-rows N    rows per row group (default 1048576)\n"
    "  --page-rows N         at most N rows per data page (default 20000)\n"
    "  --no-dictionary       never dictionary-encode\n"
    "  --data-page-v2        write DATA_PAGE_V2 pages\n"
    "  --no-statistics       omit column statistics\n"
    "\n"
    "CSV: RFC 4180; an empty unquoted field is NULL, \"\" is the empty string; BINARY\n"
    "is taken as the bytes of the field.  JSON lines: one object per line; DECIMAL as\n"
    "a string keeps every digit; BINARY is base64; MAP is an object (or an array of\n"
    "[key, value] pairs).  A failed write leaves no output file.\n";

typedef struct write_args {
    const char *csv_path, *jsonl_path, *schema_text, *out_path;
    bool no_header;
    pq_writer_opts opts;
} write_args;

/* ---- CSV ---- */

/* Map each CSV column to a schema field from the header (or in order). */
static bk_status map_columns(const char *name, const bk_type *schema, cli_csv_field *hdr,
                             size_t n_hdr, uint32_t *map, bk_error *err) {
    bool *seen = bk_calloc(schema->n_children ? schema->n_children : 1, sizeof *seen);
    if (!seen) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    bk_status st = BK_OK;
    for (size_t k = 0; k < n_hdr && st == BK_OK; k++) {
        uint32_t f = 0;
        while (f < schema->n_children && strcasecmp(schema->field_names[f], hdr[k].ptr) != 0) f++;
        if (f == schema->n_children)
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "\"%s\": line 1: column \"%s\" is not in the schema", name,
                              hdr[k].ptr);
        else if (seen[f])
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "\"%s\": line 1: column \"%s\" appears twice", name, hdr[k].ptr);
        else {
            seen[f] = true;
            map[k] = f;
        }
    }
    for (uint32_t f = 0; f < schema->n_children && st == BK_OK; f++)
        if (!seen[f])
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "\"%s\": line 1: the header has no column \"%s\"", name,
                              schema->field_names[f]);
    bk_free(seen);
    return st;
}

static bk_status make_batch(bk_arena *a, const bk_type *schema, bk_vector **cols, bk_error *err) {
    for (uint32_t f = 0; f < schema->n_children; f++) {
        cols[f] = bk_vector_make(a, schema->children[f], BATCH_ROWS);
        if (!cols[f]) return bk_arena_oom(a, err);
    }
    return BK_OK;
}

/* Store one CSV field into row `row` of its column. */
static bk_status put_field(bk_arena *a, const char *name, const bk_type *schema, uint32_t f,
                           bk_vector *v, size_t row, const cli_csv_field *fld, int64_t line,
                           bk_error *err) {
    if (fld->len == 0 && !fld->quoted) {
        if (schema->field_nullable && !schema->field_nullable[f])
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "\"%s\": line %lld, column \"%s\": NULL (an empty field) in a NOT "
                                "NULL column",
                                name, (long long)line, schema->field_names[f]);
        if (bk_vector_ensure_validity(a, v) != BK_OK) return bk_arena_oom(a, err);
        bk_validity_set(v->validity, row, false);
        return BK_OK;
    }
    char why[160];
    if (cli_parse_into(a, v, row, fld->ptr, fld->len, false, why, sizeof why)) return BK_OK;
    if (bk_arena_failed(a)) return bk_arena_oom(a, err);
    char tname[64];
    bk_type_format(v->type, tname, sizeof tname);
    int show = fld->len > 60 ? 60 : (int)fld->len;
    return bk_error_set(err, BK_INVALID_ARGUMENT,
                        "\"%s\": line %lld, column \"%s\": \"%.*s%s\" is not a valid %s%s%s", name,
                        (long long)line, schema->field_names[f], show, fld->ptr,
                        (size_t)show < fld->len ? "..." : "", tname, why[0] ? ": " : "", why);
}

static bk_status write_csv(FILE *in, const char *name, const bk_type *schema, bool header,
                           pq_writer *w, bk_arena *batch, bk_error *err) {
    cli_csv *csv = cli_csv_new(in, name);
    uint32_t n_cols = schema->n_children;
    uint32_t *map = bk_calloc(n_cols ? n_cols : 1, sizeof *map);
    bk_vector **cols = bk_calloc(n_cols ? n_cols : 1, sizeof *cols);
    bk_status st = csv && map && cols ? BK_OK
                                      : bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    cli_csv_field *fields;
    size_t n_fields;
    int64_t line;
    for (uint32_t f = 0; f < n_cols && map; f++) map[f] = f;
    if (st == BK_OK && header) {
        st = cli_csv_next(csv, &fields, &n_fields, &line, err);
        if (st == BK_OK && n_fields == 0)
            st = bk_error_set(err, BK_INVALID_ARGUMENT, "\"%s\": no header row (the file is empty)",
                              name);
        if (st == BK_OK && n_fields != n_cols)
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "\"%s\": line 1: the header has %zu columns, the schema %u", name,
                              n_fields, (unsigned)n_cols);
        if (st == BK_OK) st = map_columns(name, schema, fields, n_fields, map, err);
    }
    if (st == BK_OK) st = make_batch(batch, schema, cols, err);
    size_t n = 0;
    while (st == BK_OK) {
        st = cli_csv_next(csv, &fields, &n_fields, &line, err);
        if (st != BK_OK || n_fields == 0) break;
        if (n_fields != n_cols) {
            st = bk_error_set(err, BK_INVALID_ARGUMENT,
                              "\"%s\": line %lld: expected %u fields, found %zu", name,
                              (long long)line, (unsigned)n_cols, n_fields);
            break;
        }
        for (size_t k = 0; k < n_fields && st == BK_OK; k++)
            st = put_field(batch, name, schema, map[k], cols[map[k]], n, &fields[k], line, err);
        if (st == BK_OK && ++n == BATCH_ROWS) {
            st = pq_writer_write(w, cols, n, err);
            n = 0;
            bk_arena_reset(batch);
            if (st == BK_OK) st = make_batch(batch, schema, cols, err);
        }
    }
    if (st == BK_OK && n > 0) st = pq_writer_write(w, cols, n, err);
    bk_free(cols);
    bk_free(map);
    cli_csv_free(csv);
    return st;
}

/* ---- JSON lines ---- */

static bk_status write_jsonl(FILE *in, const char *name, const bk_type *schema, pq_writer *w,
                             bk_arena *batch, bk_error *err) {
    cli_jsonl *j = cli_jsonl_new(in, name, schema);
    bk_vector **cols = bk_calloc(schema->n_children ? schema->n_children : 1, sizeof *cols);
    bk_status st = j && cols ? BK_OK : bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    while (st == BK_OK) {
        size_t n;
        bk_arena_reset(batch);
        st = cli_jsonl_next(j, batch, BATCH_ROWS, cols, &n, err);
        if (st != BK_OK || n == 0) break;
        st = pq_writer_write(w, cols, n, err);
    }
    bk_free(cols);
    cli_jsonl_free(j);
    return st;
}

/* ---- the command ---- */

static int parse_args(int argc, char **argv, write_args *wa) {
    const char *cmd = "bricks parquet write";
    pq_writer_opts_default(&wa->opts);
    for (int i = 1; i < argc; i++) {
        const char *val;
        int m;
        int64_t count;
        if ((m = cli_opt_value(argc, argv, &i, "--from-csv", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            wa->csv_path = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--from-jsonl", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            wa->jsonl_path = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--schema", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            wa->schema_text = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--codec", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (!pq_codec_from_name(val, &wa->opts.codec) || !pq_codec_supported(wa->opts.codec))
                return cli_usage(cmd, "--codec: \"%s\" is not a supported codec", val);
        } else if ((m = cli_opt_value(argc, argv, &i, "--row-group-rows", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (!cli_parse_count(val, &count) || count < 1)
                return cli_usage(cmd, "--row-group-rows: \"%s\" is not a positive count", val);
            wa->opts.row_group_rows = count;
        } else if ((m = cli_opt_value(argc, argv, &i, "--page-rows", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (!cli_parse_count(val, &count) || count < 1)
                return cli_usage(cmd, "--page-rows: \"%s\" is not a positive count", val);
            wa->opts.page_rows = (size_t)count;
        } else if (strcmp(argv[i], "--no-header") == 0) {
            wa->no_header = true;
        } else if (strcmp(argv[i], "--no-dictionary") == 0) {
            wa->opts.no_dictionary = true;
        } else if (strcmp(argv[i], "--data-page-v2") == 0) {
            wa->opts.data_page_v2 = true;
        } else if (strcmp(argv[i], "--no-statistics") == 0) {
            wa->opts.no_statistics = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage(cmd, "unknown option \"%s\"", argv[i]);
        } else if (wa->out_path) {
            return cli_usage(cmd, "unexpected argument \"%s\"", argv[i]);
        } else {
            wa->out_path = argv[i];
        }
    }
    if (!wa->csv_path == !wa->jsonl_path)
        return cli_usage(cmd, "give exactly one of --from-csv and --from-jsonl");
    if (!wa->schema_text) return cli_usage(cmd, "missing --schema");
    if (!wa->out_path) return cli_usage(cmd, "missing the output file");
    if (wa->no_header && wa->jsonl_path)
        return cli_usage(cmd, "--no-header applies to --from-csv only");
    return CLI_EXIT_OK;
}

/* The --schema text as a STRUCT, checked for what the chosen input can carry. */
static int parse_schema(bk_arena *a, const write_args *wa, const bk_type **out) {
    const char *cmd = "bricks parquet write";
    const char *p = wa->schema_text;
    while (isspace((unsigned char)*p)) p++;
    if (!*p) return cli_usage(cmd, "--schema is empty");
    char *text = bk_arena_printf(a, "STRUCT<%s>", wa->schema_text);
    if (!text) return cli_fail("out of memory");
    char why[256];
    const bk_type *t = bk_type_parse(a, text, strlen(text), why, sizeof why);
    if (!t || t->kind != BK_TYPE_STRUCT) return cli_usage(cmd, "--schema: %s", why);
    for (uint32_t f = 0; f < t->n_children; f++) {
        const bk_type *ft = t->children[f];
        char tname[256];
        bk_type_format(ft, tname, sizeof tname);
        if (wa->csv_path && !cli_type_is_scalar(ft))
            return cli_usage(cmd,
                             "--schema: column \"%s\" is %s; --from-csv takes flat types only "
                             "(use --from-jsonl)",
                             t->field_names[f], tname);
    }
    *out = t;
    return CLI_EXIT_OK;
}

int cli_cmd_parquet_write(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(write_usage, stdout);
            return CLI_EXIT_OK;
        }
    }
    write_args wa;
    memset(&wa, 0, sizeof wa);
    int rc = parse_args(argc, argv, &wa);
    if (rc) return rc;
    bk_arena *a = bk_arena_new(NULL, "parquet write", 0);
    if (!a) return cli_fail("out of memory");
    const bk_type *schema = NULL;
    rc = parse_schema(a, &wa, &schema);
    if (rc) {
        bk_arena_free(a);
        return rc;
    }
    const char *in_path = wa.csv_path ? wa.csv_path : wa.jsonl_path;
    bool is_stdin = strcmp(in_path, "-") == 0;
    FILE *in = is_stdin ? stdin : fopen(in_path, "rb");
    if (!in) {
        rc = cli_fail("could not open \"%s\": %s", in_path, strerror(errno));
        bk_arena_free(a);
        return rc;
    }
    const char *in_name = is_stdin ? "standard input" : in_path;
    bk_error err;
    bk_error_clear(&err);
    pq_writer *w = NULL;
    bk_arena *batch = bk_arena_new(a, "parquet write batch", 0);
    bk_status st = batch ? BK_OK : bk_error_set(&err, BK_OUT_OF_MEMORY, "out of memory");
    if (st == BK_OK) st = pq_writer_open(wa.out_path, schema, &wa.opts, &w, &err);
    if (st == BK_OK) {
        if (wa.csv_path)
            st = write_csv(in, in_name, schema, !wa.no_header, w, batch, &err);
        else
            st = write_jsonl(in, in_name, schema, w, batch, &err);
        if (st == BK_OK) {
            st = pq_writer_close(w, &err);
        } else {
            pq_writer_abort(w);
        }
    }
    if (!is_stdin) fclose(in);
    bk_arena_free(a);
    return st == BK_OK ? CLI_EXIT_OK : cli_report(&err);
}
