/*
 * sql.h — the SQL front end: Spark SQL text to a syntax tree (ast.h).
 *
 *     sql_stmt_list stmts;
 *     sql_parse(a, text, len, &stmts, &err);     every node lives in `a`
 *
 * Errors are Spark's: PARSE_SYNTAX_ERROR ("Syntax error at or near 'FROM'.")
 * with err->sql_pos at the offending token, PARSE_EMPTY_STATEMENT, and
 * UNCLOSED_BRACKETED_COMMENT; nesting deeper than SQL_MAX_DEPTH is a syntax
 * error, never a stack overflow.  Nothing here knows about tables or types
 * beyond their spelling: names are resolved by the binder (engine/plan).
 */
#ifndef BRICKS_ENGINE_SQL_SQL_H
#define BRICKS_ENGINE_SQL_SQL_H

#include "engine/sql/ast.h"

#define SQL_MAX_DEPTH 500

typedef struct sql_stmt_list {
    sql_stmt **items;
    uint32_t n;
} sql_stmt_list;

/* Parse ';'-separated statements of text[0..len). */
bk_status sql_parse(bk_arena *a, const char *text, size_t len, sql_stmt_list *out, bk_error *err);

/* Parse one expression (tests, tools). */
bk_status sql_parse_expr(bk_arena *a, const char *text, size_t len, sql_expr **out, bk_error *err);

#endif
