/*
 * bind_window.c — window functions: OVER (…), the WINDOW clause, QUALIFY.
 *
 * Spark's order: FROM, WHERE, GROUP BY, HAVING, then the windows, QUALIFY,
 * the select list, DISTINCT, ORDER BY.  bind_windows runs after HAVING:
 *   1. collects the window calls of the select list, QUALIFY and ORDER BY
 *      (not inside subqueries) and resolves named windows (WINDOW w AS …);
 *   2. checks each function and frame as Spark's analyzer does and binds the
 *      arguments, PARTITION BY and ORDER BY expressions (in the aggregate
 *      context after GROUP BY, so sum(sum(x)) OVER (…) works) into one
 *      pre-projection: the relation's columns first, unchanged, then every
 *      distinct expression the windows read, and for RANGE frames with an
 *      offset the per-row bound (key ± offset, in the key's sort direction);
 *   3. stacks one EXEC_NODE_WINDOW per distinct (PARTITION BY, ORDER BY),
 *      each adding its functions' columns;
 *   4. records in the bind environment which column each call became, so the
 *      select list, QUALIFY (with select aliases) and ORDER BY read them.
 *
 * Defaults are Spark's: with ORDER BY the frame is RANGE BETWEEN UNBOUNDED
 * PRECEDING AND CURRENT ROW, without it the whole partition; ASC sorts NULLs
 * first, DESC last.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "engine/exec/functions.h"
#include "engine/plan/binder_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static bk_status BK_PRINTF(5, 6)
    werr(binder *b, sql_span at, bk_error *err, bk_code code, const char *fmt, ...) {
    (void)b;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bk_error_set(err, code, "%s", msg);
    if (err && err->sql_pos < 0) err->sql_pos = (int)at.off;
    return code;
}

/* werr with Spark's sub-class of code's class ("RANGE_FRAME_INVALID_TYPE"). */
static bk_status BK_PRINTF(6, 7) werr_sub(binder *b, sql_span at, bk_error *err, bk_code code,
                                          const char *sub, const char *fmt, ...) {
    (void)b;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bk_error_set_sub(err, code, sub, "%s", msg);
    if (err && err->sql_pos < 0) err->sql_pos = (int)at.off;
    return code;
}

static const char *text_of(binder *b, sql_span s) {
    const char *t = bk_arena_strndup(b->a, b->text + s.off, s.len);
    return t ? t : "?";
}

static const char *fn_name(const sql_expr *e) { return e->name.parts[e->name.n - 1].text; }

static bool is_window_call(const sql_expr *e) { return e->kind == SQL_E_FUNC && e->over; }

/* The first window call in e (not inside subqueries), or NULL. */
static const sql_expr *find_window(const sql_expr *e) {
    if (!e) return NULL;
    if (is_window_call(e)) return e;
    for (uint32_t i = 0; i < e->n_args; i++) {
        const sql_expr *w = find_window(e->args[i]);
        if (w) return w;
    }
    const sql_expr *w = find_window(e->operand);
    return w ? w : find_window(e->else_);
}

static const char *const ranking_names[] = {"row_number", "rank",     "dense_rank", "percent_rank",
                                            "cume_dist",  "ntile",    "lag",        "lead",
                                            "nth_value"};

bool bind_is_window_only(const sql_expr *e) {
    if (e->kind != SQL_E_FUNC || e->name.n != 1) return false;
    for (size_t i = 0; i < BK_ARRAY_LEN(ranking_names); i++)
        if (name_eq(fn_name(e), ranking_names[i])) return true;
    return false;
}

bk_status bind_window_without_over(binder *b, const sql_expr *e, bk_error *err) {
    return werr(b, e->span, err, BK_WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE,
                "Window function \"%s\" requires an OVER clause.", fn_name(e));
}

bk_status bind_window_resolve(binder *b, const sql_expr *call, const sql_window **out,
                              bk_error *err) {
    const sql_window *w = call->over;
    for (int depth = 0; w->ref; depth++) {
        const sql_window *found = NULL;
        const sql_select *s = b->select;
        for (uint32_t i = 0; s && i < s->n_windows && !found; i++)
            if (name_eq(s->windows[i].name.text, w->ref->text)) found = s->windows[i].window;
        if (!found || depth > 32)
            return werr(b, call->span, err, BK_MISSING_WINDOW_SPECIFICATION,
                        "Window specification is not defined in the WINDOW clause for %s. For "
                        "more information about WINDOW clauses, please refer to "
                        "'https://spark.apache.org/docs/latest/sql-ref-syntax-qry-select-"
                        "window.html'.",
                        w->ref->text);
        w = found;
    }
    *out = w;
    return BK_OK;
}

static bk_status check_no_window(binder *b, const sql_expr *e, const char *clause,
                                 bk_error *err) {
    const sql_expr *w = find_window(e);
    if (!w) return BK_OK;
    if (!strcmp(clause, "WHERE") || !strcmp(clause, "HAVING"))
        return werr(b, w->span, err, BK_INVALID_WHERE_CONDITION,
                    "The %s condition \"%s\" contains invalid expressions: %s. Rewrite the query "
                    "to avoid window functions, aggregate functions, and generator functions in "
                    "the WHERE clause.",
                    clause, text_of(b, e->span), text_of(b, w->span));
    return werr(b, w->span, err, BK_UNSUPPORTED_EXPR_FOR_OPERATOR,
                "A query operator contains one or more unsupported expressions. Consider to "
                "rewrite it to avoid window functions, aggregate functions, and generator "
                "functions in the %s clause. Invalid expressions: [%s]",
                clause, text_of(b, w->span));
}

bk_status bind_check_windows(binder *b, const sql_select *s, bk_error *err) {
    for (uint32_t i = 0; i < s->n_windows; i++)
        for (uint32_t k = 0; k < i; k++)
            if (name_eq(s->windows[i].name.text, s->windows[k].name.text))
                return werr_sub(b, s->windows[i].name.span, err, BK_INVALID_SQL_SYNTAX,
                                "REPETITIVE_WINDOW_DEFINITION", "Invalid SQL "
                                "syntax: The definition of window `%s` is repetitive.",
                                s->windows[i].name.text);
    BK_TRY(check_no_window(b, s->where, "WHERE", err));
    for (uint32_t i = 0; i < s->n_group; i++)
        BK_TRY(check_no_window(b, s->group[i], "GROUP BY", err));
    return check_no_window(b, s->having, "HAVING", err);
}

/* ---- planning ---- */

typedef struct win_call {
    const sql_expr *call;
    const sql_window *w;
    exec_win_fn fn;
    uint32_t *part;
    uint32_t n_part;
    exec_sort_key *order;
    uint32_t n_order;
    uint32_t column; /* in the output of the last window node */
} win_call;

typedef struct wb {
    binder *b;
    bind_env *env;
    uint32_t n_in; /* columns of the relation before the windows */
    exec_expr **pre;
    plan_col *pre_cols;
    uint32_t n_pre, cap_pre;
    win_call *calls;
    uint32_t n_calls, cap_calls;
} wb;

/* The pre-projection column computing e (shared with an equal expression). */
static bk_status pre_add(wb *w, exec_expr *e, uint32_t *col, bk_error *err) {
    for (uint32_t i = 0; i < w->n_pre; i++)
        if (bind_expr_equal(e, w->pre[i])) {
            *col = i;
            return BK_OK;
        }
    if (w->n_pre == w->cap_pre) {
        uint32_t cap = w->cap_pre ? w->cap_pre * 2 : 32;
        exec_expr **pre = bk_arena_array(w->b->a, cap, sizeof *pre);
        plan_col *cols = bk_arena_array(w->b->a, cap, sizeof *cols);
        if (!pre || !cols) return bk_arena_oom(w->b->a, err);
        if (w->n_pre) {
            memcpy(pre, w->pre, w->n_pre * sizeof *pre);
            memcpy(cols, w->pre_cols, w->n_pre * sizeof *cols);
        }
        w->pre = pre;
        w->pre_cols = cols;
        w->cap_pre = cap;
    }
    w->pre[w->n_pre] = e;
    w->pre_cols[w->n_pre] = (plan_col){NULL, "__wpre", e->type};
    *col = w->n_pre++;
    return BK_OK;
}

static bk_status bind_pre(wb *w, const sql_expr *e, uint32_t *col, const bk_type **type,
                          bk_error *err) {
    exec_expr *x;
    BK_TRY(bind_expr(w->env, e, &x, err));
    if (type) *type = x->type;
    return pre_add(w, x, col, err);
}

/* Collect the window calls of e (nested windows are an error). */
static bk_status collect(wb *w, const sql_expr *e, bk_error *err) {
    if (!e) return BK_OK;
    binder *b = w->b;
    if (is_window_call(e)) {
        for (uint32_t i = 0; i < e->n_args; i++) {
            const sql_expr *inner = find_window(e->args[i]);
            if (inner)
                return werr(b, inner->span, err, BK_WINDOW_IN_AGGREGATE,
                            "It is not allowed to use a window function inside an aggregate "
                            "function. Please use the inner window function in a sub-query.");
        }
        if (w->n_calls == w->cap_calls) {
            uint32_t cap = w->cap_calls ? w->cap_calls * 2 : 8;
            win_call *c = bk_arena_zalloc(b->a, cap * sizeof *c);
            if (!c) return bk_arena_oom(b->a, err);
            if (w->n_calls) memcpy(c, w->calls, w->n_calls * sizeof *c);
            w->calls = c;
            w->cap_calls = cap;
        }
        w->calls[w->n_calls++].call = e;
        return BK_OK;
    }
    for (uint32_t i = 0; i < e->n_args; i++) BK_TRY(collect(w, e->args[i], err));
    BK_TRY(collect(w, e->operand, err));
    return collect(w, e->else_, err);
}

/*
 * A constant of a window call: bound without columns and folded.  `what`
 * names a function argument (DATATYPE_MISMATCH.NON_FOLDABLE_INPUT when not
 * constant); NULL means a frame bound (_LEGACY_ERROR_TEMP_0064).
 */
static bk_status fold(wb *w, const sql_expr *e, const char *what, bk_vector **out, bk_error *err) {
    bind_env env = {.b = w->b, .scope = &(plan_scope){0}};
    exec_expr *x;
    bk_status s = bind_expr(&env, e, &x, err);
    if (s == BK_OK && x->kind != EXEC_EXPR_CONST) s = bind_const_value(w->b, x, out, err);
    else if (s == BK_OK) *out = (bk_vector *)x->value;
    if (s == BK_OK && (*out)->type->kind == BK_TYPE_VOID) s = BK_INVALID_ARGUMENT;
    if (s != BK_OK) {
        bk_error_clear(err);
        if (what) /* a function argument */
            return werr_sub(w->b, e->span, err, BK_DATATYPE_MISMATCH,
                            "NON_FOLDABLE_INPUT", "Cannot resolve \"%s\" due to data "
                            "type mismatch: %s must be a constant.",
                            text_of(w->b, e->span), what);
        return werr(w->b, e->span, err, BK_LEGACY_PARSE_MESSAGE,
                    "Frame bound value must be a literal: \"%s\".", text_of(w->b, e->span));
    }
    return BK_OK;
}

static bool is_int_kind(bk_type_kind k) {
    return k == BK_TYPE_TINYINT || k == BK_TYPE_SMALLINT || k == BK_TYPE_INT ||
           k == BK_TYPE_BIGINT;
}

static bool is_numeric_kind(bk_type_kind k) {
    return is_int_kind(k) || k == BK_TYPE_FLOAT || k == BK_TYPE_DOUBLE || k == BK_TYPE_DECIMAL;
}

static int64_t int_value(const bk_vector *v) {
    switch (v->type->kind) {
    case BK_TYPE_TINYINT:
        return ((const int8_t *)v->data)[0];
    case BK_TYPE_SMALLINT:
        return ((const int16_t *)v->data)[0];
    case BK_TYPE_INT:
        return ((const int32_t *)v->data)[0];
    default:
        return ((const int64_t *)v->data)[0];
    }
}

/* A foldable INT argument (offsets, buckets, positions). */
static bk_status int_arg(wb *w, const sql_expr *call, const sql_expr *e, int64_t *out,
                         bk_error *err) {
    bk_vector *v;
    BK_TRY(fold(w, e, "The argument", &v, err));
    if (!is_int_kind(v->type->kind) || v->type->kind == BK_TYPE_BIGINT ||
        !bk_vector_is_valid(v, 0))
        return werr_sub(w->b, e->span, err, BK_DATATYPE_MISMATCH,
                        "UNEXPECTED_INPUT_TYPE", "Cannot resolve \"%s\" due to data "
                        "type mismatch: the argument \"%s\" requires an \"INT\" literal.",
                        text_of(w->b, call->span), text_of(w->b, e->span));
    *out = int_value(v);
    return BK_OK;
}

static const char *bound_text(int kind, const sql_expr *off, binder *b) {
    switch (kind) {
    case SQL_FRAME_UNBOUNDED_PRECEDING:
        return "UNBOUNDED PRECEDING";
    case SQL_FRAME_UNBOUNDED_FOLLOWING:
        return "UNBOUNDED FOLLOWING";
    case SQL_FRAME_CURRENT_ROW:
        return "CURRENT ROW";
    default:
        return off ? text_of(b, off->span) : "?";
    }
}

/* One offset bound of a frame: its signed value (negative: before) and, for RANGE, its column. */
static bk_status frame_offset(wb *w, win_call *c, bool is_start, int64_t *signed_rows,
                              double *signed_value, uint32_t *col, bk_error *err) {
    binder *b = w->b;
    const sql_window *ws = c->w;
    int kind = is_start ? ws->start_kind : ws->end_kind;
    const sql_expr *off = is_start ? ws->start_off : ws->end_off;
    const char *loc = is_start ? "lower" : "upper";
    bool preceding = kind == SQL_FRAME_PRECEDING;
    if (off->kind == SQL_E_INTERVAL) {
        if (!ws->range)
            return werr_sub(b, off->span, err, BK_DATATYPE_MISMATCH,
                            "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", "The data "
                            "type of the %s bound \"INTERVAL\" does not match the expected data "
                            "type \"INT\".",
                            loc);
        const exec_sort_key *key = &c->order[0];
        exec_expr *k = w->pre[key->column];
        bool minus = preceding != key->descending;
        exec_expr *iv, *bound = NULL;
        bool handled = false;
        BK_TRY(bind_interval_literal(b, off, &iv, err));
        bk_vector *ivv;
        BK_TRY(bind_const_value(b, iv, &ivv, err));
        bool datetime_key = k->type->kind == BK_TYPE_DATE || k->type->kind == BK_TYPE_TIMESTAMP ||
                            k->type->kind == BK_TYPE_TIMESTAMP_NTZ;
        if (datetime_key &&
            bind_datetime_arith(b, minus ? "-" : "+", k, iv, off, &handled, &bound, err) != BK_OK)
            bk_error_clear(err);
        /* a DATE key moves by whole days or months (Spark: DateAdd / DateAddYMInterval) */
        if (handled && k->type->kind == BK_TYPE_DATE && ivv->type->kind == BK_TYPE_INTERVAL_DT &&
            ((const int64_t *)ivv->data)[0] % (86400 * INT64_C(1000000)) != 0)
            handled = false;
        if (!handled || !bound) {
            char kn[64];
            bk_type_format(k->type, kn, sizeof kn);
            return werr_sub(b, off->span, err, BK_DATATYPE_MISMATCH,
                            "RANGE_FRAME_INVALID_TYPE", "Cannot resolve \"%s\" due "
                            "to data type mismatch: The data type \"%s\" used in the order "
                            "specification does not support the interval \"%s\" which is used in "
                            "the range frame.",
                            text_of(b, off->span), kn, text_of(b, off->span));
        }
        /* the bound's size, for checking that the frame's start is not after its end */
        double size = ivv->type->kind == BK_TYPE_INTERVAL_YM
                          ? (double)((const int32_t *)ivv->data)[0] * 31 * 86400e6
                          : (double)((const int64_t *)ivv->data)[0];
        *signed_value = preceding ? -size : size;
        c->fn.frame.key_col = key->column;
        BK_TRY(pre_add(w, bound, col, err));
        if (!bk_type_equal(bound->type, k->type)) {
            /* a DATE key against a TIMESTAMP bound (an interval with hours): compare as that */
            exec_expr *kc;
            BK_TRY(bind_cast(b, k, bound->type, off, &kc, err));
            BK_TRY(pre_add(w, kc, &c->fn.frame.key_col, err));
        }
        return BK_OK;
    }
    bk_vector *v;
    BK_TRY(fold(w, off, NULL, &v, err));
    char tn[64];
    bk_type_format(v->type, tn, sizeof tn);
    if (!ws->range) {
        if (!is_int_kind(v->type->kind) || v->type->kind == BK_TYPE_BIGINT ||
            !bk_vector_is_valid(v, 0))
            return werr_sub(b, off->span, err, BK_DATATYPE_MISMATCH,
                            "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", "Cannot "
                            "resolve \"%s\" due to data type mismatch: The data type of the %s "
                            "bound \"%s\" does not match the expected data type \"INT\".",
                            text_of(b, off->span), loc, tn);
        int64_t x = int_value(v);
        *signed_rows = preceding ? -x : x;
        *signed_value = (double)*signed_rows;
        return BK_OK;
    }
    /* RANGE: the bound column, key ± offset in the sort direction */
    const exec_sort_key *key = &c->order[0];
    exec_expr *k = w->pre[key->column];
    bk_type_kind kk = k->type->kind;
    char kn[64];
    bk_type_format(k->type, kn, sizeof kn);
    if (!is_numeric_kind(v->type->kind) || !bk_vector_is_valid(v, 0))
        return werr_sub(b, off->span, err, BK_DATATYPE_MISMATCH,
                        "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", "Cannot resolve "
                        "\"%s\" due to data type mismatch: The data type of the %s bound \"%s\" "
                        "does not match the expected data type \"%s\".",
                        text_of(b, off->span), loc, tn, kn);
    if (!is_numeric_kind(kk) && !(kk == BK_TYPE_DATE && is_int_kind(v->type->kind)))
        return werr_sub(b, off->span, err, BK_DATATYPE_MISMATCH,
                        "RANGE_FRAME_INVALID_TYPE", "Cannot resolve \"%s\" due to "
                        "data type mismatch: The data type \"%s\" used in the order specification "
                        "does not support the data type \"%s\" which is used in the range frame.",
                        text_of(b, off->span), kn, tn);
    exec_expr *offset = exec_expr_const(b->a, v);
    if (!offset) return bk_arena_oom(b->a, err);
    bool minus = preceding != key->descending; /* what comes first in sort order */
    exec_expr *bound;
    if (kk == BK_TYPE_DATE) {
        int64_t days = int_value(v);
        if (days > INT32_MAX || days < -INT32_MAX)
            return werr_sub(b, off->span, err, BK_DATATYPE_MISMATCH,
                            "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", "The %s bound "
                            "\"%s\" is out of the range of days.",
                            loc, text_of(b, off->span));
        /* key ± days as a day interval (date_add) */
        int64_t us = days * 86400 * INT64_C(1000000);
        bk_vector *dv = bk_vector_make(b->a, bk_type_scalar(BK_TYPE_INTERVAL_DT), 1);
        if (!dv) return bk_arena_oom(b->a, err);
        ((int64_t *)dv->data)[0] = us;
        exec_expr *div = exec_expr_const(b->a, dv);
        bool handled = false;
        if (!div) return bk_arena_oom(b->a, err);
        BK_TRY(bind_datetime_arith(b, minus ? "-" : "+", k, div, off, &handled, &bound, err));
        if (!handled) return bk_error_set(err, BK_INTERNAL, "DATE RANGE bound not bound");
        *signed_value = (double)(preceding ? -days : days) * 86400e6;
    } else {
        /* Spark casts the boundary to the key's type (WindowFrameCoercion) */
        BK_TRY(bind_cast(b, offset, k->type, off, &offset, err));
        BK_TRY(bind_binary(b, minus ? "-" : "+", k, offset, off, &bound, err));
        bk_vector *fv;
        exec_expr *as_double;
        BK_TRY(bind_cast(b, exec_expr_const(b->a, v), T(BK_TYPE_DOUBLE), off, &as_double, err));
        BK_TRY(bind_const_value(b, as_double, &fv, err));
        double x = ((const double *)fv->data)[0];
        *signed_value = preceding ? -x : x;
    }
    BK_TRY(pre_add(w, bound, col, err));
    if (!bk_type_equal(bound->type, k->type)) {
        /* compare the key as the bound's type */
        exec_expr *kc;
        BK_TRY(bind_cast(b, k, bound->type, off, &kc, err));
        BK_TRY(pre_add(w, kc, &c->fn.frame.key_col, err));
    } else {
        c->fn.frame.key_col = key->column;
    }
    return BK_OK;
}

static bk_status frame_error(wb *w, win_call *c, const char *sub, const char *detail,
                             bk_error *err) {
    return werr_sub(w->b, c->call->span, err, BK_DATATYPE_MISMATCH, sub,
                    "Cannot resolve \"%s\" due to data type mismatch: %s",
                    text_of(w->b, c->call->span), detail);
}

/* The frame of call c (Spark's defaults and checks). */
static bk_status setup_frame(wb *w, win_call *c, bk_error *err) {
    const sql_window *ws = c->w;
    exec_win_frame *f = &c->fn.frame;
    if (!ws->has_frame) {
        f->range = c->n_order > 0;
        f->start = EXEC_FRAME_UNBOUNDED_PRECEDING;
        f->end = c->n_order ? EXEC_FRAME_CURRENT_ROW : EXEC_FRAME_UNBOUNDED_FOLLOWING;
        return BK_OK;
    }
    char detail[512];
    if (ws->start_kind == SQL_FRAME_UNBOUNDED_FOLLOWING ||
        ws->end_kind == SQL_FRAME_UNBOUNDED_PRECEDING) {
        snprintf(detail, sizeof detail,
                 "Window frame upper bound \"%s\" does not follow the lower bound \"%s\".",
                 bound_text(ws->end_kind, ws->end_off, w->b),
                 bound_text(ws->start_kind, ws->start_off, w->b));
        return frame_error(w, c, "SPECIFIED_WINDOW_FRAME_INVALID_BOUND", detail, err);
    }
    bool start_value = ws->start_kind == SQL_FRAME_PRECEDING ||
                       ws->start_kind == SQL_FRAME_FOLLOWING;
    bool end_value = ws->end_kind == SQL_FRAME_PRECEDING || ws->end_kind == SQL_FRAME_FOLLOWING;
    bool whole = ws->start_kind == SQL_FRAME_UNBOUNDED_PRECEDING &&
                 ws->end_kind == SQL_FRAME_UNBOUNDED_FOLLOWING;
    if (ws->range && !whole && c->n_order == 0)
        return frame_error(w, c, "RANGE_FRAME_WITHOUT_ORDER",
                           "A range window frame cannot be used in an unordered window "
                           "specification.",
                           err);
    if (ws->range && (start_value || end_value) && c->n_order > 1)
        return frame_error(w, c, "RANGE_FRAME_MULTI_ORDER",
                           "A range window frame with value boundaries cannot be used in a "
                           "window specification with multiple order by expressions.",
                           err);
    f->range = ws->range;
    int64_t rows[2] = {0, 0};
    double vals[2] = {0, 0};
    uint32_t cols[2] = {0, 0};
    if (start_value) BK_TRY(frame_offset(w, c, true, &rows[0], &vals[0], &cols[0], err));
    if (end_value) BK_TRY(frame_offset(w, c, false, &rows[1], &vals[1], &cols[1], err));
    bool start_fixed = start_value || ws->start_kind == SQL_FRAME_CURRENT_ROW;
    bool end_fixed = end_value || ws->end_kind == SQL_FRAME_CURRENT_ROW;
    if (start_fixed && end_fixed && vals[0] > vals[1])
        return frame_error(w, c, "SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON",
                           "The lower bound of a window frame must be less than or equal to the "
                           "upper bound.",
                           err);
    int kinds[2] = {ws->start_kind, ws->end_kind};
    exec_frame_kind *out[2] = {&f->start, &f->end};
    for (int i = 0; i < 2; i++) {
        *out[i] = (exec_frame_kind)kinds[i];
        if (kinds[i] != SQL_FRAME_PRECEDING && kinds[i] != SQL_FRAME_FOLLOWING) continue;
        if (f->range) {
            *out[i] = kinds[i] == SQL_FRAME_PRECEDING ? EXEC_FRAME_PRECEDING : EXEC_FRAME_FOLLOWING;
            if (i == 0)
                f->start_col = cols[0];
            else
                f->end_col = cols[1];
            continue;
        }
        int64_t r = rows[i];
        *out[i] = r < 0   ? EXEC_FRAME_PRECEDING
                  : r > 0 ? EXEC_FRAME_FOLLOWING
                          : EXEC_FRAME_CURRENT_ROW;
        if (i == 0)
            f->start_off = r < 0 ? -r : r;
        else
            f->end_off = r < 0 ? -r : r;
    }
    return BK_OK;
}

static bk_status wrong_args(wb *w, const sql_expr *e, const char *expected, bk_error *err) {
    return werr_sub(w->b, e->span, err, BK_WRONG_NUM_ARGS,
                    "WITHOUT_SUGGESTION", "The `%s` requires %s parameters but the "
                    "actual number is %u. Please, refer to "
                    "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                    fn_name(e), expected, e->n_args);
}

static bk_status needs_order(wb *w, const win_call *c, bk_error *err) {
    if (c->n_order) return BK_OK;
    return werr(w->b, c->call->span, err, BK_WINDOW_NOT_ORDERED,
                "Window function %s() requires window to be ordered, please add ORDER BY "
                "clause. For example SELECT %s(value_expr) OVER (PARTITION BY window_partition "
                "ORDER BY window_ordering) from table.",
                fn_name(c->call), fn_name(c->call));
}

/* Kinds run by op_window_agg.c: those after MAX (exec.h's agg_int.h kinds). */
static bool ext_kind(exec_agg_kind k) { return k > EXEC_AGG_MAX; }

/*
 * An aggregate of bind_agg.c over the frame (stddev, max_by, collect_list,
 * percentile, ...): bound as for GROUP BY, its columns added to the
 * pre-projection; the executor runs it with the slots of agg_int.h
 * (op_window_agg.c).  median, percentile_cont and percentile_disc take only
 * the whole partition, as in Spark.
 */
static bk_status bind_ext(wb *w, win_call *c, bk_error *err) {
    binder *b = w->b;
    const sql_expr *e = c->call;
    exec_win_fn *fn = &c->fn;
    const char *name = fn_name(e);
    exec_expr *pre[4];
    plan_col cols[4];
    uint32_t np = 0, map[4];
    exec_agg *agg = bk_arena_zalloc(b->a, sizeof *agg);
    if (!agg) return bk_arena_oom(b->a, err);
    BK_TRY(bind_agg_ext(w->env, e, pre, cols, &np, 0, agg, err));
    for (uint32_t i = 0; i < np && i < 4; i++) BK_TRY(pre_add(w, pre[i], &map[i], err));
    agg->column = map[agg->column];
    if (exec_agg_uses_column2(agg)) agg->column2 = map[agg->column2];
    const sql_window *ws = c->w;
    bool whole = !ws->has_frame || (!ws->range && ws->start_kind == SQL_FRAME_UNBOUNDED_PRECEDING &&
                                    ws->end_kind == SQL_FRAME_UNBOUNDED_FOLLOWING);
    if ((name_eq(name, "median") || name_eq(name, "percentile_cont") ||
         name_eq(name, "percentile_disc")) &&
        (c->n_order || !whole)) {
        const char *arg = e->n_args ? text_of(b, e->args[0]->span) : "";
        return werr(b, e->span, err, BK_WINDOW_SPEC_FOR_AGGREGATE,
                    "Cannot specify ORDER BY or a window frame for \"%s(%s)\".", name, arg);
    }
    fn->agg = agg->kind;
    fn->arg = agg->column;
    fn->type = agg->type;
    fn->ext = ext_kind(agg->kind) ? agg : NULL;
    return setup_frame(w, c, err);
}

/* Bind the function of call c: its kind, argument columns and result type. */
static bk_status setup_fn(wb *w, win_call *c, bk_error *err) {
    binder *b = w->b;
    const sql_expr *e = c->call;
    const char *name = fn_name(e);
    exec_win_fn *fn = &c->fn;
    fn->name = text_of(b, e->span);
    if (e->distinct)
        return werr(b, e->span, err, BK_DISTINCT_WINDOW_FUNCTION_UNSUPPORTED,
                    "Distinct window functions are not supported: %s.", text_of(b, e->span));
    if (e->filter)
        return werr(b, e->span, err, BK_WINDOW_AGG_FILTER,
                    "Window aggregate function with filter predicate is not supported yet.");
    static const struct {
        const char *name;
        exec_win_kind kind;
    } ranks[] = {{"row_number", EXEC_WIN_ROW_NUMBER},     {"rank", EXEC_WIN_RANK},
                 {"dense_rank", EXEC_WIN_DENSE_RANK},     {"percent_rank", EXEC_WIN_PERCENT_RANK},
                 {"cume_dist", EXEC_WIN_CUME_DIST},       {"ntile", EXEC_WIN_NTILE}};
    for (size_t i = 0; i < BK_ARRAY_LEN(ranks); i++) {
        if (!name_eq(name, ranks[i].name)) continue;
        fn->kind = ranks[i].kind;
        uint32_t want = fn->kind == EXEC_WIN_NTILE ? 1 : 0;
        if (e->n_args != want || e->star_arg) return wrong_args(w, e, want ? "1" : "0", err);
        BK_TRY(needs_order(w, c, err));
        const sql_window *ws = c->w;
        /* Spark's required frames: ROWS (RANGE for cume_dist) UNBOUNDED PRECEDING .. CURRENT ROW */
        bool range = fn->kind == EXEC_WIN_CUME_DIST;
        if (ws->has_frame &&
            !(ws->range == range && ws->start_kind == SQL_FRAME_UNBOUNDED_PRECEDING &&
              ws->end_kind == SQL_FRAME_CURRENT_ROW))
            return werr(b, e->span, err, BK_WINDOW_FRAME_MISMATCH,
                        "Window Frame of %s must match the required frame %s BETWEEN "
                        "UNBOUNDED PRECEDING AND CURRENT ROW.",
                        text_of(b, e->span), range ? "RANGE" : "ROWS");
        if (fn->kind == EXEC_WIN_NTILE) {
            BK_TRY(int_arg(w, e, e->args[0], &fn->n, err));
            if (fn->n <= 0)
                return werr_sub(b, e->args[0]->span, err, BK_DATATYPE_MISMATCH,
                                "VALUE_OUT_OF_RANGE", "Cannot resolve \"%s\" due to "
                                "data type mismatch: The `buckets` must be between (0, "
                                "2147483647], but got %lld.",
                                text_of(b, e->span), (long long)fn->n);
        }
        fn->type = fn->kind == EXEC_WIN_PERCENT_RANK || fn->kind == EXEC_WIN_CUME_DIST
                       ? T(BK_TYPE_DOUBLE)
                       : T(BK_TYPE_INT);
        return BK_OK;
    }
    if (name_eq(name, "lag") || name_eq(name, "lead")) {
        fn->kind = EXEC_WIN_LAG;
        if (e->n_args < 1 || e->n_args > 3 || e->star_arg)
            return wrong_args(w, e, "[1, 2, 3]", err);
        BK_TRY(needs_order(w, c, err));
        if (c->w->has_frame)
            return werr(b, e->span, err, BK_WINDOW_FRAME_NOT_ALLOWED,
                        "Cannot specify window frame for %s function.", name);
        exec_expr *x, *d;
        BK_TRY(bind_expr(w->env, e->args[0], &x, err));
        int64_t off = 1;
        if (e->n_args >= 2) BK_TRY(int_arg(w, e, e->args[1], &off, err));
        if (e->n_args == 3) {
            BK_TRY(bind_expr(w->env, e->args[2], &d, err));
            const bk_type *t = bind_common_type(b, x->type, d->type);
            if (!t) t = x->type;
            BK_TRY(bind_cast(b, x, t, e->args[0], &x, err));
            BK_TRY(bind_cast(b, d, t, e->args[2], &d, err));
        } else {
            bk_vector *nv = bk_vector_make(b->a, x->type, 1);
            if (!nv || bk_vector_ensure_validity(b->a, nv) != BK_OK)
                return bk_arena_oom(b->a, err);
            bk_validity_set(nv->validity, 0, false);
            d = exec_expr_const(b->a, nv);
            if (!d) return bk_arena_oom(b->a, err);
        }
        BK_TRY(pre_add(w, x, &fn->arg, err));
        BK_TRY(pre_add(w, d, &fn->dflt, err));
        fn->n = name_eq(name, "lag") ? off : -off;
        fn->ignore_nulls = e->ignore_nulls;
        fn->type = x->type;
        return BK_OK;
    }
    bool first = name_eq(name, "first_value") || name_eq(name, "first") ||
                 name_eq(name, "any_value");
    bool last = name_eq(name, "last_value") || name_eq(name, "last");
    bool nth = name_eq(name, "nth_value");
    if (first || last || nth) {
        fn->kind = first ? EXEC_WIN_FIRST_VALUE : last ? EXEC_WIN_LAST_VALUE : EXEC_WIN_NTH_VALUE;
        if (e->star_arg || e->n_args < 1 || e->n_args > 2 || (nth && e->n_args != 2))
            return wrong_args(w, e, nth ? "2" : "[1, 2]", err);
        const bk_type *t;
        BK_TRY(bind_pre(w, e->args[0], &fn->arg, &t, err));
        fn->ignore_nulls = e->ignore_nulls;
        if (nth) {
            BK_TRY(int_arg(w, e, e->args[1], &fn->n, err));
            if (fn->n <= 0)
                return werr_sub(b, e->args[1]->span, err, BK_DATATYPE_MISMATCH,
                                "VALUE_OUT_OF_RANGE", "Cannot resolve \"%s\" due to "
                                "data type mismatch: The `offset` must be between (0, "
                                "9223372036854775807], but got %lld.",
                                text_of(b, e->span), (long long)fn->n);
        } else if (e->n_args == 2) {
            bk_vector *v;
            BK_TRY(fold(w, e->args[1], "The ignoreNulls argument", &v, err));
            if (v->type->kind != BK_TYPE_BOOLEAN || !bk_vector_is_valid(v, 0))
                return werr_sub(b, e->args[1]->span, err, BK_DATATYPE_MISMATCH,
                                "UNEXPECTED_INPUT_TYPE", "Cannot resolve \"%s\" due "
                                "to data type mismatch: the second argument requires the "
                                "\"BOOLEAN\" type.",
                                text_of(b, e->span));
            fn->ignore_nulls = ((const uint8_t *)v->data)[0] != 0;
        }
        fn->type = t;
        return setup_frame(w, c, err);
    }
    /* aggregates over the frame */
    fn->kind = EXEC_WIN_AGG;
    if (name_eq(name, "count_if") || name_eq(name, "bool_and") || name_eq(name, "every") ||
        name_eq(name, "bool_or") || name_eq(name, "any") || name_eq(name, "some")) {
        if (e->n_args != 1 || e->star_arg) return wrong_args(w, e, "1", err);
        exec_expr *p;
        BK_TRY(bind_expr(w->env, e->args[0], &p, err));
        if (p->type->kind != BK_TYPE_BOOLEAN) {
            char tn[64];
            bk_type_format(p->type, tn, sizeof tn);
            return werr_sub(b, e->span, err, BK_DATATYPE_MISMATCH,
                            "UNEXPECTED_INPUT_TYPE", "Cannot resolve \"%s\" due to "
                            "data type mismatch: The first parameter requires the \"BOOLEAN\" "
                            "type, however \"%s\" has the type \"%s\".",
                            text_of(b, e->span), text_of(b, e->args[0]->span), tn);
        }
        if (name_eq(name, "count_if")) {
            /* count(CASE WHEN p THEN TRUE END) */
            exec_expr *ce = bk_arena_zalloc(b->a, sizeof *ce);
            exec_expr **args = bk_arena_array(b->a, 2, sizeof *args);
            bk_vector *t = bk_vector_make(b->a, T(BK_TYPE_BOOLEAN), 1);
            if (!ce || !args || !t) return bk_arena_oom(b->a, err);
            ((uint8_t *)t->data)[0] = 1;
            ce->kind = EXEC_EXPR_CASE;
            ce->type = T(BK_TYPE_BOOLEAN);
            ce->n_args = 2;
            ce->args = args;
            args[0] = p;
            args[1] = exec_expr_const(b->a, t);
            if (!args[1]) return bk_arena_oom(b->a, err);
            p = ce;
            fn->agg = EXEC_AGG_COUNT;
            fn->type = T(BK_TYPE_BIGINT);
        } else {
            bool all = name_eq(name, "bool_and") || name_eq(name, "every");
            fn->agg = all ? EXEC_AGG_MIN : EXEC_AGG_MAX;
            fn->type = T(BK_TYPE_BOOLEAN);
        }
        BK_TRY(pre_add(w, p, &fn->arg, err));
        return setup_frame(w, c, err);
    }
    if (name_eq(name, "count") || name_eq(name, "sum") || name_eq(name, "avg") ||
        name_eq(name, "mean") || name_eq(name, "min") || name_eq(name, "max")) {
        const bk_type *t = T(BK_TYPE_BIGINT);
        uint32_t col = 0;
        bool star = e->star_arg || e->n_args == 0;
        if (name_eq(name, "count") && e->n_args > 1) return bind_ext(w, c, err);
        if (!star) BK_TRY(bind_pre(w, e->args[0], &col, &t, err));
        exec_agg agg;
        BK_TRY(bind_agg_spec(b, e, col, t, &agg, err));
        fn->agg = agg.kind;
        fn->arg = col;
        fn->type = agg.type;
        if (ext_kind(agg.kind)) { /* min / max of ARRAY or STRUCT: min_by(x, x) */
            exec_agg *x = bk_arena_memdup(b->a, &agg, sizeof agg);
            if (!x) return bk_arena_oom(b->a, err);
            fn->ext = x;
        }
        return setup_frame(w, c, err);
    }
    if (bind_agg_is_ext(e)) return bind_ext(w, c, err);
    if (bind_is_aggregate_name(name))
        return werr(b, e->span, err, BK_UNSUPPORTED_FEATURE,
                    "The feature is not supported: the aggregate %s() as a window function, in "
                    "this version.",
                    name);
    return werr(b, e->span, err, BK_UNSUPPORTED_EXPR_FOR_WINDOW,
                "Expression \"%s\" not supported within a window function.", text_of(b, e->span));
}

/* PARTITION BY and ORDER BY of call c as pre-projected columns. */
static bk_status setup_spec(wb *w, win_call *c, bk_error *err) {
    binder *b = w->b;
    const sql_window *ws = c->w;
    c->n_part = ws->n_partition;
    c->n_order = ws->n_order;
    c->part = bk_arena_array(b->a, c->n_part + 1, sizeof *c->part);
    c->order = bk_arena_zalloc(b->a, (c->n_order + 1) * sizeof *c->order);
    if (!c->part || !c->order) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < ws->n_partition; i++) {
        const bk_type *t;
        BK_TRY(bind_pre(w, ws->partition[i], &c->part[i], &t, err));
        if (bk_type_is_nested(t))
            return werr(b, ws->partition[i]->span, err, BK_UNSUPPORTED_FEATURE,
                        "The feature is not supported: PARTITION BY a nested value (\"%s\") in "
                        "this version.",
                        text_of(b, ws->partition[i]->span));
    }
    for (uint32_t i = 0; i < ws->n_order; i++) {
        const sql_order *o = &ws->order[i];
        const bk_type *t;
        BK_TRY(bind_pre(w, o->expr, &c->order[i].column, &t, err));
        if (bk_type_is_nested(t))
            return werr(b, o->expr->span, err, BK_UNSUPPORTED_FEATURE,
                        "The feature is not supported: ORDER BY a nested value (\"%s\") in a "
                        "window, in this version.",
                        text_of(b, o->expr->span));
        c->order[i].descending = o->descending;
        c->order[i].nulls_first = o->nulls == 1 || (o->nulls == 0 && !o->descending);
    }
    return BK_OK;
}

static bool same_spec(const win_call *x, const win_call *y) {
    if (x->n_part != y->n_part || x->n_order != y->n_order) return false;
    for (uint32_t i = 0; i < x->n_part; i++)
        if (x->part[i] != y->part[i]) return false;
    for (uint32_t i = 0; i < x->n_order; i++)
        if (x->order[i].column != y->order[i].column ||
            x->order[i].descending != y->order[i].descending ||
            x->order[i].nulls_first != y->order[i].nulls_first)
            return false;
    return true;
}

/* A copy of e where a column naming a select alias (and no input column) is that item. */
static bk_status subst_aliases(wb *w, const sql_select *s, const sql_expr *e,
                               const sql_expr **out, bk_error *err) {
    *out = e;
    if (!e || e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS || is_window_call(e))
        return BK_OK;
    if (e->kind == SQL_E_COLUMN && e->name.n == 1) {
        const char *nm = e->name.parts[0].text;
        const plan_scope *scopes[2] = {w->env->scope, w->env->input};
        for (int k = 0; k < 2; k++)
            for (uint32_t i = 0; scopes[k] && i < scopes[k]->n; i++)
                if (name_eq(scopes[k]->cols[i].name, nm)) return BK_OK;
        for (uint32_t i = 0; i < s->n_items; i++)
            if (s->items[i].alias && name_eq(s->items[i].alias->text, nm)) {
                *out = s->items[i].expr;
                return BK_OK;
            }
        return BK_OK;
    }
    sql_expr *copy = NULL;
    for (uint32_t i = 0; i < e->n_args; i++) {
        const sql_expr *a;
        BK_TRY(subst_aliases(w, s, e->args[i], &a, err));
        if (a == e->args[i]) continue;
        if (!copy) {
            copy = bk_arena_alloc(w->b->a, sizeof *copy);
            sql_expr **args = bk_arena_array(w->b->a, e->n_args, sizeof *args);
            if (!copy || !args) return bk_arena_oom(w->b->a, err);
            *copy = *e;
            memcpy(args, e->args, e->n_args * sizeof *args);
            copy->args = args;
        }
        copy->args[i] = (sql_expr *)a;
    }
    if (copy) *out = copy;
    return BK_OK;
}

/* Do two aggregates of bind_agg.c (or NULLs) compute the same thing? */
static bool same_ext(const exec_agg *x, const exec_agg *y) {
    if (!x || !y) return x == y;
    if (x->kind != y->kind || x->column != y->column || x->distinct != y->distinct ||
        x->ignore_nulls != y->ignore_nulls || !bk_type_equal(x->type, y->type) ||
        x->n_params != y->n_params || x->params_array != y->params_array || x->rsd != y->rsd ||
        x->descending != y->descending ||
        (exec_agg_uses_column2(x) && x->column2 != y->column2))
        return false;
    for (uint32_t i = 0; i < x->n_params; i++)
        if (x->params[i] != y->params[i]) return false;
    return true;
}

/* Do two functions of one window compute the same column? */
static bool same_fn(const exec_win_fn *x, const exec_win_fn *y) {
    const exec_win_frame *f = &x->frame, *g = &y->frame;
    return same_ext(x->ext, y->ext) && x->kind == y->kind && x->agg == y->agg &&
           x->arg == y->arg && x->dflt == y->dflt && x->n == y->n &&
           x->ignore_nulls == y->ignore_nulls && bk_type_equal(x->type, y->type) &&
           f->range == g->range && f->start == g->start && f->end == g->end &&
           f->start_off == g->start_off && f->end_off == g->end_off &&
           f->start_col == g->start_col && f->end_col == g->end_col && f->key_col == g->key_col;
}

/* The WINDOW node of the calls with spec `first` (all not yet placed), over rel. */
static bk_status add_window_node(wb *w, plan_rel *rel, uint32_t first, bool *placed,
                                 bk_error *err) {
    binder *b = w->b;
    win_call *spec = &w->calls[first];
    uint32_t n_fns = 0;
    for (uint32_t i = first; i < w->n_calls; i++)
        if (!placed[i] && same_spec(spec, &w->calls[i])) n_fns++;
    uint32_t n_child = rel->scope.n, n_out = n_child + n_fns;
    exec_win_fn *fns = bk_arena_array(b->a, n_fns, sizeof *fns);
    const char **names = bk_arena_array(b->a, n_out, sizeof *names);
    const bk_type **types = bk_arena_array(b->a, n_out, sizeof *types);
    plan_col *cols = bk_arena_array(b->a, n_out, sizeof *cols);
    if (!fns || !names || !types || !cols) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n_child; i++) {
        cols[i] = rel->scope.cols[i];
        names[i] = rel->node->schema->field_names[i];
        types[i] = rel->node->schema->children[i];
    }
    uint32_t k = 0;
    for (uint32_t i = first; i < w->n_calls; i++) {
        win_call *c = &w->calls[i];
        if (placed[i] || !same_spec(spec, c)) continue;
        placed[i] = true;
        uint32_t dup = 0;
        while (dup < k && !same_fn(&fns[dup], &c->fn)) dup++;
        if (dup < k) { /* the same call written twice (SELECT and QUALIFY): computed once */
            c->column = n_child + dup;
            continue;
        }
        fns[k] = c->fn;
        c->column = n_child + k;
        names[n_child + k] = bk_arena_printf(b->a, "__w%u", i);
        if (!names[n_child + k]) return bk_arena_oom(b->a, err);
        types[n_child + k] = c->fn.type;
        cols[n_child + k] = (plan_col){NULL, names[n_child + k], c->fn.type};
        k++;
    }
    n_out = n_child + k;
    const bk_type *schema = bk_type_make_struct(b->a, n_out, names, types, NULL);
    exec_node *node = schema ? exec_node_make(b->a, EXEC_NODE_WINDOW, schema, rel->node) : NULL;
    if (!node) return bk_arena_oom(b->a, err);
    node->u.window.partition = spec->part;
    node->u.window.n_partition = spec->n_part;
    node->u.window.order = spec->order;
    node->u.window.n_order = spec->n_order;
    node->u.window.fns = fns;
    node->u.window.n_fns = k;
    rel->node = node;
    rel->scope.cols = cols;
    rel->scope.n = n_out;
    return BK_OK;
}

bk_status bind_windows(binder *b, const sql_query *q, plan_rel *rel, bind_env *env,
                       bk_error *err) {
    const sql_select *s = q->select;
    wb w = {.b = b, .env = env, .n_in = rel->scope.n};
    for (uint32_t i = 0; i < s->n_items; i++) BK_TRY(collect(&w, s->items[i].expr, err));
    BK_TRY(collect(&w, s->qualify, err));
    for (uint32_t i = 0; i < q->n_order; i++) BK_TRY(collect(&w, q->order[i].expr, err));
    if (w.n_calls == 0) {
        if (s->qualify)
            return werr(b, s->qualify->span, err, BK_QUALIFY_WITHOUT_WINDOW,
                        "\"%s\" does not have any WindowExpression: QUALIFY needs a window "
                        "function in the select list or in its condition.",
                        text_of(b, s->qualify->span));
        return BK_OK;
    }
    /* the relation's columns pass through the pre-projection unchanged */
    for (uint32_t i = 0; i < w.n_in; i++) {
        exec_expr *col = exec_expr_column(b->a, i, rel->scope.cols[i].type);
        if (!col) return bk_arena_oom(b->a, err);
        BK_TRY(pre_add(&w, col, &(uint32_t){0}, err));
        w.pre_cols[i] = rel->scope.cols[i];
    }
    for (uint32_t i = 0; i < w.n_calls; i++) {
        win_call *c = &w.calls[i];
        BK_TRY(bind_window_resolve(b, c->call, &c->w, err));
        BK_TRY(setup_spec(&w, c, err));
        BK_TRY(setup_fn(&w, c, err));
    }
    BK_TRY(bind_project(b, rel, w.pre, w.pre_cols, w.n_pre, err));
    bool *placed = bk_arena_zalloc(b->a, w.n_calls);
    win_ref *refs = bk_arena_array(b->a, w.n_calls, sizeof *refs);
    if (!placed || !refs) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < w.n_calls; i++)
        if (!placed[i]) BK_TRY(add_window_node(&w, rel, i, placed, err));
    for (uint32_t i = 0; i < w.n_calls; i++)
        refs[i] = (win_ref){w.calls[i].call, w.calls[i].column, w.calls[i].fn.type};
    env->wins = refs;
    env->n_wins = w.n_calls;
    if (s->qualify) {
        const sql_expr *qe;
        BK_TRY(subst_aliases(&w, s, s->qualify, &qe, err));
        exec_expr *pred;
        BK_TRY(bind_expr(env, qe, &pred, err));
        if (pred->type->kind != BK_TYPE_BOOLEAN)
            BK_TRY(bind_cast(b, pred, T(BK_TYPE_BOOLEAN), s->qualify, &pred, err));
        BK_TRY(bind_filter(b, rel, pred, err));
    }
    return BK_OK;
}

bk_status bind_window_column(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    for (uint32_t i = 0; i < env->n_wins; i++) {
        if (env->wins[i].call != e) continue;
        *out = exec_expr_column(env->b->a, env->wins[i].column, env->wins[i].type);
        return *out ? BK_OK : bk_arena_oom(env->b->a, err);
    }
    return werr(env->b, e->span, err, BK_UNSUPPORTED_EXPR_FOR_OPERATOR,
                "A query operator contains one or more unsupported expressions. Consider to "
                "rewrite it to avoid window functions, aggregate functions, and generator "
                "functions here. Invalid expressions: [%s]",
                text_of(env->b, e->span));
}
