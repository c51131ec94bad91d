/*
 * svc_notebook.h — notebook formats: Databricks SOURCE text, Jupyter (.ipynb JSON)
 * and the exported HTML page, and the conversions between them.
 *
 * A notebook is a language and a list of commands (cells).  A command's text is
 * what a user typed in the cell: code, or a magic command such as "%md\n# Title"
 * or "%sql\nSELECT 1".
 *
 * SOURCE format (what `workspace export` returns by default):
 *
 *     # Databricks notebook source          header: "<c> Databricks notebook source"
 *     print(1)                              first command
 *                                           (blank line)
 *     # COMMAND ----------                  separator: "<c> COMMAND ----------"
 *                                           (blank line)
 *     # MAGIC %md                           a magic command: every line prefixed
 *     # MAGIC # Title                       "<c> MAGIC " ("<c> MAGIC" when empty)
 *
 * with <c> = "#" for Python and R, "--" for SQL, "//" for Scala.
 *
 * Jupyter: nbformat 4; a "%md" command is a markdown cell, every other command a
 * code cell.  The language comes from metadata["application/vnd.databricks.v1+
 * notebook"].language, else language_info.name, else kernelspec.language, else
 * Python.
 *
 * HTML: a self-contained page that shows the commands and carries the notebook
 * model (JSON: name, language, commands[].command) in base64 in the script variable
 * __DATABRICKS_NOTEBOOK_MODEL, as Databricks' HTML exports do; importing an HTML
 * page reads that variable back (URL-encoded models are decoded too).
 *
 * Everything is allocated in the arena `a` (first parameter); nothing to free.
 */
#ifndef BRICKS_SERVICES_SVC_NOTEBOOK_H
#define BRICKS_SERVICES_SVC_NOTEBOOK_H

#include "base/arena.h"
#include "base/bk.h"
#include "base/error.h"

typedef enum svc_nb_lang {
    SVC_NB_NONE = 0,
    SVC_NB_PYTHON,
    SVC_NB_SQL,
    SVC_NB_SCALA,
    SVC_NB_R,
} svc_nb_lang;

/* The import/export formats (ImportFormat / ExportFormat of the API). */
typedef enum svc_ws_format {
    SVC_WS_FMT_DEFAULT = 0, /* not given: SOURCE */
    SVC_WS_FMT_SOURCE,
    SVC_WS_FMT_AUTO,
    SVC_WS_FMT_HTML,
    SVC_WS_FMT_JUPYTER,
    SVC_WS_FMT_DBC,
    SVC_WS_FMT_RAW,
    SVC_WS_FMT_R_MARKDOWN,
} svc_ws_format;

typedef struct svc_nb_cell {
    const char *text; /* the command, NUL-terminated */
    size_t len;
} svc_nb_cell;

typedef struct svc_nb {
    svc_nb_lang lang;
    const char *name; /* may be NULL */
    svc_nb_cell *cells;
    size_t n_cells;
} svc_nb;

/* "PYTHON", "SQL", "SCALA", "R" (NULL for SVC_NB_NONE); parse is case-sensitive. */
const char *svc_nb_lang_name(svc_nb_lang lang);
bool svc_nb_lang_parse(const char *s, svc_nb_lang *out);
/* "python", "sql", "scala", "r": the Jupyter / model spelling.  Parse ignores case. */
const char *svc_nb_lang_lower(svc_nb_lang lang);
svc_nb_lang svc_nb_lang_from_lower(const char *s);
/* The file extension of a SOURCE export without the dot: "py", "sql", "scala", "r". */
const char *svc_nb_lang_ext(svc_nb_lang lang);
/*
 * The notebook language a path's extension names (.py, .sql, .scala, .r, .R), and
 * the extension's length with its dot in *ext_len; SVC_NB_NONE when none.
 */
svc_nb_lang svc_nb_lang_of_path(const char *path, size_t *ext_len);

/* "SOURCE", "AUTO", … ; parse is case-sensitive (as the API's). */
const char *svc_ws_format_name(svc_ws_format f);
bool svc_ws_format_parse(const char *s, svc_ws_format *out);

/*
 * Whether `text` starts with the SOURCE header of `lang` (its first line, with or
 * without trailing spaces and "\r").
 */
bool svc_nb_has_header(const char *text, size_t len, svc_nb_lang lang);

/*
 * The SOURCE text to store for an imported SOURCE notebook: `text` as given when it
 * already starts with the header of `lang`, else the header, "\n" and `text`.
 */
bk_status svc_nb_source_from_import(bk_arena *a, svc_nb_lang lang, const char *text, size_t len,
                                    char **out, size_t *out_len, bk_error *err);

/* Split SOURCE text (header optional) into commands, magic prefixes removed. */
bk_status svc_nb_parse_source(bk_arena *a, svc_nb_lang lang, const char *text, size_t len,
                              svc_nb *out, bk_error *err);
/* SOURCE text of `nb` (header, commands, separators, magic prefixes). */
bk_status svc_nb_render_source(bk_arena *a, const svc_nb *nb, char **out, size_t *out_len,
                               bk_error *err);

/*
 * A Jupyter notebook: BK_INVALID_ARGUMENT ("not a valid Jupyter notebook …") for
 * text that is not JSON with a "cells" array.  The language falls back to `dflt`
 * (then Python) when the metadata names none.
 */
bk_status svc_nb_parse_jupyter(bk_arena *a, const char *text, size_t len, svc_nb_lang dflt,
                               svc_nb *out, bk_error *err);
bk_status svc_nb_render_jupyter(bk_arena *a, const svc_nb *nb, char **out, size_t *out_len,
                                bk_error *err);

/* The HTML page of `nb`; and a notebook back from such a page (BK_INVALID_ARGUMENT). */
bk_status svc_nb_render_html(bk_arena *a, const svc_nb *nb, char **out, size_t *out_len,
                             bk_error *err);
bk_status svc_nb_parse_html(bk_arena *a, const char *text, size_t len, svc_nb *out,
                            bk_error *err);

#endif
