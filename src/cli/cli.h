/*
 * cli.h — what the files of the `bricks` command line share.
 *
 * The CLI is the top layer (DESIGN §2): it parses flags, calls the layers below and
 * prints.  It owns no data model of its own, only the text forms of values:
 *
 *   out.c        buffered stdout, error printing, flag helpers
 *   value_out.c  one vector row as JSON or as a CSV field (cat)
 *   value_in.c   one text value parsed into a vector slot (write --from-csv/jsonl)
 *                (dates and times through base/clock.h)
 *   csv.c        an RFC 4180 record reader
 *   jsonl_in.c   JSON lines (jansson) into nested vectors
 *   cmd_parquet.c, cmd_parquet_write.c   the `bricks parquet …` subcommands
 *
 * Exit codes: 0 success, 1 runtime error (bad file, bad value), 2 usage error.
 * Error text goes to stderr as "bricks: <message>".
 */
#ifndef BRICKS_CLI_CLI_H
#define BRICKS_CLI_CLI_H

#include <stdio.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/types.h"
#include "base/vector.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 1
#define CLI_EXIT_USAGE 2

/* ---- out.c: messages, buffered output, flags ---- */

/* Print "bricks: <message>" (and "bricks: detail: …" when set) to stderr; returns 1. */
int cli_report(const bk_error *err);
/* Print "bricks: <formatted>" to stderr; returns CLI_EXIT_ERROR. */
int cli_fail(const char *fmt, ...) BK_PRINTF(1, 2);
/* Print "bricks: <formatted>" and a hint to run --help; returns CLI_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) BK_PRINTF(2, 3);

/*
 * Flush the bytes of `b` to stdout when more than `threshold` are buffered (0 =
 * always), then clear it.  BK_IO when stdout cannot be written.
 */
bk_status cli_flush(bk_buf *b, size_t threshold, bk_error *err);

/*
 * Parse a size such as "512", "64K", "256M", "2G" (powers of 1024).  Returns false
 * on anything else.
 */
bool cli_parse_size(const char *s, size_t *out);
/* A non-negative decimal integer that fits in int64_t. */
bool cli_parse_count(const char *s, int64_t *out);

/*
 * Match option `name` ("--limit") at argv[*i], as "--limit N" or "--limit=N".
 * Returns 1 and sets *value (advancing *i past a separate value), 0 when argv[*i] is
 * another argument, -1 when the value is missing (after printing a usage error).
 */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value);

/* Seconds from a monotonic clock. */
double cli_now(void);

/* ---- value_out.c: vector rows as text ---- */

/*
 * Append row `row` of `v` as a JSON value: numbers for integers and floats
 * (NaN/Infinity as the strings "NaN", "Infinity", "-Infinity"), DECIMAL as a string
 * with its scale ("12.30"), strings escaped (invalid UTF-8 as \ufffd), BINARY as
 * base64, DATE "YYYY-MM-DD", TIMESTAMP "YYYY-MM-DD HH:MM:SS[.ffffff]" (trailing
 * zeros of the fraction trimmed), arrays as arrays, structs as objects, maps as
 * objects with the keys' text as names.
 */
bk_status cli_json_value(bk_buf *out, const bk_vector *v, size_t row) BK_MUST_USE;

/* Append `s` as a JSON string (quotes included). */
bk_status cli_json_string(bk_buf *out, const char *s, size_t len) BK_MUST_USE;

/*
 * Append row `row` of `v` as one RFC 4180 CSV field: NULL is an empty field, an
 * empty string is "", values that hold a comma, quote, CR or LF are quoted; nested
 * values are written as their JSON text.
 */
bk_status cli_csv_value(bk_buf *out, const bk_vector *v, size_t row) BK_MUST_USE;
/* Append `s` as one CSV field, quoted when needed (always when `len` is 0). */
bk_status cli_csv_string(bk_buf *out, const char *s, size_t len) BK_MUST_USE;

/* TIMESTAMP values print as wall-clock times in tz (the session zone); NULL = UTC. */
struct bk_tz;
void cli_set_display_zone(const struct bk_tz *tz);
const struct bk_tz *cli_display_zone(void);

/*
 * The bare text of a scalar value (no JSON quoting): what a map key becomes and
 * what `meta` prints for statistics.  Nested values give their JSON text.
 */
bk_status cli_text_value(bk_buf *out, const bk_vector *v, size_t row) BK_MUST_USE;

/* Shortest text that reads back as the same double / float ("0.1", "1e+300"). */
void cli_format_double(double d, char *dst, size_t cap);
void cli_format_float(float f, char *dst, size_t cap);
/* Unscaled decimal digits with the point inserted ("-12.30"); 128-bit form. */
void cli_format_decimal64(int64_t unscaled, int scale, char *dst, size_t cap);
void cli_format_decimal128(bk_i128 unscaled, int scale, char *dst, size_t cap);

/*
 * Parse "YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]]" with an optional zone suffix
 * ("Z", "UTC", "+HH:MM", "-HHMM", "+HH") into µs since the epoch.  The zone is
 * applied when `allow_zone` (TIMESTAMP) and refused otherwise (TIMESTAMP_NTZ).
 */
bool cli_parse_timestamp(const char *s, size_t len, bool allow_zone, int64_t *out, char *why,
                         size_t cap);

/* ---- value_in.c: text into a vector slot ---- */

/*
 * Parse `text` as a value of scalar vector `v`'s type and store it in row `row`
 * (string bytes are copied into `a`).  `json_strings` selects the JSON-lines
 * reading of BINARY (base64) instead of the bytes as they are.  On failure returns
 * false with a short reason in `why` ("out of range for INT").
 */
bool cli_parse_into(bk_arena *a, bk_vector *v, size_t row, const char *text, size_t len,
                    bool binary_base64, char *why, size_t cap);

/* Whether every level of `t` is a kind `cli_parse_into` can read from text. */
bool cli_type_is_scalar(const bk_type *t);

/* Base64 (RFC 4648, with padding). */
bk_status cli_base64_encode(bk_buf *out, const uint8_t *data, size_t len) BK_MUST_USE;
/* Decoded bytes into `a`; false on bad input. */
bool cli_base64_decode(bk_arena *a, const char *s, size_t len, bk_str *out);

/* ---- csv.c: RFC 4180 records ---- */

typedef struct cli_csv_field {
    const char *ptr; /* into the reader's record buffer, NUL-terminated */
    size_t len;
    bool quoted; /* the field was written in quotes (so "" is an empty string, not NULL) */
} cli_csv_field;

typedef struct cli_csv cli_csv;

/* Read records from `f` (not closed by the reader).  NULL on OOM. */
cli_csv *cli_csv_new(FILE *f, const char *name);
void cli_csv_free(cli_csv *c);
/*
 * The next record: *fields valid until the next call.  *n_fields is 0 at the end of
 * input.  *line receives the line number where the record starts.  BK_CORRUPT on an
 * unterminated quote or stray quote, naming the line.
 */
bk_status cli_csv_next(cli_csv *c, cli_csv_field **fields, size_t *n_fields, int64_t *line,
                       bk_error *err);

/* ---- jsonl_in.c: JSON lines into vectors ---- */

typedef struct cli_jsonl cli_jsonl;

/* Read JSON objects, one per line, from `f` for the fields of STRUCT `schema`. */
cli_jsonl *cli_jsonl_new(FILE *f, const char *name, const bk_type *schema);
void cli_jsonl_free(cli_jsonl *j);
/*
 * Read up to `max_rows` rows into one vector per schema field (in `a`).  *n_rows is 0
 * at the end of input.  Errors name the line and the column path.
 */
bk_status cli_jsonl_next(cli_jsonl *j, bk_arena *a, size_t max_rows, bk_vector **cols,
                         size_t *n_rows, bk_error *err);

/* ---- parquet_in.c: a Parquet file's rows in a table's column order ---- */

typedef struct cli_parquet_in cli_parquet_in;

/* Open the Parquet file `path` (errors name it); map it before reading. */
bk_status cli_parquet_in_open(const char *path, cli_parquet_in **out, bk_error *err);
/*
 * Read the fields of STRUCT `table` from the file: matched by name (case-insensitive),
 * same types.  Errors name the file and the first column missing or of another type.
 */
bk_status cli_parquet_in_map(cli_parquet_in *p, const bk_type *table, bk_error *err);
/* The file's own schema (a STRUCT), e.g. to create a table like it. */
const bk_type *cli_parquet_in_schema(const cli_parquet_in *p);
/* The next row group as one vector per table field (in `a`); *n_rows is 0 at the end. */
bk_status cli_parquet_in_next(cli_parquet_in *p, bk_arena *a, bk_vector **cols, size_t *n_rows,
                              bk_error *err);
void cli_parquet_in_close(cli_parquet_in *p); /* NULL is a no-op */

/* ---- commands ---- */

/* ---- rows_out.c: result rows as JSON lines or CSV ---- */

typedef enum out_format { FORMAT_JSONL, FORMAT_CSV } out_format;

/* The CSV header line (nothing for JSON lines). */
bk_status cli_rows_header(bk_buf *out, out_format fmt, const char *const *names,
                          uint32_t n_cols) BK_MUST_USE;
/*
 * Rows [0, n_rows) of `cols`: one JSON object per line keyed by `names`, or CSV
 * records.  Flushes `out` to stdout as it grows.
 */
bk_status cli_rows_print(bk_buf *out, out_format fmt, const char *const *names,
                         bk_vector *const *cols, uint32_t n_cols, size_t n_rows,
                         bk_error *err) BK_MUST_USE;

/* ---- table_out.c: query results in the shell's modes ---- */

typedef enum cli_table_mode {
    CLI_MODE_BOX,
    CLI_MODE_CSV,
    CLI_MODE_JSON,
    CLI_MODE_TSV,
    CLI_MODE_MARKDOWN
} cli_table_mode;

struct exec_table;
/*
 * Print every row of `t` (column names from its schema) in `mode`; in box mode
 * at most `max_rows` rows (0 = all: the first and last halves, "…" between).
 * Scratch text lives in `a`.
 */
bk_status cli_print_table(bk_arena *a, bk_buf *out, cli_table_mode mode,
                          const struct exec_table *t, size_t max_rows) BK_MUST_USE;
/* "box", "csv", "json", "tsv", "markdown". */
bool cli_table_mode_parse(const char *s, cli_table_mode *out);

/* ---- where.c: --where for the delta commands ---- */

struct delta_schema;
struct pq_predicate;
/*
 * Parse a conjunction of `col = < <= > >= literal`, `col IN (…)`, `col IS [NOT]
 * NULL` into at most max_preds predicates on schema fields (values in `a`).
 * Returns -1 on success, else the exit code after printing a usage error for `cmd`.
 */
int cli_parse_where(bk_arena *a, const char *cmd, const struct delta_schema *schema,
                    const char *text, struct pq_predicate *preds, uint32_t max_preds,
                    uint32_t *n_preds);

/* ---- commands ---- */

int cli_cmd_parquet(int argc, char **argv);
int cli_cmd_delta(int argc, char **argv);
/* cmd_sql.c: `bricks sql` */
int cli_cmd_sql(int argc, char **argv);
/* write, delete, vacuum, optimize, checkpoint; -1 when `sub` is none of them. */
int cli_cmd_delta_change(const char *sub, int argc, char **argv);
int cli_cmd_parquet_write(int argc, char **argv);
/* cmd_serve.c: `bricks serve` */
int cli_cmd_serve(int argc, char **argv);

#endif
