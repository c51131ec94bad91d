/*
 * bind_grouping.c — GROUP BY GROUPING SETS / ROLLUP / CUBE, grouping(), grouping_id().
 *
 * The parser has already expanded every analytics form into a list of
 * grouping sets.  Here they become a plan in Spark's shape (Analyzer
 * ResolveGroupingAnalytics):
 *
 *     pre-projection [k1..kn, aggregate arguments]
 *       -> EXPAND, one projection per set: ki or NULL, …, gid [, pos], arguments
 *       -> AGGREGATE keys [k1..kn, gid [, pos]]
 *
 * The grouping id `gid` is a BIGINT with bit (n-1-i) set when key i is not in
 * the row's set (so the first key is the most significant bit), which keeps a
 * NULL of the data apart from a NULL that stands for "all values": the two
 * land in different groups and grouping(ki) tells them apart.  Sets that
 * repeat (GROUP BY a, CUBE(a)) would collapse into one group; Spark returns
 * their rows once per occurrence, so then a second key `pos` (the set's
 * position) keeps them apart.  The aggregates read the arguments, which pass
 * through the expand unchanged, so sum(k1) still sums the real values.
 *
 * grouping(ki) is CAST((gid DIV 2^(n-1-i)) % 2 AS TINYINT); grouping_id() and
 * grouping_id(k1..kn) (the keys exactly, in order) are gid itself.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "engine/plan/binder_int.h"

/* Keys beyond this do not fit the BIGINT grouping id. */
#define MAX_GROUPING_KEYS 64

struct bind_grouping {
    uint32_t n_keys;    /* n: the distinct grouping expressions */
    exec_expr **keys;   /* bound over the input scope */
    const sql_expr **src; /* their syntax, for messages */
    uint64_t *masks;    /* per set: bit i set when key i is in the set */
    uint32_t n_sets;
    bool has_pos;       /* some set repeats: the set's position is a key too */
    uint32_t gid_col;   /* the grouping id's column in the aggregate's output */
};

static const bk_type *T(bk_type_kind k) { return bk_type_scalar(k); }

static bool name_is(const char *x, const char *y) {
    return x && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static bk_status fail(binder *b, const sql_expr *at, bk_error *err, bk_code code,
                      const char *msg) {
    bk_error_set(err, code, "%s", msg);
    return bind_error_at(b, at, err);
}

/* The index of the key equal to e, adding it when new; -1 after an error. */
static int key_index(bind_env *env, bind_grouping *g, const sql_expr *src, exec_expr *e,
                     bk_error *err) {
    for (uint32_t i = 0; i < g->n_keys; i++)
        if (bind_expr_equal(e, g->keys[i])) return (int)i;
    if (g->n_keys == MAX_GROUPING_KEYS) {
        char msg[128];
        snprintf(msg, sizeof msg, "Grouping sets size cannot be greater than %d.",
                 MAX_GROUPING_KEYS);
        fail(env->b, src, err, BK_GROUPING_SIZE_LIMIT_EXCEEDED, msg);
        return -1;
    }
    g->keys[g->n_keys] = e;
    g->src[g->n_keys] = src;
    return (int)g->n_keys++;
}

/* Bind a grouping expression as written (ordinals and select aliases resolved). */
static bk_status bind_key(bind_env *env, const sql_select *s, const sql_expr *e,
                          const sql_expr **src, exec_expr **out, bk_error *err) {
    const sql_expr *g = bind_resolve_group_item(s, e, env->scope);
    BK_TRY(bind_check_group_ordinal(env->b, s, e, g, err));
    if (g->kind == SQL_E_NUMBER && g == e) { /* (an ordinal naming a literal item is fine) */
        char msg[160];
        snprintf(msg, sizeof msg,
                 "GROUP BY position %.*s is not in select list (valid range is [1, %u]).",
                 (int)g->text_len, g->text, s->n_items);
        return fail(env->b, g, err, BK_GROUP_BY_POS_OUT_OF_RANGE, msg);
    }
    *src = g;
    return bind_expr(env, g, out, err);
}

bk_status bind_grouping_keys(bind_env *env, const sql_select *s, exec_expr ***group,
                             const sql_expr ***gsrc, uint32_t *n_group, bind_grouping **out,
                             bk_error *err) {
    binder *b = env->b;
    uint32_t cap = s->n_group + 1;
    for (uint32_t k = 0; k < s->n_sets; k++) cap += s->set_sizes[k];
    if (cap > MAX_GROUPING_KEYS + 1) cap = MAX_GROUPING_KEYS + 1;
    bind_grouping *g = bk_arena_zalloc(b->a, sizeof *g);
    if (!g) return bk_arena_oom(b->a, err);
    g->keys = bk_arena_array(b->a, cap + 2, sizeof *g->keys);
    g->src = bk_arena_array(b->a, cap + 2, sizeof *g->src);
    g->masks = bk_arena_zalloc(b->a, (s->n_sets ? s->n_sets : 1) * sizeof *g->masks);
    if (!g->keys || !g->src || !g->masks) return bk_arena_oom(b->a, err);
    /* the keys: the user's GROUP BY list (or every expression of the analytics), deduplicated */
    for (uint32_t i = 0; i < s->n_group; i++) {
        exec_expr *e;
        const sql_expr *src;
        BK_TRY(bind_key(env, s, s->group[i], &src, &e, err));
        if (key_index(env, g, src, e, err) < 0) return err ? err->code : BK_INTERNAL;
    }
    g->n_sets = s->n_sets;
    for (uint32_t k = 0; k < s->n_sets; k++) {
        for (uint32_t j = 0; j < s->set_sizes[k]; j++) {
            exec_expr *e;
            const sql_expr *src;
            BK_TRY(bind_key(env, s, s->sets[k][j], &src, &e, err));
            int i = key_index(env, g, src, e, err);
            if (i < 0) return err ? err->code : BK_INTERNAL;
            g->masks[k] |= (uint64_t)1 << i;
        }
        for (uint32_t j = 0; j < k && !g->has_pos; j++) g->has_pos = g->masks[j] == g->masks[k];
    }
    *group = g->keys;
    *gsrc = g->src;
    *n_group = g->n_keys;
    *out = g;
    return BK_OK;
}

/* The grouping id of set k: bit (n-1-i) set when key i is absent. */
static int64_t set_gid(const bind_grouping *g, uint32_t k) {
    uint64_t gid = 0;
    for (uint32_t i = 0; i < g->n_keys; i++)
        if (!(g->masks[k] & ((uint64_t)1 << i))) gid |= (uint64_t)1 << (g->n_keys - 1 - i);
    return (int64_t)gid;
}

bk_status bind_grouping_expand(binder *b, bind_grouping *g, plan_rel *rel, agg_ref *aggs,
                               uint32_t n_aggs, exec_expr **group, uint32_t *n_group,
                               bk_error *err) {
    uint32_t nk = g->n_keys, extra = g->has_pos ? 2 : 1, n_in = rel->scope.n;
    uint32_t n_out = n_in + extra;
    plan_scope sc = {.n = n_out, .cols = bk_arena_zalloc(b->a, n_out * sizeof *sc.cols)};
    const char **names = bk_arena_array(b->a, n_out, sizeof *names);
    const bk_type **types = bk_arena_array(b->a, n_out, sizeof *types);
    exec_expr ***projs = bk_arena_array(b->a, g->n_sets ? g->n_sets : 1, sizeof *projs);
    if (!sc.cols || !names || !types || !projs) return bk_arena_oom(b->a, err);
    /* output: the keys, gid [, pos], then the aggregate arguments */
    for (uint32_t i = 0; i < n_out; i++) {
        if (i < nk)
            sc.cols[i] = rel->scope.cols[i];
        else if (i == nk)
            sc.cols[i] = (plan_col){NULL, "__grouping_id", T(BK_TYPE_BIGINT)};
        else if (i < nk + extra)
            sc.cols[i] = (plan_col){NULL, "__grouping_pos", T(BK_TYPE_INT)};
        else
            sc.cols[i] = rel->scope.cols[i - extra];
        names[i] = sc.cols[i].name;
        types[i] = sc.cols[i].type;
    }
    for (uint32_t k = 0; k < g->n_sets; k++) {
        projs[k] = bk_arena_array(b->a, n_out, sizeof **projs);
        if (!projs[k]) return bk_arena_oom(b->a, err);
        int64_t gid = set_gid(g, k);
        int32_t pos = (int32_t)k;
        for (uint32_t i = 0; i < n_out; i++) {
            exec_expr *e;
            if (i < nk && !(g->masks[k] & ((uint64_t)1 << i)))
                e = bind_const(b, types[i], NULL);
            else if (i < nk)
                e = exec_expr_column(b->a, i, types[i]);
            else if (i == nk)
                e = bind_const(b, types[i], &gid);
            else if (i < nk + extra)
                e = bind_const(b, types[i], &pos);
            else
                e = exec_expr_column(b->a, i - extra, types[i]);
            if (!e) return bk_arena_oom(b->a, err);
            projs[k][i] = e;
        }
    }
    const bk_type *schema = bk_type_make_struct(b->a, n_out, names, types, NULL);
    exec_node *x = schema ? exec_node_make(b->a, EXEC_NODE_EXPAND, schema, rel->node) : NULL;
    if (!x) return bk_arena_oom(b->a, err);
    x->u.expand.projections = projs;
    x->u.expand.n_projections = g->n_sets;
    rel->node = x;
    rel->scope = sc;
    for (uint32_t k = 0; k < n_aggs; k++)
        if (aggs[k].agg.column >= nk) aggs[k].agg.column += extra;
    /* the extra keys: entries no bound expression equals (columns past any scope) */
    for (uint32_t i = 0; i < extra; i++) {
        group[nk + i] = exec_expr_column(b->a, UINT32_MAX - i, types[nk + i]);
        if (!group[nk + i]) return bk_arena_oom(b->a, err);
    }
    *n_group = nk + extra;
    g->gid_col = nk;
    return BK_OK;
}

const sql_expr *bind_column_outside_aggregate(const sql_expr *e) {
    if (!e || bind_is_aggregate(e)) return NULL;
    if (e->kind == SQL_E_COLUMN) return e;
    if (e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_IN_QUERY)
        return NULL;
    for (uint32_t i = 0; i < e->n_args; i++) {
        const sql_expr *c = bind_column_outside_aggregate(e->args[i]);
        if (c) return c;
    }
    const sql_expr *c = bind_column_outside_aggregate(e->operand);
    return c ? c : bind_column_outside_aggregate(e->else_);
}

bk_status bind_group_all_check(binder *b, const sql_select *s, bk_error *err) {
    for (uint32_t i = 0; i < s->n_items; i++)
        if (bind_column_outside_aggregate(s->items[i].expr))
            return fail(b, s->items[i].expr, err, BK_UNRESOLVED_ALL_IN_GROUP_BY,
                        "Cannot infer grouping columns for GROUP BY ALL based on the select "
                        "clause. Please explicitly specify the grouping columns.");
    return BK_OK;
}

/* Does an unqualified `name` name a visible column of the scope? */
static bool in_scope(const plan_scope *sc, const char *name) {
    for (uint32_t i = 0; i < sc->n; i++)
        if (name_is(sc->cols[i].name, name)) return true;
    return false;
}

/* e with the select aliases (not in `input`) replaced by their expressions; NULL on OOM. */
static const sql_expr *subst_aliases(binder *b, const sql_select *s, const plan_scope *input,
                                     const sql_expr *e, int depth) {
    if (!e || depth > 64) return e;
    if (e->kind == SQL_E_COLUMN && e->name.n == 1 && !in_scope(input, e->name.parts[0].text)) {
        for (uint32_t i = 0; i < s->n_items; i++)
            if (s->items[i].alias && name_is(s->items[i].alias->text, e->name.parts[0].text))
                return s->items[i].expr;
        return e;
    }
    if (e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_IN_QUERY ||
        bind_is_aggregate(e) || e->n_args == 0)
        return e;
    sql_expr *c = bk_arena_alloc(b->a, sizeof *c);
    sql_expr **args = bk_arena_array(b->a, e->n_args, sizeof *args);
    if (!c || !args) return NULL;
    *c = *e;
    c->args = args;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (!(args[i] = (sql_expr *)subst_aliases(b, s, input, e->args[i], depth + 1))) return NULL;
    return c;
}

bk_status bind_having_aliases(binder *b, const sql_select *s, const plan_scope *input,
                              const sql_expr **out, bk_error *err) {
    *out = subst_aliases(b, s, input, s->having, 0);
    return *out ? BK_OK : bk_arena_oom(b->a, err);
}

bool bind_is_grouping_call(const sql_expr *e) {
    if (e->kind == SQL_E_COLUMN)
        return e->name.n == 1 && name_is(e->name.parts[0].text, "grouping__id");
    if (e->kind != SQL_E_FUNC || e->name.n != 1 || e->over) return false;
    return name_is(e->name.parts[0].text, "grouping") ||
           name_is(e->name.parts[0].text, "grouping_id");
}

/* "a, b" as Spark lists the grouping columns in its messages. */
static const char *key_list(binder *b, const bind_grouping *g) {
    bk_buf buf;
    bk_buf_init(&buf);
    for (uint32_t i = 0; i < g->n_keys; i++) {
        const sql_expr *e = g->src[i];
        if (bk_buf_printf(&buf, "%s%.*s", i ? ", " : "", (int)e->span.len, b->text + e->span.off) !=
            BK_OK)
            break;
    }
    const char *s = bk_arena_strndup(b->a, buf.len ? (const char *)buf.data : "", buf.len);
    bk_buf_destroy(&buf);
    return s ? s : "";
}

/* A BIGINT constant. */
static exec_expr *bigint(binder *b, int64_t v) { return bind_const(b, T(BK_TYPE_BIGINT), &v); }

bk_status bind_grouping_call(bind_env *env, const sql_expr *e, exec_expr **out, bk_error *err) {
    binder *b = env->b;
    const bind_grouping *g = env->grouping;
    if (!g)
        return fail(b, e, err, BK_UNSUPPORTED_GROUPING_EXPRESSION,
                    "grouping()/grouping_id() can only be used with GroupingSets/Cube/Rollup.");
    exec_expr *gid = exec_expr_column(b->a, g->gid_col, T(BK_TYPE_BIGINT));
    if (!gid) return bk_arena_oom(b->a, err);
    if (e->kind == SQL_E_COLUMN) { /* grouping__id */
        *out = gid;
        return BK_OK;
    }
    bind_env in = {.b = b, .scope = env->input};
    char msg[512];
    if (name_is(e->name.parts[0].text, "grouping_id")) {
        bool same = e->n_args == 0 || e->n_args == g->n_keys;
        for (uint32_t i = 0; same && i < e->n_args; i++) {
            exec_expr *a;
            BK_TRY(bind_expr(&in, e->args[i], &a, err));
            same = bind_expr_equal(a, g->keys[i]);
        }
        if (!same) {
            snprintf(msg, sizeof msg,
                     "Columns of grouping_id (%.*s) does not match grouping columns (%s).",
                     (int)e->span.len, b->text + e->span.off, key_list(b, g));
            return fail(b, e, err, BK_GROUPING_ID_COLUMN_MISMATCH, msg);
        }
        *out = gid;
        return BK_OK;
    }
    if (e->n_args != 1 || e->star_arg) {
        bk_error_set_sub(err, BK_WRONG_NUM_ARGS, "WITHOUT_SUGGESTION",
                         "The `grouping` requires 1 parameters but the actual number is %u. "
                         "Please, refer to 'https://spark.apache.org/docs/latest/"
                         "sql-ref-functions.html' for a fix.",
                         e->n_args);
        return bind_error_at(b, e, err);
    }
    exec_expr *a;
    BK_TRY(bind_expr(&in, e->args[0], &a, err));
    int idx = -1;
    for (uint32_t i = 0; i < g->n_keys && idx < 0; i++)
        if (bind_expr_equal(a, g->keys[i])) idx = (int)i;
    if (idx < 0) {
        snprintf(msg, sizeof msg,
                 "Column of grouping (%.*s) can't be found in grouping columns %s.",
                 (int)e->args[0]->span.len, b->text + e->args[0]->span.off, key_list(b, g));
        return fail(b, e, err, BK_GROUPING_COLUMN_MISMATCH, msg);
    }
    /* (gid DIV 2^(n-1-idx)) % 2, as TINYINT */
    exec_expr *p = bigint(b, (int64_t)((uint64_t)1 << (g->n_keys - 1 - (uint32_t)idx)));
    exec_expr *two = bigint(b, 2);
    if (!p || !two) return bk_arena_oom(b->a, err);
    exec_expr *shifted, *bit;
    BK_TRY(bind_binary(b, "DIV", gid, p, e, &shifted, err));
    BK_TRY(bind_binary(b, "%", shifted, two, e, &bit, err));
    return bind_cast(b, bit, T(BK_TYPE_TINYINT), e, out, err);
}
