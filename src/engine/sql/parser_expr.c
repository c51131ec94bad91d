/*
 * parser_expr.c — expressions and data types, by precedence climbing.
 *
 * Spark's precedence, lowest first:
 *     OR;  AND;  NOT;  comparisons = == <> != < <= > >= <=>, IS, [NOT] BETWEEN,
 *     [NOT] IN, [NOT] LIKE/ILIKE/RLIKE/REGEXP;  |;  ^;  &;  + - ||;  * / % DIV;
 *     unary - + ~;  postfix [i], .field, ::type
 */
#include <string.h>

#include "base/str.h"
#include "engine/sql/parser_int.h"

static bk_status parse_or(parser *p, sql_expr **out);

static sql_expr *new_expr(parser *p, sql_expr_kind kind, uint32_t start) {
    sql_expr *e = bk_arena_zalloc(p->a, sizeof *e);
    if (!e) return NULL;
    e->kind = kind;
    e->span.off = start;
    return e;
}

static void finish(parser *p, sql_expr *e) { e->span = p_span_from(p, e->span.off); }

static sql_expr *binary(parser *p, const char *op, sql_expr *l, sql_expr *r) {
    sql_expr *e = new_expr(p, SQL_E_BINARY_OP, l->span.off);
    if (!e) return NULL;
    e->op = op;
    e->args = bk_arena_array(p->a, 2, sizeof *e->args);
    if (!e->args) return NULL;
    e->args[0] = l;
    e->args[1] = r;
    e->n_args = 2;
    finish(p, e);
    return e;
}

static bk_status arg_list(parser *p, sql_expr ***args, uint32_t *n) {
    uint32_t cap = 0;
    *args = NULL;
    *n = 0;
    if (p_is_op(p, ")")) return BK_OK;
    do {
        sql_expr *e;
        BK_TRY(p_expr(p, &e));
        BK_TRY(p_push(p, (void ***)args, n, &cap, e));
    } while (p_accept_op(p, ","));
    return BK_OK;
}

/* ---- data types: the tokens are handed to bk_type_parse ---- */

bk_status p_type(parser *p, const bk_type **out, sql_span *span) {
    const sql_tok *first = p_peek(p);
    if (first->kind != SQL_TOK_IDENT) return p_syntax_error(p);
    uint32_t start = first->off;
    bool is_interval = p_is_kw(p, "INTERVAL");
    p->pos++;
    if (is_interval) {
        /* INTERVAL field [TO field] */
        if (p_peek(p)->kind == SQL_TOK_IDENT) p->pos++;
        if (p_is_kw(p, "TO") && p_peek_at(p, 1)->kind == SQL_TOK_IDENT) p->pos += 2;
    }
    int depth = 0;
    /* (p, s), <...> with nesting, and STRUCT field lists */
    if (p_is_op(p, "(")) {
        while (!p_is_op(p, ")")) {
            if (p_peek(p)->kind == SQL_TOK_END) return p_syntax_error(p);
            p->pos++;
        }
        p->pos++;
    } else if (p_is_op(p, "<")) {
        do {
            const sql_tok *t = p_peek(p);
            if (t->kind == SQL_TOK_END) return p_syntax_error(p);
            if (t->kind == SQL_TOK_OP && strcmp(t->text, "<") == 0) depth++;
            if (t->kind == SQL_TOK_OP && strcmp(t->text, ">") == 0) depth--;
            if (t->kind == SQL_TOK_OP && strcmp(t->text, ">>") == 0) depth -= 2;
            p->pos++;
        } while (depth > 0);
        if (depth < 0) return p_syntax_error(p);
    }
    const sql_tok *last = &p->toks.items[p->pos - 1];
    uint32_t end = last->off + last->len;
    char why[256] = "";
    const bk_type *t = bk_type_parse(p->a, p->text + start, end - start, why, sizeof why);
    if (!t) {
        if (bk_arena_failed(p->a)) return p_oom(p);
        bk_status s = bk_error_set(p->err, BK_UNSUPPORTED_FEATURE,
                                   "The feature is not supported: the data type \"%.*s\" (%s).",
                                   (int)(end - start), p->text + start, why);
        if (p->err) p->err->sql_pos = (int)start;
        return s;
    }
    *out = t;
    if (span) *span = (sql_span){start, end - start};
    return BK_OK;
}

/* ---- windows ---- */

static bk_status frame_bound(parser *p, int *kind, sql_expr **off) {
    *off = NULL;
    if (p_accept_kw(p, "UNBOUNDED")) {
        if (p_accept_kw(p, "PRECEDING")) {
            *kind = SQL_FRAME_UNBOUNDED_PRECEDING;
            return BK_OK;
        }
        BK_TRY(p_expect_kw(p, "FOLLOWING"));
        *kind = SQL_FRAME_UNBOUNDED_FOLLOWING;
        return BK_OK;
    }
    if (p_accept_kw(p, "CURRENT")) {
        BK_TRY(p_expect_kw(p, "ROW"));
        *kind = SQL_FRAME_CURRENT_ROW;
        return BK_OK;
    }
    BK_TRY(parse_or(p, off));
    if (p_accept_kw(p, "PRECEDING")) {
        *kind = SQL_FRAME_PRECEDING;
        return BK_OK;
    }
    BK_TRY(p_expect_kw(p, "FOLLOWING"));
    *kind = SQL_FRAME_FOLLOWING;
    return BK_OK;
}

/* ( w ) or ( [CLUSTER BY … | [PARTITION BY …] [ORDER BY …]] [ROWS|RANGE …] ), '(' read. */
bk_status p_window_spec(parser *p, sql_window **out) {
    sql_window *w = bk_arena_zalloc(p->a, sizeof *w);
    if (!w) return p_oom(p);
    bool cluster = false;
    const sql_tok *t = p_peek(p);
    if (t->kind == SQL_TOK_IDENT && !p_is_kw(p, "PARTITION") && !p_is_kw(p, "ORDER") &&
        !p_is_kw(p, "ROWS") && !p_is_kw(p, "RANGE") && !p_is_kw(p, "DISTRIBUTE") &&
        !p_is_kw(p, "SORT") && !p_is_kw(p, "CLUSTER")) {
        w->ref = bk_arena_zalloc(p->a, sizeof *w->ref);
        if (!w->ref) return p_oom(p);
        BK_TRY(p_ident(p, w->ref));
        /* Spark's windowRef: (w) alone; a named window cannot be refined */
        BK_TRY(p_expect_op(p, ")"));
        *out = w;
        return BK_OK;
    }
    if (p_is_kw(p, "CLUSTER") && p_is_kw_at(p, 1, "BY")) {
        /* CLUSTER BY k: PARTITION BY k, and no ORDER BY may follow (Spark's grammar) */
        p->pos += 2;
        uint32_t cap = 0;
        do {
            sql_expr *e;
            BK_TRY(p_expr(p, &e));
            BK_TRY(p_push(p, (void ***)&w->partition, &w->n_partition, &cap, e));
        } while (p_accept_op(p, ","));
        cluster = true;
    } else if (p_accept_kw(p, "PARTITION") || p_accept_kw(p, "DISTRIBUTE")) {
        BK_TRY(p_expect_kw(p, "BY"));
        uint32_t cap = 0;
        do {
            sql_expr *e;
            BK_TRY(p_expr(p, &e));
            BK_TRY(p_push(p, (void ***)&w->partition, &w->n_partition, &cap, e));
        } while (p_accept_op(p, ","));
    }
    if (!cluster && (p_accept_kw(p, "ORDER") || p_accept_kw(p, "SORT"))) {
        BK_TRY(p_expect_kw(p, "BY"));
        BK_TRY(p_order_list(p, &w->order, &w->n_order));
    }
    if (p_is_kw(p, "ROWS") || p_is_kw(p, "RANGE")) {
        w->has_frame = true;
        w->range = p_is_kw(p, "RANGE");
        p->pos++;
        if (p_accept_kw(p, "BETWEEN")) {
            BK_TRY(frame_bound(p, &w->start_kind, &w->start_off));
            BK_TRY(p_expect_kw(p, "AND"));
            BK_TRY(frame_bound(p, &w->end_kind, &w->end_off));
        } else {
            BK_TRY(frame_bound(p, &w->start_kind, &w->start_off));
            w->end_kind = SQL_FRAME_CURRENT_ROW;
        }
    }
    BK_TRY(p_expect_op(p, ")"));
    *out = w;
    return BK_OK;
}

/* ---- primaries ---- */

/* YEAR, MONTHS, DAY, HOURS, ... (the units of interval literals). */
static bool is_interval_unit(const sql_tok *t) {
    static const char *const units[] = {"YEAR",   "MONTH",  "WEEK",        "DAY",        "HOUR",
                                        "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"};
    if (t->kind != SQL_TOK_IDENT || t->quoted) return false;
    for (size_t k = 0; k < BK_ARRAY_LEN(units); k++) {
        size_t n = strlen(units[k]);
        if (t->text_len != n && t->text_len != n + 1) continue;
        if (!bk_str_ieq(bk_str_make(t->text, n), bk_str_from_cstr(units[k]))) continue;
        if (t->text_len == n || t->text[n] == 's' || t->text[n] == 'S') return true;
    }
    return false;
}

/* struct_args -> [expr [AS ident] {, expr [AS ident]}]   (struct(a AS x, b)) */
static bk_status struct_args(parser *p, sql_expr *e) {
    uint32_t cap = 0, acap = 0, na = 0;
    sql_ident **aliases = NULL;
    bool any = false;
    e->args = NULL;
    e->n_args = 0;
    if (p_is_op(p, ")")) return BK_OK;
    do {
        sql_expr *x;
        BK_TRY(p_expr(p, &x));
        BK_TRY(p_push(p, (void ***)&e->args, &e->n_args, &cap, x));
        sql_ident *al = bk_arena_zalloc(p->a, sizeof *al);
        if (!al) return p_oom(p);
        if (p_accept_kw(p, "AS")) {
            BK_TRY(p_ident(p, al));
            any = true;
        }
        BK_TRY(p_push(p, (void ***)&aliases, &na, &acap, al));
    } while (p_accept_op(p, ","));
    if (!any) return BK_OK;
    e->arg_aliases = bk_arena_array(p->a, na, sizeof *e->arg_aliases);
    if (!e->arg_aliases) return p_oom(p);
    for (uint32_t i = 0; i < na; i++) e->arg_aliases[i] = *aliases[i];
    return BK_OK;
}

/* After name '(' : a function call's arguments and the clauses after ')'. */
static bk_status function_call(parser *p, sql_expr *e) {
    if (p_accept_op(p, "*")) {
        e->star_arg = true;
    } else {
        if (p_accept_kw(p, "DISTINCT"))
            e->distinct = true;
        else
            p_accept_kw(p, "ALL");
        if (e->name.n == 1 && bk_str_ieq(bk_str_from_cstr(e->name.parts[0].text),
                                         bk_str_from_cstr("struct")))
            BK_TRY(struct_args(p, e));
        else
            BK_TRY(arg_list(p, &e->args, &e->n_args));
        if (p_is_kw(p, "IGNORE") || p_is_kw(p, "RESPECT")) {
            e->ignore_nulls = p_is_kw(p, "IGNORE");
            p->pos++;
            BK_TRY(p_expect_kw(p, "NULLS"));
        }
        if (p_accept_kw(p, "ORDER")) { /* array_agg(x ORDER BY y): kept as WITHIN GROUP */
            BK_TRY(p_expect_kw(p, "BY"));
            BK_TRY(p_order_list(p, &e->within_group, &e->n_within_group));
        }
    }
    BK_TRY(p_expect_op(p, ")"));
    if (p_is_kw(p, "WITHIN") && p_is_kw_at(p, 1, "GROUP")) {
        p->pos += 2;
        BK_TRY(p_expect_op(p, "("));
        BK_TRY(p_expect_kw(p, "ORDER"));
        BK_TRY(p_expect_kw(p, "BY"));
        BK_TRY(p_order_list(p, &e->within_group, &e->n_within_group));
        BK_TRY(p_expect_op(p, ")"));
    }
    if (p_is_kw(p, "FILTER") && p_peek_at(p, 1)->kind == SQL_TOK_OP &&
        strcmp(p_peek_at(p, 1)->text, "(") == 0) {
        p->pos += 2;
        BK_TRY(p_expect_kw(p, "WHERE"));
        BK_TRY(p_expr(p, &e->filter));
        BK_TRY(p_expect_op(p, ")"));
    }
    /* nth_value(x, n) FROM FIRST (the SQL standard's default, the only one Spark has) */
    if (e->name.n == 1 && bk_str_ieq_cstr(bk_str_from_cstr(e->name.parts[0].text), "nth_value") &&
        p_is_kw(p, "FROM") && p_is_kw_at(p, 1, "FIRST") &&
        (p_is_kw_at(p, 2, "OVER") || p_is_kw_at(p, 2, "IGNORE") || p_is_kw_at(p, 2, "RESPECT")))
        p->pos += 2;
    if ((p_is_kw(p, "IGNORE") || p_is_kw(p, "RESPECT")) && p_is_kw_at(p, 1, "NULLS")) {
        e->ignore_nulls = p_is_kw(p, "IGNORE");
        p->pos += 2;
    }
    if (p_accept_kw(p, "OVER")) {
        if (p_accept_op(p, "(")) {
            BK_TRY(p_window_spec(p, &e->over));
        } else {
            e->over = bk_arena_zalloc(p->a, sizeof *e->over);
            if (!e->over) return p_oom(p);
            e->over->ref = bk_arena_zalloc(p->a, sizeof *e->over->ref);
            if (!e->over->ref) return p_oom(p);
            BK_TRY(p_ident(p, e->over->ref));
        }
    }
    return BK_OK;
}

/*
 * The lambda whose n parameters are the identifier tokens at p->pos + 2k
 * (separated by commas; any word, reserved ones too), `->` after them at
 * p->pos + 2n - 1 + extra: its body, parsed with the parameters as names.
 */
static bk_status lambda_at(parser *p, uint32_t start, uint32_t n, size_t extra, sql_expr **out) {
    sql_expr *e = new_expr(p, SQL_E_LAMBDA, start);
    if (!e) return p_oom(p);
    e->params = bk_arena_array(p->a, n, sizeof *e->params);
    if (!e->params) return p_oom(p);
    uint32_t saved = p->n_lambda_names;
    for (uint32_t i = 0; i < n; i++) {
        const sql_tok *t = p_peek_at(p, 2 * i);
        e->params[i] = (sql_ident){.text = t->text, .quoted = t->quoted, .span = {t->off, t->len}};
        if (p->n_lambda_names < BK_ARRAY_LEN(p->lambda_names))
            p->lambda_names[p->n_lambda_names++] = t->text;
    }
    e->n_params = n;
    p->pos += 2 * n - 1 + extra + 1;
    e->args = bk_arena_array(p->a, 1, sizeof *e->args);
    if (!e->args) return p_oom(p);
    e->n_args = 1;
    bk_status st = p_expr(p, &e->args[0]);
    p->n_lambda_names = saved;
    BK_TRY(st);
    finish(p, e);
    *out = e;
    return BK_OK;
}

/* The parameter count of a lambda `(a, b, …) ->` starting at p->pos + 1, or 0. */
static uint32_t paren_lambda(const parser *p) {
    uint32_t n = 0;
    for (size_t k = 1;; k += 2) {
        if (p_peek_at(p, k)->kind != SQL_TOK_IDENT) return 0;
        n++;
        const sql_tok *sep = p_peek_at(p, k + 1);
        if (sep->kind != SQL_TOK_OP) return 0;
        if (!strcmp(sep->text, ")")) {
            const sql_tok *arrow = p_peek_at(p, k + 2);
            return arrow->kind == SQL_TOK_OP && !strcmp(arrow->text, "->") ? n : 0;
        }
        if (strcmp(sep->text, ",")) return 0;
    }
}

/* A function named `name` with arguments args (for the special syntaxes). */
static sql_expr *make_call(parser *p, uint32_t start, const char *name, sql_expr **args,
                           uint32_t n) {
    sql_expr *e = new_expr(p, SQL_E_FUNC, start);
    sql_ident *part = bk_arena_zalloc(p->a, sizeof *part);
    if (!e || !part) return NULL;
    part->text = name;
    e->name.parts = part;
    e->name.n = 1;
    e->args = args;
    e->n_args = n;
    finish(p, e);
    return e;
}

static sql_expr **args_of(parser *p, uint32_t n, sql_expr *a0, sql_expr *a1, sql_expr *a2) {
    sql_expr **args = bk_arena_array(p->a, n ? n : 1, sizeof *args);
    if (!args) return NULL;
    sql_expr *src[3] = {a0, a1, a2};
    for (uint32_t i = 0; i < n; i++) args[i] = src[i];
    return args;
}

static sql_expr *string_lit(parser *p, uint32_t start, const char *text) {
    sql_expr *e = new_expr(p, SQL_E_STRING, start);
    if (!e) return NULL;
    e->text = text;
    e->text_len = strlen(text);
    return e;
}

/* EXTRACT, SUBSTRING FROM/FOR, TRIM, POSITION: rewritten to calls.  1 when handled. */
static int special_function(parser *p, const char *kw, uint32_t start, sql_expr **out,
                            bk_status *st) {
    *st = BK_OK;
    if (strcmp(kw, "EXTRACT") == 0 || strcmp(kw, "DATE_PART") == 0) {
        /* EXTRACT(field FROM e) -> extract('field', e) */
        size_t save = p->pos;
        p->pos += 2;
        const sql_tok *f = p_peek(p);
        if (f->kind == SQL_TOK_IDENT && p_is_kw_at(p, 1, "FROM")) {
            sql_expr *field = string_lit(p, f->off, f->text);
            p->pos += 2;
            sql_expr *src;
            if ((*st = p_expr(p, &src)) != BK_OK) return 1;
            if ((*st = p_expect_op(p, ")")) != BK_OK) return 1;
            *out = make_call(p, start, "extract", args_of(p, 2, field, src, NULL), 2);
            if (!*out) *st = p_oom(p);
            return 1;
        }
        p->pos = save;
        return 0;
    }
    if (strcmp(kw, "SUBSTRING") == 0 || strcmp(kw, "SUBSTR") == 0) {
        size_t save = p->pos;
        p->pos += 2;
        sql_expr *s, *from = NULL, *len = NULL;
        if ((*st = p_expr(p, &s)) != BK_OK) return 1;
        if (!p_is_kw(p, "FROM")) {
            p->pos = save;
            return 0;
        }
        p->pos++;
        if ((*st = p_expr(p, &from)) != BK_OK) return 1;
        if (p_accept_kw(p, "FOR") && (*st = p_expr(p, &len)) != BK_OK) return 1;
        if ((*st = p_expect_op(p, ")")) != BK_OK) return 1;
        *out = make_call(p, start, "substring", args_of(p, len ? 3 : 2, s, from, len), len ? 3 : 2);
        if (!*out) *st = p_oom(p);
        return 1;
    }
    if (strcmp(kw, "POSITION") == 0) {
        size_t save = p->pos;
        p->pos += 2;
        sql_expr *needle, *hay;
        /* the needle is an additive expression (IN would be taken as a predicate) */
        if ((*st = p_expr(p, &needle)) != BK_OK) {
            p->pos = save;
            bk_error_clear(p->err);
            *st = BK_OK;
            return 0;
        }
        if (needle->kind == SQL_E_IN && needle->n_args == 2 && !needle->negated) {
            hay = needle->args[1];
            needle = needle->args[0];
            if ((*st = p_expect_op(p, ")")) != BK_OK) return 1;
            *out = make_call(p, start, "position", args_of(p, 2, needle, hay, NULL), 2);
            if (!*out) *st = p_oom(p);
            return 1;
        }
        p->pos = save;
        return 0;
    }
    if (strcmp(kw, "TRIM") == 0) {
        size_t save = p->pos;
        p->pos += 2;
        const char *fn = "trim";
        if (p_accept_kw(p, "BOTH"))
            fn = "trim";
        else if (p_accept_kw(p, "LEADING"))
            fn = "ltrim";
        else if (p_accept_kw(p, "TRAILING"))
            fn = "rtrim";
        bool mode = p->pos != save + 2;
        sql_expr *chars = NULL, *src;
        if (p_accept_kw(p, "FROM")) {
            if ((*st = p_expr(p, &src)) != BK_OK) return 1;
        } else {
            if ((*st = p_expr(p, &src)) != BK_OK) return 1;
            if (p_accept_kw(p, "FROM")) {
                chars = src;
                if ((*st = p_expr(p, &src)) != BK_OK) return 1;
            } else if (!mode) {
                p->pos = save; /* plain trim(x) / trim(x, y): an ordinary call */
                return 0;
            }
        }
        if ((*st = p_expect_op(p, ")")) != BK_OK) return 1;
        /* trim(str [, chars]) */
        *out = make_call(p, start, fn, args_of(p, chars ? 2 : 1, src, chars, NULL), chars ? 2 : 1);
        if (!*out) *st = p_oom(p);
        return 1;
    }
    return 0;
}

static bk_status primary(parser *p, sql_expr **out) {
    const sql_tok *t = p_peek(p);
    uint32_t start = t->off;
    sql_expr *e;
    switch (t->kind) {
    case SQL_TOK_NUMBER:
    case SQL_TOK_STRING:
    case SQL_TOK_BINARY:
    case SQL_TOK_PARAM:
        /* a literal (or parameter) is its token's text */
        e = new_expr(p,
                     t->kind == SQL_TOK_NUMBER   ? SQL_E_NUMBER
                     : t->kind == SQL_TOK_STRING ? SQL_E_STRING
                     : t->kind == SQL_TOK_BINARY ? SQL_E_BINARY
                                                 : SQL_E_PARAM,
                     start);
        if (!e) return p_oom(p);
        e->text = t->text;
        e->text_len = t->text_len;
        p->pos++;
        finish(p, e);
        *out = e;
        return BK_OK;
    case SQL_TOK_OP:
        if (p_is_op(p, "*")) {
            e = new_expr(p, SQL_E_STAR, start);
            if (!e) return p_oom(p);
            p->pos++;
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        if (p_is_op(p, "(")) {
            /* (query), (expr), (a, b) -> struct, or a lambda (x, y) -> … */
            uint32_t n_params = paren_lambda(p);
            if (n_params) {
                p->pos++;
                return lambda_at(p, start, n_params, 1, out);
            }
            if (p_is_kw_at(p, 1, "SELECT") || p_is_kw_at(p, 1, "WITH") ||
                p_is_kw_at(p, 1, "VALUES") || p_is_kw_at(p, 1, "FROM")) {
                p->pos++;
                e = new_expr(p, SQL_E_SUBQUERY, start);
                if (!e) return p_oom(p);
                BK_TRY(p_query(p, &e->query));
                BK_TRY(p_expect_op(p, ")"));
                finish(p, e);
                *out = e;
                return BK_OK;
            }
            p->pos++;
            sql_expr *inner;
            BK_TRY(p_expr(p, &inner));
            if (p_accept_op(p, ")")) {
                *out = inner;
                return BK_OK;
            }
            /* a row: (a, b, …) becomes struct(a, b, …); (0 AS s, …) names its fields */
            uint32_t n = 1, cap = 0, cap_al = 0, n_al = 0;
            sql_expr **items = NULL;
            sql_ident **aliases = NULL;
            bool named = false;
            n = 0;
            for (sql_expr *x = inner;;) {
                BK_TRY(p_push(p, (void ***)&items, &n, &cap, x));
                sql_ident *al = bk_arena_zalloc(p->a, sizeof *al);
                if (!al) return p_oom(p);
                if (p_accept_kw(p, "AS")) {
                    BK_TRY(p_ident(p, al));
                    named = true;
                }
                BK_TRY(p_push(p, (void ***)&aliases, &n_al, &cap_al, al));
                if (!p_accept_op(p, ",")) break;
                BK_TRY(p_expr(p, &x));
            }
            BK_TRY(p_expect_op(p, ")"));
            *out = make_call(p, start, "struct", items, n);
            if (!*out) return p_oom(p);
            if (named) {
                (*out)->arg_aliases = bk_arena_array(p->a, n, sizeof *(*out)->arg_aliases);
                if (!(*out)->arg_aliases) return p_oom(p);
                for (uint32_t i = 0; i < n; i++) (*out)->arg_aliases[i] = *aliases[i];
            }
            return BK_OK;
        }
        return p_syntax_error(p);
    case SQL_TOK_END:
        return p_syntax_error(p);
    case SQL_TOK_IDENT:
        break;
    }
    /* words */
    if (!t->quoted) {
        const char *w = t->text;
        bool next_open =
            p_peek_at(p, 1)->kind == SQL_TOK_OP && strcmp(p_peek_at(p, 1)->text, "(") == 0;
        const sql_tok *n1 = p_peek_at(p, 1);
        if (bk_str_ieq_cstr(bk_str_from_cstr(w), "NULL")) {
            e = new_expr(p, SQL_E_NULL, start);
            if (!e) return p_oom(p);
            p->pos++;
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        if (p_is_kw(p, "TRUE") || p_is_kw(p, "FALSE")) {
            e = new_expr(p, SQL_E_BOOL, start);
            if (!e) return p_oom(p);
            e->b = p_is_kw(p, "TRUE");
            p->pos++;
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        if ((p_is_kw(p, "DATE") || p_is_kw(p, "TIMESTAMP") || p_is_kw(p, "TIMESTAMP_NTZ") ||
             p_is_kw(p, "TIMESTAMP_LTZ")) &&
            n1->kind == SQL_TOK_STRING) {
            e = new_expr(p, SQL_E_TYPED, start);
            if (!e) return p_oom(p);
            e->type_name = p_is_kw(p, "DATE")            ? "DATE"
                           : p_is_kw(p, "TIMESTAMP_NTZ") ? "TIMESTAMP_NTZ"
                                                         : "TIMESTAMP";
            e->text = n1->text;
            e->text_len = n1->text_len;
            p->pos += 2;
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        if (p_is_kw(p, "X") && n1->kind == SQL_TOK_STRING) return p_syntax_error(p);
        if (p_is_kw(p, "INTERVAL") && !next_open) {
            /* INTERVAL 'text' [unit [TO unit]] | INTERVAL n unit [n unit …] */
            e = new_expr(p, SQL_E_INTERVAL, start);
            if (!e) return p_oom(p);
            p->pos++;
            size_t first = p->pos;
            for (;;) {
                /* a sign: before a number, or before the first (quoted) value */
                if ((p_is_op(p, "-") && p_peek_at(p, 1)->kind == SQL_TOK_NUMBER &&
                     is_interval_unit(p_peek_at(p, 2))) ||
                    (p->pos == first && (p_is_op(p, "-") || p_is_op(p, "+")) &&
                     p_peek_at(p, 1)->kind == SQL_TOK_STRING))
                    p->pos++;
                if (p_peek(p)->kind != SQL_TOK_STRING && p_peek(p)->kind != SQL_TOK_NUMBER) break;
                p->pos++;
                if (is_interval_unit(p_peek(p))) {
                    p->pos++;
                    if (p_is_kw(p, "TO") && is_interval_unit(p_peek_at(p, 1))) p->pos += 2;
                }
            }
            if (p->pos == first) return p_syntax_error(p);
            const sql_tok *last = &p->toks.items[p->pos - 1];
            e->text = bk_arena_strndup(p->a, p->text + p->toks.items[first].off,
                                       last->off + last->len - p->toks.items[first].off);
            if (!e->text) return p_oom(p);
            e->text_len = strlen(e->text);
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        if (p_is_kw(p, "CASE")) {
            p->pos++;
            e = new_expr(p, SQL_E_CASE, start);
            if (!e) return p_oom(p);
            if (!p_is_kw(p, "WHEN")) BK_TRY(p_expr(p, &e->operand));
            uint32_t cap = 0;
            while (p_accept_kw(p, "WHEN")) {
                sql_expr *w1, *t1;
                BK_TRY(p_expr(p, &w1));
                BK_TRY(p_expect_kw(p, "THEN"));
                BK_TRY(p_expr(p, &t1));
                BK_TRY(p_push(p, (void ***)&e->args, &e->n_args, &cap, w1));
                BK_TRY(p_push(p, (void ***)&e->args, &e->n_args, &cap, t1));
            }
            if (e->n_args == 0) return p_syntax_error(p);
            if (p_accept_kw(p, "ELSE")) BK_TRY(p_expr(p, &e->else_));
            BK_TRY(p_expect_kw(p, "END"));
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        if ((p_is_kw(p, "CAST") || p_is_kw(p, "TRY_CAST")) && next_open) {
            e = new_expr(p, SQL_E_CAST, start);
            if (!e) return p_oom(p);
            e->try_cast = p_is_kw(p, "TRY_CAST");
            p->pos += 2;
            e->args = bk_arena_array(p->a, 1, sizeof *e->args);
            if (!e->args) return p_oom(p);
            e->n_args = 1;
            BK_TRY(p_expr(p, &e->args[0]));
            BK_TRY(p_expect_kw(p, "AS"));
            BK_TRY(p_type(p, &e->type, &e->type_span));
            BK_TRY(p_expect_op(p, ")"));
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        /* EXISTS (query); exists(arr, x -> …) is the higher-order function */
        if (p_is_kw(p, "EXISTS") && next_open &&
            (p_is_kw_at(p, 2, "SELECT") || p_is_kw_at(p, 2, "WITH") ||
             p_is_kw_at(p, 2, "VALUES") || p_is_kw_at(p, 2, "FROM") ||
             p_is_kw_at(p, 2, "TABLE") ||
             (p_peek_at(p, 2)->kind == SQL_TOK_OP && !strcmp(p_peek_at(p, 2)->text, "(")))) {
            p->pos += 2;
            e = new_expr(p, SQL_E_EXISTS, start);
            if (!e) return p_oom(p);
            BK_TRY(p_query(p, &e->query));
            BK_TRY(p_expect_op(p, ")"));
            finish(p, e);
            *out = e;
            return BK_OK;
        }
        if (!next_open && (p_is_kw(p, "CURRENT_DATE") || p_is_kw(p, "CURRENT_TIMESTAMP") ||
                           p_is_kw(p, "CURRENT_USER") || p_is_kw(p, "CURRENT_TIMEZONE") ||
                           p_is_kw(p, "LOCALTIMESTAMP"))) {
            char *name = bk_arena_strdup(p->a, w);
            if (!name) return p_oom(p);
            for (char *c = name; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
            p->pos++;
            *out = make_call(p, start, name, NULL, 0);
            return *out ? BK_OK : p_oom(p);
        }
        if (next_open) {
            char upper[32];
            size_t wl = strlen(w);
            if (wl < sizeof upper) {
                for (size_t i = 0; i <= wl; i++)
                    upper[i] = (char)(w[i] >= 'a' && w[i] <= 'z' ? w[i] - 'a' + 'A' : w[i]);
                bk_status st;
                if (special_function(p, upper, start, out, &st)) return st;
            }
        }
        bool arrow = p_peek_at(p, 1)->kind == SQL_TOK_OP && !strcmp(p_peek_at(p, 1)->text, "->");
        if (p_is_reserved(t) && !next_open && !arrow && !p_is_lambda_name(p, t))
            return p_syntax_error(p);
    }
    /* a lambda x -> … */
    if (p_peek(p)->kind == SQL_TOK_IDENT && p_peek_at(p, 1)->kind == SQL_TOK_OP &&
        strcmp(p_peek_at(p, 1)->text, "->") == 0)
        return lambda_at(p, start, 1, 0, out);
    /* name, name.name…, name.*, name(…); left(…) and right(…) despite LEFT/RIGHT JOIN */
    sql_name name;
    const sql_tok *nt = p_peek(p);
    if (nt->kind == SQL_TOK_IDENT && !nt->quoted && p_peek_at(p, 1)->kind == SQL_TOK_OP &&
        !strcmp(p_peek_at(p, 1)->text, "(") && (p_is_kw(p, "LEFT") || p_is_kw(p, "RIGHT"))) {
        sql_ident *id = bk_arena_alloc(p->a, sizeof *id);
        if (!id) return p_oom(p);
        *id = (sql_ident){nt->text, false, {nt->off, nt->len}};
        name = (sql_name){.parts = id, .n = 1, .span = {nt->off, nt->len}};
        p->pos++;
    } else {
        BK_TRY(p_name(p, &name));
    }
    if (p_is_op(p, ".") && p_peek_at(p, 1)->kind == SQL_TOK_OP &&
        strcmp(p_peek_at(p, 1)->text, "*") == 0) {
        p->pos += 2;
        e = new_expr(p, SQL_E_STAR, start);
        if (!e) return p_oom(p);
        e->name = name;
        finish(p, e);
        *out = e;
        return BK_OK;
    }
    if (p_accept_op(p, "(")) {
        e = new_expr(p, SQL_E_FUNC, start);
        if (!e) return p_oom(p);
        e->name = name;
        BK_TRY(function_call(p, e));
        finish(p, e);
        *out = e;
        return BK_OK;
    }
    e = new_expr(p, SQL_E_COLUMN, start);
    if (!e) return p_oom(p);
    e->name = name;
    finish(p, e);
    *out = e;
    return BK_OK;
}

/* primary with postfix [i], .field, ::type */
static bk_status postfix(parser *p, sql_expr **out) {
    uint32_t start = p_peek(p)->off;
    BK_TRY(primary(p, out));
    for (;;) {
        if (p_accept_op(p, "[")) {
            sql_expr *e = new_expr(p, SQL_E_SUBSCRIPT, start), *idx;
            if (!e) return p_oom(p);
            BK_TRY(p_expr(p, &idx));
            BK_TRY(p_expect_op(p, "]"));
            e->args = args_of(p, 2, *out, idx, NULL);
            if (!e->args) return p_oom(p);
            e->n_args = 2;
            finish(p, e);
            *out = e;
        } else if (p_is_op(p, ".") && p_peek_at(p, 1)->kind == SQL_TOK_IDENT) {
            p->pos++;
            sql_expr *e = new_expr(p, SQL_E_FIELD, start);
            sql_ident *f = bk_arena_alloc(p->a, sizeof *f);
            if (!e || !f) return p_oom(p);
            BK_TRY(p_ident(p, f));
            e->name.parts = f;
            e->name.n = 1;
            e->args = args_of(p, 1, *out, NULL, NULL);
            if (!e->args) return p_oom(p);
            e->n_args = 1;
            finish(p, e);
            *out = e;
        } else if (p_accept_op(p, "::")) {
            sql_expr *e = new_expr(p, SQL_E_CAST, start);
            if (!e) return p_oom(p);
            e->args = args_of(p, 1, *out, NULL, NULL);
            if (!e->args) return p_oom(p);
            e->n_args = 1;
            BK_TRY(p_type(p, &e->type, &e->type_span));
            finish(p, e);
            *out = e;
        } else {
            return BK_OK;
        }
    }
}

static bk_status unary(parser *p, sql_expr **out) {
    if (p_is_op(p, "-") || p_is_op(p, "+") || p_is_op(p, "~") || p_is_op(p, "!")) {
        uint32_t start = p_peek(p)->off;
        const char *op = p_peek(p)->text;
        p->pos++;
        BK_TRY(p_enter(p));
        sql_expr *arg;
        bk_status s = unary(p, &arg);
        p_leave(p);
        if (s != BK_OK) return s;
        if (strcmp(op, "-") == 0 && arg->kind == SQL_E_NUMBER && arg->span.off == start + 1) {
            /* -5 is one literal (so -2147483648 is an INT, as in Spark) */
            char *t = bk_arena_printf(p->a, "-%s", arg->text);
            if (!t) return p_oom(p);
            arg->text = t;
            arg->text_len = strlen(t);
            arg->span.off = start;
            arg->span.len++;
            *out = arg;
            return BK_OK;
        }
        sql_expr *e = new_expr(p, SQL_E_UNARY, start);
        if (!e) return p_oom(p);
        e->op = strcmp(op, "!") == 0 ? "NOT" : op;
        e->args = args_of(p, 1, arg, NULL, NULL);
        if (!e->args) return p_oom(p);
        e->n_args = 1;
        finish(p, e);
        *out = e;
        return BK_OK;
    }
    return postfix(p, out);
}

/* Binary operator levels from tightest (0) to loosest. */
static int level_of(parser *p, const char **op) {
    const sql_tok *t = p_peek(p);
    if (t->kind == SQL_TOK_OP) {
        const char *o = t->text;
        *op = o;
        if (!strcmp(o, "*") || !strcmp(o, "/") || !strcmp(o, "%")) return 0;
        if (!strcmp(o, "+") || !strcmp(o, "-") || !strcmp(o, "||")) return 1;
        if (!strcmp(o, "<<") || !strcmp(o, ">>")) return 2;
        if (!strcmp(o, "&")) return 3;
        if (!strcmp(o, "^")) return 4;
        if (!strcmp(o, "|")) return 5;
        return -1;
    }
    if (p_is_kw(p, "DIV")) {
        *op = "DIV";
        return 0;
    }
    return -1;
}

static bk_status value_expr(parser *p, int max_level, sql_expr **out) {
    BK_TRY(unary(p, out));
    for (;;) {
        const char *op;
        int lvl = level_of(p, &op);
        if (lvl < 0 || lvl > max_level) return BK_OK;
        p->pos++;
        sql_expr *rhs;
        BK_TRY(p_enter(p));
        bk_status s = value_expr(p, lvl - 1, &rhs);
        p_leave(p);
        if (s != BK_OK) return s;
        *out = binary(p, op, *out, rhs);
        if (!*out) return p_oom(p);
    }
}

/*
 * x [NOT] LIKE|ILIKE ANY|SOME|ALL (p1, ..., pn), the quantifier just ahead: an OR
 * (ANY, SOME) or AND (ALL) of the single comparisons, each negated for NOT, as
 * Spark evaluates LikeAny, NotLikeAny, LikeAll and NotLikeAll: true, false or
 * NULL by the usual three-valued logic.  Patterns may be any expressions.
 */
static bk_status like_quantified(parser *p, uint32_t start, const char *op, bool neg, sql_expr *x,
                                 sql_expr **out) {
    uint32_t like_off = p->toks.items[p->pos - 1].off; /* the LIKE keyword */
    bool all = p_is_kw(p, "ALL");
    if (op[0] == 'R') return p_syntax_error(p); /* no RLIKE ANY in Spark */
    p->pos++;
    BK_TRY(p_expect_op(p, "("));
    if (p_is_op(p, ")")) {
        bk_status s = bk_error_set(p->err, BK_LEGACY_PARSE_MESSAGE,
                                   "Expected something between '(' and ')'.");
        if (p->err) p->err->sql_pos = (int)like_off;
        return s;
    }
    sql_expr *acc = NULL;
    do {
        sql_expr *pat;
        BK_TRY(p_expr(p, &pat));
        sql_expr *one = new_expr(p, SQL_E_LIKE, start);
        if (!one) return p_oom(p);
        one->op = op;
        one->negated = neg;
        one->args = args_of(p, 2, x, pat, NULL);
        if (!one->args) return p_oom(p);
        one->n_args = 2;
        finish(p, one);
        acc = acc ? binary(p, all ? "AND" : "OR", acc, one) : one;
        if (!acc) return p_oom(p);
    } while (p_accept_op(p, ","));
    BK_TRY(p_expect_op(p, ")"));
    acc->span = p_span_from(p, start);
    *out = acc;
    return BK_OK;
}

static bk_status predicate(parser *p, sql_expr **out) {
    uint32_t start = p_peek(p)->off;
    sql_expr *l;
    BK_TRY(value_expr(p, 5, &l));
    for (;;) {
        const sql_tok *t = p_peek(p);
        static const char *const cmp[] = {"=", "==", "<>", "!=", "<", "<=", ">", ">=", "<=>"};
        bool is_cmp = false;
        for (size_t k = 0; t->kind == SQL_TOK_OP && k < BK_ARRAY_LEN(cmp); k++)
            is_cmp |= strcmp(t->text, cmp[k]) == 0;
        if (is_cmp) {
            const char *op = t->text;
            if (!strcmp(op, "==")) op = "=";
            if (!strcmp(op, "!=")) op = "<>";
            p->pos++;
            sql_expr *r;
            BK_TRY(value_expr(p, 5, &r));
            l = binary(p, op, l, r);
            if (!l) return p_oom(p);
            continue;
        }
        bool neg = false;
        size_t save = p->pos;
        if (p_is_kw(p, "NOT") && (p_is_kw_at(p, 1, "BETWEEN") || p_is_kw_at(p, 1, "IN") ||
                                  p_is_kw_at(p, 1, "LIKE") || p_is_kw_at(p, 1, "ILIKE") ||
                                  p_is_kw_at(p, 1, "RLIKE") || p_is_kw_at(p, 1, "REGEXP"))) {
            neg = true;
            p->pos++;
        }
        if (p_accept_kw(p, "BETWEEN")) {
            sql_expr *e = new_expr(p, SQL_E_BETWEEN, start), *lo, *hi;
            if (!e) return p_oom(p);
            BK_TRY(value_expr(p, 5, &lo));
            BK_TRY(p_expect_kw(p, "AND"));
            BK_TRY(value_expr(p, 5, &hi));
            e->negated = neg;
            e->args = args_of(p, 3, l, lo, hi);
            if (!e->args) return p_oom(p);
            e->n_args = 3;
            finish(p, e);
            l = e;
            continue;
        }
        if (p_accept_kw(p, "IN")) {
            BK_TRY(p_expect_op(p, "("));
            sql_expr *e;
            if (p_is_kw(p, "SELECT") || p_is_kw(p, "WITH") || p_is_kw(p, "VALUES") ||
                p_is_kw(p, "FROM")) {
                e = new_expr(p, SQL_E_IN_QUERY, start);
                if (!e) return p_oom(p);
                BK_TRY(p_query(p, &e->query));
                e->args = args_of(p, 1, l, NULL, NULL);
                if (!e->args) return p_oom(p);
                e->n_args = 1;
            } else {
                e = new_expr(p, SQL_E_IN, start);
                if (!e) return p_oom(p);
                uint32_t cap = 0;
                BK_TRY(p_push(p, (void ***)&e->args, &e->n_args, &cap, l));
                do {
                    sql_expr *x;
                    BK_TRY(p_expr(p, &x));
                    BK_TRY(p_push(p, (void ***)&e->args, &e->n_args, &cap, x));
                } while (p_accept_op(p, ","));
            }
            BK_TRY(p_expect_op(p, ")"));
            e->negated = neg;
            finish(p, e);
            l = e;
            continue;
        }
        if (p_is_kw(p, "LIKE") || p_is_kw(p, "ILIKE") || p_is_kw(p, "RLIKE") ||
            p_is_kw(p, "REGEXP")) {
            sql_expr *e = new_expr(p, SQL_E_LIKE, start), *pat, *esc = NULL;
            if (!e) return p_oom(p);
            e->op = p_is_kw(p, "LIKE") ? "LIKE" : p_is_kw(p, "ILIKE") ? "ILIKE" : "RLIKE";
            p->pos++;
            if (p_is_kw(p, "ANY") || p_is_kw(p, "ALL") || p_is_kw(p, "SOME")) {
                BK_TRY(like_quantified(p, start, e->op, neg, l, &l));
                continue;
            }
            BK_TRY(value_expr(p, 5, &pat));
            if (p_accept_kw(p, "ESCAPE")) BK_TRY(value_expr(p, 5, &esc));
            e->negated = neg;
            e->args = args_of(p, esc ? 3 : 2, l, pat, esc);
            if (!e->args) return p_oom(p);
            e->n_args = esc ? 3 : 2;
            finish(p, e);
            l = e;
            continue;
        }
        p->pos = save;
        if (p_accept_kw(p, "IS")) {
            sql_expr *e = new_expr(p, SQL_E_IS, start);
            if (!e) return p_oom(p);
            e->negated = p_accept_kw(p, "NOT");
            if (p_accept_kw(p, "NULL")) {
                e->op = "NULL";
            } else if (p_accept_kw(p, "TRUE")) {
                e->op = "TRUE";
            } else if (p_accept_kw(p, "FALSE")) {
                e->op = "FALSE";
            } else if (p_accept_kw(p, "UNKNOWN")) {
                e->op = "NULL";
            } else if (p_accept_kw(p, "DISTINCT")) {
                BK_TRY(p_expect_kw(p, "FROM"));
                sql_expr *r;
                BK_TRY(value_expr(p, 5, &r));
                e->op = "DISTINCT";
                e->args = args_of(p, 2, l, r, NULL);
                if (!e->args) return p_oom(p);
                e->n_args = 2;
                finish(p, e);
                l = e;
                continue;
            } else {
                return p_syntax_error(p);
            }
            e->args = args_of(p, 1, l, NULL, NULL);
            if (!e->args) return p_oom(p);
            e->n_args = 1;
            finish(p, e);
            l = e;
            continue;
        }
        *out = l;
        return BK_OK;
    }
}

static bk_status parse_not(parser *p, sql_expr **out) {
    if (p_is_kw(p, "NOT")) {
        uint32_t start = p_peek(p)->off;
        p->pos++;
        BK_TRY(p_enter(p));
        sql_expr *arg;
        bk_status s = parse_not(p, &arg);
        p_leave(p);
        if (s != BK_OK) return s;
        sql_expr *e = new_expr(p, SQL_E_UNARY, start);
        if (!e) return p_oom(p);
        e->op = "NOT";
        e->args = args_of(p, 1, arg, NULL, NULL);
        if (!e->args) return p_oom(p);
        e->n_args = 1;
        finish(p, e);
        *out = e;
        return BK_OK;
    }
    return predicate(p, out);
}

static bk_status parse_and(parser *p, sql_expr **out) {
    BK_TRY(parse_not(p, out));
    while (p_accept_kw(p, "AND")) {
        sql_expr *r;
        BK_TRY(parse_not(p, &r));
        *out = binary(p, "AND", *out, r);
        if (!*out) return p_oom(p);
    }
    return BK_OK;
}

static bk_status parse_or(parser *p, sql_expr **out) {
    BK_TRY(parse_and(p, out));
    while (p_accept_kw(p, "OR")) {
        sql_expr *r;
        BK_TRY(parse_and(p, &r));
        *out = binary(p, "OR", *out, r);
        if (!*out) return p_oom(p);
    }
    return BK_OK;
}

bk_status p_expr(parser *p, sql_expr **out) {
    BK_TRY(p_enter(p));
    bk_status s = parse_or(p, out);
    p_leave(p);
    return s;
}
