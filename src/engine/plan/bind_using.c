/*
 * bind_using.c — JOIN … USING (c1, …) and NATURAL JOIN.
 *
 * Spark's rule (Analyzer.commonNaturalJoinProcessing): each USING name must
 * be a column of both sides (UNRESOLVED_USING_COLUMN_FOR_JOIN otherwise);
 * NATURAL uses every name the sides share, in the left side's order, and is a
 * cross join when they share none.  The join condition is the conjunction of
 * the key equalities, and the output is
 *
 *     the keys, the left side's other columns, the right side's other columns
 *
 * where a key is the left column (INNER, LEFT, SEMI, ANTI), the right column
 * (RIGHT), or coalesce(left, right) under the left name (FULL).  The key
 * columns that are not in the output stay in scope hidden (binder_int.h), so
 * `t2.k` still names the right key; columns an inner USING join hid stay hidden.
 *
 * The plan: both sides get a copy of each key column appended under a private
 * name (__using_l0, __using_r0, …), so the equalities are bound by name
 * without ambiguity, bind_make_join builds the hash join on them, and one
 * projection puts the columns into Spark's order.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "engine/exec/functions.h"
#include "engine/plan/binder_int.h"

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static bk_status fail_at(binder *b, sql_span at, bk_error *err, bk_code code, const char *msg) {
    (void)b;
    bk_error_set(err, code, "%s", msg);
    if (err && err->sql_pos < 0) err->sql_pos = (int)at.off;
    return code;
}

/* The first visible column of `s` named `name`, or -1. */
static int find_visible(const plan_scope *s, const char *name) {
    for (uint32_t i = 0; i < s->n; i++)
        if (!bind_hidden_name(&s->cols[i]) && name_eq(s->cols[i].name, name)) return (int)i;
    return -1;
}

static bk_status unresolved(binder *b, const sql_from *f, const sql_ident *name,
                            const plan_scope *side, const char *which, bk_error *err) {
    bk_buf cols;
    bk_buf_init(&cols);
    for (uint32_t i = 0, shown = 0; i < side->n; i++) {
        if (bind_hidden_name(&side->cols[i]) || !strncmp(side->cols[i].name, "__", 2)) continue;
        if (bk_buf_printf(&cols, "%s`%s`", shown++ ? ", " : "", side->cols[i].name) != BK_OK) break;
    }
    char msg[768];
    snprintf(msg, sizeof msg,
             "USING column `%s` cannot be resolved on the %s side of the join. The %s-side "
             "columns: [%.*s].",
             name->text, which, which, (int)cols.len, cols.len ? (const char *)cols.data : "");
    bk_buf_destroy(&cols);
    return fail_at(b, name ? name->span : f->span, err, BK_UNRESOLVED_USING_COLUMN_FOR_JOIN, msg);
}

/* rel with copies of its columns keys[0..n) appended as `<prefix><i>`. */
static bk_status add_key_copies(binder *b, plan_rel *rel, const int *keys, uint32_t n,
                                const char *prefix, bk_error *err) {
    uint32_t base = rel->scope.n, total = base + n;
    exec_expr **exprs = bk_arena_array(b->a, total ? total : 1, sizeof *exprs);
    plan_col *cols = bk_arena_array(b->a, total ? total : 1, sizeof *cols);
    if (!exprs || !cols) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < total; i++) {
        uint32_t src = i < base ? i : (uint32_t)keys[i - base];
        exprs[i] = exec_expr_column(b->a, src, rel->scope.cols[src].type);
        if (!exprs[i]) return bk_arena_oom(b->a, err);
        cols[i] = rel->scope.cols[src];
        if (i >= base) {
            cols[i].qualifier = NULL;
            cols[i].name = bk_arena_printf(b->a, "%s%u", prefix, i - base);
            if (!cols[i].name) return bk_arena_oom(b->a, err);
        }
    }
    return bind_project(b, rel, exprs, cols, total, err);
}

/* The column `name` as an expression (names here are private, so never ambiguous). */
static sql_expr *column_ref(binder *b, const char *name, sql_span at) {
    sql_expr *e = bk_arena_zalloc(b->a, sizeof *e);
    sql_ident *id = bk_arena_zalloc(b->a, sizeof *id);
    if (!e || !id) return NULL;
    id->text = name;
    id->span = at;
    e->kind = SQL_E_COLUMN;
    e->span = at;
    e->name = (sql_name){id, 1, at};
    return e;
}

/* A hidden copy of column c (same qualifier, the name marked). */
static bk_status hide(binder *b, plan_col *c, bk_error *err) {
    if (bind_hidden_name(c)) return BK_OK;
    c->name = bk_arena_printf(b->a, "%c%s", BIND_HIDDEN_MARK, c->name);
    return c->name ? BK_OK : bk_arena_oom(b->a, err);
}

/* Output column n of the final projection: column src of the join j as it is. */
static bk_status put(binder *b, const plan_rel *j, uint32_t src, exec_expr **exprs, plan_col *cols,
                     uint32_t *n, bk_error *err) {
    exprs[*n] = exec_expr_column(b->a, src, j->scope.cols[src].type);
    if (!exprs[*n]) return bk_arena_oom(b->a, err);
    cols[(*n)++] = j->scope.cols[src];
    return BK_OK;
}

/* coalesce(l, r) over bound columns, in their common type. */
static bk_status coalesce(binder *b, exec_expr *l, exec_expr *r, const sql_from *f,
                          exec_expr **out, bk_error *err) {
    const bk_type *t = bind_common_type(b, l->type, r->type);
    sql_expr at = {.kind = SQL_E_COLUMN, .span = f->span};
    if (!t) t = l->type;
    BK_TRY(bind_cast(b, l, t, &at, &l, err));
    BK_TRY(bind_cast(b, r, t, &at, &r, err));
    exec_expr **args = bk_arena_array(b->a, 3, sizeof *args);
    exec_expr **test = bk_arena_array(b->a, 1, sizeof *test);
    exec_expr *c = bk_arena_zalloc(b->a, sizeof *c);
    if (!args || !test || !c) return bk_arena_oom(b->a, err);
    test[0] = l;
    args[0] = exec_expr_call(b->a, "isnotnull", exec_fn_is_not_null,
                             bk_type_scalar(BK_TYPE_BOOLEAN), test, 1);
    if (!args[0]) return bk_arena_oom(b->a, err);
    args[1] = l;
    args[2] = r;
    c->kind = EXEC_EXPR_CASE;
    c->type = t;
    c->has_else = true;
    c->n_args = 3;
    c->args = args;
    *out = c;
    return BK_OK;
}

bk_status bind_using_join(binder *b, const sql_from *f, const plan_rel *l_in, const plan_rel *r_in,
                          plan_rel *out, bk_error *err) {
    if (f->natural && f->join == SQL_JOIN_CROSS)
        return fail_at(b, f->span, err, BK_INCOMPATIBLE_JOIN_TYPES,
                       "The join types NATURAL and CROSS are incompatible.");
    const plan_scope *ls = &l_in->scope, *rs = &r_in->scope;
    /* the key names and their columns on each side */
    uint32_t cap = f->natural ? ls->n : f->n_using;
    int *lk = bk_arena_array(b->a, cap ? cap : 1, sizeof *lk);
    int *rk = bk_arena_array(b->a, cap ? cap : 1, sizeof *rk);
    if (!lk || !rk) return bk_arena_oom(b->a, err);
    uint32_t nk = 0;
    if (f->natural) {
        for (uint32_t i = 0; i < ls->n; i++) {
            if (bind_hidden_name(&ls->cols[i]) || !strncmp(ls->cols[i].name, "__", 2)) continue;
            int r = find_visible(rs, ls->cols[i].name);
            bool seen = false;
            for (uint32_t k = 0; k < nk && !seen; k++)
                seen = name_eq(ls->cols[lk[k]].name, ls->cols[i].name);
            if (r < 0 || seen) continue;
            lk[nk] = (int)i;
            rk[nk++] = r;
        }
    } else {
        for (uint32_t k = 0; k < f->n_using; k++) {
            const sql_ident *u = &f->using_cols[k];
            lk[k] = find_visible(ls, u->text);
            if (lk[k] < 0) return unresolved(b, f, u, ls, "left", err);
            rk[k] = find_visible(rs, u->text);
            if (rk[k] < 0) return unresolved(b, f, u, rs, "right", err);
        }
        nk = f->n_using;
    }
    plan_rel l = *l_in, r = *r_in;
    uint32_t nl = l.scope.n, nr = r.scope.n;
    BK_TRY(add_key_copies(b, &l, lk, nk, "__using_l", err));
    BK_TRY(add_key_copies(b, &r, rk, nk, "__using_r", err));
    const sql_expr **conds = bk_arena_array(b->a, nk ? nk : 1, sizeof *conds);
    if (!conds) return bk_arena_oom(b->a, err);
    for (uint32_t k = 0; k < nk; k++) {
        sql_expr *eq = bk_arena_zalloc(b->a, sizeof *eq);
        sql_expr **args = bk_arena_array(b->a, 2, sizeof *args);
        if (!eq || !args) return bk_arena_oom(b->a, err);
        args[0] = column_ref(b, l.scope.cols[nl + k].name, f->span);
        args[1] = column_ref(b, r.scope.cols[nr + k].name, f->span);
        if (!args[0] || !args[1]) return bk_arena_oom(b->a, err);
        *eq = (sql_expr){
            .kind = SQL_E_BINARY_OP, .span = f->span, .op = "=", .args = args, .n_args = 2};
        conds[k] = eq;
    }
    exec_join_kind kind = EXEC_JOIN_INNER;
    bool swapped = false;
    switch (f->join) {
    case SQL_JOIN_LEFT:
        kind = EXEC_JOIN_LEFT;
        break;
    case SQL_JOIN_RIGHT:
        kind = EXEC_JOIN_LEFT; /* the sides swapped */
        swapped = true;
        break;
    case SQL_JOIN_FULL:
        kind = EXEC_JOIN_FULL;
        break;
    case SQL_JOIN_SEMI:
        kind = EXEC_JOIN_SEMI;
        break;
    case SQL_JOIN_ANTI:
        kind = EXEC_JOIN_ANTI;
        break;
    default:
        break;
    }
    plan_rel j;
    if (swapped)
        BK_TRY(bind_make_join(b, &r, &l, kind, conds, nk, false, &j, err));
    else
        BK_TRY(bind_make_join(b, &l, &r, kind, conds, nk, false, &j, err));
    /* where each side's columns are in the join's output */
    uint32_t l_at = swapped ? r.scope.n : 0, r_at = swapped ? 0 : l.scope.n;
    bool narrow = kind == EXEC_JOIN_SEMI || kind == EXEC_JOIN_ANTI;
    uint32_t n_out = nl + nr + nk; /* at most: keys, others, hidden keys */
    exec_expr **exprs = bk_arena_array(b->a, n_out ? n_out : 1, sizeof *exprs);
    plan_col *cols = bk_arena_array(b->a, n_out ? n_out : 1, sizeof *cols);
    bool *is_lkey = bk_arena_zalloc(b->a, nl ? nl : 1);
    bool *is_rkey = bk_arena_zalloc(b->a, nr ? nr : 1);
    if (!exprs || !cols || !is_lkey || !is_rkey) return bk_arena_oom(b->a, err);
    for (uint32_t k = 0; k < nk; k++) {
        is_lkey[lk[k]] = true;
        is_rkey[rk[k]] = true;
    }
    uint32_t n = 0;
    /* the keys */
    for (uint32_t k = 0; k < nk; k++) {
        if (f->join == SQL_JOIN_FULL) {
            exec_expr *lc = exec_expr_column(b->a, l_at + (uint32_t)lk[k], ls->cols[lk[k]].type);
            exec_expr *rc = exec_expr_column(b->a, r_at + (uint32_t)rk[k], rs->cols[rk[k]].type);
            if (!lc || !rc) return bk_arena_oom(b->a, err);
            BK_TRY(coalesce(b, lc, rc, f, &exprs[n], err));
            cols[n] = (plan_col){NULL, ls->cols[lk[k]].name, exprs[n]->type};
            n++;
        } else if (swapped) {
            BK_TRY(put(b, &j, r_at + (uint32_t)rk[k], exprs, cols, &n, err));
        } else {
            BK_TRY(put(b, &j, l_at + (uint32_t)lk[k], exprs, cols, &n, err));
        }
    }
    /* the other columns of each side */
    for (uint32_t i = 0; i < nl; i++)
        if (!is_lkey[i]) BK_TRY(put(b, &j, l_at + i, exprs, cols, &n, err));
    for (uint32_t i = 0; !narrow && i < nr; i++)
        if (!is_rkey[i]) BK_TRY(put(b, &j, r_at + i, exprs, cols, &n, err));
    /* the keys Spark hides: reachable as t.k only */
    bool hide_l = f->join == SQL_JOIN_FULL || swapped;
    bool hide_r = !narrow && (f->join == SQL_JOIN_FULL || !swapped);
    for (uint32_t k = 0; k < nk && hide_l; k++) {
        BK_TRY(put(b, &j, l_at + (uint32_t)lk[k], exprs, cols, &n, err));
        BK_TRY(hide(b, &cols[n - 1], err));
    }
    for (uint32_t k = 0; k < nk && hide_r; k++) {
        BK_TRY(put(b, &j, r_at + (uint32_t)rk[k], exprs, cols, &n, err));
        BK_TRY(hide(b, &cols[n - 1], err));
    }
    *out = j;
    return bind_project(b, out, exprs, cols, n, err);
}
