/*
 * parser.c — statements, queries and FROM clauses (recursive descent).
 *
 *     statement   query | EXPLAIN [mode] statement | SET … | RESET [key]
 *                 | CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW [IF NOT EXISTS] v [(cols)]
 *                   AS query
 *                 | DROP VIEW [IF EXISTS] v
 *     query       [WITH cte, …] setexpr [ORDER BY …|ALL] [LIMIT n|ALL] [OFFSET n]
 *     setexpr     term ((UNION|EXCEPT|MINUS) [ALL|DISTINCT] term)*   INTERSECT binds tighter
 *     term        SELECT … | VALUES … | TABLE t | ( query )
 *     select      SELECT [DISTINCT] items [FROM rels [LATERAL VIEW …]] [WHERE] [GROUP BY]
 *                 [HAVING] [WINDOW w AS (…), …] [QUALIFY]
 *     rels        rel (, rel)*      rel  primary (join primary [ON e | USING (c, …)] | pivot)*
 *     pivot       PIVOT (…) | UNPIVOT […] (…)   (parser_pivot.c)
 *     primary     name [VERSION|TIMESTAMP AS OF x | @vN] | (query) | (rels) | VALUES … | f(args)
 *                 each with [AS] alias [(cols)]
 */
#include <string.h>

#include "base/str.h"
#include "engine/sql/parser_int.h"

/* ---- token helpers ---- */

bool p_is_kw_at(const parser *p, size_t k, const char *kw) {
    const sql_tok *t = p_peek_at(p, k);
    return t->kind == SQL_TOK_IDENT && !t->quoted &&
           bk_str_ieq(bk_str_make(t->text, t->text_len), bk_str_from_cstr(kw));
}

bool p_is_kw(const parser *p, const char *kw) { return p_is_kw_at(p, 0, kw); }

bool p_is_op(const parser *p, const char *op) {
    const sql_tok *t = p_peek(p);
    return t->kind == SQL_TOK_OP && strcmp(t->text, op) == 0;
}

bool p_accept_kw(parser *p, const char *kw) {
    if (!p_is_kw(p, kw)) return false;
    p->pos++;
    return true;
}

bool p_accept_op(parser *p, const char *op) {
    if (!p_is_op(p, op)) return false;
    p->pos++;
    return true;
}

bk_status p_syntax_error(parser *p) {
    const sql_tok *t = p_peek(p);
    bk_status s;
    if (t->kind == SQL_TOK_END)
        s = bk_error_set(p->err, BK_PARSE_SYNTAX_ERROR, "Syntax error at or near end of input.");
    else
        s = bk_error_set(p->err, BK_PARSE_SYNTAX_ERROR, "Syntax error at or near '%.*s'.",
                         (int)t->len, p->text + t->off);
    if (p->err && p->err->sql_pos < 0) p->err->sql_pos = (int)t->off;
    return s;
}

bk_status p_expect_kw(parser *p, const char *kw) {
    return p_accept_kw(p, kw) ? BK_OK : p_syntax_error(p);
}

bk_status p_expect_op(parser *p, const char *op) {
    return p_accept_op(p, op) ? BK_OK : p_syntax_error(p);
}

bk_status p_oom(parser *p) { return bk_arena_oom(p->a, p->err); }

bk_status p_enter(parser *p) {
    if (++p->depth <= SQL_MAX_DEPTH) return BK_OK;
    p->depth--;
    bk_status s = bk_error_set(p->err, BK_PARSE_SYNTAX_ERROR,
                               "Syntax error at or near '%.*s': the statement nests deeper than "
                               "%d levels.",
                               (int)p_peek(p)->len, p->text + p_peek(p)->off, SQL_MAX_DEPTH);
    if (p->err) p->err->sql_pos = (int)p_peek(p)->off;
    return s;
}

sql_span p_span_from(const parser *p, uint32_t start) {
    uint32_t end = start;
    if (p->pos > 0) {
        const sql_tok *last = &p->toks.items[p->pos - 1];
        end = last->off + last->len;
    }
    return (sql_span){start, end > start ? end - start : 0};
}

bk_status p_push(parser *p, void ***items, uint32_t *n, uint32_t *cap, void *item) {
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 4;
        void **grown = bk_arena_array(p->a, c, sizeof *grown);
        if (!grown) return p_oom(p);
        if (*n) memcpy(grown, *items, *n * sizeof *grown);
        *items = grown;
        *cap = c;
    }
    (*items)[(*n)++] = item;
    return BK_OK;
}

/* Words that end a clause: never taken as an alias or a bare column. */
bool p_is_reserved(const sql_tok *t) {
    static const char *const words[] = {
        "ALL",      "AND",        "ANTI",  "AS",          "BY",    "CASE",   "CROSS",
        "DISTINCT", "ELSE",       "END",   "EXCEPT",      "FROM",  "FULL",   "GROUP",
        "HAVING",   "IN",         "INNER", "INTERSECT",   "IS",    "JOIN",   "LATERAL",
        "LEFT",     "LIMIT",      "MINUS", "NATURAL",     "NOT",   "OFFSET", "ON",
        "OR",       "ORDER",      "OUTER", "QUALIFY",     "RIGHT", "SELECT", "SEMI",
        "THEN",     "UNION",      "USING", "WHEN",        "WHERE", "WINDOW", "WITH",
        "CLUSTER",  "DISTRIBUTE", "SORT",  "TABLESAMPLE", "PIVOT", "UNPIVOT"};
    if (t->kind != SQL_TOK_IDENT || t->quoted) return false;
    for (size_t k = 0; k < BK_ARRAY_LEN(words); k++)
        if (bk_str_ieq(bk_str_make(t->text, t->text_len), bk_str_from_cstr(words[k]))) return true;
    return false;
}

bool p_is_lambda_name(const parser *p, const sql_tok *t) {
    if (t->kind != SQL_TOK_IDENT) return false;
    for (uint32_t i = 0; i < p->n_lambda_names; i++)
        if (bk_str_ieq(bk_str_from_cstr(p->lambda_names[i]), bk_str_from_cstr(t->text)))
            return true;
    return false;
}

bk_status p_ident(parser *p, sql_ident *out) {
    const sql_tok *t = p_peek(p);
    if (t->kind != SQL_TOK_IDENT || (p_is_reserved(t) && !p_is_lambda_name(p, t)))
        return p_syntax_error(p);
    out->text = t->text;
    out->quoted = t->quoted;
    out->span = (sql_span){t->off, t->len};
    p->pos++;
    return BK_OK;
}

bk_status p_name(parser *p, sql_name *out) {
    uint32_t start = p_peek(p)->off, cap = 0;
    sql_ident **parts = NULL;
    out->n = 0;
    do {
        sql_ident *id = bk_arena_alloc(p->a, sizeof *id);
        if (!id) return p_oom(p);
        if (out->n == 0) {
            BK_TRY(p_ident(p, id));
        } else {
            /* after a dot any word is a name part (t.select is fine) */
            const sql_tok *t = p_peek(p);
            if (t->kind != SQL_TOK_IDENT) return p_syntax_error(p);
            *id = (sql_ident){t->text, t->quoted, {t->off, t->len}};
            p->pos++;
        }
        BK_TRY(p_push(p, (void ***)&parts, &out->n, &cap, id));
    } while (p_is_op(p, ".") && p_peek_at(p, 1)->kind == SQL_TOK_IDENT && p_accept_op(p, "."));
    out->parts = bk_arena_array(p->a, out->n, sizeof *out->parts);
    if (!out->parts) return p_oom(p);
    for (uint32_t i = 0; i < out->n; i++) out->parts[i] = *parts[i];
    out->span = p_span_from(p, start);
    return BK_OK;
}

/* ---- ORDER BY ---- */

bk_status p_order_list(parser *p, sql_order **out, uint32_t *n) {
    uint32_t cap = 0;
    sql_order **items = NULL;
    *n = 0;
    do {
        sql_order *o = bk_arena_zalloc(p->a, sizeof *o);
        if (!o) return p_oom(p);
        BK_TRY(p_expr(p, &o->expr));
        if (p_accept_kw(p, "DESC"))
            o->descending = true;
        else
            p_accept_kw(p, "ASC");
        if (p_accept_kw(p, "NULLS")) {
            if (p_accept_kw(p, "FIRST"))
                o->nulls = 1;
            else if (p_accept_kw(p, "LAST"))
                o->nulls = 2;
            else
                return p_syntax_error(p);
        }
        BK_TRY(p_push(p, (void ***)&items, n, &cap, o));
    } while (p_accept_op(p, ","));
    *out = bk_arena_array(p->a, *n, sizeof **out);
    if (!*out) return p_oom(p);
    for (uint32_t i = 0; i < *n; i++) (*out)[i] = *items[i];
    return BK_OK;
}

/*
 * ident (, ident)* into an arena array; `comments`: each may be followed by
 * COMMENT 'text' (CREATE VIEW column lists), which is skipped.
 */
static bk_status ident_list(parser *p, bool comments, sql_ident **out, uint32_t *n) {
    uint32_t cap = 0;
    sql_ident **items = NULL;
    *n = 0;
    do {
        sql_ident *c = bk_arena_alloc(p->a, sizeof *c);
        if (!c) return p_oom(p);
        BK_TRY(p_ident(p, c));
        if (comments && p_accept_kw(p, "COMMENT") && p_peek(p)->kind == SQL_TOK_STRING) p->pos++;
        BK_TRY(p_push(p, (void ***)&items, n, &cap, c));
    } while (p_accept_op(p, ","));
    *out = bk_arena_array(p->a, *n, sizeof **out);
    if (!*out) return p_oom(p);
    for (uint32_t i = 0; i < *n; i++) (*out)[i] = *items[i];
    return BK_OK;
}

/* ( ident, … ) */
static bk_status paren_ident_list(parser *p, bool comments, sql_ident **out, uint32_t *n) {
    BK_TRY(p_expect_op(p, "("));
    BK_TRY(ident_list(p, comments, out, n));
    return p_expect_op(p, ")");
}

/* ---- FROM ---- */

static bk_status relation(parser *p, sql_from **out);

static bk_status alias(parser *p, sql_from *f) {
    bool as = p_accept_kw(p, "AS");
    const sql_tok *t = p_peek(p);
    if (t->kind != SQL_TOK_IDENT || p_is_reserved(t)) return as ? p_syntax_error(p) : BK_OK;
    f->alias = bk_arena_alloc(p->a, sizeof *f->alias);
    if (!f->alias) return p_oom(p);
    BK_TRY(p_ident(p, f->alias));
    if (p_is_op(p, "(")) BK_TRY(paren_ident_list(p, false, &f->col_aliases, &f->n_col_aliases));
    return BK_OK;
}

/* VALUES (…), (…) or VALUES a, b (one column per row) */
static bk_status values_rows(parser *p, sql_from *f) {
    uint32_t cap = 0;
    sql_expr ***rows = NULL;
    f->kind = SQL_FROM_VALUES;
    do {
        uint32_t rcap = 0, n = 0;
        sql_expr **row = NULL;
        if (p_is_op(p, "(") && !(p_is_kw_at(p, 1, "SELECT") || p_is_kw_at(p, 1, "WITH"))) {
            p->pos++;
            do {
                sql_expr *e;
                BK_TRY(p_expr(p, &e));
                BK_TRY(p_push(p, (void ***)&row, &n, &rcap, e));
            } while (p_accept_op(p, ","));
            BK_TRY(p_expect_op(p, ")"));
        } else {
            sql_expr *e;
            BK_TRY(p_expr(p, &e));
            BK_TRY(p_push(p, (void ***)&row, &n, &rcap, e));
        }
        if (f->n_rows == 0) {
            f->n_cols = n;
        } else if (n != f->n_cols) {
            bk_status s = bk_error_set_sub(p->err, BK_INVALID_INLINE_TABLE, "NUM_COLUMNS_MISMATCH",
                                           "Invalid inline table. Inline table expected %u "
                                           "columns but found %u columns in row %u.",
                                           f->n_cols, n, f->n_rows);
            if (p->err) p->err->sql_pos = (int)f->span.off;
            return s;
        }
        BK_TRY(p_push(p, (void ***)&rows, &f->n_rows, &cap, row));
    } while (p_accept_op(p, ","));
    f->rows = rows;
    return BK_OK;
}

static bk_status primary_relation(parser *p, sql_from **out) {
    sql_from *f = bk_arena_zalloc(p->a, sizeof *f);
    if (!f) return p_oom(p);
    uint32_t start = p_peek(p)->off;
    f->span.off = start;
    if (p_accept_op(p, "(")) {
        if (p_is_kw(p, "SELECT") || p_is_kw(p, "WITH") || p_is_kw(p, "VALUES") ||
            p_is_kw(p, "TABLE") || p_is_kw(p, "FROM") || p_is_op(p, "(")) {
            /* a parenthesised query, or a parenthesised relation: try the query first */
            size_t save = p->pos;
            bk_error saved;
            if (p->err) saved = *p->err;
            f->kind = SQL_FROM_QUERY;
            bk_status s = p_query(p, &f->query);
            if (s == BK_OK && p_accept_op(p, ")")) {
                BK_TRY(alias(p, f));
                f->span = p_span_from(p, start);
                *out = f;
                return BK_OK;
            }
            if (!p_is_op(p, "(")) {
                if (s != BK_OK) return s;
            }
            p->pos = save;
            if (p->err) *p->err = saved;
        }
        sql_from *inner;
        BK_TRY(relation(p, &inner));
        BK_TRY(p_expect_op(p, ")"));
        BK_TRY(alias(p, inner));
        *out = inner;
        return BK_OK;
    }
    if (p_accept_kw(p, "VALUES")) {
        BK_TRY(values_rows(p, f));
        BK_TRY(alias(p, f));
        f->span = p_span_from(p, start);
        *out = f;
        return BK_OK;
    }
    BK_TRY(p_name(p, &f->name));
    if (p_accept_op(p, "(")) {
        f->kind = SQL_FROM_FUNCTION;
        uint32_t cap = 0;
        if (!p_is_op(p, ")")) {
            do {
                sql_expr *e;
                BK_TRY(p_expr(p, &e));
                BK_TRY(p_push(p, (void ***)&f->args, &f->n_args, &cap, e));
            } while (p_accept_op(p, ","));
        }
        BK_TRY(p_expect_op(p, ")"));
    } else {
        f->kind = SQL_FROM_TABLE;
        /* time travel: VERSION AS OF n, TIMESTAMP AS OF t, FOR SYSTEM_VERSION ... */
        p_accept_kw(p, "FOR");
        if ((p_is_kw(p, "VERSION") || p_is_kw(p, "SYSTEM_VERSION") || p_is_kw(p, "TIMESTAMP") ||
             p_is_kw(p, "SYSTEM_TIME")) &&
            p_is_kw_at(p, 1, "AS") && p_is_kw_at(p, 2, "OF")) {
            bool is_version = p_is_kw(p, "VERSION") || p_is_kw(p, "SYSTEM_VERSION");
            p->pos += 3;
            BK_TRY(p_expr(p, is_version ? &f->version : &f->timestamp));
        }
    }
    BK_TRY(alias(p, f));
    f->span = p_span_from(p, start);
    *out = f;
    return BK_OK;
}

/* The join keyword sequence at the current token, consumed; false when none. */
static bool join_kind(parser *p, sql_join_kind *kind, bool *natural) {
    size_t save = p->pos;
    *natural = p_accept_kw(p, "NATURAL");
    *kind = SQL_JOIN_INNER;
    if (p_accept_kw(p, "INNER")) {
    } else if (p_accept_kw(p, "CROSS")) {
        *kind = SQL_JOIN_CROSS;
    } else if (p_accept_kw(p, "LEFT")) {
        if (p_accept_kw(p, "SEMI"))
            *kind = SQL_JOIN_SEMI;
        else if (p_accept_kw(p, "ANTI"))
            *kind = SQL_JOIN_ANTI;
        else {
            p_accept_kw(p, "OUTER");
            *kind = SQL_JOIN_LEFT;
        }
    } else if (p_accept_kw(p, "RIGHT")) {
        p_accept_kw(p, "OUTER");
        *kind = SQL_JOIN_RIGHT;
    } else if (p_accept_kw(p, "FULL")) {
        p_accept_kw(p, "OUTER");
        *kind = SQL_JOIN_FULL;
    } else if (p_accept_kw(p, "SEMI")) {
        *kind = SQL_JOIN_SEMI;
    } else if (p_accept_kw(p, "ANTI")) {
        *kind = SQL_JOIN_ANTI;
    }
    if (p_accept_kw(p, "JOIN")) return true;
    p->pos = save;
    return false;
}

static bk_status relation(parser *p, sql_from **out) {
    BK_TRY(p_enter(p));
    bk_status s = primary_relation(p, out);
    while (s == BK_OK) {
        sql_join_kind kind;
        bool natural;
        uint32_t start = (*out)->span.off;
        if (p_is_kw(p, "PIVOT") || p_is_kw(p, "UNPIVOT")) {
            s = p_pivot_clause(p, out);
            continue;
        }
        if (!join_kind(p, &kind, &natural)) break;
        sql_from *j = bk_arena_zalloc(p->a, sizeof *j);
        if (!j) {
            s = p_oom(p);
            break;
        }
        j->kind = SQL_FROM_JOIN;
        j->join = kind;
        j->natural = natural;
        j->left = *out;
        s = primary_relation(p, &j->right);
        if (s != BK_OK) break;
        if (natural) {
            /* NATURAL JOIN takes no ON / USING: they are a syntax error where they stand */
        } else if (p_accept_kw(p, "ON")) {
            s = p_expr(p, &j->on);
        } else if (p_accept_kw(p, "USING")) {
            s = paren_ident_list(p, false, &j->using_cols, &j->n_using);
        }
        j->span = p_span_from(p, start);
        *out = j;
    }
    p_leave(p);
    return s;
}

static bk_status lateral_views(parser *p, sql_from *f) {
    uint32_t cap = 0;
    sql_lateral **items = NULL;
    while (p_is_kw(p, "LATERAL") && p_is_kw_at(p, 1, "VIEW")) {
        p->pos += 2;
        sql_lateral *l = bk_arena_zalloc(p->a, sizeof *l);
        if (!l) return p_oom(p);
        l->outer = p_accept_kw(p, "OUTER");
        BK_TRY(p_expr(p, &l->call));
        if (l->call->kind != SQL_E_FUNC) return p_syntax_error(p);
        const sql_tok *t = p_peek(p);
        if (t->kind == SQL_TOK_IDENT && !p_is_reserved(t)) {
            l->alias = bk_arena_alloc(p->a, sizeof *l->alias);
            if (!l->alias) return p_oom(p);
            BK_TRY(p_ident(p, l->alias));
        }
        if (p_accept_kw(p, "AS")) BK_TRY(ident_list(p, false, &l->cols, &l->n_cols));
        BK_TRY(p_push(p, (void ***)&items, &f->n_laterals, &cap, l));
    }
    if (f->n_laterals) {
        f->laterals = bk_arena_array(p->a, f->n_laterals, sizeof *f->laterals);
        if (!f->laterals) return p_oom(p);
        for (uint32_t i = 0; i < f->n_laterals; i++) f->laterals[i] = *items[i];
    }
    return BK_OK;
}

/* FROM a, b, c: a CROSS JOIN chain. */
static bk_status from_clause(parser *p, sql_from **out) {
    BK_TRY(relation(p, out));
    while (p_accept_op(p, ",")) {
        sql_from *j = bk_arena_zalloc(p->a, sizeof *j);
        if (!j) return p_oom(p);
        j->kind = SQL_FROM_JOIN;
        j->join = SQL_JOIN_CROSS;
        j->left = *out;
        BK_TRY(relation(p, &j->right));
        j->span = (sql_span){j->left->span.off, 0};
        j->span = p_span_from(p, j->left->span.off);
        *out = j;
    }
    return lateral_views(p, *out);
}

/* ---- SELECT ---- */

static bk_status select_core(parser *p, sql_select **out) {
    sql_select *s = bk_arena_zalloc(p->a, sizeof *s);
    if (!s) return p_oom(p);
    BK_TRY(p_expect_kw(p, "SELECT"));
    if (p_accept_kw(p, "DISTINCT"))
        s->distinct = true;
    else
        p_accept_kw(p, "ALL");
    uint32_t cap = 0;
    sql_select_item **items = NULL;
    do {
        sql_select_item *it = bk_arena_zalloc(p->a, sizeof *it);
        if (!it) return p_oom(p);
        BK_TRY(p_expr(p, &it->expr));
        if (it->expr->kind == SQL_E_STAR && p_is_kw(p, "EXCEPT") &&
            p_peek_at(p, 1)->kind == SQL_TOK_OP && strcmp(p_peek_at(p, 1)->text, "(") == 0) {
            p->pos += 2;
            uint32_t ecap = 0;
            sql_name **names = NULL;
            do {
                sql_name *nm = bk_arena_alloc(p->a, sizeof *nm);
                if (!nm) return p_oom(p);
                BK_TRY(p_name(p, nm));
                BK_TRY(p_push(p, (void ***)&names, &it->expr->n_except, &ecap, nm));
            } while (p_accept_op(p, ","));
            BK_TRY(p_expect_op(p, ")"));
            it->expr->except = bk_arena_array(p->a, it->expr->n_except, sizeof *it->expr->except);
            if (!it->expr->except) return p_oom(p);
            for (uint32_t i = 0; i < it->expr->n_except; i++) it->expr->except[i] = *names[i];
        }
        bool as = p_accept_kw(p, "AS");
        const sql_tok *t = p_peek(p);
        if (t->kind == SQL_TOK_IDENT && !p_is_reserved(t)) {
            it->alias = bk_arena_alloc(p->a, sizeof *it->alias);
            if (!it->alias) return p_oom(p);
            BK_TRY(p_ident(p, it->alias));
        } else if (as && p_is_op(p, "(")) { /* SELECT posexplode(a) AS (p, v) */
            BK_TRY(paren_ident_list(p, false, &it->aliases, &it->n_aliases));
        } else if (as && t->kind == SQL_TOK_STRING) {
            /* SELECT 1 AS 'one' is not Spark; keep the error */
            return p_syntax_error(p);
        } else if (as) {
            return p_syntax_error(p);
        }
        BK_TRY(p_push(p, (void ***)&items, &s->n_items, &cap, it));
    } while (p_accept_op(p, ","));
    s->items = bk_arena_array(p->a, s->n_items, sizeof *s->items);
    if (!s->items) return p_oom(p);
    for (uint32_t i = 0; i < s->n_items; i++) s->items[i] = *items[i];
    if (p_accept_kw(p, "FROM")) BK_TRY(from_clause(p, &s->from));
    if (p_accept_kw(p, "WHERE")) BK_TRY(p_expr(p, &s->where));
    if (p_is_kw(p, "GROUP") && p_is_kw_at(p, 1, "BY")) {
        p->pos += 2;
        BK_TRY(p_group_by(p, s));
    }
    if (p_accept_kw(p, "HAVING")) BK_TRY(p_expr(p, &s->having));
    /* Databricks writes QUALIFY before WINDOW, Spark's grammar WINDOW first: take both */
    if (p_accept_kw(p, "QUALIFY")) BK_TRY(p_expr(p, &s->qualify));
    if (p_accept_kw(p, "WINDOW")) {
        uint32_t wcap = 0;
        sql_named_window **ws = NULL;
        do {
            sql_named_window *w = bk_arena_zalloc(p->a, sizeof *w);
            if (!w) return p_oom(p);
            BK_TRY(p_ident(p, &w->name));
            BK_TRY(p_expect_kw(p, "AS"));
            if (p_accept_op(p, "(")) {
                BK_TRY(p_window_spec(p, &w->window));
            } else { /* WINDOW w2 AS w1 */
                w->window = bk_arena_zalloc(p->a, sizeof *w->window);
                if (!w->window) return p_oom(p);
                w->window->ref = bk_arena_zalloc(p->a, sizeof *w->window->ref);
                if (!w->window->ref) return p_oom(p);
                BK_TRY(p_ident(p, w->window->ref));
            }
            BK_TRY(p_push(p, (void ***)&ws, &s->n_windows, &wcap, w));
        } while (p_accept_op(p, ","));
        s->windows = bk_arena_array(p->a, s->n_windows, sizeof *s->windows);
        if (!s->windows) return p_oom(p);
        for (uint32_t i = 0; i < s->n_windows; i++) s->windows[i] = *ws[i];
    }
    if (!s->qualify && p_accept_kw(p, "QUALIFY")) BK_TRY(p_expr(p, &s->qualify));
    *out = s;
    return BK_OK;
}

/* ---- queries ---- */

static bk_status query_term(parser *p, sql_query **out) {
    uint32_t start = p_peek(p)->off;
    sql_query *q = bk_arena_zalloc(p->a, sizeof *q);
    if (!q) return p_oom(p);
    if (p_accept_op(p, "(")) {
        BK_TRY(p_enter(p));
        bk_status s = p_query(p, out);
        p_leave(p);
        if (s != BK_OK) return s;
        return p_expect_op(p, ")");
    }
    if (p_is_kw(p, "SELECT")) {
        q->kind = SQL_Q_SELECT;
        BK_TRY(select_core(p, &q->select));
    } else if (p_accept_kw(p, "VALUES")) {
        q->kind = SQL_Q_VALUES;
        q->values = bk_arena_zalloc(p->a, sizeof *q->values);
        if (!q->values) return p_oom(p);
        q->values->span.off = start;
        BK_TRY(values_rows(p, q->values));
        BK_TRY(alias(p, q->values));
        q->values->span = p_span_from(p, start);
    } else if (p_accept_kw(p, "TABLE")) {
        q->kind = SQL_Q_TABLE;
        BK_TRY(p_name(p, &q->table));
    } else {
        return p_syntax_error(p);
    }
    q->span = p_span_from(p, start);
    *out = q;
    return BK_OK;
}

static bk_status setop(parser *p, sql_query *left, const char *op, sql_query **out,
                       bk_status (*next)(parser *, sql_query **)) {
    sql_query *q = bk_arena_zalloc(p->a, sizeof *q);
    if (!q) return p_oom(p);
    q->kind = SQL_Q_SETOP;
    q->setop = op;
    if (p_accept_kw(p, "ALL"))
        q->all = true;
    else
        p_accept_kw(p, "DISTINCT");
    q->left = left;
    BK_TRY(next(p, &q->right));
    q->span = p_span_from(p, left->span.off);
    *out = q;
    return BK_OK;
}

static bk_status intersect_expr(parser *p, sql_query **out) {
    BK_TRY(query_term(p, out));
    while (p_accept_kw(p, "INTERSECT")) BK_TRY(setop(p, *out, "INTERSECT", out, query_term));
    return BK_OK;
}

static bk_status set_expr(parser *p, sql_query **out) {
    BK_TRY(intersect_expr(p, out));
    for (;;) {
        const char *op = p_accept_kw(p, "UNION")    ? "UNION"
                         : p_accept_kw(p, "EXCEPT") ? "EXCEPT"
                         : p_accept_kw(p, "MINUS")  ? "EXCEPT"
                                                    : NULL;
        if (!op) return BK_OK;
        BK_TRY(setop(p, *out, op, out, intersect_expr));
    }
}

/* WITH name [(cols)] AS (query), … */
static bk_status with_clause(parser *p, sql_cte **ctes, uint32_t *n) {
    uint32_t cap = 0;
    sql_cte **items = NULL;
    p_accept_kw(p, "RECURSIVE");
    do {
        sql_cte *c = bk_arena_zalloc(p->a, sizeof *c);
        if (!c) return p_oom(p);
        BK_TRY(p_ident(p, &c->name));
        if (p_is_op(p, "(")) BK_TRY(paren_ident_list(p, false, &c->cols, &c->n_cols));
        p_accept_kw(p, "AS");
        BK_TRY(p_expect_op(p, "("));
        BK_TRY(p_query(p, &c->query));
        BK_TRY(p_expect_op(p, ")"));
        BK_TRY(p_push(p, (void ***)&items, n, &cap, c));
    } while (p_accept_op(p, ","));
    *ctes = bk_arena_array(p->a, *n, sizeof **ctes);
    if (!*ctes) return p_oom(p);
    for (uint32_t i = 0; i < *n; i++) (*ctes)[i] = *items[i];
    return BK_OK;
}

/* True when the token after the current one is '.' (ALL.x is a column, not ORDER BY ALL). */
static bool p_is_op_at_next_dot(const parser *p) {
    const sql_tok *t = p_peek_at(p, 1);
    return t->kind == SQL_TOK_OP && strcmp(t->text, ".") == 0;
}

/* *q becomes SELECT * FROM (*q), so that it can take another ORDER BY / LIMIT. */
static bk_status wrap_query(parser *p, sql_query **q) {
    sql_query *w = bk_arena_zalloc(p->a, sizeof *w);
    sql_select *sel = bk_arena_zalloc(p->a, sizeof *sel);
    sql_select_item *item = bk_arena_zalloc(p->a, sizeof *item);
    sql_expr *star = bk_arena_zalloc(p->a, sizeof *star);
    sql_from *from = bk_arena_zalloc(p->a, sizeof *from);
    if (!w || !sel || !item || !star || !from) return p_oom(p);
    star->kind = SQL_E_STAR;
    star->span = (*q)->span;
    item->expr = star;
    from->kind = SQL_FROM_QUERY;
    from->query = *q;
    from->span = (*q)->span;
    sel->items = item;
    sel->n_items = 1;
    sel->from = from;
    w->kind = SQL_Q_SELECT;
    w->select = sel;
    w->span = (*q)->span;
    *q = w;
    return BK_OK;
}

bk_status p_query(parser *p, sql_query **out) {
    BK_TRY(p_enter(p));
    uint32_t start = p_peek(p)->off;
    sql_cte *ctes = NULL;
    uint32_t n_ctes = 0;
    bk_status s = BK_OK;
    if (p_accept_kw(p, "WITH")) s = with_clause(p, &ctes, &n_ctes);
    sql_query *q = NULL;
    if (s == BK_OK) s = set_expr(p, &q);
    if (s == BK_OK &&
        (n_ctes || p_is_kw(p, "ORDER") || p_is_kw(p, "LIMIT") || p_is_kw(p, "OFFSET") ||
         p_is_kw(p, "SORT") || p_is_kw(p, "CLUSTER") || p_is_kw(p, "DISTRIBUTE"))) {
        /* ORDER BY / LIMIT bind to the whole set expression: a term that has its own
         * ((SELECT … LIMIT 1) ORDER BY x) becomes SELECT * FROM (term) */
        if (q->n_order || q->order_all || q->limit || q->offset || q->n_ctes) s = wrap_query(p, &q);
        if (s == BK_OK && (p_is_kw(p, "ORDER") || p_is_kw(p, "SORT")) && p_is_kw_at(p, 1, "BY")) {
            p->pos += 2;
            if (p_is_kw(p, "ALL") && !p_is_op_at_next_dot(p)) {
                p->pos++;
                q->order_all = true;
                q->order = bk_arena_zalloc(p->a, sizeof *q->order);
                if (!q->order) return p_oom(p);
                if (p_accept_kw(p, "DESC"))
                    q->order->descending = true;
                else
                    p_accept_kw(p, "ASC");
                if (p_accept_kw(p, "NULLS"))
                    q->order->nulls = p_accept_kw(p, "FIRST") ? 1 : (p_expect_kw(p, "LAST"), 2);
            } else {
                s = p_order_list(p, &q->order, &q->n_order);
            }
        }
        if (s == BK_OK && p_accept_kw(p, "LIMIT")) {
            if (!p_accept_kw(p, "ALL")) s = p_expr(p, &q->limit);
        }
        if (s == BK_OK && p_accept_kw(p, "OFFSET")) s = p_expr(p, &q->offset);
        if (s == BK_OK && n_ctes) {
            q->ctes = ctes;
            q->n_ctes = n_ctes;
        }
    }
    if (s == BK_OK) {
        q->span = p_span_from(p, start);
        *out = q;
    }
    p_leave(p);
    return s;
}

/* ---- statements ---- */

static char *raw_text(parser *p, size_t from_tok, size_t to_tok) {
    if (from_tok >= to_tok) return bk_arena_strdup(p->a, "");
    uint32_t a = p->toks.items[from_tok].off;
    const sql_tok *last = &p->toks.items[to_tok - 1];
    return bk_arena_strndup(p->a, p->text + a, last->off + last->len - a);
}

/* The token index of the ';' ending this statement (or the END token). */
static size_t statement_end(const parser *p) {
    size_t i = p->pos;
    while (p->toks.items[i].kind != SQL_TOK_END &&
           !(p->toks.items[i].kind == SQL_TOK_OP && strcmp(p->toks.items[i].text, ";") == 0))
        i++;
    return i;
}

static bk_status statement(parser *p, sql_stmt **out);

static bk_status set_statement(parser *p, sql_stmt *st) {
    st->kind = SQL_S_SET;
    size_t end = statement_end(p);
    if (p_is_kw(p, "TIME") && p_is_kw_at(p, 1, "ZONE")) {
        p->pos += 2;
        st->key = "spark.sql.session.timeZone";
        if (p_accept_kw(p, "LOCAL")) {
            st->value = "LOCAL";
        } else if (p_peek(p)->kind == SQL_TOK_STRING) {
            st->value = p_peek(p)->text;
            p->pos++;
        } else {
            st->value = raw_text(p, p->pos, end);
            p->pos = end;
        }
        return st->value ? BK_OK : p_oom(p);
    }
    if (p->pos == end) return BK_OK; /* SET: list every setting */
    /* key up to '=', value to the end, both as written */
    size_t eq = p->pos;
    while (eq < end &&
           !(p->toks.items[eq].kind == SQL_TOK_OP && strcmp(p->toks.items[eq].text, "=") == 0))
        eq++;
    st->key = raw_text(p, p->pos, eq);
    if (!st->key) return p_oom(p);
    if (eq < end) {
        if (eq + 1 < end && p->toks.items[eq + 1].kind == SQL_TOK_STRING && eq + 2 == end)
            st->value = p->toks.items[eq + 1].text;
        else
            st->value = raw_text(p, eq + 1, end);
        if (!st->value) return p_oom(p);
    }
    p->pos = end;
    return BK_OK;
}

static bk_status statement(parser *p, sql_stmt **out) {
    uint32_t start = p_peek(p)->off;
    sql_stmt *st = bk_arena_zalloc(p->a, sizeof *st);
    if (!st) return p_oom(p);
    if (p_accept_kw(p, "EXPLAIN")) {
        st->kind = SQL_S_EXPLAIN;
        if (p_is_kw(p, "EXTENDED") || p_is_kw(p, "FORMATTED") || p_is_kw(p, "ANALYZE") ||
            p_is_kw(p, "CODEGEN") || p_is_kw(p, "COST")) {
            st->mode = bk_arena_strdup(p->a, p_peek(p)->text);
            if (!st->mode) return p_oom(p);
            for (char *c = (char *)st->mode; *c; c++)
                *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
            p->pos++;
        }
        BK_TRY(statement(p, &st->inner));
    } else if (p_accept_kw(p, "SET")) {
        BK_TRY(set_statement(p, st));
    } else if (p_accept_kw(p, "RESET")) {
        st->kind = SQL_S_RESET;
        size_t end = statement_end(p);
        if (p->pos < end) {
            st->key = raw_text(p, p->pos, end);
            if (!st->key) return p_oom(p);
            p->pos = end;
        }
    } else if (p_is_kw(p, "CREATE")) {
        p->pos++;
        if (p_accept_kw(p, "OR")) {
            BK_TRY(p_expect_kw(p, "REPLACE"));
            st->or_replace = true;
        }
        st->global = p_accept_kw(p, "GLOBAL");
        st->temporary = p_accept_kw(p, "TEMPORARY") || p_accept_kw(p, "TEMP");
        if (!p_accept_kw(p, "VIEW")) {
            bk_status s = bk_error_set(p->err, BK_UNSUPPORTED_FEATURE,
                                       "The feature is not supported: CREATE %.*s (only CREATE "
                                       "TEMPORARY VIEW in this version).",
                                       (int)p_peek(p)->len, p->text + p_peek(p)->off);
            if (p->err) p->err->sql_pos = (int)p_peek(p)->off;
            return s;
        }
        st->kind = SQL_S_CREATE_VIEW;
        if (p_is_kw(p, "IF")) {
            p->pos++;
            BK_TRY(p_expect_kw(p, "NOT"));
            BK_TRY(p_expect_kw(p, "EXISTS"));
            st->if_not_exists = true;
        }
        BK_TRY(p_name(p, &st->name));
        if (p_is_op(p, "(")) BK_TRY(paren_ident_list(p, true, &st->cols, &st->n_cols));
        BK_TRY(p_expect_kw(p, "AS"));
        BK_TRY(p_query(p, &st->query));
    } else if (p_is_kw(p, "DROP") && p_is_kw_at(p, 1, "VIEW")) {
        p->pos += 2;
        st->kind = SQL_S_DROP_VIEW;
        if (p_is_kw(p, "IF") && p_is_kw_at(p, 1, "EXISTS")) {
            p->pos += 2;
            st->if_exists = true;
        }
        BK_TRY(p_name(p, &st->name));
    } else if (p_is_kw(p, "SELECT") || p_is_kw(p, "WITH") || p_is_kw(p, "VALUES") ||
               p_is_kw(p, "TABLE") || p_is_op(p, "(")) {
        st->kind = SQL_S_QUERY;
        BK_TRY(p_query(p, &st->query));
    } else {
        return p_syntax_error(p);
    }
    st->span = p_span_from(p, start);
    *out = st;
    return BK_OK;
}

static bk_status parse_init(parser *p, bk_arena *a, const char *text, size_t len, bk_error *err) {
    memset(p, 0, sizeof *p);
    p->a = a;
    p->text = text;
    p->len = len;
    p->err = err;
    if (err) err->sql_pos = -1;
    if (len > UINT32_MAX)
        return bk_error_set(err, BK_LIMIT_EXCEEDED, "a SQL text of %zu bytes is over 4 GiB", len);
    return sql_lex(a, text, len, &p->toks, err);
}

bk_status sql_parse(bk_arena *a, const char *text, size_t len, sql_stmt_list *out, bk_error *err) {
    parser p;
    BK_TRY(parse_init(&p, a, text, len, err));
    out->items = NULL;
    out->n = 0;
    uint32_t cap = 0;
    while (p_peek(&p)->kind != SQL_TOK_END) {
        if (p_accept_op(&p, ";")) continue;
        sql_stmt *st;
        BK_TRY(statement(&p, &st));
        if (!p_is_op(&p, ";") && p_peek(&p)->kind != SQL_TOK_END) return p_syntax_error(&p);
        BK_TRY(p_push(&p, (void ***)&out->items, &out->n, &cap, st));
    }
    if (out->n == 0) {
        bk_status s = bk_error_set(err, BK_PARSE_EMPTY_STATEMENT,
                                   "Syntax error, unexpected empty statement.");
        if (err) err->sql_pos = 0;
        return s;
    }
    return BK_OK;
}

bk_status sql_parse_expr(bk_arena *a, const char *text, size_t len, sql_expr **out, bk_error *err) {
    parser p;
    BK_TRY(parse_init(&p, a, text, len, err));
    BK_TRY(p_expr(&p, out));
    if (p_peek(&p)->kind != SQL_TOK_END) return p_syntax_error(&p);
    return BK_OK;
}
