/*
 * svc_notebook.c — notebook formats and conversions (see svc_notebook.h).
 *
 * Text is built in a heap bk_buf and copied into the caller's arena at the end,
 * so a failure leaves nothing behind but arena memory.  Jupyter JSON is read and
 * written with jansson.
 */
#include "services/svc_notebook.h"

#include <jansson.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"

static const char *const lang_names[] = {NULL, "PYTHON", "SQL", "SCALA", "R"};
static const char *const lang_lower[] = {NULL, "python", "sql", "scala", "r"};
static const char *const lang_exts[] = {NULL, "py", "sql", "scala", "r"};
static const char *const lang_comment[] = {"#", "#", "--", "//", "#"};
static const char *const format_names[] = {"SOURCE", "SOURCE", "AUTO", "HTML", "JUPYTER",
                                           "DBC", "RAW", "R_MARKDOWN"};

const char *svc_nb_lang_name(svc_nb_lang lang) {
    return (unsigned)lang < BK_ARRAY_LEN(lang_names) ? lang_names[lang] : NULL;
}

bool svc_nb_lang_parse(const char *s, svc_nb_lang *out) {
    for (int i = 1; i < (int)BK_ARRAY_LEN(lang_names); i++)
        if (s && strcmp(s, lang_names[i]) == 0) {
            *out = (svc_nb_lang)i;
            return true;
        }
    return false;
}

const char *svc_nb_lang_lower(svc_nb_lang lang) {
    return (unsigned)lang < BK_ARRAY_LEN(lang_lower) ? lang_lower[lang] : NULL;
}

svc_nb_lang svc_nb_lang_from_lower(const char *s) {
    for (int i = 1; i < (int)BK_ARRAY_LEN(lang_lower); i++)
        if (s && strcasecmp(s, lang_lower[i]) == 0) return (svc_nb_lang)i;
    return SVC_NB_NONE;
}

const char *svc_nb_lang_ext(svc_nb_lang lang) {
    return (unsigned)lang < BK_ARRAY_LEN(lang_exts) ? lang_exts[lang] : NULL;
}

svc_nb_lang svc_nb_lang_of_path(const char *path, size_t *ext_len) {
    static const struct {
        const char *ext;
        svc_nb_lang lang;
    } exts[] = {{".py", SVC_NB_PYTHON}, {".sql", SVC_NB_SQL}, {".scala", SVC_NB_SCALA},
                {".r", SVC_NB_R},       {".R", SVC_NB_R}};
    size_t len = strlen(path);
    for (size_t i = 0; i < BK_ARRAY_LEN(exts); i++) {
        size_t el = strlen(exts[i].ext);
        if (len > el && strcmp(path + len - el, exts[i].ext) == 0 && path[len - el - 1] != '/') {
            if (ext_len) *ext_len = el;
            return exts[i].lang;
        }
    }
    if (ext_len) *ext_len = 0;
    return SVC_NB_NONE;
}

const char *svc_ws_format_name(svc_ws_format f) {
    return (unsigned)f < BK_ARRAY_LEN(format_names) ? format_names[f] : "SOURCE";
}

bool svc_ws_format_parse(const char *s, svc_ws_format *out) {
    for (int i = 1; i < (int)BK_ARRAY_LEN(format_names); i++)
        if (s && strcmp(s, format_names[i]) == 0) {
            *out = (svc_ws_format)i;
            return true;
        }
    return false;
}

static const char *comment_of(svc_nb_lang lang) {
    return (unsigned)lang < BK_ARRAY_LEN(lang_comment) ? lang_comment[lang] : "#";
}

/* Length of the line starting at text (without its "\n" or "\r\n"). */
static size_t line_len(const char *text, size_t len, size_t *next) {
    size_t n = 0;
    while (n < len && text[n] != '\n') n++;
    *next = n < len ? n + 1 : n;
    if (n > 0 && text[n - 1] == '\r') n--;
    return n;
}

/* Whether line [p, p+n) is `prefix` followed only by spaces. */
static bool line_is(const char *p, size_t n, const char *c, const char *rest) {
    size_t cl = strlen(c), rl = strlen(rest);
    if (n < cl + rl || memcmp(p, c, cl) != 0 || memcmp(p + cl, rest, rl) != 0) return false;
    for (size_t i = cl + rl; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t') return false;
    return true;
}

bool svc_nb_has_header(const char *text, size_t len, svc_nb_lang lang) {
    size_t next;
    size_t n = line_len(text, len, &next);
    return line_is(text, n, comment_of(lang), " Databricks notebook source");
}

/* Copy the buffer into the arena as a NUL-terminated string; always destroys `b`. */
static bk_status finish(bk_arena *a, bk_buf *b, bk_status st, char **out, size_t *out_len,
                        bk_error *err) {
    if (st != BK_OK) {
        bk_buf_destroy(b);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    }
    char *s = bk_arena_alloc(a, b->len + 1);
    if (!s) {
        bk_buf_destroy(b);
        return bk_arena_oom(a, err);
    }
    if (b->len) memcpy(s, b->data, b->len);
    s[b->len] = '\0';
    *out = s;
    *out_len = b->len;
    bk_buf_destroy(b);
    return BK_OK;
}

bk_status svc_nb_source_from_import(bk_arena *a, svc_nb_lang lang, const char *text, size_t len,
                                    char **out, size_t *out_len, bk_error *err) {
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = BK_OK;
    if (!svc_nb_has_header(text, len, lang))
        st = bk_buf_printf(&b, "%s Databricks notebook source\n", comment_of(lang));
    if (st == BK_OK && len) st = bk_buf_append(&b, text, len);
    return finish(a, &b, st, out, out_len, err);
}

/* A growable cell array in the arena. */
static bk_status push_cell(bk_arena *a, svc_nb *nb, size_t *cap, const char *text, size_t len,
                           bk_error *err) {
    if (nb->n_cells == *cap) {
        size_t new_cap = *cap ? *cap * 2 : 8;
        svc_nb_cell *grown = bk_arena_array(a, new_cap, sizeof *grown);
        if (!grown) return bk_arena_oom(a, err);
        if (nb->n_cells) memcpy(grown, nb->cells, nb->n_cells * sizeof *grown);
        nb->cells = grown;
        *cap = new_cap;
    }
    char *copy = bk_arena_strndup(a, text, len);
    if (!copy) return bk_arena_oom(a, err);
    nb->cells[nb->n_cells].text = copy;
    nb->cells[nb->n_cells].len = len;
    nb->n_cells++;
    return BK_OK;
}

/*
 * One SOURCE cell, lines [start, end) of the text: blank lines at both ends are
 * dropped; when every line is a "<c> MAGIC" line the prefixes are removed.
 */
static bk_status add_source_cell(bk_arena *a, svc_nb *nb, size_t *cap, const char *c,
                                 const char *text, size_t start, size_t end, bk_error *err) {
    /* Trim blank lines. */
    while (start < end) {
        size_t next, n = line_len(text + start, end - start, &next);
        bool blank = true;
        for (size_t i = 0; i < n; i++)
            if (text[start + i] != ' ' && text[start + i] != '\t') blank = false;
        if (!blank) break;
        start += next;
    }
    while (end > start) {
        size_t ls = end;
        if (ls > start && text[ls - 1] == '\n') ls--;
        while (ls > start && text[ls - 1] != '\n') ls--;
        bool blank = true;
        for (size_t i = ls; i < end; i++)
            if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
                blank = false;
        if (!blank) break;
        end = ls;
    }
    /* Drop the final newline of the last kept line. */
    if (end > start && text[end - 1] == '\n') end--;
    if (end > start && text[end - 1] == '\r') end--;
    if (end <= start) return BK_OK;
    char magic[16];
    snprintf(magic, sizeof magic, "%s MAGIC", c);
    size_t ml = strlen(magic);
    bool all_magic = true;
    for (size_t pos = start; pos < end;) {
        size_t next, n = line_len(text + pos, end - pos, &next);
        if (n < ml || memcmp(text + pos, magic, ml) != 0 || (n > ml && text[pos + ml] != ' '))
            all_magic = false;
        pos += next;
    }
    if (!all_magic) return push_cell(a, nb, cap, text + start, end - start, err);
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = BK_OK;
    for (size_t pos = start; pos < end && st == BK_OK;) {
        size_t next, n = line_len(text + pos, end - pos, &next);
        size_t skip = n > ml ? ml + 1 : ml;
        if (pos != start) st = bk_buf_append_u8(&b, '\n');
        if (st == BK_OK && n > skip) st = bk_buf_append(&b, text + pos + skip, n - skip);
        pos += next;
    }
    if (st != BK_OK) {
        bk_buf_destroy(&b);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    }
    st = push_cell(a, nb, cap, b.len ? (const char *)b.data : "", b.len, err);
    bk_buf_destroy(&b);
    return st;
}

bk_status svc_nb_parse_source(bk_arena *a, svc_nb_lang lang, const char *text, size_t len,
                              svc_nb *out, bk_error *err) {
    memset(out, 0, sizeof *out);
    out->lang = lang;
    const char *c = comment_of(lang);
    size_t pos = 0, cap = 0;
    if (svc_nb_has_header(text, len, lang)) line_len(text, len, &pos);
    size_t cell_start = pos;
    while (pos < len) {
        size_t next, n = line_len(text + pos, len - pos, &next);
        if (line_is(text + pos, n, c, " COMMAND ----------")) {
            BK_TRY(add_source_cell(a, out, &cap, c, text, cell_start, pos, err));
            cell_start = pos + next;
        }
        pos += next;
    }
    return add_source_cell(a, out, &cap, c, text, cell_start, len, err);
}

bk_status svc_nb_render_source(bk_arena *a, const svc_nb *nb, char **out, size_t *out_len,
                               bk_error *err) {
    const char *c = comment_of(nb->lang);
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = bk_buf_printf(&b, "%s Databricks notebook source\n", c);
    for (size_t i = 0; i < nb->n_cells && st == BK_OK; i++) {
        const svc_nb_cell *cell = &nb->cells[i];
        if (i > 0) st = bk_buf_printf(&b, "\n\n%s COMMAND ----------\n\n", c);
        if (st != BK_OK) break;
        if (cell->len == 0 || cell->text[0] != '%') {
            st = bk_buf_append(&b, cell->text, cell->len);
            continue;
        }
        for (size_t pos = 0; pos < cell->len && st == BK_OK;) {
            size_t next, n = line_len(cell->text + pos, cell->len - pos, &next);
            if (pos > 0) st = bk_buf_append_u8(&b, '\n');
            if (st == BK_OK) st = bk_buf_printf(&b, "%s MAGIC%s", c, n ? " " : "");
            if (st == BK_OK && n) st = bk_buf_append(&b, cell->text + pos, n);
            pos += next;
        }
    }
    return finish(a, &b, st, out, out_len, err);
}

/* ---- Jupyter ---- */

/* A cell's "source": a string or an array of strings, concatenated. */
static bk_status jupyter_source(bk_arena *a, json_t *src, bk_buf *b, bk_error *err) {
    (void)a;
    if (json_is_string(src)) {
        if (bk_buf_append(b, json_string_value(src), json_string_length(src)) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
        return BK_OK;
    }
    if (!json_is_array(src))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "not a valid Jupyter notebook: a cell's \"source\" is neither a"
                            " string nor a list of strings");
    size_t i;
    json_t *part;
    json_array_foreach(src, i, part) {
        if (!json_is_string(part))
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "not a valid Jupyter notebook: a cell's \"source\" holds a"
                                " non-string");
        if (bk_buf_append(b, json_string_value(part), json_string_length(part)) != BK_OK)
            return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    }
    return BK_OK;
}

static void release_json(void *p) { json_decref(p); }

bk_status svc_nb_parse_jupyter(bk_arena *a, const char *text, size_t len, svc_nb_lang dflt,
                               svc_nb *out, bk_error *err) {
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_ALLOW_NUL, &jerr);
    if (!root)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "not a valid Jupyter notebook: invalid JSON at line %d column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (!bk_arena_own(a, release_json, root)) {
        json_decref(root);
        return bk_arena_oom(a, err);
    }
    json_t *cells = json_object_get(root, "cells");
    if (!json_is_object(root) || !json_is_array(cells))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "not a valid Jupyter notebook: no \"cells\" list");
    json_t *meta = json_object_get(root, "metadata");
    svc_nb_lang lang = SVC_NB_NONE;
    const char *name = NULL;
    json_t *dbx = json_object_get(meta, "application/vnd.databricks.v1+notebook");
    if (dbx) {
        lang = svc_nb_lang_from_lower(json_string_value(json_object_get(dbx, "language")));
        name = json_string_value(json_object_get(dbx, "notebookName"));
    }
    if (!lang)
        lang = svc_nb_lang_from_lower(
            json_string_value(json_object_get(json_object_get(meta, "language_info"), "name")));
    if (!lang)
        lang = svc_nb_lang_from_lower(
            json_string_value(json_object_get(json_object_get(meta, "kernelspec"), "language")));
    out->lang = lang ? lang : dflt ? dflt : SVC_NB_PYTHON;
    out->name = name ? bk_arena_strdup(a, name) : NULL;
    size_t i, cap = 0;
    json_t *cell;
    json_array_foreach(cells, i, cell) {
        const char *type = json_string_value(json_object_get(cell, "cell_type"));
        bk_buf b;
        bk_buf_init(&b);
        bk_status st = BK_OK;
        bool md = type && strcmp(type, "markdown") == 0;
        if (md && bk_buf_append(&b, "%md\n", 4) != BK_OK)
            st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
        if (st == BK_OK) st = jupyter_source(a, json_object_get(cell, "source"), &b, err);
        /* Jupyter lines end in "\n"; the last one usually does not: drop a trailing one. */
        if (st == BK_OK && b.len && b.data[b.len - 1] == '\n') b.len--;
        if (st == BK_OK)
            st = push_cell(a, out, &cap, b.len ? (const char *)b.data : "", b.len, err);
        bk_buf_destroy(&b);
        BK_TRY(st);
    }
    return BK_OK;
}

/* The lines of `text` as a JSON array of strings, each but the last ending in "\n". */
static json_t *json_lines(const char *text, size_t len) {
    json_t *arr = json_array();
    for (size_t pos = 0; arr && pos < len;) {
        size_t end = pos;
        while (end < len && text[end] != '\n') end++;
        if (end < len) end++;
        if (json_array_append_new(arr, json_stringn(text + pos, end - pos)) != 0) {
            json_decref(arr);
            return NULL;
        }
        pos = end;
    }
    return arr;
}

/* Whether a command is a markdown cell ("%md" on its first line); *body: after that line. */
static bool is_markdown(const svc_nb_cell *cell, size_t *body) {
    if (cell->len < 3 || memcmp(cell->text, "%md", 3) != 0) return false;
    if (cell->len > 3 && cell->text[3] != '\n' && cell->text[3] != ' ' && cell->text[3] != '\r')
        return false;
    size_t next;
    line_len(cell->text, cell->len, &next);
    *body = next;
    return true;
}

bk_status svc_nb_render_jupyter(bk_arena *a, const svc_nb *nb, char **out, size_t *out_len,
                                bk_error *err) {
    const char *lower = svc_nb_lang_lower(nb->lang ? nb->lang : SVC_NB_PYTHON);
    json_t *cells = json_array();
    for (size_t i = 0; cells && i < nb->n_cells; i++) {
        const svc_nb_cell *cell = &nb->cells[i];
        size_t body = 0;
        bool md = is_markdown(cell, &body);
        json_t *c = md ? json_pack("{s:s, s:{}, s:o?}", "cell_type", "markdown", "metadata",
                                   "source", json_lines(cell->text + body, cell->len - body))
                       : json_pack("{s:s, s:n, s:{}, s:[], s:o?}", "cell_type", "code",
                                   "execution_count", "metadata", "outputs", "source",
                                   json_lines(cell->text, cell->len));
        if (!c || json_array_append_new(cells, c) != 0) {
            json_decref(cells);
            cells = NULL;
        }
    }
    json_t *root =
        cells ? json_pack("{s:o, s:{s:{s:s, s:s?}, s:{s:s}}, s:i, s:i}", "cells", cells,
                          "metadata", "application/vnd.databricks.v1+notebook", "language", lower,
                          "notebookName", nb->name, "language_info", "name", lower, "nbformat",
                          4, "nbformat_minor", 0)
              : NULL;
    char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    size_t len = strlen(text);
    *out = bk_arena_strndup(a, text, len);
    bk_free_foreign(text);
    if (!*out) return bk_arena_oom(a, err);
    *out_len = len;
    return BK_OK;
}

/* ---- HTML ---- */

static bk_status html_escape(bk_buf *b, const char *s, size_t len) {
    bk_status st = BK_OK;
    for (size_t i = 0; i < len && st == BK_OK; i++) {
        switch (s[i]) {
        case '<': st = bk_buf_append(b, "&lt;", 4); break;
        case '>': st = bk_buf_append(b, "&gt;", 4); break;
        case '&': st = bk_buf_append(b, "&amp;", 5); break;
        case '"': st = bk_buf_append(b, "&quot;", 6); break;
        default: st = bk_buf_append_u8(b, (uint8_t)s[i]);
        }
    }
    return st;
}

bk_status svc_nb_render_html(bk_arena *a, const svc_nb *nb, char **out, size_t *out_len,
                             bk_error *err) {
    const char *name = nb->name ? nb->name : "notebook";
    json_t *cmds = json_array();
    for (size_t i = 0; cmds && i < nb->n_cells; i++)
        if (json_array_append_new(cmds, json_pack("{s:s%, s:i}", "command", nb->cells[i].text,
                                                  nb->cells[i].len, "position",
                                                  (int)i + 1)) != 0) {
            json_decref(cmds);
            cmds = NULL;
        }
    const char *lower = svc_nb_lang_lower(nb->lang ? nb->lang : SVC_NB_PYTHON);
    json_t *model = cmds ? json_pack("{s:s, s:s, s:s, s:o}", "version", "NotebookV1", "name",
                                     name, "language", lower, "commands", cmds)
                         : NULL;
    char *model_text = model ? json_dumps(model, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(model);
    if (!model_text) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    size_t mlen = strlen(model_text);
    size_t b64_cap = sodium_base64_ENCODED_LEN(mlen, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = bk_arena_alloc(a, b64_cap);
    if (!b64) {
        bk_free_foreign(model_text);
        return bk_arena_oom(a, err);
    }
    sodium_bin2base64(b64, b64_cap, (const unsigned char *)model_text, mlen,
                      sodium_base64_VARIANT_ORIGINAL);
    bk_free_foreign(model_text);

    bk_buf b;
    bk_buf_init(&b);
    bk_status st = bk_buf_printf(&b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                                     "<meta name=\"generator\" content=\"Bricks\">\n<title>");
    if (st == BK_OK) st = html_escape(&b, name, strlen(name));
    if (st == BK_OK)
        st = bk_buf_printf(&b, " - Databricks</title>\n<style>\n"
                               "body { font-family: sans-serif; margin: 2em; }\n"
                               ".command { border: 1px solid #ddd; margin: 1em 0;"
                               " padding: 0.5em; }\n"
                               ".command pre { margin: 0; white-space: pre-wrap; }\n"
                               ".markdown { background: #fafafa; }\n"
                               "</style>\n</head>\n<body>\n<h1>");
    if (st == BK_OK) st = html_escape(&b, name, strlen(name));
    if (st == BK_OK) st = bk_buf_printf(&b, "</h1>\n");
    for (size_t i = 0; i < nb->n_cells && st == BK_OK; i++) {
        const svc_nb_cell *cell = &nb->cells[i];
        size_t body = 0;
        bool md = is_markdown(cell, &body);
        st = bk_buf_printf(&b, "<div class=\"command%s\"><pre>", md ? " markdown" : "");
        if (st == BK_OK)
            st = md ? html_escape(&b, cell->text + body, cell->len - body)
                    : html_escape(&b, cell->text, cell->len);
        if (st == BK_OK) st = bk_buf_printf(&b, "</pre></div>\n");
    }
    if (st == BK_OK)
        st = bk_buf_printf(&b, "<script>\nvar __DATABRICKS_NOTEBOOK_MODEL = '%s';\n</script>\n"
                               "</body>\n</html>\n",
                           b64);
    return finish(a, &b, st, out, out_len, err);
}

static int hex_val(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bk_status svc_nb_parse_html(bk_arena *a, const char *text, size_t len, svc_nb *out,
                            bk_error *err) {
    memset(out, 0, sizeof *out);
    static const char marker[] = "__DATABRICKS_NOTEBOOK_MODEL = '";
    const char *start = NULL;
    size_t ml = sizeof marker - 1;
    for (size_t i = 0; i + ml <= len; i++)
        if (memcmp(text + i, marker, ml) == 0) {
            start = text + i + ml;
            break;
        }
    const char *end = start ? memchr(start, '\'', len - (size_t)(start - text)) : NULL;
    if (!end)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "not a Databricks HTML notebook: no __DATABRICKS_NOTEBOOK_MODEL in the"
                            " page");
    size_t b64_len = (size_t)(end - start);
    char *bin = bk_arena_alloc(a, b64_len + 1);
    if (!bin) return bk_arena_oom(a, err);
    size_t bin_len = 0;
    if (sodium_base642bin((unsigned char *)bin, b64_len, start, b64_len, " \n\r", &bin_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "not a Databricks HTML notebook: the notebook model is not base64");
    bin[bin_len] = '\0';
    if (bin_len && bin[0] == '%') { /* URL-encoded JSON */
        size_t w = 0;
        for (size_t r = 0; r < bin_len; r++) {
            int hi, lo;
            if (bin[r] == '%' && r + 2 < bin_len + 0 + 1 && (hi = hex_val(bin[r + 1])) >= 0 &&
                (lo = hex_val(bin[r + 2])) >= 0) {
                bin[w++] = (char)(hi * 16 + lo);
                r += 2;
            } else {
                bin[w++] = bin[r] == '+' ? ' ' : bin[r];
            }
        }
        bin_len = w;
        bin[w] = '\0';
    }
    json_error_t jerr;
    json_t *model = json_loadb(bin, bin_len, JSON_ALLOW_NUL, &jerr);
    if (!model)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "not a Databricks HTML notebook: the notebook model is not JSON (%s)",
                            jerr.text);
    if (!bk_arena_own(a, release_json, model)) {
        json_decref(model);
        return bk_arena_oom(a, err);
    }
    json_t *cmds = json_object_get(model, "commands");
    if (!json_is_array(cmds))
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "not a Databricks HTML notebook: the model has no commands");
    svc_nb_lang lang =
        svc_nb_lang_from_lower(json_string_value(json_object_get(model, "language")));
    out->lang = lang ? lang : SVC_NB_PYTHON;
    const char *name = json_string_value(json_object_get(model, "name"));
    out->name = name ? bk_arena_strdup(a, name) : NULL;
    size_t i, cap = 0;
    json_t *cmd;
    json_array_foreach(cmds, i, cmd) {
        json_t *t = json_object_get(cmd, "command");
        if (!json_is_string(t)) continue;
        BK_TRY(push_cell(a, out, &cap, json_string_value(t), json_string_length(t), err));
    }
    return BK_OK;
}
