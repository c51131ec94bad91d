/*
 * lexer.h — Spark SQL tokens (private to src/engine/sql/).
 *
 * The lexer turns the whole text into an array of tokens up front; the parser
 * walks the array (any lookahead is an index).  Keywords are identifiers: the
 * parser decides from context whether `year` is a keyword or a column, which is
 * how Spark treats its non-reserved words.
 */
#ifndef BRICKS_ENGINE_SQL_LEXER_H
#define BRICKS_ENGINE_SQL_LEXER_H

#include "base/arena.h"
#include "base/error.h"
#include "base/types.h"

typedef enum sql_tok_kind {
    SQL_TOK_END,
    SQL_TOK_IDENT,  /* word or `quoted identifier` (quoted: text is unescaped) */
    SQL_TOK_STRING, /* 'x' or "x": text is the value, escapes resolved, adjacent ones joined */
    SQL_TOK_NUMBER, /* 12, 1.5, 1e3, .5, with an optional suffix L S Y D F BD */
    SQL_TOK_BINARY, /* X'0A0B': text holds the hex digits */
    SQL_TOK_PARAM,  /* ? or :name */
    SQL_TOK_OP,     /* punctuation and operators: text is the operator */
} sql_tok_kind;

typedef struct sql_tok {
    sql_tok_kind kind;
    bool quoted;      /* IDENT written with backquotes (never a keyword) */
    uint32_t off;     /* byte offset in the statement text */
    uint32_t len;     /* bytes of source */
    const char *text; /* NUL-terminated: the identifier, the value, the operator */
    size_t text_len;  /* bytes of text (strings may hold NULs) */
} sql_tok;

typedef struct sql_tokens {
    sql_tok *items;
    size_t n; /* the last one is SQL_TOK_END */
} sql_tokens;

bk_status sql_lex(bk_arena *a, const char *text, size_t len, sql_tokens *out, bk_error *err);

#endif
