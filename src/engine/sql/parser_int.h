/*
 * parser_int.h — the recursive-descent parser's state and helpers (private to
 * src/engine/sql/).  parser.c holds statements, queries and FROM; parser_expr.c
 * expressions and types.
 */
#ifndef BRICKS_ENGINE_SQL_PARSER_INT_H
#define BRICKS_ENGINE_SQL_PARSER_INT_H

#include "engine/sql/lexer.h"
#include "engine/sql/sql.h"

typedef struct parser {
    bk_arena *a;
    const char *text;
    size_t len;
    sql_tokens toks;
    size_t pos;
    int depth;
    bk_error *err;
    uint32_t group_slots; /* parser_group.c: expressions in expanded grouping sets so far */
    /* the parameters of the lambdas whose bodies are being parsed: names even when reserved
     * (transform(a, all -> all + 1), as Spark allows) */
    const char *lambda_names[32];
    uint32_t n_lambda_names;
} parser;

/* t names a parameter of an enclosing lambda. */
bool p_is_lambda_name(const parser *p, const sql_tok *t);

static inline const sql_tok *p_peek(const parser *p) { return &p->toks.items[p->pos]; }
static inline const sql_tok *p_peek_at(const parser *p, size_t k) {
    size_t i = p->pos + k;
    return &p->toks.items[i < p->toks.n ? i : p->toks.n - 1];
}

/* The current token is keyword kw (an unquoted identifier, case-insensitive). */
bool p_is_kw(const parser *p, const char *kw);
bool p_is_kw_at(const parser *p, size_t k, const char *kw);
/* The current token is operator op. */
bool p_is_op(const parser *p, const char *op);
/* Consume keyword kw / operator op when present. */
bool p_accept_kw(parser *p, const char *kw);
bool p_accept_op(parser *p, const char *op);
/* Consume it or fail with a syntax error at the current token. */
bk_status p_expect_kw(parser *p, const char *kw);
bk_status p_expect_op(parser *p, const char *op);
/* PARSE_SYNTAX_ERROR at the current token: "Syntax error at or near 'X'." */
bk_status p_syntax_error(parser *p);
bk_status p_oom(parser *p);
/* True for words that cannot be an alias or a bare column name (SELECT, FROM, ...). */
bool p_is_reserved(const sql_tok *t);
/* An identifier (any word that is not reserved, or a quoted one). */
bk_status p_ident(parser *p, sql_ident *out);
/* name(.name)* */
bk_status p_name(parser *p, sql_name *out);
bk_status p_enter(parser *p); /* nesting guard */
static inline void p_leave(parser *p) { p->depth--; }

sql_span p_span_from(const parser *p, uint32_t start);
/* Growable pointer arrays in the arena. */
bk_status p_push(parser *p, void ***items, uint32_t *n, uint32_t *cap, void *item);

bk_status p_expr(parser *p, sql_expr **out);
bk_status p_type(parser *p, const bk_type **out, sql_span *span);
bk_status p_query(parser *p, sql_query **out);
bk_status p_order_list(parser *p, sql_order **out, uint32_t *n);
bk_status p_window_spec(parser *p, sql_window **out);
/* parser_group.c: the GROUP BY clause after GROUP BY (plain, ALL, ROLLUP, CUBE, GROUPING SETS). */
bk_status p_group_by(parser *p, sql_select *s);
/* parser_pivot.c: `rel PIVOT (…)` / `rel UNPIVOT (…)` at the current token, wrapping *rel. */
bk_status p_pivot_clause(parser *p, sql_from **rel);

#endif
