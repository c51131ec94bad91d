/*
 * bind_pivot.c — PIVOT and UNPIVOT as FROM items, rewritten into plans we have.
 *
 * PIVOT (Spark's ResolvePivot): the implicit GROUP BY columns are the input's
 * columns that neither the pivot column(s) nor the aggregates refer to; each
 * (value, aggregate) pair becomes one output column named `value` (one
 * aggregate) or `value_agg` (several; agg is its alias or Spark's name for it),
 * where `value` is the value's alias or its text as CAST(… AS STRING) gives it
 * ({a, b} for a tuple).  Like Spark, aggregates whose results are numbers or
 * booleans take two steps (PivotFirst):
 *
 *     SELECT g…, p…, agg… FROM input GROUP BY g…, p…
 *     SELECT g…, max(agg_j) FILTER (WHERE p <=> CAST(v AS type of p)) … GROUP BY g…
 *
 * so that a value absent from a group gives NULL, also for count(); other
 * aggregates get the filter directly: agg(x) FILTER (WHERE p <=> v).  Both
 * are SELECTs built as syntax trees over the already bound input (a
 * bind_prebound FROM item) and bound by bind_query.
 *
 * UNPIVOT (Spark's ResolveUnpivot, Expand): the output is the input's columns
 * not unpivoted, the name column (the item's alias, or its column names joined
 * by `_`) and the value columns (the least common type of each position); one
 * EXPAND projection per IN item.  EXCLUDE NULLS, the default, then drops the
 * rows whose values are all NULL.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "engine/exec/cast.h"
#include "engine/exec/functions.h"
#include "engine/plan/binder_int.h"

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static bk_status fail_at(binder *b, sql_span at, bk_error *err, bk_code code, const char *msg) {
    (void)b;
    bk_error_set(err, code, "%s", msg);
    if (err && err->sql_pos < 0) err->sql_pos = (int)at.off;
    return code;
}

static const char *text_of(binder *b, sql_span s) {
    const char *t = bk_arena_strndup(b->a, b->text + s.off, s.len);
    return t ? t : "?";
}

static const char *type_text(binder *b, const bk_type *t) {
    char buf[256];
    bk_type_format(t, buf, sizeof buf);
    const char *s = bk_arena_strdup(b->a, buf);
    return s ? s : "?";
}

/* ---- syntax trees for the rewrite ---- */

static sql_expr *node(binder *b, sql_expr_kind kind, sql_span at) {
    sql_expr *e = bk_arena_zalloc(b->a, sizeof *e);
    if (e) {
        e->kind = kind;
        e->span = at;
    }
    return e;
}

/* [qual.]name as a column reference. */
static sql_expr *col_ref(binder *b, const char *qual, const char *name, sql_span at) {
    sql_expr *e = node(b, SQL_E_COLUMN, at);
    sql_ident *parts = bk_arena_zalloc(b->a, 2 * sizeof *parts);
    if (!e || !parts) return NULL;
    uint32_t n = 0;
    if (qual) parts[n++] = (sql_ident){qual, false, at};
    parts[n++] = (sql_ident){name, false, at};
    e->name = (sql_name){parts, n, at};
    return e;
}

static sql_expr *binop(binder *b, const char *op, sql_expr *l, sql_expr *r, sql_span at) {
    sql_expr *e = node(b, SQL_E_BINARY_OP, at);
    sql_expr **args = bk_arena_array(b->a, 2, sizeof *args);
    if (!e || !args || !l || !r) return NULL;
    args[0] = l;
    args[1] = r;
    e->op = op;
    e->args = args;
    e->n_args = 2;
    return e;
}

static sql_expr *cast_to(binder *b, sql_expr *x, const bk_type *t, sql_span at) {
    sql_expr *e = node(b, SQL_E_CAST, at);
    sql_expr **args = bk_arena_array(b->a, 1, sizeof *args);
    if (!e || !args || !x) return NULL;
    args[0] = x;
    e->args = args;
    e->n_args = 1;
    e->type = t;
    e->type_span = at;
    return e;
}

/* A copy of e in which every aggregate call also has FILTER (WHERE cond). */
static sql_expr *with_filter(binder *b, const sql_expr *e, sql_expr *cond) {
    if (!e) return NULL;
    sql_expr *c = bk_arena_alloc(b->a, sizeof *c);
    if (!c) return NULL;
    *c = *e;
    if (bind_is_aggregate(e)) {
        c->filter = e->filter ? binop(b, "AND", e->filter, cond, e->span) : cond;
        return c->filter ? c : NULL;
    }
    if (e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_IN_QUERY)
        return c;
    if (e->n_args) {
        c->args = bk_arena_array(b->a, e->n_args, sizeof *c->args);
        if (!c->args) return NULL;
        for (uint32_t i = 0; i < e->n_args; i++)
            if (!(c->args[i] = with_filter(b, e->args[i], cond))) return NULL;
    }
    if (e->operand && !(c->operand = with_filter(b, e->operand, cond))) return NULL;
    if (e->else_ && !(c->else_ = with_filter(b, e->else_, cond))) return NULL;
    return c;
}

/* A growable list of select items. */
typedef struct items {
    sql_select_item *v;
    uint32_t n, cap;
} items;

static bk_status item_push(binder *b, items *l, sql_expr *e, const char *alias, bk_error *err) {
    if (!e) return bk_arena_oom(b->a, err);
    if (l->n == l->cap) {
        uint32_t c = l->cap ? l->cap * 2 : 16;
        sql_select_item *v = bk_arena_array(b->a, c, sizeof *v);
        if (!v) return bk_arena_oom(b->a, err);
        if (l->n) memcpy(v, l->v, l->n * sizeof *v);
        l->v = v;
        l->cap = c;
    }
    sql_ident *id = bk_arena_zalloc(b->a, sizeof *id);
    if (!id) return bk_arena_oom(b->a, err);
    id->text = alias;
    l->v[l->n++] = (sql_select_item){.expr = e, .alias = id};
    return BK_OK;
}

/*
 * Bind SELECT items FROM src GROUP BY group[0..ng) where src stands for `rel`.
 * The result's columns are the items, named by their aliases.
 */
static bk_status bind_rewrite(binder *b, const sql_from *at, const plan_rel *rel,
                              const items *sel, sql_expr **group, uint32_t ng, plan_rel *out,
                              bk_error *err) {
    sql_from *src = bk_arena_zalloc(b->a, sizeof *src);
    sql_ident *src_name = bk_arena_zalloc(b->a, sizeof *src_name);
    sql_select *s = bk_arena_zalloc(b->a, sizeof *s);
    sql_query *q = bk_arena_zalloc(b->a, sizeof *q);
    bind_prebound *pb = bk_arena_zalloc(b->a, sizeof *pb);
    if (!src || !src_name || !s || !q || !pb) return bk_arena_oom(b->a, err);
    src_name->text = "__pivot_input";
    src->kind = SQL_FROM_TABLE;
    src->span = at->span;
    src->name = (sql_name){src_name, 1, at->span};
    s->items = sel->v;
    s->n_items = sel->n;
    s->from = src;
    s->group_kind = ng ? SQL_GROUP_EXPRS : SQL_GROUP_NONE;
    s->group = group;
    s->n_group = ng;
    q->kind = SQL_Q_SELECT;
    q->span = at->span;
    q->select = s;
    *pb = (bind_prebound){src, *rel, b->prebound};
    b->prebound = pb;
    bk_status st = bind_query(b, q, out, err);
    b->prebound = pb->next;
    return st;
}

/* ---- PIVOT ---- */

/* Column indexes of rel that the column references in e name (not inside subqueries). */
static bk_status mark_refs(binder *b, const sql_expr *e, const plan_rel *rel, bool *used,
                           bk_error *err) {
    if (!e) return BK_OK;
    if (e->kind == SQL_E_COLUMN) {
        bind_env env = {.b = b, .scope = &rel->scope};
        exec_expr *x;
        BK_TRY(bind_expr(&env, e, &x, err));
        if (x->kind == EXEC_EXPR_COLUMN) used[x->column] = true;
        return BK_OK;
    }
    if (e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_IN_QUERY)
        return BK_OK;
    for (uint32_t i = 0; i < e->n_args; i++) BK_TRY(mark_refs(b, e->args[i], rel, used, err));
    BK_TRY(mark_refs(b, e->operand, rel, used, err));
    BK_TRY(mark_refs(b, e->else_, rel, used, err));
    return mark_refs(b, e->filter, rel, used, err);
}

/* Can a pivot column of this type be compared (no maps, also not inside)? */
static bool comparable(const bk_type *t) {
    if (t->kind == BK_TYPE_MAP) return false;
    for (uint32_t i = 0; i < t->n_children; i++)
        if (!comparable(t->children[i])) return false;
    return true;
}

/* The text of constant e as CAST(e AS STRING) gives it ("null" for NULL). */
static bk_status value_text(binder *b, exec_expr *e, const sql_expr *at, bk_buf *out,
                            bk_error *err) {
    exec_expr *s;
    BK_TRY(bind_cast(b, e, T(BK_TYPE_STRING), at, &s, err));
    bk_vector *v;
    BK_TRY(bind_const_value(b, s, &v, err));
    if (!bk_vector_is_valid(v, 0)) return bk_buf_printf(out, "null");
    const bk_str *str = v->data;
    return bk_buf_append(out, str->ptr, str->len);
}

/* One pivot value: its parts (one per pivot column) checked, its output name. */
static bk_status pivot_value(binder *b, const sql_pivot *pv, const sql_select_item *v,
                             const plan_rel *in, const uint32_t *pcols, sql_expr **parts,
                             const char **name, bk_error *err) {
    const sql_expr *e = v->expr;
    uint32_t np = pv->n_cols;
    char msg[768];
    if (np > 1) {
        bool tuple = e->kind == SQL_E_FUNC && e->name.n == 1 &&
                     name_eq(e->name.parts[0].text, "struct") && e->n_args == np;
        if (!tuple) {
            bind_env env = {.b = b, .scope = &in->scope};
            exec_expr *x;
            BK_TRY(bind_expr(&env, e, &x, err));
            bk_buf want;
            bk_buf_init(&want);
            bool ok = true;
            for (uint32_t i = 0; i < np && ok; i++)
                ok = bk_buf_printf(&want, "%s%s: %s", i ? ", " : "STRUCT<",
                                   in->scope.cols[pcols[i]].name,
                                   type_text(b, in->scope.cols[pcols[i]].type)) == BK_OK;
            snprintf(msg, sizeof msg,
                     "Invalid pivot value '%s': value data type %s does not match pivot column "
                     "data type \"%.*s>\".",
                     text_of(b, e->span), type_text(b, x->type), (int)want.len,
                     want.len ? (const char *)want.data : "");
            bk_buf_destroy(&want);
            return fail_at(b, e->span, err, BK_PIVOT_VALUE_DATA_TYPE_MISMATCH, msg);
        }
    }
    bk_buf text;
    bk_buf_init(&text);
    bk_status s = np > 1 ? bk_buf_printf(&text, "{") : BK_OK;
    for (uint32_t i = 0; i < np && s == BK_OK; i++) {
        const sql_expr *part = np > 1 ? e->args[i] : e;
        const bk_type *pt = in->scope.cols[pcols[i]].type;
        bind_env env = {.b = b, .scope = &in->scope};
        exec_expr *x;
        s = bind_expr(&env, part, &x, err);
        if (s != BK_OK) break;
        if (bind_expr_reads_column(x)) {
            snprintf(msg, sizeof msg, "Literal expressions required for pivot values, found '%s'.",
                     text_of(b, part->span));
            s = fail_at(b, part->span, err, BK_NON_LITERAL_PIVOT_VALUES, msg);
            break;
        }
        if (!exec_cast_supported(x->type, pt, b->env->ansi)) {
            snprintf(msg, sizeof msg,
                     "Invalid pivot value '%s': value data type %s does not match pivot column "
                     "data type %s.",
                     text_of(b, part->span), type_text(b, x->type), type_text(b, pt));
            s = fail_at(b, part->span, err, BK_PIVOT_VALUE_DATA_TYPE_MISMATCH, msg);
            break;
        }
        exec_expr *c;
        s = bind_cast(b, x, pt, part, &c, err);
        if (s == BK_OK && i) s = bk_buf_printf(&text, ", ");
        if (s == BK_OK && !v->alias) s = value_text(b, c, part, &text, err);
        parts[i] = cast_to(b, (sql_expr *)part, pt, part->span);
        if (s == BK_OK && !parts[i]) s = bk_arena_oom(b->a, err);
    }
    if (s == BK_OK && np > 1) s = bk_buf_printf(&text, "}");
    if (s == BK_OK) {
        *name = v->alias ? v->alias->text
                         : bk_arena_strndup(b->a, text.len ? (const char *)text.data : "",
                                            text.len);
        if (!*name) s = bk_arena_oom(b->a, err);
    }
    bk_buf_destroy(&text);
    return s;
}

/* The types PivotFirst takes (Spark): numbers and booleans. */
static bool pivot_first_type(const bk_type *t) {
    switch (t->kind) {
    case BK_TYPE_BOOLEAN:
    case BK_TYPE_TINYINT:
    case BK_TYPE_SMALLINT:
    case BK_TYPE_INT:
    case BK_TYPE_BIGINT:
    case BK_TYPE_FLOAT:
    case BK_TYPE_DOUBLE:
    case BK_TYPE_DECIMAL:
        return true;
    default:
        return false;
    }
}

static bk_status bind_pivot_op(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    const sql_pivot *pv = f->pivot;
    plan_rel in;
    BK_TRY(bind_from_item(b, f->left, &in, err));
    uint32_t n_in = in.scope.n, np = pv->n_cols, na = pv->n_aggs, nv = pv->n_values;
    bool *used = bk_arena_zalloc(b->a, n_in ? n_in : 1);
    uint32_t *pcols = bk_arena_array(b->a, np, sizeof *pcols);
    if (!used || !pcols) return bk_arena_oom(b->a, err);
    char msg[512];
    /* the pivot columns */
    for (uint32_t i = 0; i < np; i++) {
        sql_expr *ref = col_ref(b, NULL, pv->cols[i].text, pv->cols[i].span);
        if (!ref) return bk_arena_oom(b->a, err);
        bind_env env = {.b = b, .scope = &in.scope};
        exec_expr *x;
        BK_TRY(bind_expr(&env, ref, &x, err));
        pcols[i] = x->column;
        used[x->column] = true;
        if (!comparable(x->type)) {
            snprintf(msg, sizeof msg,
                     "Invalid pivot column `%s`. Pivot columns must be comparable.",
                     pv->cols[i].text);
            return fail_at(b, pv->cols[i].span, err, BK_INCOMPARABLE_PIVOT_COLUMN, msg);
        }
    }
    /* the aggregates: every column inside an aggregate call */
    for (uint32_t j = 0; j < na; j++) {
        const sql_expr *bare = bind_column_outside_aggregate(pv->aggs[j].expr);
        if (bare) {
            snprintf(msg, sizeof msg,
                     "Aggregate expression required for pivot, but '%s' did not appear in any "
                     "aggregate function.",
                     text_of(b, bare->span));
            return fail_at(b, bare->span, err, BK_PIVOT_AGGREGATE_REQUIRED, msg);
        }
        BK_TRY(mark_refs(b, pv->aggs[j].expr, &in, used, err));
    }
    /* the values and their names */
    sql_expr ***vparts = bk_arena_array(b->a, nv, sizeof *vparts);
    const char **vnames = bk_arena_array(b->a, nv, sizeof *vnames);
    if (!vparts || !vnames) return bk_arena_oom(b->a, err);
    for (uint32_t v = 0; v < nv; v++) {
        vparts[v] = bk_arena_array(b->a, np, sizeof **vparts);
        if (!vparts[v]) return bk_arena_oom(b->a, err);
        BK_TRY(pivot_value(b, pv, &pv->values[v], &in, pcols, vparts[v], &vnames[v], err));
    }
    /* the implicit GROUP BY: every other column */
    uint32_t ng = 0;
    uint32_t *gcols = bk_arena_array(b->a, n_in ? n_in : 1, sizeof *gcols);
    if (!gcols) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n_in; i++) {
        const char *nm = in.scope.cols[i].name;
        if (!used[i] && !bind_hidden_name(&in.scope.cols[i]) && strncmp(nm, "__", 2) != 0)
            gcols[ng++] = i;
    }
    /* step 1: GROUP BY g…, p… with every aggregate */
    items s1 = {0};
    sql_expr **g1 = bk_arena_array(b->a, ng + np, sizeof *g1);
    if (!g1) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < ng + np; i++) {
        const plan_col *c = &in.scope.cols[i < ng ? gcols[i] : pcols[i - ng]];
        g1[i] = col_ref(b, c->qualifier, c->name, f->span);
        const char *alias = bk_arena_printf(b->a, i < ng ? "__g%u" : "__p%u", i < ng ? i : i - ng);
        if (!g1[i] || !alias) return bk_arena_oom(b->a, err);
        BK_TRY(item_push(b, &s1, g1[i], alias, err));
    }
    for (uint32_t j = 0; j < na; j++) {
        const char *alias = bk_arena_printf(b->a, "__a%u", j);
        if (!alias) return bk_arena_oom(b->a, err);
        BK_TRY(item_push(b, &s1, pv->aggs[j].expr, alias, err));
    }
    plan_rel step1;
    BK_TRY(bind_rewrite(b, f, &in, &s1, g1, ng + np, &step1, err));
    bool two_steps = true;
    for (uint32_t j = 0; j < na; j++)
        two_steps &= pivot_first_type(step1.scope.cols[ng + np + j].type);
    if (two_steps) bind_requalify(&step1, NULL);
    /* step 2 (or the one step): one aggregate per (value, aggregate) */
    items s2 = {0};
    sql_expr **g2 = bk_arena_array(b->a, ng ? ng : 1, sizeof *g2);
    if (!g2) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < ng; i++) {
        const plan_col *c = &in.scope.cols[gcols[i]];
        g2[i] = two_steps ? col_ref(b, NULL, step1.scope.cols[i].name, f->span) : g1[i];
        BK_TRY(item_push(b, &s2, g2[i], c->name, err));
    }
    for (uint32_t v = 0; v < nv; v++) {
        sql_expr *cond = NULL;
        for (uint32_t i = 0; i < np; i++) {
            sql_expr *pc = two_steps ? col_ref(b, NULL, step1.scope.cols[ng + i].name, f->span)
                                     : g1[ng + i];
            sql_expr *eq = binop(b, "<=>", pc, vparts[v][i], f->span);
            cond = cond ? binop(b, "AND", cond, eq, f->span) : eq;
            if (!cond) return bk_arena_oom(b->a, err);
        }
        for (uint32_t j = 0; j < na; j++) {
            const sql_select_item *agg = &pv->aggs[j];
            const char *name = vnames[v];
            if (na > 1)
                name = bk_arena_printf(b->a, "%s_%s", vnames[v],
                                       agg->alias ? agg->alias->text
                                                  : bind_auto_name(b, agg->expr));
            sql_expr *e;
            if (two_steps) {
                sql_expr **arg = bk_arena_array(b->a, 1, sizeof *arg);
                sql_ident *fn = bk_arena_zalloc(b->a, sizeof *fn);
                e = node(b, SQL_E_FUNC, agg->expr->span);
                if (!arg || !fn || !e) return bk_arena_oom(b->a, err);
                arg[0] = col_ref(b, NULL, step1.scope.cols[ng + np + j].name, f->span);
                fn->text = "max";
                e->name = (sql_name){fn, 1, agg->expr->span};
                e->args = arg;
                e->n_args = 1;
                e->filter = cond;
            } else {
                e = with_filter(b, agg->expr, cond);
            }
            if (!name) return bk_arena_oom(b->a, err);
            BK_TRY(item_push(b, &s2, e, name, err));
        }
    }
    BK_TRY(bind_rewrite(b, f, two_steps ? &step1 : &in, &s2, g2, ng, out, err));
    bind_requalify(out, f->alias ? f->alias->text : NULL);
    return BK_OK;
}

/* ---- UNPIVOT ---- */

static bk_status bind_unpivot_op(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    const sql_pivot *pv = f->pivot;
    plan_rel in;
    BK_TRY(bind_from_item(b, f->left, &in, err));
    uint32_t n_in = in.scope.n, nv = pv->n_value_cols, ni = pv->n_items;
    bool *used = bk_arena_zalloc(b->a, n_in ? n_in : 1);
    uint32_t **cols = bk_arena_array(b->a, ni, sizeof *cols);
    const char **labels = bk_arena_array(b->a, ni, sizeof *labels);
    const bk_type **types = bk_arena_zalloc(b->a, nv * sizeof *types);
    if (!used || !cols || !labels || !types) return bk_arena_oom(b->a, err);
    char msg[768];
    for (uint32_t k = 0; k < ni; k++) {
        const sql_unpivot_item *it = &pv->items[k];
        if (it->n_cols != nv) {
            bk_buf names;
            bk_buf_init(&names);
            bool ok = true;
            for (uint32_t i = 0; i < nv && ok; i++)
                ok = bk_buf_printf(&names, "%s`%s`", i ? ", " : "", pv->value_cols[i].text) ==
                     BK_OK;
            snprintf(msg, sizeof msg,
                     "All unpivot value columns must have the same size as there are value "
                     "column names (%.*s).",
                     (int)names.len, names.len ? (const char *)names.data : "");
            bk_buf_destroy(&names);
            return fail_at(b, it->cols[0].span, err, BK_UNPIVOT_VALUE_SIZE_MISMATCH, msg);
        }
        cols[k] = bk_arena_array(b->a, nv, sizeof **cols);
        if (!cols[k]) return bk_arena_oom(b->a, err);
        bk_buf label;
        bk_buf_init(&label);
        for (uint32_t i = 0; i < nv; i++) {
            sql_expr *ref = node(b, SQL_E_COLUMN, it->cols[i].span);
            if (!ref) return bk_arena_oom(b->a, err);
            ref->name = it->cols[i];
            bind_env env = {.b = b, .scope = &in.scope};
            exec_expr *x;
            bk_status s = bind_expr(&env, ref, &x, err);
            if (s != BK_OK) {
                bk_buf_destroy(&label);
                return s;
            }
            cols[k][i] = x->column;
            used[x->column] = true;
            if (bk_buf_printf(&label, "%s%s", i ? "_" : "", in.scope.cols[x->column].name) !=
                BK_OK) {
                bk_buf_destroy(&label);
                return bk_arena_oom(b->a, err);
            }
            const bk_type *t = k == 0 ? x->type : bind_common_type(b, types[i], x->type);
            if (!t) {
                bk_buf_destroy(&label);
                snprintf(msg, sizeof msg,
                         "Unpivot value columns must share a least common type, some types do "
                         "not: [\"%s\", \"%s\"].",
                         type_text(b, types[i]), type_text(b, x->type));
                return fail_at(b, it->cols[i].span, err, BK_UNPIVOT_VALUE_DATA_TYPE_MISMATCH,
                               msg);
            }
            types[i] = t;
        }
        labels[k] = it->alias ? it->alias->text
                              : bk_arena_strndup(b->a, label.len ? (const char *)label.data : "",
                                                 label.len);
        bk_buf_destroy(&label);
        if (!labels[k]) return bk_arena_oom(b->a, err);
    }
    /* output: the id columns, the name column, the value columns */
    uint32_t n_ids = 0;
    uint32_t *ids = bk_arena_array(b->a, n_in ? n_in : 1, sizeof *ids);
    if (!ids) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n_in; i++)
        if (!used[i] && !bind_hidden_name(&in.scope.cols[i]) &&
            strncmp(in.scope.cols[i].name, "__", 2) != 0)
            ids[n_ids++] = i;
    uint32_t n_out = n_ids + 1 + nv;
    plan_scope sc = {.n = n_out, .cols = bk_arena_zalloc(b->a, n_out * sizeof *sc.cols)};
    const char **names = bk_arena_array(b->a, n_out, sizeof *names);
    const bk_type **otypes = bk_arena_array(b->a, n_out, sizeof *otypes);
    exec_expr ***projs = bk_arena_array(b->a, ni, sizeof *projs);
    if (!sc.cols || !names || !otypes || !projs) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < n_ids; i++) sc.cols[i] = in.scope.cols[ids[i]];
    sc.cols[n_ids] = (plan_col){NULL, pv->name_col.text, T(BK_TYPE_STRING)};
    for (uint32_t i = 0; i < nv; i++)
        sc.cols[n_ids + 1 + i] = (plan_col){NULL, pv->value_cols[i].text, types[i]};
    for (uint32_t i = 0; i < n_out; i++) {
        names[i] = sc.cols[i].name;
        otypes[i] = sc.cols[i].type;
    }
    sql_expr at = {.kind = SQL_E_COLUMN, .span = pv->span};
    for (uint32_t k = 0; k < ni; k++) {
        projs[k] = bk_arena_array(b->a, n_out, sizeof **projs);
        if (!projs[k]) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < n_ids; i++) {
            projs[k][i] = exec_expr_column(b->a, ids[i], otypes[i]);
            if (!projs[k][i]) return bk_arena_oom(b->a, err);
        }
        bk_str label = bk_str_from_cstr(labels[k]);
        projs[k][n_ids] = bind_const(b, T(BK_TYPE_STRING), &label);
        if (!projs[k][n_ids]) return bk_arena_oom(b->a, err);
        for (uint32_t i = 0; i < nv; i++) {
            uint32_t c = cols[k][i];
            exec_expr *x = exec_expr_column(b->a, c, in.scope.cols[c].type);
            if (!x) return bk_arena_oom(b->a, err);
            BK_TRY(bind_cast(b, x, types[i], &at, &projs[k][n_ids + 1 + i], err));
        }
    }
    const bk_type *schema = bk_type_make_struct(b->a, n_out, names, otypes, NULL);
    exec_node *x = schema ? exec_node_make(b->a, EXEC_NODE_EXPAND, schema, in.node) : NULL;
    if (!x) return bk_arena_oom(b->a, err);
    x->u.expand.projections = projs;
    x->u.expand.n_projections = ni;
    out->node = x;
    out->scope = sc;
    if (!pv->include_nulls) {
        /* EXCLUDE NULLS: keep the rows with a value that is not NULL */
        exec_expr *keep = NULL;
        for (uint32_t i = 0; i < nv; i++) {
            exec_expr **arg = bk_arena_array(b->a, 1, sizeof *arg);
            if (!arg) return bk_arena_oom(b->a, err);
            arg[0] = exec_expr_column(b->a, n_ids + 1 + i, types[i]);
            exec_expr *nn = arg[0] ? exec_expr_call(b->a, "isnotnull", exec_fn_is_not_null,
                                                    T(BK_TYPE_BOOLEAN), arg, 1)
                                   : NULL;
            if (!nn) return bk_arena_oom(b->a, err);
            if (keep)
                BK_TRY(bind_binary(b, "OR", keep, nn, &at, &keep, err));
            else
                keep = nn;
        }
        BK_TRY(bind_filter(b, out, keep, err));
    }
    if (f->alias) bind_requalify(out, f->alias->text);
    return BK_OK;
}

bk_status bind_pivot(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    if (f->kind == SQL_FROM_PIVOT) return bind_pivot_op(b, f, out, err);
    return bind_unpivot_op(b, f, out, err);
}
