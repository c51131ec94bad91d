/*
 * test_svc_notebook.c — unit tests for the notebook formats (services/svc_notebook.c):
 * SOURCE headers, cells and MAGIC prefixes per language, Jupyter and HTML in both
 * directions, and their error cases.
 */
#include "services/svc_notebook.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

BK_TEST(nb_names_and_extensions) {
    svc_nb_lang l = SVC_NB_NONE;
    ASSERT_TRUE(svc_nb_lang_parse("SCALA", &l));
    ASSERT_EQ(l, SVC_NB_SCALA);
    ASSERT_TRUE(!svc_nb_lang_parse("scala", &l)); /* the API's enums are case-sensitive */
    ASSERT_EQ(svc_nb_lang_from_lower("Python"), SVC_NB_PYTHON);
    ASSERT_STR_EQ(svc_nb_lang_ext(SVC_NB_R), "r");
    size_t ext = 0;
    ASSERT_EQ(svc_nb_lang_of_path("/a/b.sql", &ext), SVC_NB_SQL);
    ASSERT_EQ(ext, 4);
    ASSERT_EQ(svc_nb_lang_of_path("/a/b.R", &ext), SVC_NB_R);
    ASSERT_EQ(svc_nb_lang_of_path("/a/.py", &ext), SVC_NB_NONE);
    ASSERT_EQ(svc_nb_lang_of_path("/a/b.pyc", &ext), SVC_NB_NONE);
    svc_ws_format f;
    ASSERT_TRUE(svc_ws_format_parse("JUPYTER", &f));
    ASSERT_EQ(f, SVC_WS_FMT_JUPYTER);
    ASSERT_TRUE(!svc_ws_format_parse("jupyter", &f));
    ASSERT_TRUE(!svc_ws_format_parse("", &f));
}

BK_TEST(nb_headers) {
    ASSERT_TRUE(svc_nb_has_header("# Databricks notebook source\nx", 30, SVC_NB_PYTHON));
    ASSERT_TRUE(svc_nb_has_header("-- Databricks notebook source", 29, SVC_NB_SQL));
    ASSERT_TRUE(svc_nb_has_header("// Databricks notebook source \r\n", 32, SVC_NB_SCALA));
    ASSERT_TRUE(!svc_nb_has_header("// Databricks notebook source", 29, SVC_NB_SQL));
    ASSERT_TRUE(!svc_nb_has_header("x\n# Databricks notebook source", 30, SVC_NB_PYTHON));
    ASSERT_TRUE(!svc_nb_has_header("", 0, SVC_NB_PYTHON));
}

BK_TEST(nb_source_from_import_adds_header_once) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    char *out;
    size_t len;
    ASSERT_OK(svc_nb_source_from_import(a, SVC_NB_SQL, "SELECT 1", 8, &out, &len, &err),
              errp(&err));
    ASSERT_STR_EQ(out, "-- Databricks notebook source\nSELECT 1");
    ASSERT_EQ(len, strlen(out));
    const char *with = "-- Databricks notebook source\nSELECT 2\n";
    ASSERT_OK(svc_nb_source_from_import(a, SVC_NB_SQL, with, strlen(with), &out, &len, &err),
              errp(&err));
    ASSERT_STR_EQ(out, with);
    ASSERT_OK(svc_nb_source_from_import(a, SVC_NB_PYTHON, "", 0, &out, &len, &err), errp(&err));
    ASSERT_STR_EQ(out, "# Databricks notebook source\n");
    bk_arena_free(a);
}

BK_TEST(nb_source_cells_and_magic) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    const char *src = "# Databricks notebook source\n"
                      "x = 1\n\n"
                      "# COMMAND ----------\n\n"
                      "# MAGIC %md\n# MAGIC # Title\n# MAGIC\n# MAGIC text\n\n"
                      "# COMMAND ----------\n\n"
                      "# MAGIC %sql\n# MAGIC SELECT 1\n\n"
                      "# COMMAND ----------\n\n"
                      "# a comment\nprint(x)";
    svc_nb nb;
    ASSERT_OK(svc_nb_parse_source(a, SVC_NB_PYTHON, src, strlen(src), &nb, &err), errp(&err));
    ASSERT_EQ(nb.n_cells, 4);
    ASSERT_STR_EQ(nb.cells[0].text, "x = 1");
    ASSERT_STR_EQ(nb.cells[1].text, "%md\n# Title\n\ntext");
    ASSERT_STR_EQ(nb.cells[2].text, "%sql\nSELECT 1");
    ASSERT_STR_EQ(nb.cells[3].text, "# a comment\nprint(x)"); /* not all lines MAGIC */
    char *back;
    size_t len;
    ASSERT_OK(svc_nb_render_source(a, &nb, &back, &len, &err), errp(&err));
    ASSERT_STR_EQ(back, src);
    /* Scala uses // prefixes, SQL -- */
    svc_nb sc = {.lang = SVC_NB_SCALA, .cells = nb.cells, .n_cells = 2};
    ASSERT_OK(svc_nb_render_source(a, &sc, &back, &len, &err), errp(&err));
    ASSERT_STR_EQ(back, "// Databricks notebook source\nx = 1\n\n// COMMAND ----------\n\n"
                        "// MAGIC %md\n// MAGIC # Title\n// MAGIC\n// MAGIC text");
    const char *sql = "-- Databricks notebook source\nSELECT 1\n\n-- COMMAND ----------\n\n"
                      "SELECT 2\n";
    ASSERT_OK(svc_nb_parse_source(a, SVC_NB_SQL, sql, strlen(sql), &nb, &err), errp(&err));
    ASSERT_EQ(nb.n_cells, 2);
    ASSERT_STR_EQ(nb.cells[1].text, "SELECT 2");
    /* without a header, and with CRLF line ends */
    const char *crlf = "a\r\n\r\n# COMMAND ----------\r\n\r\nb\r\n";
    ASSERT_OK(svc_nb_parse_source(a, SVC_NB_PYTHON, crlf, strlen(crlf), &nb, &err), errp(&err));
    ASSERT_EQ(nb.n_cells, 2);
    ASSERT_STR_EQ(nb.cells[0].text, "a");
    ASSERT_STR_EQ(nb.cells[1].text, "b");
    /* empty notebooks have no cells */
    ASSERT_OK(svc_nb_parse_source(a, SVC_NB_PYTHON, "", 0, &nb, &err), errp(&err));
    ASSERT_EQ(nb.n_cells, 0);
    bk_arena_free(a);
}

BK_TEST(nb_jupyter_parse) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    const char *ipynb =
        "{\"cells\": ["
        "{\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"# T\\n\", \"body\"]},"
        "{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": \"1 + 1\\n\"}"
        "], \"metadata\": {\"kernelspec\": {\"language\": \"R\"}}, \"nbformat\": 4}";
    svc_nb nb;
    ASSERT_OK(svc_nb_parse_jupyter(a, ipynb, strlen(ipynb), SVC_NB_NONE, &nb, &err), errp(&err));
    ASSERT_EQ(nb.lang, SVC_NB_R);
    ASSERT_EQ(nb.n_cells, 2);
    ASSERT_STR_EQ(nb.cells[0].text, "%md\n# T\nbody");
    ASSERT_STR_EQ(nb.cells[1].text, "1 + 1");
    /* no language anywhere: the hint, then Python */
    const char *bare = "{\"cells\": []}";
    ASSERT_OK(svc_nb_parse_jupyter(a, bare, strlen(bare), SVC_NB_SCALA, &nb, &err), errp(&err));
    ASSERT_EQ(nb.lang, SVC_NB_SCALA);
    ASSERT_OK(svc_nb_parse_jupyter(a, bare, strlen(bare), SVC_NB_NONE, &nb, &err), errp(&err));
    ASSERT_EQ(nb.lang, SVC_NB_PYTHON);
    /* errors */
    ASSERT_FAILS(svc_nb_parse_jupyter(a, "{", 1, SVC_NB_NONE, &nb, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "Jupyter");
    bk_error_clear(&err);
    ASSERT_FAILS(svc_nb_parse_jupyter(a, "{\"x\": 1}", 8, SVC_NB_NONE, &nb, &err),
                 BK_INVALID_ARGUMENT);
    bk_error_clear(&err);
    const char *bad = "{\"cells\": [{\"cell_type\": \"code\", \"source\": 5}]}";
    ASSERT_FAILS(svc_nb_parse_jupyter(a, bad, strlen(bad), SVC_NB_NONE, &nb, &err),
                 BK_INVALID_ARGUMENT);
    bk_arena_free(a);
}

BK_TEST(nb_jupyter_round_trip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    svc_nb_cell cells[] = {{"import os\nprint(os.sep)", 23}, {"%md\n## Notes\n- a", 16},
                           {"%sql\nSELECT 1", 13}};
    svc_nb nb = {.lang = SVC_NB_PYTHON, .name = "etl", .cells = cells, .n_cells = 3};
    char *text;
    size_t len;
    ASSERT_OK(svc_nb_render_jupyter(a, &nb, &text, &len, &err), errp(&err));
    ASSERT_CONTAINS(text, "\"nbformat\": 4");
    ASSERT_CONTAINS(text, "\"notebookName\": \"etl\"");
    ASSERT_CONTAINS(text, "\"cell_type\": \"markdown\"");
    svc_nb back;
    ASSERT_OK(svc_nb_parse_jupyter(a, text, len, SVC_NB_NONE, &back, &err), errp(&err));
    ASSERT_EQ(back.lang, SVC_NB_PYTHON);
    ASSERT_STR_EQ(back.name, "etl");
    ASSERT_EQ(back.n_cells, 3);
    for (size_t i = 0; i < 3; i++) ASSERT_STR_EQ(back.cells[i].text, cells[i].text);
    bk_arena_free(a);
}

BK_TEST(nb_html_round_trip) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    svc_nb_cell cells[] = {{"x = '<script>'", 14}, {"%md\n**bold** & more", 19}};
    svc_nb nb = {.lang = SVC_NB_SCALA, .name = "a<b", .cells = cells, .n_cells = 2};
    char *html;
    size_t len;
    ASSERT_OK(svc_nb_render_html(a, &nb, &html, &len, &err), errp(&err));
    ASSERT_CONTAINS(html, "<!DOCTYPE html>");
    ASSERT_CONTAINS(html, "<title>a&lt;b - Databricks</title>");
    ASSERT_CONTAINS(html, "x = '&lt;script&gt;'");
    ASSERT_CONTAINS(html, "**bold** &amp; more");
    ASSERT_TRUE(strstr(html, "<script>'") == NULL); /* the code never appears unescaped */
    svc_nb back;
    ASSERT_OK(svc_nb_parse_html(a, html, len, &back, &err), errp(&err));
    ASSERT_EQ(back.lang, SVC_NB_SCALA);
    ASSERT_STR_EQ(back.name, "a<b");
    ASSERT_EQ(back.n_cells, 2);
    ASSERT_STR_EQ(back.cells[0].text, cells[0].text);
    ASSERT_STR_EQ(back.cells[1].text, cells[1].text);
    ASSERT_FAILS(svc_nb_parse_html(a, "<html></html>", 13, &back, &err), BK_INVALID_ARGUMENT);
    bk_arena_free(a);
}

BK_TEST(nb_html_url_encoded_model) {
    /* Databricks' own pages carry the model URL-encoded before base64. */
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    const char *model = "%7B%22language%22%3A%22sql%22%2C%22name%22%3A%22q%22%2C%22commands"
                        "%22%3A%5B%7B%22command%22%3A%22SELECT+1%22%7D%5D%7D";
    char b64[512];
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)model, strlen(model),
                      sodium_base64_VARIANT_ORIGINAL);
    char page[1024];
    snprintf(page, sizeof page,
             "<html><script>var __DATABRICKS_NOTEBOOK_MODEL = '%s';</script></html>", b64);
    svc_nb nb;
    ASSERT_OK(svc_nb_parse_html(a, page, strlen(page), &nb, &err), errp(&err));
    ASSERT_EQ(nb.lang, SVC_NB_SQL);
    ASSERT_EQ(nb.n_cells, 1);
    ASSERT_STR_EQ(nb.cells[0].text, "SELECT 1");
    bk_arena_free(a);
}
