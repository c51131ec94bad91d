/*
 * bind_generate.c — generators: explode, explode_outer, posexplode,
 * posexplode_outer, inline, inline_outer, json_tuple, planned as EXEC_NODE_GENERATE
 * (engine/exec/op_generate.c) in the three places Spark allows them:
 *
 *   FROM t LATERAL VIEW [OUTER] explode(e) alias AS c1, ...   (chained: each
 *       view sees the columns of the source and of the views before it)
 *   SELECT a, explode(e) [AS c | AS (c1, ...)] FROM t    one generator per SELECT, at the top
 *       of a select item (UNSUPPORTED_GENERATOR.MULTI_GENERATOR /
 *       NESTED_IN_EXPRESSIONS otherwise); its argument may use aggregates
 *   SELECT * FROM explode(e) [AS t(c1, ...)]   a table-valued function
 *
 * Output columns as Spark names them: col (array elements), key and value (map
 * entries), pos (posexplode, INT from 0), the struct's field names (inline),
 * c0, c1, ... (json_tuple, planned as inline over a one-struct array).
 * Aliases must match their number (UDTF_ALIAS_NUMBER_MISMATCH).
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "engine/exec/fn_library.h"
#include "engine/exec/fn_nested.h"
#include "engine/plan/binder_int.h"

static bool name_eq(const char *x, const char *y) {
    return x && y && bk_str_ieq(bk_str_from_cstr(x), bk_str_from_cstr(y));
}

static const char *text_of(binder *b, const sql_expr *e) {
    return bk_arena_strndup(b->a, b->text + e->span.off, e->span.len);
}

static const char *const generators[] = {"explode",          "explode_outer", "posexplode",
                                         "posexplode_outer", "inline",        "inline_outer",
                                         "json_tuple"};

bool bind_gen_is_generator(const sql_expr *e) {
    if (e->kind != SQL_E_FUNC || e->name.n != 1 || e->over) return false;
    for (size_t i = 0; i < BK_ARRAY_LEN(generators); i++)
        if (name_eq(e->name.parts[0].text, generators[i])) return true;
    return false;
}

static bool contains_generator(const sql_expr *e) {
    if (!e) return false;
    if (bind_gen_is_generator(e)) return true;
    if (e->kind == SQL_E_SUBQUERY || e->kind == SQL_E_EXISTS || e->kind == SQL_E_IN_QUERY)
        return false;
    for (uint32_t i = 0; i < e->n_args; i++)
        if (contains_generator(e->args[i])) return true;
    return contains_generator(e->operand) || contains_generator(e->else_);
}

/*
 * json_tuple(json, k1, ..., kn) as inline(array(struct(c0, ..., cn-1))): one row per
 * input row, column i the value of key ki (exec_fn_json_tuple_field).  In *arg.
 */
static bk_status bind_json_tuple(bind_env *env, const sql_expr *call, exec_expr **arg,
                                 bk_error *err) {
    binder *b = env->b;
    if (call->n_args < 2 || call->star_arg) {
        bk_error_set_sub(err, BK_WRONG_NUM_ARGS,
                         "WITHOUT_SUGGESTION", "The `json_tuple` requires > 1 parameters but "
                         "the actual number is %u. Please, refer to "
                         "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                         call->n_args);
        return bind_error_at(b, call, err);
    }
    uint32_t n = call->n_args - 1;
    const bk_type *str = bk_type_scalar(BK_TYPE_STRING);
    exec_expr **fields = bk_arena_array(b->a, n, sizeof *fields);
    const char **names = bk_arena_array(b->a, n, sizeof *names);
    const bk_type **types = bk_arena_array(b->a, n, sizeof *types);
    if (!fields || !names || !types) return bk_arena_oom(b->a, err);
    exec_expr *json;
    BK_TRY(bind_expr(env, call->args[0], &json, err));
    for (uint32_t i = 0; i <= n; i++) {
        exec_expr *x = json;
        if (i) BK_TRY(bind_expr(env, call->args[i], &x, err));
        bk_type_kind k = x->type->kind;
        if (k != BK_TYPE_STRING && k != BK_TYPE_VOID) {
            char tn[128];
            bk_type_format(x->type, tn, sizeof tn);
            bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                             "NON_STRING_TYPE", "Cannot resolve \"%s\" due to data type "
                             "mismatch: all arguments of the function `json_tuple` must be "
                             "strings.",
                             text_of(b, call));
            return bind_error_at(b, call, err);
        }
        BK_TRY(bind_cast(b, x, str, call, &x, err));
        if (!i) {
            json = x;
            continue;
        }
        exec_expr **two = bk_arena_array(b->a, 2, sizeof *two);
        char nm[16];
        snprintf(nm, sizeof nm, "c%u", i - 1);
        names[i - 1] = bk_arena_strndup(b->a, nm, strlen(nm));
        types[i - 1] = str;
        if (!two || !names[i - 1]) return bk_arena_oom(b->a, err);
        two[0] = json;
        two[1] = x;
        fields[i - 1] = exec_expr_call(b->a, "json_tuple", exec_fn_json_tuple_field, str, two, 2);
        if (!fields[i - 1]) return bk_arena_oom(b->a, err);
    }
    const bk_type *st = bk_type_make_struct(b->a, n, names, types, NULL);
    const bk_type *at = st ? bk_type_make_array(b->a, st) : NULL;
    exec_expr *row = st ? exec_expr_call(b->a, "struct", exec_fn_struct_pack, st, fields, n) : NULL;
    const exec_fn_def *array = exec_fn_lookup("array");
    exec_expr **one = bk_arena_array(b->a, 1, sizeof *one);
    if (!at || !row || !array || !one) return bk_arena_oom(b->a, err);
    one[0] = row;
    *arg = exec_expr_call(b->a, "array", array->kernel, at, one, 1);
    return *arg ? BK_OK : bk_arena_oom(b->a, err);
}

/*
 * GENERATE of `call` over rel (its argument bound in env), with the generated
 * columns' names from aliases (or Spark's defaults) in names/types (*n_gen).
 * rel->node becomes the GENERATE node; rel->scope is left as it was.
 */
static bk_status add_generate(bind_env *env, plan_rel *rel, const sql_expr *call, bool outer_kw,
                              const sql_ident *aliases, uint32_t n_aliases, const char ***names,
                              const bk_type ***types, uint32_t *n_gen, bk_error *err) {
    binder *b = env->b;
    const char *fn = call->name.parts[0].text;
    bool outer = outer_kw || (strlen(fn) > 6 && name_eq(fn + strlen(fn) - 6, "_outer"));
    bool pos = !strncmp(fn, "pos", 3) || !strncmp(fn, "POS", 3);
    bool tuple = name_eq(fn, "json_tuple");
    bool inl = (fn[0] | 0x20) == 'i' || tuple;
    if (!tuple && (call->n_args != 1 || call->star_arg)) {
        bk_error_set_sub(err, BK_WRONG_NUM_ARGS,
                         "WITHOUT_SUGGESTION", "The `%s` requires 1 parameters but the "
                         "actual number is %u. Please, refer to "
                         "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                         fn, call->n_args);
        return bind_error_at(b, call, err);
    }
    exec_expr *arg;
    if (tuple)
        BK_TRY(bind_json_tuple(env, call, &arg, err));
    else
        BK_TRY(bind_expr(env, call->args[0], &arg, err));
    const bk_type *t = arg->type;
    bool ok = inl ? t->kind == BK_TYPE_ARRAY && t->children[0]->kind == BK_TYPE_STRUCT
                  : t->kind == BK_TYPE_ARRAY || t->kind == BK_TYPE_MAP;
    if (!ok) {
        char tn[128];
        bk_type_format(t, tn, sizeof tn);
        bk_error_set_sub(err, BK_DATATYPE_MISMATCH,
                         "UNEXPECTED_INPUT_TYPE", "Cannot resolve \"%s\" due to data "
                         "type mismatch: The first parameter requires the %s type, however \"%s\" "
                         "has the type \"%s\".",
                         text_of(b, call), inl ? "\"ARRAY<STRUCT>\"" : "(\"ARRAY\" or \"MAP\")",
                         text_of(b, call->args[0]), tn);
        return bind_error_at(b, call, err);
    }
    uint32_t n = (pos ? 1 : 0) + (inl ? t->children[0]->n_children : t->n_children);
    const char **nm = bk_arena_array(b->a, n, sizeof *nm);
    const bk_type **ty = bk_arena_array(b->a, n, sizeof *ty);
    if (!nm || !ty) return bk_arena_oom(b->a, err);
    uint32_t k = 0;
    if (pos) {
        nm[k] = "pos";
        ty[k++] = bk_type_scalar(BK_TYPE_INT);
    }
    if (inl) {
        const bk_type *st = t->children[0];
        for (uint32_t f = 0; f < st->n_children; f++) {
            nm[k] = st->field_names[f];
            ty[k++] = st->children[f];
        }
    } else if (t->kind == BK_TYPE_MAP) {
        nm[k] = "key";
        ty[k++] = t->children[0];
        nm[k] = "value";
        ty[k++] = t->children[1];
    } else {
        nm[k] = "col";
        ty[k++] = t->children[0];
    }
    if (n_aliases) {
        if (n_aliases != n) {
            bk_error_set(err, BK_UDTF_ALIAS_NUMBER_MISMATCH,
                         "The number of aliases supplied in the AS clause does not match the "
                         "number of columns output by the UDTF. Expected %u aliases, but got %u. "
                         "Please ensure that the number of aliases provided matches the number of "
                         "columns output by the UDTF.",
                         n, n_aliases);
            return bind_error_at(b, call, err);
        }
        for (uint32_t i = 0; i < n; i++) nm[i] = aliases[i].text;
    }
    const bk_type *child = rel->node->schema;
    uint32_t cn = child->n_children;
    const char **all_n = bk_arena_array(b->a, cn + n, sizeof *all_n);
    const bk_type **all_t = bk_arena_array(b->a, cn + n, sizeof *all_t);
    if (!all_n || !all_t) return bk_arena_oom(b->a, err);
    for (uint32_t i = 0; i < cn; i++) {
        all_n[i] = child->field_names[i];
        all_t[i] = child->children[i];
    }
    memcpy(all_n + cn, nm, n * sizeof *nm);
    memcpy(all_t + cn, ty, n * sizeof *ty);
    const bk_type *schema = bk_type_make_struct(b->a, cn + n, all_n, all_t, NULL);
    exec_node *g = schema ? exec_node_make(b->a, EXEC_NODE_GENERATE, schema, rel->node) : NULL;
    if (!g) return bk_arena_oom(b->a, err);
    g->u.generate.arg = arg;
    g->u.generate.kind = inl ? EXEC_GEN_INLINE : EXEC_GEN_EXPLODE;
    g->u.generate.with_pos = pos;
    g->u.generate.outer = outer;
    rel->node = g;
    *names = nm;
    *types = ty;
    *n_gen = n;
    return BK_OK;
}

/* Append columns to a scope (a new array in b->a). */
static bk_status scope_append(binder *b, plan_scope *s, const char *qual, const char **names,
                              const bk_type **types, uint32_t n, bk_error *err) {
    plan_col *cols = bk_arena_array(b->a, s->n + n ? s->n + n : 1, sizeof *cols);
    if (!cols) return bk_arena_oom(b->a, err);
    if (s->n) memcpy(cols, s->cols, s->n * sizeof *cols);
    for (uint32_t i = 0; i < n; i++) cols[s->n + i] = (plan_col){qual, names[i], types[i]};
    s->cols = cols;
    s->n += n;
    return BK_OK;
}

bk_status bind_lateral_views(binder *b, const sql_lateral *lv, uint32_t n, plan_rel *rel,
                             bk_error *err) {
    for (uint32_t i = 0; i < n; i++) {
        if (!bind_gen_is_generator(lv[i].call)) {
            bk_error_set_sub(err, BK_UNSUPPORTED_GENERATOR,
                             "NOT_GENERATOR", "The generator is not supported: "
                             "%s is expected to be a generator (explode, posexplode, inline, and "
                             "their _outer forms).",
                             lv[i].call->name.parts[lv[i].call->name.n - 1].text);
            return bind_error_at(b, lv[i].call, err);
        }
        bind_env env = {.b = b, .scope = &rel->scope};
        const char **names;
        const bk_type **types;
        uint32_t ng;
        BK_TRY(add_generate(&env, rel, lv[i].call, lv[i].outer, lv[i].cols, lv[i].n_cols, &names,
                            &types, &ng, err));
        BK_TRY(scope_append(b, &rel->scope, lv[i].alias ? lv[i].alias->text : NULL, names, types,
                            ng, err));
    }
    return BK_OK;
}

bk_status bind_gen_table_function(binder *b, const sql_from *f, plan_rel *out, bk_error *err) {
    /* one row without columns, then the generator over constants */
    const bk_type *empty = bk_type_make_struct(b->a, 0, NULL, NULL, NULL);
    exec_table *t = empty ? exec_table_make(b->a, empty) : NULL;
    if (!t) return bk_arena_oom(b->a, err);
    exec_chunk one = {.n = 1, .n_cols = 0};
    if (exec_table_push(t, &one, err) != BK_OK) return err ? err->code : BK_OUT_OF_MEMORY;
    exec_node *src = exec_node_make(b->a, EXEC_NODE_VALUES, empty, NULL);
    if (!src) return bk_arena_oom(b->a, err);
    src->u.values.table = t;
    plan_rel rel = {.node = src, .scope = {0}};
    sql_expr call = {.kind = SQL_E_FUNC, .span = f->span, .name = f->name, .args = f->args,
                     .n_args = f->n_args};
    bind_env env = {.b = b, .scope = &rel.scope};
    const char **names;
    const bk_type **types;
    uint32_t ng;
    BK_TRY(add_generate(&env, &rel, &call, false, f->col_aliases, f->n_col_aliases, &names, &types,
                        &ng, err));
    exec_expr **exprs = bk_arena_array(b->a, ng, sizeof *exprs);
    plan_col *cols = bk_arena_array(b->a, ng, sizeof *cols);
    if (!exprs || !cols) return bk_arena_oom(b->a, err);
    const char *qual = f->alias ? f->alias->text : NULL;
    for (uint32_t i = 0; i < ng; i++) {
        exprs[i] = exec_expr_column(b->a, i, types[i]);
        if (!exprs[i]) return bk_arena_oom(b->a, err);
        cols[i] = (plan_col){qual, names[i], types[i]};
    }
    BK_TRY(bind_project(b, &rel, exprs, cols, ng, err));
    *out = rel;
    return BK_OK;
}

bk_status bind_gen_select(bind_env *env, const sql_select *s, plan_rel *rel, bind_gen_sel *g,
                          bk_error *err) {
    binder *b = env->b;
    memset(g, 0, sizeof *g);
    g->item = -1;
    uint32_t found = 0;
    for (uint32_t i = 0; i < s->n_items; i++) {
        const sql_expr *e = s->items[i].expr;
        if (bind_gen_is_generator(e)) {
            if (found++) {
                bk_error_set_sub(err, BK_UNSUPPORTED_GENERATOR,
                                 "MULTI_GENERATOR", "The generator is not "
                                 "supported: only one generator allowed per SELECT clause but "
                                 "found %u: \"%s\", \"%s\".",
                                 found, text_of(b, s->items[g->item].expr), text_of(b, e));
                return bind_error_at(b, e, err);
            }
            g->item = (int)i;
            continue;
        }
        if (s->items[i].n_aliases) {
            bk_error_set(err, BK_MULTI_ALIAS_WITHOUT_GENERATOR,
                         "Multi part aliasing (%s, ...) is not supported with \"%s\" as it is not "
                         "a generator function.",
                         s->items[i].aliases[0].text, text_of(b, e));
            return bind_error_at(b, e, err);
        }
        if (contains_generator(e)) {
            bk_error_set_sub(err, BK_UNSUPPORTED_GENERATOR,
                             "NESTED_IN_EXPRESSIONS", "The generator is not "
                             "supported: nested in expressions \"%s\".",
                             text_of(b, e));
            return bind_error_at(b, e, err);
        }
    }
    if (g->item < 0) return BK_OK;
    const sql_select_item *it = &s->items[g->item];
    g->first = rel->node->schema->n_children;
    return add_generate(env, rel, it->expr, false, it->n_aliases ? it->aliases : it->alias,
                        it->n_aliases ? it->n_aliases : it->alias ? 1 : 0, &g->names, &g->types,
                        &g->n, err);
}

bk_status bind_gen_scope(binder *b, const bind_gen_sel *g, plan_scope *scope, bk_error *err) {
    if (g->item < 0 || scope->n != g->first) return BK_OK;
    return scope_append(b, scope, NULL, g->names, g->types, g->n, err);
}
