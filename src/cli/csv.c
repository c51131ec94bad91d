/*
 * csv.c — an RFC 4180 record reader for `bricks parquet write --from-csv`.
 *
 * Fields are separated by commas and records by LF, CRLF or a lone CR.  A field in
 * double quotes may hold commas, line breaks and doubled quotes ("" for ").  The
 * reader remembers whether each field was quoted, so the caller can tell an empty
 * quoted field (the empty string) from an empty unquoted one (NULL).  A quote
 * inside an unquoted field is taken literally, as most producers expect.
 *
 * Input is read in 64 KiB blocks; a record's bytes are gathered in one growable
 * buffer, each field NUL-terminated, so the fields of a record stay valid until the
 * next call.  Memory: O(longest record).
 */
#include "cli/cli.h"

#include <errno.h>
#include <string.h>

#include "base/mem.h"

#define CSV_BLOCK 65536

struct cli_csv {
    FILE *f;
    const char *name;
    uint8_t block[CSV_BLOCK];
    size_t pos, len; /* unread bytes are block[pos..len) */
    bool eof;        /* f has no more bytes (block may still hold some) */
    bool io_error;
    int64_t line;    /* line number of the next unread byte (1-based) */
    bk_buf record;   /* field bytes, each followed by a NUL */
    size_t *starts;  /* byte offset of each field in `record` */
    bool *quoted;
    cli_csv_field *fields;
    size_t n_cap;
};

cli_csv *cli_csv_new(FILE *f, const char *name) {
    cli_csv *c = bk_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->f = f;
    c->name = name;
    c->line = 1;
    bk_buf_init(&c->record);
    return c;
}

void cli_csv_free(cli_csv *c) {
    if (!c) return;
    bk_buf_destroy(&c->record);
    bk_free(c->starts);
    bk_free(c->quoted);
    bk_free(c->fields);
    bk_free(c);
}

/* The next byte, or -1 at the end of input. */
static int next_byte(cli_csv *c) {
    if (c->pos == c->len) {
        if (c->eof) return -1;
        c->len = fread(c->block, 1, sizeof c->block, c->f);
        c->pos = 0;
        if (c->len < sizeof c->block) {
            c->eof = true;
            if (ferror(c->f)) c->io_error = true;
        }
        if (c->len == 0) return -1;
    }
    return c->block[c->pos++];
}

static int peek_byte(cli_csv *c) {
    int b = next_byte(c);
    if (b >= 0) c->pos--;
    return b;
}

/* Start field number `idx` at the current end of the record buffer. */
static bk_status begin_field(cli_csv *c, size_t idx, bool quoted) {
    if (idx >= c->n_cap) {
        size_t cap = c->n_cap ? c->n_cap * 2 : 16;
        size_t *starts = bk_realloc(c->starts, cap * sizeof *starts);
        if (!starts) return BK_OUT_OF_MEMORY;
        c->starts = starts;
        bool *q = bk_realloc(c->quoted, cap * sizeof *q);
        if (!q) return BK_OUT_OF_MEMORY;
        c->quoted = q;
        cli_csv_field *fields = bk_realloc(c->fields, cap * sizeof *fields);
        if (!fields) return BK_OUT_OF_MEMORY;
        c->fields = fields;
        c->n_cap = cap;
    }
    c->starts[idx] = c->record.len;
    c->quoted[idx] = quoted;
    return BK_OK;
}

static bk_status csv_oom(const cli_csv *c, bk_error *err) {
    return bk_error_set(err, BK_OUT_OF_MEMORY, "\"%s\": line %lld: out of memory", c->name,
                        (long long)c->line);
}

bk_status cli_csv_next(cli_csv *c, cli_csv_field **fields, size_t *n_fields, int64_t *line,
                       bk_error *err) {
    *n_fields = 0;
    *line = c->line;
    bk_buf_clear(&c->record);
    int b = next_byte(c);
    if (b < 0) {
        if (c->io_error)
            return bk_error_set(err, BK_IO, "could not read \"%s\": %s", c->name, strerror(errno));
        return BK_OK;
    }
    size_t n = 0;
    bool end_of_record = false;
    while (!end_of_record) {
        bool quoted = b == '"';
        if (begin_field(c, n, quoted) != BK_OK) return csv_oom(c, err);
        if (quoted) {
            int64_t open_line = c->line;
            for (;;) {
                b = next_byte(c);
                if (b < 0)
                    return bk_error_set(err, BK_CORRUPT,
                                        "\"%s\": line %lld: quoted field is not closed", c->name,
                                        (long long)open_line);
                if (b == '"') {
                    if (peek_byte(c) != '"') break;
                    next_byte(c); /* "" is one quote */
                } else if (b == '\n') {
                    c->line++;
                }
                if (bk_buf_append_u8(&c->record, (uint8_t)b) != BK_OK) return csv_oom(c, err);
            }
            b = next_byte(c);
            if (b >= 0 && b != ',' && b != '\n' && b != '\r')
                return bk_error_set(err, BK_CORRUPT,
                                    "\"%s\": line %lld: unexpected text after a closing quote",
                                    c->name, (long long)c->line);
        } else {
            while (b >= 0 && b != ',' && b != '\n' && b != '\r') {
                if (bk_buf_append_u8(&c->record, (uint8_t)b) != BK_OK) return csv_oom(c, err);
                b = next_byte(c);
            }
        }
        if (bk_buf_append_u8(&c->record, 0) != BK_OK) return csv_oom(c, err);
        n++;
        if (b == ',') {
            b = next_byte(c);
            if (b < 0 || b == '\n' || b == '\r') { /* a trailing comma: one more empty field */
                if (begin_field(c, n, false) != BK_OK ||
                    bk_buf_append_u8(&c->record, 0) != BK_OK)
                    return csv_oom(c, err);
                n++;
                end_of_record = true;
            }
        } else {
            end_of_record = true;
        }
        if (end_of_record) {
            if (b == '\r' && peek_byte(c) == '\n') next_byte(c);
            if (b == '\n' || b == '\r') c->line++;
        }
    }
    if (c->io_error)
        return bk_error_set(err, BK_IO, "could not read \"%s\": %s", c->name, strerror(errno));
    for (size_t k = 0; k < n; k++) {
        c->fields[k].ptr = (const char *)c->record.data + c->starts[k];
        c->fields[k].len = (k + 1 < n ? c->starts[k + 1] : c->record.len) - c->starts[k] - 1;
        c->fields[k].quoted = c->quoted[k];
    }
    *fields = c->fields;
    *n_fields = n;
    return BK_OK;
}
