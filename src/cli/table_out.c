/*
 * table_out.c — printing a query result in the shell's modes.
 *
 *   box       aligned table with Unicode borders, column names and types, numbers
 *             right-aligned (like the duckdb shell); long results show the first
 *             and last rows with a "…" line between
 *   csv       RFC 4180 with a header line          tsv   tab-separated, header line
 *   json      one JSON array of objects             markdown  a pipe table
 *
 * Values print as Spark's CAST(x AS STRING) does (bk_vector_format_value), NULL as
 * "NULL"; JSON uses the typed forms of cli_json_value.
 */
#include <string.h>

#include "cli/cli.h"
#include "engine/exec/cast.h"
#include "engine/exec/exec.h"

/* Display width of UTF-8 text: code points (wide characters count one). */
static size_t text_width(const char *s, size_t len) {
    size_t w = 0;
    for (size_t i = 0; i < len; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static bool right_aligned(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
    case BK_TYPE_DECIMAL:
        return true;
    default:
        return false;
    }
}

/* Text of every cell of rows [0, n) that will be shown, as arena strings. */
typedef struct cells {
    const char **text;
    size_t *width;
} cells;

static bk_status cell_text(bk_arena *a, const bk_vector *v, size_t row, const char **out,
                           size_t *width) {
    bk_buf b;
    bk_buf_init(&b);
    /* TIMESTAMP in the session zone (cli_set_display_zone) */
    bk_status s = v->type->kind == BK_TYPE_TIMESTAMP && bk_vector_is_valid(v, row)
                      ? cli_text_value(&b, v, row)
                      : bk_vector_format_value(v, row, &b);
    if (s == BK_OK) {
        /* control characters would break the table: show them as spaces */
        for (size_t i = 0; i < b.len; i++)
            if (b.data[i] == '\n' || b.data[i] == '\t' || b.data[i] == '\r') b.data[i] = ' ';
        *out = bk_arena_strndup(a, b.len ? (const char *)b.data : "", b.len);
        *width = text_width(*out ? *out : "", b.len);
        if (!*out) s = BK_OUT_OF_MEMORY;
    }
    bk_buf_destroy(&b);
    return s;
}

static bk_status repeat(bk_buf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) BK_TRY(bk_buf_append(out, s, strlen(s)));
    return BK_OK;
}

/* text cut at a character boundary to width - 1 characters and "…" (in a); NULL on OOM. */
static const char *cut_text(bk_arena *a, const char *text, size_t width) {
    size_t keep = 0, chars = 0, len = strlen(text);
    while (keep < len && chars < width - 1) {
        keep++;
        while (keep < len && ((unsigned char)text[keep] & 0xC0) == 0x80) keep++;
        chars++;
    }
    return bk_arena_printf(a, "%.*s…", (int)keep, text);
}

static bk_status pad_cell(bk_buf *out, const char *text, size_t width, size_t col_width,
                          bool right) {
    size_t pad = col_width > width ? col_width - width : 0;
    BK_TRY(bk_buf_append_u8(out, ' '));
    if (right) BK_TRY(repeat(out, " ", pad));
    BK_TRY(bk_buf_append(out, text, strlen(text)));
    if (!right) BK_TRY(repeat(out, " ", pad));
    return bk_buf_append_u8(out, ' ');
}

static bk_status border(bk_buf *out, const size_t *widths, uint32_t n, const char *l, const char *m,
                        const char *r) {
    BK_TRY(bk_buf_append(out, l, strlen(l)));
    for (uint32_t k = 0; k < n; k++) {
        if (k) BK_TRY(bk_buf_append(out, m, strlen(m)));
        BK_TRY(repeat(out, "─", widths[k] + 2));
    }
    BK_TRY(bk_buf_append(out, r, strlen(r)));
    return bk_buf_append_u8(out, '\n');
}

/* The table's row `row` as (chunk, offset). */
static void locate(const exec_table *t, size_t row, const exec_chunk **c, size_t *off) {
    size_t i = 0;
    while (row >= t->chunks[i].n) row -= t->chunks[i++].n;
    *c = &t->chunks[i];
    *off = row;
}

static bk_status print_box(bk_arena *a, bk_buf *out, const char *const *names, const exec_table *t,
                           size_t max_rows) {
    uint32_t n_cols = t->schema->n_children;
    size_t n = t->n_rows;
    bool cut = max_rows && n > max_rows;
    size_t shown = cut ? max_rows : n, head = cut ? (max_rows + 1) / 2 : n;
    size_t *widths = bk_arena_zalloc(a, (n_cols ? n_cols : 1) * sizeof *widths);
    char **type_names = bk_arena_zalloc(a, (n_cols ? n_cols : 1) * sizeof *type_names);
    cells *cs = bk_arena_zalloc(a, (n_cols ? n_cols : 1) * sizeof *cs);
    if (!widths || !type_names || !cs) return BK_OUT_OF_MEMORY;
    for (uint32_t k = 0; k < n_cols; k++) {
        char tn[128];
        bk_type_format(t->schema->children[k], tn, sizeof tn);
        for (char *p = tn; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        type_names[k] = bk_arena_strdup(a, tn);
        cs[k].text = bk_arena_zalloc(a, (shown ? shown : 1) * sizeof *cs[k].text);
        cs[k].width = bk_arena_zalloc(a, (shown ? shown : 1) * sizeof *cs[k].width);
        if (!type_names[k] || !cs[k].text || !cs[k].width) return BK_OUT_OF_MEMORY;
        widths[k] = BK_MAX(text_width(names[k], strlen(names[k])), strlen(tn));
    }
    for (size_t i = 0; i < shown; i++) {
        size_t row = i < head ? i : n - (shown - i);
        const exec_chunk *c;
        size_t off;
        locate(t, row, &c, &off);
        for (uint32_t k = 0; k < n_cols; k++) {
            BK_TRY(cell_text(a, c->cols[k], off, &cs[k].text[i], &cs[k].width[i]));
            widths[k] = BK_MAX(widths[k], cs[k].width[i]);
        }
    }
    for (uint32_t k = 0; k < n_cols; k++)
        if (widths[k] > 60) widths[k] = 60; /* wider cells are cut with "…" below */
    BK_TRY(border(out, widths, n_cols, "┌", "┬", "┐"));
    for (int line = 0; line < 2; line++) {
        BK_TRY(bk_buf_append(out, "│", strlen("│")));
        for (uint32_t k = 0; k < n_cols; k++) {
            const char *text = line == 0 ? names[k] : type_names[k];
            size_t w = text_width(text, strlen(text));
            if (w > widths[k]) { /* a header past the 60-column cap, cut like the cells */
                if (!(text = cut_text(a, text, widths[k]))) return BK_OUT_OF_MEMORY;
                w = widths[k];
            }
            size_t pad = widths[k] > w ? widths[k] - w : 0;
            BK_TRY(bk_buf_append_u8(out, ' '));
            BK_TRY(repeat(out, " ", pad / 2));
            BK_TRY(bk_buf_append(out, text, strlen(text)));
            BK_TRY(repeat(out, " ", pad - pad / 2));
            BK_TRY(bk_buf_append(out, " │", strlen(" │")));
        }
        BK_TRY(bk_buf_append_u8(out, '\n'));
    }
    BK_TRY(border(out, widths, n_cols, "├", "┼", "┤"));
    for (size_t i = 0; i < shown; i++) {
        if (cut && i == head) {
            BK_TRY(bk_buf_append(out, "│", strlen("│")));
            for (uint32_t k = 0; k < n_cols; k++) {
                BK_TRY(pad_cell(out, "…", 1, widths[k], false));
                BK_TRY(bk_buf_append(out, "│", strlen("│")));
            }
            BK_TRY(bk_buf_append_u8(out, '\n'));
        }
        BK_TRY(bk_buf_append(out, "│", strlen("│")));
        for (uint32_t k = 0; k < n_cols; k++) {
            const char *text = cs[k].text[i];
            size_t w = cs[k].width[i];
            if (w > widths[k]) {
                if (!(text = cut_text(a, text, widths[k]))) return BK_OUT_OF_MEMORY;
                w = widths[k];
            }
            BK_TRY(pad_cell(out, text, w, widths[k], right_aligned(t->schema->children[k])));
            BK_TRY(bk_buf_append(out, "│", strlen("│")));
        }
        BK_TRY(bk_buf_append_u8(out, '\n'));
    }
    BK_TRY(border(out, widths, n_cols, "└", "┴", "┘"));
    if (cut) BK_TRY(bk_buf_printf(out, "%zu rows (%zu shown)\n", n, shown));
    return BK_OK;
}

static bk_status print_delimited(bk_arena *a, bk_buf *out, const char *const *names,
                                 const exec_table *t, cli_table_mode mode) {
    uint32_t n_cols = t->schema->n_children;
    const char *sep = mode == CLI_MODE_TSV ? "\t" : mode == CLI_MODE_MARKDOWN ? " | " : ",";
    const char *lead = mode == CLI_MODE_MARKDOWN ? "| " : "";
    const char *tail = mode == CLI_MODE_MARKDOWN ? " |" : "";
    const char *eol = mode == CLI_MODE_CSV ? "\r\n" : "\n";
    BK_TRY(bk_buf_append(out, lead, strlen(lead)));
    for (uint32_t k = 0; k < n_cols; k++) {
        if (k) BK_TRY(bk_buf_append(out, sep, strlen(sep)));
        if (mode == CLI_MODE_CSV)
            BK_TRY(cli_csv_string(out, names[k], strlen(names[k])));
        else
            BK_TRY(bk_buf_append(out, names[k], strlen(names[k])));
    }
    BK_TRY(bk_buf_printf(out, "%s%s", tail, eol));
    if (mode == CLI_MODE_MARKDOWN) {
        BK_TRY(bk_buf_append(out, "|", 1));
        for (uint32_t k = 0; k < n_cols; k++)
            BK_TRY(
                bk_buf_printf(out, "%s|", right_aligned(t->schema->children[k]) ? "---:" : "---"));
        BK_TRY(bk_buf_append(out, "\n", 1));
    }
    for (size_t i = 0; i < t->n_chunks; i++) {
        const exec_chunk *c = &t->chunks[i];
        for (size_t r = 0; r < c->n; r++) {
            BK_TRY(bk_buf_append(out, lead, strlen(lead)));
            for (uint32_t k = 0; k < n_cols; k++) {
                if (k) BK_TRY(bk_buf_append(out, sep, strlen(sep)));
                if (mode == CLI_MODE_CSV) {
                    BK_TRY(cli_csv_value(out, c->cols[k], r));
                } else {
                    const char *text;
                    size_t w;
                    BK_TRY(cell_text(a, c->cols[k], r, &text, &w));
                    BK_TRY(bk_buf_append(out, text, strlen(text)));
                }
            }
            BK_TRY(bk_buf_printf(out, "%s%s", tail, eol));
            BK_TRY(cli_flush(out, 1 << 18, NULL));
        }
    }
    return BK_OK;
}

static bk_status print_json(bk_buf *out, const char *const *names, const exec_table *t) {
    uint32_t n_cols = t->schema->n_children;
    BK_TRY(bk_buf_append_u8(out, '['));
    bool first = true;
    for (size_t i = 0; i < t->n_chunks; i++) {
        const exec_chunk *c = &t->chunks[i];
        for (size_t r = 0; r < c->n; r++) {
            BK_TRY(bk_buf_append(out, first ? "\n{" : ",\n{", first ? 2 : 3));
            first = false;
            for (uint32_t k = 0; k < n_cols; k++) {
                if (k) BK_TRY(bk_buf_append_u8(out, ','));
                BK_TRY(cli_json_string(out, names[k], strlen(names[k])));
                BK_TRY(bk_buf_append_u8(out, ':'));
                BK_TRY(cli_json_value(out, c->cols[k], r));
            }
            BK_TRY(bk_buf_append_u8(out, '}'));
            BK_TRY(cli_flush(out, 1 << 18, NULL));
        }
    }
    return bk_buf_append(out, first ? "]\n" : "\n]\n", first ? 2 : 3);
}

/*
 * t with the TIMESTAMPs inside nested columns turned into the display zone's wall
 * clock (exec_vector_localize), so the formatter prints them as Spark does; t itself
 * when there is no zone.  Top-level TIMESTAMPs are converted cell by cell.
 */
static bk_status localized(bk_arena *a, const exec_table *t, const exec_table **out) {
    *out = t;
    if (!cli_display_zone()) return BK_OK;
    exec_tz zone;
    exec_tz_from(cli_display_zone(), &zone);
    exec_table *copy = exec_table_make(a, t->schema);
    if (!copy) return BK_OUT_OF_MEMORY;
    bk_error err;
    bk_error_clear(&err);
    for (size_t i = 0; i < t->n_chunks; i++) {
        exec_chunk c = t->chunks[i];
        c.cols = bk_arena_array(a, c.n_cols ? c.n_cols : 1, sizeof *c.cols);
        if (!c.cols) return BK_OUT_OF_MEMORY;
        for (uint32_t k = 0; k < c.n_cols; k++) {
            const bk_vector *v = t->chunks[i].cols[k];
            if (bk_type_is_nested(v->type)) v = exec_vector_localize(a, v, &zone);
            if (!v) return BK_OUT_OF_MEMORY;
            c.cols[k] = (bk_vector *)v;
        }
        if (exec_table_push(copy, &c, &err) != BK_OK) return BK_OUT_OF_MEMORY;
    }
    *out = copy;
    return BK_OK;
}

bk_status cli_print_table(bk_arena *a, bk_buf *out, cli_table_mode mode, const exec_table *t,
                          size_t max_rows) {
    BK_TRY(localized(a, t, &t));
    const char *const *names = t->schema->field_names;
    switch (mode) {
    case CLI_MODE_BOX:
        return print_box(a, out, names, t, max_rows);
    case CLI_MODE_JSON:
        return print_json(out, names, t);
    case CLI_MODE_CSV:
    case CLI_MODE_TSV:
    case CLI_MODE_MARKDOWN:
        return print_delimited(a, out, names, t, mode);
    }
    return BK_OK;
}

bool cli_table_mode_parse(const char *s, cli_table_mode *out) {
    static const struct {
        const char *name;
        cli_table_mode mode;
    } modes[] = {{"box", CLI_MODE_BOX},
                 {"csv", CLI_MODE_CSV},
                 {"json", CLI_MODE_JSON},
                 {"tsv", CLI_MODE_TSV},
                 {"markdown", CLI_MODE_MARKDOWN}};
    for (size_t i = 0; i < BK_ARRAY_LEN(modes); i++)
        if (strcmp(s, modes[i].name) == 0) {
            *out = modes[i].mode;
            return true;
        }
    return false;
}
