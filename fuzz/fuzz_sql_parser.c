/*
 * fuzz_sql_parser.c — libFuzzer target: arbitrary bytes as SQL text.
 *
 * The bytes go to sql_parse (statements) and sql_parse_expr (one expression).
 * Errors are expected and must be clean: a status, a message and a position
 * inside the text (checked here; a violation aborts so libFuzzer keeps the input).
 * Binding is left out on purpose: it runs constant subqueries and opens paths, so
 * a fuzzed `range(1e15)` would be a timeout, not a parser finding.
 *
 *     make fuzz && fuzz/run.sh 600 sql_parser        (see fuzz/README.md)
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "engine/sql/sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 1 << 16) return 0;
    bk_arena *a = bk_arena_new(NULL, "fuzz", (size_t)256 << 20);
    if (!a) return 0;
    const char *text = (const char *)data;
    bk_error err;
    bk_error_clear(&err);
    sql_stmt_list l;
    if (sql_parse(a, text, size, &l, &err) != BK_OK &&
        (err.sql_pos < -1 || err.sql_pos > (int)size || err.msg[0] == '\0')) {
        abort(); /* an error must say what and point inside the text */
    }
    sql_expr *e;
    bk_error_clear(&err);
    (void)sql_parse_expr(a, text, size, &e, &err);
    bk_arena_free(a);
    return 0;
}
