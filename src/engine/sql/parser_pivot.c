/*
 * parser_pivot.c — PIVOT and UNPIVOT after a relation (Spark's relationExtension).
 *
 *     pivot    PIVOT ( agg [[AS] a], … FOR pcols IN ( value [[AS] a], … ) ) [[AS] alias]
 *     pcols    ident | ( ident, … )
 *     unpivot  UNPIVOT [INCLUDE NULLS | EXCLUDE NULLS]
 *              ( vcols FOR ident IN ( item, … ) ) [[AS] alias]
 *     vcols    ident | ( ident, … )
 *     item     name [[AS] a] | ( name, … ) [[AS] a]
 *
 * A pivot value (a, b) parses as the expression struct(a, b); the binder
 * checks the values are literals.  Both wrap the relation before them in a
 * SQL_FROM_PIVOT / SQL_FROM_UNPIVOT node (its `left`).
 */
#include "engine/sql/parser_int.h"

/* [[AS] ident] into *out (NULL when absent). */
static bk_status opt_alias(parser *p, sql_ident **out) {
    bool as = p_accept_kw(p, "AS");
    const sql_tok *t = p_peek(p);
    *out = NULL;
    if (!as && p_is_kw(p, "FOR")) return BK_OK; /* sum(x) FOR …: FOR is not an alias */
    if (t->kind != SQL_TOK_IDENT || p_is_reserved(t)) return as ? p_syntax_error(p) : BK_OK;
    *out = bk_arena_alloc(p->a, sizeof **out);
    if (!*out) return p_oom(p);
    return p_ident(p, *out);
}

/* ident | ( ident, … ) */
static bk_status idents(parser *p, sql_ident **out, uint32_t *n) {
    uint32_t cap = 0;
    sql_ident **items = NULL;
    bool paren = p_accept_op(p, "(");
    *n = 0;
    do {
        sql_ident *id = bk_arena_alloc(p->a, sizeof *id);
        if (!id) return p_oom(p);
        BK_TRY(p_ident(p, id));
        BK_TRY(p_push(p, (void ***)&items, n, &cap, id));
    } while (paren && p_accept_op(p, ","));
    if (paren) BK_TRY(p_expect_op(p, ")"));
    *out = bk_arena_array(p->a, *n, sizeof **out);
    if (!*out) return p_oom(p);
    for (uint32_t i = 0; i < *n; i++) (*out)[i] = *items[i];
    return BK_OK;
}

/* expr [[AS] a] (, expr [[AS] a])* */
static bk_status named_exprs(parser *p, sql_select_item **out, uint32_t *n) {
    uint32_t cap = 0;
    sql_select_item **items = NULL;
    *n = 0;
    do {
        sql_select_item *it = bk_arena_zalloc(p->a, sizeof *it);
        if (!it) return p_oom(p);
        BK_TRY(p_expr(p, &it->expr));
        BK_TRY(opt_alias(p, &it->alias));
        BK_TRY(p_push(p, (void ***)&items, n, &cap, it));
    } while (p_accept_op(p, ","));
    *out = bk_arena_array(p->a, *n, sizeof **out);
    if (!*out) return p_oom(p);
    for (uint32_t i = 0; i < *n; i++) (*out)[i] = *items[i];
    return BK_OK;
}

static bk_status pivot_body(parser *p, sql_pivot *pv) {
    BK_TRY(p_expect_op(p, "("));
    BK_TRY(named_exprs(p, &pv->aggs, &pv->n_aggs));
    BK_TRY(p_expect_kw(p, "FOR"));
    BK_TRY(idents(p, &pv->cols, &pv->n_cols));
    BK_TRY(p_expect_kw(p, "IN"));
    BK_TRY(p_expect_op(p, "("));
    BK_TRY(named_exprs(p, &pv->values, &pv->n_values));
    BK_TRY(p_expect_op(p, ")"));
    return p_expect_op(p, ")");
}

/* item -> name [[AS] a] | ( name, … ) [[AS] a] */
static bk_status unpivot_item(parser *p, sql_unpivot_item *it) {
    uint32_t cap = 0;
    sql_name **names = NULL;
    bool paren = p_accept_op(p, "(");
    it->n_cols = 0;
    do {
        sql_name *nm = bk_arena_alloc(p->a, sizeof *nm);
        if (!nm) return p_oom(p);
        BK_TRY(p_name(p, nm));
        BK_TRY(p_push(p, (void ***)&names, &it->n_cols, &cap, nm));
    } while (paren && p_accept_op(p, ","));
    if (paren) BK_TRY(p_expect_op(p, ")"));
    it->cols = bk_arena_array(p->a, it->n_cols, sizeof *it->cols);
    if (!it->cols) return p_oom(p);
    for (uint32_t i = 0; i < it->n_cols; i++) it->cols[i] = *names[i];
    return opt_alias(p, &it->alias);
}

static bk_status unpivot_body(parser *p, sql_pivot *pv) {
    if (p_accept_kw(p, "INCLUDE")) {
        BK_TRY(p_expect_kw(p, "NULLS"));
        pv->include_nulls = true;
    } else if (p_accept_kw(p, "EXCLUDE")) {
        BK_TRY(p_expect_kw(p, "NULLS"));
    }
    BK_TRY(p_expect_op(p, "("));
    BK_TRY(idents(p, &pv->value_cols, &pv->n_value_cols));
    BK_TRY(p_expect_kw(p, "FOR"));
    BK_TRY(p_ident(p, &pv->name_col));
    BK_TRY(p_expect_kw(p, "IN"));
    BK_TRY(p_expect_op(p, "("));
    uint32_t cap = 0;
    sql_unpivot_item **items = NULL;
    do {
        sql_unpivot_item *it = bk_arena_zalloc(p->a, sizeof *it);
        if (!it) return p_oom(p);
        BK_TRY(unpivot_item(p, it));
        BK_TRY(p_push(p, (void ***)&items, &pv->n_items, &cap, it));
    } while (p_accept_op(p, ","));
    pv->items = bk_arena_array(p->a, pv->n_items, sizeof *pv->items);
    if (!pv->items) return p_oom(p);
    for (uint32_t i = 0; i < pv->n_items; i++) pv->items[i] = *items[i];
    BK_TRY(p_expect_op(p, ")"));
    return p_expect_op(p, ")");
}

bk_status p_pivot_clause(parser *p, sql_from **rel) {
    uint32_t start = (*rel)->span.off, kw = p_peek(p)->off;
    sql_from *f = bk_arena_zalloc(p->a, sizeof *f);
    sql_pivot *pv = bk_arena_zalloc(p->a, sizeof *pv);
    if (!f || !pv) return p_oom(p);
    bool pivot = p_accept_kw(p, "PIVOT");
    if (!pivot) BK_TRY(p_expect_kw(p, "UNPIVOT"));
    f->kind = pivot ? SQL_FROM_PIVOT : SQL_FROM_UNPIVOT;
    f->left = *rel;
    f->pivot = pv;
    BK_TRY(pivot ? pivot_body(p, pv) : unpivot_body(p, pv));
    pv->span = p_span_from(p, kw);
    BK_TRY(opt_alias(p, &f->alias));
    f->span = p_span_from(p, start);
    *rel = f;
    return BK_OK;
}
